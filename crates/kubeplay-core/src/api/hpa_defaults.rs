//! Validation and defaults of a new HorizontalPodAutoscaler (autoscaling/v2: k/k
//! pkg/apis/autoscaling/v2/defaults.go, pkg/apis/autoscaling/validation).

use k8s_openapi::api::autoscaling::v2::{
    HorizontalPodAutoscaler, MetricSpec, MetricTarget, ResourceMetricSource,
};

use super::admission::{validate_name, Admit};
use super::errors::{ApiError, FieldError};
use crate::names::SimRng;

/// Without metrics an HPA targets 80% CPU utilization.
pub const DEFAULT_CPU_UTILIZATION: i32 = 80;

fn invalid(field: &str, detail: String) -> FieldError {
    FieldError { field: field.into(), detail }
}

impl Admit for HorizontalPodAutoscaler {
    fn validate_create(&self) -> Result<(), ApiError> {
        validate_name(self)?;
        let spec = self.spec.clone().unwrap_or_default();
        let mut errs = Vec::new();
        if spec.scale_target_ref.kind.is_empty() {
            errs.push(invalid("spec.scaleTargetRef.kind", "Required value".into()));
        }
        if spec.scale_target_ref.name.is_empty() {
            errs.push(invalid("spec.scaleTargetRef.name", "Required value".into()));
        }
        if let Some(min) = spec.min_replicas {
            if min < 1 {
                errs.push(invalid("spec.minReplicas", format!("Invalid value: {min}: must be greater than or equal to 1")));
            }
        }
        if spec.max_replicas < 1 {
            errs.push(invalid("spec.maxReplicas", format!("Invalid value: {}: must be greater than or equal to 1", spec.max_replicas)));
        }
        if let Some(min) = spec.min_replicas {
            if min > spec.max_replicas && spec.max_replicas >= 1 {
                errs.push(invalid("spec.maxReplicas", format!("Invalid value: {}: must be greater than or equal to `minReplicas`", spec.max_replicas)));
            }
        }
        if errs.is_empty() {
            Ok(())
        } else {
            Err(ApiError::invalid("HorizontalPodAutoscaler.autoscaling", self.metadata.name.as_deref().unwrap_or(""), errs))
        }
    }

    fn default_create(&mut self, _rng: &mut SimRng) {
        let spec = self.spec.get_or_insert_with(Default::default);
        spec.min_replicas.get_or_insert(1);
        if spec.metrics.as_ref().is_none_or(Vec::is_empty) {
            spec.metrics = Some(vec![MetricSpec {
                type_: "Resource".into(),
                resource: Some(ResourceMetricSource {
                    name: "cpu".into(),
                    target: MetricTarget {
                        type_: "Utilization".into(),
                        average_utilization: Some(DEFAULT_CPU_UTILIZATION),
                        ..Default::default()
                    },
                }),
                ..Default::default()
            }]);
        }
        // The registry resets status on create.
        self.status = Some(Default::default());
    }
}
