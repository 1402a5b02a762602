//! `kubectl label` and `kubectl annotate` (kubectl/pkg/cmd/label/label.go,
//! annotate/annotate.go): `KEY=VALUE` sets, `KEY-` removes, `--overwrite`,
//! `--list`, `--all`, `-l`. The change is written as an update of the object, so
//! a label change is seen at once by every selector (a pod relabelled out of a
//! ReplicaSet's selector is orphaned and replaced).

use std::collections::BTreeMap;

use serde_json::Value;

use super::apply::Write;
use super::flags::{self, flag, FlagDef, FlagKind, Parsed};
use super::selection::Selection;
use super::manifest::Document;
use super::resources::Want;
use super::{usage_error, Io, Outcome};
use crate::cluster::Cluster;
use crate::output::Output;

const FLAGS: &[FlagDef] = &[
    flag("overwrite", None, FlagKind::Bool),
    flag("list", None, FlagKind::Bool),
    flag("local", None, FlagKind::Bool),
    flag("all", None, FlagKind::Bool),
    flag("all-namespaces", Some('A'), FlagKind::Bool),
    flag("selector", Some('l'), FlagKind::Value),
    flag("field-selector", None, FlagKind::Value),
    flag("resource-version", None, FlagKind::Value),
    flag("filename", Some('f'), FlagKind::Value),
    flag("recursive", Some('R'), FlagKind::Bool),
    flag("output", Some('o'), FlagKind::Value),
    flag("dry-run", None, FlagKind::Value),
    flag("field-manager", None, FlagKind::Value),
];

/// Which metadata map a command edits.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Field {
    Labels,
    Annotations,
}

impl Field {
    fn verb(self) -> &'static str {
        match self {
            Field::Labels => "label",
            Field::Annotations => "annotate",
        }
    }

    fn key(self) -> &'static str {
        match self {
            Field::Labels => "labels",
            Field::Annotations => "annotations",
        }
    }
}

/// `labels.IsValidLabelValue`'s message.
const LABEL_VALUE_RULE: &str = "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')";

fn valid_label_value(v: &str) -> bool {
    if v.is_empty() {
        return true;
    }
    let b = v.as_bytes();
    v.len() <= 63
        && b[0].is_ascii_alphanumeric()
        && b[b.len() - 1].is_ascii_alphanumeric()
        && v.chars().all(|c| c.is_ascii_alphanumeric() || "-_.".contains(c))
}

/// `parseLabels` / `parseAnnotations`: the sets and the removals.
fn parse_pairs(field: Field, specs: &[String]) -> Result<(BTreeMap<String, String>, Vec<String>), String> {
    let mut set = BTreeMap::new();
    let mut remove = Vec::new();
    for spec in specs {
        if let Some((k, v)) = spec.split_once('=') {
            if field == Field::Labels {
                if v.contains('=') {
                    return Err(format!("error: invalid label spec: {spec}"));
                }
                if !valid_label_value(v) {
                    return Err(format!("error: invalid label value: \"{spec}\": {LABEL_VALUE_RULE}"));
                }
            }
            set.insert(k.to_string(), v.to_string());
        } else if let Some(k) = spec.strip_suffix('-') {
            remove.push(k.to_string());
        } else {
            let what = if field == Field::Labels { "label" } else { "annotation" };
            return Err(format!("error: unknown {what} spec: {spec}"));
        }
    }
    if remove.iter().any(|r| set.contains_key(r)) {
        let what = if field == Field::Labels { "label" } else { "annotation" };
        return Err(format!("error: can not both modify and remove {} in the same command", if field == Field::Labels { "a label".to_string() } else { format!("an {what}") }));
    }
    Ok((set, remove))
}

pub fn run(cluster: &mut Cluster, field: Field, args: &[String], io: &mut Io, out: &mut Output) -> Outcome {
    let p = match flags::parse(args, FLAGS, io.kubeconfig) {
        Ok(p) => p,
        Err(e) => return Outcome::code(usage_error(field.verb(), e.message(), out)),
    };
    match edit(cluster, field, &p, out) {
        Ok(code) => Outcome::code(code),
        Err(msg) => {
            out.err(&msg);
            Outcome::code(1)
        }
    }
}

fn edit(cluster: &mut Cluster, field: Field, p: &Parsed, out: &mut Output) -> Result<i32, String> {
    // cmdutil.GetResourcesAndPairs: pairs are the arguments with `=` or a trailing `-`.
    let (pairs, resources): (Vec<String>, Vec<String>) =
        p.args.iter().cloned().partition(|a| a.contains('=') || (a.ends_with('-') && !a.contains('/')));
    let (set, remove) = parse_pairs(field, &pairs)?;
    if p.bool("all") && p.value("selector").is_some() {
        return Err("error: cannot set --all and --selector at the same time".into());
    }
    if resources.is_empty() {
        return Err("error: one or more resources must be specified as <resource> <name> or <resource>/<name>".into());
    }
    if set.is_empty() && remove.is_empty() && !p.bool("list") {
        let what = if field == Field::Labels { "label" } else { "annotation" };
        return Err(format!("error: at least one {what} update is required"));
    }
    let targets = Selection::parse(p, &resources)?.keys(cluster, p.bool("all"))?;
    let dry_run = p.value("dry-run").is_some_and(|v| v != "none");
    let mut code = 0;
    for (rt, key) in targets {
        let item = match (rt.get)(cluster, &key.namespace, &key.name, Want::CellsAndJson) {
            Ok(i) => i,
            Err(e) => {
                out.err(&e.to_string());
                code = 1;
                continue;
            }
        };
        let mut value = item.json.unwrap_or(Value::Null);
        let old: BTreeMap<String, String> = value
            .pointer(&format!("/metadata/{}", field.key()))
            .and_then(|v| serde_json::from_value(v.clone()).ok())
            .unwrap_or_default();
        if p.bool("list") {
            for (k, v) in &old {
                out.out(&format!("{k}={v}"));
            }
            continue;
        }
        if !p.bool("overwrite") {
            let clashes: Vec<String> = set
                .iter()
                .filter_map(|(k, v)| old.get(k).filter(|cur| *cur != v).map(|cur| format!("'{k}' already has a value ({cur}), and --overwrite is false")))
                .collect();
            if !clashes.is_empty() {
                out.err(&format!("error: {}", clashes.join("\n")));
                code = 1;
                continue;
            }
        }
        if field == Field::Labels {
            for r in &remove {
                if !old.contains_key(r) {
                    out.out(&format!("label \"{r}\" not found."));
                }
            }
        }
        let mut new = old.clone();
        new.extend(set.clone());
        for r in &remove {
            new.remove(r);
        }
        let message = match field {
            Field::Labels => change_message(&old, &new),
            Field::Annotations => "annotated",
        };
        if let Some(meta) = value.get_mut("metadata").and_then(Value::as_object_mut) {
            if new.is_empty() {
                meta.remove(field.key());
            } else {
                meta.insert(field.key().into(), serde_json::json!(new));
            }
        }
        if !dry_run && new != old {
            let doc = Document { source: String::new(), value, rt };
            if let Err(e) = (rt.write)(cluster, &doc, Write::Replace) {
                out.err(&e);
                code = 1;
                continue;
            }
            cluster.settle();
        }
        let suffix = if dry_run { " (dry run)" } else { "" };
        if p.value("output") == Some("name") {
            out.out(&format!("{}/{}", rt.name_prefix(), key.name));
        } else {
            out.out(&format!("{}/{} {message}{suffix}", rt.name_prefix(), key.name));
        }
    }
    Ok(code)
}

/// label.go `updateDataChangeMsg`.
fn change_message(old: &BTreeMap<String, String>, new: &BTreeMap<String, String>) -> &'static str {
    let unlabeled = old.keys().any(|k| !new.contains_key(k));
    let labeled = old.iter().any(|(k, v)| new.get(k).is_some_and(|n| n != v)) || new.keys().any(|k| !old.contains_key(k));
    match (labeled, unlabeled) {
        (true, true) => "label(s) changed",
        (true, false) => "labeled",
        (false, true) => "unlabeled",
        (false, false) => "not labeled",
    }
}
