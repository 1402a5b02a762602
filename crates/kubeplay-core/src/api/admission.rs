//! What the API server does to an object between the request and the store:
//! validation, then defaulting and admission (k/k pkg/apis/*/validation and
//! defaults.go, and the admission plugins). Every create — from kubectl, from
//! `apply -f`, from a controller — goes through [`Admit`], so an object a
//! controller makes looks exactly like one the API server would have stored.

use k8s_openapi::api::apps::v1::{DaemonSet, Deployment, ReplicaSet, StatefulSet};
use k8s_openapi::api::autoscaling::v2::HorizontalPodAutoscaler;
use k8s_openapi::api::batch::v1::{CronJob, Job};
use k8s_openapi::api::core::v1::{
    ConfigMap, Endpoints, Event, Namespace, Node, PersistentVolume, PersistentVolumeClaim, Pod, Secret, Service,
    ServiceAccount,
};
use k8s_openapi::api::discovery::v1::EndpointSlice;
use k8s_openapi::api::networking::v1::{Ingress, IngressClass};
use k8s_openapi::api::storage::v1::StorageClass;

use super::defaults::{default_pod, validate_pod};
use super::errors::{ApiError, FieldError};
use super::kinds::ApiKind;
use super::validation::dns1123_subdomain;
use crate::names::SimRng;

/// Per-kind validation and defaulting on create. The defaults are no-ops; a kind
/// overrides what the API server does for it.
pub trait Admit: ApiKind {
    /// Rejects an invalid object with the API server's `Invalid` error.
    fn validate_create(&self) -> Result<(), ApiError> {
        validate_name::<Self>(self)
    }

    /// Fills defaults (`SetDefaults_*`) and what admission plugins add.
    fn default_create(&mut self, _rng: &mut SimRng) {}
}

/// The name check every kind shares: a DNS-1123 subdomain, or a generateName.
pub fn validate_name<K: ApiKind>(obj: &K) -> Result<(), ApiError> {
    let meta = obj.metadata();
    let name = meta.name.clone().unwrap_or_default();
    if name.is_empty() {
        if meta.generate_name.as_deref().is_some_and(|g| !g.is_empty()) {
            return Ok(());
        }
        let errs = vec![FieldError {
            field: "metadata.name".into(),
            detail: "Required value: name or generateName is required".into(),
        }];
        return Err(ApiError::invalid(K::KIND, &name, errs));
    }
    let errs = dns1123_subdomain("metadata.name", &name);
    if errs.is_empty() {
        Ok(())
    } else {
        Err(ApiError::invalid(K::KIND, &name, errs))
    }
}

impl Admit for Pod {
    fn validate_create(&self) -> Result<(), ApiError> {
        validate_pod(self)
    }

    fn default_create(&mut self, rng: &mut SimRng) {
        let suffix = rng.suffix(5);
        default_pod(self, &suffix);
    }
}

// Kinds whose defaulting/validation beyond the name is not simulated (yet); a
// controller owner moves its kind out of this list when it adds real rules.
macro_rules! admit_by_name_only {
    ($($ty:ty),* $(,)?) => {
        $(impl Admit for $ty {})*
    };
}

admit_by_name_only!(
    Node,
    Namespace,
    Service,
    Event,
    ConfigMap,
    ServiceAccount,
    Secret,
    Endpoints,
    EndpointSlice,
    PersistentVolume,
    PersistentVolumeClaim,
    StorageClass,
    Deployment,
    ReplicaSet,
    DaemonSet,
    StatefulSet,
    Job,
    CronJob,
    HorizontalPodAutoscaler,
    Ingress,
    IngressClass,
);
