//! The kubelet acting on its prober ([`super::prober`]): it starts a pod's probe
//! workers when it admits the pod, runs each tick, records the `Unhealthy` events,
//! and carries out what a worker decided — the container's `ready` (and so the pod's
//! Ready/ContainersReady conditions, its endpoints, its Deployment's counts),
//! `started`, or killing a container that failed its liveness or startup probe
//! (`Killing`, SIGTERM, the grace period, then the restart policy and back-off).

use k8s_openapi::api::core::v1::Pod;

use super::kubelet::{container_status_mut, derive_pod_status, kubelet_event, step_for, Stage};
use super::prober::{self, ProbeKind, Transition};
use crate::api::ObjectKey;
use crate::cluster::Cluster;

/// A process that stops on SIGTERM exits this long after it.
const SIGTERM_EXIT_MS: i64 = 300;

/// Starts the workers of a pod the kubelet just admitted: each probes at once and
/// then every period, from now.
pub fn start_workers(c: &mut Cluster, pod: &Pod) {
    let count = pod.spec.as_ref().map(|s| s.containers.len()).unwrap_or(0);
    let now = c.now();
    for i in 0..count {
        for kind in prober::kinds_of(pod, i) {
            c.schedule(now, step_for(pod, Stage::Probe { container: i, kind, manual: false }));
        }
    }
}

/// The container `i` just started (`started` is false while a startup probe has
/// not passed): with no result yet, the readiness probe runs at once rather than at
/// its next tick (the probe manager's manual trigger).
pub fn container_started(c: &mut Cluster, pod: &Pod, i: usize) {
    let kinds = prober::kinds_of(pod, i);
    if kinds.contains(&ProbeKind::Readiness) && !kinds.contains(&ProbeKind::Startup) {
        let now = c.now();
        c.schedule(now, step_for(pod, Stage::Probe { container: i, kind: ProbeKind::Readiness, manual: true }));
    }
}

/// One tick of a worker (`manual`: a triggered extra run, which sets no next tick).
pub fn run(c: &mut Cluster, pod: &Pod, i: usize, kind: ProbeKind, manual: bool) {
    let phase = pod.status.as_ref().and_then(|s| s.phase.as_deref());
    if matches!(phase, Some("Succeeded" | "Failed")) {
        // The worker stops with the pod.
        return;
    }
    if !manual {
        let next = c.now().plus_ms(prober::period_ms(pod, i, kind));
        c.schedule(next, step_for(pod, Stage::Probe { container: i, kind, manual: false }));
    }
    let tick = prober::tick(c, pod, i, kind);
    for message in tick.events {
        kubelet_event(c, pod, "Warning", "Unhealthy", message);
    }
    match tick.transition {
        Some(Transition::Ready(ready)) => set_ready(c, pod, i, ready),
        Some(Transition::Started) => {
            let key = ObjectKey::of(&pod.metadata);
            let now = c.now();
            let has_readiness = prober::kinds_of(pod, i).contains(&ProbeKind::Readiness);
            c.store.modify::<Pod>(&key, |p| {
                if let Some(cs) = container_status_mut(p, i) {
                    cs.started = Some(true);
                    cs.ready = !has_readiness;
                }
                derive_pod_status(p, now);
            });
            if has_readiness {
                c.schedule(now, step_for(pod, Stage::Probe { container: i, kind: ProbeKind::Readiness, manual: true }));
            }
        }
        Some(Transition::Kill) => kill(c, pod, i, kind),
        None => {}
    }
}

/// The container's readiness as its probe found it (a running, started container).
fn set_ready(c: &mut Cluster, pod: &Pod, i: usize, ready: bool) {
    let key = ObjectKey::of(&pod.metadata);
    let Some(current) = c.store.pods.get(&key).and_then(|p| p.status.as_ref()?.container_statuses.as_ref()?.get(i).cloned()) else { return };
    let running = current.state.as_ref().is_some_and(|s| s.running.is_some());
    if !running || current.started != Some(true) || current.ready == ready {
        return;
    }
    let now = c.now();
    c.store.modify::<Pod>(&key, |p| {
        if let Some(cs) = container_status_mut(p, i) {
            cs.ready = ready;
        }
        derive_pod_status(p, now);
    });
}

/// Kills a container that failed its liveness or startup probe: `Killing`, then
/// SIGTERM — a server stops at once (Go programs such as agnhost exit with 2), a
/// shell or `sleep` as PID 1 ignores it until SIGKILL at the end of the grace
/// period (137) — and the kubelet restarts it by the pod's restart policy.
fn kill(c: &mut Cluster, pod: &Pod, i: usize, kind: ProbeKind) {
    let Some(ctr) = pod.spec.as_ref().and_then(|s| s.containers.get(i)).cloned() else { return };
    let restarts = pod.spec.as_ref().and_then(|s| s.restart_policy.as_deref()).is_none_or(|p| p != "Never");
    let which = if kind == ProbeKind::Startup { "startup" } else { "liveness" };
    let mut message = format!("Container {} failed {which} probe", ctr.name);
    if restarts {
        message.push_str(", will be restarted");
    }
    kubelet_event(c, pod, "Normal", "Killing", message);
    let (after_ms, code) = if crate::network::servers::server_of_container(&ctr).is_some() || super::pod_termination::handles_sigterm(&ctr) {
        (SIGTERM_EXIT_MS, sigterm_exit_code(ctr.image.as_deref().unwrap_or_default()))
    } else {
        let grace = kind.of(&ctr).and_then(|p| p.termination_grace_period_seconds).or_else(|| pod.spec.as_ref().and_then(|s| s.termination_grace_period_seconds)).unwrap_or(30);
        (grace.max(1) * 1000, 137)
    };
    let instance = super::container_files::container_id(pod, &ctr.name);
    let at = c.now().plus_ms(after_ms);
    c.schedule(at, step_for(pod, Stage::Exited { container: i, code, instance, to_restart: restarts }));
}

/// How a server's process ends on SIGTERM: Go programs running as PID 1 exit with
/// 2 (the runtime's exit when the re-raised signal is ignored), others cleanly.
fn sigterm_exit_code(image: &str) -> i32 {
    let repo = crate::images::ImageRef::parse(image).repository;
    if matches!(repo.as_str(), "registry.k8s.io/e2e-test-images/agnhost" | "registry.k8s.io/goproxy" | "traefik/whoami") {
        2
    } else {
        0
    }
}
