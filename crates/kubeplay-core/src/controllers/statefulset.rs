//! The StatefulSet controller (k/k pkg/controller/statefulset
//! `stateful_set_control.go` `updateStatefulSet`): pods with stable names
//! `<set>-<ordinal>`, stable hostnames (`hostname`/`subdomain`, so `web-0.nginx`
//! resolves), one PersistentVolumeClaim per `volumeClaimTemplates` entry and ordinal
//! (`www-web-0`, created before the pod and kept after scale-down), `OrderedReady`
//! creation and deletion one pod at a time (or all at once with `Parallel`), and
//! rolling updates from the highest ordinal down.

use std::collections::BTreeMap;

use k8s_openapi::api::apps::v1::{ControllerRevision, StatefulSet, StatefulSetStatus};
use k8s_openapi::api::core::v1::{PersistentVolumeClaim, PersistentVolumeClaimVolumeSource, Pod, PodTemplateSpec, Volume};
use k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta;

use super::history;
use super::ownership::{controller_ref, pod_from_template};
use super::scheduler::pod_condition;
use crate::api::deletion::DeleteOptions;
use crate::api::store::{reference_to, NewEvent};
use crate::api::ObjectKey;
use crate::cluster::Cluster;

const COMPONENT: &str = "statefulset-controller";
pub const POD_NAME_LABEL: &str = "statefulset.kubernetes.io/pod-name";
pub const POD_INDEX_LABEL: &str = "apps.kubernetes.io/pod-index";
/// Pods carry their revision's full name here (`web-7c9d8f6b5c`).
pub const REVISION_LABEL: &str = history::REVISION_HASH_LABEL;

/// The set's revisions as `getStatefulSetRevisions` finds them.
struct Revisions {
    /// What pods below the partition (and not yet updated) run.
    current: ControllerRevision,
    /// The revision of the set's template now.
    update: ControllerRevision,
    all: Vec<ControllerRevision>,
}

/// `getStatefulSetRevisions`: the update revision is the newest revision when it
/// holds the template, an older equal one renumbered as the newest (a rollback),
/// or a new one (`newRevision`: FNV of the template patch and the collision
/// count); the current revision is the one `status.currentRevision` names.
fn revisions(c: &mut Cluster, set: &StatefulSet) -> Option<Revisions> {
    let mut all = history::owned_revisions(c, &set.metadata);
    let template = set.spec.as_ref().map(|s| s.template.clone()).unwrap_or_default();
    let patch = history::template_patch(&template);
    let collision_count = set.status.as_ref().and_then(|s| s.collision_count).unwrap_or(0);
    let hash = history::hash_revision(&patch, Some(collision_count));
    let next = history::next_revision(&all);
    let equal = all.iter().rposition(|r| history::stored_patch(r) == patch);
    let update = match equal {
        Some(i) if i + 1 == all.len() => all[i].clone(),
        Some(i) => {
            let renumbered = history::renumber(c, &all[i], next);
            all[i] = renumbered.clone();
            renumbered
        }
        None => {
            let created = history::create(c, history::new_revision(&set.metadata, controller_ref(set), &template, &hash, next))?;
            all.push(created.clone());
            created
        }
    };
    let current_name = set.status.as_ref().and_then(|s| s.current_revision.as_deref());
    let current = all.iter().find(|r| r.metadata.name.as_deref() == current_name).cloned().unwrap_or_else(|| update.clone());
    Some(Revisions { current, update, all })
}

/// `truncateHistory`: revisions no pod runs and that are neither current nor
/// update, beyond `revisionHistoryLimit`, oldest first.
fn truncate_history(c: &mut Cluster, set: &StatefulSet, revs: &Revisions) {
    let pods = pods_of(c, set);
    let live = |name: &str| {
        revs.current.metadata.name.as_deref() == Some(name) || revs.update.metadata.name.as_deref() == Some(name) || pods.values().any(|p| revision_of(p) == name)
    };
    let historic: Vec<&ControllerRevision> = revs.all.iter().filter(|r| !live(r.metadata.name.as_deref().unwrap_or(""))).collect();
    let limit = set.spec.as_ref().and_then(|s| s.revision_history_limit).unwrap_or(10).max(0) as usize;
    if historic.len() > limit {
        history::delete(c, &historic[..historic.len() - limit]);
    }
}

/// The ordinal of a pod named `<set>-<n>`, if it is one of the set's.
fn ordinal(set_name: &str, pod_name: &str) -> Option<i32> {
    pod_name.strip_prefix(set_name)?.strip_prefix('-')?.parse().ok().filter(|n: &i32| *n >= 0)
}

pub fn is_running_and_ready(p: &Pod) -> bool {
    p.status.as_ref().and_then(|s| s.phase.as_deref()) == Some("Running")
        && pod_condition(p, "Ready").is_some_and(|c| c.status == "True")
}

fn is_terminating(p: &Pod) -> bool {
    p.metadata.deletion_timestamp.is_some()
}

fn is_failed(p: &Pod) -> bool {
    matches!(p.status.as_ref().and_then(|s| s.phase.as_deref()), Some("Failed") | Some("Succeeded"))
}

fn revision_of(p: &Pod) -> String {
    p.metadata.labels.as_ref().and_then(|l| l.get(REVISION_LABEL)).cloned().unwrap_or_default()
}

fn set_event(c: &mut Cluster, set: &StatefulSet, reason: &'static str, message: String) {
    let now = c.now();
    let mut involved = reference_to(set);
    involved.resource_version = None;
    c.store.record_event(now, NewEvent { involved, type_: "Normal", reason, message, component: COMPONENT, host: None });
}

/// The claims of ordinal `ord`: each template renamed `<template>-<set>-<ord>`, with
/// the selector's labels (`getPersistentVolumeClaims`).
fn claims_for(set: &StatefulSet, ord: i32) -> Vec<PersistentVolumeClaim> {
    let name = set.metadata.name.clone().unwrap_or_default();
    let spec = set.spec.clone().unwrap_or_default();
    let selector_labels = spec.selector.match_labels.clone().unwrap_or_default();
    spec.volume_claim_templates
        .unwrap_or_default()
        .into_iter()
        .map(|t| {
            let template_name = t.metadata.name.clone().unwrap_or_default();
            let mut labels = t.metadata.labels.clone().unwrap_or_default();
            labels.extend(selector_labels.clone());
            PersistentVolumeClaim {
                metadata: ObjectMeta {
                    name: Some(format!("{template_name}-{name}-{ord}")),
                    namespace: set.metadata.namespace.clone(),
                    labels: Some(labels),
                    annotations: t.metadata.annotations.clone(),
                    ..Default::default()
                },
                spec: t.spec.clone(),
                status: None,
            }
        })
        .collect()
}

/// `newVersionedStatefulSetPod`: the revision's template, the stable identity,
/// the claims as volumes and the revision label.
fn new_pod(set: &StatefulSet, ord: i32, revision: &ControllerRevision) -> Pod {
    let set_name = set.metadata.name.clone().unwrap_or_default();
    let ns = set.metadata.namespace.clone().unwrap_or_default();
    let spec = set.spec.clone().unwrap_or_default();
    let template: PodTemplateSpec = history::template_of(revision);
    let mut pod = pod_from_template(&template, &ns, "", controller_ref(set));
    let name = format!("{set_name}-{ord}");
    pod.metadata.generate_name = None;
    pod.metadata.name = Some(name.clone());
    let labels = pod.metadata.labels.get_or_insert_with(BTreeMap::new);
    labels.insert(POD_NAME_LABEL.into(), name.clone());
    labels.insert(POD_INDEX_LABEL.into(), ord.to_string());
    labels.insert(REVISION_LABEL.into(), revision.metadata.name.clone().unwrap_or_default());
    let pod_spec = pod.spec.get_or_insert_with(Default::default);
    pod_spec.hostname = Some(name);
    if let Some(svc) = spec.service_name.filter(|s| !s.is_empty()) {
        pod_spec.subdomain = Some(svc);
    }
    for claim in claims_for(set, ord) {
        let template_name = claim.metadata.name.clone().unwrap_or_default();
        let volume_name = template_name.strip_suffix(&format!("-{set_name}-{ord}")).unwrap_or(&template_name).to_string();
        let volumes = pod_spec.volumes.get_or_insert_with(Vec::new);
        volumes.retain(|v| v.name != volume_name);
        volumes.push(Volume {
            name: volume_name,
            persistent_volume_claim: Some(PersistentVolumeClaimVolumeSource { claim_name: template_name, read_only: None }),
            ..Default::default()
        });
    }
    pod
}

/// Reconciles every StatefulSet.
pub fn reconcile(c: &mut Cluster) {
    let keys: Vec<ObjectKey> = c.store.statefulsets.keys().cloned().collect();
    for key in keys {
        let Some(set) = c.store.statefulsets.get(&key).cloned() else { continue };
        if set.metadata.deletion_timestamp.is_some() {
            continue;
        }
        let Some(revs) = revisions(c, &set) else { continue };
        sync(c, &set, &revs);
        update_status(c, &key, &revs);
        truncate_history(c, &set, &revs);
    }
}

/// The set's pods by ordinal.
fn pods_of(c: &Cluster, set: &StatefulSet) -> BTreeMap<i32, Pod> {
    let uid = set.metadata.uid.clone().unwrap_or_default();
    let name = set.metadata.name.clone().unwrap_or_default();
    let ns = set.metadata.namespace.clone().unwrap_or_default();
    let owned = c.store.pods.controlled_by(&uid).filter(|p| p.metadata.namespace.as_deref() == Some(ns.as_str()));
    crate::sorting::btree_map(owned.filter_map(|p| Some((ordinal(&name, p.metadata.name.as_deref()?)?, p.clone()))))
}

fn create_claims(c: &mut Cluster, set: &StatefulSet, ord: i32) {
    let set_name = set.metadata.name.clone().unwrap_or_default();
    for claim in claims_for(set, ord) {
        let ns = claim.metadata.namespace.clone().unwrap_or_default();
        let name = claim.metadata.name.clone().unwrap_or_default();
        if c.store.get::<PersistentVolumeClaim>(&ns, &name).is_some() {
            continue;
        }
        if c.create(claim).is_ok() {
            set_event(c, set, "SuccessfulCreate", format!("create Claim {name} Pod {set_name}-{ord} in StatefulSet {set_name} success"));
        }
    }
}

fn create_pod(c: &mut Cluster, set: &StatefulSet, ord: i32, revision: &ControllerRevision) {
    create_claims(c, set, ord);
    let set_name = set.metadata.name.clone().unwrap_or_default();
    if c.create(new_pod(set, ord, revision)).is_ok() {
        set_event(c, set, "SuccessfulCreate", format!("create Pod {set_name}-{ord} in StatefulSet {set_name} successful"));
    }
}

fn delete_pod(c: &mut Cluster, set: &StatefulSet, pod: &Pod) {
    let set_name = set.metadata.name.clone().unwrap_or_default();
    let pod_name = pod.metadata.name.clone().unwrap_or_default();
    let ns = pod.metadata.namespace.clone().unwrap_or_default();
    if c.delete::<Pod>(&ns, &pod_name, DeleteOptions::default()).is_err() {
        return;
    }
    set_event(c, set, "SuccessfulDelete", format!("delete Pod {pod_name} in StatefulSet {set_name} successful"));
}

/// One pass of `updateStatefulSet`.
fn sync(c: &mut Cluster, set: &StatefulSet, revs: &Revisions) {
    let spec = set.spec.clone().unwrap_or_default();
    let replicas = spec.replicas.unwrap_or(1).max(0);
    let monotonic = spec.pod_management_policy.as_deref() != Some("Parallel");
    let update_revision = revs.update.metadata.name.clone().unwrap_or_default();
    let rolling = spec.update_strategy.as_ref().and_then(|s| s.type_.as_deref()) != Some("OnDelete");
    let partition = spec
        .update_strategy
        .as_ref()
        .and_then(|s| s.rolling_update.as_ref())
        .and_then(|r| r.partition)
        .unwrap_or(0);
    let pods = pods_of(c, set);

    // Replicas: create what is missing in ordinal order, replace failed pods.
    for ord in 0..replicas {
        match pods.get(&ord) {
            None => {
                // Below the partition new pods keep the current revision.
                let revision = if rolling && ord < partition { &revs.current } else { &revs.update };
                create_pod(c, set, ord, revision);
                if monotonic {
                    return;
                }
            }
            Some(p) if is_failed(p) && !is_terminating(p) => {
                delete_pod(c, set, p);
                if monotonic {
                    return;
                }
            }
            Some(p) => {
                // A claim deleted by hand comes back for the next pod.
                create_claims(c, set, ord);
                if monotonic && (is_terminating(p) || !is_running_and_ready(p)) {
                    return;
                }
            }
        }
    }

    // Condemned pods (ordinal >= replicas), highest first.
    let condemned: Vec<&Pod> = pods.range(replicas..).map(|(_, p)| p).collect();
    let first_unhealthy = pods.values().find(|p| !is_running_and_ready(p)).and_then(|p| p.metadata.name.clone());
    for p in condemned.iter().rev() {
        if is_terminating(p) {
            if monotonic {
                return;
            }
            continue;
        }
        if monotonic && !is_running_and_ready(p) && p.metadata.name != first_unhealthy {
            return;
        }
        delete_pod(c, set, p);
        if monotonic {
            return;
        }
    }

    // RollingUpdate: replace outdated pods from the highest ordinal down to the
    // partition, one at a time, each once the ones above are healthy again.
    if !rolling {
        return;
    }
    for ord in (partition..replicas).rev() {
        let Some(p) = pods.get(&ord) else { return };
        if revision_of(p) != update_revision && !is_terminating(p) {
            delete_pod(c, set, p);
            return;
        }
        if !is_running_and_ready(p) {
            return;
        }
    }
}

fn update_status(c: &mut Cluster, key: &ObjectKey, revs: &Revisions) {
    let Some(set) = c.store.statefulsets.get(key).cloned() else { return };
    let update_revision = revs.update.metadata.name.clone().unwrap_or_default();
    let pods = pods_of(c, &set);
    let rolling = set.spec.as_ref().and_then(|s| s.update_strategy.as_ref()).and_then(|s| s.type_.as_deref()) != Some("OnDelete");
    let old = set.status.clone().unwrap_or_default();
    let mut current_revision = revs.current.metadata.name.clone().unwrap_or_default();
    let (mut created, mut ready, mut current, mut updated) = (0, 0, 0, 0);
    for p in pods.values() {
        created += 1;
        if is_running_and_ready(p) {
            ready += 1;
        }
        if !is_terminating(p) {
            let rev = revision_of(p);
            if rev == current_revision {
                current += 1;
            }
            if rev == update_revision {
                updated += 1;
            }
        }
    }
    // `completeRollingUpdate`: a RollingUpdate is complete when every replica runs
    // the new revision and is ready (an OnDelete set's current revision stays).
    if rolling && updated == created && ready == created {
        current_revision = update_revision.clone();
        current = updated;
    }
    let status = StatefulSetStatus {
        available_replicas: Some(ready),
        collision_count: Some(0),
        current_replicas: (current > 0).then_some(current),
        current_revision: Some(current_revision),
        observed_generation: set.metadata.generation,
        ready_replicas: (ready > 0).then_some(ready),
        replicas: created,
        update_revision: Some(update_revision),
        updated_replicas: (updated > 0).then_some(updated),
        ..old
    };
    c.store.modify::<StatefulSet>(key, |s| s.status = Some(status.clone()));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ordinals_parse_only_the_sets_own_names() {
        assert_eq!(ordinal("web", "web-0"), Some(0));
        assert_eq!(ordinal("web", "web-12"), Some(12));
        assert_eq!(ordinal("web", "web-x"), None);
        assert_eq!(ordinal("web", "webby-1"), None);
    }
}
