//! The scheduler's VolumeBinding plugin, reduced to what a learner meets: a pod whose
//! claim is missing or unbound (with an `Immediate` class) is unschedulable; a bound
//! claim pins the pod to the nodes its volume can reach; a claim of a
//! `WaitForFirstConsumer` class gets the chosen node (`volume.kubernetes.io/selected-node`)
//! and the pod waits until the provisioner and the volume controller have bound it.

use std::collections::BTreeMap;

use k8s_openapi::api::core::v1::{PersistentVolume, PersistentVolumeClaim, Pod};

use super::persistent_volumes::{delays_binding, volume_nodes, SELECTED_NODE};
use crate::api::ObjectKey;
use crate::cluster::Cluster;

/// What the pod's claims allow.
#[derive(Debug, Default)]
pub struct VolumeCheck {
    /// A PreFilter rejection (`persistentvolumeclaim "x" not found`).
    pub unschedulable: Option<String>,
    /// Nodes the pod's bound volumes can be used from (`None`: anywhere).
    pub nodes: Option<Vec<String>>,
    /// Claims that wait for a node to be chosen.
    pub delayed: Vec<ObjectKey>,
    /// Claims that have a node and wait for their volume.
    pub waiting: bool,
}

impl VolumeCheck {
    pub fn allows(&self, node: &str) -> bool {
        self.nodes.as_ref().is_none_or(|n| n.iter().any(|x| x == node))
    }
}

/// The reason a node fails the VolumeBinding filter.
pub const NODE_CONFLICT: &str = "node(s) had volume node affinity conflict";

/// Looks at every `persistentVolumeClaim` volume of the pod.
pub fn check(c: &Cluster, pod: &Pod) -> VolumeCheck {
    let mut out = VolumeCheck::default();
    let ns = pod.metadata.namespace.clone().unwrap_or_default();
    let volumes = pod.spec.as_ref().and_then(|s| s.volumes.clone()).unwrap_or_default();
    for v in volumes {
        let Some(src) = v.persistent_volume_claim else { continue };
        let Some(pvc) = c.store.get::<PersistentVolumeClaim>(&ns, &src.claim_name) else {
            out.unschedulable = Some(format!("persistentvolumeclaim \"{}\" not found", src.claim_name));
            return out;
        };
        if pvc.metadata.deletion_timestamp.is_some() {
            out.unschedulable = Some(format!("persistentvolumeclaim \"{}\" is being deleted", src.claim_name));
            return out;
        }
        let bound_to = pvc.spec.as_ref().and_then(|s| s.volume_name.clone()).filter(|v| !v.is_empty());
        match bound_to {
            Some(pv_name) => {
                if let Some(nodes) = c.store.get::<PersistentVolume>("", &pv_name).and_then(volume_nodes) {
                    out.nodes = Some(match out.nodes.take() {
                        None => nodes,
                        Some(prev) => prev.into_iter().filter(|n| nodes.contains(n)).collect(),
                    });
                }
            }
            None if delays_binding(c, pvc) => {
                if pvc.metadata.annotations.as_ref().is_some_and(|a| a.contains_key(SELECTED_NODE)) {
                    out.waiting = true;
                } else {
                    out.delayed.push(ObjectKey::of(&pvc.metadata));
                }
            }
            None => {
                out.unschedulable = Some("pod has unbound immediate PersistentVolumeClaims".into());
                return out;
            }
        }
    }
    out
}

/// PreBind: tells the delayed claims which node the pod goes to.
pub fn select_node(c: &mut Cluster, claims: &[ObjectKey], node: &str) {
    for key in claims {
        c.store.modify::<PersistentVolumeClaim>(key, |p| {
            p.metadata.annotations.get_or_insert_with(BTreeMap::new).insert(SELECTED_NODE.into(), node.to_string());
        });
    }
}
