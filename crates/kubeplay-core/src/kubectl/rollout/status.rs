//! `kubectl rollout status` (cmd/rollout/rollout_status.go,
//! polymorphichelpers/rollout_status.go): watches each object in turn and prints
//! the status viewer's line whenever the object changes, until the rollout is
//! done (or, with `--watch=false`, once). It runs on the simulated clock as a
//! [`Foreground`]: the page polls it each tick, the headless shell from timer to
//! timer; `--timeout` ends it with `timed out waiting for the condition`.

use k8s_openapi::api::apps::v1::{DaemonSet, Deployment, StatefulSet};
use serde_json::Value;

use super::{objects, revision_flag};
use crate::api::ObjectKey;
use crate::cluster::Cluster;
use crate::controllers::deployment::revisions::revision_of;
use crate::foreground::Foreground;
use crate::kubectl::flags::Parsed;
use crate::kubectl::resources::{by_plural, Want};
use crate::kubectl::{Io, Outcome};
use crate::output::Output;
use crate::printers::duration::parse_go_duration;
use crate::time::SimTime;

/// Without `--timeout` the real command waits for ever; the headless shell gives
/// up after this much simulated time with nothing left to happen.
const HEADLESS_LIMIT_MS: i64 = 60 * 60 * 1000;

/// One object whose rollout is followed.
#[derive(Clone, Debug, PartialEq, Eq)]
struct Target {
    plural: &'static str,
    key: ObjectKey,
}

/// A `kubectl rollout status` still running.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RolloutWatch {
    targets: Vec<Target>,
    /// The object being watched now (index into `targets`).
    current: usize,
    /// Its resourceVersion at the last line printed: a change prints a new line.
    last_seen: Option<String>,
    revision: i64,
    watch: bool,
    /// 0: no timeout.
    timeout_ms: i64,
    /// When the current object's watch began (the timeout is per object).
    started: SimTime,
    /// The builder's errors (missing objects), printed once the others are done.
    errors: Vec<String>,
}

impl RolloutWatch {
    pub fn deadline(&self) -> SimTime {
        let limit = if self.timeout_ms > 0 { self.timeout_ms } else { HEADLESS_LIMIT_MS };
        self.started.plus_ms(limit)
    }

    /// Whether only an interrupt ends it (no `--timeout`).
    pub fn endless(&self) -> bool {
        self.timeout_ms == 0
    }

    /// Prints what changed; `Some(status)` once every object is done.
    pub fn poll(&mut self, c: &Cluster, out: &mut Output) -> Option<i32> {
        while let Some(t) = self.targets.get(self.current) {
            let json = by_plural(t.plural).and_then(|rt| (rt.get)(c, &t.key.namespace, &t.key.name, Want::CellsAndJson).ok()).and_then(|i| i.json);
            let Some(json) = json else {
                out.err("error: object has been deleted");
                return Some(1);
            };
            let rv = json.pointer("/metadata/resourceVersion").and_then(Value::as_str).map(String::from);
            if rv == self.last_seen {
                if self.timeout_ms > 0 && c.now() >= self.deadline() {
                    out.err("error: timed out waiting for the condition");
                    return Some(1);
                }
                return None;
            }
            self.last_seen = rv;
            match status_line(t.plural, &json, self.revision) {
                Err(e) => {
                    out.err(&format!("error: {e}"));
                    return Some(1);
                }
                Ok((line, done)) => {
                    out.out(&line);
                    if !done && self.watch {
                        return None;
                    }
                }
            }
            self.current += 1;
            self.last_seen = None;
            self.started = c.now();
        }
        if self.errors.is_empty() {
            return Some(0);
        }
        out.err(&self.errors.join("\n"));
        Some(1)
    }
}

fn from_json<T: serde::de::DeserializeOwned + Default>(json: &Value) -> T {
    serde_json::from_value(json.clone()).unwrap_or_default()
}

/// The status viewers: the line to print and whether the rollout is done.
pub fn status_line(plural: &str, json: &Value, revision: i64) -> Result<(String, bool), String> {
    match plural {
        "deployments" => deployment_status(&from_json(json), revision),
        "daemonsets" => daemonset_status(&from_json(json)),
        "statefulsets" => statefulset_status(&from_json(json)),
        _ => {
            let kind = by_plural(plural).map(|rt| if rt.group.is_empty() { rt.kind.to_string() } else { format!("{}.{}", rt.kind, rt.group) }).unwrap_or_default();
            Err(format!("no status viewer has been implemented for {kind}"))
        }
    }
}

/// `DeploymentStatusViewer.Status`.
pub fn deployment_status(d: &Deployment, revision: i64) -> Result<(String, bool), String> {
    let name = d.metadata.name.as_deref().unwrap_or("");
    if revision > 0 {
        let running = revision_of(&d.metadata).ok_or_else(|| format!("cannot get the revision of deployment \"{name}\": "))?;
        if running != revision {
            return Err(format!("desired revision ({revision}) is different from the running revision ({running})"));
        }
    }
    let status = d.status.clone().unwrap_or_default();
    if d.metadata.generation.unwrap_or(0) > status.observed_generation.unwrap_or(0) {
        return Ok(("Waiting for deployment spec update to be observed...".into(), false));
    }
    let timed_out = status.conditions.iter().flatten().any(|c| c.type_ == "Progressing" && c.reason.as_deref() == Some("ProgressDeadlineExceeded"));
    if timed_out {
        return Err(format!("deployment \"{name}\" exceeded its progress deadline"));
    }
    let want = d.spec.as_ref().and_then(|s| s.replicas);
    let (replicas, updated, available) = (status.replicas.unwrap_or(0), status.updated_replicas.unwrap_or(0), status.available_replicas.unwrap_or(0));
    let waiting = |what: String| Ok((format!("Waiting for deployment \"{name}\" rollout to finish: {what}..."), false));
    if let Some(want) = want.filter(|w| updated < *w) {
        return waiting(format!("{updated} out of {want} new replicas have been updated"));
    }
    if replicas > updated {
        return waiting(format!("{} old replicas are pending termination", replicas - updated));
    }
    if available < updated {
        return waiting(format!("{available} of {updated} updated replicas are available"));
    }
    Ok((format!("deployment \"{name}\" successfully rolled out"), true))
}

/// `DaemonSetStatusViewer.Status`.
fn daemonset_status(ds: &DaemonSet) -> Result<(String, bool), String> {
    let name = ds.metadata.name.as_deref().unwrap_or("");
    let strategy = ds.spec.as_ref().and_then(|s| s.update_strategy.as_ref()).and_then(|u| u.type_.clone());
    if strategy.as_deref().unwrap_or("RollingUpdate") != "RollingUpdate" {
        return Err("rollout status is only available for RollingUpdate strategy type".into());
    }
    let s = ds.status.clone().unwrap_or_default();
    if ds.metadata.generation.unwrap_or(0) > s.observed_generation.unwrap_or(0) {
        return Ok(("Waiting for daemon set spec update to be observed...".into(), false));
    }
    let (updated, desired, available) = (s.updated_number_scheduled.unwrap_or(0), s.desired_number_scheduled, s.number_available.unwrap_or(0));
    if updated < desired {
        return Ok((format!("Waiting for daemon set \"{name}\" rollout to finish: {updated} out of {desired} new pods have been updated..."), false));
    }
    if available < desired {
        return Ok((format!("Waiting for daemon set \"{name}\" rollout to finish: {available} of {desired} updated pods are available..."), false));
    }
    Ok((format!("daemon set \"{name}\" successfully rolled out"), true))
}

/// `StatefulSetStatusViewer.Status` (a defaulted RollingUpdate strategy has a
/// partition of 0, so a finished rollout says `partitioned roll out complete`).
fn statefulset_status(sts: &StatefulSet) -> Result<(String, bool), String> {
    let spec = sts.spec.clone().unwrap_or_default();
    let strategy = spec.update_strategy.clone().unwrap_or_default();
    if strategy.type_.as_deref().unwrap_or("RollingUpdate") != "RollingUpdate" {
        return Err("rollout status is only available for RollingUpdate strategy type".into());
    }
    let s = sts.status.clone().unwrap_or_default();
    let observed = s.observed_generation.unwrap_or(0);
    if observed == 0 || sts.metadata.generation.unwrap_or(0) > observed {
        return Ok(("Waiting for statefulset spec update to be observed...".into(), false));
    }
    let ready = s.ready_replicas.unwrap_or(0);
    if let Some(want) = spec.replicas.filter(|w| ready < *w) {
        return Ok((format!("Waiting for {} pods to be ready...", want - ready), false));
    }
    let updated = s.updated_replicas.unwrap_or(0);
    if let Some(rolling) = strategy.rolling_update.as_ref() {
        if let (Some(want), Some(partition)) = (spec.replicas, rolling.partition) {
            if updated < want - partition {
                return Ok((format!("Waiting for partitioned roll out to finish: {updated} out of {} new pods have been updated...", want - partition), false));
            }
        }
        return Ok((format!("partitioned roll out complete: {updated} new pods have been updated..."), true));
    }
    let (update_rev, current_rev) = (s.update_revision.unwrap_or_default(), s.current_revision.unwrap_or_default());
    if update_rev != current_rev {
        return Ok((format!("waiting for statefulset rolling update to complete {updated} pods at revision {update_rev}..."), false));
    }
    Ok((format!("statefulset rolling update complete {} pods at revision {current_rev}...", s.current_replicas.unwrap_or(0)), true))
}

pub fn run(cluster: &mut Cluster, p: &Parsed, io: &Io, out: &mut Output) -> Outcome {
    match start(cluster, p, io, out) {
        Ok(outcome) => outcome,
        Err(msg) => {
            out.err(msg.trim_end_matches('\n'));
            Outcome::code(1)
        }
    }
}

fn start(cluster: &mut Cluster, p: &Parsed, io: &Io, out: &mut Output) -> Result<Outcome, String> {
    // Flag values first (pflag), then Validate.
    let revision = revision_flag(p, "revision", "status")?;
    let timeout_ms = match p.value("timeout") {
        None => 0,
        Some(t) => parse_go_duration(t).ok_or_else(|| format!("error: invalid argument \"{t}\" for \"--timeout\" flag: time: invalid duration \"{t}\"\nSee 'kubectl rollout status --help' for usage."))?,
    };
    if p.args.is_empty() && p.values("filename").is_empty() && p.value("kustomize").is_none() {
        return Err("error: required resource not specified".into());
    }
    if revision < 0 {
        return Err(format!("error: revision must be a positive integer: {revision}"));
    }
    let found = objects(cluster, p, io)?;
    if found.infos.is_empty() && found.errors.is_empty() {
        out.err(&format!("No resources found in {} namespace.", p.namespace()));
        return Ok(Outcome::code(0));
    }
    let watch = RolloutWatch {
        targets: found.infos.iter().map(|i| Target { plural: i.rt.plural, key: i.key.clone() }).collect(),
        current: 0,
        last_seen: None,
        revision,
        watch: !p.is_set("watch") || p.bool("watch"),
        timeout_ms,
        started: cluster.now(),
        errors: found.errors.iter().map(ToString::to_string).collect(),
    };
    Ok(Outcome { exit_code: 0, foreground: Some(Foreground::RolloutStatus(Box::new(watch))) })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn deployment(generation: i64, observed: i64, want: i32, replicas: i32, updated: i32, available: i32) -> Deployment {
        serde_json::from_value(serde_json::json!({
            "metadata": {"name": "web", "generation": generation},
            "spec": {"replicas": want, "selector": {}, "template": {}},
            "status": {"observedGeneration": observed, "replicas": replicas, "updatedReplicas": updated, "availableReplicas": available}
        }))
        .unwrap()
    }

    #[test]
    fn deployment_lines_follow_the_viewer() {
        let line = |d: Deployment| deployment_status(&d, 0).unwrap();
        assert_eq!(line(deployment(2, 1, 3, 3, 0, 3)).0, "Waiting for deployment spec update to be observed...");
        assert_eq!(line(deployment(2, 2, 3, 4, 1, 3)).0, "Waiting for deployment \"web\" rollout to finish: 1 out of 3 new replicas have been updated...");
        assert_eq!(line(deployment(2, 2, 3, 4, 3, 3)).0, "Waiting for deployment \"web\" rollout to finish: 1 old replicas are pending termination...");
        assert_eq!(line(deployment(2, 2, 3, 3, 3, 2)).0, "Waiting for deployment \"web\" rollout to finish: 2 of 3 updated replicas are available...");
        assert_eq!(line(deployment(2, 2, 3, 3, 3, 3)), ("deployment \"web\" successfully rolled out".to_string(), true));
        assert_eq!(deployment_status(&deployment(2, 2, 3, 3, 3, 3), 4).unwrap_err(), "cannot get the revision of deployment \"web\": ");
    }

    #[test]
    fn statefulset_and_daemonset_lines_follow_their_viewers() {
        let sts: StatefulSet = serde_json::from_value(serde_json::json!({
            "metadata": {"name": "web", "generation": 2},
            "spec": {"replicas": 3, "selector": {}, "serviceName": "web", "template": {},
                     "updateStrategy": {"type": "RollingUpdate", "rollingUpdate": {"partition": 0}}},
            "status": {"observedGeneration": 2, "replicas": 3, "readyReplicas": 3, "updatedReplicas": 1}
        }))
        .unwrap();
        assert_eq!(statefulset_status(&sts).unwrap().0, "Waiting for partitioned roll out to finish: 1 out of 3 new pods have been updated...");
        let mut done = sts.clone();
        done.status.as_mut().unwrap().updated_replicas = Some(3);
        assert_eq!(statefulset_status(&done).unwrap(), ("partitioned roll out complete: 3 new pods have been updated...".to_string(), true));
        let ds: DaemonSet = serde_json::from_value(serde_json::json!({
            "metadata": {"name": "logs", "generation": 1},
            "spec": {"selector": {}, "template": {}},
            "status": {"observedGeneration": 1, "desiredNumberScheduled": 2, "currentNumberScheduled": 2, "numberMisscheduled": 0, "numberReady": 1, "updatedNumberScheduled": 2, "numberAvailable": 1}
        }))
        .unwrap();
        assert_eq!(daemonset_status(&ds).unwrap().0, "Waiting for daemon set \"logs\" rollout to finish: 1 of 2 updated pods are available...");
        let mut ondelete = ds.clone();
        ondelete.spec.as_mut().unwrap().update_strategy = Some(k8s_openapi::api::apps::v1::DaemonSetUpdateStrategy { type_: Some("OnDelete".into()), rolling_update: None });
        assert_eq!(daemonset_status(&ondelete).unwrap_err(), "rollout status is only available for RollingUpdate strategy type");
    }
}
