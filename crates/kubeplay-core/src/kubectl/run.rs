//! `kubectl run NAME --image=IMAGE`: creates one bare Pod (since v1.18 `run` no longer
//! makes a Deployment), labelled `run=NAME`, its container named after the pod
//! (kubectl/pkg/cmd/run/run.go). With `-i` it waits for the container to run and
//! attaches the terminal to it ([`AttachWait`]); `--rm` deletes the pod afterwards.

use std::collections::BTreeMap;

use k8s_openapi::api::core::v1::{Container, ContainerPort, EnvVar, Pod, PodSpec};
use k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta;

use super::flags::{self, flag, FlagDef, FlagKind};
use super::{usage_error, Outcome};
use crate::api::ObjectKey;
use crate::cluster::Cluster;
use crate::foreground::Foreground;
use crate::output::Output;
use crate::shell::container::ExecRequest;
use crate::time::SimTime;

/// `--pod-running-timeout`'s default: how long `run -i` waits for the container.
const POD_RUNNING_TIMEOUT_MS: i64 = 60_000;

/// `kubectl run -i`: waiting for the new pod's container to run before attaching.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AttachWait {
    pub request: ExecRequest,
    pub deadline: SimTime,
}

impl AttachWait {
    /// Finished (0) once the container runs; the terminal then attaches.
    pub fn poll(&self, c: &Cluster, out: &mut Output) -> Option<i32> {
        let key = &self.request.pod;
        let running = c.store.get::<Pod>(&key.namespace, &key.name).and_then(|p| p.status.as_ref()?.container_statuses.clone()).is_some_and(|cs| {
            cs.iter().any(|s| s.name == self.request.container && s.state.as_ref().is_some_and(|st| st.running.is_some()))
        });
        if running {
            return Some(0);
        }
        if c.now() >= self.deadline {
            out.err("error: timed out waiting for the condition");
            return Some(1);
        }
        None
    }
}

const FLAGS: &[FlagDef] = &[
    flag("image", None, FlagKind::Value),
    flag("restart", None, FlagKind::Value),
    flag("labels", Some('l'), FlagKind::Value),
    flag("port", None, FlagKind::Value),
    flag("env", None, FlagKind::Value),
    flag("command", None, FlagKind::Bool),
    flag("image-pull-policy", None, FlagKind::Value),
    flag("dry-run", None, FlagKind::Value),
    flag("output", Some('o'), FlagKind::Value),
    flag("annotations", None, FlagKind::Value),
    flag("stdin", Some('i'), FlagKind::Bool),
    flag("tty", Some('t'), FlagKind::Bool),
    flag("rm", None, FlagKind::Bool),
    flag("overrides", None, FlagKind::Value),
    flag("override-type", None, FlagKind::Value),
];

fn help_error(message: &str, out: &mut Output) -> i32 {
    out.err(&format!("error: {message}"));
    out.err("See 'kubectl run -h' for help and examples");
    1
}

/// `a=b,c=d` as kubectl's `generate.ParseLabels` reads it: every item must be `k=v`.
fn parse_labels(spec: &str) -> Result<BTreeMap<String, String>, String> {
    spec.split(',')
        .map(|item| match item.split('=').collect::<Vec<_>>().as_slice() {
            [k, v] if !k.is_empty() => Ok((k.to_string(), v.to_string())),
            _ => Err(format!("invalid label spec: {item}")),
        })
        .collect()
}

/// An environment variable name (`validation.IsEnvVarName`).
fn is_env_name(name: &str) -> bool {
    let mut chars = name.chars();
    chars.next().is_some_and(|c| c.is_ascii_alphabetic() || "-._".contains(c))
        && chars.all(|c| c.is_ascii_alphanumeric() || "-._".contains(c))
}

/// `--env NAME=value` items (run.go `parseEnvs`).
fn parse_envs(items: &[String]) -> Result<Vec<EnvVar>, String> {
    items
        .iter()
        .map(|item| match item.split_once('=') {
            Some((name, value)) if is_env_name(name) => {
                Ok(EnvVar { name: name.into(), value: Some(value.into()), ..Default::default() })
            }
            _ => Err(format!("invalid env: {item}")),
        })
        .collect()
}

pub fn run(cluster: &mut Cluster, args: &[String], io: &super::Io, out: &mut Output) -> Outcome {
    let p = match flags::parse(args, FLAGS, io.kubeconfig) {
        Ok(p) => p,
        Err(e) => return Outcome::code(usage_error("run", e.message(), out)),
    };
    if p.bool("stdin") {
        let code = create(cluster, &p, out);
        if code != 0 {
            return Outcome::code(code);
        }
        let name = p.args.first().cloned().unwrap_or_default();
        let request = ExecRequest {
            pod: ObjectKey::new(p.namespace(), &name),
            container: name,
            command: container_command(&p),
            stdin: true,
            tty: p.bool("tty"),
            attach: true,
            remove_on_exit: p.bool("rm"),
        };
        let wait = AttachWait { request, deadline: cluster.now().plus_ms(POD_RUNNING_TIMEOUT_MS) };
        return Outcome { exit_code: 0, foreground: Some(Foreground::Attach(wait)) };
    }
    Outcome::code(create(cluster, &p, out))
}

/// The container's command line as the pod will run it (`-- CMD ARGS`).
fn container_command(p: &flags::Parsed) -> Vec<String> {
    let mut words: Vec<String> = p.args[1.min(p.args.len())..].to_vec();
    words.extend(p.after_dash.clone().unwrap_or_default());
    words
}

/// Validates the flags and creates the pod (or prints it for `--dry-run=client`).
fn create(cluster: &mut Cluster, p: &flags::Parsed, out: &mut Output) -> i32 {
    let Some(image) = p.value("image") else {
        out.err("error: required flag(s) \"image\" not set");
        return 1;
    };
    if image.is_empty() {
        out.err("error: --image is required");
        return 1;
    }
    let Some(name) = p.args.first().cloned() else {
        return help_error("NAME is required for run", out);
    };
    let restart = p.value("restart").unwrap_or("Always");
    if !matches!(restart, "Always" | "OnFailure" | "Never") {
        return help_error(&format!("invalid restart policy: {restart}"), out);
    }
    if p.bool("tty") && !p.bool("stdin") {
        return help_error("-i/--stdin is required for containers with -t/--tty=true", out);
    }
    if p.bool("rm") && !p.bool("stdin") {
        return help_error("--rm should only be used for attached containers", out);
    }
    if p.bool("stdin") && p.value("dry-run").unwrap_or("none") != "none" {
        return help_error("--dry-run=[server|client] can't be used with attached containers options (--attach, --stdin, or --tty)", out);
    }
    let attach = p.bool("stdin");
    let labels = match p.value("labels").map(parse_labels).transpose() {
        Ok(Some(l)) => l,
        Ok(None) => [("run".to_string(), name.clone())].into(),
        Err(e) => {
            out.err(&format!("error: {e}"));
            return 1;
        }
    };
    let annotations: BTreeMap<String, String> = p
        .values("annotations")
        .iter()
        .map(|a| a.split_once('=').map(|(k, v)| (k.to_string(), v.to_string())).unwrap_or((a.clone(), String::new())))
        .collect();
    let mut container = Container {
        name: name.clone(),
        image: Some(image.to_string()),
        image_pull_policy: p.value("image-pull-policy").map(String::from),
        ..Default::default()
    };
    if let Some(port) = p.value("port") {
        match port.parse::<i32>() {
            Ok(n) => container.ports = Some(vec![ContainerPort { container_port: n, ..Default::default() }]),
            Err(_) => return help_error(&format!("invalid argument \"{port}\" for \"--port\" flag: strconv.ParseInt: parsing \"{port}\": invalid syntax"), out),
        }
    }
    let env = match parse_envs(p.values("env")) {
        Ok(env) => env,
        Err(e) => {
            out.err(&format!("error: {e}"));
            return 1;
        }
    };
    if !env.is_empty() {
        container.env = Some(env);
    }
    // `-- CMD ARGS`: the words become args, or the command itself with --command.
    let extra = container_command(p);
    if p.bool("stdin") {
        container.stdin = Some(true);
        container.stdin_once = Some(true);
        container.tty = p.bool("tty").then_some(true);
    }
    if !extra.is_empty() {
        if p.bool("command") {
            container.command = Some(extra);
        } else {
            container.args = Some(extra);
        }
    }
    // Like kubectl, write the namespace into the object only when the user named it
    // (so `--dry-run=client -o yaml` shows none); the request itself goes to the
    // namespace the kubeconfig context resolves to.
    let namespace = p.namespace_flag().map(String::from);
    let mut pod = Pod {
        metadata: ObjectMeta {
            name: Some(name.clone()),
            namespace,
            labels: Some(labels),
            annotations: (!annotations.is_empty()).then_some(annotations),
            ..Default::default()
        },
        spec: Some(PodSpec {
            containers: vec![container],
            restart_policy: Some(restart.into()),
            dns_policy: Some("ClusterFirst".into()),
            ..Default::default()
        }),
        status: None,
    };
    if let Some(fragment) = p.value("overrides").filter(|o| !o.is_empty()) {
        pod = match apply_overrides(pod, fragment, p.value("override-type").unwrap_or("merge")) {
            Ok(pod) => pod,
            Err(e) => {
                out.err(&format!("error: {e}"));
                return 1;
            }
        };
    }
    let dry_run = p.value("dry-run").unwrap_or("none");
    if dry_run == "client" {
        return print_created(&pod, p.value("output"), true, out);
    }
    pod.metadata.namespace = Some(p.namespace().to_string());
    match cluster.create(pod) {
        Ok(created) => {
            cluster.settle();
            if attach {
                return 0;
            }
            print_created(&created, p.value("output"), false, out)
        }
        Err(e) => {
            out.err(&e.to_string());
            1
        }
    }
}

/// `--overrides` (cmdutil's `Merge` / run.go's override types): the generated pod as
/// versioned JSON, patched by the fragment — a JSON merge patch by default, a
/// strategic merge patch or a JSON patch — and decoded again (unknown fields are
/// dropped, as the decoder drops them).
fn apply_overrides(pod: Pod, fragment: &str, kind: &str) -> Result<Pod, String> {
    let mut json = super::resources::to_json(&pod);
    match kind {
        "merge" => {
            let patch: serde_json::Value = serde_json::from_str(fragment).map_err(|_| "Invalid JSON Patch".to_string())?;
            json_patch::merge(&mut json, &patch);
        }
        "strategic" => {
            let patch: serde_json::Value = serde_json::from_str(fragment).map_err(|_| "invalid JSON document".to_string())?;
            super::apply::three_way(&mut json, None, &patch);
        }
        "json" => {
            let value: serde_json::Value = serde_json::from_str(fragment).map_err(|e| go_json_error(&e, fragment))?;
            let ops: json_patch::Patch = serde_json::from_value(value).map_err(|e| e.to_string())?;
            json_patch::patch(&mut json, &ops).map_err(|e| e.to_string())?;
        }
        other => return Err(format!("invalid override type: {other}")),
    }
    serde_json::from_value(json).map_err(|e| e.to_string())
}

/// What Go's `encoding/json` says about text that is not JSON (the common case: a
/// character where a value should begin).
fn go_json_error(e: &serde_json::Error, text: &str) -> String {
    let offset = text.lines().take(e.line().saturating_sub(1)).map(|l| l.len() + 1).sum::<usize>() + e.column().saturating_sub(1);
    match text[offset.min(text.len())..].chars().next() {
        Some(c) => format!("invalid character '{c}' looking for beginning of value"),
        None => "unexpected end of JSON input".to_string(),
    }
}

fn print_created(pod: &Pod, output: Option<&str>, dry_run: bool, out: &mut Output) -> i32 {
    let name = pod.metadata.name.clone().unwrap_or_default();
    let suffix = if dry_run { " (dry run)" } else { "" };
    match output {
        None | Some("") => out.out(&format!("pod/{name} created{suffix}")),
        Some("name") => out.out(&format!("pod/{name}")),
        Some(fmt @ ("yaml" | "json")) => {
            let mut v = super::resources::to_json(pod);
            if dry_run {
                // A client-side object has no status yet, and empty structs print as `{}`.
                if let serde_json::Value::Object(m) = &mut v {
                    m.insert("status".into(), serde_json::json!({}));
                    if let Some(cs) = m.get_mut("spec").and_then(|s| s.get_mut("containers")).and_then(|c| c.as_array_mut()) {
                        for c in cs.iter_mut().filter_map(|c| c.as_object_mut()) {
                            c.entry("resources").or_insert_with(|| serde_json::json!({}));
                        }
                    }
                }
            }
            super::get::print_structured(&v, fmt, out);
        }
        Some(other) => {
            out.err(&format!("error: unable to match a printer suitable for the output format \"{other}\", allowed formats are: json,name,yaml"));
            return 1;
        }
    }
    0
}
