//! Validation and defaults of a new StatefulSet (k/k pkg/apis/apps/v1/defaults.go
//! `SetDefaults_StatefulSet`, pkg/apis/apps/validation `ValidateStatefulSetSpec`).

use std::collections::BTreeMap;

use k8s_openapi::api::apps::v1::{
    RollingUpdateStatefulSetStrategy, StatefulSet, StatefulSetPersistentVolumeClaimRetentionPolicy,
    StatefulSetUpdateStrategy,
};
use k8s_openapi::api::core::v1::PersistentVolumeClaimStatus;

use super::admission::{validate_name, Admit};
use super::defaults::default_pod_spec;
use super::errors::{ApiError, FieldError};
use super::selectors::selects;
use super::storage_defaults::{default_claim_spec, validate_claim_spec};
use crate::names::SimRng;

/// Go's `%#v` of a `map[string]string`, as validation messages print label maps.
pub fn go_map_literal(labels: &BTreeMap<String, String>) -> String {
    let parts: Vec<String> = labels.iter().map(|(k, v)| format!("{k:?}:{v:?}")).collect();
    format!("map[string]string{{{}}}", parts.join(", "))
}

impl Admit for StatefulSet {
    fn validate_create(&self) -> Result<(), ApiError> {
        validate_name(self)?;
        let name = self.metadata.name.clone().unwrap_or_default();
        let mut errs = Vec::new();
        let spec = self.spec.clone().unwrap_or_default();
        let labels = spec.template.metadata.as_ref().and_then(|m| m.labels.clone()).unwrap_or_default();
        let selector_empty = spec.selector.match_labels.as_ref().is_none_or(|m| m.is_empty())
            && spec.selector.match_expressions.as_ref().is_none_or(|m| m.is_empty());
        if selector_empty {
            errs.push(FieldError { field: "spec.selector".into(), detail: "Required value".into() });
        } else if !selects(&spec.selector, Some(&labels)) {
            errs.push(FieldError {
                field: "spec.template.metadata.labels".into(),
                detail: format!("Invalid value: {}: `selector` does not match template `labels`", go_map_literal(&labels)),
            });
        }
        if let Some(r) = spec.replicas.filter(|r| *r < 0) {
            errs.push(FieldError { field: "spec.replicas".into(), detail: format!("Invalid value: {r}: must be greater than or equal to 0") });
        }
        let policy = spec.template.spec.as_ref().and_then(|s| s.restart_policy.clone());
        if let Some(p) = policy.filter(|p| p != "Always") {
            errs.push(FieldError {
                field: "spec.template.spec.restartPolicy".into(),
                detail: format!("Unsupported value: \"{p}\": supported values: \"Always\""),
            });
        }
        if spec.template.spec.as_ref().is_none_or(|s| s.containers.is_empty()) {
            errs.push(FieldError { field: "spec.template.spec.containers".into(), detail: "Required value".into() });
        }
        for (i, t) in spec.volume_claim_templates.iter().flatten().enumerate() {
            errs.extend(validate_claim_spec(t.spec.as_ref(), &format!("spec.volumeClaimTemplates[{i}].spec")));
        }
        if errs.is_empty() {
            Ok(())
        } else {
            Err(ApiError::invalid("StatefulSet.apps", &name, errs))
        }
    }

    /// The status is the controller's; a spec change is a new generation
    /// (statefulset strategy `PrepareForUpdate`).
    fn prepare_for_update(&mut self, old: &Self) {
        self.status = old.status.clone();
        if self.spec != old.spec {
            self.metadata.generation = Some(old.metadata.generation.unwrap_or(0) + 1);
        }
    }

    fn default_create(&mut self, _rng: &mut SimRng) {
        let spec = self.spec.get_or_insert_with(Default::default);
        spec.replicas.get_or_insert(1);
        spec.pod_management_policy.get_or_insert_with(|| "OrderedReady".into());
        spec.revision_history_limit.get_or_insert(10);
        let strategy = spec.update_strategy.get_or_insert_with(StatefulSetUpdateStrategy::default);
        let kind = strategy.type_.get_or_insert_with(|| "RollingUpdate".into()).clone();
        if kind == "RollingUpdate" {
            strategy
                .rolling_update
                .get_or_insert_with(RollingUpdateStatefulSetStrategy::default)
                .partition
                .get_or_insert(0);
        }
        let retention = spec
            .persistent_volume_claim_retention_policy
            .get_or_insert_with(StatefulSetPersistentVolumeClaimRetentionPolicy::default);
        retention.when_deleted.get_or_insert_with(|| "Retain".into());
        retention.when_scaled.get_or_insert_with(|| "Retain".into());
        default_pod_spec(spec.template.spec.get_or_insert_with(Default::default));
        for t in spec.volume_claim_templates.iter_mut().flatten() {
            default_claim_spec(t.spec.get_or_insert_with(Default::default));
            t.status.get_or_insert_with(|| PersistentVolumeClaimStatus { phase: Some("Pending".into()), ..Default::default() });
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn go_map_literal_quotes_like_go() {
        let m: BTreeMap<String, String> = [("app".to_string(), "nginx".to_string())].into();
        assert_eq!(go_map_literal(&m), "map[string]string{\"app\":\"nginx\"}");
    }
}
