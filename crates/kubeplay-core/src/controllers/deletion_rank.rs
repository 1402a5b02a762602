//! Which pods a ReplicaSet deletes first when it has too many
//! (k/k pkg/controller/controller_utils.go `ActivePodsWithRanks.Less`, and
//! pkg/controller/replicaset/replica_set.go `getPodsToDelete`).
//!
//! Earlier in the order = deleted first: unscheduled before scheduled, Pending before
//! Unknown before Running, not ready before ready, lower `pod-deletion-cost` first,
//! more siblings on the same node first, ready for less time first, more restarts
//! first, newer first. Times are compared on a log2 scale of their age
//! (`LogarithmicScaleDown`, GA), ties broken by uid.

use std::cmp::Ordering;

use k8s_openapi::api::core::v1::Pod;

use super::readiness::{is_ready, ready_since};
use crate::time::SimTime;

pub const DELETION_COST_ANNOTATION: &str = "controller.kubernetes.io/pod-deletion-cost";

/// A pod to rank and how many active pods related to it (of the same Deployment)
/// share its node.
pub struct Ranked<'a> {
    pub pod: &'a Pod,
    pub siblings_on_node: usize,
}

fn node_name(p: &Pod) -> &str {
    p.spec.as_ref().and_then(|s| s.node_name.as_deref()).unwrap_or("")
}

fn phase_ordinal(p: &Pod) -> u8 {
    match p.status.as_ref().and_then(|s| s.phase.as_deref()) {
        Some("Pending") => 0,
        Some("Unknown") => 1,
        Some("Running") => 2,
        _ => 3,
    }
}

fn deletion_cost(p: &Pod) -> i32 {
    p.metadata
        .annotations
        .as_ref()
        .and_then(|a| a.get(DELETION_COST_ANNOTATION))
        .and_then(|v| v.parse().ok())
        .unwrap_or(0)
}

/// (regular containers' max restarts, restartable init containers' max restarts)
fn max_restarts(p: &Pod) -> (i32, i32) {
    let status = p.status.as_ref();
    let regular = status.and_then(|s| s.container_statuses.as_ref()).map(|cs| cs.iter().map(|c| c.restart_count).max().unwrap_or(0)).unwrap_or(0);
    let sidecars: Vec<&str> = p
        .spec
        .as_ref()
        .and_then(|s| s.init_containers.as_ref())
        .map(|ics| ics.iter().filter(|c| c.restart_policy.as_deref() == Some("Always")).map(|c| c.name.as_str()).collect())
        .unwrap_or_default();
    let sidecar = status
        .and_then(|s| s.init_container_statuses.as_ref())
        .map(|cs| cs.iter().filter(|c| sidecars.contains(&c.name.as_str())).map(|c| c.restart_count).max().unwrap_or(0))
        .unwrap_or(0);
    (regular, sidecar)
}

fn uid(p: &Pod) -> &str {
    p.metadata.uid.as_deref().unwrap_or("")
}

/// `int64(math.Log2(float64(now - t)))` in nanoseconds, -1 for a time not in the past.
fn log2_age(t: SimTime, now: SimTime) -> i64 {
    let nanos = now.millis_since(t) as f64 * 1e6;
    if nanos > 0.0 {
        nanos.log2() as i64
    } else {
        -1
    }
}

/// Compares two instants as `ActivePodsWithRanks` does: the newer (younger) one first;
/// equal log2 buckets fall back to the uids.
fn newer_first(ti: SimTime, tj: SimTime, i: &Pod, j: &Pod, now: SimTime) -> Ordering {
    let diff = log2_age(ti, now) - log2_age(tj, now);
    match diff.cmp(&0) {
        Ordering::Equal => uid(i).cmp(uid(j)),
        other => other,
    }
}

/// `ActivePodsWithRanks.Less` as an ordering: `Less` means `a` is deleted before `b`.
pub fn compare(a: &Ranked, b: &Ranked, now: SimTime) -> Ordering {
    let (pa, pb) = (a.pod, b.pod);
    // 1. Unassigned < assigned.
    let (na, nb) = (node_name(pa), node_name(pb));
    if na != nb && (na.is_empty() || nb.is_empty()) {
        return if na.is_empty() { Ordering::Less } else { Ordering::Greater };
    }
    // 2. Pending < Unknown < Running.
    let by_phase = phase_ordinal(pa).cmp(&phase_ordinal(pb));
    if by_phase != Ordering::Equal {
        return by_phase;
    }
    // 3. Not ready < ready.
    let (ra, rb) = (is_ready(pa), is_ready(pb));
    if ra != rb {
        return if !ra { Ordering::Less } else { Ordering::Greater };
    }
    // 4. Lower pod-deletion-cost first.
    let by_cost = deletion_cost(pa).cmp(&deletion_cost(pb));
    if by_cost != Ordering::Equal {
        return by_cost;
    }
    // 5. Doubled up (more related pods on the node) first.
    if a.siblings_on_node != b.siblings_on_node {
        return b.siblings_on_node.cmp(&a.siblings_on_node);
    }
    // 6. Ready for a shorter time first.
    if ra && rb {
        if let (Some(ta), Some(tb)) = (ready_since(pa), ready_since(pb)) {
            if ta != tb {
                return newer_first(ta, tb, pa, pb, now);
            }
        }
    }
    // 7. More restarts first.
    let (xa, xb) = (max_restarts(pa), max_restarts(pb));
    if xa.0 != xb.0 {
        return xb.0.cmp(&xa.0);
    }
    if xa.1 != xb.1 {
        return xb.1.cmp(&xa.1);
    }
    // 8. Newer first.
    let created = |p: &Pod| p.metadata.creation_timestamp.as_ref().map(SimTime::from_k8s);
    match (created(pa), created(pb)) {
        (Some(ta), Some(tb)) if ta != tb => newer_first(ta, tb, pa, pb, now),
        _ => Ordering::Equal,
    }
}

/// The `diff` pods to delete out of `pods`, in deletion order. `related` are all
/// active pods of the owner's family (the Deployment's ReplicaSets), whose count per
/// node is the rank.
pub fn pods_to_delete<'a>(pods: &[&'a Pod], related: &[&Pod], diff: usize, now: SimTime) -> Vec<&'a Pod> {
    if diff >= pods.len() {
        return pods.to_vec();
    }
    let mut on_node: std::collections::BTreeMap<&str, usize> = Default::default();
    for p in related.iter().filter(|p| super::readiness::is_active(p)) {
        *on_node.entry(node_name(p)).or_default() += 1;
    }
    let mut ranked: Vec<Ranked<'a>> = pods
        .iter()
        .map(|p| Ranked { pod: p, siblings_on_node: on_node.get(node_name(p)).copied().unwrap_or(0) })
        .collect();
    crate::sorting::sort_by(&mut ranked, |a, b| compare(a, b, now));
    ranked.into_iter().take(diff).map(|r| r.pod).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use k8s_openapi::api::core::v1::{ContainerStatus, PodCondition, PodSpec, PodStatus};
    use k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta;

    const NOW: SimTime = SimTime(1_000_000_000);

    fn pod(name: &str, node: Option<&str>, phase: &str, ready_at: Option<i64>, restarts: i32, created: i64) -> Pod {
        let mut conditions = Vec::new();
        if let Some(t) = ready_at {
            conditions.push(PodCondition {
                type_: "Ready".into(),
                status: "True".into(),
                last_transition_time: Some(SimTime(t).to_k8s()),
                ..Default::default()
            });
        }
        Pod {
            metadata: ObjectMeta {
                name: Some(name.into()),
                uid: Some(format!("uid-{name}")),
                creation_timestamp: Some(SimTime(created).to_k8s()),
                ..Default::default()
            },
            spec: Some(PodSpec { node_name: node.map(Into::into), ..Default::default() }),
            status: Some(PodStatus {
                phase: Some(phase.into()),
                conditions: Some(conditions),
                container_statuses: Some(vec![ContainerStatus { restart_count: restarts, ..Default::default() }]),
                ..Default::default()
            }),
        }
    }

    fn names(pods: &[&Pod]) -> Vec<String> {
        pods.iter().map(|p| p.metadata.name.clone().unwrap_or_default()).collect()
    }

    #[test]
    fn unscheduled_pending_and_unready_pods_go_first() {
        let running = pod("running", Some("node01"), "Running", Some(900_000_000), 0, 800_000_000);
        let unscheduled = pod("unscheduled", None, "Pending", None, 0, 100_000_000);
        let pending = pod("pending", Some("node01"), "Pending", None, 0, 100_000_000);
        let unready = pod("unready", Some("node01"), "Running", None, 0, 100_000_000);
        let all = [&running, &unready, &pending, &unscheduled];
        let order = pods_to_delete(&all, &[], 3, NOW);
        assert_eq!(names(&order), ["unscheduled", "pending", "unready"]);
    }

    #[test]
    fn doubled_up_nodes_then_restarts_then_newer() {
        let a = pod("a", Some("node01"), "Running", Some(100_000_000), 0, 100_000_000);
        let b = pod("b", Some("node01"), "Running", Some(100_000_000), 0, 100_000_000);
        let c = pod("c", Some("node02"), "Running", Some(100_000_000), 0, 100_000_000);
        // node01 holds two related pods: one of them goes first.
        let order = pods_to_delete(&[&c, &a, &b], &[&a, &b, &c], 1, NOW);
        assert_eq!(names(&order), ["a"]);
        // Same node count: more restarts first.
        let d = pod("d", Some("node02"), "Running", Some(100_000_000), 4, 100_000_000);
        let order = pods_to_delete(&[&c, &d], &[&c, &d], 1, NOW);
        assert_eq!(names(&order), ["d"]);
    }

    #[test]
    fn shorter_ready_time_first_on_a_log_scale() {
        // Ready 10 s vs 900 s ago: the recently ready pod goes first.
        let old = pod("old", Some("node01"), "Running", Some(NOW.0 - 900_000), 0, 0);
        let young = pod("young", Some("node02"), "Running", Some(NOW.0 - 10_000), 0, 0);
        assert_eq!(names(&pods_to_delete(&[&old, &young], &[], 1, NOW)), ["young"]);
        // 10.0 s and 10.5 s ago share a log2 bucket: the uid decides ("uid-p" < "uid-q").
        let p = pod("p", Some("node01"), "Running", Some(NOW.0 - 10_500), 0, 0);
        let q = pod("q", Some("node02"), "Running", Some(NOW.0 - 10_000), 0, 0);
        assert_eq!(names(&pods_to_delete(&[&q, &p], &[], 1, NOW)), ["p"]);
    }

    #[test]
    fn deletion_cost_beats_node_rank() {
        let mut cheap = pod("cheap", Some("node02"), "Running", Some(100), 0, 100);
        cheap.metadata.annotations = Some([(DELETION_COST_ANNOTATION.to_string(), "-5".to_string())].into());
        let a = pod("a", Some("node01"), "Running", Some(100), 0, 100);
        let b = pod("b", Some("node01"), "Running", Some(100), 0, 100);
        assert_eq!(names(&pods_to_delete(&[&a, &b, &cheap], &[&a, &b, &cheap], 1, NOW)), ["cheap"]);
    }
}
