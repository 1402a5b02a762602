//! The kubelet's prober (k/k pkg/kubelet/prober): one worker per container and
//! probe type, ticking every `periodSeconds` from the moment the kubelet admitted
//! the pod, as `worker.run` does.
//!
//! A tick is `doProbe`: nothing while the container is not running, on hold after
//! a liveness/startup failure until a new instance runs, before the container has
//! started (startup gates liveness and readiness), or within `initialDelaySeconds`
//! of its start. Otherwise the handler runs against the model — an HTTP GET or a
//! TCP connect through the pod network to whatever the container's image serves
//! ([`crate::network::request::probe_http`]), an exec of a command in the
//! container's files ([`exec`]) — every failure is an `Unhealthy` event, and once
//! `successThreshold`/`failureThreshold` results in a row agree the worker hands
//! the kubelet a [`Transition`]: ready or not, started, or kill.
//!
//! The workers' memory is data in the cluster ([`Workers`]); the ticks are kubelet
//! timers ([`super::kubelet::Stage::Probe`]).

pub mod exec;

use std::collections::BTreeMap;

use k8s_openapi::api::core::v1::{Container, Pod, Probe};
use k8s_openapi::apimachinery::pkg::util::intstr::IntOrString;
use serde::{Deserialize, Serialize};

use super::container_files::{container_id, ContainerFiles};
use crate::api::store::Store;
use crate::api::ObjectKey;
use crate::cluster::Cluster;
use crate::network::request::{self, Failure};
use crate::shell::container::image_view::{started_at, ImageView};

/// Which probe a worker runs.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum ProbeKind {
    Startup,
    Readiness,
    Liveness,
}

impl ProbeKind {
    /// In the order the kubelet's probe manager adds a pod's workers.
    pub const ALL: [ProbeKind; 3] = [ProbeKind::Startup, ProbeKind::Readiness, ProbeKind::Liveness];

    /// As events name it: `Liveness probe failed: …`.
    pub fn title(self) -> &'static str {
        match self {
            ProbeKind::Startup => "Startup",
            ProbeKind::Readiness => "Readiness",
            ProbeKind::Liveness => "Liveness",
        }
    }

    pub fn of(self, ctr: &Container) -> Option<&Probe> {
        match self {
            ProbeKind::Startup => ctr.startup_probe.as_ref(),
            ProbeKind::Readiness => ctr.readiness_probe.as_ref(),
            ProbeKind::Liveness => ctr.liveness_probe.as_ref(),
        }
    }
}

/// One probe's result.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Verdict {
    Success,
    Failure,
}

/// What a handler reported: a result, or an error that leaves the state as it was
/// (`probe errored and resulted in unknown state`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Outcome {
    Success,
    Failure(String),
    Error(String),
}

/// What the kubelet does once a result crosses its threshold.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Transition {
    /// Readiness: the container is (not) ready.
    Ready(bool),
    /// Startup succeeded: liveness and readiness probing begins.
    Started,
    /// Liveness or startup failed: the container is killed (and restarted by the
    /// pod's restart policy).
    Kill,
}

/// A worker's memory (`worker.go`: containerID, lastResult, resultRun, onHold).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Worker {
    pub container_id: Option<String>,
    pub last: Option<Verdict>,
    pub run: i32,
    pub on_hold: bool,
}

impl Worker {
    /// Counts a result; the transition once `successThreshold`/`failureThreshold`
    /// results in a row agree.
    pub fn record(&mut self, kind: ProbeKind, verdict: Verdict, probe: &Probe) -> Option<Transition> {
        if self.last == Some(verdict) {
            self.run += 1;
        } else {
            self.last = Some(verdict);
            self.run = 1;
        }
        let threshold = match verdict {
            Verdict::Success => probe.success_threshold.unwrap_or(1),
            Verdict::Failure => probe.failure_threshold.unwrap_or(3),
        };
        if self.run < threshold {
            return None;
        }
        match (kind, verdict) {
            (ProbeKind::Readiness, v) => Some(Transition::Ready(v == Verdict::Success)),
            (ProbeKind::Startup, Verdict::Success) => Some(Transition::Started),
            (ProbeKind::Liveness, Verdict::Success) => None,
            (ProbeKind::Liveness | ProbeKind::Startup, Verdict::Failure) => {
                // Stop probing until a new container runs.
                self.on_hold = true;
                self.run = 0;
                Some(Transition::Kill)
            }
        }
    }
}

/// Every worker of every pod, by (pod uid, container index, probe).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Workers {
    #[serde(with = "crate::snapshot::pairs")]
    workers: BTreeMap<(String, usize, ProbeKind), (ObjectKey, Worker)>,
    /// `Store::deletions` when workers of deleted pods were last dropped.
    pruned_at: u64,
}

impl Workers {
    /// Forgets the workers of pods that are gone; only looks when something was deleted.
    pub fn prune(&mut self, store: &Store) {
        if store.deletions() == self.pruned_at {
            return;
        }
        self.pruned_at = store.deletions();
        self.workers.retain(|(uid, _, _), (pod, _)| store.pods.get(pod).is_some_and(|p| p.metadata.uid.as_deref() == Some(uid.as_str())));
    }
}

/// The probes a pod's container `i` has.
pub fn kinds_of(pod: &Pod, i: usize) -> Vec<ProbeKind> {
    let Some(ctr) = pod.spec.as_ref().and_then(|s| s.containers.get(i)) else { return Vec::new() };
    ProbeKind::ALL.into_iter().filter(|k| k.of(ctr).is_some()).collect()
}

/// The next tick of a worker: `periodSeconds` after `now`.
pub fn period_ms(pod: &Pod, i: usize, kind: ProbeKind) -> i64 {
    let p = pod.spec.as_ref().and_then(|s| s.containers.get(i)).and_then(|c| kind.of(c));
    i64::from(p.and_then(|p| p.period_seconds).unwrap_or(10).max(1)) * 1000
}

/// What one tick decided: the events to record and the transition, if any.
pub struct Tick {
    pub events: Vec<String>,
    pub transition: Option<Transition>,
}

/// `doProbe` for container `i`'s `kind` probe of `pod` at the cluster's now.
pub fn tick(c: &mut Cluster, pod: &Pod, i: usize, kind: ProbeKind) -> Tick {
    let mut out = Tick { events: Vec::new(), transition: None };
    let Some(ctr) = pod.spec.as_ref().and_then(|s| s.containers.get(i)).cloned() else { return out };
    let Some(probe) = kind.of(&ctr).cloned() else { return out };
    let Some(status) = pod.status.as_ref().and_then(|s| s.container_statuses.as_ref()).and_then(|cs| cs.get(i)).cloned() else { return out };
    if status.state.as_ref().is_none_or(|s| s.running.is_none()) {
        return out;
    }
    let uid = pod.metadata.uid.clone().unwrap_or_default();
    let slot = (uid, i, kind);
    let mut worker = c.probes.workers.get(&slot).map(|(_, w)| w.clone()).unwrap_or_default();
    let id = container_id(pod, &ctr.name);
    if worker.container_id != id {
        // A new container: resume probing.
        worker.container_id = id;
        worker.on_hold = false;
    }
    let started = status.started == Some(true);
    let gated = match kind {
        ProbeKind::Startup => started,
        _ => !started,
    };
    let elapsed_s = started_at(pod, &ctr.name).map(|t| c.now().millis_since(t) / 1000).unwrap_or(0);
    if !worker.on_hold && !gated && elapsed_s >= i64::from(probe.initial_delay_seconds.unwrap_or(0)) {
        let verdict = match run_handler(c, pod, &ctr, &probe) {
            Outcome::Success => Some(Verdict::Success),
            Outcome::Failure(msg) => {
                out.events.push(format!("{} probe failed: {}", kind.title(), msg.trim_end()));
                Some(Verdict::Failure)
            }
            Outcome::Error(err) => {
                out.events.push(format!("{} probe errored and resulted in unknown state: {err}", kind.title()));
                None
            }
        };
        out.transition = verdict.and_then(|v| worker.record(kind, v, &probe));
    }
    c.probes.workers.insert(slot, (ObjectKey::of(&pod.metadata), worker));
    out
}

/// The port a probe names (`probe.ResolveContainerPort`): a number, a container
/// port's name, or as a last resort a number written as a string — which is where
/// an unknown name fails, with `strconv.Atoi`'s words.
fn resolve_port(port: &IntOrString, ctr: &Container) -> Result<u16, String> {
    match port {
        IntOrString::Int(n) => u16::try_from(*n).map_err(|_| format!("invalid port number: {n}")),
        IntOrString::String(name) => match ctr.ports.iter().flatten().find(|p| p.name.as_deref() == Some(name.as_str())) {
            Some(p) => u16::try_from(p.container_port).map_err(|_| format!("invalid port number: {}", p.container_port)),
            None => name.parse::<u16>().map_err(|_| format!("strconv.Atoi: parsing {name:?}: invalid syntax")),
        },
    }
}

/// Runs a probe's handler against the model.
fn run_handler(c: &mut Cluster, pod: &Pod, ctr: &Container, probe: &Probe) -> Outcome {
    let pod_ip = pod.status.as_ref().and_then(|s| s.pod_ip.clone()).unwrap_or_default();
    let key = ObjectKey::of(&pod.metadata);
    let timeout = probe.timeout_seconds.unwrap_or(1);
    if let Some(e) = &probe.exec {
        let argv = e.command.clone().unwrap_or_default();
        let view = ImageView::of(ctr.image.as_deref().unwrap_or_default());
        let files = ContainerFiles::current(c, pod, &ctr.name);
        return match exec::run(&view, &files, &argv, timeout) {
            exec::ExecEnd::Exited { code: 0, .. } => Outcome::Success,
            exec::ExecEnd::Exited { output, .. } => Outcome::Failure(output),
            exec::ExecEnd::TimedOut => Outcome::Failure(format!("command {:?} timed out", argv.join(" "))),
            exec::ExecEnd::NotFound(program) => Outcome::Error(format!(
                "rpc error: code = Unknown desc = failed to exec in container: failed to start exec \"{}\": OCI runtime exec failed: exec failed: unable to start container process: exec: \"{program}\": executable file not found in $PATH: unknown",
                crate::images::made_up_sha256(&format!("{program}{}{}", ctr.name, c.now().0))
            )),
        };
    }
    if let Some(h) = &probe.http_get {
        let port = match resolve_port(&h.port, ctr) {
            Ok(p) => p,
            Err(e) => return Outcome::Error(e),
        };
        let scheme = h.scheme.as_deref().unwrap_or("HTTP").to_lowercase();
        let path = h.path.clone().unwrap_or_else(|| "/".into());
        let host = h.host.clone().filter(|x| !x.is_empty()).unwrap_or_else(|| pod_ip.clone());
        let url = format!("{scheme}://{host}:{port}{path}");
        let headers: Vec<(String, String)> = h.http_headers.iter().flatten().map(|x| (x.name.clone(), x.value.clone())).collect();
        return match request::probe_http(c, &key, &host, port, &path, headers) {
            Ok(_) if scheme == "https" => Outcome::Failure(format!("Get \"{url}\": http: server gave HTTP response to HTTPS client")),
            Ok(resp) if (200..400).contains(&resp.status) => Outcome::Success,
            Ok(resp) => Outcome::Failure(format!("HTTP probe failed with statuscode: {}", resp.status)),
            Err(f) => Outcome::Failure(format!("Get \"{url}\": {}", dial_error(&f, &host, port))),
        };
    }
    if let Some(t) = &probe.tcp_socket {
        let port = match resolve_port(&t.port, ctr) {
            Ok(p) => p,
            Err(e) => return Outcome::Error(e),
        };
        let host = t.host.clone().filter(|x| !x.is_empty()).unwrap_or(pod_ip);
        return match request::probe_tcp(c, &key, port) {
            true => Outcome::Success,
            false => Outcome::Failure(dial_error(&Failure::Refused { ip: host.clone(), port }, &host, port)),
        };
    }
    if let Some(g) = &probe.grpc {
        let port = u16::try_from(g.port).unwrap_or(0);
        return match request::probe_tcp(c, &key, port) {
            true => Outcome::Success,
            false => Outcome::Failure(format!("timeout: failed to connect service \"{pod_ip}:{port}\" within {timeout}s: context deadline exceeded")),
        };
    }
    Outcome::Error("missing probe handler".into())
}

/// Go's net error for a connection that got no HTTP answer.
fn dial_error(f: &Failure, host: &str, port: u16) -> String {
    match f {
        Failure::EmptyReply => "EOF".into(),
        Failure::Timeout { .. } => format!("dial tcp {host}:{port}: i/o timeout"),
        Failure::Resolve(name) => format!("dial tcp: lookup {name}: no such host"),
        Failure::Refused { .. } => format!("dial tcp {host}:{port}: connect: connection refused"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn probe(success: i32, failure: i32) -> Probe {
        Probe { success_threshold: Some(success), failure_threshold: Some(failure), ..Default::default() }
    }

    #[test]
    fn thresholds_count_results_in_a_row() {
        let p = probe(1, 3);
        let mut w = Worker::default();
        assert_eq!(w.record(ProbeKind::Liveness, Verdict::Failure, &p), None);
        assert_eq!(w.record(ProbeKind::Liveness, Verdict::Success, &p), None);
        assert_eq!(w.record(ProbeKind::Liveness, Verdict::Failure, &p), None);
        assert_eq!(w.record(ProbeKind::Liveness, Verdict::Failure, &p), None);
        assert_eq!(w.record(ProbeKind::Liveness, Verdict::Failure, &p), Some(Transition::Kill));
        assert!(w.on_hold);
        assert_eq!(w.run, 0);
    }

    #[test]
    fn ports_by_number_or_name() {
        let ctr = Container { name: "web".into(), ports: Some(vec![k8s_openapi::api::core::v1::ContainerPort { name: Some("http".into()), container_port: 80, ..Default::default() }]), ..Default::default() };
        assert_eq!(resolve_port(&IntOrString::Int(8080), &ctr), Ok(8080));
        assert_eq!(resolve_port(&IntOrString::String("http".into()), &ctr), Ok(80));
        assert_eq!(resolve_port(&IntOrString::String("8080".into()), &ctr), Ok(8080));
        assert_eq!(resolve_port(&IntOrString::String("metrics".into()), &ctr), Err("strconv.Atoi: parsing \"metrics\": invalid syntax".into()));
    }

    #[test]
    fn readiness_needs_its_success_threshold() {
        let p = probe(2, 1);
        let mut w = Worker::default();
        assert_eq!(w.record(ProbeKind::Readiness, Verdict::Success, &p), None);
        assert_eq!(w.record(ProbeKind::Readiness, Verdict::Success, &p), Some(Transition::Ready(true)));
        assert_eq!(w.record(ProbeKind::Readiness, Verdict::Failure, &p), Some(Transition::Ready(false)));
        assert!(!w.on_hold);
        let mut s = Worker::default();
        assert_eq!(s.record(ProbeKind::Startup, Verdict::Success, &probe(1, 3)), Some(Transition::Started));
    }
}
