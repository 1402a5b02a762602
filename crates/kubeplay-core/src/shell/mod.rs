//! The bash-like shell around kubectl on the control-plane node: it reads command
//! lines as bash does ([`syntax`]), expands words ([`expand`]), runs pipelines with
//! redirections ([`exec`]) and dispatches to builtins and the programs installed on
//! the node ([`commands`]), with a virtual file system ([`crate::vfs`]) for files.
//!
//! Input arrives a line at a time ([`Shell::feed`]): a here-document or a trailing
//! `|` keeps the command open (the page shows `> `) until it is complete.

pub mod builtins;
pub mod commands;
pub mod complete;
pub mod container;
mod editing;
mod exec;
mod expand;
pub mod jobs;
mod stream;
pub mod syntax;

use std::collections::BTreeMap;

use crate::cluster::{Cluster, ClusterConfig};
use crate::kubectl::Kubeconfig;
use crate::output::OutputLine;
use crate::vfs::{Vfs, HOME};

/// The prompt in the home directory; see [`Shell::prompt`] for the current one.
pub const PROMPT: &str = "controlplane:~$ ";
/// The continuation prompt (bash's `PS2`).
pub const CONTINUATION_PROMPT: &str = "> ";
pub const HOSTNAME: &str = "controlplane";

/// What the caller (page or headless runner) must do after a command.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Effect {
    /// `clear` / Ctrl+L: wipe the screen (the command's output comes after the wipe).
    Clear,
    /// `sleep N`: let the simulated clock run for this many milliseconds, then call
    /// [`Shell::resume`] to run what followed the `sleep` on the line.
    Sleep(i64),
    /// The command keeps running over simulated time: poll it after every clock
    /// advance until it reports its exit status (Ctrl+C drops it); then set
    /// [`Shell::last_status`] and call [`Shell::resume`] for the rest of the line.
    Foreground(crate::foreground::Foreground),
    /// `watch [-n S] CMD`: show [`Shell::watch_frame`] of `command` every `interval_ms`
    /// of simulated time until Ctrl+C (the headless shell shows one frame).
    Watch { command: String, interval_ms: i64 },
}

#[derive(Clone, Debug, Default)]
pub struct CommandOutput {
    pub lines: Vec<OutputLine>,
    pub effect: Option<Effect>,
    pub exit_code: i32,
}

/// A shell variable; exported ones are the environment of the commands.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Var {
    pub value: String,
    pub exported: bool,
}

/// One user's shell session on the control-plane node, owning the cluster.
#[derive(Clone, Debug)]
pub struct Shell {
    pub cluster: Cluster,
    pub aliases: BTreeMap<String, String>,
    pub fs: Vfs,
    pub cwd: String,
    pub kubeconfig: Kubeconfig,
    pub vars: BTreeMap<String, Var>,
    /// Commands as entered (a multi-line command is one entry), oldest first.
    pub history: Vec<String>,
    /// `$?`
    pub last_status: i32,
    /// Lines of a command still being entered (open here-document, trailing `|`).
    pending_input: String,
    /// What followed a `sleep` on the line, run by [`Shell::resume`].
    suspended: Option<exec::Suspended>,
    /// A shell in a container (`kubectl exec -it … -- sh`) while one runs.
    container: Option<Box<container::ContainerSession>>,
    /// `kubectl run -i` waiting for its pod: attach once the wait succeeds.
    pending_attach: Option<container::ExecRequest>,
    /// An editor open on a file (`vi`, `kubectl edit`): the command waits for it.
    editor: Option<crate::editor::OpenEditor>,
    /// Where the running command's later output goes (its pipeline, redirections).
    stream: Option<stream::StreamRoute>,
    /// Background jobs (`kubectl proxy &`).
    jobs: jobs::Jobs,
}

/// The environment of a root login on a kubeadm node.
const INITIAL_ENV: &[(&str, &str)] = &[
    ("HOME", HOME),
    ("HOSTNAME", HOSTNAME),
    ("LANG", "C.UTF-8"),
    ("LOGNAME", "root"),
    ("PATH", "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"),
    ("PWD", HOME),
    ("SHELL", "/bin/bash"),
    ("SHLVL", "1"),
    ("TERM", "xterm"),
    ("USER", "root"),
];

/// Most history entries kept (bash's default `HISTSIZE`).
pub const HISTORY_SIZE: usize = 500;

impl Shell {
    pub fn new(config: ClusterConfig) -> Shell {
        Shell::with_cluster(Cluster::new(config))
    }

    pub fn with_cluster(cluster: Cluster) -> Shell {
        let aliases = [("k".to_string(), "kubectl".to_string())].into();
        let vars = INITIAL_ENV.iter().map(|(k, v)| (k.to_string(), Var { value: v.to_string(), exported: true })).collect();
        let fs = Vfs::with_examples(cluster.now());
        Shell {
            cluster,
            aliases,
            fs,
            cwd: HOME.to_string(),
            kubeconfig: Kubeconfig::default(),
            vars,
            history: Vec::new(),
            last_status: 0,
            pending_input: String::new(),
            suspended: None,
            container: None,
            pending_attach: None,
            editor: None,
            stream: None,
            jobs: jobs::Jobs::default(),
        }
    }

    /// `controlplane:~$ `, or with the working directory (`controlplane:/tmp$ `).
    pub fn prompt(&self) -> String {
        if let Some(c) = self.container() {
            return c.prompt(&self.cwd);
        }
        format!("{HOSTNAME}:{}$ ", self.display_cwd())
    }

    /// The working directory as the prompt shows it (`~` for the home directory).
    pub fn display_cwd(&self) -> String {
        match self.cwd.strip_prefix(HOME) {
            Some("") => "~".to_string(),
            Some(rest) if rest.starts_with('/') => format!("~{rest}"),
            _ => self.cwd.clone(),
        }
    }

    /// True while a command is open and more lines are expected (`> ` prompt).
    pub fn needs_more_input(&self) -> bool {
        !self.pending_input.is_empty() || self.editor.is_some()
    }

    /// Feeds one line as typed or pasted. Returns `None` while the command it belongs
    /// to is incomplete (a here-document before its delimiter, a trailing `|`).
    pub fn feed(&mut self, line: &str) -> Option<CommandOutput> {
        if self.editor.is_some() {
            return self.editor_line(line);
        }
        let mut text = std::mem::take(&mut self.pending_input);
        if !text.is_empty() {
            text.push('\n');
        }
        text.push_str(line);
        match syntax::parse(&text, &self.aliases, false) {
            Err(syntax::ParseError::Incomplete) => {
                self.pending_input = text;
                None
            }
            _ => Some(self.execute(&text)),
        }
    }

    /// The input ended (Ctrl+D, end of a script) while a command was open: runs it as
    /// bash does at end of file (an open here-document ends there, with a warning).
    pub fn end_of_input(&mut self) -> CommandOutput {
        if self.editor.is_some() {
            return self.close_editor(None);
        }
        let text = std::mem::take(&mut self.pending_input);
        self.execute(&text)
    }

    /// Ctrl+C: forgets a half-entered command and whatever waited behind a `sleep`.
    pub fn interrupt(&mut self) {
        self.pending_input.clear();
        self.suspended = None;
        self.pending_attach = None;
        self.editor = None;
        self.stream = None;
        self.last_status = 130;
    }

    /// Runs a complete input (one or more lines); nothing more will follow it, so an
    /// open here-document ends here, with bash's warning.
    pub fn execute(&mut self, text: &str) -> CommandOutput {
        // A command sees the cluster at rest, never halfway through an advance.
        self.cluster.finish_advance();
        self.pending_input.clear();
        self.suspended = None;
        self.stream = None;
        self.fs.now = self.cluster.now();
        if text.trim().is_empty() {
            return CommandOutput { lines: Vec::new(), effect: None, exit_code: self.last_status };
        }
        self.remember(text);
        if let Some(c) = self.container.as_deref_mut() {
            c.lines_read += text.lines().count().max(1) as u32;
        }
        let out = exec::run_text(self, text);
        let out = self.after_container_exit(out);
        self.with_job_notices(out)
    }

    /// Ends the container shell if `exit` ran in it, adding what kubectl prints.
    fn after_container_exit(&mut self, mut out: CommandOutput) -> CommandOutput {
        if !self.container().is_some_and(|c| c.exit_requested) {
            return out;
        }
        let mut o = crate::output::Output::default();
        let code = self.finish_container(self.last_status, &mut o);
        out.lines.extend(o.lines);
        self.last_status = code;
        out.exit_code = code;
        out
    }

    /// What the shell says for a command it cannot find.
    pub fn command_not_found(&self, name: &str) -> String {
        match self.container() {
            Some(c) => c.not_found(name),
            None => {
                let mut text = format!("bash: {name}: command not found");
                let hints_on = self.vars.get("KUBEPLAY_HINTS").is_none_or(|v| v.value != "off");
                if let Some(hint) = crate::kubectl::hints::for_missing_command(&self.cluster, name).filter(|_| hints_on) {
                    text.push('\n');
                    text.push_str(&hint);
                }
                text
            }
        }
    }

    /// Continues after a [`Effect::Sleep`] once the clock has moved on, or after a
    /// [`Effect::Foreground`] ended (its status in [`Shell::last_status`]): the rest
    /// of its pipeline reads the end of its input first.
    pub fn resume(&mut self) -> CommandOutput {
        // A command sees the cluster at rest, never halfway through an advance.
        self.cluster.finish_advance();
        self.fs.now = self.cluster.now();
        let mut lines = self.finish_stream(self.last_status);
        if let Some(req) = self.pending_attach.take() {
            if self.last_status == 0 {
                let mut out = crate::output::Output::default();
                let code = self.start_exec(&req, &mut out);
                self.last_status = code;
                lines.extend(out.lines);
                return CommandOutput { lines, effect: None, exit_code: code };
            }
        }
        let mut out = match self.suspended.take() {
            Some(s) => {
                let out = exec::resume(self, s);
                self.after_container_exit(out)
            }
            None => CommandOutput { lines: Vec::new(), effect: None, exit_code: self.last_status },
        };
        lines.append(&mut out.lines);
        out.lines = lines;
        self.with_job_notices(out)
    }

    /// A command finished (nothing keeps running): bash's notices of background
    /// jobs that ended come before the next prompt.
    fn with_job_notices(&mut self, mut out: CommandOutput) -> CommandOutput {
        if out.effect.is_none() {
            out.lines.extend(self.job_notices());
        }
        out
    }

    /// Runs a command that keeps running to its end, as the headless shell does:
    /// the clock jumps from one due timer to the next, polling after each; what it
    /// prints goes through [`Shell::deliver`] to `emit`. Sets [`Shell::last_status`];
    /// a watch with nothing more to show stops as Ctrl+C would, ending its pipeline.
    pub fn run_foreground(&mut self, mut fg: crate::foreground::Foreground, mut emit: impl FnMut(&crate::output::Output)) {
        if matches!(fg, crate::foreground::Foreground::Editor(_)) {
            // Only the person at the editor ends it; the caller feeds it instead.
            self.last_status = 0;
            return;
        }
        loop {
            let p = fg.poll(&self.cluster);
            emit(&self.deliver(p.out));
            emit(&self.poll_jobs());
            if let Some(code) = p.exit {
                self.last_status = code;
                return;
            }
            match fg.next_advance(&self.cluster) {
                Some(target) => self.cluster.advance_to(target),
                None => {
                    self.stream = None;
                    self.last_status = 0;
                    return;
                }
            }
        }
    }

    /// One screen of `watch`: its header line, a blank line, then the command's output.
    pub fn watch_frame(&mut self, command: &str, interval_ms: i64) -> CommandOutput {
        // A command sees the cluster at rest, never halfway through an advance.
        self.cluster.finish_advance();
        self.fs.now = self.cluster.now();
        builtins::watch_frame(self, command, interval_ms)
    }

    /// Adds to the history as bash with `HISTCONTROL=ignoreboth` does: not twice in a
    /// row, not when the command starts with a space.
    fn remember(&mut self, text: &str) {
        let entry = text.trim_end_matches('\n');
        if entry.starts_with(' ') || self.history.last().is_some_and(|l| l == entry) {
            return;
        }
        self.history.push(entry.to_string());
        if self.history.len() > HISTORY_SIZE {
            let excess = self.history.len() - HISTORY_SIZE;
            self.history.drain(..excess);
        }
    }

    pub fn var(&self, name: &str) -> Option<&str> {
        self.vars.get(name).map(|v| v.value.as_str())
    }

    /// Sets a variable, keeping its exported flag.
    pub fn set_var(&mut self, name: &str, value: String) {
        match self.vars.get_mut(name) {
            Some(v) => v.value = value,
            None => {
                self.vars.insert(name.to_string(), Var { value, exported: false });
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(o: &CommandOutput) -> String {
        o.lines.iter().map(|l| format!("{}\n", l.text)).collect()
    }

    fn shell() -> Shell {
        Shell::new(ClusterConfig::default())
    }

    #[test]
    fn alias_k_is_kubectl() {
        let mut sh = shell();
        let o = sh.execute("k version --client");
        assert_eq!(text(&o), "Client Version: v1.34.5\nKustomize Version: v5.7.1\n");
    }

    #[test]
    fn unknown_command_and_quotes() {
        let mut sh = shell();
        assert_eq!(text(&sh.execute("foo")), "bash: foo: command not found\n");
        assert_eq!(sh.execute("foo").exit_code, 127);
        assert_eq!(text(&sh.execute("echo 'a  b' \"c\"")), "a  b c\n");
        assert_eq!(text(&sh.execute("echo 'oops")), "bash: unexpected EOF while looking for matching `''\n");
    }

    #[test]
    fn sleep_is_an_effect() {
        let mut sh = shell();
        assert_eq!(sh.execute("sleep 10").effect, Some(Effect::Sleep(10_000)));
        assert_eq!(sh.execute("sleep 1.5").effect, Some(Effect::Sleep(1_500)));
        assert_eq!(sh.execute("clear").effect, Some(Effect::Clear));
        assert_eq!(text(&sh.execute("sleep x")), "sleep: invalid time interval ‘x’\nTry 'sleep --help' for more information.\n");
    }

    #[test]
    fn sleep_suspends_the_rest_of_the_line() {
        let mut sh = shell();
        let o = sh.execute("echo a; sleep 2 && echo b; echo c");
        assert_eq!(text(&o), "a\n");
        assert_eq!(o.effect, Some(Effect::Sleep(2_000)));
        sh.cluster.advance_by(2_000);
        let o = sh.resume();
        assert_eq!(text(&o), "b\nc\n");
        assert_eq!(o.effect, None);
    }

    #[test]
    fn feeding_lines_of_a_here_document() {
        let mut sh = shell();
        assert!(sh.feed("cat <<EOF | grep -c a").is_none());
        assert!(sh.needs_more_input());
        assert!(sh.feed("abc").is_none());
        assert!(sh.feed("xyz").is_none());
        let o = sh.feed("EOF").expect("complete");
        assert_eq!(text(&o), "1\n");
        assert!(!sh.needs_more_input());
        assert_eq!(sh.history.last().map(String::as_str), Some("cat <<EOF | grep -c a\nabc\nxyz\nEOF"));
        assert!(sh.feed("ls |").is_none());
        sh.interrupt();
        assert!(!sh.needs_more_input());
    }

    #[test]
    fn variables_and_pipes() {
        let mut sh = shell();
        assert_eq!(text(&sh.execute("X='a  b'; echo $X \"$X\" '$X' ${X}c")), "a b a  b $X a bc\n");
        assert_eq!(text(&sh.execute("echo $? ; false; echo $?")), "0\n1\n");
        assert_eq!(text(&sh.execute("printf 'b\\na\\n' | sort | head -n 1")), "a\n");
        assert_eq!(text(&sh.execute("true && echo yes || echo no; false && echo yes || echo no")), "yes\nno\n");
        assert_eq!(text(&sh.execute("echo $(echo inner) `echo tick`")), "inner tick\n");
        assert_eq!(text(&sh.execute("Y=1 env | grep ^Y=")), "Y=1\n");
        assert_eq!(text(&sh.execute("echo ${Y:-unset}")), "unset\n");
        assert_eq!(text(&sh.execute("echo $((2 * (3 + 4)))")), "14\n");
    }

    #[test]
    fn redirections_write_files() {
        let mut sh = shell();
        assert_eq!(text(&sh.execute("echo one > f.txt; echo two >> f.txt; cat f.txt")), "one\ntwo\n");
        assert_eq!(text(&sh.execute("cat nope 2>/dev/null; echo $?")), "1\n");
        assert_eq!(text(&sh.execute("cat nope > out.txt 2>&1; cat out.txt")), "cat: nope: No such file or directory\n");
        assert_eq!(text(&sh.execute("echo x > /nope/f")), "bash: /nope/f: No such file or directory\n");
        assert_eq!(text(&sh.execute("wc -l < f.txt")), "2\n");
    }

    #[test]
    fn cd_changes_the_prompt() {
        let mut sh = shell();
        assert_eq!(sh.prompt(), "controlplane:~$ ");
        sh.execute("cd /tmp");
        assert_eq!(sh.prompt(), "controlplane:/tmp$ ");
        assert_eq!(text(&sh.execute("cd nope")), "bash: cd: nope: No such file or directory\n");
        sh.execute("cd");
        assert_eq!(text(&sh.execute("pwd")), "/root\n");
    }
}
