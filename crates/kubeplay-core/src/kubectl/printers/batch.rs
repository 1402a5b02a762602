//! Columns of the `batch` group: Job and CronJob (printers.go `printJob`,
//! `printCronJob`).

use k8s_openapi::api::batch::v1::{CronJob, Job};

use super::apps::{container_cells, format_label_selector};
use super::{age, created, name_of, Column, Printable};
use crate::printers::duration::human_duration;
use crate::time::SimTime;

/// The first true condition among Complete, Failed, FailureTarget, Suspended, else
/// `Terminating` while deleting, else `Running` (printers.go `printJob`).
pub fn job_status(job: &Job) -> String {
    let conds = job.status.as_ref().and_then(|s| s.conditions.clone()).unwrap_or_default();
    let has = |t: &str| conds.iter().any(|c| c.type_ == t && c.status == "True");
    if has("Complete") {
        "Complete".into()
    } else if has("Failed") {
        "Failed".into()
    } else if job.metadata.deletion_timestamp.is_some() {
        "Terminating".into()
    } else if has("FailureTarget") {
        "FailureTarget".into()
    } else if has("Suspended") {
        "Suspended".into()
    } else {
        "Running".into()
    }
}

impl Printable for Job {
    const COLUMNS: &'static [Column] = &[
        ("NAME", false),
        ("STATUS", false),
        ("COMPLETIONS", false),
        ("DURATION", false),
        ("AGE", false),
        ("CONTAINERS", true),
        ("IMAGES", true),
        ("SELECTOR", true),
    ];

    fn cells(&self, now: SimTime) -> Vec<String> {
        let spec = self.spec.as_ref();
        let status = self.status.clone().unwrap_or_default();
        let succeeded = status.succeeded.unwrap_or(0);
        let completions = match spec.and_then(|s| s.completions) {
            Some(c) => format!("{succeeded}/{c}"),
            None => match spec.and_then(|s| s.parallelism).unwrap_or(1) {
                p if p > 1 => format!("{succeeded}/1 of {p}"),
                _ => format!("{succeeded}/1"),
            },
        };
        let duration = match (status.start_time.as_ref(), status.completion_time.as_ref()) {
            (None, _) => String::new(),
            (Some(start), None) => age(now, Some(start)),
            (Some(start), Some(end)) => human_duration(SimTime::from_k8s(end).millis_since(SimTime::from_k8s(start))),
        };
        let (names, images) = container_cells(spec.map(|s| &s.template));
        vec![
            name_of(&self.metadata),
            job_status(self),
            completions,
            duration,
            created(&self.metadata, now),
            names,
            images,
            format_label_selector(spec.and_then(|s| s.selector.as_ref())),
        ]
    }
}

impl Printable for CronJob {
    const COLUMNS: &'static [Column] = &[
        ("NAME", false),
        ("SCHEDULE", false),
        ("TIMEZONE", false),
        ("SUSPEND", false),
        ("ACTIVE", false),
        ("LAST SCHEDULE", false),
        ("AGE", false),
        ("CONTAINERS", true),
        ("IMAGES", true),
        ("SELECTOR", true),
    ];

    fn cells(&self, now: SimTime) -> Vec<String> {
        let spec = self.spec.clone().unwrap_or_default();
        let status = self.status.clone().unwrap_or_default();
        let job_spec = spec.job_template.spec.as_ref();
        let (names, images) = container_cells(job_spec.map(|s| &s.template));
        let last = match status.last_schedule_time.as_ref() {
            Some(t) => age(now, Some(t)),
            None => "<none>".into(),
        };
        vec![
            name_of(&self.metadata),
            spec.schedule.clone(),
            spec.time_zone.clone().unwrap_or_else(|| "<none>".into()),
            if spec.suspend.unwrap_or(false) { "True".into() } else { "False".into() },
            status.active.as_ref().map_or(0, |a| a.len()).to_string(),
            last,
            created(&self.metadata, now),
            names,
            images,
            format_label_selector(job_spec.and_then(|s| s.selector.as_ref())),
        ]
    }
}
