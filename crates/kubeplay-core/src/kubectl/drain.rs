//! `kubectl cordon`, `uncordon` and `drain` (kubectl/pkg/cmd/drain/drain.go,
//! kubectl/pkg/drain/{drain,filters,cordon}.go). Drain cordons every node, then
//! per node: picks the pods to evict through the filters (DaemonSet-managed,
//! mirror, emptyDir, unmanaged — with their exact warnings and errors), evicts
//! them (a graceful delete, as the Eviction API does without PDBs), prints
//! `evicting pod ns/x` and, once each pod is really gone, `pod/x evicted`, then
//! `node/x drained`. The waiting runs on the simulated clock ([`DrainWait`]).

use k8s_openapi::api::apps::v1::DaemonSet;
use k8s_openapi::api::core::v1::{Node, Pod};

use super::flags::{self, flag, FlagDef, FlagKind, Parsed};
use super::selection::node_names;
use super::{usage_error, Io, Outcome};
use crate::api::deletion::DeleteOptions;
use crate::api::selectors::parse_selector;
use crate::api::ObjectKey;
use crate::cluster::Cluster;
use crate::controllers::ownership::controller_of;
use crate::foreground::Foreground;
use crate::output::Output;
use crate::printers::duration::parse_go_duration;
use crate::time::SimTime;

const CORDON_FLAGS: &[FlagDef] = &[flag("selector", Some('l'), FlagKind::Value), flag("dry-run", None, FlagKind::Value)];

const DRAIN_FLAGS: &[FlagDef] = &[
    flag("selector", Some('l'), FlagKind::Value),
    flag("dry-run", None, FlagKind::Value),
    flag("force", None, FlagKind::Bool),
    flag("ignore-daemonsets", None, FlagKind::Bool),
    flag("delete-emptydir-data", None, FlagKind::Bool),
    flag("delete-local-data", None, FlagKind::Bool),
    flag("grace-period", None, FlagKind::Value),
    flag("timeout", None, FlagKind::Value),
    flag("pod-selector", None, FlagKind::Value),
    flag("disable-eviction", None, FlagKind::Bool),
    flag("skip-wait-for-delete-timeout", None, FlagKind::Value),
    flag("chunk-size", None, FlagKind::Value),
];

/// The nodes named by the arguments or `-l`, in order; errors as kubectl prints them.
fn nodes(c: &Cluster, verb: &str, p: &Parsed, out: &mut Output) -> Result<Vec<String>, i32> {
    if p.args.is_empty() && !p.is_set("selector") {
        out.err(&format!("error: USAGE: {verb} NODE [flags]"));
        out.err(&format!("See 'kubectl {verb} -h' for help and examples"));
        return Err(1);
    }
    if let Some(sel) = p.value("selector") {
        let reqs = parse_selector(sel).map_err(|e| {
            out.err(&format!("error: {e}"));
            1
        })?;
        let names: Vec<String> = node_names(c, &reqs);
        if names.is_empty() {
            out.err("No resources found");
        }
        return Ok(names);
    }
    let mut names = Vec::new();
    for a in &p.args {
        let name = a.strip_prefix("node/").or_else(|| a.strip_prefix("nodes/")).unwrap_or(a);
        if c.store.get::<Node>("", name).is_none() {
            out.err(&format!("Error from server (NotFound): nodes \"{name}\" not found"));
            return Err(1);
        }
        names.push(name.to_string());
    }
    Ok(names)
}

fn dry_run(p: &Parsed, verb: &str, out: &mut Output) -> Result<bool, i32> {
    match p.value("dry-run").unwrap_or("none") {
        "none" | "false" => Ok(false),
        "client" | "server" | "true" => Ok(true),
        other => Err(usage_error(verb, &format!("Invalid dry-run value ({other}). Must be \"none\", \"server\", or \"client\"."), out)),
    }
}

/// Sets `spec.unschedulable`; prints `node/x cordoned` or `already cordoned`.
fn set_unschedulable(c: &mut Cluster, nodes: &[String], desired: bool, dry: bool, out: &mut Output) {
    let suffix = if dry { " (dry run)" } else { "" };
    for name in nodes {
        let current = c.store.get::<Node>("", name).and_then(|n| n.spec.as_ref()).and_then(|s| s.unschedulable).unwrap_or(false);
        let word = if desired { "cordoned" } else { "uncordoned" };
        if current == desired {
            out.out(&format!("node/{name} already {word}{suffix}"));
            continue;
        }
        if !dry {
            c.store.modify::<Node>(&ObjectKey::new("", name), |n| {
                n.spec.get_or_insert_with(Default::default).unschedulable = desired.then_some(true);
            });
        }
        out.out(&format!("node/{name} {word}{suffix}"));
    }
}

/// `kubectl cordon` and `kubectl uncordon`.
pub fn cordon(c: &mut Cluster, verb: &str, args: &[String], io: &mut Io, out: &mut Output) -> Outcome {
    let p = match flags::parse(args, CORDON_FLAGS, io.kubeconfig) {
        Ok(p) => p,
        Err(e) => return Outcome::code(usage_error(verb, e.message(), out)),
    };
    let dry = match dry_run(&p, verb, out) {
        Ok(d) => d,
        Err(code) => return Outcome::code(code),
    };
    let names = match nodes(c, verb, &p, out) {
        Ok(n) => n,
        Err(code) => return Outcome::code(code),
    };
    set_unschedulable(c, &names, verb == "cordon", dry, out);
    c.settle();
    Outcome::code(0)
}

/// What the filters decided for one pod (`PodDeleteStatus`).
enum Verdict {
    Delete,
    DeleteWithWarning(&'static str),
    Skip,
    SkipWithWarning(&'static str),
    Error(String),
}

const DAEMONSET_FATAL: &str = "DaemonSet-managed Pods (use --ignore-daemonsets to ignore)";
const DAEMONSET_WARNING: &str = "ignoring DaemonSet-managed Pods";
const LOCAL_STORAGE_FATAL: &str = "Pods with local storage (use --delete-emptydir-data to override)";
const LOCAL_STORAGE_WARNING: &str = "deleting Pods with local storage";
const UNMANAGED_FATAL: &str = "Pods that declare no controller (use --force to override)";
const UNMANAGED_WARNING: &str = "deleting Pods that declare no controller";

struct DrainOptions {
    force: bool,
    ignore_daemonsets: bool,
    delete_emptydir: bool,
}

/// The filters in kubectl's order; the first that keeps a pod decides, else the last.
fn filter(c: &Cluster, pod: &Pod, o: &DrainOptions) -> Verdict {
    let finished = matches!(pod.status.as_ref().and_then(|s| s.phase.as_deref()), Some("Succeeded" | "Failed"));
    let controller = controller_of(&pod.metadata);
    let mut verdict = Verdict::Delete;
    // daemonSetFilter
    if let Some(r) = controller.filter(|r| r.kind == "DaemonSet" && r.api_version == "apps/v1") {
        if !finished {
            let ns = pod.metadata.namespace.clone().unwrap_or_default();
            if c.store.get::<DaemonSet>(&ns, &r.name).is_none() {
                let msg = format!("daemonsets.apps \"{}\" not found", r.name);
                if !o.force {
                    return Verdict::Error(msg);
                }
            } else if !o.ignore_daemonsets {
                return Verdict::Error(DAEMONSET_FATAL.into());
            } else {
                return Verdict::SkipWithWarning(DAEMONSET_WARNING);
            }
        }
    }
    // mirrorPodFilter
    if pod.metadata.annotations.as_ref().is_some_and(|a| a.contains_key("kubernetes.io/config.mirror")) {
        return Verdict::Skip;
    }
    // localStorageFilter
    let local = pod.spec.as_ref().and_then(|s| s.volumes.as_ref()).is_some_and(|vs| vs.iter().any(|v| v.empty_dir.is_some()));
    if local && !finished {
        if !o.delete_emptydir {
            return Verdict::Error(LOCAL_STORAGE_FATAL.into());
        }
        verdict = Verdict::DeleteWithWarning(LOCAL_STORAGE_WARNING);
    }
    // unreplicatedFilter (its Okay replaces an earlier warning, as in kubectl)
    if !finished {
        if controller.is_some() {
            verdict = Verdict::Delete;
        } else if o.force {
            verdict = Verdict::DeleteWithWarning(UNMANAGED_WARNING);
        } else {
            return Verdict::Error(UNMANAGED_FATAL.into());
        }
    }
    verdict
}

/// A pod being evicted, remembered by uid.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Evicted {
    key: ObjectKey,
    uid: String,
}

/// One node's part of a drain.
#[derive(Clone, Debug, PartialEq, Eq)]
struct Section {
    node: String,
    /// Printed when this node's turn comes (warnings, `evicting pod` lines).
    intro: Vec<(bool, String)>,
    pods: Vec<Evicted>,
    /// Set when this node could not be drained (printed, no waiting).
    error: Option<String>,
}

/// A drain waiting for its evicted pods to be gone, node after node.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DrainWait {
    sections: Vec<Section>,
    current: usize,
    /// When the current node's turn began (its `--timeout` runs from there).
    started: Option<SimTime>,
    timeout_ms: Option<i64>,
    dry: bool,
    failed: Vec<(String, String)>,
}

/// How long a drain with no `--timeout` may keep the clock running.
const FOREVER_MS: i64 = 366 * 86_400_000;

impl DrainWait {
    pub fn deadline(&self) -> SimTime {
        let start = self.started.unwrap_or_default();
        start.plus_ms(self.timeout_ms.unwrap_or(FOREVER_MS))
    }

    pub fn poll(&mut self, c: &Cluster, out: &mut Output) -> Option<i32> {
        let suffix = if self.dry { " (dry run)" } else { "" };
        while self.current < self.sections.len() {
            let started = *self.started.get_or_insert_with(|| {
                let s = &self.sections[self.current];
                for (stderr, line) in &s.intro {
                    if *stderr { out.err(line) } else { out.out(line) }
                }
                c.now()
            });
            let s = &mut self.sections[self.current];
            if let Some(err) = s.error.clone() {
                out.err(&format!("error: unable to drain node \"{}\" due to error: {err}, continuing command...", s.node));
                self.failed.push((s.node.clone(), err));
            } else {
                s.pods.retain(|e| {
                    let gone = c.store.pods.get(&e.key).is_none_or(|p| p.metadata.uid.as_deref() != Some(e.uid.as_str()));
                    if gone {
                        out.out(&format!("pod/{} evicted", e.key.name));
                    }
                    !gone
                });
                if !s.pods.is_empty() {
                    let timed_out = self.timeout_ms.is_some_and(|t| c.now() >= started.plus_ms(t));
                    if !timed_out {
                        return None;
                    }
                    let errs: Vec<String> = s.pods.iter().map(|e| format!("error when waiting for pod \"{}\" in namespace \"{}\" to terminate: context deadline exceeded", e.key.name, e.key.namespace)).collect();
                    let err = aggregate(&errs);
                    out.err(&format!("There are pending pods in node \"{}\" when an error occurred: {err}", s.node));
                    for e in &s.pods {
                        out.err(&format!("pod/{}", e.key.name));
                    }
                    out.err(&format!("error: unable to drain node \"{}\" due to error: {err}, continuing command...", s.node));
                    self.failed.push((s.node.clone(), err));
                } else {
                    out.out(&format!("node/{} drained{suffix}", s.node));
                }
            }
            self.current += 1;
            self.started = None;
        }
        if self.failed.is_empty() {
            return Some(0);
        }
        out.err("There are pending nodes to be drained:");
        for (node, _) in &self.failed {
            out.err(&format!(" {node}"));
        }
        for (_, err) in &self.failed {
            out.err(err);
        }
        Some(1)
    }
}

/// `utilerrors.NewAggregate(errs).Error()`: one message as is, several in brackets.
fn aggregate(errs: &[String]) -> String {
    if errs.len() == 1 {
        errs[0].clone()
    } else {
        format!("[{}]", errs.join(", "))
    }
}

/// `kubectl drain NODE...`.
pub fn drain(c: &mut Cluster, args: &[String], io: &mut Io, out: &mut Output) -> Outcome {
    let p = match flags::parse(args, DRAIN_FLAGS, io.kubeconfig) {
        Ok(p) => p,
        Err(e) => return Outcome::code(usage_error("drain", e.message(), out)),
    };
    let grace = match p.value("grace-period").map(|g| g.parse::<i64>()) {
        None => -1,
        Some(Ok(g)) => g,
        Some(Err(_)) => {
            let g = p.value("grace-period").unwrap_or("");
            return Outcome::code(usage_error("drain", &format!("invalid argument \"{g}\" for \"--grace-period\" flag: strconv.ParseInt: parsing \"{g}\": invalid syntax"), out));
        }
    };
    let timeout_ms = match p.value("timeout") {
        None => None,
        Some(t) => match parse_go_duration(t) {
            Some(0) => None,
            Some(ms) => Some(ms),
            None => return Outcome::code(usage_error("drain", &format!("invalid argument \"{t}\" for \"--timeout\" flag: time: invalid duration \"{t}\""), out)),
        },
    };
    let dry = match dry_run(&p, "drain", out) {
        Ok(d) => d,
        Err(code) => return Outcome::code(code),
    };
    let names = match nodes(c, "drain", &p, out) {
        Ok(n) => n,
        Err(code) => return Outcome::code(code),
    };
    let opts = DrainOptions {
        force: p.bool("force"),
        ignore_daemonsets: p.bool("ignore-daemonsets"),
        delete_emptydir: p.bool("delete-emptydir-data") || p.bool("delete-local-data"),
    };
    let pod_selector = match p.value("pod-selector").map(parse_selector).transpose() {
        Ok(s) => s,
        Err(e) => {
            out.err(&format!("error: {e}"));
            return Outcome::code(1);
        }
    };
    set_unschedulable(c, &names, true, dry, out);
    let mut sections = Vec::new();
    for node in &names {
        let pods: Vec<Pod> = c
            .store
            .pods
            .list(None)
            .filter(|p| p.spec.as_ref().and_then(|s| s.node_name.as_deref()) == Some(node.as_str()))
            .filter(|p| pod_selector.as_ref().is_none_or(|sel| sel.iter().all(|r| r.matches(&p.metadata.labels.clone().unwrap_or_default()))))
            .cloned()
            .collect();
        let mut warnings: Vec<(&'static str, Vec<String>)> = Vec::new();
        let mut errors: Vec<(String, Vec<String>)> = Vec::new();
        let mut to_evict: Vec<&Pod> = Vec::new();
        for pod in &pods {
            let id = format!("{}/{}", pod.metadata.namespace.as_deref().unwrap_or(""), pod.metadata.name.as_deref().unwrap_or(""));
            let mut warn = |msg: &'static str| match warnings.iter_mut().find(|(m, _)| *m == msg) {
                Some((_, v)) => v.push(id.clone()),
                None => warnings.push((msg, vec![id.clone()])),
            };
            match filter(c, pod, &opts) {
                Verdict::Delete => to_evict.push(pod),
                Verdict::DeleteWithWarning(m) => {
                    warn(m);
                    to_evict.push(pod);
                }
                Verdict::Skip => {}
                Verdict::SkipWithWarning(m) => warn(m),
                Verdict::Error(m) => match errors.iter_mut().find(|(x, _)| *x == m) {
                    Some((_, v)) => v.push(id.clone()),
                    None => errors.push((m, vec![id.clone()])),
                },
            }
        }
        let mut intro = Vec::new();
        if !errors.is_empty() {
            let msgs: Vec<String> = errors.iter().map(|(m, ids)| format!("cannot delete {m}: {}", ids.join(", "))).collect();
            sections.push(Section { node: node.clone(), intro, pods: Vec::new(), error: Some(aggregate(&msgs)) });
            continue;
        }
        if !warnings.is_empty() {
            let msgs: Vec<String> = warnings.iter().map(|(m, ids)| format!("{m}: {}", ids.join(", "))).collect();
            intro.push((true, format!("Warning: {}", msgs.join("; "))));
        }
        let suffix = if dry { " (dry run)" } else { "" };
        let mut evicted = Vec::new();
        for pod in to_evict {
            let key = ObjectKey::of(&pod.metadata);
            intro.push((false, format!("evicting pod {}/{}{suffix}", key.namespace, key.name)));
            if dry {
                continue;
            }
            let opts = DeleteOptions { grace_seconds: (grace >= 0).then_some(grace), ..Default::default() };
            if c.delete::<Pod>(&key.namespace, &key.name, opts).is_ok() {
                evicted.push(Evicted { key, uid: pod.metadata.uid.clone().unwrap_or_default() });
            }
        }
        sections.push(Section { node: node.clone(), intro, pods: evicted, error: None });
    }
    c.settle();
    let mut wait = DrainWait { sections, current: 0, started: None, timeout_ms, dry, failed: Vec::new() };
    let mut progress = Output::default();
    let done = wait.poll(c, &mut progress);
    out.lines.extend(progress.lines);
    match done {
        Some(code) => Outcome::code(code),
        None => Outcome { exit_code: 0, foreground: Some(Foreground::Drain(wait)) },
    }
}
