//! The kinds the store holds and what the API layer needs to know about each.

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
use k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta;

use super::index::{Facets, Flag};
use super::store::{ObjectKey, Store, Table};
use crate::time::SimTime;

/// A kind stored by the API layer: a k8s-openapi type plus where its table lives.
pub trait ApiKind:
    k8s_openapi::Resource + k8s_openapi::Metadata<Ty = ObjectMeta> + Clone + serde::Serialize
{
    /// Whether objects live in a namespace (`pods`) or at cluster scope (`nodes`).
    const NAMESPACED: bool;

    fn table(store: &Store) -> &Table<Self>;
    fn table_mut(store: &mut Store) -> &mut Table<Self>;

    /// What the table's indexes record about this object.
    fn facets(&self) -> Facets<'_>;

    /// `pods`, `deployments.apps`: the resource as API errors name it.
    fn qualified_resource() -> String {
        if Self::GROUP.is_empty() {
            Self::URL_PATH_SEGMENT.to_string()
        } else {
            format!("{}.{}", Self::URL_PATH_SEGMENT, Self::GROUP)
        }
    }

    /// Whether the kind's registry strategy keeps `metadata.generation`: its
    /// `PrepareForCreate` sets 1 and a spec change bumps it, so controllers can echo
    /// it as `status.observedGeneration`. ConfigMaps, Secrets, Services, Namespaces,
    /// Nodes, volumes, events and ControllerRevisions have none on a real cluster.
    /// (The HorizontalPodAutoscaler gains one only with the HPAGeneration gate,
    /// which v1.34 does not have.)
    fn tracks_generation() -> bool {
        matches!(
            Self::KIND,
            "Pod" | "Deployment" | "ReplicaSet" | "DaemonSet" | "StatefulSet" | "Job" | "CronJob" | "Ingress" | "IngressClass" | "EndpointSlice"
        )
    }

    /// `Pod`, `Deployment.apps`: the kind as validation errors name it.
    fn qualified_kind() -> String {
        if Self::GROUP.is_empty() {
            Self::KIND.to_string()
        } else {
            format!("{}.{}", Self::KIND, Self::GROUP)
        }
    }
}

macro_rules! api_kind {
    ($ty:ty, $field:ident, $namespaced:expr) => {
        api_kind!($ty, $field, $namespaced, metadata_facets);
    };
    ($ty:ty, $field:ident, $namespaced:expr, $facets:path) => {
        impl ApiKind for $ty {
            const NAMESPACED: bool = $namespaced;
            fn table(store: &Store) -> &Table<Self> {
                &store.$field
            }
            fn table_mut(store: &mut Store) -> &mut Table<Self> {
                &mut store.$field
            }
            fn facets(&self) -> Facets<'_> {
                $facets(self)
            }
        }
    };
}

/// What every object's metadata tells the indexes: namespace, controller, labels,
/// whether it is being deleted.
fn metadata_facets<K: k8s_openapi::Metadata<Ty = ObjectMeta>>(obj: &K) -> Facets<'_> {
    let m = obj.metadata();
    Facets {
        namespace: m.namespace.as_deref().unwrap_or(""),
        uid: m.uid.as_deref(),
        controller: crate::controllers::ownership::controller_of(m).map(|o| o.uid.as_str()),
        labels: m.labels.as_ref(),
        flags: if m.deletion_timestamp.is_some() { Flag::Deleting.bit() } else { 0 },
        ..Default::default()
    }
}

/// Pods are also found by node and by where they are in their life: waiting for the
/// scheduler, or bound and waiting for their kubelet.
fn pod_facets(pod: &Pod) -> Facets<'_> {
    let mut f = metadata_facets(pod);
    f.node = pod.spec.as_ref().and_then(|s| s.node_name.as_deref());
    f.pod_ip = pod.status.as_ref().and_then(|s| s.pod_ip.as_deref());
    if pod.metadata.deletion_timestamp.is_none() {
        let started = pod.status.as_ref().is_some_and(|s| s.start_time.is_some());
        f.flags |= match f.node {
            None => Flag::Unbound.bit(),
            Some(_) if !started => Flag::Unstarted.bit(),
            Some(_) => 0,
        };
    }
    f
}

/// Events are found by what the recorder aggregates on (the object they are about,
/// reason, message) and expire in `lastTimestamp` order.
fn event_facets(event: &Event) -> Facets<'_> {
    let mut f = metadata_facets(event);
    let involved = &event.involved_object;
    let about = involved.uid.as_deref().or(involved.name.as_deref()).unwrap_or("");
    f.subject = Some(super::index::aggregation_key(about, event.reason.as_deref().unwrap_or(""), event.message.as_deref().unwrap_or("")));
    f.time = event.last_timestamp.as_ref().map(|t| SimTime::from_k8s(t).0);
    f
}

api_kind!(Pod, pods, true, pod_facets);
api_kind!(Node, nodes, false);
api_kind!(Namespace, namespaces, false);
api_kind!(Service, services, true);
api_kind!(Event, events, true, event_facets);
api_kind!(ConfigMap, configmaps, true);
api_kind!(ServiceAccount, serviceaccounts, true);
api_kind!(Secret, secrets, true);
api_kind!(Endpoints, endpoints, true);
api_kind!(EndpointSlice, endpointslices, true);
api_kind!(PersistentVolume, persistentvolumes, false);
api_kind!(PersistentVolumeClaim, persistentvolumeclaims, true);
api_kind!(StorageClass, storageclasses, false);
api_kind!(Deployment, deployments, true);
api_kind!(ReplicaSet, replicasets, true);
api_kind!(DaemonSet, daemonsets, true);
api_kind!(StatefulSet, statefulsets, true);
api_kind!(ControllerRevision, controllerrevisions, true);
api_kind!(Job, jobs, true);
api_kind!(CronJob, cronjobs, true);
api_kind!(HorizontalPodAutoscaler, horizontalpodautoscalers, true);
api_kind!(Ingress, ingresses, true);
api_kind!(IngressClass, ingressclasses, false);

/// Calls `$m!(Type)` once for every stored kind, so code that must visit all kinds
/// (garbage collection, namespace deletion, lookups by plural) names each kind once,
/// here. Add a kind to the store ⇒ add it here.
#[macro_export]
macro_rules! for_each_kind {
    ($m:ident) => {
        $m!(k8s_openapi::api::core::v1::Pod);
        $m!(k8s_openapi::api::core::v1::Node);
        $m!(k8s_openapi::api::core::v1::Namespace);
        $m!(k8s_openapi::api::core::v1::Service);
        $m!(k8s_openapi::api::core::v1::Event);
        $m!(k8s_openapi::api::core::v1::ConfigMap);
        $m!(k8s_openapi::api::core::v1::ServiceAccount);
        $m!(k8s_openapi::api::core::v1::Secret);
        $m!(k8s_openapi::api::core::v1::Endpoints);
        $m!(k8s_openapi::api::discovery::v1::EndpointSlice);
        $m!(k8s_openapi::api::core::v1::PersistentVolume);
        $m!(k8s_openapi::api::core::v1::PersistentVolumeClaim);
        $m!(k8s_openapi::api::storage::v1::StorageClass);
        $m!(k8s_openapi::api::apps::v1::Deployment);
        $m!(k8s_openapi::api::apps::v1::ReplicaSet);
        $m!(k8s_openapi::api::apps::v1::DaemonSet);
        $m!(k8s_openapi::api::apps::v1::StatefulSet);
        $m!(k8s_openapi::api::apps::v1::ControllerRevision);
        $m!(k8s_openapi::api::batch::v1::Job);
        $m!(k8s_openapi::api::batch::v1::CronJob);
        $m!(k8s_openapi::api::autoscaling::v2::HorizontalPodAutoscaler);
        $m!(k8s_openapi::api::networking::v1::Ingress);
        $m!(k8s_openapi::api::networking::v1::IngressClass);
    };
}

/// Whether an object of the kind with this plural exists under `key` with `uid`.
pub fn exists_with_uid(store: &Store, plural: &str, key: &ObjectKey, uid: &str) -> bool {
    let mut found = false;
    macro_rules! check {
        ($ty:ty) => {
            if <$ty as k8s_openapi::Resource>::URL_PATH_SEGMENT == plural {
                found = <$ty as ApiKind>::table(store)
                    .get(key)
                    .is_some_and(|o| k8s_openapi::Metadata::metadata(o).uid.as_deref() == Some(uid));
            }
        };
    }
    for_each_kind!(check);
    found
}
