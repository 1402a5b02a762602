//! The persistent volume controller (k/k pkg/controller/volume/persistentvolume
//! `pv_controller.go`): binds claims to volumes, asks the provisioner for new ones,
//! releases and reclaims volumes whose claim is gone, and lifts the protection
//! finalizers once nothing uses a claim or volume any more.
//!
//! A claim of a `WaitForFirstConsumer` class waits until the scheduler has picked a
//! node for a pod that uses it (annotation `volume.kubernetes.io/selected-node`).

use std::collections::BTreeMap;

use k8s_openapi::api::core::v1::{ObjectReference, PersistentVolume, PersistentVolumeClaim, Pod};
use k8s_openapi::api::storage::v1::StorageClass;

use super::garbage_collector::release_if_finalized;
use super::resources::bytes;
use crate::api::deletion::DeleteOptions;
use crate::api::storage_defaults::{PVC_PROTECTION, PV_PROTECTION};
use crate::api::store::{reference_to, NewEvent};
use crate::api::ObjectKey;
use crate::cluster::Cluster;

const COMPONENT: &str = "persistentvolume-controller";
pub const SELECTED_NODE: &str = "volume.kubernetes.io/selected-node";
pub const STORAGE_PROVISIONER: &str = "volume.kubernetes.io/storage-provisioner";
pub const BETA_STORAGE_PROVISIONER: &str = "volume.beta.kubernetes.io/storage-provisioner";
const BIND_COMPLETED: &str = "pv.kubernetes.io/bind-completed";
const BOUND_BY_CONTROLLER: &str = "pv.kubernetes.io/bound-by-controller";

/// The class a claim asks for; `None` and `""` both mean "no class".
pub fn claim_class(pvc: &PersistentVolumeClaim) -> String {
    pvc.spec.as_ref().and_then(|s| s.storage_class_name.clone()).unwrap_or_default()
}

fn volume_class(pv: &PersistentVolume) -> String {
    pv.spec.as_ref().and_then(|s| s.storage_class_name.clone()).unwrap_or_default()
}

fn phase_of_claim(pvc: &PersistentVolumeClaim) -> &str {
    pvc.status.as_ref().and_then(|s| s.phase.as_deref()).unwrap_or("Pending")
}

fn phase_of_volume(pv: &PersistentVolume) -> &str {
    pv.status.as_ref().and_then(|s| s.phase.as_deref()).unwrap_or("Pending")
}

/// Whether a claim's class delays binding until a pod is scheduled.
pub fn delays_binding(c: &Cluster, pvc: &PersistentVolumeClaim) -> bool {
    let class = claim_class(pvc);
    !class.is_empty()
        && c.store
            .get::<StorageClass>("", &class)
            .is_some_and(|sc| sc.volume_binding_mode.as_deref() == Some("WaitForFirstConsumer"))
}

pub fn requested_bytes(pvc: &PersistentVolumeClaim) -> i64 {
    pvc.spec
        .as_ref()
        .and_then(|s| s.resources.as_ref())
        .and_then(|r| r.requests.as_ref())
        .and_then(|r| r.get("storage"))
        .and_then(bytes)
        .unwrap_or(0)
}

fn capacity_bytes(pv: &PersistentVolume) -> i64 {
    pv.spec.as_ref().and_then(|s| s.capacity.as_ref()).and_then(|c| c.get("storage")).and_then(bytes).unwrap_or(0)
}

/// The nodes a volume can be used from (`spec.nodeAffinity` on `kubernetes.io/hostname`).
pub fn volume_nodes(pv: &PersistentVolume) -> Option<Vec<String>> {
    let terms = pv.spec.as_ref()?.node_affinity.as_ref()?.required.as_ref()?.node_selector_terms.clone();
    let mut nodes = Vec::new();
    for t in terms {
        for e in t.match_expressions.iter().flatten() {
            if e.key == "kubernetes.io/hostname" && e.operator == "In" {
                nodes.extend(e.values.clone().unwrap_or_default());
            }
        }
    }
    Some(nodes)
}

/// `findBestMatchForClaim`: the smallest available volume of the claim's class with
/// every requested access mode and enough capacity (and on the selected node, if any).
fn best_match(c: &Cluster, pvc: &PersistentVolumeClaim) -> Option<ObjectKey> {
    let class = claim_class(pvc);
    let want = requested_bytes(pvc);
    let modes = pvc.spec.as_ref().and_then(|s| s.access_modes.clone()).unwrap_or_default();
    let selected = pvc.metadata.annotations.as_ref().and_then(|a| a.get(SELECTED_NODE)).cloned();
    let uid = pvc.metadata.uid.clone().unwrap_or_default();
    c.store
        .persistentvolumes
        .list(None)
        .filter(|pv| pv.metadata.deletion_timestamp.is_none())
        .filter(|pv| match pv.spec.as_ref().and_then(|s| s.claim_ref.as_ref()) {
            // Pre-bound to this claim (as the provisioner does) or free.
            Some(r) => r.uid.as_deref() == Some(uid.as_str()) || (r.uid.is_none() && r.name == pvc.metadata.name),
            None => phase_of_volume(pv) == "Available",
        })
        .filter(|pv| volume_class(pv) == class)
        .filter(|pv| {
            let have = pv.spec.as_ref().and_then(|s| s.access_modes.clone()).unwrap_or_default();
            modes.iter().all(|m| have.contains(m))
        })
        .filter(|pv| capacity_bytes(pv) >= want)
        .filter(|pv| match (&selected, volume_nodes(pv)) {
            (Some(node), Some(nodes)) => nodes.contains(node),
            _ => true,
        })
        .min_by_key(|pv| (capacity_bytes(pv), pv.metadata.name.clone()))
        .map(|pv| ObjectKey::of(&pv.metadata))
}

/// Records an event on a claim once: the real controller repeats these on every
/// resync, which `describe` shows as a count; one row is what a learner needs.
fn claim_event_once(c: &mut Cluster, pvc: &PersistentVolumeClaim, type_: &'static str, reason: &'static str, message: String) {
    let uid = pvc.metadata.uid.clone();
    let ns = pvc.metadata.namespace.clone().unwrap_or_default();
    let seen = c.store.events.list(Some(&ns)).any(|e| e.involved_object.uid == uid && e.reason.as_deref() == Some(reason));
    if seen {
        return;
    }
    let now = c.now();
    c.store.record_event(now, NewEvent { involved: reference_to(pvc), type_, reason, message, component: COMPONENT, host: None });
}

fn claim_ref(pvc: &PersistentVolumeClaim) -> ObjectReference {
    ObjectReference {
        api_version: Some("v1".into()),
        kind: Some("PersistentVolumeClaim".into()),
        name: pvc.metadata.name.clone(),
        namespace: pvc.metadata.namespace.clone(),
        uid: pvc.metadata.uid.clone(),
        resource_version: pvc.metadata.resource_version.clone(),
        ..Default::default()
    }
}

/// Binds claim and volume both ways (`bind`: volume first, then claim).
fn bind(c: &mut Cluster, pvc: &PersistentVolumeClaim, pv_key: &ObjectKey) {
    let Some(pv) = c.store.persistentvolumes.get(pv_key).cloned() else { return };
    let by_controller = pv.spec.as_ref().and_then(|s| s.claim_ref.as_ref()).is_none();
    let reference = claim_ref(pvc);
    c.store.modify::<PersistentVolume>(pv_key, |pv| {
        let spec = pv.spec.get_or_insert_with(Default::default);
        if spec.claim_ref.is_none() {
            spec.claim_ref = Some(reference.clone());
        }
        if by_controller {
            pv.metadata.annotations.get_or_insert_with(BTreeMap::new).insert(BOUND_BY_CONTROLLER.into(), "yes".into());
        }
        pv.status.get_or_insert_with(Default::default).phase = Some("Bound".into());
    });
    let pv_name = pv_key.name.clone();
    let capacity = pv.spec.as_ref().and_then(|s| s.capacity.clone());
    let modes = pv.spec.as_ref().and_then(|s| s.access_modes.clone());
    c.store.modify::<PersistentVolumeClaim>(&ObjectKey::of(&pvc.metadata), |claim| {
        let ann = claim.metadata.annotations.get_or_insert_with(BTreeMap::new);
        ann.insert(BIND_COMPLETED.into(), "yes".into());
        ann.insert(BOUND_BY_CONTROLLER.into(), "yes".into());
        claim.spec.get_or_insert_with(Default::default).volume_name = Some(pv_name.clone());
        let st = claim.status.get_or_insert_with(Default::default);
        st.phase = Some("Bound".into());
        st.capacity = capacity.clone();
        st.access_modes = modes.clone();
    });
}

/// One pass of the controller over claims, then volumes, then protection.
pub fn reconcile(c: &mut Cluster) {
    sync_claims(c);
    sync_volumes(c);
    lift_protection(c);
}

fn sync_claims(c: &mut Cluster) {
    let pending: Vec<PersistentVolumeClaim> = c
        .store
        .persistentvolumeclaims
        .list(None)
        .filter(|p| p.metadata.deletion_timestamp.is_none() && phase_of_claim(p) != "Bound")
        .cloned()
        .collect();
    for pvc in pending {
        let delayed = delays_binding(c, &pvc);
        let selected = pvc.metadata.annotations.as_ref().is_some_and(|a| a.contains_key(SELECTED_NODE));
        if delayed && !selected {
            claim_event_once(c, &pvc, "Normal", "WaitForFirstConsumer", "waiting for first consumer to be created before binding".into());
            continue;
        }
        if let Some(pv) = best_match(c, &pvc) {
            bind(c, &pvc, &pv);
            continue;
        }
        let class = claim_class(&pvc);
        if class.is_empty() {
            claim_event_once(c, &pvc, "Normal", "FailedBinding", "no persistent volumes available for this claim and no storage class is set".into());
            continue;
        }
        let Some(sc) = c.store.get::<StorageClass>("", &class).cloned() else {
            claim_event_once(c, &pvc, "Warning", "ProvisioningFailed", format!("storageclass.storage.k8s.io \"{class}\" not found"));
            continue;
        };
        let annotated = pvc.metadata.annotations.as_ref().and_then(|a| a.get(STORAGE_PROVISIONER)) == Some(&sc.provisioner);
        if !annotated {
            let provisioner = sc.provisioner.clone();
            c.store.modify::<PersistentVolumeClaim>(&ObjectKey::of(&pvc.metadata), |claim| {
                let ann = claim.metadata.annotations.get_or_insert_with(BTreeMap::new);
                ann.insert(BETA_STORAGE_PROVISIONER.into(), provisioner.clone());
                ann.insert(STORAGE_PROVISIONER.into(), provisioner.clone());
            });
            claim_event_once(c, &pvc, "Normal", "ExternalProvisioning", format!("Waiting for a volume to be created either by the external provisioner '{}' or manually by the system administrator. If volume creation is delayed, please verify that the provisioner is running and correctly registered.", sc.provisioner));
        }
    }
}

/// Volumes: `Pending` → `Available`; a bound volume whose claim is gone is
/// `Released`, then deleted or kept as its reclaim policy says.
fn sync_volumes(c: &mut Cluster) {
    let volumes: Vec<PersistentVolume> = c.store.persistentvolumes.list(None).cloned().collect();
    for pv in volumes {
        let key = ObjectKey::of(&pv.metadata);
        let claim = pv.spec.as_ref().and_then(|s| s.claim_ref.clone());
        match claim {
            None => {
                if phase_of_volume(&pv) != "Available" {
                    c.store.modify::<PersistentVolume>(&key, |v| v.status.get_or_insert_with(Default::default).phase = Some("Available".into()));
                }
            }
            Some(r) => {
                let ns = r.namespace.clone().unwrap_or_default();
                let name = r.name.clone().unwrap_or_default();
                let live = c.store.get::<PersistentVolumeClaim>(&ns, &name).is_some_and(|p| r.uid.is_none() || p.metadata.uid == r.uid);
                if live {
                    continue;
                }
                if phase_of_volume(&pv) == "Bound" || phase_of_volume(&pv) == "Pending" {
                    c.store.modify::<PersistentVolume>(&key, |v| v.status.get_or_insert_with(Default::default).phase = Some("Released".into()));
                }
                let policy = pv.spec.as_ref().and_then(|s| s.persistent_volume_reclaim_policy.clone()).unwrap_or_default();
                if policy == "Delete" && pv.metadata.deletion_timestamp.is_none() {
                    // The provisioner (or the in-tree plugin) deletes the backing storage,
                    // then the volume object.
                    let _ = c.delete::<PersistentVolume>("", &key.name, DeleteOptions::default());
                }
            }
        }
    }
}

/// Whether a running (not finished) pod mounts this claim.
fn claim_in_use(c: &Cluster, pvc: &PersistentVolumeClaim) -> bool {
    let ns = pvc.metadata.namespace.clone().unwrap_or_default();
    let name = pvc.metadata.name.clone().unwrap_or_default();
    let in_use = c.store.pods.list(Some(&ns)).any(|p: &Pod| {
        let done = matches!(p.status.as_ref().and_then(|s| s.phase.as_deref()), Some("Succeeded") | Some("Failed"));
        !done
            && p.spec.as_ref().and_then(|s| s.volumes.as_ref()).is_some_and(|vs| {
                vs.iter().any(|v| v.persistent_volume_claim.as_ref().is_some_and(|c| c.claim_name == name))
            })
    });
    in_use
}

/// The protection controllers: a deleted claim goes once no pod uses it; a deleted
/// volume goes once no claim is bound to it.
fn lift_protection(c: &mut Cluster) {
    let claims: Vec<PersistentVolumeClaim> = c
        .store
        .persistentvolumeclaims
        .list(None)
        .filter(|p| p.metadata.deletion_timestamp.is_some())
        .cloned()
        .collect();
    for pvc in claims {
        if claim_in_use(c, &pvc) {
            continue;
        }
        let key = ObjectKey::of(&pvc.metadata);
        c.store.modify::<PersistentVolumeClaim>(&key, |p| {
            if let Some(f) = p.metadata.finalizers.as_mut() {
                f.retain(|x| x != PVC_PROTECTION);
            }
        });
        release_if_finalized::<PersistentVolumeClaim>(c, &key);
    }
    let volumes: Vec<PersistentVolume> = c
        .store
        .persistentvolumes
        .list(None)
        .filter(|p| p.metadata.deletion_timestamp.is_some() && phase_of_volume(p) != "Bound")
        .cloned()
        .collect();
    for pv in volumes {
        let key = ObjectKey::of(&pv.metadata);
        c.store.modify::<PersistentVolume>(&key, |p| {
            if let Some(f) = p.metadata.finalizers.as_mut() {
                f.retain(|x| x != PV_PROTECTION);
            }
        });
        release_if_finalized::<PersistentVolume>(c, &key);
    }
}
