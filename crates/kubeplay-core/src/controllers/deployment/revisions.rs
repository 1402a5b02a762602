//! Which ReplicaSet is the Deployment's "new" one and which are old, how a new one is
//! named and annotated, and which old ones are cleaned up
//! (k/k pkg/controller/deployment/sync.go `getNewReplicaSet`, `cleanupDeployment`;
//! util/deployment_util.go `FindNewReplicaSet`, `SetNewReplicaSetAnnotations`,
//! `MaxRevision`; pkg/controller/controller_utils.go `ComputeHash`).

use std::cmp::Ordering;
use std::collections::BTreeMap;

use k8s_openapi::api::apps::v1::{Deployment, ReplicaSet, ReplicaSetSpec};
use k8s_openapi::api::core::v1::PodTemplateSpec;
use k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta;

use super::fenceposts::{max_surge, new_rs_new_replicas, replicas};
use super::status::{set_condition, update_status, ConditionSpec};
use super::{record_scaling, Family};
use crate::api::deletion::DeleteOptions;
use crate::api::ObjectKey;
use crate::cluster::Cluster;
use crate::controllers::ownership::controller_ref;
use crate::names::safe_encode_u32;
use crate::time::SimTime;

pub const REVISION: &str = "deployment.kubernetes.io/revision";
pub const REVISION_HISTORY: &str = "deployment.kubernetes.io/revision-history";
pub const DESIRED_REPLICAS: &str = "deployment.kubernetes.io/desired-replicas";
pub const MAX_REPLICAS: &str = "deployment.kubernetes.io/max-replicas";
pub const TEMPLATE_HASH_LABEL: &str = "pod-template-hash";
const LAST_APPLIED: &str = "kubectl.kubernetes.io/last-applied-configuration";
const DEPRECATED_ROLLBACK_TO: &str = "deprecated.deployment.rollback.to";
/// `maxRevHistoryLengthInChars`: the revision-history annotation stays below this.
const MAX_REVISION_HISTORY_CHARS: usize = 2000;

/// The pod-template-hash of a template. Kubernetes hashes Go's dump of the struct with
/// FNV-32a, which cannot be reproduced byte for byte; this hashes the template's JSON
/// the same way, so equal templates give equal hashes and the encoding looks the same
/// (`7854ff8877`).
pub fn template_hash(template: &PodTemplateSpec, collision_count: Option<i32>) -> String {
    let json = serde_json::to_string(template).unwrap_or_default();
    let mut h: u32 = 0x811c_9dc5;
    let mut feed = |bytes: &[u8]| {
        for b in bytes {
            h ^= u32::from(*b);
            h = h.wrapping_mul(0x0100_0193);
        }
    };
    feed(json.as_bytes());
    if let Some(n) = collision_count {
        feed(&(n as u32).to_le_bytes());
    }
    safe_encode_u32(h)
}

/// The template without its pod-template-hash label (`EqualIgnoreHash`).
fn without_hash(t: &PodTemplateSpec) -> PodTemplateSpec {
    let mut t = t.clone();
    if let Some(meta) = t.metadata.as_mut() {
        if let Some(labels) = meta.labels.as_mut() {
            labels.remove(TEMPLATE_HASH_LABEL);
            if labels.is_empty() {
                meta.labels = None;
            }
        }
    }
    t
}

pub fn equal_ignore_hash(a: &PodTemplateSpec, b: &PodTemplateSpec) -> bool {
    without_hash(a) == without_hash(b)
}

pub fn revision_of(meta: &ObjectMeta) -> Option<i64> {
    meta.annotations.as_ref()?.get(REVISION)?.parse().ok()
}

pub fn rs_replicas(rs: &ReplicaSet) -> i32 {
    rs.spec.as_ref().and_then(|s| s.replicas).unwrap_or(1)
}

fn created(rs: &ReplicaSet) -> Option<SimTime> {
    rs.metadata.creation_timestamp.as_ref().map(SimTime::from_k8s)
}

/// `ReplicaSetsByCreationTimestamp`: older first, then by name.
pub fn by_creation(a: &ReplicaSet, b: &ReplicaSet) -> Ordering {
    created(a).cmp(&created(b)).then_with(|| a.metadata.name.cmp(&b.metadata.name))
}

/// `ReplicaSetsByRevision`: lower revision first; unparsable or equal → by creation.
pub fn by_revision(a: &ReplicaSet, b: &ReplicaSet) -> Ordering {
    match (revision_of(&a.metadata), revision_of(&b.metadata)) {
        (Some(x), Some(y)) if x != y => x.cmp(&y),
        _ => by_creation(a, b),
    }
}

pub fn max_revision(rss: &[ReplicaSet]) -> i64 {
    rss.iter().filter_map(|rs| revision_of(&rs.metadata)).max().unwrap_or(0)
}

/// The Deployment's pod template as the API server stores it: defaulted. A stored
/// Deployment always is, but one restored from a hand-edited snapshot may not be,
/// and comparing its bare template with its ReplicaSets' defaulted ones would never
/// find the new set: a new one every pass, without end.
fn template_of(d: &Deployment) -> PodTemplateSpec {
    let mut template = d.spec.as_ref().map(|s| s.template.clone()).unwrap_or_default();
    crate::api::apps::default_template(&mut template);
    template
}

/// `FindNewReplicaSet` + `FindOldReplicaSets`: the oldest set whose template equals the
/// Deployment's (ignoring the hash label) is the new one; all others are old.
pub fn split(d: &Deployment, rs_list: Vec<ReplicaSet>) -> Family {
    let mut sorted = rs_list;
    crate::sorting::sort_by(&mut sorted, by_creation);
    let template = template_of(d);
    let new_at = sorted.iter().position(|rs| rs.spec.as_ref().and_then(|s| s.template.as_ref()).is_some_and(|t| equal_ignore_hash(t, &template)));
    let new_rs = new_at.map(|i| sorted.remove(i));
    Family { new_rs, old: sorted }
}

fn skip_copy(key: &str) -> bool {
    matches!(key, LAST_APPLIED | REVISION | REVISION_HISTORY | DESIRED_REPLICAS | MAX_REPLICAS | DEPRECATED_ROLLBACK_TO)
}

/// `SetReplicasAnnotations`: desired-replicas and max-replicas; whether they changed.
pub fn set_replicas_annotations(rs: &mut ReplicaSet, desired: i32, max: i32) -> bool {
    let a = rs.metadata.annotations.get_or_insert_with(BTreeMap::new);
    let mut changed = false;
    for (k, v) in [(DESIRED_REPLICAS, desired.to_string()), (MAX_REPLICAS, max.to_string())] {
        if a.get(k) != Some(&v) {
            a.insert(k.to_string(), v);
            changed = true;
        }
    }
    changed
}

pub fn replicas_annotations_need_update(rs: &ReplicaSet, desired: i32, max: i32) -> bool {
    let a = rs.metadata.annotations.as_ref();
    let get = |k: &str| a.and_then(|a| a.get(k)).cloned();
    get(DESIRED_REPLICAS) != Some(desired.to_string()) || get(MAX_REPLICAS) != Some(max.to_string())
}

/// `SetNewReplicaSetAnnotations`: copies the Deployment's annotations (but its own
/// bookkeeping), raises the revision, remembers the revisions a rolled-back set had.
fn set_new_rs_annotations(d: &Deployment, rs: &mut ReplicaSet, new_revision: i64, exists: bool) -> bool {
    let annotations = rs.metadata.annotations.get_or_insert_with(BTreeMap::new);
    let mut changed = false;
    for (k, v) in d.metadata.annotations.iter().flatten() {
        if skip_copy(k) || annotations.get(k) == Some(v) {
            continue;
        }
        annotations.insert(k.clone(), v.clone());
        changed = true;
    }
    let old = annotations.get(REVISION).cloned();
    let old_int: i64 = match old.as_deref() {
        None | Some("") => 0,
        Some(s) => match s.parse() {
            Ok(n) => n,
            Err(_) => return false,
        },
    };
    if old_int < new_revision {
        annotations.insert(REVISION.into(), new_revision.to_string());
        changed = true;
        if let Some(old) = old.filter(|o| !o.is_empty()) {
            let history = annotations.get(REVISION_HISTORY).cloned().unwrap_or_default();
            if history.is_empty() {
                annotations.insert(REVISION_HISTORY.into(), old);
            } else {
                let mut revisions: Vec<&str> = history.split(',').collect();
                let mut total = history.len() + old.len() + 1;
                let mut start = 0;
                while total > MAX_REVISION_HISTORY_CHARS && start < revisions.len() {
                    total -= revisions[start].len() + 1;
                    start += 1;
                }
                if total <= MAX_REVISION_HISTORY_CHARS {
                    revisions = revisions.split_off(start);
                    revisions.push(&old);
                    let joined = revisions.join(",");
                    annotations.insert(REVISION_HISTORY.into(), joined);
                }
            }
        }
    }
    if !exists && set_replicas_annotations(rs, replicas(d), replicas(d) + max_surge(d)) {
        changed = true;
    }
    changed
}

/// `SetDeploymentRevision`.
fn set_deployment_revision(d: &mut Deployment, revision: &str) -> bool {
    let a = d.metadata.annotations.get_or_insert_with(BTreeMap::new);
    if a.get(REVISION).map(String::as_str) == Some(revision) {
        return false;
    }
    a.insert(REVISION.into(), revision.into());
    true
}

/// `getAllReplicaSetsAndSyncRevision`: the family with the new set's revision made the
/// highest and copied to the Deployment; creates the new set when asked and missing.
pub fn sync_revision(c: &mut Cluster, d: &mut Deployment, family: Family, create: bool) -> Family {
    let Family { new_rs, old } = family;
    let new_revision = max_revision(&old) + 1;
    if let Some(existing) = new_rs {
        let mut rs = existing.clone();
        let annotations_changed = set_new_rs_annotations(d, &mut rs, new_revision, true);
        let min_ready = d.spec.as_ref().and_then(|s| s.min_ready_seconds);
        let min_ready_changed = rs.spec.as_ref().and_then(|s| s.min_ready_seconds).unwrap_or(0) != min_ready.unwrap_or(0);
        if annotations_changed || min_ready_changed {
            let key = ObjectKey::of(&rs.metadata);
            let updated = c.update::<ReplicaSet>(&key, |r| {
                r.metadata.annotations = rs.metadata.annotations.clone();
                if let Some(s) = r.spec.as_mut() {
                    s.min_ready_seconds = min_ready;
                }
            });
            return Family { new_rs: Some(updated.unwrap_or(existing)), old };
        }
        let revision = rs.metadata.annotations.as_ref().and_then(|a| a.get(REVISION)).cloned().unwrap_or_default();
        let mut needs_update = set_deployment_revision(d, &revision);
        if super::status::has_progress_deadline(d) && super::status::condition(d, "Progressing").is_none() {
            let name = rs.metadata.name.clone().unwrap_or_default();
            set_condition(d, ConditionSpec::progressing("True", "FoundNewReplicaSet", format!("Found new replica set \"{name}\"")), c.now());
            needs_update = true;
        }
        if needs_update {
            update_status(c, d);
        }
        return Family { new_rs: Some(rs), old };
    }
    if !create {
        return Family { new_rs: None, old };
    }
    let created = create_new_rs(c, d, &old, new_revision);
    Family { new_rs: created, old }
}

/// Creates the new ReplicaSet `<deployment>-<hash>`, sized by `NewRSNewReplicas`.
fn create_new_rs(c: &mut Cluster, d: &mut Deployment, old: &[ReplicaSet], new_revision: i64) -> Option<ReplicaSet> {
    let spec = d.spec.clone()?;
    let collision_count = d.status.as_ref().and_then(|s| s.collision_count);
    let mut template = template_of(d);
    let hash = template_hash(&template, collision_count);
    template.metadata.get_or_insert_with(Default::default).labels.get_or_insert_with(BTreeMap::new).insert(TEMPLATE_HASH_LABEL.into(), hash.clone());
    let mut selector = spec.selector.clone();
    selector.match_labels.get_or_insert_with(BTreeMap::new).insert(TEMPLATE_HASH_LABEL.into(), hash.clone());
    let name = format!("{}-{hash}", d.metadata.name.as_deref().unwrap_or(""));
    let mut rs = ReplicaSet {
        metadata: ObjectMeta {
            name: Some(name.clone()),
            namespace: d.metadata.namespace.clone(),
            owner_references: Some(vec![controller_ref(d)]),
            labels: template.metadata.as_ref().and_then(|m| m.labels.clone()),
            ..Default::default()
        },
        spec: Some(ReplicaSetSpec {
            replicas: Some(0),
            min_ready_seconds: spec.min_ready_seconds,
            selector,
            template: Some(template),
        }),
        status: None,
    };
    let all_replicas: i32 = old.iter().map(rs_replicas).sum();
    let count = new_rs_new_replicas(d, all_replicas, 0);
    if let Some(s) = rs.spec.as_mut() {
        s.replicas = Some(count);
    }
    set_new_rs_annotations(d, &mut rs, new_revision, false);
    let (created, already_existed) = match c.create(rs) {
        Ok(created) => (created, false),
        Err(_) => {
            // A set of that name exists: ours with the same template is fine; anything
            // else is a hash collision, resolved by hashing again with a bumped count.
            let existing = c.store.get::<ReplicaSet>(d.metadata.namespace.as_deref().unwrap_or(""), &name).cloned()?;
            let ours = crate::controllers::ownership::is_controlled_by(&existing.metadata, d.metadata.uid.as_deref().unwrap_or(""));
            let same = existing.spec.as_ref().and_then(|s| s.template.as_ref()).is_some_and(|t| equal_ignore_hash(t, &template_of(d)));
            if !(ours && same) {
                let status = d.status.get_or_insert_with(Default::default);
                status.collision_count = Some(status.collision_count.unwrap_or(0) + 1);
                update_status(c, d);
                return None;
            }
            (existing, true)
        }
    };
    if !already_existed && count > 0 {
        record_scaling(c, d, format!("Scaled up replica set {name} from 0 to {count}"));
    }
    let mut needs_update = set_deployment_revision(d, &new_revision.to_string());
    if !already_existed && super::status::has_progress_deadline(d) {
        set_condition(d, ConditionSpec::progressing("True", "NewReplicaSetCreated", format!("Created new replica set \"{name}\"")), c.now());
        needs_update = true;
    }
    if needs_update {
        update_status(c, d);
    }
    Some(created)
}

/// `cleanupDeployment`: deletes the oldest old sets beyond `revisionHistoryLimit`,
/// but only those that are scaled to zero and settled.
pub fn cleanup(c: &mut Cluster, d: &Deployment, old: &[ReplicaSet]) {
    let Some(limit) = d.spec.as_ref().and_then(|s| s.revision_history_limit) else { return };
    let mut alive: Vec<&ReplicaSet> = old.iter().filter(|rs| rs.metadata.deletion_timestamp.is_none()).collect();
    let diff = alive.len() as i64 - i64::from(limit);
    if diff <= 0 {
        return;
    }
    crate::sorting::sort_by(&mut alive, |a, b| by_revision(a, b));
    for rs in alive.into_iter().take(diff as usize) {
        let status = rs.status.clone().unwrap_or_default();
        let settled = rs.metadata.generation.unwrap_or(0) <= status.observed_generation.unwrap_or(0);
        if status.replicas != 0 || rs_replicas(rs) != 0 || !settled {
            continue;
        }
        let key = ObjectKey::of(&rs.metadata);
        let _ = c.delete::<ReplicaSet>(&key.namespace, &key.name, DeleteOptions::default());
    }
}

/// The ReplicaSet of a given revision among a Deployment's sets.
pub fn with_revision(rss: &[ReplicaSet], revision: i64) -> Option<&ReplicaSet> {
    rss.iter().find(|rs| revision_of(&rs.metadata) == Some(revision))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hash_is_stable_and_collision_count_changes_it() {
        let t = PodTemplateSpec::default();
        let a = template_hash(&t, None);
        assert_eq!(a, template_hash(&t, None));
        assert_ne!(a, template_hash(&t, Some(1)));
        assert!(a.chars().all(|ch| "456789bcdf".contains(ch)));
    }
}
