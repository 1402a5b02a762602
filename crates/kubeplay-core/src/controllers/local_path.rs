//! The cluster's dynamic provisioner, Rancher's local-path-provisioner
//! (`rancher.io/local-path`): for a claim the persistent volume controller handed to
//! it, it makes a directory on the node the scheduler selected and a `hostPath`
//! PersistentVolume `pvc-<claim uid>` pinned to that node (its `provisioner.go`).
//!
//! Why this one: a kubeadm cluster has no provisioner of its own, and local-path is
//! what kind and k3s ship as their default class and what most kubeadm playgrounds
//! install; its `WaitForFirstConsumer` binding is what a learner meets in practice.

use std::collections::BTreeMap;

use k8s_openapi::api::core::v1::{
    HostPathVolumeSource, NodeSelector, NodeSelectorRequirement, NodeSelectorTerm, PersistentVolume,
    PersistentVolumeClaim, PersistentVolumeSpec, VolumeNodeAffinity,
};
use k8s_openapi::api::storage::v1::StorageClass;
use k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta;

use super::persistent_volumes::{SELECTED_NODE, STORAGE_PROVISIONER};
use crate::api::store::{reference_to, NewEvent};
use crate::cluster::Cluster;

pub const PROVISIONER: &str = "rancher.io/local-path";
pub const CLASS_NAME: &str = "local-path";
/// Where the provisioner keeps volumes on each node (its default `nodePathMap`).
const BASE_PATH: &str = "/opt/local-path-provisioner";
/// The identity the provisioner reports events under (`<provisioner>_<pod>_<uuid>`).
const IDENTITY: &str = "rancher.io/local-path_local-path-provisioner-7f8667f9d8-kqzhn_3c0c8f1e-6a8c-4c3e-9a55-2f0f8e5d7b11";

/// The default StorageClass of the default cluster.
pub fn default_class(metadata: ObjectMeta) -> StorageClass {
    StorageClass {
        metadata: ObjectMeta {
            annotations: Some([(crate::api::storage_defaults::DEFAULT_CLASS_ANNOTATION.to_string(), "true".to_string())].into()),
            ..metadata
        },
        provisioner: PROVISIONER.into(),
        reclaim_policy: Some("Delete".into()),
        volume_binding_mode: Some("WaitForFirstConsumer".into()),
        ..Default::default()
    }
}

fn event(c: &mut Cluster, pvc: &PersistentVolumeClaim, reason: &'static str, message: String) {
    let now = c.now();
    c.store.record_event(now, NewEvent { involved: reference_to(pvc), type_: "Normal", reason, message, component: IDENTITY, host: None });
}

/// Provisions a volume for every claim that waits for this provisioner.
pub fn reconcile(c: &mut Cluster) {
    let wanted: Vec<PersistentVolumeClaim> = c
        .store
        .persistentvolumeclaims
        .list(None)
        .filter(|p| p.metadata.deletion_timestamp.is_none())
        .filter(|p| p.spec.as_ref().and_then(|s| s.volume_name.as_deref()).is_none_or(str::is_empty))
        .filter(|p| p.metadata.annotations.as_ref().and_then(|a| a.get(STORAGE_PROVISIONER)).map(String::as_str) == Some(PROVISIONER))
        .cloned()
        .collect();
    for pvc in wanted {
        let uid = pvc.metadata.uid.clone().unwrap_or_default();
        let pv_name = format!("pvc-{uid}");
        if c.store.get::<PersistentVolume>("", &pv_name).is_some() {
            continue;
        }
        let Some(node) = pvc.metadata.annotations.as_ref().and_then(|a| a.get(SELECTED_NODE)).cloned() else {
            continue;
        };
        let class_name = pvc.spec.as_ref().and_then(|s| s.storage_class_name.clone()).unwrap_or_default();
        let reclaim = c.store.get::<StorageClass>("", &class_name).and_then(|sc| sc.reclaim_policy.clone()).unwrap_or_else(|| "Delete".into());
        let ns = pvc.metadata.namespace.clone().unwrap_or_default();
        let claim_name = pvc.metadata.name.clone().unwrap_or_default();
        event(c, &pvc, "Provisioning", format!("External provisioner is provisioning volume for claim \"{ns}/{claim_name}\""));
        let spec = pvc.spec.clone().unwrap_or_default();
        let storage = spec.resources.as_ref().and_then(|r| r.requests.as_ref()).and_then(|r| r.get("storage")).cloned();
        let pv = PersistentVolume {
            metadata: ObjectMeta {
                name: Some(pv_name.clone()),
                annotations: Some(BTreeMap::from([
                    ("local.path.provisioner/selected-node".to_string(), node.clone()),
                    ("pv.kubernetes.io/provisioned-by".to_string(), PROVISIONER.to_string()),
                ])),
                ..Default::default()
            },
            spec: Some(PersistentVolumeSpec {
                access_modes: spec.access_modes.clone(),
                capacity: storage.map(|q| BTreeMap::from([("storage".to_string(), q)])),
                claim_ref: Some(k8s_openapi::api::core::v1::ObjectReference {
                    api_version: Some("v1".into()),
                    kind: Some("PersistentVolumeClaim".into()),
                    name: Some(claim_name.clone()),
                    namespace: Some(ns.clone()),
                    uid: Some(uid.clone()),
                    resource_version: pvc.metadata.resource_version.clone(),
                    ..Default::default()
                }),
                host_path: Some(HostPathVolumeSource {
                    path: format!("{BASE_PATH}/{pv_name}_{ns}_{claim_name}"),
                    type_: Some("DirectoryOrCreate".into()),
                }),
                node_affinity: Some(VolumeNodeAffinity {
                    required: Some(NodeSelector {
                        node_selector_terms: vec![NodeSelectorTerm {
                            match_expressions: Some(vec![NodeSelectorRequirement {
                                key: "kubernetes.io/hostname".into(),
                                operator: "In".into(),
                                values: Some(vec![node.clone()]),
                            }]),
                            ..Default::default()
                        }],
                    }),
                }),
                persistent_volume_reclaim_policy: Some(reclaim),
                storage_class_name: Some(class_name),
                volume_mode: spec.volume_mode.clone(),
                ..Default::default()
            }),
            status: None,
        };
        if c.create(pv).is_ok() {
            event(c, &pvc, "ProvisioningSucceeded", format!("Successfully provisioned volume {pv_name}"));
        }
    }
}
