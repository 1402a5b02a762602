//! `kubectl cp SRC DEST` (kubectl/pkg/cmd/cp/cp.go): one side a local path, the
//! other `[namespace/]pod:path`. kubectl checks the specs and the local file, then
//! streams a tar through `exec` in the container; here the checks are kubectl's and
//! the API server's, and the copy itself is the terminal's shell's
//! ([`crate::shell::container::copy`]), which owns both file systems.

use k8s_openapi::api::core::v1::Pod;

use super::flags::{self, flag, FlagDef, FlagKind};
use super::{usage_error, Outcome};
use crate::api::{ApiError, ObjectKey};
use crate::cluster::Cluster;
use crate::foreground::Foreground;
use crate::output::Output;
use crate::vfs::Vfs;

const FLAGS: &[FlagDef] = &[
    flag("container", Some('c'), FlagKind::Value),
    flag("no-preserve", None, FlagKind::Bool),
    flag("retries", None, FlagKind::Value),
];

/// Which way the file goes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Direction {
    ToPod,
    FromPod,
}

/// A checked `kubectl cp`: what the shell copies.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CopyRequest {
    pub pod: ObjectKey,
    pub container: String,
    pub direction: Direction,
    /// Absolute path on the node.
    pub local: String,
    /// The path in the container as given.
    pub remote: String,
}

/// `[namespace/]pod:path`, or `None` for a local path (cp.go `extractFileSpec`).
fn remote_spec(arg: &str) -> Option<(Option<String>, String, String)> {
    let (pod, path) = arg.split_once(':')?;
    if pod.is_empty() {
        return None;
    }
    match pod.split_once('/') {
        Some((ns, pod)) => Some((Some(ns.to_string()), pod.to_string(), path.to_string())),
        None => Some((None, pod.to_string(), path.to_string())),
    }
}

pub fn run(cluster: &mut Cluster, args: &[String], io: &super::Io, out: &mut Output) -> Outcome {
    let p = match flags::parse(args, FLAGS, io.kubeconfig) {
        Ok(p) => p,
        Err(e) => return Outcome::code(usage_error("cp", e.message(), out)),
    };
    let fail = |out: &mut Output, msg: &str| {
        out.err(&format!("error: {msg}"));
        Outcome::code(1)
    };
    let [src, dest] = p.args.as_slice() else { return fail(out, "source and destination are required") };
    let (direction, (ns, pod, remote), local) = match (remote_spec(src), remote_spec(dest)) {
        (None, None) => return fail(out, "one of src or dest must be a remote file specification"),
        (Some(_), Some(_)) => return fail(out, "one of src or dest must be a local file specification"),
        (None, Some(r)) => (Direction::ToPod, r, src.clone()),
        (Some(r), None) => (Direction::FromPod, r, dest.clone()),
    };
    let local_abs = Vfs::resolve(io.cwd, &local);
    if direction == Direction::ToPod && !io.fs.is_file(&local_abs) && !io.fs.is_dir(&local_abs) {
        return fail(out, &format!("{local} doesn't exist in local filesystem"));
    }
    let ns = ns.unwrap_or_else(|| p.namespace().to_string());
    let Some(pod_obj) = cluster.store.get::<Pod>(&ns, &pod).cloned() else {
        out.err(&ApiError::not_found("pods", &pod).to_string());
        return Outcome::code(1);
    };
    let container = match super::logs::pick_container(&pod_obj, p.value("container"), out) {
        Ok(c) => c,
        Err(e) => return fail(out, e.trim_start_matches("error: ")),
    };
    let running = pod_obj.status.as_ref().and_then(|s| s.container_statuses.as_ref()).and_then(|cs| cs.iter().find(|s| s.name == container)).is_some_and(|s| s.state.as_ref().is_some_and(|st| st.running.is_some()));
    if !running {
        return fail(out, &format!("unable to upgrade connection: container not found (\"{container}\")"));
    }
    let req = CopyRequest { pod: ObjectKey::new(&ns, &pod), container, direction, local: local_abs, remote };
    Outcome { exit_code: 0, foreground: Some(Foreground::Copy(req)) }
}
