//! The kinds the store holds and what the API layer needs to know about each.

use k8s_openapi::api::core::v1::{ConfigMap, Event, Namespace, Node, Pod, Service, ServiceAccount};
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
