//! What the page draws, derived from the cluster as plain data: the physical picture
//! (nodes and the pods on them), the logical one (namespaces, owners, services), the
//! event stream and the inspector's texts. The UI renders these and computes nothing
//! about the cluster itself, so what it shows is what `kubectl` would say.

mod activity;
mod events;
mod inspect;
mod logical;
mod physical;
mod traffic;

pub use activity::{activity, Component, Hop};
pub use events::{events_for, events_tail, names_match, EventTail, EventView};
pub use inspect::{inspect, Inspection};
pub use logical::{ConfigView, IngressView, LogicalView, NamespaceView, OwnerView, RouteView, ServiceView};
pub use physical::{Capacity, Health, NodeBadge, NodeView, PhysicalView, PodView, Tone};
pub use traffic::{traffic_command, Column, RequestView, Station, StreamView, TargetKind, TrafficClient, TrafficTarget, TrafficView, PODS_SHOWN};

use k8s_openapi::api::core::v1::Pod;

use crate::kubectl::resources;

/// Which object something points at: a pod chip, an event's involved object, the
/// inspector's subject. `kind` is the API kind (`Pod`, `Node`, `ReplicaSet`);
/// `namespace` is empty for cluster-scoped kinds.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct ObjectRef {
    pub kind: String,
    pub namespace: String,
    pub name: String,
}

impl ObjectRef {
    pub fn new(kind: &str, namespace: &str, name: &str) -> ObjectRef {
        ObjectRef { kind: kind.to_string(), namespace: namespace.to_string(), name: name.to_string() }
    }

    pub fn pod(namespace: &str, name: &str) -> ObjectRef {
        ObjectRef::new("Pod", namespace, name)
    }

    pub fn node(name: &str) -> ObjectRef {
        ObjectRef::new("Node", "", name)
    }

    pub fn of_pod(p: &Pod) -> ObjectRef {
        ObjectRef::pod(p.metadata.namespace.as_deref().unwrap_or(""), p.metadata.name.as_deref().unwrap_or(""))
    }

    /// The resource word kubectl takes for this kind (`pod`, `deployment`).
    pub fn resource(&self) -> String {
        match resources::resolve(&self.kind) {
            Some(t) => t.singular.to_string(),
            None => self.kind.to_lowercase(),
        }
    }

    /// `pod/whoami`, as `kubectl get -o name` and event rows name an object.
    pub fn display_name(&self) -> String {
        format!("{}/{}", self.resource(), self.name)
    }

    /// The words that name this object on a kubectl command line:
    /// `pod whoami -n default`, `node node01`.
    pub fn kubectl_words(&self) -> Vec<String> {
        let mut w = vec![self.resource(), self.name.clone()];
        if !self.namespace.is_empty() {
            w.push("-n".into());
            w.push(self.namespace.clone());
        }
        w
    }

    /// The same words as one command-line string, quoted where the shell needs it.
    pub fn kubectl_args(&self) -> String {
        self.kubectl_words().iter().map(|w| shell_words::quote(w).into_owned()).collect::<Vec<_>>().join(" ")
    }
}
