//! `kubectl apply|create|replace -f` (kubectl/pkg/cmd/apply/apply.go,
//! create/create.go, replace/replace.go). Apply is client-side apply as kubectl
//! does it by default: the object's previous manifest is kept in the
//! `kubectl.kubernetes.io/last-applied-configuration` annotation, and a
//! three-way merge of that (original), the new manifest (modified) and the live
//! object (current) decides what changes — fields you removed from the
//! manifest are removed, fields set by others (`kubectl scale`, controllers,
//! defaults) are kept.

use serde_json::{Map, Value};

use super::flags::{self, flag, FlagDef, FlagKind};
use super::manifest::{self, decode, Document};
use super::resources::to_json;
use super::{usage_error, Io, Outcome};
use crate::api::{Admit, ApiError};
use crate::cluster::Cluster;
use crate::output::Output;

pub const LAST_APPLIED: &str = "kubectl.kubernetes.io/last-applied-configuration";

/// Which verb writes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Write {
    Create,
    Apply,
    Replace,
}

/// What a write did, for the `deployment.apps/web <verb>` line.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Written {
    Created,
    Configured { warning: Option<String> },
    Unchanged,
    Replaced { changed: bool },
}

const FLAGS: &[FlagDef] = &[
    flag("filename", Some('f'), FlagKind::Value),
    flag("recursive", Some('R'), FlagKind::Bool),
    flag("output", Some('o'), FlagKind::Value),
    flag("dry-run", None, FlagKind::Value),
    flag("validate", None, FlagKind::Value),
    flag("save-config", None, FlagKind::Bool),
    flag("force", None, FlagKind::Bool),
    flag("server-side", None, FlagKind::Bool),
    flag("prune", None, FlagKind::Bool),
    flag("selector", Some('l'), FlagKind::Value),
    flag("kustomize", Some('k'), FlagKind::Value),
    flag("edit", None, FlagKind::Bool),
    flag("windows-line-endings", None, FlagKind::Bool),
    flag("field-manager", None, FlagKind::Value),
];

/// Runs `apply`, `replace`, or `create` with `-f`.
pub fn run(cluster: &mut Cluster, verb: &str, args: &[String], io: &mut Io, out: &mut Output) -> Outcome {
    if verb == "apply" {
        if let Some(outcome) = super::last_applied::run(cluster, args, io, out) {
            return outcome;
        }
    }
    let p = match flags::parse(args, FLAGS, io.kubeconfig) {
        Ok(p) => p,
        Err(e) => return Outcome::code(usage_error(verb, e.message(), out)),
    };
    let files = p.values("filename").to_vec();
    if files.is_empty() {
        match verb {
            "apply" => out.err("error: must specify one of -f and -k"),
            "replace" => out.err("error: must specify --filename to replace"),
            _ => out.err("error: must specify one of -f and -k"),
        }
        return Outcome::code(1);
    }
    let docs = match manifest::read(io, &files, p.bool("recursive")) {
        Ok(d) => d,
        Err(e) => {
            out.err(&e);
            return Outcome::code(1);
        }
    };
    let how = match verb {
        "apply" => Write::Apply,
        "replace" => Write::Replace,
        _ => Write::Create,
    };
    let default_ns = p.namespace().to_string();
    let dry_run = p.value("dry-run").is_some_and(|v| v != "none");
    let mut code = 0;
    for mut doc in docs {
        if doc.rt.namespaced {
            match doc.namespace() {
                Some(ns) if p.namespace_flag().is_some_and(|flag_ns| flag_ns != ns) => {
                    out.err(&format!("error: the namespace from the provided object \"{ns}\" does not match the namespace \"{}\". You must pass '--namespace={ns}' to perform this operation.", p.namespace_flag().unwrap_or("")));
                    code = 1;
                    continue;
                }
                Some(_) => {}
                None => {
                    if let Some(m) = doc.value.get_mut("metadata").and_then(Value::as_object_mut) {
                        m.insert("namespace".into(), Value::String(default_ns.clone()));
                    }
                }
            }
        }
        let prefix = doc.rt.name_prefix();
        let name = doc.name();
        if dry_run {
            let verb_word = match how {
                Write::Create => "created",
                Write::Apply => "created",
                Write::Replace => "replaced",
            };
            out.out(&format!("{prefix}/{name} {verb_word} (dry run)"));
            continue;
        }
        match (doc.rt.write)(cluster, &doc, how) {
            Ok(written) => {
                let word = match &written {
                    Written::Created => "created",
                    Written::Configured { warning } => {
                        if let Some(w) = warning {
                            out.err(w);
                        }
                        "configured"
                    }
                    Written::Unchanged => "unchanged",
                    Written::Replaced { .. } => "replaced",
                };
                if p.value("output") == Some("name") {
                    out.out(&format!("{prefix}/{name}"));
                } else {
                    out.out(&format!("{prefix}/{name} {word}"));
                }
            }
            Err(e) => {
                out.err(&e);
                code = 1;
            }
        }
        cluster.settle();
    }
    Outcome::code(code)
}

/// An API error about a manifest, worded as kubectl wraps it
/// (`Error from server (AlreadyExists): error when creating "x.yaml": ...`).
fn wrap(e: ApiError, action: &str, source: &str) -> String {
    if e.invalid.is_some() {
        return e.to_string();
    }
    let text = e.to_string();
    match text.split_once("): ") {
        Some((head, msg)) => format!("{head}): error when {action} \"{source}\": {msg}"),
        None => text,
    }
}

/// The last-applied annotation's value: the manifest with that annotation
/// removed (leaving `"annotations":{}`), keys sorted, one line plus a newline.
fn last_applied_of(input: &Value) -> String {
    let mut v = input.clone();
    if let Some(meta) = v.get_mut("metadata").and_then(Value::as_object_mut) {
        let ann = meta.entry("annotations").or_insert_with(|| Value::Object(Map::new()));
        if let Some(a) = ann.as_object_mut() {
            a.remove(LAST_APPLIED);
        }
    }
    format!("{}\n", serde_json::to_string(&v).unwrap_or_default())
}

/// `input` with the annotation `key` set to `value`.
pub(super) fn with_annotation(input: &Value, key: &str, value: String) -> Value {
    let mut v = input.clone();
    if let Some(meta) = v.get_mut("metadata").and_then(Value::as_object_mut) {
        let ann = meta.entry("annotations").or_insert_with(|| Value::Object(Map::new()));
        if let Some(a) = ann.as_object_mut() {
            a.insert(key.to_string(), Value::String(value));
        }
    }
    v
}

/// Writes one manifest object of kind `K`.
pub fn write<K: Admit + PartialEq + serde::de::DeserializeOwned>(c: &mut Cluster, doc: &Document, how: Write) -> Result<Written, String> {
    let src = doc.source.as_str();
    let ns = doc.namespace().unwrap_or_default();
    let name = doc.name();
    let action = match how {
        Write::Replace => "replacing",
        _ => "creating",
    };
    // Strict decoding of what the user wrote comes first, whatever the verb.
    let typed: K = decode(&doc.value).map_err(|e| format!("Error from server (BadRequest): error when {action} \"{src}\": {e}"))?;
    let live = c.store.get::<K>(&ns, &name).cloned();
    match (how, live) {
        (Write::Create, _) | (Write::Apply, None) => {
            let obj: K = if how == Write::Apply {
                let annotated = with_annotation(&doc.value, LAST_APPLIED, last_applied_of(&doc.value));
                decode(&annotated).map_err(|e| format!("Error from server (BadRequest): error when creating \"{src}\": {e}"))?
            } else {
                typed
            };
            c.create(obj).map_err(|e| wrap(e, "creating", src))?;
            Ok(Written::Created)
        }
        (Write::Replace, None) => Err(wrap(ApiError::not_found(&K::qualified_resource(), &name), "replacing", src)),
        (Write::Replace, Some(live)) => {
            let changed = update_live(c, &doc.value, &live).map_err(|e| wrap(e, "replacing", src))?;
            Ok(Written::Replaced { changed })
        }
        (Write::Apply, Some(live)) => {
            let current = to_json(&live);
            let original: Option<Value> = live
                .metadata()
                .annotations
                .as_ref()
                .and_then(|a| a.get(LAST_APPLIED))
                .and_then(|s| serde_json::from_str(s).ok());
            let warning = original.is_none().then(|| format!(
                "Warning: resource {}/{name} is missing the {LAST_APPLIED} annotation which is required by kubectl apply. kubectl apply should only be used on resources created declaratively by either kubectl create --save-config or kubectl apply. The missing annotation will be patched automatically.",
                doc.rt.plural
            ));
            let modified = with_annotation(&doc.value, LAST_APPLIED, last_applied_of(&doc.value));
            let mut merged = current.clone();
            three_way(&mut merged, original.as_ref(), &modified);
            let mut obj: K = serde_json::from_value(merged).map_err(|e| format!("Error from server (BadRequest): error when applying patch to \"{src}\": {e}"))?;
            redefault(c, &mut obj);
            c.admit_update(&mut obj, &live).map_err(|e| wrap(e, "patching", src))?;
            let changed = c.store.update(obj).map_err(|e| wrap(e, "patching", src))?;
            Ok(if changed { Written::Configured { warning } } else { Written::Unchanged })
        }
    }
}

/// An update of `live` to `value` as the API server handles a PUT: the status kept,
/// strict decoding (a BadRequest), defaults, `ValidateUpdate`, `PrepareForUpdate`,
/// then the write. Says whether anything changed. `replace` and `edit` go through it.
pub fn update_live<K: Admit + PartialEq + serde::de::DeserializeOwned>(c: &mut Cluster, value: &Value, live: &K) -> Result<bool, ApiError> {
    let mut v = value.clone();
    if let Some(status) = to_json(live).get("status") {
        v["status"] = status.clone();
    }
    let mut obj: K = decode(&v).map_err(ApiError::bad_request)?;
    redefault(c, &mut obj);
    c.admit_update(&mut obj, live)?;
    c.store.update(obj)
}

/// Server-side defaulting of an updated object; every kind's defaults except a
/// pod's admission (which only runs on create) are idempotent.
fn redefault<K: Admit>(c: &mut Cluster, obj: &mut K) {
    if K::KIND != "Pod" {
        obj.default_create(c.rng());
    }
}

/// The three-way merge of client-side apply (a JSON merge patch computed from
/// original → modified, applied to current), with lists of named items
/// (containers, env, volumes, ports) merged by name as the strategic merge
/// patch does, so server-filled fields inside them survive.
pub fn three_way(current: &mut Value, original: Option<&Value>, modified: &Value) {
    match (current, modified) {
        (Value::Object(cur), Value::Object(m)) => {
            // A merge patch's null deletes the field.
            for (k, mv) in m {
                if mv.is_null() {
                    cur.remove(k);
                }
            }
            if let Some(Value::Object(o)) = original {
                for k in o.keys() {
                    if !m.contains_key(k) {
                        cur.remove(k);
                    }
                }
            }
            for (k, mv) in m.iter().filter(|(_, v)| !v.is_null()) {
                let ov = original.and_then(|o| o.get(k));
                match cur.get_mut(k) {
                    Some(cv) if cv.is_object() && mv.is_object() => three_way(cv, ov, mv),
                    Some(cv) if is_named_list(cv) && is_named_list(mv) => merge_named(cv, ov, mv),
                    _ => {
                        cur.insert(k.clone(), mv.clone());
                    }
                }
            }
        }
        (cur, m) => *cur = m.clone(),
    }
}

fn is_named_list(v: &Value) -> bool {
    v.as_array().is_some_and(|a| !a.is_empty() && a.iter().all(|i| i.get("name").is_some_and(Value::is_string)))
}

fn merge_named(current: &mut Value, original: Option<&Value>, modified: &Value) {
    let cur = current.as_array().cloned().unwrap_or_default();
    let mut out = Vec::new();
    for mi in modified.as_array().into_iter().flatten() {
        let name = mi.get("name");
        let oi = original.and_then(Value::as_array).and_then(|a| a.iter().find(|x| x.get("name") == name));
        match cur.iter().find(|x| x.get("name") == name) {
            Some(ci) => {
                let mut ci = ci.clone();
                three_way(&mut ci, oi, mi);
                out.push(ci);
            }
            None => out.push(mi.clone()),
        }
    }
    *current = Value::Array(out);
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn three_way_keeps_others_changes_and_drops_removed_fields() {
        let mut current = json!({"spec": {"replicas": 5, "paused": true, "template": {"spec": {"containers": [{"name": "a", "image": "nginx:1.25", "imagePullPolicy": "IfNotPresent"}]}}}});
        let original = json!({"spec": {"paused": true, "template": {"spec": {"containers": [{"name": "a", "image": "nginx:1.25"}]}}}});
        let modified = json!({"spec": {"template": {"spec": {"containers": [{"name": "a", "image": "nginx:1.26"}]}}}});
        three_way(&mut current, Some(&original), &modified);
        assert_eq!(current, json!({"spec": {"replicas": 5, "template": {"spec": {"containers": [{"name": "a", "image": "nginx:1.26", "imagePullPolicy": "IfNotPresent"}]}}}}));
    }

    #[test]
    fn last_applied_is_sorted_json_with_empty_annotations() {
        let v = json!({"kind": "Pod", "apiVersion": "v1", "metadata": {"name": "x", "namespace": "default"}});
        assert_eq!(last_applied_of(&v), "{\"apiVersion\":\"v1\",\"kind\":\"Pod\",\"metadata\":{\"annotations\":{},\"name\":\"x\",\"namespace\":\"default\"}}\n");
    }
}
