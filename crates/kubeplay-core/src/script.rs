//! Running a whole script of commands headless, as `kubeplay-sh`, the transcript tests
//! and the wasm determinism test do: each command is echoed as `$ <command>` (lines
//! that continue it, such as here-document bodies, as `> <line>`), then its output.
//! `sleep N` moves the simulated clock, a command that keeps running (`kubectl delete`
//! waiting) runs the clock until it ends, and what followed on the line runs after;
//! `watch` shows one screen.

use crate::output::Stream;
use crate::shell::{CommandOutput, Effect, Shell};

/// Runs every line of `script`, calling `emit` for each printed line in order.
pub fn run_script(shell: &mut Shell, script: &str, mut emit: impl FnMut(Stream, &str)) {
    for line in script.lines() {
        let continuing = shell.needs_more_input();
        if !continuing && line.trim().is_empty() {
            continue;
        }
        let shown = line.trim_end();
        if continuing {
            emit(Stream::Stdout, format!("> {shown}").trim_end());
        } else {
            emit(Stream::Stdout, &format!("{}{shown}", echo_prompt(shell)));
        }
        if let Some(result) = shell.feed(line) {
            finish(shell, result, &mut emit);
        }
    }
    if shell.needs_more_input() {
        // The script ended inside a command (an unterminated here-document).
        let result = shell.end_of_input();
        finish(shell, result, &mut emit);
    }
}

/// What a command line is echoed after: `$ ` on the node, the container shell's own
/// prompt (`/ # `, `root@web:/# `) inside `kubectl exec -it`.
pub fn echo_prompt(shell: &Shell) -> String {
    match shell.container() {
        Some(_) => shell.prompt(),
        None => "$ ".to_string(),
    }
}

/// Prints a command's output and lets its `sleep`s pass on the simulated clock.
fn finish(shell: &mut Shell, mut result: CommandOutput, emit: &mut impl FnMut(Stream, &str)) {
    loop {
        for l in &result.lines {
            emit(l.stream, &l.text);
        }
        match result.effect {
            Some(Effect::Sleep(ms)) => {
                shell.cluster.advance_by(ms);
                for l in &shell.poll_jobs().lines {
                    emit(l.stream, &l.text);
                }
                result = shell.resume();
            }
            // An editor reads the lines that follow (vi's line mode) until it closes.
            Some(Effect::Foreground(crate::foreground::Foreground::Editor(_))) => return,
            Some(Effect::Foreground(fg)) => {
                shell.run_foreground(fg, |out| {
                    for l in &out.lines {
                        emit(l.stream, &l.text);
                    }
                });
                result = shell.resume();
            }
            _ => return,
        }
    }
}

/// The merged transcript of a script as one string.
pub fn transcript(shell: &mut Shell, script: &str) -> String {
    let mut s = String::new();
    run_script(shell, script, |_, line| {
        s.push_str(line);
        s.push('\n');
    });
    s
}
