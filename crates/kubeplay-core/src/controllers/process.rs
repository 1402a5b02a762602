//! What a container's main process does to its files over time, read from its
//! command line: `touch /tmp/healthy; sleep 30; rm -f /tmp/healthy; sleep 600`
//! creates the file at once and removes it 30 s later. Each [`Mark`] is a step with
//! the instant (since the container started) it happens at, so whoever looks into
//! the container — an exec probe, `kubectl exec` — sees the files as the process
//! left them at that moment ([`super::container_files`]).
//!
//! The script is read as a sequence of simple commands (`;`, `&&`, `||`, new
//! lines); `sleep N` moves time on; a loop or `exit` ends what can be foreseen.

use crate::vfs::Vfs;

/// A change the process makes to its container's files.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Effect {
    /// `touch`: the file exists (its content kept if it did).
    Touch(String),
    /// `echo … > FILE` (`append`: `>>`).
    Write { path: String, text: String, append: bool },
    /// `rm [-f] FILE`, `rm -r DIR`.
    Remove(String),
    /// `mkdir [-p] DIR`.
    Mkdir(String),
}

/// One effect and when it happens, in ms after the container started.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Mark {
    pub at_ms: i64,
    pub effect: Effect,
}

/// The script a command line runs: `sh -c SCRIPT` or the words themselves.
pub fn script_of(command: &[String]) -> String {
    match command {
        [sh, flag, script, ..] if matches!(sh.rsplit('/').next(), Some("sh" | "bash" | "ash")) && flag == "-c" => script.clone(),
        _ => shell_words::join(command),
    }
}

/// How a simple command is joined to the one before it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Join {
    /// `;` or a new line (or the first command).
    Then,
    /// `&&`: runs if the one before succeeded.
    And,
    /// `||`: runs if the one before failed.
    Or,
}

/// Splits a script into simple commands at `;`, `&&`, `||` and new lines outside
/// quotes, each with how it joins the one before.
pub fn simple_commands(script: &str) -> Vec<(Join, String)> {
    let mut parts = Vec::new();
    let mut cur = String::new();
    let mut join = Join::Then;
    let mut quote: Option<char> = None;
    let mut chars = script.chars().peekable();
    let cut = |cur: &mut String, join: &mut Join, next: Join, parts: &mut Vec<(Join, String)>| {
        let text = std::mem::take(cur).trim().to_string();
        if !text.is_empty() {
            parts.push((*join, text));
        }
        *join = next;
    };
    while let Some(ch) = chars.next() {
        match (quote, ch) {
            (Some(q), c) if c == q => {
                quote = None;
                cur.push(c);
            }
            (Some(_), c) => cur.push(c),
            (None, '\'' | '"') => {
                quote = Some(ch);
                cur.push(ch);
            }
            (None, ';' | '\n') => cut(&mut cur, &mut join, Join::Then, &mut parts),
            (None, '&' | '|') if chars.peek() == Some(&ch) => {
                chars.next();
                cut(&mut cur, &mut join, if ch == '&' { Join::And } else { Join::Or }, &mut parts);
            }
            (None, c) => cur.push(c),
        }
    }
    cut(&mut cur, &mut join, Join::Then, &mut parts);
    parts
}

fn absolute(path: &str) -> String {
    Vfs::resolve("/", path)
}

/// The file effects of a container's command line, in order.
pub fn marks(command: &[String]) -> Vec<Mark> {
    let mut out = Vec::new();
    let mut at_ms = 0i64;
    for (_, part) in simple_commands(&script_of(command)) {
        let Ok(words) = shell_words::split(&part) else { break };
        let Some(program) = words.first().map(|w| w.rsplit('/').next().unwrap_or(w).to_string()) else { continue };
        let operands: Vec<&String> = words[1..].iter().filter(|w| !w.starts_with('-')).collect();
        match program.as_str() {
            "while" | "until" | "for" | "do" | "done" | "if" | "exit" | "exec" => break,
            "sleep" => match words.get(1).and_then(|n| n.parse::<f64>().ok()) {
                Some(secs) if secs.is_finite() && secs >= 0.0 => at_ms += (secs * 1000.0) as i64,
                _ => break,
            },
            "touch" => out.extend(operands.iter().map(|p| Mark { at_ms, effect: Effect::Touch(absolute(p)) })),
            "rm" => out.extend(operands.iter().map(|p| Mark { at_ms, effect: Effect::Remove(absolute(p)) })),
            "mkdir" => out.extend(operands.iter().map(|p| Mark { at_ms, effect: Effect::Mkdir(absolute(p)) })),
            "echo" => {
                if let Some(i) = words.iter().position(|w| w.starts_with('>')) {
                    let append = words[i].starts_with(">>");
                    let inline = words[i].trim_start_matches('>');
                    let target = if inline.is_empty() { words.get(i + 1).cloned() } else { Some(inline.to_string()) };
                    if let Some(path) = target {
                        let text = format!("{}\n", words[1..i].join(" "));
                        out.push(Mark { at_ms, effect: Effect::Write { path: absolute(&path), text, append } });
                    }
                }
            }
            _ => {}
        }
    }
    out
}

/// Carries out one effect on the container's files (the process's errors, such as
/// `rm -f` of a missing file, change nothing).
pub fn apply(fs: &mut Vfs, effect: &Effect) {
    let parent = |p: &str| p.rsplit_once('/').map(|(d, _)| if d.is_empty() { "/".to_string() } else { d.to_string() }).unwrap_or_else(|| "/".into());
    match effect {
        Effect::Touch(p) => {
            if fs.is_file(p) || fs.is_dir(p) {
                fs.touch(p);
            } else if fs.is_dir(&parent(p)) {
                let _ = fs.write(p, String::new());
            }
        }
        Effect::Write { path, text, append } => {
            if fs.is_dir(&parent(path)) {
                let _ = if *append { fs.append(path, text) } else { fs.write(path, text.clone()) };
            }
        }
        Effect::Remove(p) => {
            if fs.is_dir(p) {
                fs.remove_tree(p);
            } else {
                let _ = fs.remove_file(p);
            }
        }
        Effect::Mkdir(p) => crate::shell::container::image_view::mkdir_p(fs, p),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(v: &[&str]) -> Vec<String> {
        v.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn the_docs_liveness_exec_script() {
        let cmd = words(&["/bin/sh", "-c", "touch /tmp/healthy; sleep 30; rm -f /tmp/healthy; sleep 600"]);
        assert_eq!(
            marks(&cmd),
            vec![
                Mark { at_ms: 0, effect: Effect::Touch("/tmp/healthy".into()) },
                Mark { at_ms: 30_000, effect: Effect::Remove("/tmp/healthy".into()) },
            ]
        );
    }

    #[test]
    fn writes_and_loops() {
        let cmd = words(&["sh", "-c", "mkdir -p /data && echo 'ready now' > /data/ready; while true; do touch /x; done"]);
        assert_eq!(
            marks(&cmd),
            vec![
                Mark { at_ms: 0, effect: Effect::Mkdir("/data".into()) },
                Mark { at_ms: 0, effect: Effect::Write { path: "/data/ready".into(), text: "ready now\n".into(), append: false } },
            ]
        );
        let mut fs = Vfs::default();
        for m in marks(&cmd) {
            apply(&mut fs, &m.effect);
        }
        assert_eq!(fs.read("/data/ready").ok(), Some("ready now\n"));
    }
}
