//! `kubectl rollout history` (polymorphichelpers/history.go, cmd/rollout/
//! rollout_history.go). A Deployment's history is its ReplicaSets, one per
//! revision (`deployment.kubernetes.io/revision`); a DaemonSet's or
//! StatefulSet's is the ControllerRevisions it controls (`revision`, the
//! template patch in `data`). The `kubernetes.io/change-cause` annotation is
//! CHANGE-CAUSE. `--revision=N` prints that revision's pod template (describe's
//! `DescribePodTemplate` on a plain buffer: the `Key:\tvalue` tabs are not
//! aligned); `-o` prints what `GetHistory` returns: the ReplicaSets, or the
//! DaemonSet/StatefulSet as each revision would make it.

use std::collections::BTreeMap;

use k8s_openapi::api::apps::v1::{ControllerRevision, Deployment, ReplicaSet};
use k8s_openapi::api::core::v1::PodTemplateSpec;
use k8s_openapi::apimachinery::pkg::apis::meta::v1::{LabelSelector, ObjectMeta};
use serde_json::Value;

use super::{objects, revision_flag};
use crate::api::selectors::selects;
use crate::api::ObjectKey;
use crate::cluster::Cluster;
use crate::controllers::deployment::revisions::revision_of;
use crate::controllers::history::{owned_revisions, template_of};
use crate::kubectl::builder::Info;
use crate::kubectl::describe::pod_spec::pod_template;
use crate::kubectl::describe::writer::PrefixWriter;
use crate::kubectl::flags::Parsed;
use crate::kubectl::resources::to_json;
use crate::kubectl::Io;
use crate::output::Output;
use crate::printers::table::tabbed;

pub const CHANGE_CAUSE: &str = "kubernetes.io/change-cause";

/// One revision as the history viewers see it.
pub struct Revision {
    pub template: PodTemplateSpec,
    pub change_cause: Option<String>,
    /// What `-o` prints for it, and its `-o name`.
    pub object: Value,
    pub object_name: String,
}

/// `GetAllReplicaSets` keyed by revision: the sets the Deployment controls (sets
/// without a readable revision are skipped, as the viewer skips them).
pub fn deployment_revisions(c: &Cluster, d: &Deployment) -> BTreeMap<i64, ReplicaSet> {
    let uid = d.metadata.uid.as_deref().unwrap_or("");
    let ns = d.metadata.namespace.as_deref();
    c.store
        .replicasets
        .list(ns)
        .filter(|rs| crate::controllers::ownership::is_controlled_by(&rs.metadata, uid))
        .filter_map(|rs| Some((revision_of(&rs.metadata)?, rs.clone())))
        .collect()
}

/// `controlledHistory`: the ControllerRevisions the object's selector picks
/// that it controls, oldest first.
pub fn controlled_history(c: &Cluster, info: &Info) -> Vec<ControllerRevision> {
    let selector: LabelSelector = serde_json::from_value(info.json.pointer("/spec/selector").cloned().unwrap_or(Value::Null)).unwrap_or_default();
    let owner: ObjectMeta = serde_json::from_value(info.json["metadata"].clone()).unwrap_or_default();
    owned_revisions(c, &owner).into_iter().filter(|r| selects(&selector, r.metadata.labels.as_ref())).collect()
}

fn change_cause(meta: &ObjectMeta) -> Option<String> {
    meta.annotations.as_ref().and_then(|a| a.get(CHANGE_CAUSE)).filter(|c| !c.is_empty()).cloned()
}

/// `HistoryViewerFor(kind).GetHistory`: the object's revisions by number.
pub fn history_of(c: &Cluster, info: &Info) -> Result<BTreeMap<i64, Revision>, String> {
    let key = ObjectKey::new(&info.key.namespace, &info.key.name);
    match info.rt.kind {
        "Deployment" => {
            let d = c.store.deployments.get(&key).ok_or_else(|| format!("failed to retrieve deployment {}: deployments.apps \"{}\" not found", key.name, key.name))?;
            Ok(deployment_revisions(c, d)
                .into_iter()
                .map(|(n, rs)| {
                    let change_cause = change_cause(&rs.metadata);
                    let mut template = rs.spec.as_ref().and_then(|s| s.template.clone()).unwrap_or_default();
                    // The viewer writes the set's change-cause into the template it prints.
                    let annotations = template.metadata.get_or_insert_with(Default::default).annotations.get_or_insert_with(BTreeMap::new);
                    if let Some(cause) = &change_cause {
                        annotations.insert(CHANGE_CAUSE.into(), cause.clone());
                    }
                    let object_name = format!("replicaset.apps/{}", rs.metadata.name.as_deref().unwrap_or(""));
                    (n, Revision { template, change_cause, object: to_json(&rs), object_name })
                })
                .collect())
        }
        "DaemonSet" | "StatefulSet" => {
            Ok(controlled_history(c, info)
                .into_iter()
                .map(|r| {
                    let template = template_of(&r);
                    // `applyDaemonSetHistory` / `applyRevision`: the object with that template.
                    let mut object = info.json.clone();
                    object["spec"]["template"] = crate::json::to_value(&template).unwrap_or(Value::Null);
                    let revision = Revision { change_cause: change_cause(&r.metadata), template, object, object_name: info.object_name() };
                    (r.revision, revision)
                })
                .collect())
        }
        kind => Err(format!("error: no history viewer has been implemented for \"{kind}{}\"", if info.rt.group.is_empty() { String::new() } else { format!(".{}", info.rt.group) })),
    }
}

/// `ViewHistory`: the REVISION/CHANGE-CAUSE table, or one revision's pod template.
pub fn view_history(history: &BTreeMap<i64, Revision>, revision: i64) -> Result<String, String> {
    if history.is_empty() {
        return Ok("No rollout history found.".into());
    }
    if revision > 0 {
        let r = history.get(&revision).ok_or_else(|| "error: unable to find the specified revision".to_string())?;
        let mut w = PrefixWriter::new();
        pod_template(&mut w, Some(&r.template));
        return Ok(w.raw());
    }
    let mut lines = vec!["REVISION\tCHANGE-CAUSE".to_string()];
    for (n, r) in history {
        lines.push(format!("{n}\t{}", r.change_cause.as_deref().unwrap_or("<none>")));
    }
    Ok(tabbed(&[lines.join("\n")]))
}

pub fn run(cluster: &mut Cluster, p: &Parsed, io: &Io, out: &mut Output) -> Result<(), String> {
    let revision = revision_flag(p, "revision", "history")?;
    let found = objects(cluster, p, io)?;
    for info in &found.infos {
        let history = history_of(cluster, info)?;
        if let Some(format) = p.value("output") {
            print_structured(&history, revision, format, out)?;
            continue;
        }
        let text = view_history(&history, revision)?;
        let with = if revision > 0 { format!("with revision #{revision}") } else { String::new() };
        // The name printer: "<name> <operation>\n", the operation being "<with>\n<history>".
        out.out(&format!("{} {with}\n{text}\n", info.object_name()));
    }
    match found.error_text() {
        Some(e) => Err(e),
        None => Ok(()),
    }
}

/// `-o yaml|json|name`: what `GetHistory` returned, by revision.
fn print_structured(history: &BTreeMap<i64, Revision>, revision: i64, format: &str, out: &mut Output) -> Result<(), String> {
    let chosen: Vec<&Revision> = if revision > 0 {
        vec![history.get(&revision).ok_or_else(|| "error: unable to find the specified revision".to_string())?]
    } else {
        history.values().collect()
    };
    for r in chosen {
        match format {
            "name" => out.out(&r.object_name),
            "yaml" | "json" => crate::kubectl::get::print_structured(&r.object, format, out),
            other => return Err(format!("error: unable to match a printer suitable for the output format \"{other}\", allowed formats are: json,name,yaml")),
        }
    }
    Ok(())
}
