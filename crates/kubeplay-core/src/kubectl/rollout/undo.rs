//! `kubectl rollout undo` (polymorphichelpers/rollback.go). DaemonSets and
//! StatefulSets send the chosen ControllerRevision's patch (the template
//! replaced). `DeploymentRollbacker`: client-side since the server's rollback
//! endpoint went away — find the
//! ReplicaSet of the wanted revision (`--to-revision`, else the one before the
//! newest), and write its pod template (minus `pod-template-hash`) back into the
//! Deployment together with its annotations (change-cause included). The
//! controller then finds that old set matching again, and gives it the next
//! revision number: history 1, 2 becomes 2, 3.

use std::collections::BTreeMap;

use k8s_openapi::api::apps::v1::{DaemonSet, Deployment, ReplicaSet, StatefulSet};
use k8s_openapi::api::core::v1::PodTemplateSpec;
use serde_json::Value;

use super::history::{controlled_history, deployment_revisions};
use super::{objects, revision_flag};
use crate::api::ObjectKey;
use crate::cluster::Cluster;
use crate::controllers::history::{stored_patch, template_of, template_patch};
use crate::controllers::deployment::revisions::{equal_ignore_hash, REVISION, REVISION_HISTORY, DESIRED_REPLICAS, MAX_REPLICAS, TEMPLATE_HASH_LABEL};
use crate::kubectl::apply::LAST_APPLIED;
use crate::kubectl::builder::Info;
use crate::kubectl::describe::pod_spec::pod_template;
use crate::kubectl::describe::writer::PrefixWriter;
use crate::kubectl::flags::Parsed;
use crate::kubectl::scale::DryRun;
use crate::kubectl::Io;
use crate::output::Output;

/// Annotations the Deployment keeps rather than taking the set's (`annotationsToSkip`).
const KEEP_ON_DEPLOYMENT: &[&str] = &[LAST_APPLIED, REVISION, REVISION_HISTORY, DESIRED_REPLICAS, MAX_REPLICAS, "deprecated.deployment.rollback.to"];

fn not_found(revision: i64) -> String {
    format!("error: unable to find specified revision {revision} in history")
}

/// `deploymentRevision`: the set with that revision, or (for 0) the second newest.
pub fn revision_to_restore(c: &Cluster, d: &Deployment, to_revision: i64) -> Result<ReplicaSet, String> {
    let history = deployment_revisions(c, d);
    if to_revision > 0 {
        return history.get(&to_revision).cloned().ok_or_else(|| not_found(to_revision));
    }
    let name = d.metadata.name.as_deref().unwrap_or("");
    history.values().rev().nth(1).cloned().ok_or_else(|| format!("error: no rollout history found for deployment \"{name}\""))
}

/// The Deployment's annotations after the rollback.
fn restored_annotations(d: &Deployment, rs: &ReplicaSet) -> Option<BTreeMap<String, String>> {
    let mut merged = BTreeMap::new();
    for (k, v) in d.metadata.annotations.iter().flatten() {
        if KEEP_ON_DEPLOYMENT.contains(&k.as_str()) {
            merged.insert(k.clone(), v.clone());
        }
    }
    for (k, v) in rs.metadata.annotations.iter().flatten() {
        if !KEEP_ON_DEPLOYMENT.contains(&k.as_str()) {
            merged.insert(k.clone(), v.clone());
        }
    }
    (!merged.is_empty()).then_some(merged)
}

/// `DeploymentRollbacker.Rollback`: what the name printer says after the object
/// name (`rolled back`, `skipped rollback (…)`, or, for a client dry run, the
/// template that would be restored).
pub fn rollback_deployment(c: &mut Cluster, key: &ObjectKey, to_revision: i64, dry_run: DryRun) -> Result<String, String> {
    if to_revision < 0 {
        return Err(not_found(to_revision));
    }
    let Some(d) = c.store.deployments.get(key).cloned() else {
        return Err(format!("error: failed to retrieve Deployment {}: deployments.apps \"{}\" not found", key.name, key.name));
    };
    let rs = revision_to_restore(c, &d, to_revision)?;
    let mut template = rs.spec.as_ref().and_then(|s| s.template.clone()).unwrap_or_default();
    if dry_run == DryRun::Client {
        let mut w = PrefixWriter::new();
        pod_template(&mut w, Some(&template));
        return Ok(w.raw());
    }
    let spec = d.spec.clone().unwrap_or_default();
    if spec.paused == Some(true) {
        return Err("error: you cannot rollback a paused deployment; resume it first with 'kubectl rollout resume' and try again".into());
    }
    if equal_ignore_hash(&template, &spec.template) {
        return Ok(format!("skipped rollback (current template already matches revision {to_revision})"));
    }
    if let Some(labels) = template.metadata.as_mut().and_then(|m| m.labels.as_mut()) {
        labels.remove(TEMPLATE_HASH_LABEL);
    }
    let annotations = restored_annotations(&d, &rs);
    if dry_run == DryRun::None {
        c.update::<Deployment>(key, |d| {
            if let Some(s) = d.spec.as_mut() {
                s.template = template;
            }
            d.metadata.annotations = annotations;
        })
        .map_err(|e| format!("error: failed restoring revision {to_revision}: {}", e.message))?;
        c.settle();
    }
    Ok("rolled back".into())
}

/// `DaemonSetRollbacker` / `StatefulSetRollbacker`: the revision to go back to
/// (`--to-revision`, else the second newest), then its patch sent as is — the
/// template replaced; the controller renumbers that revision as the newest.
fn rollback_revisions(c: &mut Cluster, info: &Info, to_revision: i64, dry_run: DryRun) -> Result<String, String> {
    if to_revision < 0 {
        return Err(not_found(to_revision));
    }
    let history = controlled_history(c, info);
    if to_revision == 0 && history.len() <= 1 {
        return Err("error: no last revision to roll back to".into());
    }
    // `findHistory`: the second newest, or the one with that number.
    let target = if to_revision == 0 { history.iter().rev().nth(1) } else { history.iter().find(|r| r.revision == to_revision) };
    let target = target.ok_or_else(|| not_found(to_revision))?;
    let template = template_of(target);
    if dry_run == DryRun::Client {
        let mut w = PrefixWriter::new();
        pod_template(&mut w, Some(&template));
        return Ok(format!("will roll back to {}", w.raw()));
    }
    let current: PodTemplateSpec = serde_json::from_value(info.json.pointer("/spec/template").cloned().unwrap_or(Value::Null)).unwrap_or_default();
    if template_patch(&current) == stored_patch(target) {
        return Ok(format!("skipped rollback (current template already matches revision {to_revision})"));
    }
    if dry_run == DryRun::None {
        let key = ObjectKey::new(&info.key.namespace, &info.key.name);
        let restored = match info.rt.kind {
            "DaemonSet" => c.update::<DaemonSet>(&key, |d| d.spec.get_or_insert_with(Default::default).template = template).map(drop),
            _ => c.update::<StatefulSet>(&key, |s| s.spec.get_or_insert_with(Default::default).template = template).map(drop),
        };
        restored.map_err(|e| format!("error: failed restoring revision {to_revision}: {}", e.message))?;
        c.settle();
    }
    Ok("rolled back".into())
}

pub fn run(cluster: &mut Cluster, p: &Parsed, io: &Io, out: &mut Output) -> Result<(), String> {
    let to_revision = revision_flag(p, "to-revision", "undo")?;
    let dry_run = DryRun::of(p)?;
    let found = objects(cluster, p, io)?;
    for info in &found.infos {
        let result = match info.rt.kind {
            "Deployment" => rollback_deployment(cluster, &info.key, to_revision, dry_run)?,
            "DaemonSet" | "StatefulSet" => rollback_revisions(cluster, info, to_revision, dry_run)?,
            kind => return Err(format!("error: no rollbacker has been implemented for \"{kind}{}\"", if info.rt.group.is_empty() { String::new() } else { format!(".{}", info.rt.group) })),
        };
        match p.value("output") {
            Some("name") => out.out(&info.object_name()),
            _ => out.out(&format!("{} {result}{}", info.object_name(), dry_run.suffix())),
        }
    }
    match found.error_text() {
        Some(e) => Err(e),
        None => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{ClusterConfig, Shell};

    fn image(sh: &Shell) -> String {
        let d = sh.cluster.store.get::<Deployment>("default", "web").unwrap();
        d.spec.as_ref().unwrap().template.spec.as_ref().unwrap().containers[0].image.clone().unwrap()
    }

    /// web at nginx:1.25 (revision 1), then nginx:1.26 (revision 2), both rolled out.
    fn two_revisions() -> Shell {
        let mut sh = Shell::new(ClusterConfig::default());
        sh.execute("kubectl create deployment web --image=nginx:1.25 --replicas=2");
        sh.cluster.advance_by(30_000);
        sh.execute("kubectl set image deployment/web nginx=nginx:1.26");
        sh.cluster.advance_by(60_000);
        sh
    }

    #[test]
    fn revisions_come_from_the_replica_sets() {
        let sh = two_revisions();
        let d = sh.cluster.store.get::<Deployment>("default", "web").unwrap().clone();
        let history = deployment_revisions(&sh.cluster, &d);
        assert_eq!(history.keys().copied().collect::<Vec<_>>(), vec![1, 2]);
        let previous = revision_to_restore(&sh.cluster, &d, 0).unwrap();
        assert_eq!(previous.metadata.annotations.as_ref().unwrap()[REVISION], "1");
        assert_eq!(revision_to_restore(&sh.cluster, &d, 9).unwrap_err(), "error: unable to find specified revision 9 in history");
    }

    #[test]
    fn undo_copies_the_old_template_and_the_old_set_becomes_newest() {
        let mut sh = two_revisions();
        let key = ObjectKey::new("default", "web");
        assert_eq!(rollback_deployment(&mut sh.cluster, &key, 0, DryRun::None).unwrap(), "rolled back");
        assert_eq!(image(&sh), "nginx:1.25");
        let d = sh.cluster.store.get::<Deployment>("default", "web").unwrap().clone();
        // The template carries no pod-template-hash; the set of revision 1 is reused as revision 3.
        assert!(!d.spec.as_ref().unwrap().template.metadata.as_ref().unwrap().labels.as_ref().unwrap().contains_key(TEMPLATE_HASH_LABEL));
        sh.cluster.advance_by(60_000);
        let d = sh.cluster.store.get::<Deployment>("default", "web").unwrap().clone();
        assert_eq!(deployment_revisions(&sh.cluster, &d).keys().copied().collect::<Vec<_>>(), vec![2, 3]);
        assert_eq!(
            rollback_deployment(&mut sh.cluster, &key, 3, DryRun::None).unwrap(),
            "skipped rollback (current template already matches revision 3)"
        );
    }

    #[test]
    fn a_paused_deployment_is_not_rolled_back() {
        let mut sh = two_revisions();
        sh.execute("kubectl rollout pause deployment/web");
        let key = ObjectKey::new("default", "web");
        assert!(rollback_deployment(&mut sh.cluster, &key, 1, DryRun::None).unwrap_err().contains("you cannot rollback a paused deployment"));
        assert_eq!(image(&sh), "nginx:1.26");
    }
}
