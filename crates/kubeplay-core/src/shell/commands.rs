//! The commands the shell can run: its builtins and the programs installed on the
//! node, in one table. Another module adds a command by adding a line to
//! [`COMMANDS`] with a function taking a [`Process`] and the arguments.

use std::collections::BTreeMap;

use super::{builtins, Effect, Shell};
use crate::output::{Output, Stream};
use crate::vfs::Vfs;

/// A running command: the shell's state, its standard input and what it prints.
pub struct Process<'a> {
    pub shell: &'a mut Shell,
    /// What a pipe, redirection or here-document feeds in; `None` is the terminal,
    /// which reads as empty.
    pub stdin: Option<String>,
    /// The environment: exported variables and the command's own `NAME=value`s.
    pub env: BTreeMap<String, String>,
    /// Output in print order, both streams.
    pub output: Vec<(Stream, String)>,
    pub effect: Option<Effect>,
    /// Whether stdout is the terminal (`ls` then prints columns).
    pub tty: bool,
    /// `exit`: the rest of the input does not run.
    pub exit: bool,
}

impl Process<'_> {
    /// Writes to stdout exactly (no newline added).
    pub fn print(&mut self, s: &str) {
        self.write(Stream::Stdout, s);
    }

    pub fn println(&mut self, s: &str) {
        self.write(Stream::Stdout, s);
        self.write(Stream::Stdout, "\n");
    }

    pub fn eprintln(&mut self, s: &str) {
        self.write(Stream::Stderr, s);
        self.write(Stream::Stderr, "\n");
    }

    /// Writes to either stream exactly.
    pub fn write(&mut self, stream: Stream, s: &str) {
        if s.is_empty() {
            return;
        }
        match self.output.last_mut() {
            Some((last, text)) if *last == stream => text.push_str(s),
            _ => self.output.push((stream, s.to_string())),
        }
    }

    /// Appends what a line-based printer (kubectl) printed.
    pub fn print_output(&mut self, out: &Output) {
        for l in &out.lines {
            self.write(l.stream, &l.text);
            self.write(l.stream, "\n");
        }
    }

    /// The standard input as text (empty for the terminal).
    pub fn stdin_text(&self) -> &str {
        self.stdin.as_deref().unwrap_or("")
    }

    pub fn fs(&self) -> &Vfs {
        &self.shell.fs
    }

    /// An absolute path for an argument, against the working directory.
    pub fn path(&self, arg: &str) -> String {
        Vfs::resolve(&self.shell.cwd, arg)
    }

    /// Whether the program is BusyBox's (in a busybox/alpine container), which words
    /// its messages and lays out its output its own way.
    pub fn busybox(&self) -> bool {
        self.shell.container().is_some_and(|c| c.view.userland == super::container::image_view::Userland::Busybox)
    }

    /// The inputs of a filter: the named files (`-` is stdin), or stdin when none are
    /// named. An unreadable file is reported as `cmd: NAME: reason` (BusyBox's
    /// `fopen_or_warn`: `cmd: can't open 'NAME': reason`; its grep keeps the first
    /// form) and skipped; the flag says whether that happened.
    pub fn inputs(&mut self, cmd: &str, files: &[String]) -> (Vec<(String, String)>, bool) {
        if files.is_empty() {
            return (vec![("-".to_string(), self.stdin_text().to_string())], false);
        }
        let mut inputs = Vec::new();
        let mut failed = false;
        for f in files {
            if f == "-" {
                inputs.push((f.clone(), self.stdin_text().to_string()));
                continue;
            }
            match self.shell.fs.read(&self.path(f)) {
                Ok(s) => inputs.push((f.clone(), s.to_string())),
                Err(e) => {
                    if self.busybox() && cmd != "grep" {
                        self.eprintln(&format!("{cmd}: can't open '{f}': {e}"));
                    } else {
                        self.eprintln(&format!("{cmd}: {f}: {e}"));
                    }
                    failed = true;
                }
            }
        }
        (inputs, failed)
    }
}

pub type CommandFn = fn(&mut Process, &[String]) -> i32;

/// Where a command comes from: bash itself, or a file on the node (`which` shows it).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Origin {
    Builtin,
    /// A builtin that also exists as a program (`echo`, `pwd`, `true`).
    BuiltinAndFile(&'static str),
    File(&'static str),
}

pub struct Command {
    pub name: &'static str,
    pub origin: Origin,
    pub run: CommandFn,
}

const fn builtin(name: &'static str, run: CommandFn) -> Command {
    Command { name, origin: Origin::Builtin, run }
}

const fn both(name: &'static str, path: &'static str, run: CommandFn) -> Command {
    Command { name, origin: Origin::BuiltinAndFile(path), run }
}

const fn program(name: &'static str, path: &'static str, run: CommandFn) -> Command {
    Command { name, origin: Origin::File(path), run }
}

/// Every command, by name. Add new ones anywhere; the order does not matter.
pub const COMMANDS: &[Command] = &[
    program("kubectl", "/usr/bin/kubectl", kubectl),
    program("kubeplay", "/usr/local/bin/kubeplay", kubeplay),
    builtin("alias", builtins::alias),
    builtin("unalias", builtins::unalias),
    builtin("cd", builtins::cd),
    builtin("export", builtins::export),
    builtin("unset", builtins::unset),
    builtin("history", builtins::history),
    builtin("exit", builtins::exit),
    builtin("jobs", builtins::jobs),
    builtin("fg", builtins::fg),
    builtin("bg", builtins::bg),
    builtin("kill", builtins::kill),
    builtin("logout", builtins::exit),
    builtin("help", builtins::help),
    builtin("type", builtins::type_),
    both("echo", "/usr/bin/echo", builtins::echo),
    both("printf", "/usr/bin/printf", builtins::printf),
    both("pwd", "/usr/bin/pwd", builtins::pwd),
    both("true", "/usr/bin/true", builtins::true_),
    both("false", "/usr/bin/false", builtins::false_),
    both("sleep", "/usr/bin/sleep", builtins::sleep),
    program("clear", "/usr/bin/clear", builtins::clear),
    program("env", "/usr/bin/env", builtins::env),
    program("which", "/usr/bin/which", builtins::which),
    program("watch", "/usr/bin/watch", builtins::watch),
    program("hostname", "/usr/bin/hostname", builtins::hostname),
    program("whoami", "/usr/bin/whoami", builtins::whoami),
    program("date", "/usr/bin/date", builtins::date),
    program("cat", "/usr/bin/cat", crate::programs::files::cat),
    program("ls", "/usr/bin/ls", crate::programs::files::ls),
    program("mkdir", "/usr/bin/mkdir", crate::programs::files::mkdir),
    program("rm", "/usr/bin/rm", crate::programs::files::rm),
    program("rmdir", "/usr/bin/rmdir", crate::programs::files::rmdir),
    program("touch", "/usr/bin/touch", crate::programs::files::touch),
    program("cp", "/usr/bin/cp", crate::programs::files::cp),
    program("mv", "/usr/bin/mv", crate::programs::files::mv),
    program("tee", "/usr/bin/tee", crate::programs::files::tee),
    program("head", "/usr/bin/head", crate::programs::text::head),
    program("tail", "/usr/bin/tail", crate::programs::text::tail),
    program("wc", "/usr/bin/wc", crate::programs::text::wc),
    program("sort", "/usr/bin/sort", crate::programs::text::sort),
    program("uniq", "/usr/bin/uniq", crate::programs::text::uniq),
    program("cut", "/usr/bin/cut", crate::programs::text::cut),
    program("tr", "/usr/bin/tr", crate::programs::text::tr),
    program("base64", "/usr/bin/base64", crate::programs::text::base64),
    program("grep", "/usr/bin/grep", crate::programs::grep::grep),
    program("sed", "/usr/bin/sed", crate::programs::sed::sed),
    program("vi", "/usr/bin/vi", crate::programs::editors::vi),
    program("vim", "/usr/bin/vim", crate::programs::editors::vim),
    program("nano", "/usr/bin/nano", crate::programs::editors::nano),
    program("awk", "/usr/bin/awk", crate::programs::awk::awk),
    program("jq", "/usr/bin/jq", crate::programs::jq::jq),
    program("timeout", "/usr/bin/timeout", crate::programs::timeout::timeout),
    program("curl", "/usr/bin/curl", crate::network::tools::curl_on_node),
    program("wget", "/usr/bin/wget", crate::network::tools::wget_on_node),
    program("nslookup", "/usr/bin/nslookup", crate::network::tools::nslookup_on_node),
];

pub fn lookup(name: &str) -> Option<&'static Command> {
    COMMANDS.iter().find(|c| c.name == name)
}

/// The command `name` runs where the shell is: on the node, or in a container.
pub fn find(sh: &Shell, name: &str) -> Option<&'static Command> {
    match sh.container() {
        Some(c) => super::container::commands::lookup(c, name),
        None => lookup(name),
    }
}

/// `kubectl …`: stdin, files and the kubeconfig are handed over as its [`crate::kubectl::Io`].
fn kubectl(p: &mut Process, args: &[String]) -> i32 {
    let mut out = Output::default();
    let sh = &mut *p.shell;
    let mut io = crate::kubectl::Io { stdin: p.stdin.as_deref(), fs: &sh.fs, cwd: &sh.cwd, kubeconfig: &mut sh.kubeconfig };
    let outcome = crate::kubectl::run(&mut sh.cluster, args, &mut io, &mut out);
    let hints_on = sh.vars.get("KUBEPLAY_HINTS").is_none_or(|v| v.value != "off");
    if hints_on && outcome.exit_code != 0 || hints_on && args.iter().any(|a| a.starts_with("deploy")) {
        for hint in crate::kubectl::hints::for_output(&sh.cluster, args, &out) {
            out.err(&hint);
        }
    }
    match outcome.foreground {
        Some(crate::foreground::Foreground::Exec(req)) => {
            let code = sh.start_exec(&req, &mut out);
            p.print_output(&out);
            return code;
        }
        Some(crate::foreground::Foreground::Copy(req)) => {
            let code = sh.copy(&req, &mut out);
            p.print_output(&out);
            return code;
        }
        Some(crate::foreground::Foreground::Edit(session)) => {
            p.print_output(&out);
            return super::editing::run_kubectl_edit(p, *session);
        }
        Some(crate::foreground::Foreground::Attach(wait)) => {
            sh.pending_attach = Some(wait.request.clone());
            p.effect = Some(Effect::Foreground(crate::foreground::Foreground::Attach(wait)));
        }
        Some(fg) => {
            let errors = sh.jobs().bind_errors(&fg);
            if errors.last().is_some_and(|e| e.starts_with("error:")) {
                // Nothing could listen: kubectl prints why and exits.
                out = Output::default();
                for e in errors {
                    out.err(&e);
                }
                p.print_output(&out);
                return 1;
            }
            for e in errors {
                out.err(&e);
            }
            p.effect = Some(Effect::Foreground(fg));
        }
        None => {}
    }
    p.print_output(&out);
    outcome.exit_code
}

/// `kubeplay node|container|image|traffic|load …`: the playground's own command.
fn kubeplay(p: &mut Process, args: &[String]) -> i32 {
    let mut out = Output::default();
    let code = crate::kubeplay_command::run_in_shell(p.shell, args, &mut out);
    p.print_output(&out);
    code
}
