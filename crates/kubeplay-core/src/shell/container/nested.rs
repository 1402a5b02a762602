//! A shell started from the container's shell (`sh`, `bash` typed at its prompt):
//! a child process that inherits the exported variables and the working directory,
//! has its own prompt (`bash` inside an ash or dash container switches to bash's),
//! `SHLVL` one higher and its own PID; its `exit` returns to the parent with the
//! parent's variables, aliases and directory as they were.

use std::collections::BTreeMap;

use super::Dialect;
use crate::shell::{Shell, Var};

/// The parent shell's state, set aside while a child shell runs.
#[derive(Clone, Debug)]
pub struct ParentShell {
    vars: BTreeMap<String, Var>,
    cwd: String,
    aliases: BTreeMap<String, String>,
    dialect: Dialect,
    shell_pid: u32,
}

impl Shell {
    /// Starts `program` (`sh`, `ash`, `bash`) as an interactive child of the
    /// container's shell. No container shell: nothing happens.
    pub(crate) fn start_child_shell(&mut self, program: &str) {
        let Some(session) = self.container.as_deref_mut() else { return };
        let dialect = match program {
            "bash" => Dialect::Bash,
            _ if session.view.userland == super::image_view::Userland::Busybox => Dialect::Ash,
            _ => Dialect::Dash,
        };
        let mut vars: BTreeMap<String, Var> = self.vars.iter().filter(|(_, v)| v.exported).map(|(k, v)| (k.clone(), v.clone())).collect();
        let level = vars.get("SHLVL").and_then(|v| v.value.parse::<u32>().ok()).unwrap_or(0) + 1;
        vars.insert("SHLVL".into(), Var { value: level.to_string(), exported: true });
        let parent = ParentShell {
            vars: std::mem::replace(&mut self.vars, vars),
            cwd: self.cwd.clone(),
            aliases: std::mem::take(&mut self.aliases),
            dialect: std::mem::replace(&mut session.dialect, dialect),
            shell_pid: session.shell_pid,
        };
        session.shell_pid = session.next_pid;
        session.next_pid += 1;
        session.parents.push(parent);
    }

    /// `exit` in a child shell: its parent runs again. False when the shell that
    /// exits is the one kubectl started.
    pub(crate) fn exit_child_shell(&mut self) -> bool {
        let Some(session) = self.container.as_deref_mut() else { return false };
        let Some(parent) = session.parents.pop() else { return false };
        session.dialect = parent.dialect;
        session.shell_pid = parent.shell_pid;
        self.vars = parent.vars;
        self.cwd = parent.cwd;
        self.aliases = parent.aliases;
        true
    }
}
