//! The objects a verb acts on, as cli-runtime's `resource.Builder` finds them for
//! the verbs that change existing objects (scale, set, rollout): `TYPE NAME…`,
//! `TYPE/NAME…`, `TYPE` with `-l`/`--all`, and `-f FILE` (the named objects are
//! fetched from the server: `Latest()`). With `ContinueOnError` a missing object
//! is an error reported after the others were handled, so each verb gets both
//! the objects found and the errors.

use serde_json::Value;

use super::flags::Parsed;
use super::selection::Selection;
use super::manifest;
use super::resources::{ResourceType, Want};
use super::Io;
use crate::api::{ApiError, ObjectKey};
use crate::cluster::Cluster;

/// One object found: its type, key and current JSON.
pub struct Info {
    pub rt: &'static ResourceType,
    pub key: ObjectKey,
    pub json: Value,
}

impl Info {
    /// `deployment.apps/nginx`: the name printer's form.
    pub fn object_name(&self) -> String {
        format!("{}/{}", self.rt.name_prefix(), self.key.name)
    }
}

/// How bare `TYPE` arguments are read (`ResourceTypeOrNameArgs(allowEmptySelector, …)`).
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum EmptySelector {
    /// `TYPE` alone means every object of the type (rollout verbs).
    SelectsAll,
    /// `TYPE` alone needs `--all` or `-l` (scale, set).
    NeedsAll,
}

/// What the builder found: objects in argument order, and the missing ones' errors.
pub struct Found {
    pub infos: Vec<Info>,
    pub errors: Vec<ApiError>,
}

impl Found {
    /// How `CheckErr` prints the builder's aggregate: each error on its own line.
    pub fn error_text(&self) -> Option<String> {
        (!self.errors.is_empty()).then(|| self.errors.iter().map(ToString::to_string).collect::<Vec<_>>().join("\n"))
    }

    /// The aggregate's Go `Error()` inside another message: `[a, b]` for several.
    pub fn go_error(&self) -> String {
        match self.errors.as_slice() {
            [one] => one.message.clone(),
            many => format!("[{}]", many.iter().map(|e| e.message.as_str()).collect::<Vec<_>>().join(", ")),
        }
    }
}

/// Visits the arguments and `-f` files. An `Err` is a usage-level failure (unknown
/// type, no names) printed before anything is done.
pub fn visit(cluster: &Cluster, p: &Parsed, args: &[String], io: &Io, empty: EmptySelector) -> Result<Found, String> {
    let namespace = p.namespace().to_string();
    let mut keys = Selection::parse(p, args)?.keys(cluster, p.bool("all") || empty == EmptySelector::SelectsAll)?;
    for doc in manifest::read(io, p.values("filename"), p.bool("recursive"))? {
        let ns = if doc.rt.namespaced { doc.namespace().unwrap_or_else(|| namespace.clone()) } else { String::new() };
        keys.push((doc.rt, ObjectKey::new(&ns, &doc.name())));
    }
    let mut found = Found { infos: Vec::new(), errors: Vec::new() };
    for (rt, key) in keys {
        match (rt.get)(cluster, &key.namespace, &key.name, Want::CellsAndJson) {
            Ok(item) => found.infos.push(Info { rt, key, json: item.json.unwrap_or(Value::Null) }),
            Err(e) => found.errors.push(e),
        }
    }
    Ok(found)
}
