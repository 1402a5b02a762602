//! `kubectl logs` (kubectl/pkg/cmd/logs/logs.go, polymorphichelpers
//! logsforobject.go): a container's output as the runtime kept it — the lines its
//! image prints on start (`network::servers::startup_lines`) plus the access-log
//! lines of the requests it served — with the container choice, `--previous`,
//! `--tail`, `--since`, `--timestamps`, `--prefix`, `-l` (10 lines each by default),
//! the kubelet's errors for containers that never ran, and `-f`: a [`LogFollow`]
//! that keeps printing what the containers write as the simulated clock runs.

use k8s_openapi::api::apps::v1::{DaemonSet, Deployment, ReplicaSet, StatefulSet};
use k8s_openapi::api::batch::v1::Job;
use k8s_openapi::api::core::v1::{ContainerStatus, Pod};

use super::flags::{self, flag, FlagDef, FlagKind};
use super::{usage_error, Outcome};
use crate::api::selectors::{parse_selector, selects};
use crate::api::{ApiError, ObjectKey};
use crate::cluster::Cluster;
use crate::foreground::Foreground;
use crate::network::servers::startup_lines;
use crate::network::LogLine;
use crate::output::Output;
use crate::time::SimTime;

/// `--tail`'s default with a selector (logs.go `selectorTail`).
const SELECTOR_TAIL: usize = 10;
/// `--max-log-requests`' default.
const MAX_FOLLOW_CONCURRENCY: usize = 5;

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
    flag("since-time", None, FlagKind::Value),
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
    Ok(timed_log(c, pod, container, previous, None)?.into_iter().map(|l| l.text).collect())
}

/// When the container instance `previous` chooses started and finished.
fn instance(pod: &Pod, container: &str, previous: bool) -> Result<(Option<SimTime>, Option<SimTime>), ApiError> {
    let pod_name = pod.metadata.name.clone().unwrap_or_default();
    let bad = |msg: String| ApiError { reason: crate::api::Reason::BadRequest, message: msg, invalid: None };
    let status = status_of(pod, container);
    if previous {
        let t = status.and_then(|s| s.last_state.as_ref()).and_then(|l| l.terminated.as_ref());
        return match t {
            Some(t) => Ok((t.started_at.as_ref().map(SimTime::from_k8s), t.finished_at.as_ref().map(SimTime::from_k8s))),
            None => Err(bad(format!("previous terminated container \"{container}\" in pod \"{pod_name}\" not found"))),
        };
    }
    let state = status.and_then(|s| s.state.as_ref());
    if let Some(r) = state.and_then(|s| s.running.as_ref()) {
        Ok((r.started_at.as_ref().map(SimTime::from_k8s), None))
    } else if let Some(t) = state.and_then(|s| s.terminated.as_ref()) {
        Ok((t.started_at.as_ref().map(SimTime::from_k8s), t.finished_at.as_ref().map(SimTime::from_k8s)))
    } else if let Some(t) = status.and_then(|s| s.last_state.as_ref()).and_then(|l| l.terminated.as_ref()) {
        // Waiting to restart (CrashLoopBackOff): the last instance's output.
        Ok((t.started_at.as_ref().map(SimTime::from_k8s), t.finished_at.as_ref().map(SimTime::from_k8s)))
    } else {
        let reason = state.and_then(|s| s.waiting.as_ref()).and_then(|w| w.reason.clone()).unwrap_or_else(|| "ContainerCreating".into());
        let why = match reason.as_str() {
            "ErrImagePull" | "ImagePullBackOff" => "trying and failing to pull image".to_string(),
            r => r.to_string(),
        };
        Err(bad(format!("container \"{container}\" in pod \"{pod_name}\" is waiting to start: {why}")))
    }
}

/// The container's lines with the instants they were written, oldest first: the
/// image's start-up lines, a looping script's lines, the requests it served. With
/// `from`, only those written at or after it.
fn timed_log(c: &Cluster, pod: &Pod, container: &str, previous: bool, from: Option<SimTime>) -> Result<Vec<LogLine>, ApiError> {
    let (started, finished) = instance(pod, container, previous)?;
    let Some(started) = started else { return Ok(Vec::new()) };
    let pod_name = pod.metadata.name.clone().unwrap_or_default();
    let ctr = pod.spec.as_ref().and_then(|s| s.containers.iter().chain(s.init_containers.iter().flatten()).find(|c| c.name == container)).cloned().unwrap_or_default();
    let mut command = ctr.command.clone().unwrap_or_default();
    command.extend(ctr.args.clone().unwrap_or_default());
    let hostname = pod.spec.as_ref().and_then(|s| s.hostname.clone()).unwrap_or_else(|| pod_name.clone());
    let pod_ip = pod.status.as_ref().and_then(|s| s.pod_ip.clone()).unwrap_or_default();
    let from = from.unwrap_or(started);
    let until = finished.unwrap_or_else(|| c.now());
    let mut lines: Vec<LogLine> = if started >= from {
        startup_lines(ctr.image.as_deref().unwrap_or(""), &command, &hostname, &pod_ip, started).into_iter().map(|text| LogLine { at: started, text }).collect()
    } else {
        Vec::new()
    };
    lines.extend(super::log_loops::loop_lines(&command, &hostname, started, from, until));
    let uid = pod.metadata.uid.clone().unwrap_or_default();
    if let Some(access) = c.network.access_log.get(&(uid, container.to_string())) {
        lines.extend(access.iter().filter(|l| l.at >= started && l.at >= from && l.at <= until).cloned());
    }
    crate::sorting::sort_by_key(&mut lines, |l| l.at);
    Ok(lines)
}

/// The pods `deploy/x`, `rs/x`, `sts/x`, `ds/x`, `job/x` or `pod/x` stand for,
/// first the one logs reads (kubectl's `AttachablePodForObject`).
pub(super) fn pods_of(c: &Cluster, ns: &str, target: &str) -> Result<Vec<Pod>, String> {
    let (kind, name) = target.split_once('/').unwrap_or(("pods", target));
    let Some(rt) = super::resources::resolve(kind) else {
        return Err(format!("error: the server doesn't have a resource type \"{kind}\""));
    };
    let selector = match rt.plural {
        "pods" => return c.store.get::<Pod>(ns, name).cloned().map(|p| vec![p]).ok_or_else(|| ApiError::not_found("pods", name).to_string()),
        "deployments" => c.store.get::<Deployment>(ns, name).map(|d| d.spec.clone().unwrap_or_default().selector).ok_or_else(|| ApiError::not_found("deployments.apps", name).to_string())?,
        "replicasets" => c.store.get::<ReplicaSet>(ns, name).map(|r| r.spec.clone().unwrap_or_default().selector).ok_or_else(|| ApiError::not_found("replicasets.apps", name).to_string())?,
        "statefulsets" => c.store.get::<StatefulSet>(ns, name).map(|s| s.spec.clone().unwrap_or_default().selector).ok_or_else(|| ApiError::not_found("statefulsets.apps", name).to_string())?,
        "daemonsets" => c.store.get::<DaemonSet>(ns, name).map(|d| d.spec.clone().unwrap_or_default().selector).ok_or_else(|| ApiError::not_found("daemonsets.apps", name).to_string())?,
        "jobs" => c.store.get::<Job>(ns, name).and_then(|j| j.spec.clone().unwrap_or_default().selector).ok_or_else(|| ApiError::not_found("jobs.batch", name).to_string())?,
        _ => return Err(format!("error: cannot get the logs from {}", if rt.group.is_empty() { rt.kind.to_string() } else { format!("{}.{}", rt.kind, rt.group) })),
    };
    let mut pods: Vec<Pod> = c.store.pods.list(Some(ns)).filter(|p| selects(&selector, p.metadata.labels.as_ref())).cloned().collect();
    crate::sorting::sort_by_key(&mut pods, |p| p.metadata.creation_timestamp.clone().map(|t| t.0));
    if pods.is_empty() {
        return Err(format!("error: timed out waiting for the condition"));
    }
    Ok(pods)
}

/// How the lines are chosen and printed (the flags that shape the output).
struct Shape {
    previous: bool,
    tail: Option<usize>,
    since: Option<SimTime>,
    timestamps: bool,
    prefix: bool,
    follow: bool,
}

pub fn run(cluster: &mut Cluster, args: &[String], io: &super::Io, out: &mut Output) -> Outcome {
    let p = match flags::parse(args, FLAGS, io.kubeconfig) {
        Ok(p) => p,
        Err(e) => return Outcome::code(usage_error("logs", e.message(), out)),
    };
    let mut streams = Vec::new();
    let code = match logs(cluster, &p, out, &mut streams) {
        Ok(code) => code,
        Err(code) => return Outcome::code(code),
    };
    if streams.is_empty() {
        return Outcome::code(code);
    }
    Outcome { exit_code: code, foreground: Some(Foreground::Logs(LogFollow { started: cluster.now(), streams, timestamps: p.bool("timestamps") })) }
}

/// A number flag pflag would have rejected as the real client does.
fn int_flag(p: &flags::Parsed, name: &str, out: &mut Output) -> Result<Option<i64>, i32> {
    match p.value(name) {
        None => Ok(None),
        Some(v) => v.parse::<i64>().map(Some).map_err(|_| usage_error("logs", &format!("invalid argument \"{v}\" for \"--{name}\" flag: strconv.ParseInt: parsing \"{v}\": invalid syntax"), out)),
    }
}

fn logs(cluster: &Cluster, p: &flags::Parsed, out: &mut Output, streams: &mut Vec<Stream>) -> Result<i32, i32> {
    let ns = p.namespace().to_string();
    let since_ms = match p.value("since") {
        None => None,
        Some(v) => match crate::printers::duration::parse_go_duration(v) {
            Some(ms) => Some(ms),
            None => return Err(usage_error("logs", &format!("invalid argument \"{v}\" for \"--since\" flag: time: invalid duration \"{v}\""), out)),
        },
    };
    let tail = int_flag(p, "tail", out)?;
    let max_requests = int_flag(p, "max-log-requests", out)?.map_or(MAX_FOLLOW_CONCURRENCY, |n| n.max(0) as usize);
    let selector = p.value("selector").filter(|s| !s.is_empty());
    let shape = Shape {
        previous: p.bool("previous"),
        tail: match tail {
            Some(n) if n >= 0 => Some(n as usize),
            Some(_) => None,
            None if selector.is_some() => Some(SELECTOR_TAIL),
            None => None,
        },
        since: since_ms.map(|ms| cluster.now().plus_ms(-ms)),
        timestamps: p.bool("timestamps"),
        prefix: p.bool("prefix"),
        follow: p.bool("follow"),
    };
    let check_values = |out: &mut Output| -> Result<(), i32> {
        if p.value("since-time").is_some() && since_ms.is_some() {
            out.err("error: at most one of `sinceTime` or `sinceSeconds` may be specified");
            return Err(1);
        }
        if since_ms.is_some_and(|ms| ms < 0) {
            out.err("error: --since must be greater than 0");
            return Err(1);
        }
        if tail.is_some_and(|n| n < -1) {
            out.err("error: --tail must be greater than or equal to -1");
            return Err(1);
        }
        Ok(())
    };
    let targets: Vec<(Pod, Option<String>)> = if let Some(sel) = selector {
        let reqs = match parse_selector(sel) {
            Ok(r) => r,
            Err(e) => {
                out.err(&format!("error: {e}"));
                return Err(1);
            }
        };
        let empty = Default::default();
        let pods: Vec<Pod> = cluster.store.pods.list(Some(&ns)).filter(|pd| crate::api::selectors::all_match(&reqs, pd.metadata.labels.as_ref().unwrap_or(&empty))).cloned().collect();
        if pods.is_empty() {
            out.err(&format!("No resources found in {ns} namespace."));
            return Ok(0);
        }
        let count = if p.bool("all-containers") { pods.iter().map(|pd| pd.spec.as_ref().map_or(0, |s| s.containers.len())).sum() } else { pods.len() };
        if shape.follow && count > max_requests {
            out.err(&format!("error: you are attempting to follow {count} log streams, but maximum allowed concurrency is {max_requests}, use --max-log-requests to increase the limit"));
            return Err(1);
        }
        pods.into_iter().map(|pd| (pd, p.value("container").map(String::from))).collect()
    } else {
        let Some(target) = p.args.first() else {
            out.err("error: expected 'logs [-f] [-p] (POD | TYPE/NAME) [-c CONTAINER]'.");
            out.err("POD or TYPE/NAME is a required argument for the logs command");
            out.err("See 'kubectl logs -h' for help and examples");
            return Err(1);
        };
        if p.args.len() > 2 || (p.args.len() == 2 && target.contains('/')) {
            out.err("error: expected 'logs [-f] [-p] (POD | TYPE/NAME) [-c CONTAINER]'.");
            out.err("POD or TYPE/NAME is a required argument for the logs command");
            out.err("See 'kubectl logs -h' for help and examples");
            return Err(1);
        }
        // `kubectl logs POD CONTAINER`
        let container = p.args.get(1).cloned().or_else(|| p.value("container").map(String::from));
        match pods_of(cluster, &ns, target) {
            Ok(pods) if target.contains('/') && !target.starts_with("pod") => {
                if pods.len() > 1 {
                    out.err(&format!("Found {} pods, using pod/{}", pods.len(), pods[0].metadata.name.clone().unwrap_or_default()));
                }
                vec![(pods[0].clone(), container)]
            }
            Ok(pods) => pods.into_iter().map(|pd| (pd, container.clone())).collect(),
            Err(e) => {
                out.err(&e);
                return Err(1);
            }
        }
    };
    check_values(out)?;
    let mut code = 0;
    for (pod, container) in targets {
        code = code.max(print_pod(cluster, &pod, container.as_deref(), p.bool("all-containers"), &shape, out, streams));
    }
    Ok(code)
}

/// Prints one pod's logs (its chosen container, or all) and, with `-f`, registers
/// the streams that go on.
fn print_pod(cluster: &Cluster, pod: &Pod, container: Option<&str>, all: bool, shape: &Shape, out: &mut Output, streams: &mut Vec<Stream>) -> i32 {
    let name = pod.metadata.name.clone().unwrap_or_default();
    let containers: Vec<String> = if all {
        pod.spec.as_ref().map(|s| s.containers.iter().map(|c| c.name.clone()).collect()).unwrap_or_default()
    } else {
        match pick_container(pod, container, out) {
            Ok(c) => vec![c],
            Err(e) => {
                out.err(&e);
                return 1;
            }
        }
    };
    for ctr in containers {
        let mut lines = match timed_log(cluster, pod, &ctr, shape.previous, shape.since) {
            Ok(lines) => lines,
            Err(e) => {
                out.err(&e.to_string());
                return 1;
            }
        };
        // Where following goes on from: after everything written so far, printed or not.
        let last_at = lines.last().map_or_else(|| shape.since.unwrap_or_default(), |l| l.at);
        let seen_at_last = lines.iter().filter(|l| l.at == last_at).count();
        if let Some(n) = shape.tail {
            let skip = lines.len().saturating_sub(n);
            lines.drain(..skip);
        }
        let stream = Stream {
            pod: ObjectKey::of(&pod.metadata),
            uid: pod.metadata.uid.clone().unwrap_or_default(),
            container: ctr.clone(),
            prefix: shape.prefix.then(|| format!("[pod/{name}/{ctr}] ")),
            started: instance(pod, &ctr, false).ok().and_then(|(s, _)| s),
            last_at,
            seen_at_last,
        };
        for l in &lines {
            stream.print(l, shape.timestamps, out);
        }
        let running = status_of(pod, &ctr).and_then(|s| s.state.as_ref()).is_some_and(|s| s.running.is_some());
        if shape.follow && !shape.previous && running {
            streams.push(stream);
        }
    }
    0
}

/// `--timestamps`: the kubelet's RFC 3339 stamp with the fraction Go's
/// `RFC3339Nano` keeps (trailing zeros dropped).
fn rfc3339_nano(t: SimTime) -> String {
    k8s_openapi::jiff::Timestamp::from_millisecond(t.0).map(|ts| ts.to_string()).unwrap_or_default()
}

/// One container's log being followed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Stream {
    pod: ObjectKey,
    uid: String,
    container: String,
    /// `--prefix`: `[pod/NAME/CONTAINER] `.
    prefix: Option<String>,
    /// The instance followed: the stream ends when it stops.
    started: Option<SimTime>,
    /// The newest line printed, and how many lines written at that instant were.
    last_at: SimTime,
    seen_at_last: usize,
}

impl Stream {
    /// Prints a line and moves the stream's position past it.
    fn emit(&mut self, l: &LogLine, timestamps: bool, out: &mut Output) {
        if l.at == self.last_at {
            self.seen_at_last += 1;
        } else {
            self.last_at = l.at;
            self.seen_at_last = 1;
        }
        self.print(l, timestamps, out);
    }

    fn print(&self, l: &LogLine, timestamps: bool, out: &mut Output) {
        let stamp = if timestamps { format!("{} ", rfc3339_nano(l.at)) } else { String::new() };
        out.out(&format!("{}{stamp}{}", self.prefix.as_deref().unwrap_or(""), l.text));
    }

    /// Prints what the container wrote since the last poll; false once the
    /// container instance is gone (stopped, restarted, or its pod deleted).
    fn poll(&mut self, c: &Cluster, timestamps: bool, out: &mut Output) -> bool {
        let Some(pod) = c.store.pods.get(&self.pod).filter(|p| p.metadata.uid.as_deref() == Some(&self.uid)) else { return false };
        let Ok(lines) = timed_log(c, pod, &self.container, false, Some(self.last_at)) else { return false };
        let (current, _) = instance(pod, &self.container, false).unwrap_or((None, None));
        if current != self.started {
            return false;
        }
        let skip = self.seen_at_last;
        let mut at_last = 0;
        for l in &lines {
            if l.at == self.last_at && at_last < skip {
                at_last += 1;
                continue;
            }
            self.emit(l, timestamps, out);
        }
        status_of(pod, &self.container).and_then(|s| s.state.as_ref()).is_some_and(|s| s.running.is_some())
    }
}

/// `kubectl logs -f`: the followed containers' new lines as the clock runs, until
/// every one has stopped or Ctrl+C.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LogFollow {
    /// When following began (the headless runner stops after a while, as Ctrl+C).
    pub started: SimTime,
    streams: Vec<Stream>,
    timestamps: bool,
}

impl LogFollow {
    /// Prints new lines; finished (0) once no followed container runs any more.
    pub fn poll(&mut self, c: &Cluster, out: &mut Output) -> Option<i32> {
        let timestamps = self.timestamps;
        self.streams.retain_mut(|s| s.poll(c, timestamps, out));
        self.streams.is_empty().then_some(0)
    }
}
