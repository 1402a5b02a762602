//! `kubectl rollout pause|resume|restart` (polymorphichelpers objectpauser.go,
//! objectresumer.go, objectrestarter.go; cmd/rollout/rollout_{pause,resume,restart}.go):
//! each changes one field of the object — `spec.paused`, or the template annotation
//! `kubectl.kubernetes.io/restartedAt` stamped with the (simulated) time — and
//! the controllers do the rest: a paused Deployment keeps its template changes to
//! itself; a restarted one rolls out a new ReplicaSet.

use serde_json::Value;

use super::objects;
use crate::cluster::Cluster;
use crate::kubectl::apply::Write;
use crate::kubectl::builder::Info;
use crate::kubectl::flags::Parsed;
use crate::kubectl::manifest::Document;
use crate::kubectl::Io;
use crate::output::Output;

pub const RESTARTED_AT: &str = "kubectl.kubernetes.io/restartedAt";

/// What a patcher made of one object.
enum Patched {
    /// Changed: the new object.
    Changed(Value),
    /// Nothing to change (`{}` patch).
    Same,
}

fn paused(json: &Value) -> bool {
    json.pointer("/spec/paused").and_then(Value::as_bool).unwrap_or(false)
}

/// `defaultObjectPauser` / `defaultObjectResumer` / `defaultObjectRestarter`:
/// the changed object, or the reason it cannot be changed.
fn patch(verb: &str, info: &Info, now: &str) -> Result<Patched, String> {
    let mut json = info.json.clone();
    let deployment = info.rt.kind == "Deployment";
    match verb {
        "pause" if deployment => {
            if paused(&json) {
                return Err("is already paused".into());
            }
            json["spec"]["paused"] = Value::Bool(true);
        }
        "pause" => return Err("pausing is not supported".into()),
        "resume" if deployment => {
            if !paused(&json) {
                return Err("is not paused".into());
            }
            // `paused` is a plain bool with omitempty: false is not written.
            if let Some(spec) = json.get_mut("spec").and_then(Value::as_object_mut) {
                spec.remove("paused");
            }
        }
        "resume" => return Err("resuming is not supported".into()),
        _ if !matches!(info.rt.kind, "Deployment" | "DaemonSet" | "StatefulSet") => return Err("restarting is not supported".into()),
        _ => {
            if deployment && paused(&json) {
                return Err("can't restart paused deployment (run rollout resume first)".into());
            }
            let template = &mut json["spec"]["template"];
            if !template["metadata"].is_object() {
                template["metadata"] = Value::Object(Default::default());
            }
            if !template["metadata"]["annotations"].is_object() {
                template["metadata"]["annotations"] = Value::Object(Default::default());
            }
            template["metadata"]["annotations"][RESTARTED_AT] = Value::String(now.to_string());
        }
    }
    Ok(if json == info.json { Patched::Same } else { Patched::Changed(json) })
}

/// The simulated clock in RFC 3339 (`time.Now().Format(time.RFC3339)`, UTC).
fn now_rfc3339(c: &Cluster) -> String {
    crate::json::to_value(c.now().to_k8s()).ok().and_then(|v| v.as_str().map(String::from)).unwrap_or_default()
}

pub fn run(cluster: &mut Cluster, verb: &str, p: &Parsed, io: &Io, out: &mut Output) -> Result<(), String> {
    let found = objects(cluster, p, io)?;
    let mut errors: Vec<String> = found.errors.iter().map(ToString::to_string).collect();
    if found.infos.is_empty() && errors.is_empty() {
        out.err(&format!("No resources found in {} namespace.", p.namespace()));
        return Ok(());
    }
    let now = now_rfc3339(cluster);
    for info in &found.infos {
        let resource = info.rt.qualified();
        match patch(verb, info, &now) {
            Err(why) => errors.push(format!("error: {resource} \"{}\" {why}", info.key.name)),
            Ok(Patched::Same) if verb == "restart" => errors.push(format!(
                "failed to create patch for {}: if restart has already been triggered within the past second, please wait before attempting to trigger another",
                info.key.name
            )),
            Ok(Patched::Same) => print(info, &format!("already {verb}d"), p, out),
            Ok(Patched::Changed(value)) => {
                let doc = Document { source: String::new(), value, rt: info.rt };
                if let Err(e) = (info.rt.write)(cluster, &doc, Write::Replace) {
                    errors.push(format!("failed to patch: {}", e.replace("error when replacing \"\": ", "")));
                    continue;
                }
                cluster.settle();
                let word = if verb == "restart" { "restarted".to_string() } else { format!("{verb}d") };
                print(info, &word, p, out);
            }
        }
    }
    match errors.is_empty() {
        true => Ok(()),
        false => Err(errors.join("\n")),
    }
}

fn print(info: &Info, operation: &str, p: &Parsed, out: &mut Output) {
    match p.value("output") {
        Some("name") => out.out(&info.object_name()),
        _ => out.out(&format!("{} {operation}", info.object_name())),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::kubectl::resources::by_plural;

    fn info(kind_plural: &str, json: Value) -> Info {
        let rt = by_plural(kind_plural).unwrap();
        Info { rt, key: crate::api::ObjectKey::new("default", "web"), json }
    }

    #[test]
    fn pause_sets_the_flag_once() {
        let d = info("deployments", serde_json::json!({"spec": {"template": {}}}));
        let Ok(Patched::Changed(v)) = patch("pause", &d, "t") else { panic!("pause changes") };
        assert_eq!(v["spec"]["paused"], true);
        let again = info("deployments", v);
        assert_eq!(patch("pause", &again, "t").err().as_deref(), Some("is already paused"));
        let Ok(Patched::Changed(resumed)) = patch("resume", &again, "t") else { panic!("resume changes") };
        assert!(resumed["spec"].get("paused").is_none());
        assert_eq!(patch("restart", &again, "t").err().as_deref(), Some("can't restart paused deployment (run rollout resume first)"));
    }

    #[test]
    fn restart_stamps_the_template() {
        let d = info("daemonsets", serde_json::json!({"spec": {"template": {"spec": {}}}}));
        let Ok(Patched::Changed(v)) = patch("restart", &d, "2026-01-01T00:00:00Z") else { panic!("restart changes") };
        assert_eq!(v["spec"]["template"]["metadata"]["annotations"][RESTARTED_AT], "2026-01-01T00:00:00Z");
        assert_eq!(patch("pause", &d, "t").err().as_deref(), Some("pausing is not supported"));
    }
}

#[cfg(test)]
mod controller_tests {
    use k8s_openapi::api::apps::v1::{Deployment, ReplicaSet};

    use crate::{ClusterConfig, Shell};

    fn replica_sets(sh: &Shell) -> usize {
        sh.cluster.store.replicasets.list(Some("default")).count()
    }

    #[test]
    fn a_paused_deployment_keeps_template_changes_until_resumed() {
        let mut sh = Shell::new(ClusterConfig::default());
        sh.execute("kubectl create deployment web --image=nginx:1.25 --replicas=2");
        sh.cluster.advance_by(30_000);
        sh.execute("kubectl rollout pause deployment/web");
        sh.execute("kubectl set image deployment/web nginx=nginx:1.26");
        sh.execute("kubectl scale deployment/web --replicas=3");
        sh.cluster.advance_by(30_000);
        // No new ReplicaSet while paused, but scaling still reaches the old one.
        assert_eq!(replica_sets(&sh), 1);
        let rs: &ReplicaSet = sh.cluster.store.replicasets.list(Some("default")).next().unwrap();
        assert_eq!(rs.spec.as_ref().unwrap().replicas, Some(3));
        let d = sh.cluster.store.get::<Deployment>("default", "web").unwrap();
        let progressing = d.status.as_ref().unwrap().conditions.as_ref().unwrap().iter().find(|c| c.type_ == "Progressing").unwrap();
        assert_eq!((progressing.status.as_str(), progressing.reason.as_deref()), ("Unknown", Some("DeploymentPaused")));
        sh.execute("kubectl rollout resume deployment/web");
        sh.cluster.advance_by(60_000);
        assert_eq!(replica_sets(&sh), 2);
    }
}
