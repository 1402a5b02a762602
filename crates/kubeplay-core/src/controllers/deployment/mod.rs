//! The Deployment controller (k/k pkg/controller/deployment): owns ReplicaSets, one
//! per pod template (named `<deployment>-<pod-template-hash>`), and moves pods from
//! the old ones to the new one with the Deployment's strategy. Scaling a Deployment
//! resizes its sets proportionally; pausing stops rollouts but not scaling.
//!
//! Each round syncs every Deployment once, as the controller's worker would: claim
//! the sets, then at most one scaling step; the next round sees the result (the
//! ReplicaSet controller acts in between), so a rollout unfolds as the real one does.

pub mod fenceposts;
mod recreate;
pub mod revisions;
mod rolling;
pub mod status;

use std::cmp::Ordering;

use k8s_openapi::api::apps::v1::{Deployment, ReplicaSet};

use self::fenceposts::{is_rolling_update, max_surge, replicas};
use self::revisions::{by_creation, replicas_annotations_need_update, rs_replicas, set_replicas_annotations, sync_revision, DESIRED_REPLICAS, MAX_REPLICAS};
use self::status::{check_paused_conditions, sync_deployment_status};
use super::quiet;
use super::ownership::{controller_of, controller_ref};
use crate::api::selectors::selects;
use crate::api::store::{reference_to, NewEvent};
use crate::api::ObjectKey;
use crate::cluster::Cluster;

pub const COMPONENT: &str = "deployment-controller";

/// A Deployment's ReplicaSets: the one matching its template, and the others.
#[derive(Clone, Debug, Default)]
pub struct Family {
    pub new_rs: Option<ReplicaSet>,
    pub old: Vec<ReplicaSet>,
}

impl Family {
    pub fn all(&self) -> Vec<&ReplicaSet> {
        self.old.iter().chain(self.new_rs.iter()).collect()
    }

    /// The same sets as the store holds them now (after this sync scaled some).
    pub fn refreshed(&self, c: &Cluster) -> Family {
        let fresh = |rs: &ReplicaSet| c.store.replicasets.get(&ObjectKey::of(&rs.metadata)).cloned();
        Family { new_rs: self.new_rs.as_ref().and_then(fresh), old: self.old.iter().filter_map(fresh).collect() }
    }
}

pub fn reconcile(c: &mut Cluster) {
    if c.store.deployments.is_empty() {
        return;
    }
    // Only Deployments whose object, sets (or orphan sets) or their sets' pods
    // changed since the last round; each sync reads its sets fresh by key.
    let since = c.quiet.advance(COMPONENT, c.store.revision());
    let mut dirty = quiet::dirty_owners(&c.store.deployments, &[c.store.replicasets.index()], since);
    if let Some(dirty) = dirty.as_mut() {
        let (rss, deployments) = (&c.store.replicasets, c.store.deployments.index());
        for rs_uid in c.store.pods.index().controllers_changed_since(since) {
            let owner = rss.index().key_of_uid(rs_uid).and_then(|k| rss.get(k)).and_then(|rs| controller_of(&rs.metadata));
            dirty.extend(owner.and_then(|o| deployments.key_of_uid(&o.uid)).cloned());
        }
    }
    for key in quiet::keys_to_sync(&c.store.deployments, dirty) {
        let Some(uid) = c.store.deployments.get(&key).and_then(|d| d.metadata.uid.clone()) else { continue };
        let rss = &c.store.replicasets;
        let rs_keys: Vec<ObjectKey> =
            rss.controlled_by(&uid).chain(rss.orphans(&key.namespace)).map(|rs| ObjectKey::of(&rs.metadata)).collect();
        sync_deployment(c, &key, &rs_keys);
    }
}

/// `syncDeployment`.
fn sync_deployment(c: &mut Cluster, key: &ObjectKey, rs_keys: &[ObjectKey]) {
    let Some(mut d) = c.store.deployments.get(key).cloned() else { return };
    let rs_list = claim_replica_sets(c, &d, rs_keys);
    let family = revisions::split(&d, rs_list);
    if d.metadata.deletion_timestamp.is_some() {
        let family = sync_revision(c, &mut d, family, false);
        let all = family.all();
        return sync_deployment_status(c, &mut d, &all, family.new_rs.as_ref());
    }
    check_paused_conditions(c, &mut d);
    let paused = d.spec.as_ref().and_then(|s| s.paused).unwrap_or(false);
    if paused || is_scaling_event(&d, &family) {
        return sync(c, &mut d, family, paused);
    }
    if is_rolling_update(&d) {
        rolling::rollout(c, &mut d, family);
    } else {
        recreate::rollout(c, &mut d, family);
    }
}

/// `ClaimReplicaSets`: keeps owned sets that match the selector, releases the others,
/// adopts orphans that match.
fn claim_replica_sets(c: &mut Cluster, d: &Deployment, keys: &[ObjectKey]) -> Vec<ReplicaSet> {
    let Some(spec) = d.spec.as_ref() else { return Vec::new() };
    let uid = d.metadata.uid.clone().unwrap_or_default();
    let deleting = d.metadata.deletion_timestamp.is_some();
    let mut claimed = Vec::new();
    for key in keys {
        let Some(rs) = c.store.replicasets.get(key).cloned() else { continue };
        let matches = selects(&spec.selector, rs.metadata.labels.as_ref());
        let owned = super::ownership::is_controlled_by(&rs.metadata, &uid);
        if owned && matches {
            claimed.push(rs);
        } else if owned && !deleting {
            c.store.modify::<ReplicaSet>(key, |r| {
                if let Some(refs) = r.metadata.owner_references.as_mut() {
                    refs.retain(|o| o.uid != uid);
                }
                if r.metadata.owner_references.as_ref().is_some_and(|o| o.is_empty()) {
                    r.metadata.owner_references = None;
                }
            });
        } else if !owned && matches && !deleting && rs.metadata.deletion_timestamp.is_none() {
            let owner = controller_ref(d);
            c.store.modify::<ReplicaSet>(key, |r| r.metadata.owner_references.get_or_insert_with(Vec::new).push(owner));
            if let Some(adopted) = c.store.replicasets.get(key).cloned() {
                claimed.push(adopted);
            }
        }
    }
    claimed
}

/// `ScalingReplicaSet` on the Deployment.
pub(crate) fn record_scaling(c: &mut Cluster, d: &Deployment, message: String) {
    let now = c.now();
    c.store.record_event(
        now,
        NewEvent { involved: reference_to(d), type_: "Normal", reason: "ScalingReplicaSet", message, component: COMPONENT, host: None },
    );
}

/// `scaleReplicaSetAndRecordEvent` + `scaleReplicaSet`: resizes a set (refreshing its
/// desired/max annotations) and says so. Returns whether the size changed, and the set.
pub(crate) fn scale_and_record(c: &mut Cluster, rs: &ReplicaSet, new_scale: i32, d: &Deployment) -> (bool, ReplicaSet) {
    if rs_replicas(rs) == new_scale {
        return (false, rs.clone());
    }
    scale(c, rs, new_scale, d)
}

fn scale(c: &mut Cluster, rs: &ReplicaSet, new_scale: i32, d: &Deployment) -> (bool, ReplicaSet) {
    let old_scale = rs_replicas(rs);
    let (desired, max) = (replicas(d), replicas(d) + max_surge(d));
    let size_changes = old_scale != new_scale;
    if !size_changes && !replicas_annotations_need_update(rs, desired, max) {
        return (false, rs.clone());
    }
    let key = ObjectKey::of(&rs.metadata);
    let updated = c.update::<ReplicaSet>(&key, |r| {
        if let Some(s) = r.spec.as_mut() {
            s.replicas = Some(new_scale);
        }
        set_replicas_annotations(r, desired, max);
    });
    let Ok(updated) = updated else { return (false, rs.clone()) };
    if size_changes {
        let direction = if old_scale < new_scale { "up" } else { "down" };
        let name = rs.metadata.name.as_deref().unwrap_or("");
        record_scaling(c, d, format!("Scaled {direction} replica set {name} from {old_scale} to {new_scale}"));
    }
    (size_changes, updated)
}

fn annotation_i32(rs: &ReplicaSet, key: &str) -> Option<i32> {
    rs.metadata.annotations.as_ref()?.get(key)?.parse().ok()
}

/// `isScalingEvent`: an active set was sized for a different replica count.
fn is_scaling_event(d: &Deployment, family: &Family) -> bool {
    family
        .all()
        .into_iter()
        .filter(|rs| rs_replicas(rs) > 0)
        .any(|rs| annotation_i32(rs, DESIRED_REPLICAS).is_some_and(|desired| desired != replicas(d)))
}

/// `sync`: scaling (and housekeeping while paused) without rolling anything out.
fn sync(c: &mut Cluster, d: &mut Deployment, family: Family, paused: bool) {
    let family = sync_revision(c, d, family, false);
    scale_deployment(c, d, &family);
    if paused {
        revisions::cleanup(c, d, &family.old);
    }
    let fresh = family.refreshed(c);
    let all = fresh.all();
    sync_deployment_status(c, d, &all, fresh.new_rs.as_ref());
}

/// `FindActiveOrLatest`: the only set with replicas, or the newest one if none has.
fn active_or_latest(family: &Family) -> Option<ReplicaSet> {
    let mut old = family.old.clone();
    crate::sorting::sort_by(&mut old, |a, b| by_creation(b, a));
    let active: Vec<&ReplicaSet> = old.iter().chain(family.new_rs.iter()).filter(|rs| rs_replicas(rs) > 0).collect();
    match active.len() {
        0 => family.new_rs.clone().or_else(|| old.first().cloned()),
        1 => Some(active[0].clone()),
        _ => None,
    }
}

/// `IsSaturated`: the new set is fully sized and available.
fn is_saturated(d: &Deployment, rs: Option<&ReplicaSet>) -> bool {
    let Some(rs) = rs else { return false };
    let want = replicas(d);
    rs_replicas(rs) == want
        && annotation_i32(rs, DESIRED_REPLICAS) == Some(want)
        && rs.status.as_ref().and_then(|s| s.available_replicas).unwrap_or(0) == want
}

/// `getReplicaSetFraction`: this set's share of the new size, rounded half away from 0.
fn fraction(rs: &ReplicaSet, d: &Deployment) -> i32 {
    if replicas(d) == 0 {
        return -rs_replicas(rs);
    }
    let deployment_replicas = replicas(d) + max_surge(d);
    let annotated = annotation_i32(rs, MAX_REPLICAS).unwrap_or_else(|| d.status.as_ref().and_then(|s| s.replicas).unwrap_or(0));
    if annotated == 0 {
        return 0;
    }
    let size = f64::from(rs_replicas(rs)) * f64::from(deployment_replicas) / f64::from(annotated);
    size.round() as i32 - rs_replicas(rs)
}

/// `scale`: a scaled Deployment resizes its active sets in proportion to their sizes,
/// the remainder going to the largest (newest on ties when adding).
fn scale_deployment(c: &mut Cluster, d: &Deployment, family: &Family) {
    if let Some(rs) = active_or_latest(family) {
        if rs_replicas(&rs) != replicas(d) {
            scale_and_record(c, &rs, replicas(d), d);
        }
        return;
    }
    if is_saturated(d, family.new_rs.as_ref()) {
        for rs in family.old.iter().filter(|rs| rs_replicas(rs) > 0) {
            scale_and_record(c, rs, 0, d);
        }
        return;
    }
    if !is_rolling_update(d) {
        return;
    }
    let mut active: Vec<ReplicaSet> = family.all().into_iter().filter(|rs| rs_replicas(rs) > 0).cloned().collect();
    let current: i32 = active.iter().map(rs_replicas).sum();
    let allowed = if replicas(d) > 0 { replicas(d) + max_surge(d) } else { 0 };
    let to_add = allowed - current;
    let by_size = |newer_first: bool| {
        move |a: &ReplicaSet, b: &ReplicaSet| -> Ordering {
            rs_replicas(b).cmp(&rs_replicas(a)).then_with(|| if newer_first { by_creation(b, a) } else { by_creation(a, b) })
        }
    };
    match to_add.cmp(&0) {
        Ordering::Greater => crate::sorting::sort_by(&mut active, by_size(true)),
        Ordering::Less => crate::sorting::sort_by(&mut active, by_size(false)),
        Ordering::Equal => {}
    }
    let mut added = 0;
    let mut sizes: Vec<i32> = Vec::with_capacity(active.len());
    for rs in &active {
        if to_add == 0 {
            sizes.push(rs_replicas(rs));
            continue;
        }
        let proportion = if rs_replicas(rs) == 0 || to_add == added {
            0
        } else {
            let allowed_now = to_add - added;
            let f = fraction(rs, d);
            if to_add > 0 { f.min(allowed_now) } else { f.max(allowed_now) }
        };
        sizes.push(rs_replicas(rs) + proportion);
        added += proportion;
    }
    for (i, rs) in active.iter().enumerate() {
        let mut size = sizes[i];
        if i == 0 && to_add != 0 {
            size = (size + to_add - added).max(0);
        }
        scale(c, rs, size, d);
    }
}
