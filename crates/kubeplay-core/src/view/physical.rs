//! The physical picture: nodes with their conditions and how much of their
//! allocatable CPU and memory the pods on them request, and each pod inside the node
//! it runs on.

use k8s_openapi::api::core::v1::{Node, Pod};

use super::ObjectRef;
use crate::cluster::Cluster;
use crate::controllers::resources::{allocatable, holds_resources, pod_requests};
use crate::kubectl::printers::{node_roles, node_status, pod_summary};

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PodView {
    pub name: String,
    pub namespace: String,
    /// The STATUS column of `kubectl get pods`.
    pub status: String,
    pub ready: String,
    pub restarts: i32,
    pub ip: Option<String>,
    /// What the colour means: running and ready, still starting, failing, done.
    pub health: Health,
    /// The controller that owns the pod (`ownerReferences` with `controller: true`).
    pub owner: Option<ObjectRef>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Health {
    Ready,
    Starting,
    /// Running, but a container is not ready (its readiness probe has not passed):
    /// no Service sends it traffic.
    NotReady,
    Failing,
    Terminating,
    Completed,
}

/// How a node badge reads at a glance.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Tone {
    Good,
    Warning,
    Bad,
}

/// One thing to know about a node: `Ready`, `NotReady`, `SchedulingDisabled`, or a
/// pressure condition that is true (`MemoryPressure`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NodeBadge {
    pub label: String,
    pub tone: Tone,
}

/// Requests against allocatable, as `kubectl describe node` sums them under
/// "Allocated resources" (pods that ended hold nothing).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Capacity {
    pub requested: i64,
    pub allocatable: i64,
    /// `850m`, `290Mi`: the requested amount in kubectl's units.
    pub requested_text: String,
    /// `2`, `3.7Gi`.
    pub allocatable_text: String,
    /// Whole percent, as describe prints it (`42`); may exceed 100 only if the
    /// node shrank under its pods.
    pub percent: i64,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NodeView {
    pub name: String,
    pub control_plane: bool,
    /// The STATUS column of `kubectl get nodes` (`Ready,SchedulingDisabled`).
    pub status: String,
    pub badges: Vec<NodeBadge>,
    pub roles: String,
    pub ip: String,
    pub cpu: Capacity,
    pub memory: Capacity,
    pub pods: Vec<PodView>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PhysicalView {
    pub nodes: Vec<NodeView>,
    /// Pods no node has accepted yet (Pending before scheduling).
    pub unscheduled: Vec<PodView>,
}

pub(super) fn controller_of(p: &Pod, namespace: &str) -> Option<ObjectRef> {
    let owner = p.metadata.owner_references.as_ref()?.iter().find(|o| o.controller == Some(true))?;
    Some(ObjectRef::new(&owner.kind, namespace, &owner.name))
}

pub(super) fn pod_view(p: &Pod) -> PodView {
    let s = pod_summary(p);
    let health = match s.status.as_str() {
        "Running" if s.ready == s.total => Health::Ready,
        // Every container started, one is not ready: a readiness probe holds it back.
        "Running" if all_running(p) => Health::NotReady,
        "Completed" | "Succeeded" => Health::Completed,
        "Terminating" => Health::Terminating,
        "Pending" | "ContainerCreating" | "PodInitializing" | "Running" => Health::Starting,
        x if x.starts_with("Init:") && !x.contains("Err") && !x.contains("BackOff") => Health::Starting,
        _ => Health::Failing,
    };
    let namespace = p.metadata.namespace.clone().unwrap_or_default();
    PodView {
        name: p.metadata.name.clone().unwrap_or_default(),
        owner: controller_of(p, &namespace),
        namespace,
        status: s.status,
        ready: format!("{}/{}", s.ready, s.total),
        restarts: s.restarts,
        ip: p.status.as_ref().and_then(|s| s.pod_ip.clone()),
        health,
    }
}

/// Every container of the pod is running (so a pod that is not ready waits on a
/// probe, not on a container still being created).
fn all_running(p: &Pod) -> bool {
    let statuses = p.status.as_ref().and_then(|s| s.container_statuses.as_deref()).unwrap_or(&[]);
    !statuses.is_empty() && statuses.iter().all(|cs| cs.state.as_ref().is_some_and(|s| s.running.is_some()))
}

/// The node's conditions as a learner reads them: readiness first, then cordoning,
/// then any pressure the kubelet reports.
fn badges(node: &Node, status: &str) -> Vec<NodeBadge> {
    let mut out = Vec::new();
    let ready = status.split(',').next().unwrap_or("Unknown");
    out.push(NodeBadge { label: ready.to_string(), tone: if ready == "Ready" { Tone::Good } else { Tone::Bad } });
    if status.contains("SchedulingDisabled") {
        out.push(NodeBadge { label: "SchedulingDisabled".into(), tone: Tone::Warning });
    }
    let conditions = node.status.as_ref().and_then(|s| s.conditions.as_deref()).unwrap_or(&[]);
    for c in conditions.iter().filter(|c| c.type_ != "Ready" && c.status == "True") {
        out.push(NodeBadge { label: c.type_.clone(), tone: Tone::Bad });
    }
    out
}

/// CPU in kubectl's form: whole cores when exact (`2`), else millicores (`850m`).
fn cpu_text(millis: i64) -> String {
    if millis % 1000 == 0 { (millis / 1000).to_string() } else { format!("{millis}m") }
}

/// Memory in binary units, exact when it divides (`128Mi`), else one decimal of the
/// largest unit that fits (`3.7Gi`).
fn memory_text(bytes: i64) -> String {
    const UNITS: &[(&str, i64)] = &[("Ti", 1 << 40), ("Gi", 1 << 30), ("Mi", 1 << 20), ("Ki", 1 << 10)];
    if bytes == 0 {
        return "0".into();
    }
    for (unit, size) in UNITS {
        if bytes >= *size {
            if bytes % size == 0 {
                return format!("{}{unit}", bytes / size);
            }
            let tenths = (bytes * 10 + size / 2) / size;
            return format!("{}.{}{unit}", tenths / 10, tenths % 10);
        }
    }
    bytes.to_string()
}

fn capacity(requested: i64, allocatable: i64, text: fn(i64) -> String) -> Capacity {
    Capacity {
        requested,
        allocatable,
        requested_text: text(requested),
        allocatable_text: text(allocatable),
        percent: if allocatable > 0 { requested * 100 / allocatable } else { 0 },
    }
}

impl PhysicalView {
    pub fn of(c: &Cluster) -> PhysicalView {
        let mut nodes: Vec<NodeView> = c
            .store
            .nodes
            .list(None)
            .map(|n| {
                let status = node_status(n);
                let (cpu, mem, _) = allocatable(n);
                NodeView {
                    name: n.metadata.name.clone().unwrap_or_default(),
                    control_plane: n
                        .metadata
                        .labels
                        .as_ref()
                        .is_some_and(|l| l.contains_key("node-role.kubernetes.io/control-plane")),
                    badges: badges(n, &status),
                    status,
                    roles: node_roles(n),
                    ip: crate::controllers::kubelet::node_internal_ip(n).unwrap_or_default(),
                    cpu: capacity(0, cpu, cpu_text),
                    memory: capacity(0, mem, memory_text),
                    pods: Vec::new(),
                }
            })
            .collect();
        let mut unscheduled = Vec::new();
        let mut requested: Vec<(i64, i64)> = vec![(0, 0); nodes.len()];
        for p in c.store.pods.list(None) {
            let node = p.spec.as_ref().and_then(|s| s.node_name.as_deref());
            match node.and_then(|n| nodes.iter().position(|v| v.name == n)) {
                Some(i) => {
                    if holds_resources(p) {
                        let (cpu, mem) = pod_requests(p);
                        requested[i].0 += cpu;
                        requested[i].1 += mem;
                    }
                    nodes[i].pods.push(pod_view(p));
                }
                None => unscheduled.push(pod_view(p)),
            }
        }
        for (n, (cpu, mem)) in nodes.iter_mut().zip(requested) {
            n.cpu = capacity(cpu, n.cpu.allocatable, cpu_text);
            n.memory = capacity(mem, n.memory.allocatable, memory_text);
        }
        // The control plane first, then workers by name: the picture the notes draw.
        crate::sorting::sort_by(&mut nodes, |a, b| b.control_plane.cmp(&a.control_plane).then(a.name.cmp(&b.name)));
        PhysicalView { nodes, unscheduled }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{ClusterConfig, Shell};

    #[test]
    fn quantities_read_as_kubectl_writes_them() {
        assert_eq!(cpu_text(2000), "2");
        assert_eq!(cpu_text(850), "850m");
        assert_eq!(memory_text(128 << 20), "128Mi");
        assert_eq!(memory_text(3_903_500 * 1024), "3.7Gi");
        assert_eq!(memory_text(0), "0");
    }

    #[test]
    fn nodes_show_requests_against_allocatable_and_their_conditions() {
        let mut sh = Shell::new(ClusterConfig::default());
        sh.execute("kubectl run whoami --image subicura/whoami:1");
        let key = crate::api::ObjectKey::new("default", "whoami");
        sh.cluster.store.modify::<Pod>(&key, |p| {
            let c = &mut p.spec.as_mut().unwrap().containers[0];
            let requests = [("cpu", "500m"), ("memory", "128Mi")]
                .iter()
                .map(|(k, v)| (k.to_string(), k8s_openapi::apimachinery::pkg::api::resource::Quantity(v.to_string())))
                .collect();
            c.resources = Some(k8s_openapi::api::core::v1::ResourceRequirements { requests: Some(requests), ..Default::default() });
        });
        let v = PhysicalView::of(&sh.cluster);
        assert_eq!(v.nodes[0].name, "controlplane");
        assert_eq!(v.nodes[0].badges, vec![NodeBadge { label: "Ready".into(), tone: Tone::Good }]);
        // kubeadm's control plane, CoreDNS, canal and metrics-server: 1200m and 440Mi.
        assert_eq!((v.nodes[0].cpu.requested_text.as_str(), v.nodes[0].cpu.percent), ("1200m", 60));
        assert_eq!(v.nodes[0].memory.requested_text, "440Mi");
        let host = v.nodes.iter().find(|n| n.pods.iter().any(|p| p.name == "whoami")).expect("whoami scheduled");
        assert!(!host.control_plane);
        // canal's calico-node asks 250m on every node, whoami 500m.
        assert_eq!((host.cpu.requested, host.cpu.allocatable, host.cpu.percent), (750, 2000, 37));
        assert_eq!((host.cpu.requested_text.as_str(), host.cpu.allocatable_text.as_str()), ("750m", "2"));
        assert_eq!((host.memory.requested_text.as_str(), host.memory.allocatable_text.as_str()), ("128Mi", "3.7Gi"));
        assert_eq!(host.memory.percent, (128 << 20) * 100 / (3_903_500 * 1024));
    }

    #[test]
    fn a_cordoned_node_says_so() {
        let mut sh = Shell::new(ClusterConfig::default());
        let key = crate::api::ObjectKey::new("", "node01");
        sh.cluster.store.modify::<Node>(&key, |n| n.spec.get_or_insert_with(Default::default).unschedulable = Some(true));
        let v = PhysicalView::of(&sh.cluster);
        let n = v.nodes.iter().find(|n| n.name == "node01").expect("node01");
        assert_eq!(n.status, "Ready,SchedulingDisabled");
        assert_eq!(n.badges[1], NodeBadge { label: "SchedulingDisabled".into(), tone: Tone::Warning });
    }
}
