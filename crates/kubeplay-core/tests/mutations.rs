//! Every command the transcripts pin, cut short and with a word left out, must
//! still get an answer instead of a panic: learners type half-finished lines far
//! more often than finished ones. Each transcript replays on its own cluster; before
//! each real command, its damaged variants run first.

use std::panic::{catch_unwind, AssertUnwindSafe};

use kubeplay_core::{ClusterConfig, Shell};

mod common;
use common::Watchdog;

/// The `$ ` commands of one transcript, with their here-document continuations.
fn commands(text: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    let mut last_was_command = false;
    for line in text.lines() {
        if let Some(cmd) = line.strip_prefix("$ ") {
            out.push(cmd.to_string());
            last_was_command = true;
        } else if let (Some(rest), true) = (line.strip_prefix("> "), last_was_command) {
            let cmd = out.last_mut().expect("a continuation follows a command");
            cmd.push('\n');
            cmd.push_str(rest);
        } else {
            last_was_command = false;
        }
    }
    out
}

/// The line cut after each word, with each word left out, and with odd words in
/// place of and after each word.
fn damaged(cmd: &str) -> Vec<String> {
    if cmd.contains('\n') {
        // Here-documents: cut the body at each line instead.
        let lines: Vec<&str> = cmd.lines().collect();
        return (1..lines.len()).map(|n| lines[..n].join("\n")).collect();
    }
    let words: Vec<&str> = cmd.split(' ').collect();
    let mut out = Vec::new();
    for n in 1..words.len() {
        out.push(words[..n].join(" "));
        let mut without = words.clone();
        without.remove(n);
        out.push(without.join(" "));
    }
    for n in 0..words.len() {
        for odd in odd_words(cmd.len()) {
            let mut w = words.clone();
            w[n] = odd;
            out.push(w.join(" "));
            w[n] = words[n];
            w.insert(n + 1, odd);
            out.push(w.join(" "));
        }
    }
    // Cut mid-word too: in the middle of quotes, flags and `{{` templates.
    for at in [cmd.len() / 3, cmd.len() / 2, cmd.len() * 2 / 3] {
        if let Some(prefix) = cmd.get(..at) {
            out.push(prefix.to_string());
        }
    }
    out
}

#[test]
fn damaged_transcript_commands_do_not_panic() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../kubeplay-sh/tests/transcripts");
    let mut files: Vec<_> = std::fs::read_dir(&dir).expect("transcripts").map(|e| e.expect("entry").path()).collect();
    files.sort();
    let mut panics = Vec::new();
    let mut ran = 0;
    std::panic::set_hook(Box::new(|_| {}));
    let watchdog = Watchdog::start();
    for file in files {
        let text = std::fs::read_to_string(&file).expect("readable transcript");
        let mut sh = Shell::new(ClusterConfig::default());
        for cmd in commands(&text) {
            for variant in damaged(&cmd).into_iter().chain([cmd.clone()]) {
                ran += 1;
                watchdog.input(&variant);
                let result = catch_unwind(AssertUnwindSafe(|| {
                    let out = sh.execute(&variant);
                    if out.effect.is_some() {
                        sh.interrupt();
                    }
                }));
                if result.is_err() {
                    panics.push(format!("{}: {variant:?}", file.file_name().unwrap().to_string_lossy()));
                    sh = Shell::new(ClusterConfig::default());
                }
            }
        }
    }
    let _ = std::panic::take_hook();
    assert!(ran > 10_000, "ran only {ran} variants");
    assert!(panics.is_empty(), "{} of {ran} inputs panicked:\n{}", panics.len(), panics.join("\n"));
}

/// Words put in place of each word and after it. By default the two that found
/// the most panics (an empty argument, a lone dash); `KUBEPLAY_MUTATE_MORE=1` or `=2`
/// selects wider sets for a longer exploratory run.
fn odd_words(rotate: usize) -> Vec<&'static str> {
    match std::env::var("KUBEPLAY_MUTATE_MORE").as_deref() {
        Ok("2") => ["-A", "--all", "-l", "-f", "-w", "--replicas=-1", "--image=", "-o=json", "|", ">", "&", ";", "\\", "\"", "'", "*", "%", "{", "}", "-it", "--", "-c", "--all-namespaces", "-o=yaml", "--dry-run=server", "-L", "-p", "--previous", "-oname", "--sort-by=.x", "--to-revision=-5", "--port=0", "--timeout=-1s", "--for=delete", "--since=0s", "--tail=-5", "-1", "$x", "~", "../..", "/", "$(($RANDOM))", "\t"].into_iter().cycle().skip(rotate % 45).take(6).collect(),
        Ok("1") => vec!["-", "--", "''", "x", "-o", "{{", "$(", "-1", "=", "a=b", "0", "99999999999999999999", "-n"],
        _ => vec!["''", "-"],
    }
}
