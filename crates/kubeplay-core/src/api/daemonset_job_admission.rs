//! What the API server does to a new DaemonSet, Job or CronJob: the defaults of
//! k/k pkg/apis/{apps,batch}/v1/defaults.go, the Job's generated selector
//! (batch job strategy `generateSelector`) and the validation a learner meets
//! (selector vs template labels, restart policy, cron schedule).

use std::collections::BTreeMap;

use k8s_openapi::api::apps::v1::{DaemonSet, DaemonSetUpdateStrategy, RollingUpdateDaemonSet};
use k8s_openapi::api::batch::v1::{CronJob, Job, JobSpec};
use k8s_openapi::api::core::v1::PodTemplateSpec;
use k8s_openapi::apimachinery::pkg::apis::meta::v1::LabelSelector;
use k8s_openapi::apimachinery::pkg::util::intstr::IntOrString;

use super::admission::{bump_generation_on_spec_change, validate_name, Admit};
use super::defaults::default_pod_spec;
use super::errors::{ApiError, FieldError};
use super::selectors::selects;
use crate::names::SimRng;

fn template_spec_defaults(t: &mut PodTemplateSpec) {
    default_pod_spec(t.spec.get_or_insert_with(Default::default));
}

/// `map[string]string{"app":"x"}`: how Go's `%#v` prints the labels in the error.
fn go_map(labels: &BTreeMap<String, String>) -> String {
    let pairs: Vec<String> = labels.iter().map(|(k, v)| format!("{k:?}:{v:?}")).collect();
    format!("map[string]string{{{}}}", pairs.join(", "))
}

/// The selector checks of every controller with a template (apps validation
/// `ValidateDaemonSetSpec`): required, non-empty, and selecting the template.
fn selector_errors(selector: Option<&LabelSelector>, template: &PodTemplateSpec, path: &str) -> Vec<FieldError> {
    let labels = template.metadata.as_ref().and_then(|m| m.labels.clone()).unwrap_or_default();
    match selector {
        None => vec![FieldError { field: format!("{path}.selector"), detail: "Required value".into() }],
        Some(sel) if !selects(sel, Some(&labels)) => vec![FieldError {
            field: format!("{path}.template.metadata.labels"),
            detail: format!("Invalid value: {}: `selector` does not match template `labels`", go_map(&labels)),
        }],
        Some(_) => Vec::new(),
    }
}

fn restart_policy(t: &PodTemplateSpec) -> String {
    t.spec.as_ref().and_then(|s| s.restart_policy.clone()).unwrap_or_else(|| "Always".into())
}

impl Admit for DaemonSet {
    fn validate_create(&self) -> Result<(), ApiError> {
        validate_name(self)?;
        let name = self.metadata.name.clone().unwrap_or_default();
        let spec = self.spec.clone().unwrap_or_default();
        let mut errs = selector_errors(Some(&spec.selector), &spec.template, "spec");
        let policy = restart_policy(&spec.template);
        if policy != "Always" {
            errs.push(FieldError {
                field: "spec.template.spec.restartPolicy".into(),
                detail: format!("Unsupported value: \"{policy}\": supported values: \"Always\""),
            });
        }
        if errs.is_empty() { Ok(()) } else { Err(ApiError::invalid("DaemonSet.apps", &name, errs)) }
    }

    fn default_create(&mut self, _rng: &mut SimRng) {
        let spec = self.spec.get_or_insert_with(Default::default);
        template_spec_defaults(&mut spec.template);
        let strategy = spec.update_strategy.get_or_insert_with(DaemonSetUpdateStrategy::default);
        let type_ = strategy.type_.get_or_insert_with(|| "RollingUpdate".into());
        if type_ == "RollingUpdate" {
            let ru = strategy.rolling_update.get_or_insert_with(RollingUpdateDaemonSet::default);
            ru.max_unavailable.get_or_insert(IntOrString::Int(1));
            ru.max_surge.get_or_insert(IntOrString::Int(0));
        }
        spec.revision_history_limit.get_or_insert(10);
        self.status.get_or_insert_with(Default::default);
        // The v1 form of the internal `spec.templateGeneration` (DaemonSet strategy
        // `PrepareForCreate` sets it to 1); kept when already there, as on updates.
        let annotations = self.metadata.annotations.get_or_insert_with(Default::default);
        annotations.entry(TEMPLATE_GENERATION.into()).or_insert_with(|| "1".into());
    }

    /// `PrepareForUpdate`: a changed spec is a new generation, a changed pod
    /// template also bumps the template generation.
    fn prepare_for_update(&mut self, old: &Self) {
        bump_generation_on_spec_change(self, old);
        let template = |ds: &DaemonSet| ds.spec.as_ref().map(|s| s.template.clone());
        let old_gen: i64 = old.metadata.annotations.as_ref().and_then(|a| a.get(TEMPLATE_GENERATION)).and_then(|v| v.parse().ok()).unwrap_or(1);
        let gen = if template(self) != template(old) { old_gen + 1 } else { old_gen };
        self.metadata.annotations.get_or_insert_with(Default::default).insert(TEMPLATE_GENERATION.into(), gen.to_string());
    }
}

/// `appsv1.DeprecatedTemplateGeneration`: the annotation carrying a DaemonSet's
/// template generation.
pub const TEMPLATE_GENERATION: &str = "deprecated.daemonset.template.generation";

/// `ValidateJobSpec` parts a learner trips over.
fn job_spec_errors(spec: &JobSpec, path: &str) -> Vec<FieldError> {
    let mut errs = Vec::new();
    let policy = restart_policy(&spec.template);
    if policy != "OnFailure" && policy != "Never" {
        errs.push(FieldError {
            field: format!("{path}.template.spec.restartPolicy"),
            detail: format!("Unsupported value: \"{policy}\": supported values: \"OnFailure\", \"Never\""),
        });
    }
    for (field, v) in [("parallelism", spec.parallelism), ("completions", spec.completions), ("backoffLimit", spec.backoff_limit)] {
        if let Some(n) = v.filter(|n| *n < 0) {
            errs.push(FieldError { field: format!("{path}.{field}"), detail: format!("Invalid value: {n}: must be greater than or equal to 0") });
        }
    }
    if let Some(n) = spec.active_deadline_seconds.filter(|n| *n <= 0) {
        errs.push(FieldError { field: format!("{path}.activeDeadlineSeconds"), detail: format!("Invalid value: {n}: must be greater than or equal to 1") });
    }
    errs
}

/// `SetDefaults_Job` on a spec (also a CronJob's job template).
fn default_job_spec(spec: &mut JobSpec) {
    if spec.completions.is_none() && spec.parallelism.is_none() {
        spec.completions = Some(1);
        spec.parallelism = Some(1);
    }
    spec.parallelism.get_or_insert(1);
    spec.backoff_limit.get_or_insert(6);
    spec.completion_mode.get_or_insert_with(|| "NonIndexed".into());
    spec.suspend.get_or_insert(false);
    spec.pod_replacement_policy.get_or_insert_with(|| "TerminatingOrFailed".into());
    template_spec_defaults(&mut spec.template);
}

impl Admit for Job {
    fn validate_create(&self) -> Result<(), ApiError> {
        validate_name(self)?;
        let name = self.metadata.name.clone().unwrap_or_default();
        let errs = job_spec_errors(&self.spec.clone().unwrap_or_default(), "spec");
        if errs.is_empty() { Ok(()) } else { Err(ApiError::invalid("Job.batch", &name, errs)) }
    }

    /// Defaults, and the selector the API server generates: the Job's own uid
    /// (assigned here, so the labels can carry it) in `batch.kubernetes.io/controller-uid`.
    fn default_create(&mut self, rng: &mut SimRng) {
        let uid = self.metadata.uid.get_or_insert_with(|| rng.uuid()).clone();
        let name = self.metadata.name.clone().unwrap_or_default();
        let spec = self.spec.get_or_insert_with(Default::default);
        default_job_spec(spec);
        if spec.manual_selector != Some(true) {
            let labels = spec.template.metadata.get_or_insert_with(Default::default).labels.get_or_insert_with(Default::default);
            labels.insert("batch.kubernetes.io/controller-uid".into(), uid.clone());
            labels.insert("batch.kubernetes.io/job-name".into(), name.clone());
            labels.insert("controller-uid".into(), uid.clone());
            labels.insert("job-name".into(), name);
            spec.selector = Some(LabelSelector {
                match_labels: Some([("batch.kubernetes.io/controller-uid".to_string(), uid)].into()),
                match_expressions: None,
            });
        }
        // SetDefaults_Job: a Job without labels takes its template's.
        let template_labels = spec.template.metadata.as_ref().and_then(|m| m.labels.clone()).filter(|l| !l.is_empty());
        if self.metadata.labels.as_ref().is_none_or(|l| l.is_empty()) {
            if let Some(labels) = template_labels {
                self.metadata.labels = Some(labels);
            }
        }
        self.status.get_or_insert_with(Default::default);
    }
}

impl Admit for CronJob {
    fn validate_create(&self) -> Result<(), ApiError> {
        validate_name(self)?;
        let name = self.metadata.name.clone().unwrap_or_default();
        let spec = self.spec.clone().unwrap_or_default();
        let mut errs = Vec::new();
        if spec.schedule.is_empty() {
            errs.push(FieldError { field: "spec.schedule".into(), detail: "Required value".into() });
        } else {
            if let Err(e) = crate::controllers::cron_schedule::parse(&spec.schedule) {
                errs.push(FieldError { field: "spec.schedule".into(), detail: format!("Invalid value: \"{}\": {e}", spec.schedule) });
            }
            if spec.schedule.contains("TZ") {
                errs.push(FieldError {
                    field: "spec.schedule".into(),
                    detail: format!("Invalid value: \"{}\": cannot use TZ or CRON_TZ in schedule, use timeZone field instead", spec.schedule),
                });
            }
        }
        if let Some(policy) = spec.concurrency_policy.as_deref().filter(|p| !["Allow", "Forbid", "Replace"].contains(p)) {
            errs.push(FieldError {
                field: "spec.concurrencyPolicy".into(),
                detail: format!("Unsupported value: \"{policy}\": supported values: \"Allow\", \"Forbid\", \"Replace\""),
            });
        }
        errs.extend(job_spec_errors(&spec.job_template.spec.clone().unwrap_or_default(), "spec.jobTemplate.spec"));
        if errs.is_empty() { Ok(()) } else { Err(ApiError::invalid("CronJob.batch", &name, errs)) }
    }

    fn default_create(&mut self, _rng: &mut SimRng) {
        let spec = self.spec.get_or_insert_with(Default::default);
        spec.concurrency_policy.get_or_insert_with(|| "Allow".into());
        spec.suspend.get_or_insert(false);
        spec.successful_jobs_history_limit.get_or_insert(3);
        spec.failed_jobs_history_limit.get_or_insert(1);
        // The job template only gets the pod-spec defaults; the Job's own come when
        // the controller creates it.
        let job_spec = spec.job_template.spec.get_or_insert_with(Default::default);
        template_spec_defaults(&mut job_spec.template);
        self.status.get_or_insert_with(Default::default);
    }
}
