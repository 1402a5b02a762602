//! Running a whole script of commands headless, as `kubeplay-sh`, the transcript tests
//! and the wasm determinism test do: each command is echoed as `$ <command>`, then its
//! output; `sleep N` moves the simulated clock.

use crate::output::Stream;
use crate::shell::{Effect, Shell};

/// Runs every line of `script`, calling `emit` for each printed line in order.
pub fn run_script(shell: &mut Shell, script: &str, mut emit: impl FnMut(Stream, &str)) {
    for line in script.lines() {
        let command = line.trim_end();
        if command.trim().is_empty() {
            continue;
        }
        emit(Stream::Stdout, &format!("$ {command}"));
        let result = shell.execute(command);
        for l in &result.lines {
            emit(l.stream, &l.text);
        }
        match result.effect {
            Some(Effect::Sleep(ms)) => shell.cluster.advance_by(ms),
            Some(Effect::Foreground(fg)) => {
                fg.run_to_end(&mut shell.cluster, |out| {
                    for l in &out.lines {
                        emit(l.stream, &l.text);
                    }
                });
            }
            _ => {}
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
