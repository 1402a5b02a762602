//! `kubectl set image|env|resources|serviceaccount|selector` (kubectl/pkg/cmd/set): each edits the pod
//! template of the objects named (`UpdatePodSpecForObject`: a Pod's own spec, a
//! workload's `spec.template.spec`, a CronJob's job template), and writes only
//! the objects whose spec actually changed (`CalculatePatches` skips `{}`
//! patches, so a no-op prints nothing). The write is a spec update: a
//! Deployment's generation moves and its controller rolls out a new ReplicaSet.

/// The flags every `set` subcommand has (object selection, `--local`, printing),
/// after the subcommand's own.
macro_rules! set_flags {
    ($($extra:expr),* $(,)?) => {
        &[
            $($extra,)*
            flag("all", None, FlagKind::Bool),
            flag("selector", Some('l'), FlagKind::Value),
            flag("filename", Some('f'), FlagKind::Value),
            flag("recursive", Some('R'), FlagKind::Bool),
            flag("kustomize", Some('k'), FlagKind::Value),
            flag("local", None, FlagKind::Bool),
            flag("output", Some('o'), FlagKind::Value),
            flag("dry-run", None, FlagKind::Value),
            flag("field-manager", None, FlagKind::Value),
            flag("show-managed-fields", None, FlagKind::Bool),
            flag("template", None, FlagKind::Value),
            flag("allow-missing-template-keys", None, FlagKind::Bool),
        ]
    };
}

mod env;
mod image;
mod resources;
mod selector;
mod serviceaccount;
mod subject;

use k8s_openapi::api::core::v1::{Container, PodSpec};
use serde_json::Value;

use super::apply::Write;
use super::builder::Info;
use super::flags::{self, FlagDef, Parsed};
use super::manifest::Document;
use super::scale::DryRun;
use super::{Io, Outcome};
use crate::cluster::Cluster;
use crate::output::Output;

/// What a subcommand does once its flags are parsed; `cause` is its `--record`.
type Body = fn(&mut Cluster, &Parsed, &Io, &mut Output, Option<&str>) -> Result<(), String>;

/// The subcommands: names (aliases after the first), flags, whether `--record`
/// exists there, and the body.
const SUBCOMMANDS: &[(&[&str], &[FlagDef], bool, Body)] = &[
    (&["image"], image::FLAGS, true, image::set_image),
    (&["env"], env::FLAGS, false, env::set_env),
    (&["resources"], resources::FLAGS, true, resources::set_resources),
    (&["serviceaccount", "sa"], serviceaccount::FLAGS, true, serviceaccount::set_service_account),
    (&["selector"], selector::FLAGS, true, selector::set_selector),
    (&["subject"], subject::FLAGS, false, subject::set_subject),
];

pub fn run(cluster: &mut Cluster, args: &[String], io: &mut Io, out: &mut Output) -> Outcome {
    // `kubectl set` alone is answered by the help module; the first non-flag
    // argument names the subcommand.
    let Some(at) = args.iter().position(|a| !a.starts_with('-')) else {
        return Outcome::code(0);
    };
    let rest: Vec<String> = args[..at].iter().chain(args[at + 1..].iter()).cloned().collect();
    let Some((names, defs, records, body)) = SUBCOMMANDS.iter().find(|(names, ..)| names.contains(&args[at].as_str())) else {
        out.err(&format!("kubeplay: \"kubectl set {}\" is not simulated yet; try kubectl set image, env, resources, serviceaccount, selector or subject", args[at]));
        return Outcome::code(1);
    };
    let path = ["set", names[0]];
    let p = match flags::parse(&rest, defs, io.kubeconfig) {
        Ok(p) => p,
        Err(e) => return Outcome::code(super::usage_error(&path.join(" "), e.message(), out)),
    };
    let cause = if *records { super::record::recorder(&path, &p, out) } else { None };
    let result = body(cluster, &p, io, out, cause.as_deref());
    Outcome::code(finish(result, out))
}

/// Where a kind keeps the pod spec it stamps out.
fn pod_spec_pointer(kind: &str) -> Option<&'static str> {
    match kind {
        "Pod" => Some("/spec"),
        "Deployment" | "ReplicaSet" | "DaemonSet" | "StatefulSet" | "Job" | "ReplicationController" => Some("/spec/template/spec"),
        "CronJob" => Some("/spec/jobTemplate/spec/template/spec"),
        _ => None,
    }
}

/// What became of one object.
pub enum Edited {
    /// The pod spec is the same: nothing written, nothing printed.
    Unchanged,
    /// Written (or, with a client dry run, only computed).
    Changed(Value),
}

/// `UpdatePodSpecForObject` + `CalculatePatch`: runs `mutate` on the object's pod
/// spec. `Err` is the patch error (`error: deployment.apps/x <why>`).
pub fn edit_pod_spec(info: &Info, mutate: &mut dyn FnMut(&mut PodSpec) -> Result<(), String>) -> Result<Edited, String> {
    let Some(pointer) = pod_spec_pointer(info.rt.kind) else {
        return Err(format!("error: {} the object is not a pod or does not have a pod template: *v1.{}\n", info.object_name(), info.rt.kind));
    };
    let before = info.json.pointer(pointer).cloned().unwrap_or(Value::Null);
    let mut spec: PodSpec = serde_json::from_value(before.clone()).unwrap_or_default();
    mutate(&mut spec)?;
    let after = crate::json::to_value(&spec).unwrap_or(Value::Null);
    if after == before {
        return Ok(Edited::Unchanged);
    }
    let mut value = info.json.clone();
    if let Some(slot) = value.pointer_mut(pointer) {
        *slot = after;
    }
    Ok(Edited::Changed(value))
}

/// One object's edit: the changed object, or why it failed; extra errors
/// (containers not found) go to the list, warnings and listings to the output.
pub type EditFn<'a> = dyn FnMut(&Info, &mut Output, &mut Vec<String>) -> Result<Edited, String> + 'a;

/// `Run`'s loop over `CalculatePatches`: edits every object, writes and prints the
/// changed ones (`<name> <what>`), and reports every error at the end, one per line.
/// `cause`: the `--record` change-cause written along with each change.
pub fn edit_all(cluster: &mut Cluster, infos: &[Info], p: &Parsed, out: &mut Output, what: &str, failed: &str, cause: Option<&str>, edit: &mut EditFn) -> Result<(), String> {
    let mut errors: Vec<String> = Vec::new();
    for info in infos {
        match edit(info, out, &mut errors) {
            Err(e) => errors.push(e),
            Ok(Edited::Unchanged) => {}
            Ok(Edited::Changed(mut value)) => {
                if let Some(cause) = cause {
                    super::record::record(&mut value, cause);
                }
                if let Err(e) = write_and_print(cluster, info, value, what, p, out) {
                    // Wrapped by fmt.Errorf, the server's error prints as its bare
                    // status message (`Pod "x" is invalid: …`), not kubectl's
                    // "The Pod …" form of an unwrapped one.
                    let e = e.strip_prefix("The ").filter(|rest| rest.contains(" is invalid: ")).unwrap_or(&e);
                    errors.push(format!("{failed}{e}"));
                }
            }
        }
    }
    match errors.is_empty() {
        true => Ok(()),
        false => Err(errors.join("\n")),
    }
}

/// Writes an edited object (unless dry run) and prints `<name> <what>`.
pub fn write_and_print(cluster: &mut Cluster, info: &Info, value: Value, what: &str, p: &Parsed, out: &mut Output) -> Result<(), String> {
    let dry_run = DryRun::of(p)?;
    let local = p.bool("local");
    let value = if local { typed(value) } else { value };
    if dry_run == DryRun::None && !local {
        let doc = Document { source: String::new(), value: value.clone(), rt: info.rt };
        (info.rt.write)(cluster, &doc, Write::Replace).map_err(|e| e.replace("error when replacing \"\": ", ""))?;
        cluster.settle();
    }
    match p.value("output").unwrap_or("") {
        "" => out.out(&format!("{} {what}{}", info.object_name(), dry_run.suffix())),
        "name" => out.out(&info.object_name()),
        fmt @ ("yaml" | "json") => super::get::print_structured(&value, fmt, out),
        other => return Err(format!("error: unable to match a printer suitable for the output format \"{other}\", allowed formats are: json,name,yaml")),
    }
    Ok(())
}

/// The containers a `-c/--containers` pattern picks, init containers after the
/// others (`selectContainers`).
pub fn selected<'a>(spec: &'a mut PodSpec, pattern: &str) -> Vec<&'a mut Container> {
    let init = spec.init_containers.iter_mut().flatten();
    let mut picked: Vec<&mut Container> = spec.containers.iter_mut().filter(|c| select_string(&c.name, pattern)).collect();
    picked.extend(init.filter(|c| select_string(&c.name, pattern)));
    picked
}

/// set/helper.go `selectString`: `*` matches all; `*` inside a pattern matches
/// any run of characters.
pub fn select_string(s: &str, spec: &str) -> bool {
    if spec == "*" {
        return true;
    }
    if !spec.contains('*') {
        return s == spec;
    }
    let parts: Vec<&str> = spec.split('*').collect();
    let mut pos = 0usize;
    for (i, part) in parts.iter().enumerate() {
        if part.is_empty() {
            continue;
        }
        let Some(next) = s[pos..].find(part).map(|n| n + pos) else { return false };
        if (i == 0 && next != 0) || (i == parts.len() - 1 && s.len() != part.len() + next) {
            return false;
        }
        pos = next + part.len();
    }
    true
}

/// `cmdutil.GetResourcesAndPairs`: resources first, then `KEY=VALUE`/`KEY-` pairs.
pub fn resources_and_pairs(args: &[String], pair_type: &str) -> Result<(Vec<String>, Vec<String>), String> {
    let mut resources = Vec::new();
    let mut pairs = Vec::new();
    for s in args {
        let non_resource = (s.contains('=') && !s.starts_with('=')) || (s.ends_with('-') && s != "-");
        match (pairs.is_empty(), non_resource) {
            (_, true) => pairs.push(s.clone()),
            (true, false) => resources.push(s.clone()),
            (false, false) => return Err(format!("error: all resources must be specified before {pair_type} changes: {s}")),
        }
    }
    Ok((resources, pairs))
}

/// The resource builder's first step for `set image|resources` (in `Complete`):
/// nothing named is an error before anything else is checked.
pub fn require_resources(resources: &[String], p: &Parsed) -> Result<(), String> {
    if resources.is_empty() && p.values("filename").is_empty() {
        return Err(super::NO_RESOURCES.into());
    }
    Ok(())
}

/// Prints a failure the way `CheckErr` does and gives the exit status.
pub fn finish(result: Result<(), String>, out: &mut Output) -> i32 {
    match result {
        Ok(()) => 0,
        Err(msg) => {
            out.err(msg.trim_end_matches('\n'));
            1
        }
    }
}

/// cli-runtime's `LocalResourceError`.
const LOCAL_RESOURCE_ERROR: &str = "error: you must specify resources by --filename when --local is set.
Example resource specifications include:
   '-f rsrc.yaml'
   '--filename=rsrc.json'";

/// `--local`: the objects are the files' own, edited without asking the server;
/// printed as kubectl prints the typed object it decoded — Go's struct fields that
/// are not pointers show as `{}` (a Deployment's `strategy`, a container's
/// `resources`, `status`).
fn typed(mut value: Value) -> Value {
    let kind = value.get("kind").and_then(Value::as_str).unwrap_or("").to_string();
    let Some(obj) = value.as_object_mut() else { return value };
    let empty = || Value::Object(serde_json::Map::new());
    obj.entry("status").or_insert_with(empty);
    if let Some(spec) = obj.get_mut("spec").and_then(Value::as_object_mut) {
        match kind.as_str() {
            "Deployment" => {
                spec.entry("strategy").or_insert_with(empty);
            }
            "DaemonSet" | "StatefulSet" => {
                spec.entry("updateStrategy").or_insert_with(empty);
            }
            _ => {}
        }
    }
    if let Some(pointer) = pod_spec_pointer(&kind) {
        if let Some(spec) = value.pointer_mut(pointer).and_then(Value::as_object_mut) {
            for list in ["initContainers", "containers"] {
                for c in spec.get_mut(list).and_then(Value::as_array_mut).into_iter().flatten().filter_map(Value::as_object_mut) {
                    c.entry("resources").or_insert_with(empty);
                }
            }
        }
    }
    value
}

/// `Infos()` of a builder made in `Complete`: any missing object fails the command.
/// With `--local` the files' objects, and no `TYPE NAME` may be given.
pub fn infos(cluster: &Cluster, p: &Parsed, resources: &[String], io: &Io) -> Result<Vec<Info>, String> {
    if p.bool("local") {
        if !resources.is_empty() {
            return Err(LOCAL_RESOURCE_ERROR.into());
        }
        let namespace = p.namespace().to_string();
        let docs = crate::kubectl::manifest::read(io, p.values("filename"), p.bool("recursive"))?;
        return Ok(docs
            .into_iter()
            .map(|doc| {
                let ns = if doc.rt.namespaced { doc.namespace().unwrap_or_else(|| namespace.clone()) } else { String::new() };
                Info { rt: doc.rt, key: crate::api::ObjectKey::new(&ns, &doc.name()), json: doc.value }
            })
            .collect());
    }
    let found = super::builder::visit(cluster, p, resources, io, super::builder::EmptySelector::NeedsAll)?;
    match found.error_text() {
        Some(e) => Err(e),
        None => Ok(found.infos),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn container_patterns_as_kubectl_matches_them() {
        assert!(select_string("nginx", "*"));
        assert!(select_string("nginx", "nginx"));
        assert!(!select_string("nginx", "ngin"));
        assert!(select_string("nginx", "ng*"));
        assert!(select_string("nginx", "*nx"));
        assert!(!select_string("nginx", "x*"));
    }

    #[test]
    fn pairs_follow_resources() {
        let args: Vec<String> = ["deployment/web", "nginx=nginx:1.26"].iter().map(|s| s.to_string()).collect();
        assert_eq!(resources_and_pairs(&args, "image").unwrap(), (vec!["deployment/web".to_string()], vec!["nginx=nginx:1.26".to_string()]));
        let bad: Vec<String> = ["deployment/web", "a=b", "foo"].iter().map(|s| s.to_string()).collect();
        assert_eq!(resources_and_pairs(&bad, "image").unwrap_err(), "error: all resources must be specified before image changes: foo");
    }
}
