//! Columns of PersistentVolume, PersistentVolumeClaim and StorageClass (printers.go
//! `printPersistentVolume`, `printPersistentVolumeClaim`, `printStorageClass`).

use k8s_openapi::api::core::v1::{PersistentVolume, PersistentVolumeClaim};
use k8s_openapi::api::storage::v1::StorageClass;

use super::{created, name_of, Column, Printable};
use crate::time::SimTime;

/// `RWO`, `ROX`, `RWX`, `RWOP` joined by `,` (helper.GetAccessModesAsString).
pub fn access_modes(modes: Option<&Vec<String>>) -> String {
    let modes = modes.cloned().unwrap_or_default();
    let mut out = Vec::new();
    for (long, short) in [
        ("ReadWriteOnce", "RWO"),
        ("ReadOnlyMany", "ROX"),
        ("ReadWriteMany", "RWX"),
        ("ReadWriteOncePod", "RWOP"),
    ] {
        if modes.iter().any(|m| m == long) {
            out.push(short);
        }
    }
    out.join(",")
}

impl Printable for PersistentVolume {
    const COLUMNS: &'static [Column] = &[
        ("NAME", false),
        ("CAPACITY", false),
        ("ACCESS MODES", false),
        ("RECLAIM POLICY", false),
        ("STATUS", false),
        ("CLAIM", false),
        ("STORAGECLASS", false),
        ("VOLUMEATTRIBUTESCLASS", false),
        ("REASON", false),
        ("AGE", false),
        ("VOLUMEMODE", true),
    ];

    fn cells(&self, now: SimTime) -> Vec<String> {
        let spec = self.spec.clone().unwrap_or_default();
        let status = self.status.clone().unwrap_or_default();
        let claim = spec
            .claim_ref
            .as_ref()
            .map(|c| format!("{}/{}", c.namespace.clone().unwrap_or_default(), c.name.clone().unwrap_or_default()))
            .unwrap_or_default();
        let phase = if self.metadata.deletion_timestamp.is_some() {
            "Terminating".to_string()
        } else {
            status.phase.clone().unwrap_or_default()
        };
        vec![
            name_of(&self.metadata),
            spec.capacity.as_ref().and_then(|c| c.get("storage")).map(|q| q.0.clone()).unwrap_or_default(),
            access_modes(spec.access_modes.as_ref()),
            spec.persistent_volume_reclaim_policy.clone().unwrap_or_default(),
            phase,
            claim,
            spec.storage_class_name.clone().unwrap_or_default(),
            spec.volume_attributes_class_name.clone().unwrap_or_else(|| "<unset>".into()),
            status.reason.clone().unwrap_or_default(),
            created(&self.metadata, now),
            spec.volume_mode.clone().unwrap_or_else(|| "Filesystem".into()),
        ]
    }
}

impl Printable for PersistentVolumeClaim {
    const COLUMNS: &'static [Column] = &[
        ("NAME", false),
        ("STATUS", false),
        ("VOLUME", false),
        ("CAPACITY", false),
        ("ACCESS MODES", false),
        ("STORAGECLASS", false),
        ("VOLUMEATTRIBUTESCLASS", false),
        ("AGE", false),
        ("VOLUMEMODE", true),
    ];

    fn cells(&self, now: SimTime) -> Vec<String> {
        let spec = self.spec.clone().unwrap_or_default();
        let status = self.status.clone().unwrap_or_default();
        let phase = if self.metadata.deletion_timestamp.is_some() {
            "Terminating".to_string()
        } else {
            status.phase.clone().unwrap_or_default()
        };
        let bound = spec.volume_name.as_deref().is_some_and(|v| !v.is_empty());
        let (capacity, modes) = if bound {
            (
                status.capacity.as_ref().and_then(|c| c.get("storage")).map(|q| q.0.clone()).unwrap_or_default(),
                access_modes(status.access_modes.as_ref()),
            )
        } else {
            (String::new(), String::new())
        };
        vec![
            name_of(&self.metadata),
            phase,
            spec.volume_name.clone().unwrap_or_default(),
            capacity,
            modes,
            spec.storage_class_name.clone().unwrap_or_default(),
            spec.volume_attributes_class_name.clone().unwrap_or_else(|| "<unset>".into()),
            created(&self.metadata, now),
            spec.volume_mode.clone().unwrap_or_else(|| "Filesystem".into()),
        ]
    }
}

pub use crate::api::storage_defaults::DEFAULT_CLASS_ANNOTATION;

impl Printable for StorageClass {
    const COLUMNS: &'static [Column] = &[
        ("NAME", false),
        ("PROVISIONER", false),
        ("RECLAIMPOLICY", false),
        ("VOLUMEBINDINGMODE", false),
        ("ALLOWVOLUMEEXPANSION", false),
        ("AGE", false),
    ];

    fn cells(&self, now: SimTime) -> Vec<String> {
        let mut name = name_of(&self.metadata);
        let is_default = self
            .metadata
            .annotations
            .as_ref()
            .and_then(|a| a.get(DEFAULT_CLASS_ANNOTATION))
            .is_some_and(|v| v == "true");
        if is_default {
            name.push_str(" (default)");
        }
        vec![
            name,
            self.provisioner.clone(),
            self.reclaim_policy.clone().unwrap_or_else(|| "Delete".into()),
            self.volume_binding_mode.clone().unwrap_or_else(|| "Immediate".into()),
            self.allow_volume_expansion.unwrap_or(false).to_string(),
            created(&self.metadata, now),
        ]
    }
}
