//! The describer for kinds without their own (describe.go `genericDescriber`, which
//! kubectl uses for custom resources): name, namespace, labels, annotations, then
//! every other field of the object, keys sorted and turned into labels
//! (`creationTimestamp` → `Creation Timestamp`), then its events.

use serde_json::Value;

use super::events::{describe_events, search, EventQuery};
use super::fields;
use super::writer::{PrefixWriter, LEVEL_0};
use super::{Settings, Target};
use crate::api::ApiError;
use crate::cluster::Cluster;
use crate::kubectl::resources::Want;
use crate::printers::go_format::sprint;

const SKIPPED: &[&str] = &[".metadata.managedFields", ".metadata.name", ".metadata.namespace", ".metadata.labels", ".metadata.annotations"];

pub fn describe(cluster: &Cluster, t: &Target, settings: &Settings) -> Result<String, ApiError> {
    let item = (t.rt.get)(cluster, t.namespace, t.name, Want::CellsAndJson)?;
    let obj = item.json.unwrap_or(Value::Null);
    let string_map = |v: Option<&Value>| -> Option<std::collections::BTreeMap<String, String>> {
        v.and_then(Value::as_object).map(|m| m.iter().map(|(k, v)| (k.clone(), v.as_str().map(str::to_string).unwrap_or_else(|| sprint(v)))).collect())
    };
    let meta = obj.get("metadata");
    let mut w = PrefixWriter::new();
    w.write(LEVEL_0, &format!("Name:\t{}\n", t.name));
    w.write(LEVEL_0, &format!("Namespace:\t{}\n", if t.rt.namespaced { t.namespace } else { "" }));
    fields::labels(&mut w, "Labels", string_map(meta.and_then(|m| m.get("labels"))).as_ref());
    fields::annotations(&mut w, "Annotations", string_map(meta.and_then(|m| m.get("annotations"))).as_ref());
    if let Some(map) = obj.as_object() {
        unstructured(&mut w, LEVEL_0, map, "");
    }
    if settings.show_events {
        let uid = meta.and_then(|m| m.get("uid")).and_then(Value::as_str).unwrap_or("");
        let ns = if t.rt.namespaced { t.namespace } else { "" };
        let events = search(cluster, &EventQuery { name: t.name, namespace: ns, kind: Some(t.rt.kind), uid });
        describe_events(&mut w, &events, cluster.now());
    }
    Ok(w.finish())
}

/// `printUnstructuredContent`.
fn unstructured(w: &mut PrefixWriter, level: usize, content: &serde_json::Map<String, Value>, prefix: &str) {
    for (field, value) in content {
        let path = format!("{prefix}.{field}");
        if SKIPPED.contains(&path.as_str()) {
            continue;
        }
        match value {
            Value::Object(map) => {
                w.write(level, &format!("{}:\n", smart_label(field)));
                unstructured(w, level + 1, map, &path);
            }
            Value::Array(items) => {
                w.write(level, &format!("{}:\n", smart_label(field)));
                for child in items {
                    match child {
                        Value::Object(map) => unstructured(w, level + 1, map, &path),
                        other => w.write(level + 1, &format!("{}\n", sprint(other))),
                    }
                }
            }
            other => w.write(level, &format!("{}:\t{}\n", smart_label(field), sprint(other))),
        }
    }
}

/// `smartLabelFor`: camel case split into title-cased words, common acronyms upper
/// case; fields with characters other than letters and `-` stay as they are.
fn smart_label(field: &str) -> String {
    if field.chars().any(|c| !c.is_alphabetic() && c != '-') {
        return field.to_string();
    }
    const ACRONYMS: &[&str] = &["API", "URL", "UID", "OSB", "GUID"];
    camel_split(field)
        .into_iter()
        .filter(|p| p != "_")
        .map(|p| {
            let upper = p.to_uppercase();
            if ACRONYMS.contains(&upper.as_str()) {
                upper
            } else {
                let mut c = p.chars();
                c.next().map(|f| f.to_uppercase().collect::<String>() + c.as_str()).unwrap_or_default()
            }
        })
        .collect::<Vec<_>>()
        .join(" ")
}

/// fatih/camelcase `Split`: runs of lower case, upper case, digits and other
/// characters; an upper-case run followed by lower case gives its last letter away
/// (`HTTPServer` → `HTTP`, `Server`).
fn camel_split(s: &str) -> Vec<String> {
    fn class(c: char) -> u8 {
        if c.is_lowercase() {
            1
        } else if c.is_uppercase() {
            2
        } else if c.is_numeric() {
            3
        } else {
            4
        }
    }
    let mut runs: Vec<Vec<char>> = Vec::new();
    let mut last = 0;
    for c in s.chars() {
        let k = class(c);
        if k == last {
            if let Some(r) = runs.last_mut() {
                r.push(c);
            }
        } else {
            runs.push(vec![c]);
        }
        last = k;
    }
    for i in 0..runs.len().saturating_sub(1) {
        if runs[i].first().is_some_and(|c| c.is_uppercase()) && runs[i + 1].first().is_some_and(|c| c.is_lowercase()) {
            if let Some(c) = runs[i].pop() {
                runs[i + 1].insert(0, c);
            }
        }
    }
    runs.into_iter().filter(|r| !r.is_empty()).map(|r| r.into_iter().collect()).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn smart_labels() {
        assert_eq!(smart_label("creationTimestamp"), "Creation Timestamp");
        assert_eq!(smart_label("apiVersion"), "API Version");
        assert_eq!(smart_label("uid"), "UID");
        assert_eq!(smart_label("k8s-app"), "k8s-app");
        assert_eq!(smart_label("HTTPServer"), "HTTP Server");
    }
}
