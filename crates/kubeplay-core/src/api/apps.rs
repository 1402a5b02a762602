//! What the API server does to Deployments and ReplicaSets: `SetDefaults_Deployment`,
//! `SetDefaults_ReplicaSet` (k/k pkg/apis/apps/v1/defaults.go), their validation
//! (pkg/apis/apps/validation/validation.go) with the real field-error texts, and the
//! registry strategies' `PrepareForUpdate` (pkg/registry/apps/*/strategy.go).

use k8s_openapi::api::apps::v1::{
    Deployment, DeploymentSpec, DeploymentStrategy, ReplicaSet, ReplicaSetSpec, RollingUpdateDeployment,
};
use k8s_openapi::api::core::v1::PodTemplateSpec;
use k8s_openapi::apimachinery::pkg::apis::meta::v1::LabelSelector;
use k8s_openapi::apimachinery::pkg::util::intstr::IntOrString;

use super::admission::{name_errors, Admit};
use super::defaults::{default_pod_spec, validate_pod_spec};
use super::errors::{ApiError, FieldError};
use super::go_values;
use super::kinds::ApiKind;
use super::selectors::selects;
use crate::names::SimRng;

/// `spec.template.spec` defaults, shared by every workload with a pod template.
pub fn default_template(template: &mut PodTemplateSpec) {
    default_pod_spec(template.spec.get_or_insert_with(Default::default));
}

/// `SetDefaults_Deployment`.
pub fn default_deployment(d: &mut Deployment) {
    let spec = d.spec.get_or_insert_with(Default::default);
    spec.replicas.get_or_insert(1);
    let strategy = spec.strategy.get_or_insert_with(DeploymentStrategy::default);
    let type_ = strategy.type_.get_or_insert_with(|| "RollingUpdate".into());
    if type_ == "RollingUpdate" {
        let ru = strategy.rolling_update.get_or_insert_with(RollingUpdateDeployment::default);
        ru.max_unavailable.get_or_insert_with(|| IntOrString::String("25%".into()));
        ru.max_surge.get_or_insert_with(|| IntOrString::String("25%".into()));
    }
    spec.revision_history_limit.get_or_insert(10);
    spec.progress_deadline_seconds.get_or_insert(600);
    default_template(&mut spec.template);
}

/// `SetDefaults_ReplicaSet`.
pub fn default_replicaset(rs: &mut ReplicaSet) {
    let spec = rs.spec.get_or_insert_with(Default::default);
    spec.replicas.get_or_insert(1);
    if let Some(t) = spec.template.as_mut() {
        default_template(t);
    }
}

fn invalid(field: &str, value: impl std::fmt::Display, detail: &str) -> FieldError {
    FieldError { field: field.into(), detail: format!("Invalid value: {value}: {detail}") }
}

fn required(field: &str, detail: &str) -> FieldError {
    let detail = if detail.is_empty() { "Required value".to_string() } else { format!("Required value: {detail}") };
    FieldError { field: field.into(), detail }
}

fn nonnegative(field: &str, v: i64) -> Option<FieldError> {
    (v < 0).then(|| invalid(field, v, "must be greater than or equal to 0"))
}

/// `ValidateLabelSelector` for the mistakes that can be typed in a manifest.
fn selector_errors(sel: &LabelSelector, path: &str) -> Vec<FieldError> {
    let mut errs = Vec::new();
    for (i, e) in sel.match_expressions.iter().flatten().enumerate() {
        let at = format!("{path}.matchExpressions[{i}]");
        match e.operator.as_str() {
            "In" | "NotIn" if e.values.as_ref().is_none_or(|v| v.is_empty()) => {
                errs.push(required(&format!("{at}.values"), "must be specified when `operator` is 'In' or 'NotIn'"))
            }
            "Exists" | "DoesNotExist" if e.values.as_ref().is_some_and(|v| !v.is_empty()) => errs.push(FieldError {
                field: format!("{at}.values"),
                detail: "Forbidden: may not be specified when `operator` is 'Exists' or 'DoesNotExist'".into(),
            }),
            "In" | "NotIn" | "Exists" | "DoesNotExist" => {}
            other => errs.push(invalid(&format!("{at}.operator"), go_values::quoted(other), "not a valid selector operator")),
        }
    }
    errs
}

/// `ValidatePodTemplateSpecForReplicaSet`: the selector must select the template's
/// labels, the pod spec must be valid, and only `restartPolicy: Always` keeps pods up.
fn template_errors(template: &PodTemplateSpec, selector: Option<&LabelSelector>, path: &str) -> Vec<FieldError> {
    let mut errs = Vec::new();
    let labels = template.metadata.as_ref().and_then(|m| m.labels.as_ref());
    if let Some(sel) = selector.filter(|s| !is_empty_selector(s)) {
        if !selects(sel, labels) {
            errs.push(invalid(
                &format!("{path}.metadata.labels"),
                go_values::string_map(labels),
                "`selector` does not match template `labels`",
            ));
        }
    }
    errs.extend(validate_pod_spec(template.spec.as_ref(), &format!("{path}.spec")));
    let restart = template.spec.as_ref().and_then(|s| s.restart_policy.as_deref()).unwrap_or("Always");
    if restart != "Always" {
        errs.push(FieldError {
            field: format!("{path}.spec.restartPolicy"),
            detail: format!("Unsupported value: {}: supported values: \"Always\"", go_values::quoted(restart)),
        });
    }
    if template.spec.as_ref().is_some_and(|s| s.active_deadline_seconds.is_some()) {
        errs.push(FieldError {
            field: format!("{path}.spec.activeDeadlineSeconds"),
            detail: "Forbidden: activeDeadlineSeconds in ReplicaSet is not Supported".into(),
        });
    }
    errs
}

fn is_empty_selector(sel: &LabelSelector) -> bool {
    sel.match_labels.as_ref().is_none_or(|m| m.is_empty()) && sel.match_expressions.as_ref().is_none_or(|e| e.is_empty())
}

/// `IsValidPercent` / `ValidatePositiveIntOrPercent`.
fn int_or_percent_errors(v: Option<&IntOrString>, path: &str) -> Vec<FieldError> {
    match v {
        Some(IntOrString::String(s)) => {
            let ok = s.strip_suffix('%').is_some_and(|n| !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()));
            if ok {
                Vec::new()
            } else {
                vec![invalid(path, go_values::quoted(s), "a valid percent string must be a numeric string followed by an ending '%' (e.g. '1%',  or '93%', regex used for validation is '[0-9]+%')")]
            }
        }
        Some(IntOrString::Int(i)) => nonnegative(path, i64::from(*i)).into_iter().collect(),
        None => Vec::new(),
    }
}

/// The number an int-or-percent stands for when checking for zero (`getIntOrPercentValue`).
fn int_or_percent_value(v: Option<&IntOrString>) -> i64 {
    match v {
        Some(IntOrString::Int(i)) => i64::from(*i),
        Some(IntOrString::String(s)) => s.trim_end_matches('%').parse().unwrap_or(0),
        None => 0,
    }
}

fn strategy_errors(strategy: Option<&DeploymentStrategy>, path: &str) -> Vec<FieldError> {
    let mut errs = Vec::new();
    let Some(strategy) = strategy else { return errs };
    match strategy.type_.as_deref().unwrap_or("") {
        "Recreate" => {
            if strategy.rolling_update.is_some() {
                errs.push(FieldError {
                    field: format!("{path}.rollingUpdate"),
                    detail: "Forbidden: may not be specified when strategy `type` is 'Recreate'".into(),
                });
            }
        }
        "RollingUpdate" => match &strategy.rolling_update {
            None => errs.push(required(&format!("{path}.rollingUpdate"), "this should be defaulted and never be nil")),
            Some(ru) => {
                let at = format!("{path}.rollingUpdate");
                errs.extend(int_or_percent_errors(ru.max_unavailable.as_ref(), &format!("{at}.maxUnavailable")));
                errs.extend(int_or_percent_errors(ru.max_surge.as_ref(), &format!("{at}.maxSurge")));
                if int_or_percent_value(ru.max_unavailable.as_ref()) == 0 && int_or_percent_value(ru.max_surge.as_ref()) == 0 {
                    let shown = ru.max_unavailable.as_ref().map(go_values::int_or_string).unwrap_or_else(|| "null".into());
                    errs.push(invalid(&format!("{at}.maxUnavailable"), shown, "may not be 0 when `maxSurge` is 0"));
                }
                if let Some(IntOrString::String(s)) = &ru.max_unavailable {
                    if s.trim_end_matches('%').parse::<i64>().is_ok_and(|p| p > 100) {
                        errs.push(invalid(&format!("{at}.maxUnavailable"), go_values::quoted(s), "must not be greater than 100%"));
                    }
                }
            }
        },
        other => errs.push(FieldError {
            field: path.into(),
            detail: format!("Unsupported value: {}: supported values: \"Recreate\", \"RollingUpdate\"", go_values::quoted(other)),
        }),
    }
    errs
}

/// `ValidateDeploymentSpec`.
fn deployment_spec_errors(spec: &DeploymentSpec) -> Vec<FieldError> {
    let mut errs = Vec::new();
    errs.extend(nonnegative("spec.replicas", i64::from(spec.replicas.unwrap_or(1))));
    let sel = &spec.selector;
    errs.extend(selector_errors(sel, "spec.selector"));
    if is_empty_selector(sel) {
        errs.push(invalid("spec.selector", go_values::label_selector(sel), "empty selector is invalid for deployment"));
    }
    errs.extend(template_errors(&spec.template, Some(sel), "spec.template"));
    errs.extend(strategy_errors(spec.strategy.as_ref(), "spec.strategy"));
    let min_ready = spec.min_ready_seconds.unwrap_or(0);
    errs.extend(nonnegative("spec.minReadySeconds", i64::from(min_ready)));
    if let Some(limit) = spec.revision_history_limit {
        errs.extend(nonnegative("spec.revisionHistoryLimit", i64::from(limit)));
    }
    if let Some(deadline) = spec.progress_deadline_seconds {
        errs.extend(nonnegative("spec.progressDeadlineSeconds", i64::from(deadline)));
        if deadline <= min_ready {
            errs.push(invalid("spec.progressDeadlineSeconds", deadline, "must be greater than minReadySeconds"));
        }
    }
    errs
}

/// `ValidateReplicaSetSpec`.
fn replicaset_spec_errors(spec: &ReplicaSetSpec) -> Vec<FieldError> {
    let mut errs = Vec::new();
    errs.extend(nonnegative("spec.replicas", i64::from(spec.replicas.unwrap_or(1))));
    errs.extend(nonnegative("spec.minReadySeconds", i64::from(spec.min_ready_seconds.unwrap_or(0))));
    let sel = &spec.selector;
    errs.extend(selector_errors(sel, "spec.selector"));
    if is_empty_selector(sel) {
        errs.push(invalid("spec.selector", go_values::label_selector(sel), "empty selector is invalid for deployment"));
    }
    match &spec.template {
        Some(t) => errs.extend(template_errors(t, Some(sel), "spec.template")),
        None => errs.push(required("spec.template", "")),
    }
    errs
}

fn result<K: ApiKind>(obj: &K, errs: Vec<FieldError>) -> Result<(), ApiError> {
    if errs.is_empty() {
        Ok(())
    } else {
        Err(ApiError::invalid(&K::qualified_kind(), obj.metadata().name.as_deref().unwrap_or(""), errs))
    }
}

/// `spec.selector` may not change after creation (apps/v1).
fn immutable_selector(new: &LabelSelector, old: &LabelSelector) -> Option<FieldError> {
    (new != old).then(|| invalid("spec.selector", go_values::label_selector(new), "field is immutable"))
}

impl Admit for Deployment {
    fn validate_create(&self) -> Result<(), ApiError> {
        let mut errs = name_errors(&self.metadata);
        errs.extend(self.spec.as_ref().map(deployment_spec_errors).unwrap_or_else(|| vec![required("spec.selector", "")]));
        result(self, errs)
    }

    fn default_create(&mut self, _rng: &mut SimRng) {
        default_deployment(self);
    }

    fn default_update(&mut self) {
        default_deployment(self);
    }

    fn validate_update(&self, old: &Self) -> Result<(), ApiError> {
        let mut errs: Vec<FieldError> = self.spec.as_ref().map(deployment_spec_errors).unwrap_or_default();
        if let (Some(new), Some(old)) = (&self.spec, &old.spec) {
            errs.extend(immutable_selector(&new.selector, &old.selector));
        }
        result(self, errs)
    }

    /// Spec and annotation changes bump the generation (annotations are copied to the
    /// ReplicaSets, so the controller must see them).
    fn prepare_for_update(&mut self, old: &Self) {
        self.status = old.status.clone();
        if self.spec != old.spec || self.metadata.annotations != old.metadata.annotations {
            self.metadata.generation = Some(old.metadata.generation.unwrap_or(0) + 1);
        }
    }
}

impl Admit for ReplicaSet {
    fn validate_create(&self) -> Result<(), ApiError> {
        let mut errs = name_errors(&self.metadata);
        errs.extend(self.spec.as_ref().map(replicaset_spec_errors).unwrap_or_else(|| vec![required("spec.selector", "")]));
        result(self, errs)
    }

    fn default_create(&mut self, _rng: &mut SimRng) {
        default_replicaset(self);
    }

    fn default_update(&mut self) {
        default_replicaset(self);
    }

    fn validate_update(&self, old: &Self) -> Result<(), ApiError> {
        let mut errs: Vec<FieldError> = self.spec.as_ref().map(replicaset_spec_errors).unwrap_or_default();
        if let (Some(new), Some(old)) = (&self.spec, &old.spec) {
            errs.extend(immutable_selector(&new.selector, &old.selector));
        }
        result(self, errs)
    }

    fn prepare_for_update(&mut self, old: &Self) {
        self.status = old.status.clone();
        if self.spec != old.spec {
            self.metadata.generation = Some(old.metadata.generation.unwrap_or(0) + 1);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use k8s_openapi::api::core::v1::{Container, PodSpec};
    use k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta;

    fn deployment(selector: &str, template: &str) -> Deployment {
        Deployment {
            metadata: ObjectMeta { name: Some("web".into()), ..Default::default() },
            spec: Some(DeploymentSpec {
                selector: LabelSelector { match_labels: Some([("app".into(), selector.into())].into()), ..Default::default() },
                template: PodTemplateSpec {
                    metadata: Some(ObjectMeta { labels: Some([("app".into(), template.into())].into()), ..Default::default() }),
                    spec: Some(PodSpec {
                        containers: vec![Container { name: "nginx".into(), image: Some("nginx".into()), ..Default::default() }],
                        ..Default::default()
                    }),
                },
                ..Default::default()
            }),
            status: None,
        }
    }

    #[test]
    fn defaults_are_the_api_servers() {
        let mut d = deployment("web", "web");
        default_deployment(&mut d);
        let spec = d.spec.unwrap();
        assert_eq!(spec.replicas, Some(1));
        assert_eq!(spec.revision_history_limit, Some(10));
        assert_eq!(spec.progress_deadline_seconds, Some(600));
        let ru = spec.strategy.unwrap().rolling_update.unwrap();
        assert_eq!(ru.max_surge, Some(IntOrString::String("25%".into())));
        assert_eq!(spec.template.spec.unwrap().restart_policy.as_deref(), Some("Always"));
    }

    #[test]
    fn selector_must_match_template_labels() {
        let err = deployment("web", "other").validate_create().unwrap_err();
        assert_eq!(
            err.to_string(),
            "The Deployment \"web\" is invalid: spec.template.metadata.labels: Invalid value: map[string]string{\"app\":\"other\"}: `selector` does not match template `labels`"
        );
        assert!(err.message.starts_with("Deployment.apps \"web\" is invalid: "));
    }

    #[test]
    fn selector_is_immutable_and_spec_bumps_generation() {
        let mut old = deployment("web", "web");
        old.metadata.generation = Some(1);
        let new = deployment("web2", "web2");
        let err = new.validate_update(&old).unwrap_err();
        assert_eq!(
            err.to_string(),
            "The Deployment \"web\" is invalid: spec.selector: Invalid value: v1.LabelSelector{MatchLabels:map[string]string{\"app\":\"web2\"}, MatchExpressions:[]v1.LabelSelectorRequirement(nil)}: field is immutable"
        );
        let mut scaled = old.clone();
        scaled.spec.as_mut().unwrap().replicas = Some(3);
        scaled.prepare_for_update(&old);
        assert_eq!(scaled.metadata.generation, Some(2));
    }

    #[test]
    fn both_fenceposts_zero_is_rejected() {
        let mut d = deployment("web", "web");
        d.spec.as_mut().unwrap().strategy = Some(DeploymentStrategy {
            type_: Some("RollingUpdate".into()),
            rolling_update: Some(RollingUpdateDeployment {
                max_surge: Some(IntOrString::Int(0)),
                max_unavailable: Some(IntOrString::String("0%".into())),
            }),
        });
        let err = d.validate_create().unwrap_err();
        assert!(err.to_string().ends_with("spec.strategy.rollingUpdate.maxUnavailable: Invalid value: intstr.IntOrString{Type:1, IntVal:0, StrVal:\"0%\"}: may not be 0 when `maxSurge` is 0"), "{err}");
    }
}
