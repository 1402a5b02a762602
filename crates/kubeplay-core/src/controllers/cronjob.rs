//! The CronJob controller (k/k pkg/controller/cronjob/cronjob_controllerv2.go): at
//! each scheduled time it creates a Job `<cronjob>-<scheduled time in unix
//! minutes>` from the job template, honouring `concurrencyPolicy` (Allow, Forbid,
//! Replace) and `suspend`; it tracks the active Jobs, notes finished ones
//! (`SawCompletedJob`), and keeps `successfulJobsHistoryLimit` (3) and
//! `failedJobsHistoryLimit` (1) finished Jobs, deleting older ones. Missed
//! schedules collapse into the most recent one, as the real controller does.

use k8s_openapi::api::batch::v1::{CronJob, CronJobStatus, Job};
use k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta;

use super::cron_schedule::{parse, Schedule};
use super::job::is_finished;
use super::ownership::{controller_ref, is_controlled_by};
use crate::api::deletion::{DeleteOptions, Propagation};
use crate::api::store::{reference_to, NewEvent};
use crate::api::ObjectKey;
use crate::cluster::Cluster;
use crate::time::SimTime;

pub fn reconcile(c: &mut Cluster) {
    let cronjobs: Vec<CronJob> = c.store.cronjobs.list(None).filter(|j| j.metadata.deletion_timestamp.is_none()).cloned().collect();
    for cj in cronjobs {
        sync(c, &cj);
    }
}

/// The name of the Job for a scheduled time (`getJobName`).
pub fn job_name(cronjob: &str, scheduled: SimTime) -> String {
    format!("{cronjob}-{}", scheduled.0.div_euclid(60_000))
}

/// The most recent activation at or before `now` after `since`, if any.
fn most_recent(schedule: &Schedule, since: SimTime, now: SimTime) -> Option<SimTime> {
    let mut t = schedule.next(since)?;
    if t > now {
        return None;
    }
    // Missed runs: jump ahead; the controller starts only the newest.
    for _ in 0..100_000 {
        match schedule.next(t) {
            Some(n) if n <= now => t = n,
            _ => break,
        }
    }
    Some(t)
}

fn sync(c: &mut Cluster, cj: &CronJob) {
    let now = c.now();
    let key = ObjectKey::of(&cj.metadata);
    let uid = cj.metadata.uid.clone().unwrap_or_default();
    let spec = cj.spec.clone().unwrap_or_default();
    let mut status = cj.status.clone().unwrap_or_default();
    let jobs: Vec<Job> = c.store.jobs.list(Some(&key.namespace)).filter(|j| is_controlled_by(&j.metadata, &uid)).cloned().collect();
    // Active list: the controlled Jobs not finished yet.
    let mut active = Vec::new();
    for job in &jobs {
        let name = job.metadata.name.clone().unwrap_or_default();
        let listed = status.active.iter().flatten().any(|r| r.name.as_deref() == Some(name.as_str()));
        match is_finished(job) {
            None => active.push(job_reference(job)),
            Some(condition) if listed => {
                event(c, cj, "Normal", "SawCompletedJob", format!("Saw completed job: {name}, condition: {condition}"));
                if condition == "Complete" {
                    status.last_successful_time = job.status.as_ref().and_then(|s| s.completion_time.clone());
                }
            }
            Some(_) => {}
        }
    }
    status.active = (!active.is_empty()).then_some(active);
    remove_old_jobs(c, cj, &jobs, "Complete", spec.successful_jobs_history_limit.unwrap_or(3));
    remove_old_jobs(c, cj, &jobs, "Failed", spec.failed_jobs_history_limit.unwrap_or(1));
    let Ok(schedule) = parse(&spec.schedule) else { return };
    let since = status
        .last_schedule_time
        .as_ref()
        .or(cj.metadata.creation_timestamp.as_ref())
        .map(SimTime::from_k8s)
        .unwrap_or(now);
    if spec.suspend != Some(true) {
        if let Some(scheduled) = most_recent(&schedule, since, now) {
            start_job(c, cj, &spec, &mut status, &jobs, scheduled);
        }
        if let Some(next) = schedule.next(now) {
            c.wake_at(next);
        }
    }
    c.store.modify::<CronJob>(&key, |j| j.status = Some(status.clone()));
}

fn start_job(
    c: &mut Cluster,
    cj: &CronJob,
    spec: &k8s_openapi::api::batch::v1::CronJobSpec,
    status: &mut CronJobStatus,
    jobs: &[Job],
    scheduled: SimTime,
) {
    let key = ObjectKey::of(&cj.metadata);
    let name = job_name(&key.name, scheduled);
    if jobs.iter().any(|j| j.metadata.name.as_deref() == Some(name.as_str())) {
        status.last_schedule_time = Some(scheduled.to_k8s());
        return;
    }
    let running = status.active.as_ref().is_some_and(|a| !a.is_empty());
    match spec.concurrency_policy.as_deref().unwrap_or("Allow") {
        "Forbid" if running => {
            event(c, cj, "Normal", "JobAlreadyActive", "Not starting job because prior execution is running and concurrency policy is Forbid".into());
            return;
        }
        "Replace" if running => {
            for r in status.active.take().unwrap_or_default() {
                let job_name = r.name.unwrap_or_default();
                let _ = c.delete::<Job>(&key.namespace, &job_name, DeleteOptions { propagation: Propagation::Background, ..Default::default() });
                event(c, cj, "Normal", "SuccessfulDelete", format!("Deleted job {job_name}"));
            }
        }
        _ => {}
    }
    let template = &spec.job_template;
    let tm = template.metadata.clone().unwrap_or_default();
    let mut annotations = tm.annotations.clone().unwrap_or_default();
    annotations.insert("batch.kubernetes.io/cronjob-scheduled-timestamp".into(), rfc3339(scheduled));
    let job = Job {
        metadata: ObjectMeta {
            name: Some(name.clone()),
            namespace: Some(key.namespace.clone()),
            labels: tm.labels.clone(),
            annotations: Some(annotations),
            owner_references: Some(vec![controller_ref(cj)]),
            ..Default::default()
        },
        spec: template.spec.clone(),
        status: None,
    };
    match c.create(job) {
        Ok(created) => {
            event(c, cj, "Normal", "SuccessfulCreate", format!("Created job {name}"));
            status.active.get_or_insert_with(Vec::new).push(job_reference(&created));
            status.last_schedule_time = Some(scheduled.to_k8s());
        }
        Err(e) => event(c, cj, "Warning", "FailedCreate", format!("Error creating job: {}", e.message)),
    }
}

fn rfc3339(t: SimTime) -> String {
    let v = crate::json::to_value(t.to_k8s()).unwrap_or_default();
    v.as_str().unwrap_or_default().to_string()
}

fn job_reference(job: &Job) -> k8s_openapi::api::core::v1::ObjectReference {
    let mut r = reference_to(job);
    r.api_version = Some("batch/v1".into());
    r
}

/// Deletes the oldest finished Jobs with `condition` beyond `limit` (`removeOldestJobs`).
fn remove_old_jobs(c: &mut Cluster, cj: &CronJob, jobs: &[Job], condition: &str, limit: i32) {
    let mut finished: Vec<&Job> = jobs.iter().filter(|j| is_finished(j) == Some(condition) && j.metadata.deletion_timestamp.is_none()).collect();
    let excess = finished.len().saturating_sub(limit.max(0) as usize);
    if excess == 0 {
        return;
    }
    crate::sorting::sort_by_key(&mut finished, |j| j.status.as_ref().and_then(|s| s.start_time.as_ref()).map(SimTime::from_k8s));
    let ns = cj.metadata.namespace.clone().unwrap_or_default();
    for job in finished.into_iter().take(excess) {
        let name = job.metadata.name.clone().unwrap_or_default();
        if c.delete::<Job>(&ns, &name, DeleteOptions { propagation: Propagation::Background, ..Default::default() }).is_ok() {
            event(c, cj, "Normal", "SuccessfulDelete", format!("Deleted job {name}"));
        }
    }
}

fn event(c: &mut Cluster, cj: &CronJob, type_: &'static str, reason: &'static str, message: String) {
    let now = c.now();
    let mut involved = reference_to(cj);
    involved.resource_version = None;
    c.store.record_event(now, NewEvent { involved, type_, reason, message, component: "cronjob-controller", host: None });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn job_names_use_unix_minutes() {
        assert_eq!(job_name("hello", SimTime(1_758_535_260_000)), "hello-29308921");
    }

    #[test]
    fn missed_runs_collapse_to_the_latest() {
        let s = parse("*/1 * * * *").unwrap();
        let t0 = SimTime(1_758_535_200_000);
        assert_eq!(most_recent(&s, t0, t0.plus_ms(30_000)), None);
        assert_eq!(most_recent(&s, t0, t0.plus_ms(61_000)), Some(t0.plus_ms(60_000)));
        assert_eq!(most_recent(&s, t0, t0.plus_ms(185_000)), Some(t0.plus_ms(180_000)));
    }
}
