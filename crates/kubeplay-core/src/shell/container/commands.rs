//! The commands a shell in a container finds: the shell's own builtins, and the
//! programs on the image's `PATH` ([`super::image_view::ImageView::programs`]).
//! Programs that behave the same anywhere (`cat`, `ls`, `grep` …) are the node's,
//! working on the container's files; the ones that depend on where they run
//! (`hostname`, `env`, `ps`, the network tools) are defined here.

use super::super::commands::{self, Command, Origin, Process};
use super::ContainerSession;
use crate::network::dns::Resolver;
use crate::network::request::Client;
use crate::network::tools::{self, ToolEnv};
use crate::output::Output;
use crate::api::ObjectKey;
use crate::cluster::Cluster;

/// Builtins of ash, dash and bash alike.
const SHELL_BUILTINS: &[&str] = &["cd", "export", "unset", "exit", "alias", "unalias", "type", "echo", "printf", "pwd", "true", "false"];

/// Programs whose behaviour depends on the container they run in.
const OWN: &[Command] = &[
    Command { name: "hostname", origin: Origin::File("/bin/hostname"), run: hostname },
    Command { name: "env", origin: Origin::File("/usr/bin/env"), run: env },
    Command { name: "ps", origin: Origin::File("/bin/ps"), run: ps },
    Command { name: "curl", origin: Origin::File("/usr/bin/curl"), run: curl },
    Command { name: "wget", origin: Origin::File("/usr/bin/wget"), run: wget },
    Command { name: "nslookup", origin: Origin::File("/usr/bin/nslookup"), run: nslookup },
    Command { name: "sh", origin: Origin::File("/bin/sh"), run: sh },
    Command { name: "bash", origin: Origin::File("/bin/bash"), run: bash },
];

/// The command `name` names in the container, if its shell or image has it.
pub fn lookup(session: &ContainerSession, name: &str) -> Option<&'static Command> {
    if SHELL_BUILTINS.contains(&name) || (name == "history" && session.dialect != super::Dialect::Dash) {
        return commands::lookup(name);
    }
    if !session.view.has(name) {
        return None;
    }
    OWN.iter().find(|c| c.name == name).or_else(|| commands::lookup(name))
}

fn session<'a>(p: &'a Process) -> Option<&'a ContainerSession> {
    p.shell.container()
}

fn hostname(p: &mut Process, _args: &[String]) -> i32 {
    let name = session(p).map(|s| s.hostname.clone()).unwrap_or_default();
    p.println(&name);
    0
}

/// `env`: the environment in the order the runtime set it, then what the shell
/// exported since; with arguments it runs a command in a changed environment.
fn env(p: &mut Process, args: &[String]) -> i32 {
    if !args.is_empty() {
        return super::super::builtins::env(p, args);
    }
    let order = session(p).map(|s| s.env_order.clone()).unwrap_or_default();
    let mut lines: Vec<String> = order.iter().filter_map(|k| p.env.get(k).map(|v| format!("{k}={v}"))).collect();
    lines.extend(p.env.iter().filter(|(k, _)| !order.contains(k)).map(|(k, v)| format!("{k}={v}")));
    if session(p).is_some_and(|s| s.dialect == super::Dialect::Bash) {
        lines.push("_=/usr/bin/env".into());
    }
    for l in lines {
        p.println(&l);
    }
    0
}

/// BusyBox `ps`: PID 1 (the container's command), the shell, and `ps` itself.
fn ps(p: &mut Process, _args: &[String]) -> i32 {
    let Some(s) = p.shell.container.as_deref_mut() else { return 1 };
    let own = s.next_pid;
    s.next_pid += 6;
    let mut rows = vec![(1, s.main_process.clone())];
    if s.shell_pid != 1 {
        rows.push((s.shell_pid, s.shell_name().to_string()));
    }
    rows.push((own, "ps".to_string()));
    p.println("PID   USER     TIME  COMMAND");
    for (pid, cmd) in rows {
        p.println(&format!("{pid:>5} root      0:00 {cmd}"));
    }
    0
}

/// `sh -c SCRIPT` runs the script in this shell; a nested interactive shell is not
/// simulated (it would read the same terminal), so `sh` alone does nothing.
fn sh(p: &mut Process, args: &[String]) -> i32 {
    shell_program(p, args, "sh")
}

fn bash(p: &mut Process, args: &[String]) -> i32 {
    shell_program(p, args, "bash")
}

/// `sh -c SCRIPT`, `sh` reading a pipe, or an interactive child shell at the
/// terminal ([`crate::shell::Shell::start_child_shell`]).
fn shell_program(p: &mut Process, args: &[String], program: &str) -> i32 {
    let script = match (args, p.stdin.as_deref()) {
        ([flag, script, ..], _) if flag == "-c" => script.clone(),
        ([], Some(piped)) => piped.to_string(),
        ([], None) | ([_], None) if args.iter().all(|a| matches!(a.as_str(), "-i" | "-l" | "--login")) => {
            p.shell.start_child_shell(program);
            return 0;
        }
        _ => return 0,
    };
    let lines = super::super::exec::run_nested(p.shell, &script);
    for l in lines {
        p.write(l.stream, &l.text);
        p.write(l.stream, "\n");
    }
    p.shell.last_status
}

/// Runs a network tool from the pod: its address, the cluster resolver, the
/// image's flavour of the tool.
fn from_pod(p: &mut Process, args: &[String], tool: fn(&mut Cluster, &ToolEnv, &[String], &mut Output) -> i32) -> i32 {
    let Some(s) = session(p) else { return 1 };
    let env = ToolEnv {
        client: Client::Pod(ObjectKey::new(&s.pod.namespace, &s.pod.name)),
        resolver: Resolver::Cluster { namespace: s.pod.namespace.clone() },
        flavour: s.view.flavour(),
        client_ip: s.pod_ip.clone(),
        loopback: Vec::new(),
        uploads: tools::uploads(p, args),
    };
    let mut out = Output::default();
    let code = tool(&mut p.shell.cluster, &env, args, &mut out);
    p.print_output(&out);
    code
}

fn curl(p: &mut Process, args: &[String]) -> i32 {
    from_pod(p, args, tools::curl)
}

fn wget(p: &mut Process, args: &[String]) -> i32 {
    from_pod(p, args, tools::wget)
}

fn nslookup(p: &mut Process, args: &[String]) -> i32 {
    from_pod(p, args, tools::nslookup)
}
