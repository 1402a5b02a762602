//! The resource types kubectl knows (as discovery would list them): names, short
//! names, kinds, and how to list and print each.

use k8s_openapi::api::apps::v1::{ControllerRevision, DaemonSet, Deployment, ReplicaSet, StatefulSet};
use k8s_openapi::api::autoscaling::v2::HorizontalPodAutoscaler;
use k8s_openapi::api::batch::v1::{CronJob, Job};
use k8s_openapi::api::core::v1::{
    ConfigMap, Endpoints, Event, Namespace, Node, PersistentVolume, PersistentVolumeClaim, Pod, Secret, Service,
    ServiceAccount,
};
use k8s_openapi::api::discovery::v1::EndpointSlice;
use k8s_openapi::api::networking::v1::{Ingress, IngressClass};
use k8s_openapi::api::storage::v1::StorageClass;

use super::apply::{Write, Written};
use super::manifest::Document;
use super::printers::{Column, Printable};
use crate::api::deletion::{DeleteOptions, Deleted};
use crate::api::{Admit, ApiError, ApiKind, ObjectKey};
use crate::cluster::Cluster;

/// One object ready for printing: its key, all table cells and, when structured
/// output was asked for, its JSON form (serialising is far dearer than the cells, so
/// tables never pay for it).
pub struct Item {
    pub key: ObjectKey,
    pub cells: Vec<String>,
    pub json: Option<serde_json::Value>,
    pub labels: std::collections::BTreeMap<String, String>,
    /// The object's resourceVersion: a watch prints a row whenever it moves.
    pub resource_version: String,
}

/// What a listing must produce for each object.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Want {
    Cells,
    CellsAndJson,
}

/// A resource type as discovery describes it.
pub struct ResourceType {
    pub plural: &'static str,
    pub singular: &'static str,
    pub short_names: &'static [&'static str],
    pub kind: &'static str,
    /// API group (`""` for core, `apps`, `batch` ...).
    pub group: &'static str,
    pub version: &'static str,
    pub namespaced: bool,
    pub columns: &'static [Column],
    /// Whether the simulation stores objects of this type.
    pub stored: bool,
    /// Lists objects of this type (in `namespace`, or everywhere for `None`).
    pub list: fn(&Cluster, Option<&str>, Want) -> Vec<Item>,
    /// Fetches one object by name.
    pub get: fn(&Cluster, &str, &str, Want) -> Result<Item, ApiError>,
    /// Deletes one object by name (does not settle).
    pub delete: fn(&mut Cluster, &str, &str, DeleteOptions) -> Result<Deleted, ApiError>,
    /// Writes a manifest's object (`create -f`, `apply -f`, `replace -f`).
    pub write: fn(&mut Cluster, &Document, Write) -> Result<Written, String>,
    /// Updates the object `namespace/name` to a full new JSON through the API's
    /// update path, with the error as the API gives it (`edit` shows the causes).
    pub update: fn(&mut Cluster, &str, &str, &serde_json::Value) -> Result<bool, ApiError>,
    /// Creates an object in `namespace` from the JSON a client POSTed, as the API
    /// server does without `fieldValidation` (unknown fields dropped, not refused);
    /// returns what it stored.
    pub create: fn(&mut Cluster, &str, &serde_json::Value) -> Result<serde_json::Value, ApiError>,
}

impl ResourceType {
    /// `pods`, `deployments.apps`: how API errors name it.
    pub fn qualified(&self) -> String {
        if self.group.is_empty() { self.plural.to_string() } else { format!("{}.{}", self.plural, self.group) }
    }

    /// `pod`, `deployment.apps`: the prefix of `-o name` and multi-kind tables.
    pub fn name_prefix(&self) -> String {
        let kind = self.kind.to_lowercase();
        if self.group.is_empty() { kind } else { format!("{kind}.{}", self.group) }
    }

    /// Whether the simulation stores this type (as opposed to only knowing its name).
    pub fn is_stored(&self) -> bool {
        self.stored
    }

    pub fn api_version(&self) -> String {
        if self.group.is_empty() { self.version.to_string() } else { format!("{}/{}", self.group, self.version) }
    }
}

/// The object as the API server sends it: typed objects leave `apiVersion` and
/// `kind` to the wire format, so they are added here.
pub fn to_json<K: ApiKind>(obj: &K) -> serde_json::Value {
    let mut json = crate::json::to_value(obj).unwrap_or(serde_json::Value::Null);
    if let serde_json::Value::Object(map) = &mut json {
        map.insert("apiVersion".into(), K::API_VERSION.into());
        map.insert("kind".into(), K::KIND.into());
    }
    json
}

fn item<K: Printable>(obj: &K, now: crate::time::SimTime, want: Want) -> Item {
    let json = (want == Want::CellsAndJson).then(|| to_json(obj));
    Item {
        key: ObjectKey::of(obj.metadata()),
        cells: obj.cells(now),
        json,
        labels: obj.metadata().labels.clone().unwrap_or_default(),
        resource_version: obj.metadata().resource_version.clone().unwrap_or_default(),
    }
}

fn list_kind<K: Printable>(c: &Cluster, ns: Option<&str>, want: Want) -> Vec<Item> {
    let ns = if K::NAMESPACED { ns } else { None };
    K::table(&c.store).list(ns).map(|o| item(o, c.now(), want)).collect()
}

fn get_kind<K: Printable>(c: &Cluster, ns: &str, name: &str, want: Want) -> Result<Item, ApiError> {
    c.store
        .get::<K>(ns, name)
        .map(|o| item(o, c.now(), want))
        .ok_or_else(|| ApiError::not_found(&K::qualified_resource(), name))
}

fn delete_kind<K: Printable + Admit + PartialEq>(c: &mut Cluster, ns: &str, name: &str, opts: DeleteOptions) -> Result<Deleted, ApiError> {
    c.delete::<K>(ns, name, opts)
}

fn write_kind<K: Printable + Admit + PartialEq + serde::de::DeserializeOwned>(c: &mut Cluster, doc: &Document, how: Write) -> Result<Written, String> {
    super::apply::write::<K>(c, doc, how)
}

fn update_kind<K: Printable + Admit + PartialEq + serde::de::DeserializeOwned>(c: &mut Cluster, ns: &str, name: &str, value: &serde_json::Value) -> Result<bool, ApiError> {
    let live = c.store.get::<K>(ns, name).cloned().ok_or_else(|| ApiError::not_found(&K::qualified_resource(), name))?;
    super::apply::update_live(c, value, &live)
}

fn create_kind<K: Printable + Admit + serde::de::DeserializeOwned>(c: &mut Cluster, ns: &str, value: &serde_json::Value) -> Result<serde_json::Value, ApiError> {
    let cannot = |why: String| ApiError::bad_request(format!("{} in version \"{}\" cannot be handled as a {}: {why}", K::KIND, K::VERSION, K::KIND));
    let mut obj: K = serde_json::from_value(value.clone()).map_err(|e| cannot(e.to_string()))?;
    if K::NAMESPACED {
        let meta = k8s_openapi::Metadata::metadata_mut(&mut obj);
        match meta.namespace.as_deref() {
            Some(theirs) if theirs != ns => return Err(ApiError::bad_request("the namespace of the provided object does not match the namespace sent on the request".into())),
            _ => meta.namespace = Some(ns.to_string()),
        }
    }
    let created = c.create(obj)?;
    Ok(to_json(&created))
}

fn write_none(_: &mut Cluster, doc: &Document, _: Write) -> Result<Written, String> {
    Err(format!("error: kubeplay does not simulate {} objects yet", doc.rt.kind))
}

fn list_none(_: &Cluster, _: Option<&str>, _: Want) -> Vec<Item> {
    Vec::new()
}

macro_rules! stored {
    ($ty:ty, $plural:expr, $singular:expr, $short:expr, $group:expr, $version:expr) => {
        ResourceType {
            plural: $plural,
            singular: $singular,
            short_names: $short,
            kind: <$ty as k8s_openapi::Resource>::KIND,
            group: $group,
            version: $version,
            namespaced: <$ty as ApiKind>::NAMESPACED,
            columns: <$ty as Printable>::COLUMNS,
            stored: true,
            list: list_kind::<$ty>,
            get: get_kind::<$ty>,
            delete: delete_kind::<$ty>,
            write: write_kind::<$ty>,
            update: update_kind::<$ty>,
            create: create_kind::<$ty>,
        }
    };
}

/// Kinds kubectl knows but no controller of the simulation creates yet: they list as
/// empty and are not found by name, as on a cluster that has none of them.
macro_rules! known {
    ($plural:expr, $singular:expr, $short:expr, $kind:expr, $group:expr, $version:expr, $namespaced:expr, $cols:expr) => {
        ResourceType {
            plural: $plural,
            singular: $singular,
            short_names: $short,
            kind: $kind,
            group: $group,
            version: $version,
            namespaced: $namespaced,
            columns: $cols,
            stored: false,
            list: list_none,
            get: |_, _, name, _| Err(ApiError::not_found(&format!("{}{}", $plural, if $group.is_empty() { String::new() } else { format!(".{}", $group) }), name)),
            delete: |_, _, name, _| Err(ApiError::not_found(&format!("{}{}", $plural, if $group.is_empty() { String::new() } else { format!(".{}", $group) }), name)),
            write: write_none,
            update: |_, _, name, _| Err(ApiError::not_found(&format!("{}{}", $plural, if $group.is_empty() { String::new() } else { format!(".{}", $group) }), name)),
            create: |_, _, _| Err(ApiError::bad_request(format!("kubeplay does not simulate {} objects yet", $kind))),
        }
    };
}

const NAME_AGE: &[Column] = &[("NAME", false), ("AGE", false)];

/// Discovery, in the order `kubectl api-resources` and `get all` use (core first).
pub static RESOURCE_TYPES: &[ResourceType] = &[
    stored!(ConfigMap, "configmaps", "configmap", &["cm"], "", "v1"),
    stored!(Endpoints, "endpoints", "endpoints", &["ep"], "", "v1"),
    stored!(Event, "events", "event", &["ev"], "", "v1"),
    stored!(Namespace, "namespaces", "namespace", &["ns"], "", "v1"),
    stored!(Node, "nodes", "node", &["no"], "", "v1"),
    stored!(PersistentVolumeClaim, "persistentvolumeclaims", "persistentvolumeclaim", &["pvc"], "", "v1"),
    stored!(PersistentVolume, "persistentvolumes", "persistentvolume", &["pv"], "", "v1"),
    stored!(Pod, "pods", "pod", &["po"], "", "v1"),
    known!("replicationcontrollers", "replicationcontroller", &["rc"], "ReplicationController", "", "v1", true, NAME_AGE),
    stored!(Secret, "secrets", "secret", &[], "", "v1"),
    stored!(ServiceAccount, "serviceaccounts", "serviceaccount", &["sa"], "", "v1"),
    stored!(Service, "services", "service", &["svc"], "", "v1"),
    stored!(ControllerRevision, "controllerrevisions", "controllerrevision", &[], "apps", "v1"),
    stored!(DaemonSet, "daemonsets", "daemonset", &["ds"], "apps", "v1"),
    stored!(Deployment, "deployments", "deployment", &["deploy"], "apps", "v1"),
    stored!(ReplicaSet, "replicasets", "replicaset", &["rs"], "apps", "v1"),
    stored!(StatefulSet, "statefulsets", "statefulset", &["sts"], "apps", "v1"),
    stored!(HorizontalPodAutoscaler, "horizontalpodautoscalers", "horizontalpodautoscaler", &["hpa"], "autoscaling", "v2"),
    stored!(CronJob, "cronjobs", "cronjob", &["cj"], "batch", "v1"),
    stored!(Job, "jobs", "job", &[], "batch", "v1"),
    stored!(EndpointSlice, "endpointslices", "endpointslice", &[], "discovery.k8s.io", "v1"),
    stored!(IngressClass, "ingressclasses", "ingressclass", &[], "networking.k8s.io", "v1"),
    stored!(Ingress, "ingresses", "ingress", &["ing"], "networking.k8s.io", "v1"),
    stored!(StorageClass, "storageclasses", "storageclass", &["sc"], "storage.k8s.io", "v1"),
];

/// The members of the `all` category, in the order `get all` prints them.
pub const ALL_CATEGORY: &[&str] = &[
    "pods",
    "replicationcontrollers",
    "services",
    "daemonsets",
    "deployments",
    "replicasets",
    "statefulsets",
    "horizontalpodautoscalers",
    "cronjobs",
    "jobs",
];

/// Resolves what a user typed (`po`, `pods`, `Pod`, `deployment.apps`) to a type.
pub fn resolve(name: &str) -> Option<&'static ResourceType> {
    let lower = name.to_lowercase();
    let (base, group) = match lower.split_once('.') {
        Some((b, g)) => (b.to_string(), Some(g.to_string())),
        None => (lower.clone(), None),
    };
    RESOURCE_TYPES.iter().find(|t| {
        let name_ok = t.plural == base || t.singular == base || t.short_names.contains(&base.as_str()) || t.kind.to_lowercase() == base;
        let group_ok = match &group {
            None => true,
            Some(g) => t.group == g || (t.group.is_empty() && g == "v1") || g.split('.').next_back() == Some(t.group) || format!("{}.{}", t.version, t.group) == *g,
        };
        name_ok && group_ok
    })
}

pub fn by_plural(plural: &str) -> Option<&'static ResourceType> {
    RESOURCE_TYPES.iter().find(|t| t.plural == plural)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn resolves_names_short_names_and_kinds() {
        for n in ["po", "pod", "pods", "Pod", "PODS"] {
            assert_eq!(resolve(n).unwrap().plural, "pods");
        }
        assert_eq!(resolve("deploy").unwrap().qualified(), "deployments.apps");
        assert_eq!(resolve("deployment.apps").unwrap().plural, "deployments");
        assert_eq!(resolve("no").unwrap().plural, "nodes");
        assert!(resolve("foo").is_none());
        assert_eq!(resolve("svc").unwrap().name_prefix(), "service");
        assert_eq!(resolve("rs").unwrap().name_prefix(), "replicaset.apps");
    }
}
