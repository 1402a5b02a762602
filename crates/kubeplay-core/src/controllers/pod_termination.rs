//! The kubelet's side of deleting a pod (k/k pkg/kubelet/pod_workers.go,
//! kuberuntime `killContainersWithSyncResult`): once a pod bound to a working node
//! carries `deletionTimestamp`, the kubelet reports `Killing` for each running
//! container, sends SIGTERM, waits for the process to exit — at once for servers
//! that handle the signal, the whole grace period for a shell or `sleep` running
//! as PID 1, which ignores it — then SIGKILL, and finally deletes the pod object.
//! While the node is down nothing happens: the pod stays `Terminating`.

use k8s_openapi::api::core::v1::{Node, Pod};

use crate::api::store::{reference_to, NewEvent};
use crate::api::ObjectKey;
use crate::cluster::{Cluster, TimedWork};
use crate::images::ImageRef;
use crate::time::SimTime;

/// A server process handling SIGTERM exits this quickly.
const SIGTERM_EXIT_MS: i64 = 300;
/// From the last container stopping to the kubelet deleting the pod object.
const FINAL_DELETE_MS: i64 = 700;

/// Where a terminating pod is.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum TerminationStage {
    /// The containers' processes are gone (exit code 137 if killed at the deadline).
    ContainersStopped { killed: bool },
    /// The kubelet deletes the API object (grace period 0).
    Remove,
}

#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct TerminationStep {
    pub pod: ObjectKey,
    pub uid: String,
    pub stage: TerminationStage,
}

fn node_ready(c: &Cluster, name: &str) -> bool {
    c.store
        .get::<Node>("", name)
        .and_then(|n| n.status.as_ref())
        .and_then(|s| s.conditions.as_ref())
        .and_then(|cs| cs.iter().find(|x| x.type_ == "Ready"))
        .is_some_and(|x| x.status == "True")
}

/// Starts the termination of every pod marked for deletion on a working node.
pub fn reconcile(c: &mut Cluster) {
    let starting: Vec<(ObjectKey, String, String)> = c
        .store
        .pods
        .flagged(crate::api::index::Flag::Deleting)
        .filter(|p| !c.terminating.contains(p.metadata.uid.as_deref().unwrap_or("")))
        .filter_map(|p| {
            let node = p.spec.as_ref()?.node_name.clone()?;
            Some((ObjectKey::of(&p.metadata), p.metadata.uid.clone()?, node))
        })
        .collect();
    for (key, uid, node) in starting {
        if !node_ready(c, &node) || !c.kubelet_running(&node) {
            continue;
        }
        c.terminating.insert(uid.clone());
        let Some(pod) = c.store.pods.get(&key).cloned() else { continue };
        let now = c.now();
        let deadline = pod.metadata.deletion_timestamp.as_ref().map(SimTime::from_k8s).unwrap_or(now);
        let mut latest = now;
        let mut killed = false;
        let statuses = pod.status.as_ref().and_then(|s| s.container_statuses.clone()).unwrap_or_default();
        for (i, ctr) in pod.spec.as_ref().map(|s| s.containers.clone()).unwrap_or_default().iter().enumerate() {
            let running = statuses.get(i).and_then(|s| s.state.as_ref()).is_some_and(|s| s.running.is_some());
            if !running {
                continue;
            }
            record(c, &pod, &node, format!("Stopping container {}", ctr.name));
            let stops_at = if handles_sigterm(ctr) { now.plus_ms(SIGTERM_EXIT_MS) } else { deadline };
            if stops_at >= deadline {
                killed = true;
            }
            latest = latest.max(stops_at.min(deadline));
        }
        c.schedule(latest, TimedWork::Termination(TerminationStep { pod: key, uid, stage: TerminationStage::ContainersStopped { killed } }));
    }
}

/// Servers shipped as images stop on SIGTERM; a command the user gave (a shell,
/// `sleep`) runs as PID 1 without handlers and ignores it.
pub(crate) fn handles_sigterm(ctr: &k8s_openapi::api::core::v1::Container) -> bool {
    let has_command = ctr.command.as_ref().is_some_and(|c| !c.is_empty()) || ctr.args.as_ref().is_some_and(|a| !a.is_empty());
    let image = ctr.image.clone().unwrap_or_default();
    let long_running = ImageRef::parse(&image).resolve().is_some_and(|r| r.long_running);
    long_running && !has_command
}

fn record(c: &mut Cluster, pod: &Pod, node: &str, message: String) {
    let now = c.now();
    let mut involved = reference_to(pod);
    involved.resource_version = None;
    c.store.record_event(
        now,
        NewEvent { involved, type_: "Normal", reason: "Killing", message, component: "kubelet", host: Some(node.to_string()) },
    );
}

pub fn run_step(c: &mut Cluster, step: TerminationStep) {
    let Some(pod) = c.store.pods.get(&step.pod) else {
        c.terminating.remove(&step.uid);
        return;
    };
    if pod.metadata.uid.as_deref() != Some(step.uid.as_str()) {
        c.terminating.remove(&step.uid);
        return;
    }
    let now = c.now();
    match step.stage {
        TerminationStage::ContainersStopped { killed } => {
            c.store.modify::<Pod>(&step.pod, |p| stop_containers(p, now, killed));
            c.schedule(
                now.plus_ms(FINAL_DELETE_MS),
                TimedWork::Termination(TerminationStep { stage: TerminationStage::Remove, ..step }),
            );
        }
        TerminationStage::Remove => {
            c.terminating.remove(&step.uid);
            let finalized = pod.metadata.finalizers.as_ref().is_none_or(|f| f.is_empty());
            if finalized {
                c.store.remove::<Pod>(&step.pod);
            } else {
                // Finalizers hold it; whoever removes the last one releases it.
                c.store.modify::<Pod>(&step.pod, |p| p.metadata.deletion_grace_period_seconds = Some(0));
            }
        }
    }
}

/// Every running container terminated: exit 0 after SIGTERM, 137 after SIGKILL;
/// the pod reaches its terminal phase and is no longer ready.
fn stop_containers(p: &mut Pod, now: SimTime, killed: bool) {
    let Some(st) = p.status.as_mut() else { return };
    let mut any_failed = false;
    for cs in st.container_statuses.iter_mut().flatten() {
        if cs.state.as_ref().is_some_and(|s| s.running.is_some()) {
            let code = if killed { 137 } else { 0 };
            any_failed |= code != 0;
            super::kubelet::mark_terminated(cs, code, if killed { "Error" } else { "Completed" }, now);
        }
        cs.ready = false;
        cs.started = Some(false);
    }
    st.phase = Some(if any_failed { "Failed" } else { "Succeeded" }.into());
    for cond in st.conditions.iter_mut().flatten() {
        if cond.type_ == "Ready" || cond.type_ == "ContainersReady" {
            cond.status = "False".into();
            cond.reason = Some("PodCompleted".into());
            cond.last_transition_time = Some(now.to_k8s());
        }
    }
}
