//! `kubectl exec POD -- CMD` (kubectl/pkg/cmd/exec/exec.go): checks what kubectl
//! and the API server check (arguments, the pod, its phase, the container running),
//! then hands the command to the terminal as an [`ExecRequest`]: the shell runs it
//! in the container ([`crate::shell::container`]), following the image — busybox
//! has `wget` and `nslookup` but no `curl`, nginx has `curl`, traefik/whoami has no
//! shell at all — and `-it … sh` becomes a container shell with its own prompt.

use k8s_openapi::api::core::v1::Pod;

use super::flags::{self, flag, FlagDef, FlagKind};
use super::{usage_error, Outcome};
use crate::api::{ApiError, ObjectKey};
use crate::cluster::Cluster;
use crate::foreground::Foreground;
use crate::output::Output;
use crate::shell::container::ExecRequest;

const FLAGS: &[FlagDef] = &[
    flag("container", Some('c'), FlagKind::Value),
    flag("stdin", Some('i'), FlagKind::Bool),
    flag("tty", Some('t'), FlagKind::Bool),
    flag("quiet", Some('q'), FlagKind::Bool),
    flag("filename", Some('f'), FlagKind::Value),
    flag("pod-running-timeout", None, FlagKind::Value),
];

pub fn run(cluster: &mut Cluster, args: &[String], io: &super::Io, out: &mut Output) -> Outcome {
    match check(cluster, args, io, out) {
        Ok(req) => Outcome { exit_code: 0, foreground: Some(Foreground::Exec(req)) },
        Err(code) => Outcome::code(code),
    }
}

/// kubectl's and the API server's checks; the request to run once they pass.
fn check(cluster: &Cluster, args: &[String], io: &super::Io, out: &mut Output) -> Result<ExecRequest, i32> {
    let p = match flags::parse(args, FLAGS, io.kubeconfig) {
        Ok(p) => p,
        Err(e) => return Err(usage_error("exec", e.message(), out)),
    };
    let help = |out: &mut Output, msg: &str| {
        out.err(&format!("error: {msg}"));
        out.err("See 'kubectl exec -h' for help and examples");
        1
    };
    let Some(target) = p.args.first().cloned() else {
        // A plain error (exec.go's Complete), not a usage error: no "See …" line.
        out.err("error: pod, type/name or --filename must be specified");
        return Err(1);
    };
    if p.args.len() > 1 {
        return Err(help(out, "exec [POD] [COMMAND] is not supported anymore. Use exec [POD] -- [COMMAND] instead"));
    }
    let command = p.after_dash.clone().unwrap_or_default();
    if command.is_empty() {
        out.err("error: you must specify at least one command for the container");
        return Err(1);
    }
    let ns = p.namespace().to_string();
    let name = target.strip_prefix("pod/").or_else(|| target.strip_prefix("pods/")).unwrap_or(&target).to_string();
    let Some(pod) = cluster.store.get::<Pod>(&ns, &name).cloned() else {
        out.err(&ApiError::not_found("pods", &name).to_string());
        return Err(1);
    };
    let phase = pod.status.as_ref().and_then(|s| s.phase.clone()).unwrap_or_default();
    if phase == "Succeeded" || phase == "Failed" {
        out.err(&format!("error: cannot exec into a container in a completed pod; current phase is {phase}"));
        return Err(1);
    }
    let container = match super::logs::pick_container(&pod, p.value("container"), out) {
        Ok(c) => c,
        Err(e) => {
            out.err(&e);
            return Err(1);
        }
    };
    let running = pod
        .status
        .as_ref()
        .and_then(|s| s.container_statuses.as_ref())
        .and_then(|cs| cs.iter().find(|s| s.name == container))
        .is_some_and(|s| s.state.as_ref().is_some_and(|st| st.running.is_some()));
    if !running {
        out.err(&format!("error: unable to upgrade connection: container not found (\"{container}\")"));
        return Err(1);
    }
    Ok(ExecRequest { pod: ObjectKey::new(&ns, &name), container, command, stdin: p.bool("stdin"), tty: p.bool("tty"), attach: false, remove_on_exit: false })
}
