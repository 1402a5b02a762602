//! `kubectl describe replicaset` (describe.go `describeReplicaSet`): the owner,
//! `Replicas: 3 current / 3 desired`, the phases of the pods it controls, its
//! pod template, conditions and events.

use k8s_openapi::api::apps::v1::ReplicaSet;

use super::fields;
use super::pod_spec::pod_template;
use super::workload::{conditions, controlled_by, events, pods_status};
use super::writer::{PrefixWriter, LEVEL_0};
use super::{Settings, Target};
use crate::api::{ApiError, ApiKind};
use crate::cluster::Cluster;
use crate::kubectl::printers::apps::format_label_selector;

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
    controlled_by(&mut w, m);
    let current = rs.status.as_ref().map(|s| s.replicas).unwrap_or(0);
    w.write(LEVEL_0, &format!("Replicas:\t{current} current / {} desired\n", spec.replicas.unwrap_or(1)));
    pods_status(&mut w, cluster, m, &spec.selector);
    pod_template(&mut w, spec.template.as_ref());
    let conds = rs.status.iter().flat_map(|s| s.conditions.iter().flatten()).map(|c| (c.type_.as_str(), c.status.as_str(), c.reason.as_deref().unwrap_or("")));
    conditions(&mut w, conds);
    events(&mut w, cluster, t, settings, "ReplicaSet", m.uid.as_deref().unwrap_or(""));
    Ok(w.finish())
}
