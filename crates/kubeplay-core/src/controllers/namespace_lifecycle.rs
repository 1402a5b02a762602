//! The namespace controller (k/k pkg/controller/namespace): a namespace marked for
//! deletion (`Terminating`) has everything inside it deleted — pods gracefully —
//! and is removed once it is empty.

use crate::api::deletion::DeleteOptions;
use crate::api::{ApiKind, ObjectKey};
use crate::cluster::Cluster;
use k8s_openapi::api::core::v1::Namespace;

pub fn reconcile(c: &mut Cluster) {
    let terminating: Vec<String> = c
        .store
        .namespaces
        .list(None)
        .filter(|n| n.metadata.deletion_timestamp.is_some())
        .filter_map(|n| n.metadata.name.clone())
        .collect();
    for ns in terminating {
        let mut remaining = 0;
        macro_rules! empty {
            ($ty:ty) => {
                if <$ty as ApiKind>::NAMESPACED {
                    remaining += delete_all::<$ty>(c, &ns);
                }
            };
        }
        crate::for_each_kind!(empty);
        if remaining == 0 {
            c.store.remove::<Namespace>(&ObjectKey::new("", &ns));
        }
    }
}

/// Deletes every object of kind `K` in `ns`; returns how many still exist.
fn delete_all<K: crate::api::Admit + PartialEq>(c: &mut Cluster, ns: &str) -> usize {
    let keys: Vec<ObjectKey> = K::table(&c.store)
        .list(Some(ns))
        .filter(|o| o.metadata().deletion_timestamp.is_none())
        .map(|o| ObjectKey::of(o.metadata()))
        .collect();
    for key in keys {
        let _ = c.delete::<K>(&key.namespace, &key.name, DeleteOptions::default());
    }
    K::table(&c.store).list(Some(ns)).count()
}
