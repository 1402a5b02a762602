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
#[derive(Clone, Debug, Default)]
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

/// Runs the filters in the scheduler's plugin order; the first failing one is the reason.
fn filter(node: &Node, pod: &Pod, on_node: &NodeUsage) -> Result<(), Rejection> {
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
        let labels = node.metadata.labels.clone().unwrap_or_default();
        if selector.iter().any(|(k, v)| labels.get(k) != Some(v)) {
            return Err("node(s) didn't match Pod's node affinity/selector");
        }
    }
    if !node_affinity_matches(pod, node) {
        return Err("node(s) didn't match Pod's node affinity/selector");
    }
    let (cap_cpu, cap_mem, max_pods) = allocatable(node);
    if on_node.pods + 1 > max_pods {
        return Err("Too many pods");
    }
    let (want_cpu, want_mem) = pod_requests(pod);
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
    let labels = node.metadata.labels.clone().unwrap_or_default();
    let name = node.metadata.name.clone().unwrap_or_default();
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
        let fields_ok = term.match_fields.iter().flatten().all(|r| holds((r.key == "metadata.name").then_some(&name), r));
        let labels_ok = term.match_expressions.iter().flatten().all(|r| holds(labels.get(&r.key), r));
        let empty = term.match_fields.as_ref().is_none_or(|v| v.is_empty()) && term.match_expressions.as_ref().is_none_or(|v| v.is_empty());
        !empty && fields_ok && labels_ok
    })
}

/// `0/3 nodes are available: 1 node(s) had untolerated taint(s), 2 Insufficient cpu. preemption: ...`
fn fit_error(total: usize, reasons: &BTreeMap<Rejection, usize>) -> String {
    let mut parts: Vec<String> = reasons.iter().map(|(r, n)| format!("{n} {r}")).collect();
    parts.sort();
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
    pre.sort();
    format!(
        "0/{total} nodes are available: {}. preemption: 0/{total} nodes are available: {}.",
        parts.join(", "),
        pre.join(", ")
    )
}

fn owner_uid(p: &Pod) -> Option<&str> {
    p.metadata.owner_references.as_ref()?.iter().find(|o| o.controller == Some(true)).map(|o| o.uid.as_str())
}

/// Schedules every pending pod that names the default scheduler (the table's
/// unbound-pod index is the scheduling queue).
pub fn reconcile(c: &mut Cluster) {
    let pending: Vec<ObjectKey> = c
        .store
        .pods
        .flagged(Flag::Unbound)
        .filter(|p| {
            p.spec.as_ref().and_then(|s| s.scheduler_name.as_deref()).unwrap_or("default-scheduler") == "default-scheduler"
        })
        .map(|p| ObjectKey::of(&p.metadata))
        .collect();
    if pending.is_empty() {
        return;
    }
    let nodes: Vec<Node> = c.store.nodes.list(None).cloned().collect();
    let mut usage = std::mem::take(&mut c.node_usage);
    refresh_usage(c, &nodes, &mut usage);
    for key in pending {
        schedule_one(c, &key, &nodes, &mut usage);
    }
    c.node_usage = usage;
}

/// Brings the cache of node usage up to date: only nodes whose pods changed since
/// the last refresh are summed again (all of them after a wake-up).
fn refresh_usage(c: &mut Cluster, nodes: &[Node], usage: &mut BTreeMap<String, NodeUsage>) {
    let since = c.quiet.advance("default-scheduler", c.store.revision());
    let stale: Vec<String> = if since == 0 {
        usage.clear();
        nodes.iter().filter_map(|n| n.metadata.name.clone()).collect()
    } else {
        c.store.pods.index().nodes_changed_since(since).cloned().collect()
    };
    for name in stale {
        let mut u = NodeUsage::default();
        for p in c.store.pods.on_node(&name).filter(|p| holds_resources(p)) {
            u.add(p);
        }
        usage.insert(name, u);
    }
}

fn schedule_one(c: &mut Cluster, key: &ObjectKey, nodes: &[Node], usage: &mut BTreeMap<String, NodeUsage>) {
    let Some(pod) = c.store.pods.get(key).cloned() else { return };
    let empty = NodeUsage::default();
    let mut reasons: BTreeMap<Rejection, usize> = BTreeMap::new();
    let mut feasible: Vec<(i64, String)> = Vec::new();
    let my_owner = owner_uid(&pod);
    let volumes = volume_binding::check(c, &pod);
    if volumes.waiting {
        // PreBind is waiting for the pod's volumes to be provisioned and bound.
        return;
    }
    if let Some(reason) = &volumes.unschedulable {
        let n = nodes.len();
        let message = format!("0/{n} nodes are available: {reason}. preemption: 0/{n} nodes are available: {n} Preemption is not helpful for scheduling.");
        return unschedulable(c, key, &pod, message);
    }
    for node in nodes {
        let name = node.metadata.name.clone().unwrap_or_default();
        let on_node = usage.get(&name).unwrap_or(&empty);
        let verdict = filter(node, &pod, on_node).and_then(|()| if volumes.allows(&name) { Ok(()) } else { Err(volume_binding::NODE_CONFLICT) });
        match verdict {
            Err(r) => *reasons.entry(r).or_default() += 1,
            Ok(()) => {
                // LeastAllocated in spirit: fewer pods is better; siblings of the
                // same controller weigh more (PodTopologySpread's default soft spread).
                let score = -on_node.pods - 10 * on_node.siblings(my_owner);
                feasible.push((score, name));
            }
        }
    }
    if feasible.is_empty() {
        let message = fit_error(nodes.len(), &reasons);
        return unschedulable(c, key, &pod, message);
    }
    let now = c.now();
    let best = feasible.iter().map(|(s, _)| *s).max().unwrap_or(0);
    let tied: Vec<&String> = feasible.iter().filter(|(s, _)| *s == best).map(|(_, n)| n).collect();
    let chosen = tied[c.rng.below(tied.len())].clone();
    if !volumes.delayed.is_empty() {
        // The claims learn the node; binding the pod waits for their volumes.
        volume_binding::select_node(c, &volumes.delayed, &chosen);
        return;
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

    #[test]
    fn toleration_matching() {
        let taint = Taint { key: "node-role.kubernetes.io/control-plane".into(), effect: "NoSchedule".into(), ..Default::default() };
        let exists_all = Toleration { operator: Some("Exists".into()), ..Default::default() };
        assert!(tolerates(&[exists_all], &taint));
        let other = Toleration { key: Some("x".into()), operator: Some("Exists".into()), ..Default::default() };
        assert!(!tolerates(&[other], &taint));
    }
}
