//! `kubectl apply view-last-applied|set-last-applied|edit-last-applied`
//! (kubectl/pkg/cmd/apply/apply_*_last_applied.go): the
//! `kubectl.kubernetes.io/last-applied-configuration` annotation shown (YAML, or
//! JSON indented by two spaces), set from a file without applying it (only the
//! annotation is patched), or edited in the editor ([`super::edit::run_last_applied`]).

use serde_json::Value;

use super::apply::LAST_APPLIED;
use super::builder::{self, EmptySelector};
use super::flags::{self, flag, FlagDef, FlagKind};
use super::{manifest, usage_error, Io, Outcome};
use crate::cluster::Cluster;
use crate::output::Output;

/// `kubectl apply SUBCOMMAND …`, if `args` start with one of the three.
pub fn run(cluster: &mut Cluster, args: &[String], io: &mut Io, out: &mut Output) -> Option<Outcome> {
    let (sub, rest) = args.split_first()?;
    Some(match sub.as_str() {
        "view-last-applied" => Outcome::code(view(cluster, rest, io, out)),
        "set-last-applied" => Outcome::code(set(cluster, rest, io, out)),
        "edit-last-applied" => super::edit::run_last_applied(cluster, rest, io, out),
        _ => return None,
    })
}

const VIEW_FLAGS: &[FlagDef] = &[
    flag("all", None, FlagKind::Bool),
    flag("filename", Some('f'), FlagKind::Value),
    flag("kustomize", Some('k'), FlagKind::Value),
    flag("output", Some('o'), FlagKind::Value),
    flag("recursive", Some('R'), FlagKind::Bool),
    flag("selector", Some('l'), FlagKind::Value),
];

/// The annotation of an object, if it has one.
fn annotation(obj: &Value) -> Option<&str> {
    obj.pointer("/metadata/annotations")?.get(LAST_APPLIED)?.as_str()
}

fn view(cluster: &mut Cluster, args: &[String], io: &Io, out: &mut Output) -> i32 {
    let verb = "apply view-last-applied";
    let p = match flags::parse(args, VIEW_FLAGS, io.kubeconfig) {
        Ok(p) => p,
        Err(e) => return usage_error(verb, e.message(), out),
    };
    let format = p.value("output").unwrap_or("yaml");
    if p.args.is_empty() && p.values("filename").is_empty() {
        out.err(super::NO_RESOURCES);
        return 1;
    }
    let found = match builder::visit(cluster, &p, &p.args, io, EmptySelector::SelectsAll) {
        Ok(f) => f,
        Err(e) => {
            out.err(&e);
            return 1;
        }
    };
    if let Some(e) = found.error_text() {
        out.err(&e);
        return 1;
    }
    let mut configs = Vec::new();
    for info in &found.infos {
        match annotation(&info.json) {
            Some(text) => configs.push(text.to_string()),
            None => {
                out.err(&format!("error: no last-applied-configuration annotation found on resource: {}", info.key.name));
                return 1;
            }
        }
    }
    for text in configs {
        let Ok(v) = serde_json::from_str::<Value>(&text) else { continue };
        match format {
            // json.Indent keeps the annotation's own trailing newline.
            "json" => out.out(crate::printers::go_format::marshal_indent(&v, "  ").as_str()),
            "yaml" => out.out(crate::printers::yaml::to_yaml(&v).trim_end_matches('\n')),
            other => {
                // cmdutil.UsageErrorf
                out.err(&format!("error: Unexpected -o output mode: {other}, the flag 'output' must be one of yaml|json"));
                out.err(&format!("See 'kubectl {verb} -h' for help and examples"));
                return 1;
            }
        }
    }
    0
}

const SET_FLAGS: &[FlagDef] = &[
    flag("allow-missing-template-keys", None, FlagKind::Bool),
    flag("create-annotation", None, FlagKind::Bool),
    flag("dry-run", None, FlagKind::Value),
    flag("filename", Some('f'), FlagKind::Value),
    flag("output", Some('o'), FlagKind::Value),
    flag("show-managed-fields", None, FlagKind::Bool),
    flag("template", None, FlagKind::Value),
];

fn set(cluster: &mut Cluster, args: &[String], io: &Io, out: &mut Output) -> i32 {
    let p = match flags::parse(args, SET_FLAGS, io.kubeconfig) {
        Ok(p) => p,
        Err(e) => return usage_error("apply set-last-applied", e.message(), out),
    };
    let docs = match manifest::read(io, p.values("filename"), false) {
        Ok(d) => d,
        Err(e) => {
            out.err(&e);
            return 1;
        }
    };
    let dry_run = p.value("dry-run").is_some_and(|v| v == "client");
    let namespace = p.namespace().to_string();
    for doc in docs {
        let ns = if doc.rt.namespaced { doc.namespace().unwrap_or_else(|| namespace.clone()) } else { String::new() };
        let name = doc.name();
        let live = match (doc.rt.get)(cluster, &ns, &name, super::resources::Want::CellsAndJson) {
            Ok(item) => item.json.unwrap_or(Value::Null),
            Err(e) => {
                out.err(&e.to_string());
                return 1;
            }
        };
        // GetApplyPatch: the file's object as encodeToJSON writes it.
        let wanted = format!("{}\n", crate::printers::go_format::marshal(&doc.value));
        match annotation(&live) {
            None if !p.bool("create-annotation") => {
                out.err(&format!("error: no last-applied-configuration annotation found on resource: {name}, to create the annotation, run the command with --create-annotation"));
                return 1;
            }
            Some(current) if current == wanted => {
                out.out(&format!("set-last-applied {name}: no changes required."));
                continue;
            }
            _ => {}
        }
        if !dry_run {
            let patched = super::apply::with_annotation(&live, LAST_APPLIED, wanted);
            if let Err(e) = (doc.rt.update)(cluster, &ns, &name, &patched) {
                out.err(&e.to_string());
                return 1;
            }
            cluster.settle();
        }
        let suffix = if dry_run { " (dry run)" } else { "" };
        out.out(&format!("{}/{name} configured{suffix}", doc.rt.name_prefix()));
    }
    0
}
