//! A shell inside a container: `kubectl exec -it POD -- sh` and `kubectl run -it`.
//! The same [`Shell`] runs it — parser, expansion, pipelines, builtins — with the
//! node's file system, variables and aliases set aside and the container's put in
//! their place ([`image_view`]); commands are looked up on the container's `PATH`
//! ([`commands`]), network tools send from the pod. The prompt and error words
//! follow the shell the image has: BusyBox `ash` (`/ # `), Debian's `dash` (`# `) or
//! bash (`root@web:/# `). `exit` puts the node back and prints what kubectl prints
//! when the session ends.

pub mod commands;
pub mod copy;
pub mod image_files;
pub mod image_view;
mod nested;

use std::collections::BTreeMap;

use k8s_openapi::api::core::v1::Pod;

use super::{Shell, Var};
use crate::api::deletion::{DeleteOptions, Propagation};
use crate::api::ObjectKey;
use crate::output::Output;
use crate::vfs::Vfs;
use crate::controllers::container_files::{instance_key, ContainerFiles};
use image_view::{container_env, main_process, pod_hostname, ImageView};

/// The shell program running in the container.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Dialect {
    /// BusyBox `ash`: prompt `\w \$ `, errors `sh: x: not found`.
    Ash,
    /// Debian's `dash`: prompt `# `, errors `sh: LINE: x: not found`.
    Dash,
    /// GNU bash with Debian's `PS1` (`root@host:\w# `).
    Bash,
}

/// What `kubectl exec`/`run -it` asks the terminal to run in a container.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ExecRequest {
    pub pod: ObjectKey,
    pub container: String,
    pub command: Vec<String>,
    /// `-i`: the terminal's input goes to the process.
    pub stdin: bool,
    pub tty: bool,
    /// `kubectl run -it`: attached to the container's own process (PID 1), not a
    /// new one.
    pub attach: bool,
    /// `kubectl run --rm`: delete the pod when the session ends.
    pub remove_on_exit: bool,
}

impl ExecRequest {
    /// An interactive shell (`sh`, `bash`, `/bin/sh` without `-c`) with `-i`.
    pub fn is_interactive_shell(&self) -> bool {
        let prog = self.command.first().map(|c| c.rsplit('/').next().unwrap_or(c)).unwrap_or("sh");
        self.stdin && matches!(prog, "sh" | "ash" | "bash") && !self.command.iter().any(|a| a == "-c")
    }
}

/// The node's state, set aside while a container shell runs.
#[derive(Clone, Debug)]
struct NodeState {
    fs: Vfs,
    cwd: String,
    vars: BTreeMap<String, Var>,
    aliases: BTreeMap<String, String>,
}

/// A shell running in a container.
#[derive(Clone, Debug)]
pub struct ContainerSession {
    pub pod: ObjectKey,
    pub pod_ip: String,
    pub container: String,
    pub view: ImageView,
    pub dialect: Dialect,
    pub hostname: String,
    /// PID 1's command line, as `ps` shows it.
    pub main_process: String,
    /// The environment's names in the order the runtime set them (`env` prints so).
    pub env_order: Vec<String>,
    /// The shell's PID, and the next one a command gets.
    pub shell_pid: u32,
    pub next_pid: u32,
    /// Lines read so far (dash numbers its errors by input line).
    pub lines_read: u32,
    /// `exit` ran: the session ends once the current input is done.
    pub exit_requested: bool,
    /// The shells a typed `sh`/`bash` started from, innermost last.
    parents: Vec<nested::ParentShell>,
    request: ExecRequest,
    /// Where the container's files are kept between sessions.
    fs_key: String,
    restart_always: bool,
    node: Box<NodeState>,
}

impl ContainerSession {
    /// The prompt the container's shell prints.
    pub fn prompt(&self, cwd: &str) -> String {
        match self.dialect {
            Dialect::Ash => format!("{} # ", tilde(cwd)),
            Dialect::Dash => "# ".to_string(),
            Dialect::Bash => format!("root@{}:{}# ", self.hostname, tilde(cwd)),
        }
    }

    /// The message and status for a command not on the container's `PATH`.
    pub fn not_found(&self, name: &str) -> String {
        match self.dialect {
            Dialect::Ash => format!("sh: {name}: not found"),
            Dialect::Dash => format!("sh: {}: {name}: not found", self.lines_read.max(1)),
            Dialect::Bash => format!("bash: {name}: command not found"),
        }
    }

    /// The shell's name in its messages (`sh: cd: …`, `bash: cd: …`).
    pub fn shell_name(&self) -> &'static str {
        if self.dialect == Dialect::Bash { "bash" } else { "sh" }
    }
}

/// `~` for root's home, as `\w` shows it.
fn tilde(cwd: &str) -> String {
    match cwd.strip_prefix("/root") {
        Some("") => "~".into(),
        Some(rest) if rest.starts_with('/') => format!("~{rest}"),
        _ => cwd.to_string(),
    }
}

/// Why a container cannot be entered: kubectl's error lines.
pub type EnterError = Vec<String>;

/// The OCI runtime's error for a program the image does not have, as the API server
/// relays it to `kubectl exec`.
pub fn executable_not_found(program: &str, container: &str) -> String {
    format!(
        "error: Internal error occurred: Internal error occurred: error executing command in container: failed to exec in container: failed to start exec \"{}\": OCI runtime exec failed: exec failed: unable to start container process: exec: \"{program}\": executable file not found in $PATH: unknown",
        crate::images::made_up_sha256(&format!("{program}{container}"))
    )
}

impl Shell {
    /// The node's files, directory, variables and aliases — set aside while a
    /// container shell runs — as the node's prompt has them.
    pub(crate) fn node_state(&self) -> (&Vfs, &str, &BTreeMap<String, Var>, &BTreeMap<String, String>) {
        match self.container.as_deref() {
            Some(c) => (&c.node.fs, &c.node.cwd, &c.node.vars, &c.node.aliases),
            None => (&self.fs, &self.cwd, &self.vars, &self.aliases),
        }
    }

    /// The container shell in use, if any.
    pub fn container(&self) -> Option<&ContainerSession> {
        self.container.as_deref()
    }

    /// Sets the node aside and starts `req`'s process in its container: the shell
    /// now runs there. Fails with kubectl's words when the image has no such program.
    fn enter_container(&mut self, req: &ExecRequest) -> Result<(), EnterError> {
        let Some(pod) = self.cluster.store.get::<Pod>(&req.pod.namespace, &req.pod.name).cloned() else {
            return Err(vec![crate::api::ApiError::not_found("pods", &req.pod.name).to_string()]);
        };
        let image = pod.spec.as_ref().and_then(|s| s.containers.iter().find(|c| c.name == req.container)).and_then(|c| c.image.clone()).unwrap_or_default();
        let view = ImageView::of(&image);
        let program = req.command.first().cloned().unwrap_or_else(|| "sh".into());
        let prog = program.rsplit('/').next().unwrap_or(&program).to_string();
        if !view.has(&prog) {
            return Err(vec![executable_not_found(&program, &req.container)]);
        }
        let dialect = match (prog.as_str(), view.userland) {
            ("bash", _) => Dialect::Bash,
            (_, image_view::Userland::Busybox) => Dialect::Ash,
            _ => Dialect::Dash,
        };
        let mut env = container_env(&self.cluster, &pod, &req.container, &image);
        if req.tty {
            env.push(("TERM".into(), "xterm".into()));
        }
        let fs_key = instance_key(&pod, &req.container);
        let fs = ContainerFiles::current(&self.cluster, &pod, &req.container);
        let main = main_process(&pod, &req.container, &view);
        let restart_always = pod.spec.as_ref().and_then(|s| s.restart_policy.as_deref()).is_none_or(|r| r == "Always");
        let mut vars = crate::sorting::btree_map(env.iter().map(|(k, v)| (k.clone(), Var { value: v.clone(), exported: true })));
        let mut env_order: Vec<String> = env.iter().map(|(k, _)| k.clone()).collect();
        if req.is_interactive_shell() {
            for (k, v) in [("SHLVL", "1"), ("PWD", "/")] {
                vars.insert(k.into(), Var { value: v.into(), exported: true });
                env_order.push(k.into());
            }
        }
        let node = NodeState {
            fs: std::mem::replace(&mut self.fs, fs),
            cwd: std::mem::replace(&mut self.cwd, "/".into()),
            vars: std::mem::replace(&mut self.vars, vars),
            aliases: std::mem::take(&mut self.aliases),
        };
        let shell_pid = if req.attach { 1 } else { 7 };
        self.container = Some(Box::new(ContainerSession {
            pod: req.pod.clone(),
            pod_ip: pod.status.as_ref().and_then(|s| s.pod_ip.clone()).unwrap_or_default(),
            container: req.container.clone(),
            view,
            dialect,
            hostname: pod_hostname(&pod),
            main_process: if req.attach { req.command.join(" ") } else { main },
            env_order,
            shell_pid,
            next_pid: shell_pid + 6,
            lines_read: 0,
            exit_requested: false,
            parents: Vec::new(),
            request: req.clone(),
            fs_key,
            restart_always,
            node: Box::new(node),
        }));
        Ok(())
    }

    /// Puts the node back; returns the session.
    fn restore_node(&mut self) -> Option<ContainerSession> {
        let session = *self.container.take()?;
        let node = session.node.clone();
        let files = std::mem::replace(&mut self.fs, node.fs);
        self.cluster.container_files.keep(session.fs_key.clone(), session.pod.clone(), files);
        self.cwd = node.cwd;
        self.vars = node.vars;
        self.aliases = node.aliases;
        Some(session)
    }

    /// Runs what kubectl exec/run asked for: an interactive shell becomes the
    /// terminal's shell until `exit`; anything else runs to its end now.
    pub fn start_exec(&mut self, req: &ExecRequest, out: &mut Output) -> i32 {
        if self.container.is_some() {
            out.err("kubeplay: already inside a container shell");
            return 1;
        }
        if let Err(lines) = self.enter_container(req) {
            for l in lines {
                out.err(&l);
            }
            return 1;
        }
        if req.attach {
            out.err("If you don't see a command prompt, try pressing enter.");
        }
        if req.is_interactive_shell() {
            return 0;
        }
        let script = match req.command.as_slice() {
            [sh, flag, script, ..] if flag == "-c" && matches!(sh.rsplit('/').next(), Some("sh" | "bash" | "ash")) => script.clone(),
            words => shell_words::join(words),
        };
        for l in super::exec::run_nested(self, &script) {
            out.lines.push(l);
        }
        let code = self.last_status;
        self.finish_container(code, out)
    }

    /// The container's shell ended (`exit`, end of input) with `code`: the node is
    /// back, kubectl reports the status and, for `run --rm`, deletes the pod.
    pub fn finish_container(&mut self, code: i32, out: &mut Output) -> i32 {
        let Some(session) = self.restore_node() else { return code };
        let req = &session.request;
        if req.attach {
            if req.is_interactive_shell() {
                crate::controllers::kubelet::main_process_exited(&mut self.cluster, &req.pod, &req.container, code);
            }
            if req.stdin && req.tty && session.restart_always {
                out.out(&format!("Session ended, resume using 'kubectl attach {} -c {} -i -t' command when the pod is running", req.pod.name, req.container));
            }
            if req.remove_on_exit {
                let opts = DeleteOptions { grace_seconds: None, propagation: Propagation::Background };
                if self.cluster.delete::<Pod>(&req.pod.namespace, &req.pod.name, opts).is_ok() {
                    self.cluster.settle();
                    out.out(&format!("pod \"{}\" deleted from {} namespace", req.pod.name, req.pod.namespace));
                }
            }
            // With restart Never/OnFailure kubectl waited for the exit status
            // (run.go): a failed pod is its error and exit code.
            if !session.restart_always && code != 0 {
                out.err(&format!("pod {}/{} terminated (Error)", req.pod.namespace, req.pod.name));
                return code;
            }
            return 0;
        }
        if code != 0 {
            out.err(&format!("command terminated with exit code {code}"));
        }
        code
    }
}
