//! `kubectl delete` (kubectl/pkg/cmd/delete/delete.go): by type and names,
//! `TYPE/NAME`, `-l`, `--all`, `-f`; `--grace-period`, `--force`, `--now`,
//! `--cascade`, `--wait`, `--timeout`, `--ignore-not-found`, `-o name`. The
//! "deleted" line is printed as soon as the API accepted the request; with the
//! default `--wait=true` the command then keeps running (in simulated time) until
//! the objects are gone — a pod's graceful termination, a namespace emptying.

use super::flags::{self, flag, FlagDef, FlagKind, Parsed};
use super::selection::Selection;
use super::resources::{ResourceType, Want};
use super::manifest;
use super::{usage_error, Io, Outcome};
use crate::api::deletion::{DeleteOptions, Propagation};
use crate::api::ObjectKey;
use crate::cluster::Cluster;
use crate::foreground::{Awaited, Foreground};
use crate::output::Output;
use crate::printers::duration::parse_go_duration;
use crate::time::SimTime;

const FLAGS: &[FlagDef] = &[
    flag("all", None, FlagKind::Bool),
    flag("all-namespaces", Some('A'), FlagKind::Bool),
    flag("selector", Some('l'), FlagKind::Value),
    flag("field-selector", None, FlagKind::Value),
    flag("filename", Some('f'), FlagKind::Value),
    flag("recursive", Some('R'), FlagKind::Bool),
    flag("grace-period", None, FlagKind::Value),
    flag("force", None, FlagKind::Bool),
    flag("now", None, FlagKind::Bool),
    flag("cascade", None, FlagKind::Value),
    flag("wait", None, FlagKind::Bool),
    flag("timeout", None, FlagKind::Value),
    flag("ignore-not-found", None, FlagKind::Bool),
    flag("output", Some('o'), FlagKind::Value),
    flag("dry-run", None, FlagKind::Value),
    flag("interactive", Some('i'), FlagKind::Bool),
    flag("raw", None, FlagKind::Value),
];

/// A week: what `--timeout=0` (the default) means for delete's wait.
const DEFAULT_WAIT_MS: i64 = 7 * 24 * 3600 * 1000;

/// One object to delete.
pub struct Target {
    pub rt: &'static ResourceType,
    pub key: ObjectKey,
}

pub fn run(cluster: &mut Cluster, args: &[String], io: &mut Io, out: &mut Output) -> Outcome {
    let p = match flags::parse(args, FLAGS, io.kubeconfig) {
        Ok(p) => p,
        Err(e) => return Outcome::code(usage_error("delete", e.message(), out)),
    };
    let default_ns = p.namespace().to_string();
    let files: Vec<Target> = match manifest::read(io, p.values("filename"), p.bool("recursive")) {
        Ok(docs) => docs
            .iter()
            .map(|d| {
                let ns = if d.rt.namespaced { d.namespace().unwrap_or_else(|| default_ns.clone()) } else { String::new() };
                Target { rt: d.rt, key: ObjectKey::new(&ns, &d.name()) }
            })
            .collect(),
        Err(e) => {
            out.err(&e);
            return Outcome::code(1);
        }
    };
    match delete(cluster, &p, &files, out) {
        Ok(outcome) => outcome,
        Err(msg) => {
            out.err(&msg);
            Outcome::code(1)
        }
    }
}

fn propagation(p: &Parsed) -> Result<Propagation, String> {
    match p.value("cascade").unwrap_or("background") {
        "background" | "true" => Ok(Propagation::Background),
        "foreground" => Ok(Propagation::Foreground),
        "orphan" | "false" => Ok(Propagation::Orphan),
        other => Err(format!("error: invalid cascade value ({other}). Must be \"background\", \"foreground\", or \"orphan\"")),
    }
}

/// delete.go `Complete`: `--now` is a one-second grace, `--grace-period=0` needs
/// `--force` (else it becomes 1), and `--force` alone means 0.
fn grace_period(p: &Parsed) -> Result<(Option<i64>, bool), String> {
    let mut grace: i64 = match p.value("grace-period") {
        None => -1,
        Some(v) => v.parse().map_err(|_| format!("error: invalid argument \"{v}\" for \"--grace-period\" flag: strconv.ParseInt: parsing \"{v}\": invalid syntax"))?,
    };
    let force = p.bool("force");
    if p.bool("now") {
        if grace != -1 {
            return Err("error: --now and --grace-period cannot be specified together".into());
        }
        grace = 1;
    }
    if grace == 0 && !force {
        grace = 1;
    }
    if force && grace < 0 {
        grace = 0;
    }
    Ok((if grace < 0 { None } else { Some(grace) }, force && grace == 0))
}

fn delete(cluster: &mut Cluster, p: &Parsed, files: &[Target], out: &mut Output) -> Result<Outcome, String> {
    let propagation = propagation(p)?;
    let (grace_seconds, forced) = grace_period(p)?;
    let mut errors: Vec<String> = Vec::new();
    if p.args.is_empty() && files.is_empty() {
        return Err(super::NO_RESOURCES.into());
    }
    let selection = Selection::parse(p, &p.args)?;
    let selecting = selection.selector.is_some() || p.bool("all");
    if selecting && selection.requests.iter().any(|r| !r.names.is_empty()) {
        return Err("error: name cannot be provided when a selector is specified".into());
    }
    let mut targets: Vec<Target> = selection.keys(cluster, p.bool("all"))?.into_iter().map(|(rt, key)| Target { rt, key }).collect();
    targets.extend(files.iter().map(|t| Target { rt: t.rt, key: t.key.clone() }));
    let dry_run = p.value("dry-run").is_some_and(|v| v != "none");
    if forced {
        out.err("Warning: Immediate deletion does not wait for confirmation that the running resource has been terminated. The resource may continue to run on the cluster indefinitely.");
    }
    let mut awaited = Vec::new();
    let mut deleted_any = false;
    for t in &targets {
        let result = if dry_run {
            (t.rt.get)(cluster, &t.key.namespace, &t.key.name, Want::Cells).map(|_| None)
        } else {
            (t.rt.delete)(cluster, &t.key.namespace, &t.key.name, DeleteOptions { grace_seconds, propagation }).map(Some)
        };
        match result {
            Ok(deleted) => {
                deleted_any = true;
                out.out(&deleted_line(t, p.value("output"), forced, dry_run));
                if let Some(d) = deleted {
                    awaited.push(Awaited { plural: t.rt.plural, key: t.key.clone(), uid: d.uid().to_string() });
                }
            }
            Err(e) if p.bool("ignore-not-found") && e.reason == crate::api::Reason::NotFound => {}
            Err(e) => errors.push(e.to_string()),
        }
    }
    if !deleted_any && errors.is_empty() && targets.is_empty() && !p.bool("ignore-not-found") {
        if selection.all_namespaces || selection.namespace.is_empty() {
            out.err("No resources found");
        } else {
            out.err(&format!("No resources found in {} namespace.", selection.namespace));
        }
    }
    cluster.settle();
    for e in &errors {
        out.err(e);
    }
    let code = if errors.is_empty() { 0 } else { 1 };
    let wait = p.value("wait").is_none_or(|v| v == "true");
    if !wait || dry_run || awaited.is_empty() {
        return Ok(Outcome::code(code));
    }
    let timeout = match p.value("timeout").map(parse_go_duration) {
        Some(Some(ms)) if ms > 0 => ms,
        Some(None) => return Err(format!("error: invalid argument \"{}\" for \"--timeout\" flag: time: invalid duration \"{}\"", p.value("timeout").unwrap_or(""), p.value("timeout").unwrap_or(""))),
        _ => DEFAULT_WAIT_MS,
    };
    let deadline: SimTime = cluster.now().plus_ms(timeout);
    let mut fg = Foreground::AwaitDeletion { objects: awaited, deadline };
    // Most deletions are done at once; only a still-running command needs the clock.
    let progress = fg.poll(cluster);
    out.lines.extend(progress.out.lines);
    match progress.exit {
        Some(c) => Ok(Outcome::code(code.max(c))),
        None => Ok(Outcome { exit_code: code, foreground: Some(fg) }),
    }
}

/// `pod "x" deleted from default namespace`, `namespace "dev" deleted`, or with
/// `-o name` just `pod/x` (delete.go `PrintObj`, v1.34).
fn deleted_line(t: &Target, output: Option<&str>, forced: bool, dry_run: bool) -> String {
    let prefix = t.rt.name_prefix();
    if output == Some("name") {
        return format!("{prefix}/{}", t.key.name);
    }
    let verb = if forced { "force deleted" } else { "deleted" };
    let suffix = if dry_run { " (dry run)" } else { "" };
    if t.rt.namespaced {
        format!("{prefix} \"{}\" {verb} from {} namespace{suffix}", t.key.name, t.key.namespace)
    } else {
        format!("{prefix} \"{}\" {verb}{suffix}", t.key.name)
    }
}
