//! The default scheduler, reduced to the plugins a learner meets: filters
//! (NodeUnschedulable, TaintToleration, NodeAffinity/nodeSelector, NodeResourcesFit,
//! pod count) then scoring (least allocated, spreading a controller's pods), ties broken
//! at random as the real scheduler does. Every rejection keeps its reason, so the
//! `FailedScheduling` message says exactly why (k/k pkg/scheduler `FitError.Error`).

use std::collections::BTreeMap;

use k8s_openapi::api::core::v1::{Node, Pod, PodCondition, Taint, Toleration};

use super::resources::{allocatable, holds_resources, pod_requests};
use super::volume_binding;
use crate::api::store::{reference_to, NewEvent};
use crate::api::index::Flag;
use crate::api::ObjectKey;
use crate::cluster::Cluster;

/// One filter's verdict on one node.
type Rejection = &'static str;

pub fn tolerates(tolerations: &[Toleration], taint: &Taint) -> bool {
    tolerations.iter().any(|t| {
        let effect_ok = t.effect.as_deref().is_none_or(|e| e.is_empty() || e == taint.effect);
        let key_ok = match t.key.as_deref() {
            None | Some("") => t.operator.as_deref() == Some("Exists"),
            Some(k) => k == taint.key,
        };
        let value_ok = match t.operator.as_deref() {
            Some("Exists") => true,
            _ => t.value.as_deref().unwrap_or("") == taint.value.as_deref().unwrap_or(""),
        };
        effect_ok && key_ok && value_ok
    })
}

/// What the pods already placed on one node take from it (the scheduler cache's
/// `NodeInfo`): built once per round, updated as pods are bound.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct NodeUsage {
    pods: i64,
    cpu: i64,
    mem: i64,
    /// Pods per controller uid, for spreading siblings.
    by_owner: BTreeMap<String, i64>,
}

impl NodeUsage {
    fn add(&mut self, pod: &Pod) {
        let (cpu, mem) = pod_requests(pod);
        self.pods += 1;
        self.cpu += cpu;
        self.mem += mem;
        if let Some(owner) = owner_uid(pod) {
            *self.by_owner.entry(owner.to_string()).or_default() += 1;
        }
    }

    fn siblings(&self, owner: Option<&str>) -> i64 {
        owner.and_then(|o| self.by_owner.get(o)).copied().unwrap_or(0)
    }
}

/// What a pod asks of a node, worked out once per pod rather than once per node.
struct Wants {
    cpu: i64,
    mem: i64,
}

/// Runs the filters in the scheduler's plugin order; the first failing one is the
/// reason. `allocatable` is the node's (cpu, memory, pods), parsed once per pass.
fn filter(node: &Node, allocatable: (i64, i64, i64), pod: &Pod, wants: &Wants, on_node: &NodeUsage) -> Result<(), Rejection> {
    let spec = pod.spec.as_ref();
    let tolerations = spec.and_then(|s| s.tolerations.as_deref()).unwrap_or(&[]);
    let node_spec = node.spec.as_ref();
    if node_spec.and_then(|s| s.unschedulable).unwrap_or(false) {
        let unschedulable = Taint {
            key: "node.kubernetes.io/unschedulable".into(),
            effect: "NoSchedule".into(),
            ..Default::default()
        };
        if !tolerates(tolerations, &unschedulable) {
            return Err("node(s) were unschedulable");
        }
    }
    let taints = node_spec.and_then(|s| s.taints.as_deref()).unwrap_or(&[]);
    if taints
        .iter()
        .filter(|t| t.effect == "NoSchedule" || t.effect == "NoExecute")
        .any(|t| !tolerates(tolerations, t))
    {
        return Err("node(s) had untolerated taint(s)");
    }
    if let Some(selector) = spec.and_then(|s| s.node_selector.as_ref()) {
        let labels = node.metadata.labels.as_ref();
        if selector.iter().any(|(k, v)| labels.and_then(|l| l.get(k)) != Some(v)) {
            return Err("node(s) didn't match Pod's node affinity/selector");
        }
    }
    if !node_affinity_matches(pod, node) {
        return Err("node(s) didn't match Pod's node affinity/selector");
    }
    let (cap_cpu, cap_mem, max_pods) = allocatable;
    if on_node.pods + 1 > max_pods {
        return Err("Too many pods");
    }
    let (want_cpu, want_mem) = (wants.cpu, wants.mem);
    let (used_cpu, used_mem) = (on_node.cpu, on_node.mem);
    if want_cpu > 0 && used_cpu + want_cpu > cap_cpu {
        return Err("Insufficient cpu");
    }
    if want_mem > 0 && used_mem + want_mem > cap_mem {
        return Err("Insufficient memory");
    }
    Ok(())
}

/// The pod's required node affinity: any one term must match, a term's
/// requirements all (`matchFields` on `metadata.name`, `matchExpressions` on labels).
fn node_affinity_matches(pod: &Pod, node: &Node) -> bool {
    let Some(required) = pod
        .spec
        .as_ref()
        .and_then(|s| s.affinity.as_ref())
        .and_then(|a| a.node_affinity.as_ref())
        .and_then(|a| a.required_during_scheduling_ignored_during_execution.as_ref())
    else {
        return true;
    };
    let labels = node.metadata.labels.as_ref();
    let name = node.metadata.name.as_ref();
    let holds = |value: Option<&String>, r: &k8s_openapi::api::core::v1::NodeSelectorRequirement| {
        let values = r.values.as_deref().unwrap_or(&[]);
        match r.operator.as_str() {
            "In" => value.is_some_and(|v| values.contains(v)),
            "NotIn" => value.is_none_or(|v| !values.contains(v)),
            "Exists" => value.is_some(),
            "DoesNotExist" => value.is_none(),
            "Gt" | "Lt" => {
                let (Some(v), Some(bound)) = (value.and_then(|v| v.parse::<i64>().ok()), values.first().and_then(|b| b.parse::<i64>().ok())) else { return false };
                if r.operator == "Gt" { v > bound } else { v < bound }
            }
            _ => false,
        }
    };
    required.node_selector_terms.iter().any(|term| {
        let fields_ok = term.match_fields.iter().flatten().all(|r| holds(name.filter(|_| r.key == "metadata.name"), r));
        let labels_ok = term.match_expressions.iter().flatten().all(|r| holds(labels.and_then(|l| l.get(&r.key)), r));
        let empty = term.match_fields.as_ref().is_none_or(|v| v.is_empty()) && term.match_expressions.as_ref().is_none_or(|v| v.is_empty());
        !empty && fields_ok && labels_ok
    })
}

/// `0/3 nodes are available: 1 node(s) had untolerated taint(s), 2 Insufficient cpu. preemption: ...`
fn fit_error(total: usize, reasons: &BTreeMap<Rejection, usize>) -> String {
    let mut parts: Vec<String> = reasons.iter().map(|(r, n)| format!("{n} {r}")).collect();
    crate::sorting::sort(&mut parts);
    // PostFilter (preemption) explains itself per node: resource shortages might be
    // helped by evicting lower-priority pods, anything else cannot.
    let mut helpful = 0;
    let mut unhelpful = 0;
    for (r, n) in reasons {
        if r.starts_with("Insufficient") || *r == "Too many pods" {
            helpful += n;
        } else {
            unhelpful += n;
        }
    }
    let mut pre = Vec::new();
    if unhelpful > 0 {
        pre.push(format!("{unhelpful} Preemption is not helpful for scheduling"));
    }
    if helpful > 0 {
        pre.push(format!("{helpful} No preemption victims found for incoming pod"));
    }
    crate::sorting::sort(&mut pre);
    format!(
        "0/{total} nodes are available: {}. preemption: 0/{total} nodes are available: {}.",
        parts.join(", "),
        pre.join(", ")
    )
}

fn owner_uid(p: &Pod) -> Option<&str> {
    p.metadata.owner_references.as_ref()?.iter().find(|o| o.controller == Some(true)).map(|o| o.uid.as_str())
}

/// The scheduler's memory between rounds (derived, not state: a restored cluster
/// starts empty and reaches the same decisions).
#[derive(Clone, Debug, Default)]
pub struct Cache {
    /// What each node's pods request (`NodeInfo`).
    usage: BTreeMap<String, NodeUsage>,
    /// The store revision at which some node's usage last changed.
    usage_changed: u64,
    /// What the filters read of each node — labels, taints, the unschedulable flag,
    /// allocatable — as a fingerprint, current up to the nodes' revision `nodes_seen`.
    nodes: BTreeMap<String, u64>,
    nodes_seen: u64,
    /// The store revision at which a node came, went or changed in what the filters
    /// read. A kubelet's post of its images or heartbeat moves no pod: the real
    /// scheduler's `nodeSchedulingPropertiesChange` finds no event in it.
    nodes_changed: u64,
    /// The unschedulable queue: pods that failed, with the revision after their
    /// attempt. They are tried again only once the pod itself or something a
    /// filter reads (nodes, node usage, claims, volumes, classes) has changed
    /// since — the real scheduler's `unschedulablePods`, moved back on cluster
    /// events. Without it, 3,000 pods that do not fit on two workers were all
    /// filtered again after every kubelet step.
    unschedulable: BTreeMap<ObjectKey, u64>,
    /// [`world_revision`] after the last pass.
    world: u64,
    /// The store revision after the last pass, when that pass left every queued pod
    /// failed against the current world: the next pass need only look at pods
    /// written since.
    quiet_since: Option<u64>,
}

/// Schedules every pending pod that names the default scheduler (the table's
/// unbound-pod index is the scheduling queue).
pub fn reconcile(c: &mut Cluster) {
    if c.store.pods.index().flagged(Flag::Unbound).is_empty() {
        c.scheduler.unschedulable.clear();
        return;
    }
    let mut cache = std::mem::take(&mut c.scheduler);
    refresh_usage(c, &mut cache);
    refresh_nodes(c, &mut cache);
    let world = world_revision(c, &cache);
    let unbound = c.store.pods.index().flagged(Flag::Unbound);
    // The queue: every unbound pod, or — when the last pass left only pods that
    // failed against today's nodes and nothing they read has moved — just the
    // unbound pods written since (new ones, or changed ones).
    let candidates: Vec<ObjectKey> = match cache.quiet_since.filter(|_| world == cache.world) {
        Some(since) => {
            let mut changed: Vec<ObjectKey> = c.store.pods.index().keys_changed_since(since).filter(|k| unbound.contains(*k)).cloned().collect();
            crate::sorting::sort(&mut changed);
            changed
        }
        None => {
            cache.unschedulable.retain(|k, _| unbound.contains(k));
            unbound.iter().cloned().collect()
        }
    };
    let mut quiet = true;
    // Each node's allocatable, in list order (nodes do not change during a pass).
    let allocatables: Vec<(i64, i64, i64)> = if candidates.is_empty() { Vec::new() } else { c.store.nodes.list(None).map(allocatable).collect() };
    for key in candidates {
        let Some(pod) = c.store.pods.get(&key) else { continue };
        if pod.spec.as_ref().and_then(|s| s.scheduler_name.as_deref()).unwrap_or("default-scheduler") != "default-scheduler" {
            continue;
        }
        if cache.unschedulable.get(&key).is_some_and(|at| !worth_retrying(c, &key, *at, world)) {
            continue;
        }
        match schedule_one(c, &key, &mut cache.usage, &allocatables) {
            Attempt::Bound => {
                cache.usage_changed = c.store.revision();
                cache.unschedulable.remove(&key);
                quiet = false;
            }
            Attempt::Unschedulable => {
                cache.unschedulable.insert(key, c.store.revision());
            }
            Attempt::Waiting => {
                cache.unschedulable.remove(&key);
                quiet = false;
            }
        }
    }
    // The pass's own binds are in the usage already (it adds each pod it binds):
    // the next refresh need not sum those nodes again.
    c.quiet.advance("default-scheduler", c.store.revision());
    // A pass that bound nothing and left no pod waiting for its volumes leaves
    // every queued pod failed against the world as it still is.
    cache.world = world_revision(c, &cache);
    cache.quiet_since = (quiet && cache.world == world).then(|| c.store.revision());
    c.scheduler = cache;
}

/// The newest write to anything a filter reads besides the pod itself.
fn world_revision(c: &Cluster, cache: &Cache) -> u64 {
    let s = &c.store;
    [
        cache.nodes_changed,
        cache.usage_changed,
        s.persistentvolumeclaims.index().revision(),
        s.persistentvolumes.index().revision(),
        s.storageclasses.index().revision(),
    ]
    .into_iter()
    .max()
    .unwrap_or(0)
}

/// Whether the pod or anything its filters read changed after revision `at`.
fn worth_retrying(c: &Cluster, key: &ObjectKey, at: u64, world: u64) -> bool {
    c.store.pods.index().key_revision(key) > at || world > at
}

/// Brings the cache of node usage up to date: only nodes whose pods changed since
/// the last refresh are summed again (all of them after a wake-up).
fn refresh_usage(c: &mut Cluster, cache: &mut Cache) {
    let since = c.quiet.advance("default-scheduler", c.store.revision());
    let stale: Vec<String> = if since == 0 {
        // Summed again from scratch (after a wake-up); only a difference is a change.
        let before = cache.usage.len();
        cache.usage.retain(|name, _| c.store.nodes.get(&ObjectKey::new("", name)).is_some());
        if cache.usage.len() != before {
            cache.usage_changed = c.store.revision();
        }
        c.store.nodes.keys().map(|k| k.name.clone()).collect()
    } else {
        c.store.pods.index().nodes_changed_since(since).cloned().collect()
    };
    for name in stale {
        let mut u = NodeUsage::default();
        for p in c.store.pods.on_node(&name).filter(|p| holds_resources(p)) {
            u.add(p);
        }
        if cache.usage.get(&name) != Some(&u) {
            cache.usage_changed = c.store.revision();
            cache.usage.insert(name, u);
        }
    }
}

/// Brings the nodes' fingerprints up to date with the nodes written since the last
/// look, and notes when one came, went or changed in what the filters read.
fn refresh_nodes(c: &Cluster, cache: &mut Cache) {
    let nodes = &c.store.nodes;
    let revision = nodes.index().revision();
    if revision == cache.nodes_seen {
        return;
    }
    let mut changed = false;
    let written: Vec<&ObjectKey> = if cache.nodes_seen == 0 { nodes.keys().collect() } else { nodes.index().keys_changed_since(cache.nodes_seen).collect() };
    for key in written {
        let Some(node) = nodes.get(key) else { continue };
        let print = filtered(node);
        changed |= cache.nodes.insert(key.name.clone(), print) != Some(print);
    }
    let before = cache.nodes.len();
    cache.nodes.retain(|name, _| nodes.get(&ObjectKey::new("", name)).is_some());
    if changed || cache.nodes.len() != before {
        cache.nodes_changed = c.store.revision();
    }
    cache.nodes_seen = revision;
}

/// A fingerprint of what the filters read of a node.
fn filtered(node: &Node) -> u64 {
    let spec = node.spec.as_ref();
    let allocatable = node.status.as_ref().map(|s| &s.allocatable);
    super::quiet::fingerprint(&format!("{:?}{:?}{:?}{:?}", node.metadata.labels, spec.map(|s| &s.taints), spec.map(|s| s.unschedulable), allocatable))
}

/// How one scheduling attempt ended.
enum Attempt {
    Bound,
    Unschedulable,
    /// Waiting for volumes (or the pod is gone): tried again next round.
    Waiting,
}

/// What the filters and scores decided for one pod (read from the store only, so
/// the nodes are looked at in place, not copied per round).
enum Decision {
    /// PreBind waits for the pod's volumes to be provisioned and bound.
    Waiting,
    Unschedulable(String),
    /// The best-scoring nodes (ties are broken at random), and claims that wait
    /// for the chosen node.
    Feasible { tied: Vec<String>, delayed: Vec<ObjectKey> },
}

/// `minFeasibleNodesToFind`: below this many nodes every node is scored.
const MIN_FEASIBLE_NODES_TO_FIND: usize = 100;
/// `minFeasibleNodesPercentageToFind`: the adaptive percentage's floor.
const MIN_FEASIBLE_NODES_PERCENTAGE_TO_FIND: usize = 5;

/// `numFeasibleNodesToFind` with `percentageOfNodesToScore` unset (kubeadm's
/// default): the scheduler stops filtering once it has found this many feasible
/// nodes — every node below 100, else `50 - nodes/125` percent (at least 5%) of
/// them, but never fewer than 100. What keeps 30,000 pods on 1,000 nodes from
/// costing pods × nodes.
fn feasible_nodes_to_find(all: usize) -> usize {
    if all < MIN_FEASIBLE_NODES_TO_FIND {
        return all;
    }
    let percentage = 50usize.saturating_sub(all / 125).max(MIN_FEASIBLE_NODES_PERCENTAGE_TO_FIND);
    (all * percentage / 100).max(MIN_FEASIBLE_NODES_TO_FIND)
}

/// Filters the nodes from `start` round the list (`findNodesThatPassFilters`), stopping
/// at [`feasible_nodes_to_find`] feasible ones, then scores those. Also returns how many
/// nodes were looked at, which moves the next pod's starting node
/// (`nextStartNodeIndex`), so every node gets its turn across pods.
fn decide(c: &Cluster, pod: &Pod, usage: &BTreeMap<String, NodeUsage>, allocatables: &[(i64, i64, i64)], start: usize) -> (Decision, usize) {
    let n = c.store.nodes.len();
    let volumes = volume_binding::check(c, pod);
    if volumes.waiting {
        return (Decision::Waiting, 0);
    }
    if let Some(reason) = &volumes.unschedulable {
        let message = format!("0/{n} nodes are available: {reason}. preemption: 0/{n} nodes are available: {n} Preemption is not helpful for scheduling.");
        return (Decision::Unschedulable(message), 0);
    }
    let empty = NodeUsage::default();
    let wanted = feasible_nodes_to_find(n);
    let start = if n == 0 { 0 } else { start % n };
    let my_owner = owner_uid(pod);
    let mut reasons: BTreeMap<Rejection, usize> = BTreeMap::new();
    // (list index, score, name) of each feasible node.
    let mut feasible: Vec<(usize, i64, &str)> = Vec::new();
    let (cpu, mem) = pod_requests(pod);
    let wants = Wants { cpu, mem };
    let listed = || c.store.nodes.list(None).zip(allocatables.iter().copied()).enumerate();
    let mut processed = 0;
    for (i, (node, alloc)) in listed().skip(start).chain(listed().take(start)) {
        if feasible.len() == wanted {
            break;
        }
        processed += 1;
        let name = node.metadata.name.as_deref().unwrap_or("");
        let on_node = usage.get(name).unwrap_or(&empty);
        let verdict = filter(node, alloc, pod, &wants, on_node).and_then(|()| if volumes.allows(name) { Ok(()) } else { Err(volume_binding::NODE_CONFLICT) });
        match verdict {
            Err(r) => *reasons.entry(r).or_default() += 1,
            // LeastAllocated in spirit: fewer pods is better; siblings of the
            // same controller weigh more (PodTopologySpread's default soft spread).
            Ok(()) => feasible.push((i, -on_node.pods - 10 * on_node.siblings(my_owner), name)),
        }
    }
    if feasible.is_empty() {
        return (Decision::Unschedulable(fit_error(n, &reasons)), processed);
    }
    // Ties are broken at random among the best, taken in list order wherever the
    // search began.
    crate::sorting::sort_by_key(&mut feasible, |(i, _, _)| *i);
    let best = feasible.iter().map(|(_, s, _)| *s).max().unwrap_or(0);
    let tied = feasible.iter().filter(|(_, s, _)| *s == best).map(|(_, _, n)| n.to_string()).collect();
    (Decision::Feasible { tied, delayed: volumes.delayed }, processed)
}

fn schedule_one(c: &mut Cluster, key: &ObjectKey, usage: &mut BTreeMap<String, NodeUsage>, allocatables: &[(i64, i64, i64)]) -> Attempt {
    let Some(pod) = c.store.pods.get(key).cloned() else { return Attempt::Waiting };
    let (decision, processed) = decide(c, &pod, usage, allocatables, c.next_start_node_index);
    let nodes = c.store.nodes.len().max(1);
    c.next_start_node_index = (c.next_start_node_index + processed) % nodes;
    let (tied, delayed) = match decision {
        Decision::Waiting => return Attempt::Waiting,
        Decision::Unschedulable(message) => {
            unschedulable(c, key, &pod, message);
            return Attempt::Unschedulable;
        }
        Decision::Feasible { tied, delayed } => (tied, delayed),
    };
    let now = c.now();
    let chosen = tied[c.rng.below(tied.len())].clone();
    if !delayed.is_empty() {
        // The claims learn the node; binding the pod waits for their volumes.
        volume_binding::select_node(c, &delayed, &chosen);
        return Attempt::Waiting;
    }
    if holds_resources(&pod) {
        usage.entry(chosen.clone()).or_default().add(&pod);
    }
    c.store.modify::<Pod>(key, |p| {
        p.spec.get_or_insert_with(Default::default).node_name = Some(chosen.clone());
        set_condition(
            p,
            PodCondition {
                type_: "PodScheduled".into(),
                status: "True".into(),
                last_transition_time: Some(now.to_k8s()),
                ..Default::default()
            },
        );
    });
    c.store.record_event(
        now,
        NewEvent {
            involved: reference_to(&pod),
            type_: "Normal",
            reason: "Scheduled",
            message: format!("Successfully assigned {}/{} to {chosen}", key.namespace, key.name),
            component: "default-scheduler",
            host: None,
        },
    );
    Attempt::Bound
}

/// Marks the pod unschedulable with `message` and records `FailedScheduling` (once
/// per distinct message).
fn unschedulable(c: &mut Cluster, key: &ObjectKey, pod: &Pod, message: String) {
    let now = c.now();
    let current = pod_condition(pod, "PodScheduled").and_then(|cnd| cnd.message.clone());
    if current.as_deref() == Some(message.as_str()) {
        return;
    }
    c.store.modify::<Pod>(key, |p| {
        set_condition(
            p,
            PodCondition {
                type_: "PodScheduled".into(),
                status: "False".into(),
                reason: Some("Unschedulable".into()),
                message: Some(message.clone()),
                last_transition_time: Some(now.to_k8s()),
                ..Default::default()
            },
        );
        p.status.get_or_insert_with(Default::default).phase = Some("Pending".into());
    });
    c.store.record_event(
        now,
        NewEvent {
            involved: reference_to(pod),
            type_: "Warning",
            reason: "FailedScheduling",
            message,
            component: "default-scheduler",
            host: None,
        },
    );
}

pub fn pod_condition<'a>(pod: &'a Pod, type_: &str) -> Option<&'a PodCondition> {
    pod.status.as_ref()?.conditions.as_ref()?.iter().find(|c| c.type_ == type_)
}

/// Replaces or adds a condition, keeping `lastTransitionTime` when the status is unchanged.
pub fn set_condition(pod: &mut Pod, cond: PodCondition) {
    let conds = pod.status.get_or_insert_with(Default::default).conditions.get_or_insert_with(Vec::new);
    match conds.iter_mut().find(|c| c.type_ == cond.type_) {
        Some(existing) => {
            let keep_time = existing.status == cond.status;
            let time = existing.last_transition_time.clone();
            *existing = cond;
            if keep_time {
                existing.last_transition_time = time;
            }
        }
        None => conds.push(cond),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fit_error_matches_the_scheduler_text() {
        let mut r = BTreeMap::new();
        r.insert("node(s) had untolerated taint(s)", 1);
        r.insert("Insufficient cpu", 2);
        assert_eq!(
            fit_error(3, &r),
            "0/3 nodes are available: 1 node(s) had untolerated taint(s), 2 Insufficient cpu. preemption: 0/3 nodes are available: 1 Preemption is not helpful for scheduling, 2 No preemption victims found for incoming pod."
        );
    }

    fn node_of(c: &Cluster, pod: &str) -> Option<String> {
        c.store.pods.get(&ObjectKey::new("default", pod)).and_then(|p| p.spec.as_ref()?.node_name.clone())
    }

    fn run(c: &mut Cluster, name: &str, spec: serde_json::Value) {
        let pod: Pod = serde_json::from_value(serde_json::json!({
            "metadata": {"name": name, "namespace": "default"},
            "spec": spec,
        }))
        .unwrap();
        c.create(pod).unwrap();
        c.settle();
    }

    /// A pod in the unschedulable queue is tried again when a node changes, and
    /// when pods leave a full node; not before.
    #[test]
    fn the_unschedulable_queue_moves_on_cluster_events() {
        let mut c = Cluster::new(crate::ClusterConfig::default());
        run(&mut c, "ssd", serde_json::json!({"nodeSelector": {"disk": "ssd"}, "containers": [{"name": "ssd", "image": "nginx"}]}));
        assert_eq!(node_of(&c, "ssd"), None);
        let ssd = ObjectKey::new("default", "ssd");
        let tried_at = c.scheduler.unschedulable.get(&ssd).copied().expect("queued");
        // A kubelet's post of its images (or a heartbeat) moves no pod: not tried again.
        c.store.modify::<Node>(&ObjectKey::new("", "node01"), |n| {
            let images = n.status.get_or_insert_with(Default::default).images.get_or_insert_with(Vec::new);
            images.push(k8s_openapi::api::core::v1::ContainerImage { names: Some(vec!["example/x:1".into()]), size_bytes: Some(1) });
        });
        c.settle();
        assert_eq!(c.scheduler.unschedulable.get(&ssd), Some(&tried_at), "not tried again after an image post");
        c.store.modify::<Node>(&ObjectKey::new("", "node01"), |n| {
            n.metadata.labels.get_or_insert_with(Default::default).insert("disk".into(), "ssd".into());
        });
        c.settle();
        assert_eq!(node_of(&c, "ssd").as_deref(), Some("node01"));
        // Two workers of 2 CPUs (calico-node takes 250m each): a third 1500m pod waits
        // until one of the first two is deleted.
        for name in ["a", "b", "c"] {
            let requests = serde_json::json!({"requests": {"cpu": "1500m"}});
            run(&mut c, name, serde_json::json!({"containers": [{"name": name, "image": "nginx", "resources": requests}]}));
        }
        assert!(node_of(&c, "a").is_some() && node_of(&c, "b").is_some());
        assert_eq!(node_of(&c, "c"), None);
        c.advance_by(30_000);
        assert_eq!(node_of(&c, "c"), None);
        c.delete::<Pod>("default", "a", crate::api::deletion::DeleteOptions::default()).unwrap();
        c.settle();
        c.advance_by(60_000);
        assert!(node_of(&c, "c").is_some());
    }

    /// `numFeasibleNodesToFind` as schedule_one_test.go has it.
    #[test]
    fn the_share_of_nodes_searched_shrinks_with_the_cluster() {
        let cases = [(3, 3), (99, 99), (100, 100), (150, 100), (300, 144), (1_000, 420), (1_500, 570), (6_000, 300), (10_000, 500)];
        for (all, wanted) in cases {
            assert_eq!(feasible_nodes_to_find(all), wanted, "{all} nodes");
        }
    }

    /// From 100 nodes on, the search stops at the feasible nodes it needs and the next
    /// pod's search begins where this one ended (`nextStartNodeIndex`); below that,
    /// every node is looked at and the start stays put.
    #[test]
    fn the_search_goes_round_the_nodes() {
        let mut c = Cluster::empty(crate::ClusterConfig::default());
        let default: k8s_openapi::api::core::v1::Namespace = serde_json::from_value(serde_json::json!({"metadata": {"name": "default"}})).unwrap();
        c.create(default).unwrap();
        let node = |i: usize| -> Node {
            serde_json::from_value(serde_json::json!({
                "metadata": {"name": format!("n{i:03}")},
                "status": {"allocatable": {"cpu": "2", "memory": "2Gi", "pods": "110"}},
            }))
            .unwrap()
        };
        for i in 0..99 {
            c.create(node(i)).unwrap();
        }
        let pod = serde_json::json!({"containers": [{"name": "c", "image": "nginx"}]});
        run(&mut c, "p0", pod.clone());
        assert!(node_of(&c, "p0").is_some());
        assert_eq!(c.next_start_node_index, 0);
        // 120 nodes: 100 feasible ones are enough, so 100 are looked at.
        for i in 99..120 {
            c.create(node(i)).unwrap();
        }
        run(&mut c, "p1", pod.clone());
        assert_eq!(c.next_start_node_index, 100);
        run(&mut c, "p2", pod.clone());
        assert_eq!(c.next_start_node_index, 80);
        // Nodes that do not fit count as looked at: with n100..n119 cordoned, a
        // search from n080 passes 20 rejected nodes on its way to 100 feasible ones,
        // and so goes all the way round.
        for i in 100..120 {
            c.store.modify::<Node>(&ObjectKey::new("", &format!("n{i:03}")), |n| n.spec.get_or_insert_with(Default::default).unschedulable = Some(true));
        }
        run(&mut c, "p3", pod.clone());
        assert_eq!(c.next_start_node_index, 80);
        let n = node_of(&c, "p3").unwrap();
        assert!(n.as_str() < "n100", "p3 on {n}");
    }

    #[test]
    fn toleration_matching() {
        let taint = Taint { key: "node-role.kubernetes.io/control-plane".into(), effect: "NoSchedule".into(), ..Default::default() };
        let exists_all = Toleration { operator: Some("Exists".into()), ..Default::default() };
        assert!(tolerates(&[exists_all], &taint));
        let other = Toleration { key: Some("x".into()), operator: Some("Exists".into()), ..Default::default() };
        assert!(!tolerates(&[other], &taint));
    }
}
