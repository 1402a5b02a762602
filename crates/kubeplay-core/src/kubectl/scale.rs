//! `kubectl scale --replicas=COUNT (-f FILE | TYPE NAME | TYPE/NAME)`
//! (kubectl/pkg/cmd/scale/scale.go and pkg/scale/scale.go, v1.34): writes
//! `spec.replicas` through the scale subresource of a Deployment, ReplicaSet or
//! StatefulSet — an update of the spec, so the generation moves and the
//! controllers resize. `--current-replicas` is a precondition checked against the
//! stored size. Prints `deployment.apps/web scaled`.
//!
//! v1.34 quirk kept on purpose: when no named object exists the NotFound error is
//! glued to `no objects passed to scale ` (fixed only in 1.35, k/k PR #134017).

use serde_json::Value;

use super::apply::Write;
use super::builder::{self, EmptySelector, Info};
use super::flags::{self, flag, FlagDef, FlagKind, Parsed};
use super::manifest::Document;
use super::{usage_error, Io, Outcome};
use crate::cluster::Cluster;
use crate::output::Output;

const FLAGS: &[FlagDef] = &[
    flag("replicas", None, FlagKind::Value),
    flag("current-replicas", None, FlagKind::Value),
    flag("resource-version", None, FlagKind::Value),
    flag("all", None, FlagKind::Bool),
    flag("selector", Some('l'), FlagKind::Value),
    flag("filename", Some('f'), FlagKind::Value),
    flag("recursive", Some('R'), FlagKind::Bool),
    flag("kustomize", Some('k'), FlagKind::Value),
    flag("output", Some('o'), FlagKind::Value),
    flag("dry-run", None, FlagKind::Value),
    flag("timeout", None, FlagKind::Value),
    flag("record", None, FlagKind::Bool),
    flag("show-managed-fields", None, FlagKind::Bool),
    flag("template", None, FlagKind::Value),
    flag("allow-missing-template-keys", None, FlagKind::Bool),
];

/// Kinds with a scale subresource that the simulation stores.
const SCALABLE: &[&str] = &["Deployment", "ReplicaSet", "StatefulSet"];

pub fn run(cluster: &mut Cluster, args: &[String], io: &mut Io, out: &mut Output) -> Outcome {
    let p = match flags::parse(args, FLAGS, io.kubeconfig) {
        Ok(p) => p,
        Err(e) => return Outcome::code(usage_error("scale", e.message(), out)),
    };
    let cause = super::record::recorder(&["scale"], &p, out);
    match scale(cluster, &p, io, out, cause.as_deref()) {
        Ok(()) => Outcome::code(0),
        Err(msg) => {
            out.err(&msg);
            Outcome::code(1)
        }
    }
}

/// pflag's integer flag: `-1` when absent.
fn int_flag(p: &Parsed, name: &str) -> Result<i64, String> {
    match p.value(name) {
        None => Ok(-1),
        Some(v) => v.parse::<i32>().map(i64::from).map_err(|_| {
            format!("error: invalid argument \"{v}\" for \"--{name}\" flag: strconv.ParseInt: parsing \"{v}\": invalid syntax\nSee 'kubectl scale --help' for usage.")
        }),
    }
}

/// How the dry-run flag was given (`GetDryRunStrategy`).
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum DryRun {
    None,
    Client,
    Server,
}

impl DryRun {
    pub fn of(p: &Parsed) -> Result<DryRun, String> {
        match p.value("dry-run") {
            None | Some("none") | Some("false") => Ok(DryRun::None),
            Some("client") | Some("true") | Some("") => Ok(DryRun::Client),
            Some("server") => Ok(DryRun::Server),
            Some(other) => Err(format!("error: Invalid dry-run value ({other}). Must be \"none\", \"server\", or \"client\".")),
        }
    }

    /// The name printer's suffix (`PrintFlagsWithDryRunStrategy`).
    pub fn suffix(self) -> &'static str {
        match self {
            DryRun::None => "",
            DryRun::Client => " (dry run)",
            DryRun::Server => " (server dry run)",
        }
    }
}

fn scale(cluster: &mut Cluster, p: &Parsed, io: &Io, out: &mut Output, cause: Option<&str>) -> Result<(), String> {
    if !p.is_set("replicas") {
        return Err("error: required flag(s) \"replicas\" not set".into());
    }
    let replicas = int_flag(p, "replicas")?;
    let current = int_flag(p, "current-replicas")?;
    let dry_run = DryRun::of(p)?;
    if replicas < 0 {
        return Err("error: The --replicas=COUNT flag is required, and COUNT must be greater than or equal to 0".into());
    }
    if current < -1 {
        return Err("error: The --current-replicas must specify an integer of -1 or greater".into());
    }
    if p.args.is_empty() && p.values("filename").is_empty() {
        return Err(super::NO_RESOURCES.into());
    }
    let found = builder::visit(cluster, p, &p.args, io, EmptySelector::NeedsAll)?;
    let info_err = found.error_text();
    if p.value("resource-version").is_some() && found.infos.len() > 1 {
        return Err("error: cannot use --resource-version with multiple resources".into());
    }
    if found.infos.is_empty() {
        return Err(match info_err {
            Some(_) => format!("error: no objects passed to scale {}", found.go_error()),
            None => "error: no objects passed to scale".into(),
        });
    }
    for info in &found.infos {
        if dry_run != DryRun::Client {
            check_preconditions(info, current, p.value("resource-version"))?;
            if dry_run == DryRun::None {
                write_replicas(cluster, info, replicas, cause)?;
            }
        }
        print(info, p, dry_run, out);
    }
    match info_err {
        Some(e) => Err(e),
        None => Ok(()),
    }
}

/// `ScalePrecondition.validate` against the scale subresource.
fn check_preconditions(info: &Info, current: i64, resource_version: Option<&str>) -> Result<(), String> {
    if !SCALABLE.contains(&info.rt.kind) {
        return Err("Error from server (NotFound): the server could not find the requested resource".into());
    }
    let size = spec_replicas(&info.json);
    if current != -1 && size != current {
        return Err(format!("error: Expected replicas to be {current}, was {size}"));
    }
    let rv = info.json.pointer("/metadata/resourceVersion").and_then(Value::as_str).unwrap_or("");
    if let Some(want) = resource_version.filter(|v| !v.is_empty() && *v != rv) {
        return Err(format!("error: Expected resource version to be {want}, was {rv}"));
    }
    Ok(())
}

/// `spec.replicas` as stored (defaulted to 1 by the API server).
pub fn spec_replicas(json: &Value) -> i64 {
    json.pointer("/spec/replicas").and_then(Value::as_i64).unwrap_or(1)
}

/// The merge patch `{"spec":{"replicas":N}}` on the scale subresource (and the
/// `--record` annotation patched after it).
fn write_replicas(cluster: &mut Cluster, info: &Info, replicas: i64, cause: Option<&str>) -> Result<(), String> {
    let mut value = info.json.clone();
    value["spec"]["replicas"] = Value::from(replicas);
    if let Some(cause) = cause {
        super::record::record(&mut value, cause);
    }
    let doc = Document { source: String::new(), value, rt: info.rt };
    (info.rt.write)(cluster, &doc, Write::Replace).map_err(|e| e.replace("error when replacing \"\": ", ""))?;
    cluster.settle();
    Ok(())
}

fn print(info: &Info, p: &Parsed, dry_run: DryRun, out: &mut Output) {
    match p.value("output").unwrap_or("") {
        "name" => out.out(&info.object_name()),
        _ => out.out(&format!("{} scaled{}", info.object_name(), dry_run.suffix())),
    }
}
