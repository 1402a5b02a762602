//! Owner references: how a controller marks the objects it made as its own
//! (`metadata.ownerReferences` with `controller: true`), finds them again, and
//! stamps pods out of a pod template (k/k pkg/controller/controller_utils.go
//! `GetPodFromTemplate`).

use k8s_openapi::api::core::v1::{Pod, PodTemplateSpec};
use k8s_openapi::apimachinery::pkg::apis::meta::v1::{ObjectMeta, OwnerReference};

use crate::api::ApiKind;

/// The controller reference a controller puts on what it creates.
pub fn controller_ref<K: ApiKind>(owner: &K) -> OwnerReference {
    let m = owner.metadata();
    OwnerReference {
        api_version: K::API_VERSION.to_string(),
        kind: K::KIND.to_string(),
        name: m.name.clone().unwrap_or_default(),
        uid: m.uid.clone().unwrap_or_default(),
        controller: Some(true),
        block_owner_deletion: Some(true),
    }
}

/// The owner reference marked `controller: true`, if any.
pub fn controller_of(meta: &ObjectMeta) -> Option<&OwnerReference> {
    meta.owner_references.as_ref()?.iter().find(|o| o.controller == Some(true))
}

/// Whether `meta` is controlled by the object with this uid.
pub fn is_controlled_by(meta: &ObjectMeta, owner_uid: &str) -> bool {
    controller_of(meta).is_some_and(|o| o.uid == owner_uid)
}

/// A new pod from a template: the template's labels, annotations and spec, the
/// owner's namespace, `generateName` `<prefix>` (the API server appends five
/// characters), and the controller reference.
pub fn pod_from_template(template: &PodTemplateSpec, namespace: &str, generate_name: &str, owner: OwnerReference) -> Pod {
    let tm = template.metadata.clone().unwrap_or_default();
    Pod {
        metadata: ObjectMeta {
            generate_name: Some(generate_name.to_string()),
            namespace: Some(namespace.to_string()),
            labels: tm.labels,
            annotations: tm.annotations,
            finalizers: tm.finalizers,
            owner_references: Some(vec![owner]),
            ..Default::default()
        },
        spec: template.spec.clone(),
        status: None,
    }
}
