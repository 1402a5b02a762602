//! `kubectl create`: from manifests (`-f`, the same writer as apply) and the
//! generators (`create namespace|configmap|secret|serviceaccount ...`; the
//! workload, service and batch generators live with their kinds). Each
//! generator builds the object exactly as the real client would, so
//! `--dry-run=client -o yaml` prints what kubectl prints.

mod batch;
mod config;

use k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta;

use super::config::Kubeconfig;
use super::flags::{self, flag, FlagDef, FlagKind, Parsed};
use super::{apply, resources, usage_error, Io, Outcome};
use crate::api::Admit;
use crate::cluster::Cluster;
use crate::output::Output;

/// The flags every `create` generator with an image takes (`create deployment|job|cronjob`).
pub(crate) const GENERATOR_FLAGS: &[FlagDef] = &[
    flag("output", Some('o'), FlagKind::Value),
    flag("dry-run", None, FlagKind::Value),
    flag("image", None, FlagKind::Value),
    flag("save-config", None, FlagKind::Bool),
    flag("validate", None, FlagKind::Value),
    flag("field-manager", None, FlagKind::Value),
    flag("show-managed-fields", None, FlagKind::Bool),
    flag("allow-missing-template-keys", None, FlagKind::Bool),
    flag("template", None, FlagKind::Value),
];

pub fn run(cluster: &mut Cluster, args: &[String], io: &mut Io, out: &mut Output) -> Outcome {
    // The kind is the first word that is not a flag or a global flag's value (`-n dev`).
    let sub = super::first_verb_index(args);
    let has_file = args.iter().any(|a| a == "-f" || a.starts_with("--filename") || a.starts_with("-f"));
    let Some(i) = sub.filter(|_| !has_file) else {
        return apply::run(cluster, "create", args, io, out);
    };
    let rest: Vec<String> = args[..i].iter().chain(args[i + 1..].iter()).cloned().collect();
    let code = match args[i].as_str() {
        "namespace" | "ns" => config::namespace(cluster, &rest, io.kubeconfig, out),
        "configmap" | "cm" => config::configmap(cluster, &rest, io.kubeconfig, out),
        "secret" => config::secret(cluster, &rest, io.kubeconfig, out),
        "serviceaccount" | "sa" => config::serviceaccount(cluster, &rest, io.kubeconfig, out),
        "job" => batch::job(cluster, &rest, io.kubeconfig, out),
        "cronjob" | "cj" => batch::cronjob(cluster, &rest, io.kubeconfig, out),
        "service" | "svc" => super::create_network::create_service(cluster, &rest, io, out),
        "ingress" | "ing" => super::create_network::create_ingress(cluster, &rest, io, out),
        "deployment" | "deploy" => super::create_deployment::run(cluster, &rest, io, out),
        other => {
            out.err(&format!("error: Unexpected args: [{other}]"));
            out.err("See 'kubectl create -h' for help and examples");
            1
        }
    };
    Outcome::code(code)
}

/// How a generator's result is shown: `configmap/app created`, `-o name`, or
/// the object as YAML/JSON (dry-run objects carry no server fields).
pub(crate) fn print_generated(value: serde_json::Value, prefix: &str, name: &str, p: &Parsed, dry_run: bool, out: &mut Output) -> i32 {
    let suffix = if dry_run { " (dry run)" } else { "" };
    match p.value("output") {
        None | Some("") => out.out(&format!("{prefix}/{name} created{suffix}")),
        Some("name") => out.out(&format!("{prefix}/{name}")),
        Some(fmt @ ("yaml" | "json")) => super::get::print_structured(&value, fmt, out),
        Some(other) => {
            out.err(&format!("error: unable to match a printer suitable for the output format \"{other}\", allowed formats are: json,name,yaml"));
            return 1;
        }
    }
    0
}

/// Creates a generated object (or only prints it for `--dry-run=client`).
/// `wrap` is the `failed to create X: ` prefix some generators put on API errors
/// (reference §7); `None` prints the API error as is.
pub(crate) fn create_generated<K: Admit + PartialEq>(
    cluster: &mut Cluster,
    obj: K,
    dry_value: serde_json::Value,
    p: &Parsed,
    wrap: Option<&str>,
    out: &mut Output,
) -> i32 {
    let rt = resources::RESOURCE_TYPES.iter().find(|r| r.kind == K::KIND && r.is_stored());
    let prefix = rt.map(|r| r.name_prefix()).unwrap_or_else(|| K::KIND.to_lowercase());
    let name = obj.metadata().name.clone().unwrap_or_default();
    match p.value("dry-run").unwrap_or("none") {
        "none" | "false" => {}
        "client" => return print_generated(dry_value, &prefix, &name, p, true, out),
        "server" => return print_generated(dry_value, &prefix, &name, p, true, out),
        other => return usage_error("create", &format!("Invalid dry-run value ({other}). Must be \"none\", \"server\", or \"client\"."), out),
    }
    match cluster.create(obj) {
        Ok(created) => {
            cluster.settle();
            print_generated(resources::to_json(&created), &prefix, &name, p, false, out)
        }
        Err(e) => {
            match wrap {
                // `fmt.Errorf("...: %v", err)` prints the status message alone.
                Some(w) => out.err(&format!("error: {w}{}", e.message)),
                None => out.err(&e.to_string()),
            }
            1
        }
    }
}

/// Parses a generator's flags and its one NAME argument, with cobra's errors.
pub(crate) fn name_arg(sub: &str, args: &[String], defs: &[FlagDef], kc: &Kubeconfig, out: &mut Output) -> Result<(Parsed, String), i32> {
    let p = flags::parse(args, defs, kc).map_err(|e| usage_error(&format!("create {sub}"), e.message(), out))?;
    match p.args.as_slice() {
        [name] => {
            let name = name.clone();
            Ok((p, name))
        }
        more => {
            out.err(&format!("error: exactly one NAME is required, got {}", more.len()));
            out.err(&format!("See 'kubectl create {sub} -h' for help and examples"));
            Err(1)
        }
    }
}

/// A generated object's metadata: the namespace `-n` or the context chose.
pub(crate) fn meta(name: &str, p: &Parsed) -> ObjectMeta {
    ObjectMeta { name: Some(name.to_string()), namespace: Some(p.namespace().to_string()), ..Default::default() }
}

/// A dry-run object's metadata: the namespace only when `-n` named one.
pub(crate) fn dry_meta(name: &str, p: &Parsed) -> serde_json::Value {
    match p.namespace_flag() {
        Some(ns) => serde_json::json!({"name": name, "namespace": ns}),
        None => serde_json::json!({"name": name}),
    }
}
