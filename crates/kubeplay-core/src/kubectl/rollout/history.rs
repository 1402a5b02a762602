//! `kubectl rollout history` (polymorphichelpers/history.go
//! `DeploymentHistoryViewer`, cmd/rollout/rollout_history.go): a Deployment's
//! history is its ReplicaSets, one per revision (`deployment.kubernetes.io/revision`),
//! with the `kubernetes.io/change-cause` annotation as CHANGE-CAUSE.
//! `--revision=N` prints that set's pod template (describe's `DescribePodTemplate`
//! on a plain buffer: the `Key:\tvalue` tabs are not aligned).

use std::collections::BTreeMap;

use k8s_openapi::api::apps::v1::{Deployment, ReplicaSet};
use k8s_openapi::api::core::v1::PodTemplateSpec;

use super::{objects, revision_flag};
use crate::api::ObjectKey;
use crate::cluster::Cluster;
use crate::controllers::deployment::revisions::revision_of;
use crate::kubectl::builder::Info;
use crate::kubectl::describe::pod_spec::pod_template;
use crate::kubectl::describe::writer::PrefixWriter;
use crate::kubectl::flags::Parsed;
use crate::kubectl::resources::to_json;
use crate::kubectl::Io;
use crate::output::Output;
use crate::printers::table::tabbed;

pub const CHANGE_CAUSE: &str = "kubernetes.io/change-cause";

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

/// `DeploymentHistoryViewer.ViewHistory`: the REVISION/CHANGE-CAUSE table, or one
/// revision's pod template.
pub fn view_history(c: &Cluster, d: &Deployment, revision: i64) -> Result<String, String> {
    let mut history: BTreeMap<i64, PodTemplateSpec> = BTreeMap::new();
    for (rev, rs) in deployment_revisions(c, d) {
        let mut template = rs.spec.and_then(|s| s.template).unwrap_or_default();
        let cause = rs.metadata.annotations.as_ref().and_then(|a| a.get(CHANGE_CAUSE)).filter(|c| !c.is_empty());
        let meta = template.metadata.get_or_insert_with(Default::default);
        let annotations = meta.annotations.get_or_insert_with(BTreeMap::new);
        if let Some(cause) = cause {
            annotations.insert(CHANGE_CAUSE.into(), cause.clone());
        }
        history.insert(rev, template);
    }
    if history.is_empty() {
        return Ok("No rollout history found.".into());
    }
    if revision > 0 {
        let template = history.get(&revision).ok_or_else(|| "error: unable to find the specified revision".to_string())?;
        let mut w = PrefixWriter::new();
        pod_template(&mut w, Some(template));
        return Ok(w.raw());
    }
    let mut lines = vec!["REVISION\tCHANGE-CAUSE".to_string()];
    for (rev, template) in &history {
        let cause = template.metadata.as_ref().and_then(|m| m.annotations.as_ref()).and_then(|a| a.get(CHANGE_CAUSE));
        lines.push(format!("{rev}\t{}", cause.map(String::as_str).unwrap_or("<none>")));
    }
    Ok(tabbed(&[lines.join("\n")]))
}

fn deployment_of(c: &Cluster, info: &Info) -> Option<Deployment> {
    (info.rt.kind == "Deployment").then(|| c.store.deployments.get(&ObjectKey::new(&info.key.namespace, &info.key.name)).cloned()).flatten()
}

pub fn run(cluster: &mut Cluster, p: &Parsed, io: &Io, out: &mut Output) -> Result<(), String> {
    let revision = revision_flag(p, "revision", "history")?;
    let found = objects(cluster, p, io)?;
    for info in &found.infos {
        let Some(d) = deployment_of(cluster, info) else {
            return Err(unsupported(info));
        };
        if let Some(format) = p.value("output") {
            print_structured(cluster, &d, revision, format, out)?;
            continue;
        }
        let text = view_history(cluster, &d, revision)?;
        let with = if revision > 0 { format!("with revision #{revision}") } else { String::new() };
        // The name printer: "<name> <operation>\n", the operation being "<with>\n<history>".
        out.out(&format!("{} {with}\n{text}\n", info.object_name()));
    }
    match found.error_text() {
        Some(e) => Err(e),
        None => Ok(()),
    }
}

/// `-o yaml|json|name`: the ReplicaSets themselves, by revision.
fn print_structured(c: &Cluster, d: &Deployment, revision: i64, format: &str, out: &mut Output) -> Result<(), String> {
    let history = deployment_revisions(c, d);
    let chosen: Vec<&ReplicaSet> = if revision > 0 {
        vec![history.get(&revision).ok_or_else(|| "error: unable to find the specified revision".to_string())?]
    } else {
        history.values().collect()
    };
    for rs in chosen {
        match format {
            "name" => out.out(&format!("replicaset.apps/{}", rs.metadata.name.as_deref().unwrap_or(""))),
            "yaml" | "json" => crate::kubectl::get::print_structured(&to_json(rs), format, out),
            other => return Err(format!("error: unable to match a printer suitable for the output format \"{other}\", allowed formats are: json,name,yaml")),
        }
    }
    Ok(())
}

/// DaemonSet and StatefulSet keep their history in ControllerRevisions, which the
/// simulation does not store; other kinds have no history viewer at all.
pub fn unsupported(info: &Info) -> String {
    match info.rt.kind {
        "DaemonSet" | "StatefulSet" => format!("kubeplay: rollout history of a {} is not simulated (deployments only)", info.rt.kind),
        kind => format!("error: no history viewer has been implemented for \"{kind}{}\"", if info.rt.group.is_empty() { String::new() } else { format!(".{}", info.rt.group) }),
    }
}
