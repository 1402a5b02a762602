//! `kubectl`: argument handling, the verbs, and their output. Every verb reads and
//! writes the cluster only through the API store, as the real client only talks to
//! the API server.

mod api_resources;
pub mod apply;
mod cluster_info;
mod completion;
pub mod cp;
pub mod port_forward;
pub mod proxy;
mod api_writes;
mod strategic;
mod last_applied;
pub mod complete;
pub mod config;
pub mod create;
mod create_deployment;
mod delete;
pub mod edit;
pub mod drain;
mod explain;
pub mod hints;
pub mod manifest;
mod metadata_edit;
mod patch;
pub mod watch;
mod create_network;
mod exec;
mod expose;
pub mod logs;
mod log_loops;
pub mod flags;
pub mod describe;
pub(crate) mod get;
pub mod help;
pub mod print_flags;
pub mod printers;
pub mod resources;
pub mod run;
mod autoscale;
mod builder;
mod selection;
mod record;
pub mod rollout;
pub(crate) mod scale;
mod set;
mod taint;
pub mod wait;
mod top;

pub use config::Kubeconfig;

use crate::cluster::Cluster;
use crate::output::Output;

/// kubectl's commands in its own order, which is also the order of the
/// "Did you mean this?" suggestions (cobra keeps registration order).
pub const COMMANDS: &[&str] = &[
    "create", "expose", "run", "set", "explain", "get", "edit", "delete", "rollout", "scale",
    "autoscale", "certificate", "cluster-info", "top", "cordon", "uncordon", "drain", "taint",
    "describe", "logs", "attach", "exec", "port-forward", "proxy", "cp", "auth", "debug",
    "events", "diff", "apply", "patch", "replace", "wait", "kustomize", "label", "annotate",
    "completion", "config", "plugin", "version", "api-versions", "api-resources", "options",
    "help",
];

pub const CLIENT_VERSION: &str = "v1.34.5";
pub const KUSTOMIZE_VERSION: &str = "v5.7.1";

use help::ROOT_HELP;

/// resource.Builder's error when a command names no object (delete, expose,
/// patch, wait, autoscale).
pub(crate) const NO_RESOURCES: &str = "error: You must provide one or more resources by argument or filename.
Example resource specifications include:
   '-f rsrc.yaml'
   '--filename=rsrc.json'
   '<resource> <name>'
   '<resource>'";

/// What a finished kubectl invocation asks of its caller besides printing.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Outcome {
    pub exit_code: i32,
    /// The command goes on running over simulated time (`delete` waiting,
    /// `rollout status`, `get -w` ...).
    pub foreground: Option<crate::foreground::Foreground>,
}

impl Outcome {
    pub fn code(exit_code: i32) -> Outcome {
        Outcome { exit_code, foreground: None }
    }
}

/// What the kubectl process sees of its machine besides its arguments: standard
/// input (`apply -f -`), the files it may read (`-f FILE|DIR`), the working
/// directory, and the client's kubeconfig context.
pub struct Io<'a> {
    pub stdin: Option<&'a str>,
    pub fs: &'a crate::vfs::Vfs,
    pub cwd: &'a str,
    pub kubeconfig: &'a mut Kubeconfig,
}

/// Runs `kubectl <args>` against the cluster, printing into `out`.
pub fn run(cluster: &mut Cluster, args: &[String], io: &mut Io, out: &mut Output) -> Outcome {
    crate::docs::take_missed();
    let mut answer = Output::default();
    if let Some(code) = without_cluster(args, io.kubeconfig, &mut answer) {
        if crate::docs::take_missed() {
            // The page has not loaded the help texts or schemas yet: the command waits
            // for them instead of printing without them.
            crate::docs::request();
            let wait = DocsWait { args: args.to_vec(), kubeconfig: io.kubeconfig.clone() };
            return Outcome { exit_code: 0, foreground: Some(crate::foreground::Foreground::AwaitDocs(wait)) };
        }
        out.lines.extend(answer.lines);
        return Outcome::code(code);
    }
    dispatch(cluster, args, io, out)
}

/// A kubectl command whose answer needs the documentation ([`crate::docs`]) before
/// the page has it: it runs again, with the kubeconfig it had, once it is here.
/// Only [`without_cluster`] commands wait, so the cluster is not needed again.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DocsWait {
    args: Vec<String>,
    kubeconfig: Kubeconfig,
}

impl DocsWait {
    /// The command's exit status once it could answer.
    pub fn poll(&mut self, out: &mut Output) -> Option<i32> {
        match crate::docs::status() {
            crate::docs::Status::Here => Some(without_cluster(&self.args, &mut self.kubeconfig, out).unwrap_or(0)),
            crate::docs::Status::Failed(line) => {
                out.err(&line);
                Some(1)
            }
            crate::docs::Status::Pending => None,
        }
    }
}

/// What kubectl answers without the cluster: errors in the global flags, the root
/// help, `-h`/`help`/bare command groups, `explain`, `options` and `config`. `None`
/// for the commands that talk to the cluster.
fn without_cluster(args: &[String], kubeconfig: &mut Kubeconfig, out: &mut Output) -> Option<i32> {
    // Global flags may come before the verb (`kubectl -n dev get pods`).
    let verb_at = first_verb_index(args);
    // Flags before the verb are the root command's: only global ones are allowed.
    if let Err(e) = flags::parse_flags(&args[..verb_at.unwrap_or(args.len())], &help::root_flags()) {
        out.err(&format!("error: {}", e.message()));
        out.err("See 'kubectl --help' for usage.");
        return Some(1);
    }
    let Some(i) = verb_at else {
        // `kubectl`, `kubectl -h`, `kubectl -n x`: cobra prints the root help.
        out.out(ROOT_HELP);
        return Some(0);
    };
    // `-h/--help`, `kubectl help …` and bare command groups are answered before
    // any verb validates its arguments, as cobra does.
    if let Some(code) = help::intercept(args, i, out) {
        return Some(code);
    }
    let rest: Vec<String> = args[..i].iter().chain(args[i + 1..].iter()).cloned().collect();
    match args[i].as_str() {
        "explain" => Some(explain::run(&rest, kubeconfig, out)),
        "config" => Some(config::run(&rest, kubeconfig, out)),
        "options" => {
            out.out(&help::text("options").unwrap_or_default());
            Some(0)
        }
        _ => None,
    }
}

fn dispatch(cluster: &mut Cluster, args: &[String], io: &mut Io, out: &mut Output) -> Outcome {
    let Some(i) = first_verb_index(args) else { return Outcome::code(0) };
    let verb = args[i].as_str();
    let rest: Vec<String> = args[..i].iter().chain(args[i + 1..].iter()).cloned().collect();
    let code = match verb {
        "delete" => return delete::run(cluster, &rest, io, out),
        "cordon" | "uncordon" => return drain::cordon(cluster, verb, &rest, io, out),
        "drain" => return drain::drain(cluster, &rest, io, out),
        "taint" => return taint::run(cluster, &rest, io, out),
        "wait" => return wait::run(cluster, &rest, io, out),
        "apply" | "replace" => return apply::run(cluster, verb, &rest, io, out),
        "create" => return create::run(cluster, &rest, io, out),
        "patch" => return patch::run(cluster, &rest, io, out),
        "edit" => return edit::run(cluster, &rest, io, out),
        "label" => return metadata_edit::run(cluster, metadata_edit::Field::Labels, &rest, io, out),
        "annotate" => return metadata_edit::run(cluster, metadata_edit::Field::Annotations, &rest, io, out),
        "get" => return get::run(cluster, &rest, io, out),
        "describe" => describe::run(cluster, &rest, io, out),
        "run" => return run::run(cluster, &rest, io, out),
        "top" => top::run(cluster, &rest, io, out),
        "expose" => expose::run(cluster, &rest, io, out),
        "autoscale" => autoscale::run(cluster, &rest, io, out),
        "scale" => return scale::run(cluster, &rest, io, out),
        "set" => return set::run(cluster, &rest, io, out),
        "rollout" => return rollout::run(cluster, &rest, io, out),
        "logs" => return logs::run(cluster, &rest, io, out),
        "exec" => return exec::run(cluster, &rest, io, out),
        "version" => version(&rest, io, out),
        "api-resources" => api_resources::run(&rest, io, out),
        "api-versions" => api_resources::api_versions(&rest, io, out),
        "cluster-info" => cluster_info::run(cluster, &rest, io, out),
        "completion" => completion::run(&rest, io, out),
        "cp" => return cp::run(cluster, &rest, io, out),
        "port-forward" => return port_forward::run(cluster, &rest, io, out),
        "proxy" => return proxy::run(cluster, &rest, io, out),
        "__complete" | "__completeNoDesc" => complete::run(cluster, io.kubeconfig, &args[i + 1..], verb == "__complete", out),
        v if COMMANDS.contains(&v) => {
            out.err(&format!("kubeplay: \"kubectl {v}\" is not simulated yet; try kubectl get, run or version"));
            1
        }
        v => {
            unknown_command(v, out);
            1
        }
    };
    Outcome::code(code)
}

/// The first argument that is not a global flag or its value.
pub(super) fn first_verb_index(args: &[String]) -> Option<usize> {
    let mut i = 0;
    while i < args.len() {
        let a = &args[i];
        if !a.starts_with('-') {
            return Some(i);
        }
        // Global value flags given as separate words take the next argument.
        let takes_value = matches!(a.as_str(), "-n" | "--namespace" | "--context" | "--kubeconfig" | "--cluster" | "--user" | "-s" | "--server" | "--request-timeout" | "-v");
        i += if takes_value { 2 } else { 1 };
    }
    None
}

/// cobra's unknown-command error with "Did you mean this?" suggestions
/// (Levenshtein distance ≤ 2, or a prefix match).
fn unknown_command(typed: &str, out: &mut Output) {
    let lower = typed.to_lowercase();
    let suggestions: Vec<&str> = COMMANDS
        .iter()
        .copied()
        .filter(|c| strsim::levenshtein(&lower, c) <= 2 || c.starts_with(&lower))
        .collect();
    out.err(&format!("error: unknown command \"{typed}\" for \"kubectl\""));
    if !suggestions.is_empty() {
        out.err("");
        out.err("Did you mean this?");
        for s in suggestions {
            out.err(&format!("\t{s}"));
        }
    }
}

/// Prints a flag parsing error the way cobra does: the message, then where to get help.
fn usage_error(verb: &str, message: &str, out: &mut Output) -> i32 {
    out.err(&format!("error: {message}"));
    out.err(&format!("See 'kubectl {verb} --help' for usage."));
    1
}

fn version(args: &[String], io: &Io, out: &mut Output) -> i32 {
    use flags::{flag, FlagKind};
    const DEFS: &[flags::FlagDef] = &[flag("client", None, FlagKind::Bool), flag("output", Some('o'), FlagKind::Value)];
    let parsed = match flags::parse(args, DEFS, io.kubeconfig) {
        Ok(p) => p,
        Err(e) => return usage_error("version", e.message(), out),
    };
    let client_only = parsed.bool("client");
    match parsed.value("output").unwrap_or("") {
        "" => {
            out.out(&format!("Client Version: {CLIENT_VERSION}"));
            out.out(&format!("Kustomize Version: {KUSTOMIZE_VERSION}"));
            if !client_only {
                out.out(&format!("Server Version: {}", crate::controllers::bootstrap::KUBERNETES_VERSION));
            }
        }
        format @ ("json" | "yaml") => {
            if format == "json" {
                out.out(&version_json(client_only));
            } else {
                // Println after YAML that already ends in a newline: one blank line.
                out.out(&format!("{}\n", crate::printers::yaml::to_yaml(&version_value(client_only))));
            }
        }
        _ => {
            out.err("error: --output must be 'yaml' or 'json'");
            return 1;
        }
    }
    0
}

/// `version -o json|yaml`: apimachinery's `version.Info` of the v1.34.5 release
/// build (the oracle client's values); the server adds its emulation and
/// minimum-compatibility versions. Kept in the Go structs' field order, which
/// the JSON form shows (the YAML printer sorts keys itself).
fn version_info(client_only: bool) -> Vec<(&'static str, Vec<(&'static str, &'static str)>)> {
    let info = |extra: &[(&'static str, &'static str)]| {
        let mut fields = vec![("major", "1"), ("minor", "34")];
        fields.extend_from_slice(extra);
        fields.extend([
            ("gitVersion", CLIENT_VERSION),
            ("gitCommit", "ebfac057369b21558006b8815821ab2fb1e29f2d"),
            ("gitTreeState", "clean"),
            ("buildDate", "2026-02-26T20:06:18Z"),
            ("goVersion", "go1.24.13"),
            ("compiler", "gc"),
            ("platform", "linux/amd64"),
        ]);
        fields
    };
    let mut v = vec![("clientVersion", info(&[])), ("kustomizeVersion", Vec::new())];
    if !client_only {
        v.push(("serverVersion", info(&[("emulationMajor", "1"), ("emulationMinor", "34"), ("minCompatibilityMajor", "1"), ("minCompatibilityMinor", "33")])));
    }
    v
}

/// The version object as JSON (two-space indent, as `version -o json` prints it)
/// or as a `serde_json::Value` for the YAML printer.
/// The API server's `/version` (`kubectl proxy`): its `version.Info` fields in order.
pub(crate) fn server_version_fields() -> Vec<(&'static str, &'static str)> {
    version_info(false).into_iter().find(|(k, _)| *k == "serverVersion").map(|(_, f)| f).unwrap_or_default()
}

fn version_json(client_only: bool) -> String {
    let q = |s: &str| serde_json::to_string(s).unwrap_or_default();
    let parts: Vec<String> = version_info(client_only)
        .into_iter()
        .map(|(key, fields)| {
            if fields.is_empty() {
                return format!("  {}: {}", q(key), q(KUSTOMIZE_VERSION));
            }
            let inner: Vec<String> = fields.iter().map(|(k, v)| format!("    {}: {}", q(k), q(v))).collect();
            format!("  {}: {{\n{}\n  }}", q(key), inner.join(",\n"))
        })
        .collect();
    format!("{{\n{}\n}}", parts.join(",\n"))
}

fn version_value(client_only: bool) -> serde_json::Value {
    serde_json::from_str(&version_json(client_only)).unwrap_or(serde_json::Value::Null)
}
