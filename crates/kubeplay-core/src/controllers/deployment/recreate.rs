//! The Recreate strategy (k/k pkg/controller/deployment/recreate.go): scale every old
//! ReplicaSet to zero, wait until none of their pods runs any more (terminating pods
//! included), then create and scale up the new one.

use k8s_openapi::api::apps::v1::Deployment;

use super::fenceposts::replicas;
use super::revisions::{cleanup, rs_replicas, sync_revision};
use super::status::{complete, sync_rollout_status};
use super::{scale_and_record, Family};
use crate::cluster::Cluster;

pub fn rollout(c: &mut Cluster, d: &mut Deployment, family: Family) {
    let family = sync_revision(c, d, family, false);
    let mut scaled_down = false;
    for rs in family.old.iter().filter(|rs| rs_replicas(rs) > 0) {
        scaled_down |= scale_and_record(c, rs, 0, d).0;
    }
    if scaled_down || old_pods_running(c, &family) {
        let fresh = family.refreshed(c);
        return sync_rollout_status(c, d, &fresh.all(), fresh.new_rs.as_ref());
    }
    let family = if family.new_rs.is_none() { sync_revision(c, d, family, true) } else { family };
    if let Some(new_rs) = family.new_rs.as_ref() {
        scale_and_record(c, new_rs, replicas(d), d);
    }
    if complete(d, &d.status.clone().unwrap_or_default()) {
        cleanup(c, d, &family.old);
    }
    let fresh = family.refreshed(c);
    sync_rollout_status(c, d, &fresh.all(), fresh.new_rs.as_ref());
}

/// `oldPodsRunning`: an old set still reports pods, or owns a pod that has not
/// finished (a terminating pod still runs until its grace period ends).
fn old_pods_running(c: &Cluster, family: &Family) -> bool {
    if family.old.is_empty() {
        return false;
    }
    if family.old.iter().any(|rs| rs.status.as_ref().is_some_and(|s| s.replicas > 0)) {
        return true;
    }
    family.old.iter().filter_map(|rs| rs.metadata.uid.as_deref()).any(|uid| {
        c.store.pods.controlled_by(uid).any(|p| !matches!(p.status.as_ref().and_then(|s| s.phase.as_deref()), Some("Succeeded") | Some("Failed")))
    })
}
