//! What the workload describers share: the `Conditions:` block of Deployments
//! and ReplicaSets (`"%v \t%v\t%v\n"`: the trailing space after the type is
//! kubectl's), `ReplicaSet (n/m replicas created)` lists, and the events block.

use k8s_openapi::api::apps::v1::ReplicaSet;

use super::events::{describe_events, search, EventQuery};
use super::writer::{PrefixWriter, LEVEL_0, LEVEL_1};
use super::{Settings, Target};
use crate::cluster::Cluster;

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
