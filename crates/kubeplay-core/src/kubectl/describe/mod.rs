//! `kubectl describe` (kubectl/pkg/cmd/describe/describe.go) and the describers
//! (kubectl/pkg/describe/describe.go).
//!
//! The command resolves `TYPE NAME...`, `TYPE/NAME...`, `TYPE` (everything, with
//! `-l`, `-n`, `-A`) into objects, then asks each kind's describer for its text.
//! Descriptions are separated by two blank lines; `describe TYPE PREFIX` falls back
//! to every object whose name starts with PREFIX, as kubectl does.
//!
//! **Adding a describer** for a kind (Deployment, ReplicaSet, Job …): write a module
//! with `pub fn describe(cluster: &Cluster, t: &Target, settings: &Settings) ->
//! Result<String, ApiError>` that fetches the object from `cluster.store` (NotFound
//! if absent), writes it with a [`writer::PrefixWriter`] (levels and `Key:\tValue`
//! cells, as describe.go's `w.Write(LEVEL_n, ...)`), reuses [`fields`] (labels,
//! annotations, taints, tolerations, timestamps), [`pod_spec::pod_template`] for
//! `Pod Template:`, and [`events`] for the `Events:` section when
//! `settings.show_events`; then add one line to [`DESCRIBERS`]. Kinds without a
//! line are described by [`generic`] (kubectl's describer for custom resources).

mod configmap;
mod cronjob;
mod daemonset;
mod deployment;
mod replicaset;
mod workload;
pub mod events;
pub mod fields;
mod generic;
mod job;
mod namespace;
mod node;
mod pod;
pub mod pod_spec;
mod service;
mod serviceaccount;
pub mod writer;

use super::flags::{self, flag, FlagDef, FlagKind};
use super::selection::Selection;
use super::resources::{ResourceType, Want};
use super::{usage_error, Io};
use crate::api::ApiError;
use crate::cluster::Cluster;
use crate::output::Output;

/// `DescriberSettings`.
pub struct Settings {
    pub show_events: bool,
}

/// The object to describe.
pub struct Target<'a> {
    pub rt: &'static ResourceType,
    /// Empty for cluster-scoped kinds.
    pub namespace: &'a str,
    pub name: &'a str,
}

/// A kind's describer: the whole `kubectl describe` text of one object.
pub type Describer = fn(&Cluster, &Target, &Settings) -> Result<String, ApiError>;

/// Describers by API group and kind (describe.go `describerMap`).
pub static DESCRIBERS: &[(&str, &str, Describer)] = &[
    ("apps", "DaemonSet", daemonset::describe),
    ("apps", "Deployment", deployment::describe),
    ("apps", "ReplicaSet", replicaset::describe),
    ("batch", "CronJob", cronjob::describe),
    ("batch", "Job", job::describe),
    ("", "ConfigMap", configmap::describe),
    ("", "Namespace", namespace::describe),
    ("", "Node", node::describe),
    ("", "Pod", pod::describe),
    ("", "Service", service::describe),
    ("", "ServiceAccount", serviceaccount::describe),
];

/// The describer for a resource type, or the generic one.
pub fn describer_for(rt: &ResourceType) -> Describer {
    DESCRIBERS.iter().find(|(g, k, _)| *g == rt.group && *k == rt.kind).map(|(_, _, d)| *d).unwrap_or(generic::describe)
}

const FLAGS: &[FlagDef] = &[
    flag("all-namespaces", Some('A'), FlagKind::Bool),
    flag("selector", Some('l'), FlagKind::Value),
    flag("show-events", None, FlagKind::Bool),
    flag("chunk-size", None, FlagKind::Value),
];

/// One object found for the arguments.
struct Info {
    rt: &'static ResourceType,
    namespace: String,
    name: String,
}

pub fn run(cluster: &mut Cluster, args: &[String], io: &Io, out: &mut Output) -> i32 {
    let p = match flags::parse(args, FLAGS, io.kubeconfig) {
        Ok(p) => p,
        Err(e) => return usage_error("describe", e.message(), out),
    };
    if p.args.is_empty() {
        out.err("error: You must specify the type of resource to describe. Use \"kubectl api-resources\" for a complete list of supported resources.");
        return 1;
    }
    let settings = Settings { show_events: p.value("show-events").is_none_or(|v| v == "true") };
    let selection = match Selection::parse(&p, &p.args) {
        Ok(s) => s,
        Err(msg) => {
            out.err(&msg);
            return 1;
        }
    };
    let (requests, namespace, all_ns) = (&selection.requests, &selection.namespace, selection.all_namespaces);
    let mut infos: Vec<Info> = Vec::new();
    let mut errors: Vec<ApiError> = Vec::new();
    for req in requests {
        if req.names.is_empty() {
            for item in selection.listed(cluster, req.rt, Want::Cells) {
                infos.push(Info { rt: req.rt, namespace: item.key.namespace, name: item.key.name });
            }
        } else {
            for name in &req.names {
                match (req.rt.get)(cluster, namespace, name, Want::Cells) {
                    Ok(item) if selection.selects(&item.labels) => {
                        let key = selection.key(req.rt, name);
                        infos.push(Info { rt: req.rt, namespace: key.namespace, name: key.name });
                    }
                    Ok(_) => {}
                    Err(e) => errors.push(e),
                }
            }
        }
    }
    if !errors.is_empty() && p.args.len() == 2 {
        // `describe TYPE NAME`: kubectl retries NAME as a prefix. With `TYPE/NAME`
        // arguments the retry can match nothing, so only the error is left.
        return describe_matching(cluster, requests[0].rt, namespace, &p.args, &settings, &errors, out);
    }
    let mut messages: Vec<String> = errors.iter().map(ApiError::to_string).collect();
    let mut first = true;
    for info in &infos {
        let target = Target { rt: info.rt, namespace: &info.namespace, name: &info.name };
        match describer_for(info.rt)(cluster, &target, &settings) {
            Ok(text) => {
                if !first {
                    out.out("");
                    out.out("");
                }
                first = false;
                out.out(&text);
            }
            Err(e) => {
                let msg = e.to_string();
                if !messages.contains(&msg) {
                    messages.push(msg);
                }
            }
        }
    }
    if infos.is_empty() && messages.is_empty() {
        if all_ns {
            out.err("No resources found");
        } else {
            out.err(&format!("No resources found in {namespace} namespace."));
        }
    }
    for m in &messages {
        out.err(m);
    }
    if messages.is_empty() { 0 } else { 1 }
}

/// `DescribeMatchingResources`: every object of the type in the namespace whose name
/// starts with `prefix`, each followed by a blank line; the original error if none.
fn describe_matching(cluster: &Cluster, rt: &'static ResourceType, namespace: &str, args: &[String], settings: &Settings, original: &[ApiError], out: &mut Output) -> i32 {
    let ns = if rt.namespaced { Some(namespace) } else { None };
    let prefix = &args[1];
    let mut found = false;
    let candidates = if args[0].contains('/') { Vec::new() } else { (rt.list)(cluster, ns, Want::Cells) };
    for item in candidates {
        if !item.key.name.starts_with(prefix) {
            continue;
        }
        found = true;
        let target = Target { rt, namespace: &item.key.namespace, name: &item.key.name };
        match describer_for(rt)(cluster, &target, settings) {
            Ok(text) => out.out(&format!("{text}\n")),
            Err(e) => {
                out.err(&e.to_string());
                return 1;
            }
        }
    }
    if found {
        return 0;
    }
    for e in original {
        out.err(&e.to_string());
    }
    1
}
