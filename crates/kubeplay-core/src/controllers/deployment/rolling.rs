//! The RollingUpdate strategy (k/k pkg/controller/deployment/rolling.go): grow the new
//! ReplicaSet up to replicas + maxSurge pods in total, shrink the old ones while at
//! least replicas − maxUnavailable stay available, one step per sync.

use k8s_openapi::api::apps::v1::{Deployment, ReplicaSet};

use super::fenceposts::{max_unavailable, new_rs_new_replicas, replicas};
use super::revisions::{by_creation, cleanup, rs_replicas, sync_revision};
use super::status::{complete, sync_rollout_status};
use super::{scale_and_record, Family};
use crate::cluster::Cluster;

fn available(rs: &ReplicaSet) -> i32 {
    rs.status.as_ref().and_then(|s| s.available_replicas).unwrap_or(0)
}

pub fn rollout(c: &mut Cluster, d: &mut Deployment, family: Family) {
    let family = sync_revision(c, d, family, true);
    let Some(new_rs) = family.new_rs.clone() else { return };
    let all: Vec<&ReplicaSet> = family.old.iter().chain(std::iter::once(&new_rs)).collect();
    if reconcile_new(c, d, &all, &new_rs) {
        return finish(c, d, &family);
    }
    let mut active_old: Vec<ReplicaSet> = family.old.iter().filter(|rs| rs_replicas(rs) > 0).cloned().collect();
    if reconcile_old(c, d, &all, &mut active_old, &new_rs) {
        return finish(c, d, &family);
    }
    if complete(d, &d.status.clone().unwrap_or_default()) {
        cleanup(c, d, &family.old);
    }
    finish(c, d, &family);
}

/// Status from the sets as they are now in the store (a scale just changed them).
fn finish(c: &mut Cluster, d: &mut Deployment, family: &Family) {
    let fresh = family.refreshed(c);
    let all = fresh.all();
    sync_rollout_status(c, d, &all, fresh.new_rs.as_ref());
}

/// `reconcileNewReplicaSet`.
fn reconcile_new(c: &mut Cluster, d: &Deployment, all: &[&ReplicaSet], new_rs: &ReplicaSet) -> bool {
    let want = replicas(d);
    let have = rs_replicas(new_rs);
    if have == want {
        return false;
    }
    if have > want {
        return scale_and_record(c, new_rs, want, d).0;
    }
    let total: i32 = all.iter().map(|rs| rs_replicas(rs)).sum();
    let count = new_rs_new_replicas(d, total, have);
    scale_and_record(c, new_rs, count, d).0
}

/// `reconcileOldReplicaSets`.
fn reconcile_old(c: &mut Cluster, d: &Deployment, all: &[&ReplicaSet], old: &mut [ReplicaSet], new_rs: &ReplicaSet) -> bool {
    let old_pods: i32 = old.iter().map(rs_replicas).sum();
    if old_pods == 0 {
        return false;
    }
    let all_pods: i32 = all.iter().map(|rs| rs_replicas(rs)).sum();
    let min_available = replicas(d) - max_unavailable(d);
    let new_unavailable = rs_replicas(new_rs) - available(new_rs);
    let max_scaled_down = all_pods - min_available - new_unavailable;
    if max_scaled_down <= 0 {
        return false;
    }
    let cleaned = cleanup_unhealthy(c, d, old, max_scaled_down);
    let mut all_now: Vec<ReplicaSet> = old.to_vec();
    all_now.push(new_rs.clone());
    let scaled = scale_down_old(c, d, &all_now, old);
    cleaned + scaled > 0
}

/// `cleanupUnhealthyReplicas`: first drop old pods that are not available anyway.
fn cleanup_unhealthy(c: &mut Cluster, d: &Deployment, old: &mut [ReplicaSet], max_cleanup: i32) -> i32 {
    crate::sorting::sort_by(old, by_creation);
    let mut total = 0;
    for rs in old.iter_mut() {
        if total >= max_cleanup {
            break;
        }
        let have = rs_replicas(rs);
        if have == 0 || have == available(rs) {
            continue;
        }
        let count = (max_cleanup - total).min(have - available(rs));
        let (_, updated) = scale_and_record(c, rs, have - count, d);
        *rs = updated;
        total += count;
    }
    total
}

/// `scaleDownOldReplicaSetsForRollingUpdate`: shrink old sets, oldest first, while
/// enough pods stay available.
fn scale_down_old(c: &mut Cluster, d: &Deployment, all: &[ReplicaSet], old: &mut [ReplicaSet]) -> i32 {
    let min_available = replicas(d) - max_unavailable(d);
    let available_pods: i32 = all.iter().map(available).sum();
    if available_pods <= min_available {
        return 0;
    }
    crate::sorting::sort_by(old, by_creation);
    let budget = available_pods - min_available;
    let mut total = 0;
    for rs in old.iter_mut() {
        if total >= budget {
            break;
        }
        let have = rs_replicas(rs);
        if have == 0 {
            continue;
        }
        let count = have.min(budget - total);
        let (_, updated) = scale_and_record(c, rs, have - count, d);
        *rs = updated;
        total += count;
    }
    total
}
