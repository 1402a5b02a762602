//! `kubectl logs` (kubectl/pkg/cmd/logs/logs.go, polymorphichelpers
//! logsforobject.go): a container's output as the runtime kept it — the lines its
//! image prints on start (`network::servers::startup_lines`) plus the access-log
//! lines of the requests it served — with the container choice, `--previous`,
//! `--tail` and the kubelet's errors for containers that never ran.

use k8s_openapi::api::apps::v1::{Deployment, ReplicaSet};
use k8s_openapi::api::core::v1::{ContainerStatus, Pod};

use super::flags::{self, flag, FlagDef, FlagKind};
use super::usage_error;
use crate::api::selectors::{parse_selector, selects};
use crate::api::{ApiError, ObjectKey};
use crate::cluster::Cluster;
use crate::network::servers::startup_lines;
use crate::output::Output;
use crate::time::SimTime;

const FLAGS: &[FlagDef] = &[
    flag("container", Some('c'), FlagKind::Value),
    flag("previous", Some('p'), FlagKind::Bool),
    flag("tail", None, FlagKind::Value),
    flag("follow", Some('f'), FlagKind::Bool),
    flag("selector", Some('l'), FlagKind::Value),
    flag("all-containers", None, FlagKind::Bool),
    flag("timestamps", None, FlagKind::Bool),
    flag("since", None, FlagKind::Value),
    flag("prefix", None, FlagKind::Bool),
    flag("max-log-requests", None, FlagKind::Value),
];

/// The container `-c` names, or the default one (with kubectl's notice when the
/// pod has several).
pub(super) fn pick_container(pod: &Pod, wanted: Option<&str>, out: &mut Output) -> Result<String, String> {
    let spec = pod.spec.clone().unwrap_or_default();
    let name = pod.metadata.name.clone().unwrap_or_default();
    let names: Vec<String> = spec.containers.iter().map(|c| c.name.clone()).collect();
    let inits: Vec<String> = spec.init_containers.iter().flatten().map(|c| c.name.clone()).collect();
    if let Some(w) = wanted.filter(|w| !w.is_empty()) {
        if names.iter().chain(inits.iter()).any(|n| n == w) {
            return Ok(w.to_string());
        }
        return Err(format!("error: container {w} is not valid for pod {name}"));
    }
    if let Some(d) = pod.metadata.annotations.as_ref().and_then(|a| a.get("kubectl.kubernetes.io/default-container")) {
        if names.contains(d) {
            return Ok(d.clone());
        }
    }
    let first = names.first().cloned().unwrap_or_default();
    if names.len() > 1 || !inits.is_empty() {
        let mut all = names.clone();
        all.extend(inits.iter().map(|i| format!("{i} (init)")));
        out.err(&format!("Defaulted container \"{first}\" out of: {}", all.join(", ")));
    }
    Ok(first)
}

fn status_of<'a>(pod: &'a Pod, container: &str) -> Option<&'a ContainerStatus> {
    let st = pod.status.as_ref()?;
    st.container_statuses.iter().flatten().chain(st.init_container_statuses.iter().flatten()).find(|s| s.name == container)
}

/// The lines a container instance printed, oldest first: `previous` reads the
/// instance before the last restart.
pub fn container_log(c: &Cluster, pod: &Pod, container: &str, previous: bool) -> Result<Vec<String>, ApiError> {
    let pod_name = pod.metadata.name.clone().unwrap_or_default();
    let bad = |msg: String| ApiError { reason: crate::api::Reason::BadRequest, message: msg, invalid: None };
    let status = status_of(pod, container);
    let (started, finished) = if previous {
        let t = status.and_then(|s| s.last_state.as_ref()).and_then(|l| l.terminated.as_ref());
        match t {
            Some(t) => (t.started_at.as_ref().map(SimTime::from_k8s), t.finished_at.as_ref().map(SimTime::from_k8s)),
            None => return Err(bad(format!("previous terminated container \"{container}\" in pod \"{pod_name}\" not found"))),
        }
    } else {
        let state = status.and_then(|s| s.state.as_ref());
        if let Some(r) = state.and_then(|s| s.running.as_ref()) {
            (r.started_at.as_ref().map(SimTime::from_k8s), None)
        } else if let Some(t) = state.and_then(|s| s.terminated.as_ref()) {
            (t.started_at.as_ref().map(SimTime::from_k8s), t.finished_at.as_ref().map(SimTime::from_k8s))
        } else if let Some(t) = status.and_then(|s| s.last_state.as_ref()).and_then(|l| l.terminated.as_ref()) {
            // Waiting to restart (CrashLoopBackOff): the last instance's output.
            (t.started_at.as_ref().map(SimTime::from_k8s), t.finished_at.as_ref().map(SimTime::from_k8s))
        } else {
            let reason = state.and_then(|s| s.waiting.as_ref()).and_then(|w| w.reason.clone()).unwrap_or_else(|| "ContainerCreating".into());
            let why = match reason.as_str() {
                "ErrImagePull" | "ImagePullBackOff" => "trying and failing to pull image".to_string(),
                r => r.to_string(),
            };
            return Err(bad(format!("container \"{container}\" in pod \"{pod_name}\" is waiting to start: {why}")));
        }
    };
    let Some(started) = started else { return Ok(Vec::new()) };
    let ctr = pod.spec.as_ref().and_then(|s| s.containers.iter().chain(s.init_containers.iter().flatten()).find(|c| c.name == container)).cloned().unwrap_or_default();
    let mut command = ctr.command.clone().unwrap_or_default();
    command.extend(ctr.args.clone().unwrap_or_default());
    let hostname = pod.spec.as_ref().and_then(|s| s.hostname.clone()).unwrap_or_else(|| pod_name.clone());
    let pod_ip = pod.status.as_ref().and_then(|s| s.pod_ip.clone()).unwrap_or_default();
    let mut lines = startup_lines(ctr.image.as_deref().unwrap_or(""), &command, &hostname, &pod_ip, started);
    let uid = pod.metadata.uid.clone().unwrap_or_default();
    if let Some(access) = c.network.access_log.get(&(uid, container.to_string())) {
        lines.extend(access.iter().filter(|l| l.at >= started && finished.is_none_or(|f| l.at <= f)).map(|l| l.text.clone()));
    }
    Ok(lines)
}

/// The pods `deploy/x`, `rs/x` or `pod/x` stand for, first the one logs reads.
fn pods_of(c: &Cluster, ns: &str, target: &str) -> Result<Vec<Pod>, String> {
    let (kind, name) = target.split_once('/').unwrap_or(("pods", target));
    let Some(rt) = super::resources::resolve(kind) else {
        return Err(format!("error: the server doesn't have a resource type \"{kind}\""));
    };
    let selector = match rt.plural {
        "pods" => return c.store.get::<Pod>(ns, name).cloned().map(|p| vec![p]).ok_or_else(|| ApiError::not_found("pods", name).to_string()),
        "deployments" => c.store.get::<Deployment>(ns, name).map(|d| d.spec.clone().unwrap_or_default().selector).ok_or_else(|| ApiError::not_found("deployments.apps", name).to_string())?,
        "replicasets" => c.store.get::<ReplicaSet>(ns, name).map(|r| r.spec.clone().unwrap_or_default().selector).ok_or_else(|| ApiError::not_found("replicasets.apps", name).to_string())?,
        _ => return Err(format!("error: cannot get the logs from {}", if rt.group.is_empty() { rt.kind.to_string() } else { format!("{}.{}", rt.kind, rt.group) })),
    };
    let mut pods: Vec<Pod> = c.store.pods.list(Some(ns)).filter(|p| selects(&selector, p.metadata.labels.as_ref())).cloned().collect();
    pods.sort_by_key(|p| p.metadata.creation_timestamp.clone().map(|t| t.0));
    if pods.is_empty() {
        return Err(format!("error: timed out waiting for the condition"));
    }
    Ok(pods)
}

pub fn run(cluster: &mut Cluster, args: &[String], io: &super::Io, out: &mut Output) -> i32 {
    let p = match flags::parse(args, FLAGS, io.kubeconfig) {
        Ok(p) => p,
        Err(e) => return usage_error("logs", e.message(), out),
    };
    let ns = p.namespace().to_string();
    let pods: Vec<Pod> = if let Some(sel) = p.value("selector").filter(|s| !s.is_empty()) {
        let reqs = match parse_selector(sel) {
            Ok(r) => r,
            Err(e) => {
                out.err(&format!("error: {e}"));
                return 1;
            }
        };
        let empty = Default::default();
        let pods: Vec<Pod> = cluster.store.pods.list(Some(&ns)).filter(|pd| crate::api::selectors::all_match(&reqs, pd.metadata.labels.as_ref().unwrap_or(&empty))).cloned().collect();
        if pods.is_empty() {
            out.err(&format!("No resources found in {ns} namespace."));
            return 0;
        }
        pods
    } else {
        let Some(target) = p.args.first() else {
            out.err("error: expected 'logs [-f] [-p] (POD | TYPE/NAME) [-c CONTAINER]'.");
            out.err("POD or TYPE/NAME is a required argument for the logs command");
            out.err("See 'kubectl logs -h' for help and examples");
            return 1;
        };
        let mut target = target.clone();
        if p.args.len() == 2 && !target.contains('/') {
            // `kubectl logs POD CONTAINER`
            let c = p.args[1].clone();
            return print_one(cluster, &ns, &target, Some(&c), &p, out);
        }
        match pods_of(cluster, &ns, &target) {
            Ok(pods) if target.contains('/') && !target.starts_with("pod") => {
                if pods.len() > 1 {
                    out.err(&format!("Found {} pods, using pod/{}", pods.len(), pods[0].metadata.name.clone().unwrap_or_default()));
                }
                target = pods[0].metadata.name.clone().unwrap_or_default();
                return print_one(cluster, &ns, &target, p.value("container"), &p, out);
            }
            Ok(pods) => pods,
            Err(e) => {
                out.err(&e);
                return 1;
            }
        }
    };
    let mut code = 0;
    for pod in pods {
        let name = pod.metadata.name.clone().unwrap_or_default();
        code = code.max(print_one(cluster, &ns, &name, p.value("container"), &p, out));
    }
    code
}

fn print_one(cluster: &Cluster, ns: &str, name: &str, container: Option<&str>, p: &flags::Parsed, out: &mut Output) -> i32 {
    let Some(pod) = cluster.store.pods.get(&ObjectKey::new(ns, name)).cloned() else {
        out.err(&ApiError::not_found("pods", name).to_string());
        return 1;
    };
    let containers: Vec<String> = if p.bool("all-containers") {
        pod.spec.as_ref().map(|s| s.containers.iter().map(|c| c.name.clone()).collect()).unwrap_or_default()
    } else {
        match pick_container(&pod, container, out) {
            Ok(c) => vec![c],
            Err(e) => {
                out.err(&e);
                return 1;
            }
        }
    };
    for ctr in containers {
        match container_log(cluster, &pod, &ctr, p.bool("previous")) {
            Ok(mut lines) => {
                if let Some(n) = p.value("tail").and_then(|t| t.parse::<i64>().ok()).filter(|n| *n >= 0) {
                    let skip = lines.len().saturating_sub(n as usize);
                    lines.drain(..skip);
                }
                for l in lines {
                    if p.bool("prefix") {
                        out.out(&format!("[pod/{name}/{ctr}] {l}"));
                    } else {
                        out.out(&l);
                    }
                }
            }
            Err(e) => {
                out.err(&e.to_string());
                return 1;
            }
        }
    }
    0
}
