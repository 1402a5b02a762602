//! The namespace controller (k/k pkg/controller/namespace): a namespace marked for
//! deletion (`Terminating`) has everything inside it deleted — pods gracefully —
//! and is removed once it is empty. Also what the serviceaccounts controller and
//! the root-ca-cert-publisher do for a new namespace: its `default`
//! ServiceAccount and the `kube-root-ca.crt` ConfigMap.

use crate::api::deletion::DeleteOptions;
use crate::api::{ApiKind, ObjectKey};
use crate::cluster::Cluster;
use k8s_openapi::api::core::v1::{ConfigMap, Namespace, ServiceAccount};
use k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta;

use super::bootstrap::{root_ca_data, ROOT_CA_CONFIGMAP};

pub fn reconcile(c: &mut Cluster) {
    publish_defaults(c);
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

/// Gives every active namespace its `default` ServiceAccount and root CA ConfigMap.
fn publish_defaults(c: &mut Cluster) {
    let active: Vec<String> = c
        .store
        .namespaces
        .list(None)
        .filter(|n| n.metadata.deletion_timestamp.is_none())
        .filter_map(|n| n.metadata.name.clone())
        .collect();
    for ns in active {
        if c.store.get::<ServiceAccount>(&ns, "default").is_none() {
            let sa = ServiceAccount { metadata: meta("default", &ns), ..Default::default() };
            let _ = c.create(sa);
        }
        if c.store.get::<ConfigMap>(&ns, ROOT_CA_CONFIGMAP).is_none() {
            let cm = ConfigMap { metadata: meta(ROOT_CA_CONFIGMAP, &ns), data: Some(root_ca_data()), ..Default::default() };
            let _ = c.create(cm);
        }
    }
}

fn meta(name: &str, ns: &str) -> ObjectMeta {
    ObjectMeta { name: Some(name.into()), namespace: Some(ns.into()), ..Default::default() }
}
