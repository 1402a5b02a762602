//! `kubectl rollout status|history|undo|pause|resume|restart`
//! (kubectl/pkg/cmd/rollout, polymorphichelpers): the Deployment workflow verbs.
//! Every subcommand names its objects the same way (`ResourceTypeOrNameArgs(true,
//! …)`: a bare `deployment` means all of them) and prints with the name printer
//! (`deployment.apps/web paused`). `status` keeps running on the simulated clock
//! as a [`crate::foreground::Foreground`].

mod history;
mod patchers;
pub mod status;
mod undo;

use super::builder::{self, EmptySelector, Found};
use super::flags::{self, flag, FlagDef, FlagKind, Parsed};
use super::{usage_error, Io, Outcome};
use crate::cluster::Cluster;
use crate::output::Output;

pub use history::{deployment_revisions, CHANGE_CAUSE};
pub use undo::rollback_deployment;

/// The flags every rollout subcommand has (`-f`, `-R`, `-k`, `-l`).
macro_rules! with_object_flags {
    ($($extra:expr),* $(,)?) => {
        &[
            flag("filename", Some('f'), FlagKind::Value),
            flag("recursive", Some('R'), FlagKind::Bool),
            flag("kustomize", Some('k'), FlagKind::Value),
            flag("selector", Some('l'), FlagKind::Value),
            $($extra),*
        ]
    };
}

/// Printing flags of the subcommands that print objects (`-o`, templates).
macro_rules! with_print_flags {
    ($($extra:expr),* $(,)?) => {
        with_object_flags!(
            flag("output", Some('o'), FlagKind::Value),
            flag("show-managed-fields", None, FlagKind::Bool),
            flag("template", None, FlagKind::Value),
            flag("allow-missing-template-keys", None, FlagKind::Bool),
            $($extra),*
        )
    };
}

const STATUS_FLAGS: &[FlagDef] = with_object_flags!(
    flag("revision", None, FlagKind::Value),
    flag("timeout", None, FlagKind::Value),
    flag("watch", Some('w'), FlagKind::Bool),
);
const HISTORY_FLAGS: &[FlagDef] = with_print_flags!(flag("revision", None, FlagKind::Value));
const UNDO_FLAGS: &[FlagDef] = with_print_flags!(flag("to-revision", None, FlagKind::Value), flag("dry-run", None, FlagKind::Value));
const PATCHER_FLAGS: &[FlagDef] = with_print_flags!(flag("field-manager", None, FlagKind::Value));

pub fn run(cluster: &mut Cluster, args: &[String], io: &mut Io, out: &mut Output) -> Outcome {
    // A bare `kubectl rollout` is answered by the help module.
    let Some(at) = args.iter().position(|a| !a.starts_with('-')) else {
        return Outcome::code(0);
    };
    let sub = args[at].as_str();
    let rest: Vec<String> = args[..at].iter().chain(args[at + 1..].iter()).cloned().collect();
    let defs = match sub {
        "status" => STATUS_FLAGS,
        "history" => HISTORY_FLAGS,
        "undo" => UNDO_FLAGS,
        _ => PATCHER_FLAGS,
    };
    let p = match flags::parse(&rest, defs, io.kubeconfig) {
        Ok(p) => p,
        Err(e) => return Outcome::code(usage_error(&format!("rollout {sub}"), e.message(), out)),
    };
    let result = match sub {
        "status" => return status::run(cluster, &p, io, out),
        "history" => history::run(cluster, &p, io, out),
        "undo" => undo::run(cluster, &p, io, out),
        "pause" | "resume" | "restart" => patchers::run(cluster, sub, &p, io, out),
        other => Err(format!("kubeplay: \"kubectl rollout {other}\" is not simulated")),
    };
    Outcome::code(finish(result, out))
}

/// Prints a failure as `CheckErr` does; the exit status.
fn finish(result: Result<(), String>, out: &mut Output) -> i32 {
    match result {
        Ok(()) => 0,
        Err(msg) => {
            out.err(msg.trim_end_matches('\n'));
            1
        }
    }
}

/// The objects named, after the common argument check (`required resource not specified`).
fn objects(cluster: &Cluster, p: &Parsed, io: &Io) -> Result<Found, String> {
    if p.args.is_empty() && p.values("filename").is_empty() && p.value("kustomize").is_none() {
        return Err("error: required resource not specified".into());
    }
    builder::visit(cluster, p, &p.args, io, EmptySelector::SelectsAll)
}

/// A `--revision`/`--to-revision` value (pflag int64).
fn revision_flag(p: &Parsed, name: &str, sub: &str) -> Result<i64, String> {
    match p.value(name) {
        None => Ok(0),
        Some(v) => v.parse().map_err(|_| {
            format!("error: invalid argument \"{v}\" for \"--{name}\" flag: strconv.ParseInt: parsing \"{v}\": invalid syntax\nSee 'kubectl rollout {sub} --help' for usage.")
        }),
    }
}
