//! The kinds the store holds and what the API layer needs to know about each.

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
use k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta;

use super::store::{Store, Table};

/// A kind stored by the API layer: a k8s-openapi type plus where its table lives.
pub trait ApiKind:
    k8s_openapi::Resource + k8s_openapi::Metadata<Ty = ObjectMeta> + Clone + serde::Serialize
{
    /// Whether objects live in a namespace (`pods`) or at cluster scope (`nodes`).
    const NAMESPACED: bool;

    fn table(store: &Store) -> &Table<Self>;
    fn table_mut(store: &mut Store) -> &mut Table<Self>;

    /// `pods`, `deployments.apps`: the resource as API errors name it.
    fn qualified_resource() -> String {
        if Self::GROUP.is_empty() {
            Self::URL_PATH_SEGMENT.to_string()
        } else {
            format!("{}.{}", Self::URL_PATH_SEGMENT, Self::GROUP)
        }
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
        impl ApiKind for $ty {
            const NAMESPACED: bool = $namespaced;
            fn table(store: &Store) -> &Table<Self> {
                &store.$field
            }
            fn table_mut(store: &mut Store) -> &mut Table<Self> {
                &mut store.$field
            }
        }
    };
}

api_kind!(Pod, pods, true);
api_kind!(Node, nodes, false);
api_kind!(Namespace, namespaces, false);
api_kind!(Service, services, true);
api_kind!(Event, events, true);
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
api_kind!(Job, jobs, true);
api_kind!(CronJob, cronjobs, true);
api_kind!(HorizontalPodAutoscaler, horizontalpodautoscalers, true);
api_kind!(Ingress, ingresses, true);
api_kind!(IngressClass, ingressclasses, false);
