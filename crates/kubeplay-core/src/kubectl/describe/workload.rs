//! What the workload describers share: the `Conditions:` block of Deployments
//! and ReplicaSets (`"%v \t%v\t%v\n"`: the trailing space after the type is
//! kubectl's), `ReplicaSet (n/m replicas created)` lists, the `Pods Status:` line
//! of ReplicaSets and DaemonSets, and the events block.

use k8s_openapi::api::apps::v1::ReplicaSet;
use k8s_openapi::api::core::v1::Pod;
use k8s_openapi::apimachinery::pkg::apis::meta::v1::{LabelSelector, ObjectMeta};

use super::events::{describe_events, search, EventQuery};
use super::writer::{PrefixWriter, LEVEL_0, LEVEL_1};
use super::{Settings, Target};
use crate::api::selectors::selects;
use crate::cluster::Cluster;
use crate::controllers::ownership::is_controlled_by;

/// `Conditions:` with Type/Status/Reason columns; nothing when there are none.
pub fn conditions<'a>(w: &mut PrefixWriter, conds: impl Iterator<Item = (&'a str, &'a str, &'a str)>) {
    let rows: Vec<_> = conds.collect();
    if rows.is_empty() {
        return;
    }
    w.write(LEVEL_0, "Conditions:\n  Type\tStatus\tReason\n");
    w.write(LEVEL_1, "----\t------\t------\n");
    for (type_, status, reason) in rows {
        w.write(LEVEL_1, &format!("{type_} \t{status}\t{reason}\n"));
    }
}

/// `printReplicaSetsByLabels`: `web-7854ff8877 (3/3 replicas created), …` or `<none>`.
pub fn replica_sets(sets: &[&ReplicaSet]) -> String {
    let list: Vec<String> = sets
        .iter()
        .map(|rs| {
            let current = rs.status.as_ref().map(|s| s.replicas).unwrap_or(0);
            let desired = rs.spec.as_ref().and_then(|s| s.replicas).unwrap_or(1);
            format!("{} ({current}/{desired} replicas created)", rs.metadata.name.as_deref().unwrap_or(""))
        })
        .collect();
    if list.is_empty() { "<none>".into() } else { list.join(", ") }
}

/// The `Events:` block about the object of `kind`, when events are shown.
pub fn events(w: &mut PrefixWriter, cluster: &Cluster, t: &Target, settings: &Settings, kind: &str, uid: &str) {
    if settings.show_events {
        let found = search(cluster, &EventQuery { name: t.name, namespace: t.namespace, kind: Some(kind), uid });
        describe_events(w, &found, cluster.now());
    }
}

/// `getPodStatusForController`: running, waiting, succeeded, failed among the
/// selected pods in the controller's namespace that it controls.
pub fn pod_phases(cluster: &Cluster, owner: &ObjectMeta, selector: &LabelSelector) -> [usize; 4] {
    let uid = owner.uid.as_deref().unwrap_or("");
    let mut counts = [0; 4];
    let pods = cluster.store.pods.list(owner.namespace.as_deref());
    for pod in pods.filter(|p: &&Pod| selects(selector, p.metadata.labels.as_ref()) && is_controlled_by(&p.metadata, uid)) {
        match pod.status.as_ref().and_then(|s| s.phase.as_deref()) {
            Some("Running") => counts[0] += 1,
            Some("Pending") => counts[1] += 1,
            Some("Succeeded") => counts[2] += 1,
            Some("Failed") => counts[3] += 1,
            _ => {}
        }
    }
    counts
}

/// `Pods Status:\t1 Running / 0 Waiting / 0 Succeeded / 0 Failed`.
pub fn pods_status(w: &mut PrefixWriter, cluster: &Cluster, owner: &ObjectMeta, selector: &LabelSelector) {
    let [running, waiting, succeeded, failed] = pod_phases(cluster, owner, selector);
    w.write(LEVEL_0, &format!("Pods Status:\t{running} Running / {waiting} Waiting / {succeeded} Succeeded / {failed} Failed\n"));
}

/// `printController`: `Controlled By:\tKind/name` when the object has a controller.
pub fn controlled_by(w: &mut PrefixWriter, m: &ObjectMeta) {
    if let Some(owner) = m.owner_references.iter().flatten().find(|o| o.controller == Some(true)) {
        w.write(LEVEL_0, &format!("Controlled By:\t{}/{}\n", owner.kind, owner.name));
    }
}
