//! What the API server does to new storage objects: validation and defaults of
//! PersistentVolume, PersistentVolumeClaim and StorageClass (k/k
//! pkg/apis/core/validation `ValidatePersistentVolume*`, pkg/apis/core/v1/defaults.go,
//! pkg/apis/storage/v1/defaults.go), plus the admission plugins that touch them:
//! `DefaultStorageClass` (a claim without a class gets the default one) and
//! `StorageObjectInUseProtection` (the protection finalizers).

use k8s_openapi::api::core::v1::{PersistentVolume, PersistentVolumeClaim, PersistentVolumeClaimSpec};
use k8s_openapi::api::storage::v1::StorageClass;

use super::admission::{validate_name, Admit};
use super::errors::{ApiError, FieldError};
use super::store::Store;
use crate::names::SimRng;

/// The annotation that marks the cluster's default StorageClass.
pub const DEFAULT_CLASS_ANNOTATION: &str = "storageclass.kubernetes.io/is-default-class";
/// Finalizer that keeps a claim while a pod uses it.
pub const PVC_PROTECTION: &str = "kubernetes.io/pvc-protection";
/// Finalizer that keeps a volume while a claim is bound to it.
pub const PV_PROTECTION: &str = "kubernetes.io/pv-protection";

fn required(field: &str, detail: &str) -> FieldError {
    let detail = if detail.is_empty() { "Required value".to_string() } else { format!("Required value: {detail}") };
    FieldError { field: field.into(), detail }
}

/// The checks a claim's spec gets, in a PVC and in a StatefulSet's
/// `volumeClaimTemplates` (`ValidatePersistentVolumeClaimSpec`).
pub fn validate_claim_spec(spec: Option<&PersistentVolumeClaimSpec>, path: &str) -> Vec<FieldError> {
    let mut errs = Vec::new();
    let modes = spec.and_then(|s| s.access_modes.as_ref()).map(Vec::len).unwrap_or(0);
    if modes == 0 {
        errs.push(required(&format!("{path}.accessModes"), "at least 1 access mode is required"));
    }
    let has_storage = spec
        .and_then(|s| s.resources.as_ref())
        .and_then(|r| r.requests.as_ref())
        .is_some_and(|r| r.contains_key("storage"));
    if !has_storage {
        errs.push(required(&format!("{path}.resources[storage]"), ""));
    }
    errs
}

/// `SetDefaults_PersistentVolumeClaimSpec`: `volumeMode: Filesystem`.
pub fn default_claim_spec(spec: &mut PersistentVolumeClaimSpec) {
    spec.volume_mode.get_or_insert_with(|| "Filesystem".into());
}

/// The default StorageClass: the newest one annotated as default (as the
/// `DefaultStorageClass` admission plugin picks when several claim to be).
pub fn default_class(store: &Store) -> Option<String> {
    store
        .storageclasses
        .list(None)
        .filter(|sc| {
            sc.metadata.annotations.as_ref().and_then(|a| a.get(DEFAULT_CLASS_ANNOTATION)).is_some_and(|v| v == "true")
        })
        .max_by(|a, b| {
            let ta = a.metadata.creation_timestamp.as_ref().map(|t| t.0);
            let tb = b.metadata.creation_timestamp.as_ref().map(|t| t.0);
            ta.cmp(&tb).then_with(|| b.metadata.name.cmp(&a.metadata.name))
        })
        .and_then(|sc| sc.metadata.name.clone())
}

fn add_finalizer(meta: &mut k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta, finalizer: &str) {
    let list = meta.finalizers.get_or_insert_with(Vec::new);
    if !list.iter().any(|f| f == finalizer) {
        list.push(finalizer.to_string());
    }
}

impl Admit for PersistentVolumeClaim {
    fn validate_create(&self) -> Result<(), ApiError> {
        validate_name(self)?;
        let errs = validate_claim_spec(self.spec.as_ref(), "spec");
        if errs.is_empty() {
            Ok(())
        } else {
            Err(ApiError::invalid("PersistentVolumeClaim", self.metadata.name.as_deref().unwrap_or(""), errs))
        }
    }

    fn default_create(&mut self, _rng: &mut SimRng) {
        default_claim_spec(self.spec.get_or_insert_with(Default::default));
        // The registry resets status on create; defaulting then says Pending.
        self.status = Some(k8s_openapi::api::core::v1::PersistentVolumeClaimStatus {
            phase: Some("Pending".into()),
            ..Default::default()
        });
        add_finalizer(&mut self.metadata, PVC_PROTECTION);
    }

    fn admit(&mut self, store: &Store, _rng: &mut SimRng) -> Result<(), ApiError> {
        let spec = self.spec.get_or_insert_with(Default::default);
        if spec.storage_class_name.is_none() {
            spec.storage_class_name = default_class(store);
        }
        Ok(())
    }
}

impl Admit for PersistentVolume {
    fn validate_create(&self) -> Result<(), ApiError> {
        validate_name(self)?;
        let spec = self.spec.as_ref();
        let mut errs = Vec::new();
        if spec.and_then(|s| s.access_modes.as_ref()).is_none_or(Vec::is_empty) {
            errs.push(required("spec.accessModes", ""));
        }
        if spec.and_then(|s| s.capacity.as_ref()).is_none_or(|c| c.is_empty()) {
            errs.push(required("spec.capacity", ""));
        }
        if errs.is_empty() {
            Ok(())
        } else {
            Err(ApiError::invalid("PersistentVolume", self.metadata.name.as_deref().unwrap_or(""), errs))
        }
    }

    fn default_create(&mut self, _rng: &mut SimRng) {
        let spec = self.spec.get_or_insert_with(Default::default);
        spec.persistent_volume_reclaim_policy.get_or_insert_with(|| "Retain".into());
        spec.volume_mode.get_or_insert_with(|| "Filesystem".into());
        self.status = Some(k8s_openapi::api::core::v1::PersistentVolumeStatus {
            phase: Some("Pending".into()),
            ..Default::default()
        });
        add_finalizer(&mut self.metadata, PV_PROTECTION);
    }
}

impl Admit for StorageClass {
    fn validate_create(&self) -> Result<(), ApiError> {
        validate_name(self)?;
        if self.provisioner.is_empty() {
            let errs = vec![required("provisioner", "")];
            return Err(ApiError::invalid("StorageClass.storage.k8s.io", self.metadata.name.as_deref().unwrap_or(""), errs));
        }
        Ok(())
    }

    fn default_create(&mut self, _rng: &mut SimRng) {
        self.reclaim_policy.get_or_insert_with(|| "Delete".into());
        self.volume_binding_mode.get_or_insert_with(|| "Immediate".into());
    }
}
