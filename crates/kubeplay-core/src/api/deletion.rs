//! Deleting objects as the API server does (k/k staging/src/k8s.io/apiserver
//! pkg/registry/generic/registry/store.go `Delete`, pkg/registry/core/pod
//! strategy `CheckGracefulDeleteStrategy`): a graceful deletion only stamps
//! `deletionTimestamp` and leaves the rest to the kubelet; finalizers (the
//! namespace's `kubernetes`, the garbage collector's `foregroundDeletion`) keep an
//! object until their controller removes them; `orphan` strips the owner
//! references of the dependents first.

use k8s_openapi::apimachinery::pkg::apis::meta::v1::Time;

use super::admission::Admit;
use super::errors::ApiError;
use super::kinds::ApiKind;
use super::store::ObjectKey;
use crate::cluster::Cluster;
use crate::time::SimTime;

/// `--cascade` / `propagationPolicy`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Propagation {
    #[default]
    Background,
    Foreground,
    Orphan,
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct DeleteOptions {
    /// `--grace-period`; `None` uses the object's own (a pod's
    /// `terminationGracePeriodSeconds`). `Some(0)` deletes at once (`--force`).
    pub grace_seconds: Option<i64>,
    pub propagation: Propagation,
}

/// What a delete request did.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Deleted {
    /// The object is gone from the store.
    Gone { uid: String },
    /// The object is marked for deletion; a controller or kubelet finishes it.
    Pending { uid: String },
}

impl Deleted {
    pub fn uid(&self) -> &str {
        match self {
            Deleted::Gone { uid } | Deleted::Pending { uid } => uid,
        }
    }
}

pub const FOREGROUND_FINALIZER: &str = "foregroundDeletion";
pub const ORPHAN_FINALIZER: &str = "orphan";

impl Cluster {
    /// Deletes `namespace/name` of kind `K`. Does not settle.
    pub fn delete<K: Admit + PartialEq>(
        &mut self,
        namespace: &str,
        name: &str,
        opts: DeleteOptions,
    ) -> Result<Deleted, ApiError> {
        let ns = if K::NAMESPACED { namespace } else { "" };
        let key = ObjectKey::new(ns, name);
        let Some(obj) = K::table(&self.store).get(&key) else {
            return Err(ApiError::not_found(&K::qualified_resource(), name));
        };
        let meta = obj.metadata();
        let uid = meta.uid.clone().unwrap_or_default();
        let already_deleting = meta.deletion_timestamp.is_some();
        let has_finalizers = meta.finalizers.as_ref().is_some_and(|f| !f.is_empty());
        let grace = obj.graceful_delete_seconds(opts.grace_seconds);
        let keeps = obj.finalizes_on_delete();
        if opts.propagation == Propagation::Orphan {
            orphan_dependents(self, &uid);
        }
        let now = self.now();
        // A force delete (grace 0) of something already terminating removes it now.
        if already_deleting && opts.grace_seconds != Some(0) {
            return Ok(Deleted::Pending { uid });
        }
        let waits = grace.is_some_and(|g| g > 0) || keeps || has_finalizers || opts.propagation == Propagation::Foreground;
        if !waits {
            self.store.remove::<K>(&key);
            return Ok(Deleted::Gone { uid });
        }
        let grace = grace.unwrap_or(0);
        let stamp: Time = now.plus_ms(grace * SimTime::SECOND).to_k8s();
        self.store.modify::<K>(&key, |o| {
            o.mark_deleting();
            let m = o.metadata_mut();
            m.deletion_timestamp = Some(stamp.clone());
            m.deletion_grace_period_seconds = Some(grace);
            if opts.propagation == Propagation::Foreground {
                let f = m.finalizers.get_or_insert_with(Vec::new);
                if !f.iter().any(|x| x == FOREGROUND_FINALIZER) {
                    f.push(FOREGROUND_FINALIZER.into());
                }
            }
        });
        self.store.note_deletion();
        Ok(Deleted::Pending { uid })
    }
}

/// Removes the owner references to `owner_uid` from every object (`--cascade=orphan`).
fn orphan_dependents(c: &mut Cluster, owner_uid: &str) {
    macro_rules! orphan {
        ($ty:ty) => {{
            let keys: Vec<ObjectKey> = <$ty as ApiKind>::table(&c.store)
                .list(None)
                .filter(|o| owned_by(k8s_openapi::Metadata::metadata(*o), owner_uid))
                .map(|o| ObjectKey::of(k8s_openapi::Metadata::metadata(o)))
                .collect();
            for key in keys {
                c.store.modify::<$ty>(&key, |o| {
                    let m = k8s_openapi::Metadata::metadata_mut(o);
                    if let Some(refs) = m.owner_references.as_mut() {
                        refs.retain(|r| r.uid != owner_uid);
                    }
                    if m.owner_references.as_ref().is_some_and(|r| r.is_empty()) {
                        m.owner_references = None;
                    }
                });
            }
        }};
    }
    crate::for_each_kind!(orphan);
}

/// Whether any owner reference of `meta` points at `uid`.
pub fn owned_by(meta: &k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta, uid: &str) -> bool {
    meta.owner_references.as_ref().is_some_and(|refs| refs.iter().any(|r| r.uid == uid))
}
