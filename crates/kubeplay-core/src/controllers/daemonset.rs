//! The DaemonSet controller (k/k pkg/controller/daemon): one pod per eligible node.
//! A node is eligible when it matches the template's nodeSelector and every
//! NoSchedule/NoExecute taint is tolerated by the template's tolerations plus the
//! ones the controller adds to every daemon pod (not-ready, unreachable, pressure,
//! unschedulable — so cordoned and NotReady nodes keep their daemons). Each pod is
//! pinned to its node by a `metadata.name` node-affinity term and bound by the
//! default scheduler. Each template is kept as a ControllerRevision
//! (`controllers/history.rs`) whose hash labels the pods made from it; updates
//! roll node by node (`maxUnavailable`, default 1, or `maxSurge` new pods beside
//! the old ones), or wait for the user to delete pods (`OnDelete`).

use std::collections::BTreeMap;

use k8s_openapi::api::apps::v1::{ControllerRevision, DaemonSet, DaemonSetStatus};
use k8s_openapi::api::core::v1::{
    Affinity, Node, NodeAffinity, NodeSelector, NodeSelectorRequirement, NodeSelectorTerm, Pod, Taint, Toleration,
};
use k8s_openapi::apimachinery::pkg::util::intstr::IntOrString;

use super::history::{self, REVISION_HASH_LABEL};
use super::ownership::{controller_ref, pod_from_template};
use super::quiet;
use super::readiness::{available_at, is_available, is_ready};
use super::scheduler::tolerates;
use crate::api::deletion::DeleteOptions;
use crate::api::store::{reference_to, NewEvent};
use crate::api::daemonset_job_admission::TEMPLATE_GENERATION;
use crate::api::ObjectKey;
use crate::cluster::Cluster;
use crate::names::template_hash;
use crate::time::SimTime;

/// The tolerations every daemon pod gets (daemon/util `AddOrUpdateDaemonPodTolerations`).
pub fn daemon_tolerations(host_network: bool) -> Vec<Toleration> {
    let t = |key: &str, effect: &str| Toleration {
        key: Some(key.into()),
        operator: Some("Exists".into()),
        effect: Some(effect.into()),
        ..Default::default()
    };
    let mut v = vec![
        t("node.kubernetes.io/not-ready", "NoExecute"),
        t("node.kubernetes.io/unreachable", "NoExecute"),
        t("node.kubernetes.io/disk-pressure", "NoSchedule"),
        t("node.kubernetes.io/memory-pressure", "NoSchedule"),
        t("node.kubernetes.io/pid-pressure", "NoSchedule"),
        t("node.kubernetes.io/unschedulable", "NoSchedule"),
    ];
    if host_network {
        v.push(t("node.kubernetes.io/network-unavailable", "NoSchedule"));
    }
    v
}

/// The `controller-revision-hash` of the DaemonSet's current template.
pub fn revision_hash(ds: &DaemonSet) -> String {
    let template = ds.spec.as_ref().map(|s| &s.template);
    template_hash(&template, ds.status.as_ref().and_then(|s| s.collision_count))
}

/// Whether a daemon pod should run on `node` (`NodeShouldRunDaemonPod`). Runs for
/// every node on every sync, so it reads the node in place and builds the
/// tolerations only for a node with taints.
fn should_run(ds: &DaemonSet, node: &Node) -> bool {
    let spec = ds.spec.as_ref().and_then(|s| s.template.spec.as_ref());
    if let Some(sel) = spec.and_then(|s| s.node_selector.as_ref()) {
        let labels = node.metadata.labels.as_ref();
        if sel.iter().any(|(k, v)| labels.and_then(|l| l.get(k)) != Some(v)) {
            return false;
        }
    }
    let taints: Vec<&Taint> = node
        .spec
        .iter()
        .flat_map(|s| s.taints.iter().flatten())
        .filter(|t| t.effect == "NoSchedule" || t.effect == "NoExecute")
        .collect();
    if taints.is_empty() {
        return true;
    }
    let mut tolerations = spec.and_then(|s| s.tolerations.clone()).unwrap_or_default();
    tolerations.extend(daemon_tolerations(spec.and_then(|s| s.host_network).unwrap_or(false)));
    taints.iter().all(|t| tolerates(&tolerations, t))
}

/// `IsPodUpdated`: the pod carries the current revision's hash, or the template
/// generation it was made from is the set's.
fn is_updated(p: &Pod, hash: &str, generation: Option<&str>) -> bool {
    let label = |k: &str| p.metadata.labels.as_ref().and_then(|l| l.get(k)).map(String::as_str);
    label(REVISION_HASH_LABEL) == Some(hash) || (generation.is_some() && label(TEMPLATE_GENERATION_LABEL) == generation)
}

/// The set's `deprecated.daemonset.template.generation`, which new pods carry as
/// `pod-template-generation`.
fn template_generation(ds: &DaemonSet) -> Option<&str> {
    ds.metadata.annotations.as_ref()?.get(TEMPLATE_GENERATION).map(String::as_str)
}

const COMPONENT: &str = "daemonset-controller";
const TEMPLATE_GENERATION_LABEL: &str = "pod-template-generation";

pub fn reconcile(c: &mut Cluster) {
    let sets: Vec<DaemonSet> = c.store.daemonsets.list(None).filter(|d| d.metadata.deletion_timestamp.is_none()).cloned().collect();
    if sets.is_empty() {
        return;
    }
    // Only sets whose object or pods changed since the last round, or all of them
    // when a node came, went or changed what places pods (not on status posts).
    let since = c.quiet.advance(COMPONENT, c.store.revision());
    let moved = c.quiet.placement_moved(COMPONENT, &c.store.nodes, since);
    let dirty = quiet::dirty_owners(&c.store.daemonsets, &[c.store.pods.index()], since).filter(|_| !moved);
    let Some(dirty) = dirty else {
        for ds in sets {
            sync(c, &ds);
        }
        return;
    };
    for ds in sets.iter().filter(|d| dirty.contains(&ObjectKey::of(&d.metadata))) {
        sync(c, ds);
    }
}

/// What one sync decided: read from the store only, so the nodes are looked at in
/// place (a join of node 300 must not copy 299 nodes for every DaemonSet).
#[derive(Default)]
struct Plan {
    to_create: Vec<String>,
    to_delete: Vec<ObjectKey>,
    status: DaemonSetStatus,
    /// When a ready pod becomes available (`minReadySeconds`).
    recheck_at: Option<SimTime>,
}

impl Plan {
    fn delete(&mut self, p: &Pod) {
        let key = ObjectKey::of(&p.metadata);
        if !self.to_delete.contains(&key) {
            self.to_delete.push(key);
        }
    }
}

/// The rolling update's view of one eligible node (`findUpdatedPodsOnNode`): its
/// updated and its old pod; `None` when there are more of either than one.
struct NodeState<'a> {
    node: &'a str,
    new_pod: Option<&'a Pod>,
    old_pod: Option<&'a Pod>,
}

/// `updatedDesiredNodeCounts`: maxSurge and maxUnavailable of a RollingUpdate
/// (percentages of the desired count, rounded up; both 0 means 1 unavailable).
fn update_budget(ds: &DaemonSet, desired: i32) -> Option<(i32, i32)> {
    let strategy = ds.spec.as_ref().and_then(|s| s.update_strategy.as_ref());
    if strategy.and_then(|s| s.type_.as_deref()).unwrap_or("RollingUpdate") != "RollingUpdate" {
        return None;
    }
    let rolling = strategy.and_then(|s| s.rolling_update.as_ref());
    let scaled = |v: Option<&IntOrString>, default: i32| v.map(|v| resolve_int_or_percent(v, desired, true)).unwrap_or(default);
    let surge = scaled(rolling.and_then(|r| r.max_surge.as_ref()), 0);
    let unavailable = scaled(rolling.and_then(|r| r.max_unavailable.as_ref()), 1);
    Some(if surge == 0 && unavailable == 0 { (0, 1) } else { (surge, unavailable) })
}

fn plan(c: &Cluster, ds: &DaemonSet, hash: &str) -> Plan {
    let uid = ds.metadata.uid.clone().unwrap_or_default();
    let ns = ds.metadata.namespace.clone().unwrap_or_default();
    let now = c.now();
    let min_ready = ds.spec.as_ref().and_then(|s| s.min_ready_seconds).unwrap_or(0);
    let generation = template_generation(ds);
    // `AllowsSurge`: a surge of any size rounds up to at least one pod of one.
    let surge = update_budget(ds, 1).is_some_and(|(surge, _)| surge > 0);
    let mut by_node: BTreeMap<String, Vec<&Pod>> = BTreeMap::new();
    for p in c.store.pods.controlled_by(&uid).filter(|p| p.metadata.namespace.as_deref() == Some(ns.as_str())) {
        if let Some(n) = pinned_node(p) {
            by_node.entry(n).or_default().push(p);
        }
    }
    let mut plan = Plan { status: DaemonSetStatus { observed_generation: ds.metadata.generation, ..Default::default() }, ..Default::default() };
    let mut states: Vec<NodeState> = Vec::new();
    for node in c.store.nodes.list(None) {
        let node_name = node.metadata.name.as_deref().unwrap_or("");
        let pods = by_node.remove(node_name).unwrap_or_default();
        // A node whose pods are all terminating counts against the update's
        // budget (`nodeToDaemonPods` keeps them; `findUpdatedPodsOnNode` skips them).
        let has_pods = !pods.is_empty();
        let mut live: Vec<&Pod> = pods.into_iter().filter(|p| p.metadata.deletion_timestamp.is_none()).collect();
        crate::sorting::sort_by(&mut live, |a, b| (&a.metadata.creation_timestamp, &a.metadata.name).cmp(&(&b.metadata.creation_timestamp, &b.metadata.name)));
        // A failed daemon pod is deleted and replaced (`podsShouldBeOnNode`).
        let (failed, live): (Vec<&Pod>, Vec<&Pod>) = live
            .into_iter()
            .partition(|p| p.status.as_ref().and_then(|s| s.phase.as_deref()) == Some("Failed"));
        failed.iter().for_each(|p| plan.delete(p));
        if !should_run(ds, node) {
            // Not eligible: pods that tolerate the NoExecute taints may stay (misscheduled).
            if !live.is_empty() {
                plan.status.number_misscheduled += 1;
            }
            if !live.iter().all(|p| no_execute_tolerated(p, node)) {
                live.iter().for_each(|p| plan.delete(p));
            }
            continue;
        }
        plan.status.desired_number_scheduled += 1;
        let Some(&oldest) = live.first() else {
            plan.to_create.push(node_name.to_string());
            if has_pods {
                states.push(NodeState { node: node_name, new_pod: None, old_pod: None });
            }
            continue;
        };
        prune_extra_pods(&mut plan, &live, hash, generation, surge, min_ready, now);
        // The status reads the oldest pod of the node.
        plan.status.current_number_scheduled += 1;
        if is_ready(oldest) {
            plan.status.number_ready += 1;
            if is_available(oldest, min_ready, now) {
                *plan.status.number_available.get_or_insert(0) += 1;
            } else if let Some(at) = available_at(oldest, min_ready) {
                plan.recheck_at = Some(plan.recheck_at.map_or(at, |t| t.min(at)));
            }
        }
        if is_updated(oldest, hash, generation) {
            *plan.status.updated_number_scheduled.get_or_insert(0) += 1;
        }
        let (new, old): (Vec<&Pod>, Vec<&Pod>) = live.iter().partition(|p| is_updated(p, hash, generation));
        if new.len() <= 1 && old.len() <= 1 {
            states.push(NodeState { node: node_name, new_pod: new.first().copied(), old_pod: old.first().copied() });
        } else {
            states.push(NodeState { node: node_name, new_pod: None, old_pod: None });
        }
    }
    // Pods pinned to nodes that no longer exist are the pod GC's business.
    if let Some((max_surge, max_unavailable)) = update_budget(ds, plan.status.desired_number_scheduled) {
        let available = |p: &Pod| is_available(p, min_ready, now);
        if max_surge == 0 {
            rolling_delete(&mut plan, &states, max_unavailable, available);
        } else {
            rolling_surge(&mut plan, &states, max_surge, available);
        }
    }
    plan.status.number_unavailable =
        Some(plan.status.desired_number_scheduled - plan.status.number_available.unwrap_or(0)).filter(|n| *n > 0);
    plan
}

/// `podsShouldBeOnNode` for a node with more than one running pod: without surge
/// all but the oldest go; with surge the oldest updated and the oldest old pod may
/// both stay until the updated one is available (or the old one is not ready).
fn prune_extra_pods(plan: &mut Plan, live: &[&Pod], hash: &str, generation: Option<&str>, surge: bool, min_ready: i32, now: SimTime) {
    if live.len() <= 1 {
        return;
    }
    if !surge {
        live[1..].iter().for_each(|p| plan.delete(p));
        return;
    }
    let (mut oldest_new, mut oldest_old): (Option<&Pod>, Option<&Pod>) = (None, None);
    for &p in live {
        let slot = if is_updated(p, hash, generation) { &mut oldest_new } else { &mut oldest_old };
        if slot.is_none() {
            *slot = Some(p);
        } else {
            plan.delete(p);
        }
    }
    if let (Some(new), Some(old)) = (oldest_new, oldest_old) {
        if !is_ready(old) || is_available(new, min_ready, now) {
            plan.delete(old);
        }
    }
}

/// `rollingUpdate` without surge: old pods are deleted (the sync then creates
/// their successors) while fewer than maxUnavailable pods are unavailable; an old
/// pod that is unavailable anyway may always go.
fn rolling_delete(plan: &mut Plan, states: &[NodeState], max_unavailable: i32, available: impl Fn(&Pod) -> bool) {
    let mut unavailable = 0;
    let mut candidates: Vec<&Pod> = Vec::new();
    for s in states {
        match (s.new_pod, s.old_pod) {
            (None, None) | (Some(_), Some(_)) => unavailable += 1,
            (Some(new), None) => {
                if !available(new) {
                    unavailable += 1;
                }
            }
            (None, Some(old)) if !available(old) => plan.delete(old),
            (None, Some(_)) if unavailable >= max_unavailable => {}
            (None, Some(old)) => candidates.push(old),
        }
    }
    let room = (max_unavailable - unavailable).max(0) as usize;
    candidates.into_iter().take(room).for_each(|p| plan.delete(p));
}

/// `rollingUpdate` with surge: an updated pod is created next to an old one (up
/// to maxSurge at a time, at once where the old one is unavailable); the old one
/// is deleted when its successor is available.
fn rolling_surge(plan: &mut Plan, states: &[NodeState], max_surge: i32, available: impl Fn(&Pod) -> bool) {
    let mut surging = 0;
    let mut allowed: Vec<&str> = Vec::new();
    let mut candidates: Vec<&str> = Vec::new();
    for s in states {
        match (s.new_pod, s.old_pod) {
            (None, None) if plan.to_create.iter().any(|n| n == s.node) => {}
            (None, None) => surging += 1,
            (_, None) => {}
            (None, Some(old)) if !available(old) => allowed.push(s.node),
            (None, Some(_)) if surging >= max_surge => {}
            (None, Some(_)) => candidates.push(s.node),
            (Some(new), Some(_)) if !available(new) => surging += 1,
            (Some(_), Some(old)) => plan.delete(old),
        }
    }
    let room = (max_surge - surging).max(0) as usize;
    let nodes = allowed.into_iter().chain(candidates.into_iter().take(room));
    for node in nodes {
        if !plan.to_create.iter().any(|n| n == node) {
            plan.to_create.push(node.to_string());
        }
    }
}

/// `snapshot`: the revision recording the set's template now, named by
/// `ComputeHash` of the template (not the patch, unlike a StatefulSet's).
pub fn snapshot(ds: &DaemonSet, revision: i64) -> ControllerRevision {
    let template = ds.spec.as_ref().map(|s| s.template.clone()).unwrap_or_default();
    history::new_revision(&ds.metadata, controller_ref(ds), &template, &revision_hash(ds), revision)
}

/// `constructHistory`: the revision of the current template (created, or an
/// older one renumbered as the newest when the template went back to it) and the
/// others.
fn construct_history(c: &mut Cluster, ds: &DaemonSet) -> Option<(ControllerRevision, Vec<ControllerRevision>)> {
    let template = ds.spec.as_ref().map(|s| s.template.clone()).unwrap_or_default();
    let patch = history::template_patch(&template);
    let (mut current, old): (Vec<ControllerRevision>, Vec<ControllerRevision>) =
        history::owned_revisions(c, &ds.metadata).into_iter().partition(|r| history::stored_patch(r) == patch);
    let next = history::next_revision(&old);
    let cur = match current.pop() {
        None => history::create(c, snapshot(ds, next))?,
        // Duplicates of the current one (`dedupCurHistories`) go; the newest stays.
        Some(cur) => {
            history::delete(c, &current.iter().collect::<Vec<_>>());
            if cur.revision < next { history::renumber(c, &cur, next) } else { cur }
        }
    };
    Some((cur, old))
}

/// `cleanupHistory`: beyond `revisionHistoryLimit` old revisions, the oldest
/// ones no pod still runs are deleted.
fn cleanup_history(c: &mut Cluster, ds: &DaemonSet, old: &[ControllerRevision]) {
    let limit = ds.spec.as_ref().and_then(|s| s.revision_history_limit).unwrap_or(10).max(0) as usize;
    let Some(mut to_kill) = old.len().checked_sub(limit).filter(|n| *n > 0) else { return };
    let uid = ds.metadata.uid.as_deref().unwrap_or("");
    let live: Vec<String> = c.store.pods.controlled_by(uid).filter_map(|p| p.metadata.labels.as_ref()?.get(REVISION_HASH_LABEL).cloned()).collect();
    let mut doomed = Vec::new();
    for r in old {
        if to_kill == 0 {
            break;
        }
        let hash = r.metadata.labels.as_ref().and_then(|l| l.get(REVISION_HASH_LABEL));
        if hash.is_some_and(|h| live.contains(h)) {
            continue;
        }
        doomed.push(r);
        to_kill -= 1;
    }
    history::delete(c, &doomed);
}

fn sync(c: &mut Cluster, ds: &DaemonSet) {
    let ns = ds.metadata.namespace.clone().unwrap_or_default();
    let name = ds.metadata.name.clone().unwrap_or_default();
    let Some((cur, old)) = construct_history(c, ds) else { return };
    let hash = cur.metadata.labels.as_ref().and_then(|l| l.get(REVISION_HASH_LABEL)).cloned().unwrap_or_default();
    let Plan { to_create, to_delete, status, recheck_at } = plan(c, ds, &hash);
    for key in to_delete {
        if c.delete::<Pod>(&key.namespace, &key.name, DeleteOptions::default()).is_err() {
            continue;
        }
        event(c, ds, "SuccessfulDelete", format!("Deleted pod: {}", key.name));
    }
    for node in to_create {
        let mut pod = pod_from_template(&ds.spec.as_ref().map(|s| s.template.clone()).unwrap_or_default(), &ns, &format!("{name}-"), controller_ref(ds));
        let labels = pod.metadata.labels.get_or_insert_with(Default::default);
        labels.insert(REVISION_HASH_LABEL.into(), hash.clone());
        if let Some(generation) = template_generation(ds) {
            labels.insert(TEMPLATE_GENERATION_LABEL.into(), generation.to_string());
        }
        let spec = pod.spec.get_or_insert_with(Default::default);
        let host_network = spec.host_network.unwrap_or(false);
        let tolerations = spec.tolerations.get_or_insert_with(Vec::new);
        for t in daemon_tolerations(host_network) {
            if !tolerations.iter().any(|x| x.key == t.key && x.effect == t.effect) {
                tolerations.push(t);
            }
        }
        spec.affinity = Some(pin_to(&node));
        match c.create(pod) {
            Ok(created) => {
                let pod_name = created.metadata.name.clone().unwrap_or_default();
                event(c, ds, "SuccessfulCreate", format!("Created pod: {pod_name}"));
            }
            Err(e) => event(c, ds, "FailedCreate", format!("Error creating: {}", e.message)),
        }
    }
    cleanup_history(c, ds, &old);
    if let Some(at) = recheck_at {
        c.wake_at(at);
    }
    let key = ObjectKey::of(&ds.metadata);
    c.store.modify::<DaemonSet>(&key, |d| {
        let collision_count = d.status.as_ref().and_then(|s| s.collision_count);
        let conditions = d.status.as_ref().and_then(|s| s.conditions.clone());
        d.status = Some(DaemonSetStatus { collision_count, conditions, ..status.clone() });
    });
}

fn no_execute_tolerated(p: &Pod, node: &Node) -> bool {
    let tolerations = p.spec.as_ref().and_then(|s| s.tolerations.as_deref()).unwrap_or(&[]);
    node.spec.as_ref().and_then(|s| s.taints.as_deref()).unwrap_or(&[]).iter().filter(|t| t.effect == "NoExecute").all(|t| tolerates(tolerations, t))
}

/// The node a daemon pod is bound or pinned to.
fn pinned_node(p: &Pod) -> Option<String> {
    let spec = p.spec.as_ref()?;
    if let Some(n) = spec.node_name.clone() {
        return Some(n);
    }
    let terms = &spec.affinity.as_ref()?.node_affinity.as_ref()?.required_during_scheduling_ignored_during_execution.as_ref()?.node_selector_terms;
    terms.iter().flat_map(|t| t.match_fields.iter().flatten()).find(|r| r.key == "metadata.name").and_then(|r| r.values.as_ref()?.first().cloned())
}

/// `ReplaceDaemonSetPodNodeNameNodeAffinity`: a required term on `metadata.name`.
fn pin_to(node: &str) -> Affinity {
    Affinity {
        node_affinity: Some(NodeAffinity {
            required_during_scheduling_ignored_during_execution: Some(NodeSelector {
                node_selector_terms: vec![NodeSelectorTerm {
                    match_fields: Some(vec![NodeSelectorRequirement {
                        key: "metadata.name".into(),
                        operator: "In".into(),
                        values: Some(vec![node.into()]),
                    }]),
                    ..Default::default()
                }],
            }),
            ..Default::default()
        }),
        ..Default::default()
    }
}

/// `intstr.GetScaledValueFromIntOrPercent`: a number, or a percentage of `total`
/// rounded up or down.
pub fn resolve_int_or_percent(v: &IntOrString, total: i32, round_up: bool) -> i32 {
    match v {
        IntOrString::Int(n) => *n,
        IntOrString::String(s) => {
            let pct: i64 = s.trim_end_matches('%').parse().unwrap_or(0);
            let scaled = pct * total as i64;
            (if round_up { (scaled + 99) / 100 } else { scaled / 100 }) as i32
        }
    }
}

fn event(c: &mut Cluster, ds: &DaemonSet, reason: &'static str, message: String) {
    let now = c.now();
    let type_ = if reason.starts_with("Failed") { "Warning" } else { "Normal" };
    let mut involved = reference_to(ds);
    involved.resource_version = None;
    c.store.record_event(now, NewEvent { involved, type_, reason, message, component: COMPONENT, host: None });
}

#[cfg(test)]
mod tests {
    use super::*;

    fn with_strategy(strategy: serde_json::Value) -> DaemonSet {
        serde_json::from_value(serde_json::json!({"metadata": {"name": "a"}, "spec": {"selector": {}, "template": {}, "updateStrategy": strategy}})).unwrap()
    }

    #[test]
    fn the_update_budget_rounds_percentages_up_and_never_stalls() {
        let budget = |s| update_budget(&with_strategy(s), 3);
        assert_eq!(budget(serde_json::json!({"type": "RollingUpdate", "rollingUpdate": {"maxUnavailable": "10%"}})), Some((0, 1)));
        assert_eq!(budget(serde_json::json!({"type": "RollingUpdate", "rollingUpdate": {"maxUnavailable": "50%", "maxSurge": 0}})), Some((0, 2)));
        assert_eq!(budget(serde_json::json!({"type": "RollingUpdate", "rollingUpdate": {"maxUnavailable": 0, "maxSurge": "34%"}})), Some((2, 0)));
        // Both 0 would never make progress: one pod may be unavailable.
        assert_eq!(budget(serde_json::json!({"type": "RollingUpdate", "rollingUpdate": {"maxUnavailable": 0, "maxSurge": 0}})), Some((0, 1)));
        assert_eq!(budget(serde_json::json!({"type": "OnDelete"})), None);
    }

    #[test]
    fn percentages_round_as_asked() {
        assert_eq!(resolve_int_or_percent(&IntOrString::String("25%".into()), 3, false), 0);
        assert_eq!(resolve_int_or_percent(&IntOrString::String("25%".into()), 3, true), 1);
        assert_eq!(resolve_int_or_percent(&IntOrString::Int(2), 3, true), 2);
    }
}
