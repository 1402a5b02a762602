//! What the API server does to an object between the request and the store:
//! validation, then defaulting and admission (k/k pkg/apis/*/validation and
//! defaults.go, and the admission plugins). Every create — from kubectl, from
//! `apply -f`, from a controller — goes through [`Admit`], so an object a
//! controller makes looks exactly like one the API server would have stored.

use k8s_openapi::api::apps::v1::ControllerRevision;
use k8s_openapi::api::core::v1::{
    ConfigMap, Endpoints, Event, Namespace, Node, Pod, Secret, Service, ServiceAccount,
};
use k8s_openapi::api::discovery::v1::EndpointSlice;
use k8s_openapi::api::networking::v1::{Ingress, IngressClass};
use k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta;

use super::defaults::{default_pod, validate_pod};
use super::errors::{ApiError, FieldError};
use super::kinds::ApiKind;
use super::store::Store;
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

    /// The grace period a delete request gets (`None`: removed at once). Only
    /// pods running on a node terminate gracefully.
    fn graceful_delete_seconds(&self, _requested: Option<i64>) -> Option<i64> {
        None
    }

    /// Whether deleting only marks the object for a controller to finish (a
    /// namespace empties itself first).
    fn finalizes_on_delete(&self) -> bool {
        false
    }

    /// What the registry changes besides `deletionTimestamp` when marking (a
    /// namespace turns `Terminating`).
    fn mark_deleting(&mut self) {}

    /// What needs the cluster's state: allocators (ClusterIPs, NodePorts) and
    /// admission plugins that read other objects (`DefaultStorageClass`, the
    /// default IngressClass).
    fn admit(&mut self, _store: &Store, _rng: &mut SimRng) -> Result<(), ApiError> {
        Ok(())
    }

    /// Defaults on an update: `SetDefaults_*` runs on every decoded object (filling
    /// only what is missing); create-only admission plugins do not run again.
    fn default_update(&mut self) {}

    /// Rejects an update of `old` into `self` (immutable fields and the create rules).
    fn validate_update(&self, _old: &Self) -> Result<(), ApiError> {
        Ok(())
    }

    /// The registry strategy's `PrepareForUpdate`, run after the server has put
    /// the old `metadata.generation` back (`rest.BeforeUpdate`): the strategy alone
    /// decides whether this write is a new generation, which controllers echo as
    /// `status.observedGeneration`. By default a changed spec is one; kinds whose
    /// strategy looks at more (a Deployment's annotations) override this.
    fn prepare_for_update(&mut self, old: &Self) {
        bump_generation_on_spec_change(self, old);
    }

    /// What an update needs from the cluster's state: a Service that became
    /// NodePort or LoadBalancer gets its NodePorts.
    fn admit_update(&mut self, _old: &Self, _store: &Store, _rng: &mut SimRng) -> Result<(), ApiError> {
        Ok(())
    }
}

/// The common strategy rule: a changed `spec` is a new generation.
pub fn bump_generation_on_spec_change<K: ApiKind>(new: &mut K, old: &K) {
    if !K::tracks_generation() {
        return;
    }
    let spec_of = |o: &K| crate::json::to_value(o).ok().and_then(|v| v.get("spec").cloned());
    if spec_of(new) != spec_of(old) {
        new.metadata_mut().generation = Some(old.metadata().generation.unwrap_or(0) + 1);
    }
}

/// The name check every kind shares: a DNS-1123 subdomain, or a generateName.
pub fn validate_name<K: ApiKind>(obj: &K) -> Result<(), ApiError> {
    let errs = name_errors(obj.metadata());
    if errs.is_empty() {
        Ok(())
    } else {
        Err(ApiError::invalid(&K::qualified_kind(), obj.metadata().name.as_deref().unwrap_or(""), errs))
    }
}

/// The errors of `metadata.name` (empty when it is fine), for kinds that add their
/// own causes to the same `Invalid` error.
pub fn name_errors(meta: &ObjectMeta) -> Vec<FieldError> {
    let name = meta.name.clone().unwrap_or_default();
    if name.is_empty() {
        if meta.generate_name.as_deref().is_some_and(|g| !g.is_empty()) {
            return Vec::new();
        }
        return vec![FieldError {
            field: "metadata.name".into(),
            detail: "Required value: name or generateName is required".into(),
        }];
    }
    dns1123_subdomain("metadata.name", &name)
}

impl Admit for Pod {
    fn validate_create(&self) -> Result<(), ApiError> {
        validate_pod(self)
    }

    fn default_create(&mut self, rng: &mut SimRng) {
        let suffix = rng.suffix(5);
        default_pod(self, &suffix);
    }

    /// Unscheduled and finished pods go at once; `--grace-period=0` (with `--force`)
    /// too; otherwise the request's or the pod's own period.
    fn graceful_delete_seconds(&self, requested: Option<i64>) -> Option<i64> {
        let spec = self.spec.as_ref();
        let scheduled = spec.and_then(|s| s.node_name.as_deref()).is_some_and(|n| !n.is_empty());
        let phase = self.status.as_ref().and_then(|s| s.phase.as_deref()).unwrap_or("");
        if !scheduled || phase == "Succeeded" || phase == "Failed" || requested == Some(0) {
            return None;
        }
        Some(requested.unwrap_or_else(|| spec.and_then(|s| s.termination_grace_period_seconds).unwrap_or(30)))
    }

    /// `ValidatePodUpdate`: a pod's spec is fixed once created, except its
    /// containers' images, `activeDeadlineSeconds`, added tolerations and
    /// `terminationGracePeriodSeconds`. (The real error goes on with a `cmp.Diff`
    /// of the internal PodSpec, which is not reproduced.)
    fn validate_update(&self, old: &Self) -> Result<(), ApiError> {
        let (Some(new), Some(was)) = (self.spec.as_ref(), old.spec.as_ref()) else { return Ok(()) };
        let mut masked = new.clone();
        for (list, old_list) in [(&mut masked.containers, &was.containers)] {
            for (c, o) in list.iter_mut().zip(old_list) {
                c.image = o.image.clone();
            }
        }
        if let (Some(list), Some(old_list)) = (masked.init_containers.as_mut(), was.init_containers.as_ref()) {
            for (c, o) in list.iter_mut().zip(old_list) {
                c.image = o.image.clone();
            }
        }
        masked.active_deadline_seconds = was.active_deadline_seconds;
        masked.termination_grace_period_seconds = was.termination_grace_period_seconds;
        let old_tolerations = was.tolerations.clone().unwrap_or_default();
        if old_tolerations.iter().all(|t| new.tolerations.iter().flatten().any(|n| n == t)) {
            masked.tolerations = was.tolerations.clone();
        }
        if &masked == was {
            return Ok(());
        }
        Err(ApiError::invalid(
            "Pod",
            self.metadata.name.as_deref().unwrap_or(""),
            vec![FieldError {
                field: "spec".into(),
                detail: "Forbidden: pod updates may not change fields other than `spec.containers[*].image`,`spec.initContainers[*].image`,`spec.activeDeadlineSeconds`,`spec.tolerations` (only additions to existing tolerations),`spec.terminationGracePeriodSeconds` (allow it to be set to 1 if it was previously negative)".into(),
            }],
        ))
    }
}

impl Admit for Secret {
    /// `stringData` is write-only: the API server folds it into `data`.
    fn default_create(&mut self, _rng: &mut SimRng) {
        if let Some(strings) = self.string_data.take() {
            let data = self.data.get_or_insert_with(Default::default);
            for (k, v) in strings {
                data.insert(k, k8s_openapi::ByteString(v.into_bytes()));
            }
        }
        self.type_.get_or_insert_with(|| "Opaque".into());
    }
}

impl Admit for Namespace {
    fn validate_create(&self) -> Result<(), ApiError> {
        let name = self.metadata.name.clone().unwrap_or_default();
        let errs = super::validation::dns1123_label("metadata.name", &name);
        if errs.is_empty() {
            Ok(())
        } else {
            Err(ApiError::invalid("Namespace", &name, errs))
        }
    }

    fn default_create(&mut self, _rng: &mut SimRng) {
        let name = self.metadata.name.clone().unwrap_or_default();
        self.metadata
            .labels
            .get_or_insert_with(Default::default)
            .insert("kubernetes.io/metadata.name".into(), name);
        self.spec.get_or_insert_with(Default::default).finalizers = Some(vec!["kubernetes".into()]);
        self.status.get_or_insert_with(Default::default).phase = Some("Active".into());
    }

    fn finalizes_on_delete(&self) -> bool {
        true
    }

    fn mark_deleting(&mut self) {
        self.status.get_or_insert_with(Default::default).phase = Some("Terminating".into());
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
    Event,
    ConfigMap,
    ServiceAccount,
    IngressClass,
);

/// `ValidateControllerRevisionCreate`: a revision number is never negative.
impl Admit for ControllerRevision {
    /// The uid comes from a side stream keyed by the name and the store's
    /// revision (unique over time), see [`crate::names::side_uuid`].
    fn admit(&mut self, store: &Store, _rng: &mut SimRng) -> Result<(), ApiError> {
        let m = &self.metadata;
        let key = format!("{}/{}/{}", m.namespace.as_deref().unwrap_or(""), m.name.as_deref().unwrap_or(""), store.revision());
        self.metadata.uid = Some(crate::names::side_uuid(&key));
        Ok(())
    }

    fn validate_create(&self) -> Result<(), ApiError> {
        let mut errs = name_errors(&self.metadata);
        if self.revision < 0 {
            errs.push(FieldError { field: "revision".into(), detail: format!("Invalid value: {}: must be greater than or equal to 0", self.revision) });
        }
        if errs.is_empty() {
            return Ok(());
        }
        Err(ApiError::invalid(&ControllerRevision::qualified_kind(), self.metadata.name.as_deref().unwrap_or(""), errs))
    }
}

impl Admit for Service {
    fn validate_create(&self) -> Result<(), ApiError> {
        super::service::validate_service(self)
    }

    fn default_create(&mut self, _rng: &mut SimRng) {
        super::service::default_service(self)
    }

    fn admit(&mut self, store: &Store, rng: &mut SimRng) -> Result<(), ApiError> {
        super::service::allocate_service(self, store, rng)
    }

    fn admit_update(&mut self, old: &Self, store: &Store, rng: &mut SimRng) -> Result<(), ApiError> {
        super::service::allocate_update(self, old, store, rng)
    }
}

// Written by the endpoints controllers and the API server's own reconciler; the
// name check is what the API server applies (their fields are the controllers').
impl Admit for Endpoints {}
impl Admit for EndpointSlice {}

impl Admit for Ingress {
    fn validate_create(&self) -> Result<(), ApiError> {
        crate::network::ingress::validate_ingress(self)
    }

    fn admit(&mut self, store: &Store, _rng: &mut SimRng) -> Result<(), ApiError> {
        crate::network::ingress::default_ingress_class(self, store);
        Ok(())
    }
}
