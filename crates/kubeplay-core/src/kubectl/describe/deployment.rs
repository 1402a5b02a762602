//! `kubectl describe deployment` (describe.go `describeDeployment`): counts,
//! strategy, the pod template, conditions, the old and new ReplicaSets
//! (`GetAllReplicaSets`: every old set, scaled to zero or not, in list order)
//! and the `ScalingReplicaSet` events.

use k8s_openapi::api::apps::v1::{Deployment, ReplicaSet};
use k8s_openapi::apimachinery::pkg::util::intstr::IntOrString;

use super::fields::{self, rfc1123z_or_zero};
use super::pod_spec::pod_template;
use super::workload::{conditions, events, replica_sets};
use super::writer::{PrefixWriter, LEVEL_0};
use super::{Settings, Target};
use crate::api::{ApiError, ApiKind};
use crate::cluster::Cluster;
use crate::controllers::deployment::revisions::equal_ignore_hash;
use crate::controllers::ownership::is_controlled_by;
use crate::kubectl::printers::apps::format_label_selector;

/// `intstr.IntOrString.String()`.
pub fn int_or_string(v: Option<&IntOrString>) -> String {
    match v {
        Some(IntOrString::Int(i)) => i.to_string(),
        Some(IntOrString::String(s)) => s.clone(),
        None => "0".into(),
    }
}

/// `findNewReplicaSet` / `findOldReplicaSets` over the sets the Deployment controls.
fn old_and_new<'c>(cluster: &'c Cluster, d: &'c Deployment) -> (Vec<&'c ReplicaSet>, Option<&'c ReplicaSet>) {
    let uid = d.metadata.uid.clone().unwrap_or_default();
    let owned: Vec<&ReplicaSet> = cluster.store.replicasets.list(d.metadata.namespace.as_deref()).filter(|rs| is_controlled_by(&rs.metadata, &uid)).collect();
    let template = d.spec.as_ref().map(|s| s.template.clone()).unwrap_or_default();
    let mut by_age = owned.clone();
    crate::sorting::sort_by_key(&mut by_age, |rs| (rs.metadata.creation_timestamp.as_ref().map(|t| t.0.as_second()), rs.metadata.name.clone()));
    let new = by_age.into_iter().find(|rs| rs.spec.as_ref().and_then(|s| s.template.as_ref()).is_some_and(|t| equal_ignore_hash(t, &template)));
    let new_uid = new.and_then(|rs| rs.metadata.uid.clone());
    let old = owned.into_iter().filter(|rs| rs.metadata.uid != new_uid).collect();
    (old, new)
}

pub fn describe(cluster: &Cluster, t: &Target, settings: &Settings) -> Result<String, ApiError> {
    let d = cluster.store.get::<Deployment>(t.namespace, t.name).ok_or_else(|| ApiError::not_found(&Deployment::qualified_resource(), t.name))?;
    let m = &d.metadata;
    let spec = d.spec.clone().unwrap_or_default();
    let status = d.status.clone().unwrap_or_default();
    let mut w = PrefixWriter::new();
    w.write(LEVEL_0, &format!("Name:\t{}\n", t.name));
    w.write(LEVEL_0, &format!("Namespace:\t{}\n", t.namespace));
    w.write(LEVEL_0, &format!("CreationTimestamp:\t{}\n", rfc1123z_or_zero(m.creation_timestamp.as_ref())));
    fields::labels(&mut w, "Labels", m.labels.as_ref());
    fields::annotations(&mut w, "Annotations", m.annotations.as_ref());
    w.write(LEVEL_0, &format!("Selector:\t{}\n", format_label_selector(Some(&spec.selector))));
    w.write(
        LEVEL_0,
        &format!(
            "Replicas:\t{} desired | {} updated | {} total | {} available | {} unavailable\n",
            spec.replicas.unwrap_or(1),
            status.updated_replicas.unwrap_or(0),
            status.replicas.unwrap_or(0),
            status.available_replicas.unwrap_or(0),
            status.unavailable_replicas.unwrap_or(0)
        ),
    );
    let strategy = spec.strategy.clone().unwrap_or_default();
    w.write(LEVEL_0, &format!("StrategyType:\t{}\n", strategy.type_.as_deref().unwrap_or("")));
    w.write(LEVEL_0, &format!("MinReadySeconds:\t{}\n", spec.min_ready_seconds.unwrap_or(0)));
    if let Some(ru) = strategy.rolling_update.as_ref() {
        w.write(
            LEVEL_0,
            &format!("RollingUpdateStrategy:\t{} max unavailable, {} max surge\n", int_or_string(ru.max_unavailable.as_ref()), int_or_string(ru.max_surge.as_ref())),
        );
    }
    pod_template(&mut w, Some(&spec.template));
    let conds = status.conditions.iter().flatten().map(|c| (c.type_.as_str(), c.status.as_str(), c.reason.as_deref().unwrap_or("")));
    conditions(&mut w, conds);
    let (old, new) = old_and_new(cluster, d);
    if !old.is_empty() || new.is_some() {
        w.write(LEVEL_0, &format!("OldReplicaSets:\t{}\n", replica_sets(&old)));
        w.write(LEVEL_0, &format!("NewReplicaSet:\t{}\n", replica_sets(&new.into_iter().collect::<Vec<_>>())));
    }
    events(&mut w, cluster, t, settings, "Deployment", m.uid.as_deref().unwrap_or(""));
    Ok(w.finish())
}
