//! What a Deployment reports: replica counts summed over its ReplicaSets, and the
//! `Available` and `Progressing` conditions with their exact reasons and messages
//! (k/k pkg/controller/deployment/sync.go `calculateStatus`, progress.go
//! `syncRolloutStatus`, util/deployment_util.go `SetDeploymentCondition`,
//! `DeploymentComplete`, `DeploymentProgressing`, `DeploymentTimedOut`).

use k8s_openapi::api::apps::v1::{Deployment, DeploymentCondition, DeploymentStatus, ReplicaSet};

use super::fenceposts::{max_unavailable, replicas};
use super::revisions::rs_replicas;
use crate::api::ObjectKey;
use crate::cluster::Cluster;
use crate::time::SimTime;

/// A condition before it is stamped with the time.
pub struct ConditionSpec {
    pub type_: &'static str,
    pub status: &'static str,
    pub reason: &'static str,
    pub message: String,
}

impl ConditionSpec {
    pub fn progressing(status: &'static str, reason: &'static str, message: String) -> ConditionSpec {
        ConditionSpec { type_: "Progressing", status, reason, message }
    }
}

pub fn has_progress_deadline(d: &Deployment) -> bool {
    d.spec.as_ref().and_then(|s| s.progress_deadline_seconds).is_some_and(|s| s != i32::MAX)
}

pub fn condition<'a>(d: &'a Deployment, type_: &str) -> Option<&'a DeploymentCondition> {
    d.status.as_ref()?.conditions.as_ref()?.iter().find(|c| c.type_ == type_)
}

fn status_condition<'a>(s: &'a DeploymentStatus, type_: &str) -> Option<&'a DeploymentCondition> {
    s.conditions.as_ref()?.iter().find(|c| c.type_ == type_)
}

/// `SetDeploymentCondition`: no change when status and reason are the same; a changed
/// condition moves to the end, keeping its transition time if only the reason changed.
fn set_status_condition(s: &mut DeploymentStatus, spec: ConditionSpec, now: SimTime) {
    let current = status_condition(s, spec.type_).cloned();
    if current.as_ref().is_some_and(|c| c.status == spec.status && c.reason.as_deref() == Some(spec.reason)) {
        return;
    }
    let mut transition = now.to_k8s();
    if let Some(c) = current.as_ref().filter(|c| c.status == spec.status) {
        transition = c.last_transition_time.clone().unwrap_or(transition);
    }
    let conds = s.conditions.get_or_insert_with(Vec::new);
    conds.retain(|c| c.type_ != spec.type_);
    conds.push(DeploymentCondition {
        type_: spec.type_.into(),
        status: spec.status.into(),
        reason: Some(spec.reason.into()),
        message: Some(spec.message),
        last_update_time: Some(now.to_k8s()),
        last_transition_time: Some(transition),
    });
}

pub fn set_condition(d: &mut Deployment, spec: ConditionSpec, now: SimTime) {
    set_status_condition(d.status.get_or_insert_with(Default::default), spec, now);
}

fn remove_condition(s: &mut DeploymentStatus, type_: &str) {
    if let Some(conds) = s.conditions.as_mut() {
        conds.retain(|c| c.type_ != type_);
    }
}

/// Writes the Deployment's status and annotations (the status subresource, which
/// the controller also uses for the revision annotation).
pub fn update_status(c: &mut Cluster, d: &Deployment) {
    let key = ObjectKey::of(&d.metadata);
    c.store.modify::<Deployment>(&key, |stored| {
        stored.status = d.status.clone();
        stored.metadata.annotations = d.metadata.annotations.clone();
    });
}

fn nonzero(n: i32) -> Option<i32> {
    (n != 0).then_some(n)
}

fn sum(rss: &[&ReplicaSet], f: impl Fn(&ReplicaSet) -> i32) -> i32 {
    rss.iter().map(|rs| f(rs)).sum()
}

fn actual(rs: &ReplicaSet) -> i32 {
    rs.status.as_ref().map(|s| s.replicas).unwrap_or(0)
}

/// `calculateStatus`: counts over all sets plus the `Available` condition.
pub fn calculate(all: &[&ReplicaSet], new_rs: Option<&ReplicaSet>, d: &Deployment, now: SimTime) -> DeploymentStatus {
    let available = sum(all, |rs| rs.status.as_ref().and_then(|s| s.available_replicas).unwrap_or(0));
    let total = sum(all, rs_replicas);
    let unavailable = (total - available).max(0);
    let previous = d.status.clone().unwrap_or_default();
    let mut status = DeploymentStatus {
        observed_generation: d.metadata.generation,
        replicas: nonzero(sum(all, actual)),
        updated_replicas: nonzero(new_rs.map(actual).unwrap_or(0)),
        ready_replicas: nonzero(sum(all, |rs| rs.status.as_ref().and_then(|s| s.ready_replicas).unwrap_or(0))),
        available_replicas: nonzero(available),
        unavailable_replicas: nonzero(unavailable),
        collision_count: previous.collision_count,
        conditions: previous.conditions.clone(),
        terminating_replicas: None,
    };
    let spec = if available >= replicas(d) - max_unavailable(d) {
        ConditionSpec { type_: "Available", status: "True", reason: "MinimumReplicasAvailable", message: "Deployment has minimum availability.".into() }
    } else {
        ConditionSpec { type_: "Available", status: "False", reason: "MinimumReplicasUnavailable", message: "Deployment does not have minimum availability.".into() }
    };
    set_status_condition(&mut status, spec, now);
    status
}

/// `DeploymentComplete`.
pub fn complete(d: &Deployment, s: &DeploymentStatus) -> bool {
    let want = replicas(d);
    s.updated_replicas.unwrap_or(0) == want
        && s.replicas.unwrap_or(0) == want
        && s.available_replicas.unwrap_or(0) == want
        && s.observed_generation.unwrap_or(0) >= d.metadata.generation.unwrap_or(0)
}

/// `DeploymentProgressing`: more updated, ready or available replicas, or fewer old ones.
fn progressing(d: &Deployment, new: &DeploymentStatus) -> bool {
    let old = d.status.clone().unwrap_or_default();
    let old_old = old.replicas.unwrap_or(0) - old.updated_replicas.unwrap_or(0);
    let new_old = new.replicas.unwrap_or(0) - new.updated_replicas.unwrap_or(0);
    new.updated_replicas.unwrap_or(0) > old.updated_replicas.unwrap_or(0)
        || new_old < old_old
        || new.ready_replicas.unwrap_or(0) > old.ready_replicas.unwrap_or(0)
        || new.available_replicas.unwrap_or(0) > old.available_replicas.unwrap_or(0)
}

/// When the Progressing condition's deadline passes: its lastUpdateTime + deadline.
fn deadline(d: &Deployment) -> Option<SimTime> {
    let cond = condition(d, "Progressing")?;
    let secs = d.spec.as_ref()?.progress_deadline_seconds?;
    Some(SimTime::from_k8s(cond.last_update_time.as_ref()?).plus_ms(i64::from(secs) * 1000))
}

/// `DeploymentTimedOut`.
fn timed_out(d: &Deployment, now: SimTime) -> bool {
    if !has_progress_deadline(d) {
        return false;
    }
    match condition(d, "Progressing").and_then(|c| c.reason.as_deref()) {
        None | Some("NewReplicaSetAvailable") => false,
        Some("ProgressDeadlineExceeded") => true,
        Some(_) => deadline(d).is_some_and(|at| at < now),
    }
}

fn subject(new_rs: Option<&ReplicaSet>, d: &Deployment) -> String {
    match new_rs {
        Some(rs) => format!("ReplicaSet \"{}\"", rs.metadata.name.as_deref().unwrap_or("")),
        None => format!("Deployment \"{}\"", d.metadata.name.as_deref().unwrap_or("")),
    }
}

/// `syncDeploymentStatus`: counts and Available only (scaling and paused syncs).
pub fn sync_deployment_status(c: &mut Cluster, d: &mut Deployment, all: &[&ReplicaSet], new_rs: Option<&ReplicaSet>) {
    let status = calculate(all, new_rs, d, c.now());
    if d.status.as_ref() != Some(&status) {
        d.status = Some(status);
        update_status(c, d);
    }
}

/// `syncRolloutStatus`: counts plus the Progressing condition, and a look again
/// when the progress deadline would pass.
pub fn sync_rollout_status(c: &mut Cluster, d: &mut Deployment, all: &[&ReplicaSet], new_rs: Option<&ReplicaSet>) {
    let now = c.now();
    let mut status = calculate(all, new_rs, d, now);
    if !has_progress_deadline(d) {
        remove_condition(&mut status, "Progressing");
    }
    let current = condition(d, "Progressing").cloned();
    let is_complete = status.replicas == status.updated_replicas && current.as_ref().and_then(|c| c.reason.as_deref()) == Some("NewReplicaSetAvailable");
    if has_progress_deadline(d) && !is_complete {
        let who = subject(new_rs, d);
        if complete(d, &status) {
            set_status_condition(&mut status, ConditionSpec::progressing("True", "NewReplicaSetAvailable", format!("{who} has successfully progressed.")), now);
        } else if progressing(d, &status) {
            // Progress refreshes lastUpdateTime (the deadline restarts) but keeps the
            // transition time while the condition stays True.
            let mut cond = DeploymentCondition {
                type_: "Progressing".into(),
                status: "True".into(),
                reason: Some("ReplicaSetUpdated".into()),
                message: Some(format!("{who} is progressing.")),
                last_update_time: Some(now.to_k8s()),
                last_transition_time: Some(now.to_k8s()),
            };
            if let Some(cur) = current.as_ref().filter(|c| c.status == "True") {
                cond.last_transition_time = cur.last_transition_time.clone();
            }
            remove_condition(&mut status, "Progressing");
            status.conditions.get_or_insert_with(Vec::new).push(cond);
        } else if timed_out(d, now) {
            set_status_condition(&mut status, ConditionSpec::progressing("False", "ProgressDeadlineExceeded", format!("{who} has timed out progressing.")), now);
        }
    }
    // ReplicaFailure conditions are not simulated: pod creation does not fail here.
    if d.status.as_ref() == Some(&status) {
        requeue_stuck(c, d, &status);
        return;
    }
    d.status = Some(status);
    update_status(c, d);
}

/// `requeueStuckDeployment`: look again just after the deadline.
fn requeue_stuck(c: &mut Cluster, d: &Deployment, status: &DeploymentStatus) {
    let Some(cond) = condition(d, "Progressing") else { return };
    if !has_progress_deadline(d) || complete(d, status) || cond.reason.as_deref() == Some("ProgressDeadlineExceeded") {
        return;
    }
    if let Some(at) = deadline(d) {
        c.wake_at(at.plus_ms(1000));
    }
}

/// `checkPausedConditions`: Progressing Unknown while paused, and on resume.
pub fn check_paused_conditions(c: &mut Cluster, d: &mut Deployment) {
    if !has_progress_deadline(d) {
        return;
    }
    let reason = condition(d, "Progressing").and_then(|c| c.reason.clone());
    if reason.as_deref() == Some("ProgressDeadlineExceeded") {
        return;
    }
    let paused = d.spec.as_ref().and_then(|s| s.paused).unwrap_or(false);
    let paused_cond = reason.as_deref() == Some("DeploymentPaused");
    let spec = if paused && !paused_cond {
        ConditionSpec::progressing("Unknown", "DeploymentPaused", "Deployment is paused".into())
    } else if !paused && paused_cond {
        ConditionSpec::progressing("Unknown", "DeploymentResumed", "Deployment is resumed".into())
    } else {
        return;
    };
    set_condition(d, spec, c.now());
    update_status(c, d);
}
