//! Controller history (k/k pkg/controller/history, and the `getPatch` of the
//! DaemonSet and StatefulSet controllers): a workload's past pod templates kept
//! as apps/v1 ControllerRevisions it owns. A revision's `data` is the strategic
//! merge patch that puts the template back (`{"spec":{"template":{"$patch":
//! "replace",…}}}`, the JSON `json.Marshal` writes for a map: sorted keys, HTML
//! escaped), which is also what `kubectl rollout undo` sends; its `revision`
//! numbers the templates in the order they were last used.

use std::collections::BTreeMap;

use k8s_openapi::api::apps::v1::ControllerRevision;
use k8s_openapi::api::core::v1::PodTemplateSpec;
use k8s_openapi::apimachinery::pkg::apis::meta::v1::{ObjectMeta, OwnerReference};
use k8s_openapi::apimachinery::pkg::runtime::RawExtension;
use serde_json::Value;

use super::ownership::is_controlled_by;
use crate::api::deletion::DeleteOptions;
use crate::api::ObjectKey;
use crate::cluster::Cluster;
use crate::names::safe_encode_u32;
use crate::printers::go_format::marshal;

/// The label naming a revision's hash, on revisions and on the pods made from them.
pub const REVISION_HASH_LABEL: &str = "controller-revision-hash";

/// `getPatch`: the patch that restores `template`, as the bytes `json.Marshal`
/// writes.
pub fn template_patch(template: &PodTemplateSpec) -> String {
    let mut template = crate::json::to_value(template).unwrap_or(Value::Null);
    if let Value::Object(map) = &mut template {
        map.insert("$patch".into(), Value::String("replace".into()));
    }
    marshal(&serde_json::json!({ "spec": { "template": template } }))
}

/// A stored revision's patch bytes (what `bytes.Equal` compares).
pub fn stored_patch(revision: &ControllerRevision) -> String {
    revision.data.as_ref().map(|d| marshal(&d.0)).unwrap_or_default()
}

/// The pod template a revision restores (its patch without `$patch`).
pub fn template_of(revision: &ControllerRevision) -> PodTemplateSpec {
    let mut template = revision.data.as_ref().and_then(|d| d.0.pointer("/spec/template").cloned()).unwrap_or(Value::Null);
    if let Value::Object(map) = &mut template {
        map.remove("$patch");
    }
    serde_json::from_value(template).unwrap_or_default()
}

/// `HashControllerRevision`: FNV-32 (FNV-1, as Go's `fnv.New32`) of the patch,
/// then of the collision count in decimal when there is one, as
/// `SafeEncodeString(fmt.Sprint(sum))`.
pub fn hash_revision(patch: &str, probe: Option<i32>) -> String {
    let probe = probe.map(|p| p.to_string()).unwrap_or_default();
    let mut h: u32 = 0x811c9dc5;
    for b in patch.bytes().chain(probe.bytes()) {
        h = h.wrapping_mul(0x01000193);
        h ^= b as u32;
    }
    safe_encode_u32(h)
}

/// `ControllerRevisionName`: `<owner>-<hash>`, the owner's name cut to 223 bytes.
pub fn revision_name(owner: &str, hash: &str) -> String {
    let prefix: String = owner.chars().take(223).collect();
    format!("{prefix}-{hash}")
}

/// A new revision object (`NewControllerRevision` / the DaemonSet's `snapshot`):
/// the template's labels plus the hash label, the owner's annotations, the
/// controller reference.
pub fn new_revision(owner: &ObjectMeta, owner_ref: OwnerReference, template: &PodTemplateSpec, hash: &str, revision: i64) -> ControllerRevision {
    let mut labels = template.metadata.as_ref().and_then(|m| m.labels.clone()).unwrap_or_default();
    labels.insert(REVISION_HASH_LABEL.into(), hash.into());
    let patch: Value = serde_json::from_str(&template_patch(template)).unwrap_or(Value::Null);
    ControllerRevision {
        metadata: ObjectMeta {
            name: Some(revision_name(owner.name.as_deref().unwrap_or(""), hash)),
            namespace: owner.namespace.clone(),
            labels: Some(labels),
            annotations: owner.annotations.clone().filter(|a| !a.is_empty()),
            owner_references: Some(vec![owner_ref]),
            ..Default::default()
        },
        data: Some(RawExtension(patch)),
        revision,
    }
}

/// The revisions `owner` controls, oldest first (`SortControllerRevisions`:
/// revision, then creation time, then name).
pub fn owned_revisions(c: &Cluster, owner: &ObjectMeta) -> Vec<ControllerRevision> {
    let uid = owner.uid.as_deref().unwrap_or("");
    let mut revisions: Vec<ControllerRevision> = c
        .store
        .controllerrevisions
        .controlled_by(uid)
        .filter(|r| r.metadata.namespace == owner.namespace && is_controlled_by(&r.metadata, uid))
        .cloned()
        .collect();
    crate::sorting::sort_by(&mut revisions, |a, b| {
        (a.revision, &a.metadata.creation_timestamp, &a.metadata.name).cmp(&(b.revision, &b.metadata.creation_timestamp, &b.metadata.name))
    });
    revisions
}

/// The revision after the newest (`nextRevision` / `maxRevision + 1`).
pub fn next_revision(revisions: &[ControllerRevision]) -> i64 {
    revisions.iter().map(|r| r.revision).max().unwrap_or(0) + 1
}

/// Stores a new revision; an existing one of that name with equal data is
/// returned instead (`CreateControllerRevision`'s collision check).
pub fn create(c: &mut Cluster, revision: ControllerRevision) -> Option<ControllerRevision> {
    let key = ObjectKey::of(&revision.metadata);
    if let Some(existing) = c.store.controllerrevisions.get(&key) {
        return (existing.data == revision.data).then(|| existing.clone());
    }
    c.create(revision).ok()
}

/// `UpdateControllerRevision`: renumbers a revision that is used again.
pub fn renumber(c: &mut Cluster, revision: &ControllerRevision, number: i64) -> ControllerRevision {
    let key = ObjectKey::of(&revision.metadata);
    c.store.modify::<ControllerRevision>(&key, |r| r.revision = number);
    c.store.controllerrevisions.get(&key).cloned().unwrap_or_else(|| revision.clone())
}

/// Deletes revisions that are no longer kept.
pub fn delete(c: &mut Cluster, revisions: &[&ControllerRevision]) {
    for r in revisions {
        let key = ObjectKey::of(&r.metadata);
        let _ = c.delete::<ControllerRevision>(&key.namespace, &key.name, DeleteOptions::default());
    }
}

/// The revisions by number, as `kubectl rollout history` reads them (the viewer
/// keeps the last one read for a number).
pub fn by_number(revisions: Vec<ControllerRevision>) -> BTreeMap<i64, ControllerRevision> {
    revisions.into_iter().map(|r| (r.revision, r)).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_patch_replaces_the_template_with_sorted_html_safe_keys() {
        let template: PodTemplateSpec = serde_json::from_value(serde_json::json!({
            "metadata": {"labels": {"app": "web"}},
            "spec": {"containers": [{"name": "nginx", "image": "nginx:1.25", "args": ["a<b"]}]}
        }))
        .unwrap();
        assert_eq!(
            template_patch(&template),
            r#"{"spec":{"template":{"$patch":"replace","metadata":{"labels":{"app":"web"}},"spec":{"containers":[{"args":["a\u003cb"],"image":"nginx:1.25","name":"nginx"}]}}}}"#
        );
    }

    #[test]
    fn the_hash_is_fnv1_of_the_patch_and_probe_safe_encoded() {
        // FNV-1 32 of "" is the offset basis 2166136261; of "a" it is 0x050c5d7e (84696446).
        assert_eq!(hash_revision("", None), safe_encode_u32(2166136261));
        assert_eq!(hash_revision("a", None), safe_encode_u32(0x050c5d7e));
        // The probe is hashed as its decimal digits after the patch.
        assert_eq!(hash_revision("a", Some(0)), hash_revision("a0", None));
        assert_ne!(hash_revision("a", Some(0)), hash_revision("a", None));
        assert_eq!(revision_name("web", "5d4c8c7b9f"), "web-5d4c8c7b9f");
    }

    #[test]
    fn a_revision_gives_its_template_back() {
        let template: PodTemplateSpec = serde_json::from_value(serde_json::json!({
            "metadata": {"labels": {"app": "web"}},
            "spec": {"containers": [{"name": "nginx", "image": "nginx:1.26"}]}
        }))
        .unwrap();
        let owner = ObjectMeta { name: Some("web".into()), namespace: Some("default".into()), ..Default::default() };
        let owner_ref = OwnerReference { api_version: "apps/v1".into(), kind: "StatefulSet".into(), name: "web".into(), uid: "u".into(), controller: Some(true), block_owner_deletion: Some(true) };
        let r = new_revision(&owner, owner_ref, &template, "abc", 3);
        assert_eq!(r.metadata.name.as_deref(), Some("web-abc"));
        assert_eq!(r.metadata.labels.as_ref().unwrap()[REVISION_HASH_LABEL], "abc");
        assert_eq!(r.revision, 3);
        assert_eq!(template_of(&r), template);
        assert_eq!(stored_patch(&r), template_patch(&template));
    }
}
