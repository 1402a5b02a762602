//! The Job controller (k/k pkg/controller/job, non-indexed completion mode): keeps
//! `min(parallelism, completions - succeeded)` pods running, counts pods that
//! succeed or fail, waits the pod-failure back-off (10 s doubling, capped at
//! 10 min) before replacing a failed pod, and finishes the Job with
//! `SuccessCriteriaMet` + `Complete` (`CompletionsReached`) or `FailureTarget` +
//! `Failed` (`BackoffLimitExceeded`, `DeadlineExceeded`). Finished pods stay, so
//! `get pods` shows them `Completed`. `ttlSecondsAfterFinished` deletes the Job.

use k8s_openapi::api::batch::v1::{Job, JobCondition, JobStatus, UncountedTerminatedPods};
use k8s_openapi::api::core::v1::Pod;

use super::ownership::{controller_ref, pod_from_template};
use crate::api::deletion::{DeleteOptions, Propagation};
use crate::api::store::{reference_to, NewEvent};
use crate::api::ObjectKey;
use crate::cluster::Cluster;
use crate::time::SimTime;

/// `DefaultJobPodFailureBackOff` and `MaxJobPodFailureBackOff`.
const POD_FAILURE_BACKOFF_MS: i64 = 10_000;
const MAX_POD_FAILURE_BACKOFF_MS: i64 = 600_000;

/// The delay before replacing a pod after `failures` failures in a row.
pub fn failure_backoff_ms(failures: i32) -> i64 {
    if failures <= 0 {
        return 0;
    }
    POD_FAILURE_BACKOFF_MS.saturating_mul(1i64 << (failures - 1).min(20)).min(MAX_POD_FAILURE_BACKOFF_MS)
}

/// Whether the Job has a true `Complete` or `Failed` condition.
pub fn is_finished(job: &Job) -> Option<&'static str> {
    let conds = job.status.as_ref()?.conditions.as_ref()?;
    for (t, name) in [("Complete", "Complete"), ("Failed", "Failed")] {
        if conds.iter().any(|c| c.type_ == t && c.status == "True") {
            return Some(name);
        }
    }
    None
}

fn phase(p: &Pod) -> &str {
    p.status.as_ref().and_then(|s| s.phase.as_deref()).unwrap_or("")
}

fn is_ready(p: &Pod) -> bool {
    p.status.as_ref().and_then(|s| s.conditions.as_ref()).is_some_and(|cs| cs.iter().any(|c| c.type_ == "Ready" && c.status == "True"))
}

/// When the pod's containers finished (for the back-off and the completion time).
fn finished_at(p: &Pod) -> Option<SimTime> {
    p.status
        .as_ref()?
        .container_statuses
        .as_ref()?
        .iter()
        .filter_map(|cs| cs.state.as_ref()?.terminated.as_ref()?.finished_at.as_ref())
        .map(SimTime::from_k8s)
        .max()
}

pub fn reconcile(c: &mut Cluster) {
    let jobs: Vec<Job> = c.store.jobs.list(None).filter(|j| j.metadata.deletion_timestamp.is_none()).cloned().collect();
    for job in jobs {
        sync(c, &job);
    }
}

fn condition(type_: &str, reason: &str, message: &str, now: SimTime) -> JobCondition {
    JobCondition {
        type_: type_.into(),
        status: "True".into(),
        reason: Some(reason.into()),
        message: Some(message.into()),
        last_probe_time: Some(now.to_k8s()),
        last_transition_time: Some(now.to_k8s()),
    }
}

fn sync(c: &mut Cluster, job: &Job) {
    let now = c.now();
    let key = ObjectKey::of(&job.metadata);
    let uid = job.metadata.uid.clone().unwrap_or_default();
    let spec = job.spec.clone().unwrap_or_default();
    let status = job.status.clone().unwrap_or_default();
    if let Some(done) = is_finished(job) {
        expire_after_ttl(c, job, done, &status);
        return;
    }
    if spec.suspend == Some(true) {
        return;
    }
    let pods: Vec<Pod> = c.store.pods.controlled_by(&uid).filter(|p| p.metadata.namespace.as_deref() == Some(key.namespace.as_str())).cloned().collect();
    let active: Vec<&Pod> = pods.iter().filter(|p| p.metadata.deletion_timestamp.is_none() && !matches!(phase(p), "Succeeded" | "Failed")).collect();
    let succeeded = (pods.iter().filter(|p| phase(p) == "Succeeded").count() as i32).max(status.succeeded.unwrap_or(0));
    let failed_pods: Vec<&Pod> = pods.iter().filter(|p| phase(p) == "Failed").collect();
    let failed = (failed_pods.len() as i32).max(status.failed.unwrap_or(0));
    let terminating = pods.iter().filter(|p| p.metadata.deletion_timestamp.is_some() && !matches!(phase(p), "Succeeded" | "Failed")).count() as i32;
    let start = status.start_time.as_ref().map(SimTime::from_k8s).unwrap_or(now);
    let completions = spec.completions;
    let parallelism = spec.parallelism.unwrap_or(1);
    let mut next = JobStatus {
        start_time: Some(start.to_k8s()),
        active: Some(active.len() as i32).filter(|n| *n > 0),
        ready: Some(active.iter().filter(|p| is_ready(p)).count() as i32),
        succeeded: Some(succeeded).filter(|n| *n > 0),
        failed: Some(failed).filter(|n| *n > 0),
        terminating: Some(terminating),
        uncounted_terminated_pods: Some(UncountedTerminatedPods::default()),
        conditions: status.conditions.clone(),
        ..Default::default()
    };
    let mut finish: Option<(&str, &str, &str)> = None;
    let complete = match completions {
        Some(n) => succeeded >= n,
        // No completions: done once any pod succeeded and none is running.
        None => succeeded > 0 && active.is_empty(),
    };
    if complete {
        finish = Some(("Complete", "CompletionsReached", "Reached expected number of succeeded pods"));
    } else if failed > spec.backoff_limit.unwrap_or(6) {
        finish = Some(("Failed", "BackoffLimitExceeded", "Job has reached the specified backoff limit"));
    } else if let Some(ads) = spec.active_deadline_seconds {
        let deadline = start.plus_ms(ads * 1000);
        if now >= deadline {
            finish = Some(("Failed", "DeadlineExceeded", "Job was active longer than specified deadline"));
        } else {
            c.wake_at(deadline);
        }
    }
    if let Some((type_, reason, message)) = finish {
        for p in &active {
            let _ = c.delete::<Pod>(&key.namespace, p.metadata.name.as_deref().unwrap_or(""), DeleteOptions::default());
        }
        let conds = next.conditions.get_or_insert_with(Vec::new);
        let (first, event_type) = if type_ == "Complete" { ("SuccessCriteriaMet", "Normal") } else { ("FailureTarget", "Warning") };
        conds.push(condition(first, reason, message, now));
        conds.push(condition(type_, reason, message, now));
        next.active = None;
        next.ready = Some(0);
        if type_ == "Complete" {
            let done_at = pods.iter().filter(|p| phase(p) == "Succeeded").filter_map(finished_at).max().unwrap_or(now);
            next.completion_time = Some(done_at.max(start).to_k8s());
            event(c, job, event_type, "Completed", "Job completed".into());
        } else {
            event(c, job, event_type, if reason == "DeadlineExceeded" { "DeadlineExceeded" } else { "BackoffLimitExceeded" }, message.into());
        }
        c.store.modify::<Job>(&key, |j| j.status = Some(next.clone()));
        return;
    }
    let remaining = completions.map_or(parallelism, |n| (n - succeeded).min(parallelism)).max(0);
    let want = (remaining - active.len() as i32).max(0);
    if want > 0 {
        // The pod-failure back-off runs from the newest failure.
        let last_failure = failed_pods.iter().filter_map(|p| finished_at(p)).max();
        let ready_at = last_failure.map(|t| t.plus_ms(failure_backoff_ms(failed)));
        match ready_at {
            Some(at) if at > now => c.wake_at(at),
            _ => {
                let template = spec.template.clone();
                let name = key.name.clone();
                for _ in 0..want {
                    let pod = pod_from_template(&template, &key.namespace, &format!("{name}-"), controller_ref(job));
                    match c.create(pod) {
                        Ok(created) => {
                            next.active = Some(next.active.unwrap_or(0) + 1);
                            event(c, job, "Normal", "SuccessfulCreate", format!("Created pod: {}", created.metadata.name.unwrap_or_default()));
                        }
                        Err(e) => event(c, job, "Warning", "FailedCreate", format!("Error creating: {}", e.message)),
                    }
                }
            }
        }
    }
    c.store.modify::<Job>(&key, |j| j.status = Some(next.clone()));
}

/// `ttlSecondsAfterFinished`: the TTL-after-finished controller deletes the Job
/// (and, in the background, its pods).
fn expire_after_ttl(c: &mut Cluster, job: &Job, done: &str, status: &JobStatus) {
    let Some(ttl) = job.spec.as_ref().and_then(|s| s.ttl_seconds_after_finished) else { return };
    let finished = status
        .conditions
        .iter()
        .flatten()
        .find(|cnd| cnd.type_ == done)
        .and_then(|cnd| cnd.last_transition_time.as_ref())
        .map(SimTime::from_k8s)
        .unwrap_or_else(|| c.now());
    let at = finished.plus_ms(i64::from(ttl.max(0)) * 1000);
    if c.now() >= at {
        let key = ObjectKey::of(&job.metadata);
        let _ = c.delete::<Job>(&key.namespace, &key.name, DeleteOptions { propagation: Propagation::Background, ..Default::default() });
    } else {
        c.wake_at(at);
    }
}

fn event(c: &mut Cluster, job: &Job, type_: &'static str, reason: &'static str, message: String) {
    let now = c.now();
    let mut involved = reference_to(job);
    involved.resource_version = None;
    c.store.record_event(now, NewEvent { involved, type_, reason, message, component: "job-controller", host: None });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn failure_backoff_doubles_to_ten_minutes() {
        let seq: Vec<i64> = (0..9).map(failure_backoff_ms).collect();
        assert_eq!(seq, vec![0, 10_000, 20_000, 40_000, 80_000, 160_000, 320_000, 600_000, 600_000]);
    }
}
