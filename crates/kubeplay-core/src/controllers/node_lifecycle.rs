//! Node lifecycle: the machines under the nodes and the control loop that watches
//! their heartbeats (k/k pkg/controller/nodelifecycle, kubelet node status).
//!
//! A node's kubelet can be stopped and started ([`Cluster::stop_kubelet`]), as the
//! UI's fault buttons and `kubeplay node stop` do. A stopped kubelet stops renewing
//! its Lease; once the node-monitor grace period (50 s in v1.34) has passed at a
//! node-monitor tick (every 5 s), the controller sets every condition `Unknown`
//! (`NodeStatusUnknown`), taints the node `node.kubernetes.io/unreachable`
//! (NoSchedule + NoExecute) and marks its pods not ready. The taint-eviction
//! controller ([`super::taint_eviction`]) then deletes pods once their
//! `tolerationSeconds` (300 s by default) run out, and their owners re-create them
//! elsewhere. When the kubelet comes back it posts `Ready`, the taints go, and the
//! pods deleted meanwhile finish terminating.

use std::collections::BTreeMap;

use k8s_openapi::api::core::v1::{Node, NodeCondition, ObjectReference, Pod, Taint};

use super::kubelet::PodStep;
use super::scheduler::set_condition;
use crate::api::store::NewEvent;
use crate::api::ObjectKey;
use crate::cluster::{Cluster, TimedWork};
use crate::time::SimTime;

/// `--node-monitor-grace-period`: 50 s since v1.32 (k/k PR #126287).
pub const NODE_MONITOR_GRACE_MS: i64 = 50_000;
/// `--node-monitor-period`: how often the controller looks at heartbeats.
pub const NODE_MONITOR_PERIOD_MS: i64 = 5_000;
/// The kubelet's `nodeStatusReportFrequency`: with nothing changed it still posts
/// its node status (the conditions' `lastHeartbeatTime`) every 5 minutes.
pub const NODE_STATUS_REPORT_MS: i64 = 300_000;

pub const TAINT_UNREACHABLE: &str = "node.kubernetes.io/unreachable";
pub const TAINT_NOT_READY: &str = "node.kubernetes.io/not-ready";

/// The machines' side of the nodes, which the API does not show: whose kubelet is
/// stopped (since when), and the pod work its kubelet will pick up when it returns.
#[derive(Clone, Debug, Default, serde::Serialize, serde::Deserialize)]
pub struct Machines {
    stopped: BTreeMap<String, SimTime>,
    deferred: BTreeMap<String, Vec<PodStep>>,
    /// The earliest status report a running kubelet owes (zero, due at once, until
    /// the controller has looked).
    #[serde(default)]
    next_report: SimTime,
}

impl Machines {
    pub fn kubelet_running(&self, node: &str) -> bool {
        !self.stopped.contains_key(node)
    }

    /// Keeps a pod step for a stopped kubelet; it runs when the kubelet starts again.
    pub(crate) fn defer(&mut self, node: &str, step: PodStep) {
        self.deferred.entry(node.to_string()).or_default().push(step);
    }
}

/// Why a node operation could not be done.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum NodeOpError {
    NoSuchNode(String),
    AlreadyStopped(String),
    AlreadyRunning(String),
}

impl std::fmt::Display for NodeOpError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            NodeOpError::NoSuchNode(n) => write!(f, "node \"{n}\" not found"),
            NodeOpError::AlreadyStopped(n) => write!(f, "the kubelet of node \"{n}\" is already stopped"),
            NodeOpError::AlreadyRunning(n) => write!(f, "the kubelet of node \"{n}\" is already running"),
        }
    }
}

impl Cluster {
    pub fn kubelet_running(&self, node: &str) -> bool {
        self.machines.kubelet_running(node)
    }

    /// Stops a node's kubelet (the machine's agent goes silent; its containers are
    /// left as they are).
    pub fn stop_kubelet(&mut self, node: &str) -> Result<(), NodeOpError> {
        if self.store.get::<Node>("", node).is_none() {
            return Err(NodeOpError::NoSuchNode(node.into()));
        }
        if !self.kubelet_running(node) {
            return Err(NodeOpError::AlreadyStopped(node.into()));
        }
        let now = self.now();
        self.machines.stopped.insert(node.to_string(), now);
        self.quiet.forget_all();
        self.settle();
        Ok(())
    }

    /// Starts a stopped kubelet: it posts its status again and resumes its pods.
    pub fn start_kubelet(&mut self, node: &str) -> Result<(), NodeOpError> {
        if self.store.get::<Node>("", node).is_none() {
            return Err(NodeOpError::NoSuchNode(node.into()));
        }
        if self.machines.stopped.remove(node).is_none() {
            return Err(NodeOpError::AlreadyRunning(node.into()));
        }
        let now = self.now();
        self.quiet.forget_all();
        kubelet_event(self, node, "Starting", "Starting kubelet.".into());
        for step in self.machines.deferred.remove(node).unwrap_or_default() {
            self.schedule(now, TimedWork::Kubelet(step));
        }
        self.settle();
        Ok(())
    }

    /// Joins one more worker node (`kubeadm join`); returns its name.
    pub fn add_node(&mut self) -> String {
        super::bootstrap::add_worker(self)
    }

    /// Removes a node from the cluster (`kubectl delete node` after the machine is
    /// gone); the pod garbage collector then deletes the pods bound to it.
    pub fn remove_node(&mut self, node: &str) -> Result<(), NodeOpError> {
        if self.store.remove::<Node>(&ObjectKey::new("", node)).is_none() {
            return Err(NodeOpError::NoSuchNode(node.into()));
        }
        self.machines.stopped.remove(node);
        self.machines.deferred.remove(node);
        self.quiet.forget_all();
        self.settle();
        Ok(())
    }
}

/// The first node-monitor tick at which a kubelet silent since `since` is overdue.
fn detection_time(since: SimTime) -> SimTime {
    let overdue = since.0 + NODE_MONITOR_GRACE_MS;
    SimTime((overdue.div_euclid(NODE_MONITOR_PERIOD_MS) + 1) * NODE_MONITOR_PERIOD_MS)
}

/// The last status report at or before `now` of a kubelet that has reported every
/// [`NODE_STATUS_REPORT_MS`] since `first` (`first` itself when that is later).
pub fn last_report(first: SimTime, now: SimTime) -> SimTime {
    let periods = now.millis_since(first).max(0) / NODE_STATUS_REPORT_MS;
    first.plus_ms(periods * NODE_STATUS_REPORT_MS)
}

/// The conditions a healthy kubelet posts, all changed at `since` and last
/// reported at `heartbeat`.
pub fn kubelet_conditions(since: SimTime, heartbeat: SimTime) -> Vec<NodeCondition> {
    let (t, beat) = (since.to_k8s(), heartbeat.to_k8s());
    let cond = |type_: &str, status: &str, reason: &str, message: &str| NodeCondition {
        type_: type_.into(),
        status: status.into(),
        reason: Some(reason.into()),
        message: Some(message.into()),
        last_heartbeat_time: Some(beat.clone()),
        last_transition_time: Some(t.clone()),
    };
    vec![
        cond("MemoryPressure", "False", "KubeletHasSufficientMemory", "kubelet has sufficient memory available"),
        cond("DiskPressure", "False", "KubeletHasNoDiskPressure", "kubelet has no disk pressure"),
        cond("PIDPressure", "False", "KubeletHasSufficientPID", "kubelet has sufficient PID available"),
        cond("Ready", "True", "KubeletReady", "kubelet is posting ready status"),
    ]
}

pub fn ready_status(node: &Node) -> Option<&str> {
    ready_condition(node).map(|c| c.status.as_str())
}

/// The Ready condition the node's kubelet last posted.
fn ready_condition(node: &Node) -> Option<&NodeCondition> {
    node.status.as_ref()?.conditions.as_ref()?.iter().find(|c| c.type_ == "Ready")
}

fn node_ref(node: &str) -> ObjectReference {
    // Node events name the node as their uid too (controller util `RecordNodeEvent`).
    ObjectReference {
        kind: Some("Node".into()),
        name: Some(node.into()),
        uid: Some(node.into()),
        ..Default::default()
    }
}

fn kubelet_event(c: &mut Cluster, node: &str, reason: &'static str, message: String) {
    let now = c.now();
    let ev = NewEvent { involved: node_ref(node), type_: "Normal", reason, message, component: "kubelet", host: Some(node.into()) };
    c.store.record_event(now, ev);
}

fn controller_event(c: &mut Cluster, involved: ObjectReference, type_: &'static str, reason: &'static str, message: String) {
    let now = c.now();
    let ev = NewEvent { involved, type_, reason, message, component: "node-controller", host: None };
    c.store.record_event(now, ev);
}

/// One pass of the node lifecycle controller, the kubelets' status posting and the
/// pod garbage collector's orphan sweep.
pub fn reconcile(c: &mut Cluster) {
    // Nodes change only by writes or machine faults (which forget what was seen) and
    // deadlines come as wake-ups: with no node written since the last round, the
    // heartbeat pass has nothing to do.
    let since = c.quiet.advance("node-lifecycle", c.store.revision());
    let report_due = c.now() >= c.machines.next_report;
    if since == 0 || c.store.nodes.index().revision() > since || report_due {
        monitor_nodes(c);
    }
    collect_orphaned_pods(c);
}

fn monitor_nodes(c: &mut Cluster) {
    let nodes: Vec<(String, Option<String>)> = c
        .store
        .nodes
        .list(None)
        .map(|n| (n.metadata.name.clone().unwrap_or_default(), ready_status(n).map(String::from)))
        .collect();
    let now = c.now();
    // Recomputed below from every running kubelet's next report.
    c.machines.next_report = SimTime(i64::MAX);
    for (name, ready) in &nodes {
        match c.machines.stopped.get(name).copied() {
            Some(since) => {
                let detect = detection_time(since);
                if now < detect {
                    c.wake_at(detect);
                } else if ready.as_deref() != Some("Unknown") {
                    mark_unknown(c, name);
                }
            }
            None if ready.as_deref() != Some("True") => kubelet_posts_ready(c, name),
            None => kubelet_reports_status(c, name),
        }
        sync_condition_taints(c, name);
    }
}

/// A running kubelet's periodic status post: with nothing to change it renews the
/// conditions' heartbeat every [`NODE_STATUS_REPORT_MS`]. Reports are background
/// work, not timers: a headless `get -w` or the UI's step must not wait for them,
/// so the first settle after one is due writes it, stamped with its own instant.
fn kubelet_reports_status(c: &mut Cluster, node: &str) {
    let now = c.now();
    let beat = c.store.get::<Node>("", node).and_then(ready_condition).and_then(|r| r.last_heartbeat_time.as_ref().map(SimTime::from_k8s));
    let Some(beat) = beat else { return };
    let report = last_report(beat, now);
    if report > beat {
        c.store.modify::<Node>(&ObjectKey::new("", node), |n| {
            for cond in n.status.get_or_insert_with(Default::default).conditions.iter_mut().flatten() {
                cond.last_heartbeat_time = Some(report.to_k8s());
            }
        });
    }
    let next = report.plus_ms(NODE_STATUS_REPORT_MS);
    c.machines.next_report = c.machines.next_report.min(next);
}

/// The controller's verdict on a silent kubelet (`tryUpdateNodeHealth`): every
/// condition `Unknown`, heartbeat kept, transition now; then `MarkPodsNotReady`.
fn mark_unknown(c: &mut Cluster, node: &str) {
    let now = c.now();
    c.store.modify::<Node>(&ObjectKey::new("", node), |n| {
        for cond in n.status.get_or_insert_with(Default::default).conditions.iter_mut().flatten() {
            cond.status = "Unknown".into();
            cond.reason = Some("NodeStatusUnknown".into());
            cond.message = Some("Kubelet stopped posting node status.".into());
            cond.last_transition_time = Some(now.to_k8s());
        }
    });
    controller_event(c, node_ref(node), "Normal", "NodeNotReady", format!("Node {node} status is now: NodeNotReady"));
    let pods: Vec<Pod> = pods_on(c, node).into_iter().filter(|p| pod_ready(p) == Some(true)).collect();
    for pod in pods {
        let key = ObjectKey::of(&pod.metadata);
        c.store.modify::<Pod>(&key, |p| {
            if let Some(cond) = p.status.as_mut().and_then(|s| s.conditions.as_mut()).and_then(|cs| cs.iter_mut().find(|c| c.type_ == "Ready")) {
                cond.status = "False".into();
                cond.last_transition_time = Some(now.to_k8s());
            }
        });
        let mut involved = crate::api::store::reference_to(&pod);
        involved.resource_version = None;
        controller_event(c, involved, "Warning", "NodeNotReady", "Node is not ready".into());
    }
}

/// A (re)started kubelet posts healthy conditions and re-reports its pods' readiness.
fn kubelet_posts_ready(c: &mut Cluster, node: &str) {
    let now = c.now();
    c.store.modify::<Node>(&ObjectKey::new("", node), |n| {
        n.status.get_or_insert_with(Default::default).conditions = Some(kubelet_conditions(now, now));
    });
    kubelet_event(c, node, "NodeReady", format!("Node {node} status is now: NodeReady"));
    for pod in pods_on(c, node) {
        let containers_ready = pod
            .status
            .as_ref()
            .and_then(|s| s.conditions.as_ref())
            .and_then(|cs| cs.iter().find(|c| c.type_ == "ContainersReady"))
            .map(|c| (c.status.clone(), c.reason.clone()));
        let Some((status, reason)) = containers_ready else { continue };
        c.store.modify::<Pod>(&ObjectKey::of(&pod.metadata), |p| {
            set_condition(
                p,
                k8s_openapi::api::core::v1::PodCondition {
                    type_: "Ready".into(),
                    status: status.clone(),
                    reason: reason.clone(),
                    last_transition_time: Some(now.to_k8s()),
                    observed_generation: Some(1),
                    ..Default::default()
                },
            );
        });
    }
}

/// The taints that follow the Ready condition (`doNoScheduleTaintingPass`,
/// `doNoExecuteTaintingPass`): unreachable for `Unknown`, not-ready for `False`.
fn sync_condition_taints(c: &mut Cluster, node: &str) {
    let Some(n) = c.store.get::<Node>("", node) else { return };
    let wanted = match ready_status(n) {
        Some("Unknown") => Some(TAINT_UNREACHABLE),
        Some("False") => Some(TAINT_NOT_READY),
        _ => None,
    };
    let taints = n.spec.as_ref().and_then(|s| s.taints.clone()).unwrap_or_default();
    let managed = |t: &Taint| t.key == TAINT_UNREACHABLE || t.key == TAINT_NOT_READY;
    let current: Vec<&Taint> = taints.iter().filter(|t| managed(t)).collect();
    let up_to_date = match wanted {
        None => current.is_empty(),
        Some(key) => current.len() == 2 && current.iter().all(|t| t.key == key),
    };
    if up_to_date {
        return;
    }
    let now = c.now();
    let mut next: Vec<Taint> = taints.iter().filter(|t| !managed(t)).cloned().collect();
    if let Some(key) = wanted {
        for effect in ["NoSchedule", "NoExecute"] {
            next.push(Taint { key: key.into(), effect: effect.into(), time_added: Some(now.to_k8s()), value: None });
        }
    }
    c.store.modify::<Node>(&ObjectKey::new("", node), |n| {
        n.spec.get_or_insert_with(Default::default).taints = (!next.is_empty()).then_some(next);
    });
}

/// The pods bound to `node`, in list order.
pub fn pods_on(c: &Cluster, node: &str) -> Vec<Pod> {
    c.store.pods.on_node(node).cloned().collect()
}

fn pod_ready(p: &Pod) -> Option<bool> {
    let cond = p.status.as_ref()?.conditions.as_ref()?.iter().find(|c| c.type_ == "Ready")?;
    Some(cond.status == "True")
}

/// The pod garbage collector's `gcOrphaned`: pods bound to a node that no longer
/// exists are deleted at once.
fn collect_orphaned_pods(c: &mut Cluster) {
    // Pods only lose their node when something was deleted: look only then.
    if c.orphans_seen == c.store.deletions() {
        return;
    }
    c.orphans_seen = c.store.deletions();
    let orphans: Vec<ObjectKey> = c
        .store
        .pods
        .list(None)
        .filter(|p| {
            p.spec.as_ref().and_then(|s| s.node_name.as_deref()).is_some_and(|n| c.store.get::<Node>("", n).is_none())
        })
        .map(|p| ObjectKey::of(&p.metadata))
        .collect();
    for key in orphans {
        c.store.remove::<Pod>(&key);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cluster::ClusterConfig;
    use crate::kubectl::printers::node_status;

    fn status(c: &Cluster, node: &str) -> String {
        node_status(c.store.get::<Node>("", node).unwrap())
    }

    #[test]
    fn last_report_is_the_latest_five_minute_post_not_after_now() {
        let first = SimTime(1_000);
        assert_eq!(last_report(first, SimTime(500)), first, "before the first post: the first");
        assert_eq!(last_report(first, first.plus_ms(NODE_STATUS_REPORT_MS - 1)), first);
        assert_eq!(last_report(first, first.plus_ms(NODE_STATUS_REPORT_MS)), first.plus_ms(NODE_STATUS_REPORT_MS));
        assert_eq!(last_report(first, first.plus_ms(3 * NODE_STATUS_REPORT_MS + 7)), first.plus_ms(3 * NODE_STATUS_REPORT_MS));
    }

    #[test]
    fn detection_waits_for_grace_then_the_next_monitor_tick() {
        assert_eq!(detection_time(SimTime(0)), SimTime(55_000));
        assert_eq!(detection_time(SimTime(1_000)), SimTime(55_000));
        assert_eq!(detection_time(SimTime(4_999)), SimTime(55_000));
        assert_eq!(detection_time(SimTime(5_000)), SimTime(60_000));
    }

    #[test]
    fn a_stopped_kubelet_turns_the_node_not_ready_after_the_grace_period() {
        let mut c = Cluster::new(ClusterConfig::default());
        c.stop_kubelet("node01").unwrap();
        c.advance_by(NODE_MONITOR_GRACE_MS);
        assert_eq!(status(&c, "node01"), "Ready");
        c.advance_by(NODE_MONITOR_PERIOD_MS);
        assert_eq!(status(&c, "node01"), "NotReady");
        let taints: Vec<String> = c.store.get::<Node>("", "node01").unwrap().spec.as_ref().unwrap().taints.as_ref().unwrap().iter().map(|t| format!("{}:{}", t.key, t.effect)).collect();
        assert_eq!(taints, ["node.kubernetes.io/unreachable:NoSchedule", "node.kubernetes.io/unreachable:NoExecute"]);
        c.start_kubelet("node01").unwrap();
        assert_eq!(status(&c, "node01"), "Ready");
        assert!(c.store.get::<Node>("", "node01").unwrap().spec.as_ref().unwrap().taints.is_none());
        assert_eq!(c.stop_kubelet("nodeX"), Err(NodeOpError::NoSuchNode("nodeX".into())));
        assert_eq!(c.start_kubelet("node01"), Err(NodeOpError::AlreadyRunning("node01".into())));
    }
}
