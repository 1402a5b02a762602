//! Transcript tests: every `tests/transcripts/*.txt` file is a session of
//! `$ command` lines, each followed by the exact output expected (stdout and stderr
//! merged in order). An expected output line may hold `{{regex}}` parts for what is random
//! or time-dependent (pod name suffixes, ages); the rest of the line is literal.
//! Lines starting with `#` before the first command are comments; `# seed: N` sets
//! the seed (default 1). Named patterns save repeating the common regexes:
//! `{{suffix}}` (5 random name characters), `{{hash}}` (a pod-template-hash),
//! `{{age}}` (an AGE cell), `{{uid}}` (a UUID). Lines right after a command that
//! start with `> ` continue it (here-document bodies), as the shell echoes them.

use std::path::Path;

use kubeplay_core::script::transcript;
use kubeplay_core::{ClusterConfig, Shell};
use regex::Regex;

struct Case {
    seed: u64,
    script: String,
    /// Expected lines, each with the transcript line number it came from and
    /// whether it is input echoed back (a command or its continuation), which is
    /// compared literally: `{{` in a go-template command is not a pattern. Only a
    /// container prompt before the input (its first `prompt` bytes, `root@{{suffix}}:/# `)
    /// may hold patterns.
    expected: Vec<Expected>,
}

struct Expected {
    line_no: usize,
    text: String,
    echoed: bool,
    prompt: usize,
}

fn parse(text: &str) -> Case {
    let mut seed = 1;
    let mut script = String::new();
    let mut expected = Vec::new();
    let mut started = false;
    let mut continuing = false;
    // Shells open in a container: the one kubectl started, then typed `sh`/`bash`.
    let mut in_container = 0u32;
    for (i, line) in text.lines().enumerate() {
        if !started && line.starts_with('#') {
            if let Some(s) = line.strip_prefix("# seed:") {
                seed = s.trim().parse().expect("seed must be a number");
            }
            continue;
        }
        if !started && line.trim().is_empty() {
            continue;
        }
        started = true;
        let mut echoed = true;
        let mut prompt = 0;
        if let Some(cmd) = line.strip_prefix("$ ").or_else(|| container_input(line, &mut in_container)) {
            if !line.starts_with("$ ") {
                prompt = line.len() - cmd.len();
            }
            if is_attaching(cmd) {
                in_container = 1;
            }
            script.push_str(cmd);
            script.push('\n');
            continuing = true;
        } else if continuing && (line == ">" || line.starts_with("> ")) {
            // A line that continues the command (a here-document body), echoed as `> …`.
            script.push_str(line.strip_prefix("> ").unwrap_or(""));
            script.push('\n');
        } else {
            continuing = false;
            echoed = false;
        }
        expected.push(Expected { line_no: i + 1, text: line.to_string(), echoed, prompt });
    }
    Case { seed, script, expected }
}

/// Inside a container shell (after `kubectl exec -it`/`run -it`), input lines are
/// echoed after the container's prompt: `/ # `, `~ # `, `# ` (dash) or
/// `root@host:/dir# ` (bash). `exit` leaves the container, or a `sh`/`bash` typed in it.
fn container_input<'a>(line: &'a str, in_container: &mut u32) -> Option<&'a str> {
    if *in_container == 0 {
        return None;
    }
    let prompt = Regex::new(r"^(?:[/~][^ ]* # |# |root@(?:[^ :{]|\{\{[a-z]+\}\})+:[^ ]*# )").expect("valid");
    let m = prompt.find(line)?;
    let cmd = &line[m.end()..];
    if cmd.trim() == "exit" || cmd.trim().starts_with("exit ") {
        *in_container -= 1;
    } else if matches!(cmd.trim(), "sh" | "bash" | "ash") {
        *in_container += 1;
    }
    Some(cmd)
}

/// A command that puts the terminal into a container shell.
fn is_attaching(cmd: &str) -> bool {
    let interactive = cmd.split_whitespace().any(|w| matches!(w, "-it" | "-ti" | "-i" | "--stdin" | "-i=true"));
    interactive && (cmd.contains(" exec ") || cmd.contains(" run ")) && !cmd.contains(" -c ")
}

/// Turns an expected line into an anchored regex: literal text, `{{...}}` as regex.
fn line_regex(expected: &str) -> Regex {
    anchored(&pattern_of(expected), expected)
}

/// An echoed container input: the prompt may hold patterns, the input is literal.
fn echo_regex(expected: &str, prompt: usize) -> Regex {
    let (p, input) = expected.split_at(prompt);
    anchored(&format!("{}{}", pattern_of(p), regex::escape(input)), expected)
}

fn anchored(pattern: &str, expected: &str) -> Regex {
    Regex::new(&format!("^{pattern}$")).unwrap_or_else(|e| panic!("bad regex in {expected:?}: {e}"))
}

fn pattern_of(expected: &str) -> String {
    let mut pattern = String::new();
    let mut rest = expected;
    while let Some(start) = rest.find("{{") {
        pattern.push_str(&regex::escape(&rest[..start]));
        let after = &rest[start + 2..];
        let end = after.find("}}").unwrap_or_else(|| panic!("unclosed {{{{ in: {expected}"));
        let named = match &after[..end] {
            "suffix" => "[bcdfghjklmnpqrstvwxz2456789]{5}",
            "hash" => "[4-9bcdf]{1,10}",
            "age" => "[0-9]+[smhdy](?:[0-9]+[smhd])?",
            "uid" => "[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}",
            other => other,
        };
        pattern.push_str(&format!("(?:{named})"));
        rest = &after[end + 2..];
    }
    pattern.push_str(&regex::escape(rest));
    pattern
}

fn check(path: &Path) -> Result<usize, String> {
    let text = std::fs::read_to_string(path).map_err(|e| e.to_string())?;
    let case = parse(&text);
    let mut shell = Shell::new(ClusterConfig { seed: case.seed, ..ClusterConfig::default() });
    let actual = transcript(&mut shell, &case.script);
    let actual: Vec<&str> = actual.lines().collect();
    let commands = case.expected.iter().filter(|e| e.text.starts_with("$ ")).count();
    for (i, Expected { line_no, text: exp, echoed, prompt }) in case.expected.iter().enumerate() {
        let got = actual.get(i).copied().unwrap_or("<end of output>");
        let matches = match (*echoed, *prompt) {
            (true, 0) => exp == got,
            (true, p) => echo_regex(exp, p).is_match(got),
            (false, _) => line_regex(exp).is_match(got),
        };
        if !matches {
            let context: Vec<String> = actual[i.saturating_sub(3)..(i + 4).min(actual.len())].iter().map(|l| format!("    | {l}")).collect();
            return Err(format!(
                "{}:{line_no}: expected\n    {exp}\n  got\n    {got}\n  output around it:\n{}",
                path.display(),
                context.join("\n")
            ));
        }
    }
    if actual.len() > case.expected.len() {
        return Err(format!(
            "{}: unexpected extra output after the last expected line:\n    {}",
            path.display(),
            actual[case.expected.len()..].join("\n    ")
        ));
    }
    Ok(commands)
}

#[test]
fn transcripts() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/transcripts");
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .expect("tests/transcripts exists")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "txt"))
        .collect();
    files.sort();
    assert!(!files.is_empty(), "no transcript files found in {}", dir.display());
    let mut failures = Vec::new();
    let mut commands = 0;
    for f in &files {
        match check(f) {
            Ok(n) => commands += n,
            Err(e) => failures.push(e),
        }
    }
    println!("transcripts: {} files, {commands} commands, {} failed", files.len(), failures.len());
    assert!(failures.is_empty(), "{} transcript(s) failed:\n\n{}", failures.len(), failures.join("\n\n"));
}

#[test]
fn line_regex_mixes_literal_and_patterns() {
    let r = line_regex("whoami   1/1     Running   0          {{\\d+s}}");
    assert!(r.is_match("whoami   1/1     Running   0          12s"));
    assert!(!r.is_match("whoami   1/1     Running   0          12m"));
    assert!(line_regex("a.b").is_match("a.b"));
    assert!(line_regex("kube-proxy-{{suffix}}").is_match("kube-proxy-7xkqm"));
    assert!(!line_regex("kube-proxy-{{suffix}}").is_match("kube-proxy-aeiou"));
    assert!(!line_regex("a.b").is_match("axb"));
}
