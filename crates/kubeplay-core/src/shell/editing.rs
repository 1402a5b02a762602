//! The shell's side of editors (see [`crate::editor`]): opening one, feeding it
//! lines headless, closing it, and running `kubectl edit`'s loop, which launches
//! `$KUBE_EDITOR` as kubectl does — a program on the node (`sed -i …`) runs at
//! once with the file's path appended, an interactive editor leaves the loop
//! waiting until the person closes it.

use std::collections::BTreeMap;

use super::commands::{self, Process};
use super::exec::{self, Sink};
use super::{CommandOutput, Effect, Shell};
use crate::editor::{self, ex::ExOutcome, AfterEdit, EditorRequest, OpenEditor};
use crate::foreground::Foreground;
use crate::kubectl::edit::{EditSession, EditorCommand, Step};
use crate::output::{Output, OutputLine, Stream};

impl Shell {
    /// The editor the shell waits on, if one is open.
    pub fn editing(&self) -> Option<&EditorRequest> {
        self.editor.as_ref().map(|e| &e.request)
    }

    /// Opens an editor: the command that asked waits in the foreground.
    pub(crate) fn open_editor(&mut self, request: EditorRequest) -> Effect {
        self.editor = Some(OpenEditor::new(request.clone()));
        Effect::Foreground(Foreground::Editor(request))
    }

    /// A line typed while the editor is open (the headless shell): vi's line mode.
    /// Returns output only when something is to be shown or the editor closed.
    pub(super) fn editor_line(&mut self, line: &str) -> Option<CommandOutput> {
        let open = self.editor.as_mut()?;
        match open.ex.line(line) {
            ExOutcome::Continue(None) => None,
            ExOutcome::Continue(Some(message)) => {
                let request = open.request.clone();
                Some(CommandOutput {
                    lines: vec![OutputLine { stream: Stream::Stderr, text: message }],
                    effect: Some(Effect::Foreground(Foreground::Editor(request))),
                    exit_code: 0,
                })
            }
            ExOutcome::Close(saved) => Some(self.close_editor(saved)),
        }
    }

    /// The editor closed: writes `saved` (`None`: quit without writing) to its file,
    /// lets `kubectl edit` go on (it may open the editor again), then runs what
    /// followed the command on its line.
    pub fn close_editor(&mut self, saved: Option<String>) -> CommandOutput {
        let Some(open) = self.editor.take() else {
            return CommandOutput { lines: Vec::new(), effect: None, exit_code: self.last_status };
        };
        self.fs.now = self.cluster.now();
        let env = exported(self);
        let mut p = Process { shell: self, stdin: None, env, output: Vec::new(), effect: None, tty: true, exit: false };
        let mut code = 0;
        if let (Some(text), Some(path)) = (saved, open.request.path.clone()) {
            if p.shell.fs.write(&path, editor::file_text(&text)).is_err() {
                p.eprintln(&format!("\"{}\" E212: Can't open file for writing", open.request.shown_name));
                code = 1;
            }
        }
        if let AfterEdit::KubectlEdit(mut session) = open.then {
            let mut out = Output::default();
            let step = session.after_editor(&mut p.shell.cluster, &mut p.shell.fs, &mut out);
            p.print_output(&out);
            code = drive(&mut p, *session, step);
        }
        let lines = Sink { chunks: std::mem::take(&mut p.output), terminal: true }.into_lines();
        let effect = p.effect.take();
        if effect.is_some() {
            // Opened again (`kubectl edit` after an invalid save).
            return CommandOutput { lines, effect, exit_code: 0 };
        }
        self.last_status = code;
        let mut rest = self.resume();
        let mut all = lines;
        all.append(&mut rest.lines);
        CommandOutput { lines: all, effect: rest.effect, exit_code: rest.exit_code }
    }
}

fn exported(sh: &Shell) -> BTreeMap<String, String> {
    crate::sorting::btree_map(sh.vars.iter().filter(|(_, v)| v.exported).map(|(k, v)| (k.clone(), v.value.clone())))
}

/// `kubectl edit`: picks the editor from the command's environment and runs the loop.
pub(super) fn run_kubectl_edit(p: &mut Process, mut session: EditSession) -> i32 {
    let shell = p.env.get("SHELL").cloned().unwrap_or_else(|| "/bin/bash".into());
    session.editor = EditorCommand::from_env(p.env.get("KUBE_EDITOR").map(String::as_str), p.env.get("EDITOR").map(String::as_str), &shell);
    let step = session.start(&mut p.shell.cluster, &mut p.shell.fs);
    drive(p, session, step)
}

/// How often a non-interactive `$KUBE_EDITOR` may be rerun on invalid edits.
const MAX_PROGRAM_EDITOR_RUNS: usize = 20;

/// Runs the loop until it ends or waits for an interactive editor (then the
/// session rides on the open editor and the command waits in the foreground).
fn drive(p: &mut Process, mut session: EditSession, mut step: Step) -> i32 {
    let mut runs = 0;
    loop {
        let path = match step {
            Step::Done(code) => return code,
            Step::Launch(path) => path,
        };
        // A program editor that keeps producing invalid edits (`sed -i` appending
        // each time) would reopen forever, as on a real terminal until Ctrl+C; the
        // page cannot take a Ctrl+C inside one command, so the loop stops here.
        runs += 1;
        if runs > MAX_PROGRAM_EDITOR_RUNS {
            p.eprintln(&format!("kubeplay: kubectl edit stopped after {MAX_PROGRAM_EDITOR_RUNS} runs of {:?}, which kept saving invalid changes (a terminal would reopen it until Ctrl+C)", session.editor.shown()));
            return 130;
        }
        let mut out = Output::default();
        match launch(p, &session.editor, &path) {
            Err(message) => step = session.editor_failed(&message, &p.shell.fs, &mut out),
            Ok(()) => {
                if let Some(open) = p.shell.editor.as_mut() {
                    let request = open.request.clone();
                    open.then = AfterEdit::KubectlEdit(Box::new(session));
                    p.effect = Some(Effect::Foreground(Foreground::Editor(request)));
                    return 0;
                }
                step = session.after_editor(&mut p.shell.cluster, &mut p.shell.fs, &mut out);
            }
        }
        p.print_output(&out);
    }
}

/// `Editor.Launch`: runs the editor on `path`; the error is kubectl's.
fn launch(p: &mut Process, editor: &EditorCommand, path: &str) -> Result<(), String> {
    let shown = format!("{:?}", editor.shown());
    p.effect = None;
    let status = if editor.shell {
        // `$SHELL -c 'EDITOR "path"'`: the shell parses the value (quotes and all).
        let line = format!("{} {}", editor.args[2], format!("{path:?}"));
        for l in exec::run_nested(p.shell, &line) {
            p.write(l.stream, &l.text);
            p.write(l.stream, "\n");
        }
        p.shell.last_status
    } else {
        let name = &editor.args[0];
        let Some(command) = commands::find(p.shell, name) else {
            return Err(format!("unable to launch the editor {shown}"));
        };
        let mut args: Vec<String> = editor.args[1..].to_vec();
        args.push(path.to_string());
        (command.run)(p, &args)
    };
    if p.shell.editor.is_none() && status != 0 {
        return Err(format!("there was a problem with the editor {shown}"));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ClusterConfig;

    fn text(o: &CommandOutput) -> String {
        o.lines.iter().map(|l| format!("{}\n", l.text)).collect()
    }

    fn opened(o: &CommandOutput) -> EditorRequest {
        match &o.effect {
            Some(Effect::Foreground(Foreground::Editor(r))) => r.clone(),
            other => panic!("no editor opened: {other:?}"),
        }
    }

    #[test]
    fn vi_waits_for_the_editor_then_runs_the_rest_of_the_line() {
        let mut sh = Shell::new(ClusterConfig::default());
        let o = sh.execute("vi notes.txt; echo after; cat notes.txt");
        let req = opened(&o);
        assert_eq!((req.program, req.path.as_deref(), req.new_file, req.text.as_str()), (editor::EditorProgram::Vi, Some("/root/notes.txt"), true, ""));
        assert!(sh.editing().is_some() && sh.needs_more_input());
        let o = sh.close_editor(Some("hello".into()));
        assert_eq!(text(&o), "after\nhello\n", "saved with vi's final newline, then the rest ran");
        assert!(sh.editing().is_none());
        // Quitting without saving leaves the file as it was.
        let o = sh.execute("nano notes.txt");
        assert_eq!(opened(&o).text, "hello\n");
        sh.close_editor(None);
        assert_eq!(sh.fs.read("/root/notes.txt"), Ok("hello\n"));
    }

    #[test]
    fn kubectl_edit_in_an_interactive_editor_reopens_on_invalid_input() {
        let mut sh = Shell::new(ClusterConfig::default());
        sh.execute("kubectl create deployment web --image=nginx");
        let o = sh.execute("kubectl edit deploy web && echo ok");
        let req = opened(&o);
        assert!(req.path.as_deref().is_some_and(|p| p.starts_with("/tmp/kubectl-edit-") && p.ends_with(".yaml")));
        assert!(req.text.starts_with("# Please edit the object below. Lines beginning with a '#' will be ignored,\n"));
        let invalid = req.text.replace("replicas: 1", "replicas: -1");
        let o = sh.close_editor(Some(invalid.clone()));
        assert_eq!(text(&o), "error: deployments.apps \"web\" is invalid\n");
        let again = opened(&o);
        assert!(again.text.contains("#\n# deployments.apps \"web\" was not valid:\n# * spec.replicas: Invalid value: -1: must be greater than or equal to 0\n#\napiVersion: apps/v1\n"), "{}", again.text);
        let fixed = again.text.replace("replicas: -1", "replicas: 2");
        let o = sh.close_editor(Some(fixed));
        assert_eq!(text(&o), "deployment.apps/web edited\nok\n");
        assert_eq!(sh.cluster.store.get::<k8s_openapi::api::apps::v1::Deployment>("default", "web").and_then(|d| d.spec.as_ref()?.replicas), Some(2));
        assert!(sh.fs.list("/tmp").unwrap_or_default().is_empty(), "temporary files removed after a successful edit");
    }

    #[test]
    fn ctrl_c_closes_the_editor_and_a_script_end_quits_it() {
        let mut sh = Shell::new(ClusterConfig::default());
        sh.execute("vim x.txt");
        sh.interrupt();
        assert!(sh.editing().is_none() && !sh.needs_more_input());
        sh.execute("vi y.txt");
        let o = sh.end_of_input();
        assert!(o.effect.is_none());
        assert!(!sh.fs.is_file("/root/y.txt"));
    }
}
