//! The ReplicaSet controller (k/k pkg/controller/replicaset/replica_set.go): keeps
//! `spec.replicas` active pods that match the selector. It adopts orphans that match,
//! releases pods that no longer match, creates missing pods from the template
//! (`generateName: <rs>-`, event `SuccessfulCreate`) and deletes surplus ones in the
//! order of [`deletion_rank`] (event `SuccessfulDelete`), then reports what it sees in
//! `status` (replicas, fullyLabeledReplicas, readyReplicas, availableReplicas).
//!
//! Each round first *plans* every ReplicaSet against one snapshot of the store (pods
//! found through the table's controller index), then *applies* the plans. Only sets
//! whose object, pods or namespace orphans changed since the last round are planned
//! ([`super::quiet`]), so a round costs what changed.

use k8s_openapi::api::apps::v1::{ReplicaSet, ReplicaSetStatus};
use k8s_openapi::api::core::v1::Pod;

use super::deletion_rank::pods_to_delete;
use super::quiet;
use super::ownership::{controller_of, controller_ref, pod_from_template};
use super::readiness::{available_at, is_active, is_available, is_ready};
use crate::api::selectors::Compiled;
use crate::api::deletion::DeleteOptions;
use crate::api::store::{reference_to, NewEvent};
use crate::api::{ObjectKey, Table};
use crate::cluster::Cluster;
use crate::time::SimTime;

pub const COMPONENT: &str = "replicaset-controller";

/// The most pods one sync creates or deletes (`BurstReplicas`).
const BURST_REPLICAS: usize = 500;

/// What one sync of one ReplicaSet intends.
struct Plan {
    key: ObjectKey,
    adopt: Vec<ObjectKey>,
    release: Vec<ObjectKey>,
    create: usize,
    delete: Vec<ObjectKey>,
    status: Option<ReplicaSetStatus>,
    resync: Option<SimTime>,
}

pub fn reconcile(c: &mut Cluster) {
    if c.store.replicasets.is_empty() {
        return;
    }
    let now = c.now();
    let since = c.quiet.advance(COMPONENT, c.store.revision());
    let dirty = quiet::dirty_owners(&c.store.replicasets, &[c.store.pods.index()], since);
    let keys = quiet::keys_to_sync(&c.store.replicasets, dirty);
    let plans: Vec<Plan> = keys
        .iter()
        .filter_map(|k| c.store.replicasets.get(k))
        .filter_map(|rs| plan(rs, &c.store.pods, &c.store.replicasets, now))
        .collect();
    for p in plans {
        apply(c, p);
    }
}

fn count(n: usize) -> Option<i32> {
    (n > 0).then_some(n as i32)
}

fn plan(rs: &ReplicaSet, pods: &Table<Pod>, siblings: &Table<ReplicaSet>, now: SimTime) -> Option<Plan> {
    let spec = rs.spec.as_ref()?;
    let uid = rs.metadata.uid.as_deref()?;
    let namespace = rs.metadata.namespace.as_deref().unwrap_or("");
    let deleting = rs.metadata.deletion_timestamp.is_some();
    let selector = Compiled::of(&spec.selector);
    // claimPods: keep owned pods that still match, release the others, adopt orphans.
    let mut mine: Vec<&Pod> = Vec::new();
    let mut release = Vec::new();
    for p in pods.controlled_by(uid).filter(|p| is_active(p)) {
        if selector.selects(p.metadata.labels.as_ref()) {
            mine.push(p);
        } else if !deleting {
            release.push(ObjectKey::of(&p.metadata));
        }
    }
    let mut adopt = Vec::new();
    if !deleting {
        for p in pods.orphans(namespace).filter(|p| is_active(p)) {
            if selector.selects(p.metadata.labels.as_ref()) {
                adopt.push(ObjectKey::of(&p.metadata));
                mine.push(p);
            }
        }
    }
    let desired = spec.replicas.unwrap_or(1).max(0) as usize;
    let (mut create, mut delete) = (0, Vec::new());
    if !deleting {
        if mine.len() < desired {
            create = (desired - mine.len()).min(BURST_REPLICAS);
        } else if mine.len() > desired {
            let diff = (mine.len() - desired).min(BURST_REPLICAS);
            // Pods of every ReplicaSet of the same owner (a Deployment's old and new
            // sets) rank the nodes: doubled-up nodes lose a pod first.
            let family: Vec<&Pod> = match controller_of(&rs.metadata) {
                Some(owner) => siblings.controlled_by(&owner.uid).filter_map(|s| s.metadata.uid.as_deref()).flat_map(|u| pods.controlled_by(u)).collect(),
                None => mine.clone(),
            };
            delete = pods_to_delete(&mine, &family, diff, now).into_iter().map(|p| ObjectKey::of(&p.metadata)).collect();
        }
    }
    let min_ready = spec.min_ready_seconds.unwrap_or(0);
    let template_labels = spec.template.as_ref().and_then(|t| t.metadata.as_ref()).and_then(|m| m.labels.clone()).unwrap_or_default();
    // One pass over the pods (a set may hold thousands, and syncs after each of
    // their kubelets' steps).
    let (mut fully_labeled, mut ready, mut available, mut resync) = (0, 0, 0, None::<SimTime>);
    for p in &mine {
        if template_labels.iter().all(|(k, v)| p.metadata.labels.as_ref().and_then(|l| l.get(k)) == Some(v)) {
            fully_labeled += 1;
        }
        if !is_ready(p) {
            continue;
        }
        ready += 1;
        if is_available(p, min_ready, now) {
            available += 1;
        } else if let Some(at) = available_at(p, min_ready) {
            resync = Some(resync.map_or(at, |r| r.min(at)));
        }
    }
    let mut status = rs.status.clone().unwrap_or_default();
    status.replicas = mine.len() as i32;
    status.fully_labeled_replicas = count(fully_labeled);
    status.ready_replicas = count(ready);
    status.available_replicas = count(available);
    status.observed_generation = rs.metadata.generation;
    let status = (rs.status.as_ref() != Some(&status)).then_some(status);
    let nothing = adopt.is_empty() && release.is_empty() && create == 0 && delete.is_empty() && status.is_none() && resync.is_none();
    (!nothing).then(|| Plan { key: ObjectKey::of(&rs.metadata), adopt, release, create, delete, status, resync })
}

fn record(c: &mut Cluster, rs: &ReplicaSet, reason: &'static str, message: String) {
    let now = c.now();
    c.store.record_event(
        now,
        NewEvent { involved: reference_to(rs), type_: "Normal", reason, message, component: COMPONENT, host: None },
    );
}

fn apply(c: &mut Cluster, plan: Plan) {
    let Some(rs) = c.store.replicasets.get(&plan.key).cloned() else { return };
    let owner = controller_ref(&rs);
    let uid = owner.uid.clone();
    for key in &plan.adopt {
        c.store.modify::<Pod>(key, |p| p.metadata.owner_references.get_or_insert_with(Vec::new).push(owner.clone()));
    }
    for key in &plan.release {
        c.store.modify::<Pod>(key, |p| {
            if let Some(refs) = p.metadata.owner_references.as_mut() {
                refs.retain(|r| r.uid != uid);
            }
            if p.metadata.owner_references.as_ref().is_some_and(|r| r.is_empty()) {
                p.metadata.owner_references = None;
            }
        });
    }
    if plan.create > 0 {
        let Some(template) = rs.spec.as_ref().and_then(|s| s.template.clone()) else { return };
        let namespace = plan.key.namespace.clone();
        let prefix = format!("{}-", plan.key.name);
        for _ in 0..plan.create {
            let pod = pod_from_template(&template, &namespace, &prefix, owner.clone());
            match c.create(pod) {
                Ok(created) => {
                    let name = created.metadata.name.unwrap_or_default();
                    record(c, &rs, "SuccessfulCreate", format!("Created pod: {name}"));
                }
                // A template the API server rejects fails the same way on every try;
                // stop here rather than churn.
                Err(_) => break,
            }
        }
    }
    for key in &plan.delete {
        if delete_pod(c, key) {
            record(c, &rs, "SuccessfulDelete", format!("Deleted pod: {}", key.name));
        }
    }
    if let Some(status) = plan.status {
        c.store.modify::<ReplicaSet>(&plan.key, |r| r.status = Some(status));
    }
    if let Some(at) = plan.resync {
        c.wake_at(at);
    }
}

/// Deletes a pod the way the controller's `DeletePod` does: a plain API delete, so
/// a running pod terminates gracefully (and no longer counts: it has a deletionTimestamp).
fn delete_pod(c: &mut Cluster, key: &ObjectKey) -> bool {
    c.delete::<Pod>(&key.namespace, &key.name, DeleteOptions::default()).is_ok()
}
