//! The garbage collector (k/k pkg/controller/garbagecollector): deletes objects
//! whose owners are all gone (what makes `kubectl delete deployment` take its
//! ReplicaSets and pods along), drops references to owners that are gone when
//! other owners remain, and finishes foreground deletions — dependents first,
//! then the owner once nothing blocks it.
//!
//! It only looks again when something was removed or marked for deletion
//! (`Store::deletions`), so a quiet cluster pays nothing for it.

use std::collections::{BTreeMap, BTreeSet};

use k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta;

use crate::api::deletion::{DeleteOptions, Propagation, FOREGROUND_FINALIZER};
use crate::api::{ApiKind, ObjectKey};
use crate::cluster::Cluster;

/// What the collector knows about one live object that may own others.
struct Owner {
    /// Being deleted in the foreground: its dependents go first.
    foreground: bool,
}

pub fn reconcile(c: &mut Cluster) {
    if c.gc_seen == c.store.deletions() {
        return;
    }
    c.gc_seen = c.store.deletions();
    let owners = live_owners(c);
    let mut dependents_of: BTreeSet<String> = BTreeSet::new();
    macro_rules! collect {
        ($ty:ty) => {
            collect_kind::<$ty>(c, &owners, &mut dependents_of)
        };
    }
    crate::for_each_kind!(collect);
    macro_rules! finish {
        ($ty:ty) => {
            finish_foreground::<$ty>(c, &dependents_of)
        };
    }
    crate::for_each_kind!(finish);
}

/// Every live object's uid, and whether it is being deleted in the foreground.
fn live_owners(c: &Cluster) -> BTreeMap<String, Owner> {
    let mut owners = BTreeMap::new();
    macro_rules! add {
        ($ty:ty) => {
            for o in <$ty as ApiKind>::table(&c.store).list(None) {
                let m = k8s_openapi::Metadata::metadata(o);
                if let Some(uid) = &m.uid {
                    owners.insert(uid.clone(), Owner { foreground: is_foreground_deleting(m) });
                }
            }
        };
    }
    crate::for_each_kind!(add);
    owners
}

fn is_foreground_deleting(m: &ObjectMeta) -> bool {
    m.deletion_timestamp.is_some() && m.finalizers.as_ref().is_some_and(|f| f.iter().any(|x| x == FOREGROUND_FINALIZER))
}

/// Deletes dependents of kind `K` whose owners are gone or deleting in the
/// foreground; records which owners still have dependents.
fn collect_kind<K: crate::api::Admit + PartialEq>(
    c: &mut Cluster,
    owners: &BTreeMap<String, Owner>,
    dependents_of: &mut BTreeSet<String>,
) {
    let mut to_delete: Vec<(ObjectKey, Propagation)> = Vec::new();
    let mut to_strip: Vec<ObjectKey> = Vec::new();
    for o in K::table(&c.store).list(None) {
        let m = o.metadata();
        let Some(refs) = m.owner_references.as_ref().filter(|r| !r.is_empty()) else { continue };
        for r in refs {
            dependents_of.insert(r.uid.clone());
        }
        let live: Vec<&Owner> = refs.iter().filter_map(|r| owners.get(&r.uid)).collect();
        if m.deletion_timestamp.is_some() {
            continue;
        }
        if live.is_empty() {
            to_delete.push((ObjectKey::of(m), Propagation::Background));
        } else if live.len() < refs.len() {
            to_strip.push(ObjectKey::of(m));
        } else if live.iter().all(|o| o.foreground) {
            to_delete.push((ObjectKey::of(m), Propagation::Foreground));
        }
    }
    for key in to_strip {
        c.store.modify::<K>(&key, |o| {
            if let Some(refs) = o.metadata_mut().owner_references.as_mut() {
                refs.retain(|r| owners.contains_key(&r.uid));
            }
        });
    }
    for (key, propagation) in to_delete {
        let _ = c.delete::<K>(&key.namespace, &key.name, DeleteOptions { grace_seconds: None, propagation });
    }
}

/// Removes the foreground finalizer from owners none of whose dependents remain,
/// and then the owner itself if nothing else holds it.
fn finish_foreground<K: crate::api::Admit + PartialEq>(c: &mut Cluster, dependents_of: &BTreeSet<String>) {
    let done: Vec<ObjectKey> = K::table(&c.store)
        .list(None)
        .filter(|o| is_foreground_deleting(o.metadata()))
        .filter(|o| o.metadata().uid.as_ref().is_none_or(|u| !dependents_of.contains(u)))
        .map(|o| ObjectKey::of(o.metadata()))
        .collect();
    for key in done {
        c.store.modify::<K>(&key, |o| {
            if let Some(f) = o.metadata_mut().finalizers.as_mut() {
                f.retain(|x| x != FOREGROUND_FINALIZER);
            }
        });
        release_if_finalized::<K>(c, &key);
    }
}

/// Removes an object marked for deletion once its finalizers are gone — except
/// pods, which the kubelet removes after their containers stopped.
pub fn release_if_finalized<K: ApiKind>(c: &mut Cluster, key: &ObjectKey) {
    let Some(o) = K::table(&c.store).get(key) else { return };
    let m = o.metadata();
    let finalized = m.finalizers.as_ref().is_none_or(|f| f.is_empty());
    let graceful_pod = K::KIND == "Pod" && m.deletion_grace_period_seconds.unwrap_or(0) > 0;
    if m.deletion_timestamp.is_some() && finalized && !graceful_pod {
        c.store.remove::<K>(key);
    }
}
