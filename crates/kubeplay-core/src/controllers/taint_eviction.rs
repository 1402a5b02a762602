//! The taint-eviction controller (k/k pkg/controller/tainteviction): a pod on a node
//! with `NoExecute` taints is deleted at once when it does not tolerate one of them,
//! or when the shortest `tolerationSeconds` of the tolerations it uses has passed
//! since the taint was added. Before deleting it adds the `DisruptionTarget`
//! condition (`DeletionByTaintManager`) and records `TaintManagerEviction`.

use std::collections::BTreeMap;

use k8s_openapi::api::core::v1::{Pod, PodCondition, Taint, Toleration};

use super::scheduler::{set_condition, tolerates};
use crate::api::deletion::DeleteOptions;
use crate::api::store::{reference_to, NewEvent};
use crate::api::ObjectKey;
use crate::cluster::Cluster;
use crate::time::SimTime;

/// When a pod on a node with these NoExecute taints must go: `Some(now-or-past)`
/// for an untolerated taint, the earliest toleration deadline, or `None` (stays).
pub fn eviction_deadline(taints: &[&Taint], tolerations: &[Toleration]) -> Option<SimTime> {
    let mut deadline: Option<SimTime> = None;
    for taint in taints {
        let added = taint.time_added.as_ref().map(SimTime::from_k8s).unwrap_or_default();
        let used: Vec<&Toleration> = tolerations.iter().filter(|t| tolerates(std::slice::from_ref(*t), taint)).collect();
        if used.is_empty() {
            return Some(SimTime(i64::MIN));
        }
        // `getMinTolerationTime`: no seconds on any used toleration means forever.
        let secs = used.iter().filter_map(|t| t.toleration_seconds).min();
        if used.iter().any(|t| t.toleration_seconds.is_none()) && secs.is_none() {
            continue;
        }
        if let Some(secs) = secs {
            let at = added.plus_ms(secs.max(0) * 1000);
            deadline = Some(deadline.map_or(at, |d| d.min(at)));
        }
    }
    deadline
}

pub fn reconcile(c: &mut Cluster) {
    let mut noexec: BTreeMap<String, Vec<Taint>> = BTreeMap::new();
    for n in c.store.nodes.list(None) {
        let taints: Vec<Taint> = n.spec.as_ref().and_then(|s| s.taints.clone()).unwrap_or_default().into_iter().filter(|t| t.effect == "NoExecute").collect();
        if !taints.is_empty() {
            noexec.insert(n.metadata.name.clone().unwrap_or_default(), taints);
        }
    }
    if noexec.is_empty() {
        return;
    }
    let now = c.now();
    let mut due: Vec<ObjectKey> = Vec::new();
    let mut wake: Vec<SimTime> = Vec::new();
    // Only the pods of tainted nodes, found through the node index, in list order.
    let mut pods: Vec<&Pod> = noexec.keys().flat_map(|node| c.store.pods.on_node(node)).collect();
    crate::sorting::sort_by(&mut pods, |a, b| (&a.metadata.namespace, &a.metadata.name).cmp(&(&b.metadata.namespace, &b.metadata.name)));
    for p in pods.into_iter().filter(|p| p.metadata.deletion_timestamp.is_none()) {
        let Some(node) = p.spec.as_ref().and_then(|s| s.node_name.as_deref()) else { continue };
        let Some(taints) = noexec.get(node) else { continue };
        let tolerations = p.spec.as_ref().and_then(|s| s.tolerations.as_deref()).unwrap_or(&[]);
        let refs: Vec<&Taint> = taints.iter().collect();
        match eviction_deadline(&refs, tolerations) {
            Some(at) if at <= now => due.push(ObjectKey::of(&p.metadata)),
            Some(at) => wake.push(at),
            None => {}
        }
    }
    for at in wake {
        c.wake_at(at);
    }
    for key in due {
        evict(c, &key);
    }
}

/// `addConditionAndDeletePod` plus the `TaintManagerEviction` event.
fn evict(c: &mut Cluster, key: &ObjectKey) {
    let now = c.now();
    let Some(pod) = c.store.pods.get(key).cloned() else { return };
    let mut involved = reference_to(&pod);
    involved.resource_version = None;
    c.store.record_event(
        now,
        NewEvent {
            involved,
            type_: "Normal",
            reason: "TaintManagerEviction",
            message: format!("Marking for deletion Pod {}/{}", key.namespace, key.name),
            component: "taint-eviction-controller",
            host: None,
        },
    );
    c.store.modify::<Pod>(key, |p| {
        set_condition(
            p,
            PodCondition {
                type_: "DisruptionTarget".into(),
                status: "True".into(),
                reason: Some("DeletionByTaintManager".into()),
                message: Some("Taint manager: deleting due to NoExecute taint".into()),
                last_transition_time: Some(now.to_k8s()),
                ..Default::default()
            },
        );
    });
    let _ = c.delete::<Pod>(&key.namespace, &key.name, DeleteOptions::default());
}

#[cfg(test)]
mod tests {
    use super::*;

    fn taint(key: &str, at: i64) -> Taint {
        Taint { key: key.into(), effect: "NoExecute".into(), time_added: Some(SimTime(at).to_k8s()), value: None }
    }

    fn tol(key: &str, secs: Option<i64>) -> Toleration {
        Toleration { key: Some(key.into()), operator: Some("Exists".into()), effect: Some("NoExecute".into()), toleration_seconds: secs, ..Default::default() }
    }

    #[test]
    fn default_tolerations_evict_after_five_minutes() {
        let t = taint("node.kubernetes.io/unreachable", 60_000);
        let tols = [tol("node.kubernetes.io/not-ready", Some(300)), tol("node.kubernetes.io/unreachable", Some(300))];
        assert_eq!(eviction_deadline(&[&t], &tols), Some(SimTime(360_000)));
    }

    #[test]
    fn untolerated_evicts_now_and_forever_tolerations_never() {
        let t = taint("dedicated", 0);
        assert_eq!(eviction_deadline(&[&t], &[]), Some(SimTime(i64::MIN)));
        let u = taint("node.kubernetes.io/unreachable", 0);
        assert_eq!(eviction_deadline(&[&u], &[tol("node.kubernetes.io/unreachable", None)]), None);
        let all = Toleration { operator: Some("Exists".into()), ..Default::default() };
        assert_eq!(eviction_deadline(&[&t, &u], &[all]), None);
    }
}
