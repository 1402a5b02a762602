//! The DaemonSet controller (k/k pkg/controller/daemon): one pod per eligible node.
//! A node is eligible when it matches the template's nodeSelector and every
//! NoSchedule/NoExecute taint is tolerated by the template's tolerations plus the
//! ones the controller adds to every daemon pod (not-ready, unreachable, pressure,
//! unschedulable — so cordoned and NotReady nodes keep their daemons). Each pod is
//! pinned to its node by a `metadata.name` node-affinity term and bound by the
//! default scheduler. Updates roll node by node (`maxUnavailable`, default 1):
//! pods whose `controller-revision-hash` is not the template's are replaced.

use std::collections::BTreeMap;

use k8s_openapi::api::apps::v1::{DaemonSet, DaemonSetStatus};
use k8s_openapi::api::core::v1::{
    Affinity, Node, NodeAffinity, NodeSelector, NodeSelectorRequirement, NodeSelectorTerm, Pod, Taint, Toleration,
};
use k8s_openapi::apimachinery::pkg::util::intstr::IntOrString;

use super::ownership::{controller_ref, pod_from_template};
use super::quiet;
use super::scheduler::tolerates;
use crate::api::deletion::DeleteOptions;
use crate::api::store::{reference_to, NewEvent};
use crate::api::ObjectKey;
use crate::cluster::Cluster;
use crate::names::template_hash;

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

/// Whether a daemon pod should run on `node` (`NodeShouldRunDaemonPod`).
fn should_run(ds: &DaemonSet, node: &Node) -> bool {
    let spec = ds.spec.as_ref().and_then(|s| s.template.spec.as_ref());
    if let Some(sel) = spec.and_then(|s| s.node_selector.as_ref()) {
        let labels = node.metadata.labels.clone().unwrap_or_default();
        if sel.iter().any(|(k, v)| labels.get(k) != Some(v)) {
            return false;
        }
    }
    let mut tolerations = spec.and_then(|s| s.tolerations.clone()).unwrap_or_default();
    tolerations.extend(daemon_tolerations(spec.and_then(|s| s.host_network).unwrap_or(false)));
    let taints: Vec<Taint> = node.spec.as_ref().and_then(|s| s.taints.clone()).unwrap_or_default();
    taints
        .iter()
        .filter(|t| t.effect == "NoSchedule" || t.effect == "NoExecute")
        .all(|t| tolerates(&tolerations, t))
}

fn pod_is_ready(p: &Pod) -> bool {
    p.status
        .as_ref()
        .and_then(|s| s.conditions.as_ref())
        .is_some_and(|cs| cs.iter().any(|c| c.type_ == "Ready" && c.status == "True"))
}

fn hash_of(p: &Pod) -> Option<&str> {
    p.metadata.labels.as_ref()?.get("controller-revision-hash").map(String::as_str)
}

const COMPONENT: &str = "daemonset-controller";

pub fn reconcile(c: &mut Cluster) {
    let sets: Vec<DaemonSet> = c.store.daemonsets.list(None).filter(|d| d.metadata.deletion_timestamp.is_none()).cloned().collect();
    if sets.is_empty() {
        return;
    }
    // Only sets whose object or pods changed since the last round, or all of them
    // when the nodes changed.
    let since = c.quiet.advance(COMPONENT, c.store.revision());
    let dirty = quiet::dirty_owners(&c.store.daemonsets, &[c.store.pods.index()], since)
        .filter(|_| c.store.nodes.index().revision() <= since);
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
struct Plan {
    to_create: Vec<String>,
    to_delete: Vec<ObjectKey>,
    status: DaemonSetStatus,
}

fn plan(c: &Cluster, ds: &DaemonSet, hash: &str) -> Plan {
    let uid = ds.metadata.uid.clone().unwrap_or_default();
    let ns = ds.metadata.namespace.clone().unwrap_or_default();
    let mut by_node: BTreeMap<String, Vec<&Pod>> = BTreeMap::new();
    for p in c.store.pods.controlled_by(&uid).filter(|p| p.metadata.namespace.as_deref() == Some(ns.as_str())) {
        if let Some(n) = pinned_node(p) {
            by_node.entry(n).or_default().push(p);
        }
    }
    let mut to_create: Vec<String> = Vec::new();
    let mut to_delete: Vec<ObjectKey> = Vec::new();
    let mut status = DaemonSetStatus { observed_generation: ds.metadata.generation, ..Default::default() };
    let mut old_available: Vec<ObjectKey> = Vec::new();
    let mut unavailable = 0;
    for node in c.store.nodes.list(None) {
        let node_name = node.metadata.name.clone().unwrap_or_default();
        let pods = by_node.remove(&node_name).unwrap_or_default();
        let live: Vec<&Pod> = pods.into_iter().filter(|p| p.metadata.deletion_timestamp.is_none()).collect();
        // A failed daemon pod is deleted and replaced (`podsShouldBeOnNode`).
        let (failed, live): (Vec<&Pod>, Vec<&Pod>) = live
            .into_iter()
            .partition(|p| p.status.as_ref().and_then(|s| s.phase.as_deref()) == Some("Failed"));
        to_delete.extend(failed.iter().map(|p| ObjectKey::of(&p.metadata)));
        if !should_run(ds, node) {
            // Not eligible: pods that tolerate the NoExecute taints may stay (misscheduled).
            if !live.is_empty() {
                status.number_misscheduled += 1;
            }
            let keep = live.iter().all(|p| no_execute_tolerated(p, node));
            if !keep {
                to_delete.extend(live.iter().map(|p| ObjectKey::of(&p.metadata)));
            }
            continue;
        }
        status.desired_number_scheduled += 1;
        match live.as_slice() {
            [] => {
                to_create.push(node_name);
                unavailable += 1;
            }
            [pod, extra @ ..] => {
                to_delete.extend(extra.iter().map(|p| ObjectKey::of(&p.metadata)));
                status.current_number_scheduled += 1;
                let ready = pod_is_ready(pod);
                let updated = hash_of(pod) == Some(hash);
                if ready {
                    status.number_ready += 1;
                    *status.number_available.get_or_insert(0) += 1;
                } else {
                    unavailable += 1;
                }
                if updated {
                    *status.updated_number_scheduled.get_or_insert(0) += 1;
                } else if ready {
                    old_available.push(ObjectKey::of(&pod.metadata));
                } else {
                    // An old pod that is not available anyway goes first.
                    to_delete.push(ObjectKey::of(&pod.metadata));
                }
            }
        }
    }
    // Pods pinned to nodes that no longer exist are the pod GC's business.
    let strategy = ds.spec.as_ref().and_then(|s| s.update_strategy.as_ref());
    if strategy.and_then(|s| s.type_.as_deref()).unwrap_or("RollingUpdate") == "RollingUpdate" {
        let max_unavailable = strategy
            .and_then(|s| s.rolling_update.as_ref())
            .and_then(|r| r.max_unavailable.as_ref())
            .map(|v| resolve_int_or_percent(v, status.desired_number_scheduled, false))
            .unwrap_or(1)
            .max(1);
        let budget = (max_unavailable - unavailable).max(0) as usize;
        to_delete.extend(old_available.into_iter().take(budget));
    }
    status.number_unavailable = Some(status.desired_number_scheduled - status.number_available.unwrap_or(0)).filter(|n| *n > 0);
    Plan { to_create, to_delete, status }
}

fn sync(c: &mut Cluster, ds: &DaemonSet) {
    let ns = ds.metadata.namespace.clone().unwrap_or_default();
    let name = ds.metadata.name.clone().unwrap_or_default();
    let hash = revision_hash(ds);
    let Plan { to_create, to_delete, status } = plan(c, ds, &hash);
    for key in to_delete {
        if c.delete::<Pod>(&key.namespace, &key.name, DeleteOptions::default()).is_err() {
            continue;
        }
        event(c, ds, "SuccessfulDelete", format!("Deleted pod: {}", key.name));
    }
    for node in to_create {
        let mut pod = pod_from_template(&ds.spec.as_ref().map(|s| s.template.clone()).unwrap_or_default(), &ns, &format!("{name}-"), controller_ref(ds));
        let labels = pod.metadata.labels.get_or_insert_with(Default::default);
        labels.insert("controller-revision-hash".into(), hash.clone());
        labels.insert("pod-template-generation".into(), ds.metadata.generation.unwrap_or(1).to_string());
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

    #[test]
    fn percentages_round_as_asked() {
        assert_eq!(resolve_int_or_percent(&IntOrString::String("25%".into()), 3, false), 0);
        assert_eq!(resolve_int_or_percent(&IntOrString::String("25%".into()), 3, true), 1);
        assert_eq!(resolve_int_or_percent(&IntOrString::Int(2), 3, true), 2);
    }
}
