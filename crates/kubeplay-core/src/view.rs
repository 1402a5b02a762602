//! What the page draws, derived from the cluster: a plain-data picture of nodes and
//! the pods on them. The UI renders this and computes nothing about the cluster
//! itself, so what it shows is what `kubectl get` would say.

use k8s_openapi::api::core::v1::Pod;

use crate::cluster::Cluster;
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
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Health {
    Ready,
    Starting,
    Failing,
    Terminating,
    Completed,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NodeView {
    pub name: String,
    pub control_plane: bool,
    pub status: String,
    pub roles: String,
    pub ip: String,
    pub pods: Vec<PodView>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PhysicalView {
    pub nodes: Vec<NodeView>,
    /// Pods no node has accepted yet (Pending before scheduling).
    pub unscheduled: Vec<PodView>,
}

fn pod_view(p: &Pod) -> PodView {
    let s = pod_summary(p);
    let health = match s.status.as_str() {
        "Running" if s.ready == s.total => Health::Ready,
        "Completed" | "Succeeded" => Health::Completed,
        "Terminating" => Health::Terminating,
        "Pending" | "ContainerCreating" | "PodInitializing" | "Running" => Health::Starting,
        x if x.starts_with("Init:") && !x.contains("Err") && !x.contains("BackOff") => Health::Starting,
        _ => Health::Failing,
    };
    PodView {
        name: p.metadata.name.clone().unwrap_or_default(),
        namespace: p.metadata.namespace.clone().unwrap_or_default(),
        status: s.status,
        ready: format!("{}/{}", s.ready, s.total),
        restarts: s.restarts,
        ip: p.status.as_ref().and_then(|s| s.pod_ip.clone()),
        health,
    }
}

impl PhysicalView {
    pub fn of(c: &Cluster) -> PhysicalView {
        let mut nodes: Vec<NodeView> = c
            .store
            .nodes
            .list(None)
            .map(|n| NodeView {
                name: n.metadata.name.clone().unwrap_or_default(),
                control_plane: n.metadata.labels.as_ref().is_some_and(|l| l.contains_key("node-role.kubernetes.io/control-plane")),
                status: node_status(n),
                roles: node_roles(n),
                ip: crate::controllers::kubelet::node_internal_ip(n).unwrap_or_default(),
                pods: Vec::new(),
            })
            .collect();
        let mut unscheduled = Vec::new();
        for p in c.store.pods.list(None) {
            let node = p.spec.as_ref().and_then(|s| s.node_name.as_deref());
            match node.and_then(|n| nodes.iter_mut().find(|v| v.name == n)) {
                Some(v) => v.pods.push(pod_view(p)),
                None => unscheduled.push(pod_view(p)),
            }
        }
        // The control plane first, then workers by name: the picture the notes draw.
        nodes.sort_by(|a, b| b.control_plane.cmp(&a.control_plane).then(a.name.cmp(&b.name)));
        PhysicalView { nodes, unscheduled }
    }
}
