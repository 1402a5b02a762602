//! `kubectl describe replicaset` (describe.go `describeReplicaSet`): the owner,
//! `Replicas: 3 current / 3 desired`, the phases of the pods it controls, its
//! pod template, conditions and events.

use k8s_openapi::api::apps::v1::ReplicaSet;
use k8s_openapi::api::core::v1::Pod;

use super::fields;
use super::pod_spec::pod_template;
use super::workload::{conditions, events};
use super::writer::{PrefixWriter, LEVEL_0};
use super::{Settings, Target};
use crate::api::selectors::selects;
use crate::api::{ApiError, ApiKind};
use crate::cluster::Cluster;
use crate::controllers::ownership::is_controlled_by;
use crate::kubectl::printers::apps::format_label_selector;

/// `getPodStatusForController`: running, waiting, succeeded, failed among the
/// selected pods this set controls.
pub fn pod_phases(cluster: &Cluster, rs: &ReplicaSet) -> [usize; 4] {
    let uid = rs.metadata.uid.as_deref().unwrap_or("");
    let selector = rs.spec.as_ref().map(|s| s.selector.clone()).unwrap_or_default();
    let mut counts = [0; 4];
    let pods = cluster.store.pods.list(rs.metadata.namespace.as_deref());
    for pod in pods.filter(|p: &&Pod| selects(&selector, p.metadata.labels.as_ref()) && is_controlled_by(&p.metadata, uid)) {
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

pub fn describe(cluster: &Cluster, t: &Target, settings: &Settings) -> Result<String, ApiError> {
    let rs = cluster.store.get::<ReplicaSet>(t.namespace, t.name).ok_or_else(|| ApiError::not_found(&ReplicaSet::qualified_resource(), t.name))?;
    let m = &rs.metadata;
    let spec = rs.spec.clone().unwrap_or_default();
    let mut w = PrefixWriter::new();
    w.write(LEVEL_0, &format!("Name:\t{}\n", t.name));
    w.write(LEVEL_0, &format!("Namespace:\t{}\n", t.namespace));
    w.write(LEVEL_0, &format!("Selector:\t{}\n", format_label_selector(Some(&spec.selector))));
    fields::labels(&mut w, "Labels", m.labels.as_ref());
    fields::annotations(&mut w, "Annotations", m.annotations.as_ref());
    if let Some(owner) = m.owner_references.iter().flatten().find(|o| o.controller == Some(true)) {
        w.write(LEVEL_0, &format!("Controlled By:\t{}/{}\n", owner.kind, owner.name));
    }
    let current = rs.status.as_ref().map(|s| s.replicas).unwrap_or(0);
    w.write(LEVEL_0, &format!("Replicas:\t{current} current / {} desired\n", spec.replicas.unwrap_or(1)));
    let [running, waiting, succeeded, failed] = pod_phases(cluster, rs);
    w.write(LEVEL_0, "Pods Status:\t");
    w.write(LEVEL_0, &format!("{running} Running / {waiting} Waiting / {succeeded} Succeeded / {failed} Failed\n"));
    pod_template(&mut w, spec.template.as_ref());
    let conds = rs.status.iter().flat_map(|s| s.conditions.iter().flatten()).map(|c| (c.type_.as_str(), c.status.as_str(), c.reason.as_deref().unwrap_or("")));
    conditions(&mut w, conds);
    events(&mut w, cluster, t, settings, "ReplicaSet", m.uid.as_deref().unwrap_or(""));
    Ok(w.finish())
}
