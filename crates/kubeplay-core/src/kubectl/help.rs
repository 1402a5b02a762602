//! kubectl's help, decided before any verb runs, as cobra does: `-h/--help` on any
//! command (after its flags parse: an unknown flag still wins), `kubectl help PATH`,
//! and the group commands (`rollout`, `config`, `create secret` …) called without
//! or with an unknown subcommand.
//!
//! The texts are the real v1.34.5 client's output, imported by
//! `scripts/import-kubectl-help.py` into `help/`: one file per command path, with
//! flag descriptions shared by several commands kept once in `help/_flags.txt` and
//! referred to by `@KEY` lines. The command tree (subcommands, aliases) and each
//! command's flags are read from the same texts, so they cannot drift apart.

use std::sync::OnceLock;

use super::flags::{self, flag, FlagDef, FlagKind, Parsed};
use crate::output::Output;

/// What every command needs of the help texts — the command paths, each flag's line
/// and the first line of its usage, `Aliases:` — without the prose and examples that
/// only `--help` prints (those are in [`crate::docs`], which the page loads on
/// demand). Derived from the full texts by `skeleton_file`, kept current by a test:
/// a `\x0cPATH\n` record per command, then `\x0c@\n` with the shared flag blocks.
const SKELETON: &str = include_str!("help/_skeleton.txt");
/// `PATH<TAB>NAME<TAB>SHORT` per (sub)command: what `kubectl __complete PATH ""`
/// lists (imported by `scripts/import-kubectl-completion.sh`).
const COMMAND_SHORTS: &str = include_str!("help/_commands.txt");
pub(crate) const ROOT_HELP: &str = include_str!("root_help.txt");

/// One command's text and the shared flag blocks its `@KEY` lines refer to: from the
/// skeleton (flags, aliases) or the full documentation (`--help`).
#[derive(Clone, Copy)]
struct Text {
    raw: &'static str,
    shared: &'static str,
}

struct Skeleton {
    texts: Vec<(&'static str, &'static str)>,
    shared: &'static str,
}

fn skeleton() -> &'static Skeleton {
    static PARSED: OnceLock<Skeleton> = OnceLock::new();
    PARSED.get_or_init(|| {
        let mut s = Skeleton { texts: Vec::new(), shared: "" };
        for (name, body) in crate::docs::records(SKELETON) {
            match name {
                "@" => s.shared = body,
                path => s.texts.push((path, body)),
            }
        }
        s
    })
}

/// The lines of a help text the skeleton keeps: `@KEY` references, flag lines and
/// `Aliases:`, each with the line after it (a flag's usage, the alias list).
#[cfg(test)]
fn skeleton_of(raw: &str) -> String {
    let lines: Vec<&str> = raw.split('\n').collect();
    let kept = |i: usize| {
        let l = lines[i];
        l.starts_with('@') || l.starts_with("    ") && l.ends_with(':') || l == "Aliases:"
    };
    let keep: Vec<&str> = (0..lines.len()).filter(|&i| kept(i) || i > 0 && kept(i - 1)).map(|i| lines[i]).collect();
    keep.join("\n")
}

/// The skeleton file for a documentation bundle.
#[cfg(test)]
pub(crate) fn skeleton_file(docs: &crate::docs::Bundle) -> String {
    let mut s = String::new();
    for (path, raw) in docs.help() {
        s.push_str(&format!("\x0c{path}\n{}", skeleton_of(raw)));
    }
    s.push_str(&format!("\x0c@\n{}", skeleton_of(docs.flags())));
    s
}

/// The command groups that only hold subcommands: what they print when called
/// without one — their help text, on stdout or stderr — and with which exit code
/// (`kubectl rollout` uses stdout and fails; `certificate` has no Run at all).
const GROUPS: &[(&str, bool, i32)] = &[
    ("set", false, 1),
    ("rollout", true, 1),
    ("certificate", true, 0),
    ("top", false, 1),
    ("auth", false, 1),
    ("config", false, 1),
    ("plugin", false, 1),
    ("create secret", false, 1),
    ("create service", false, 1),
];

/// Every command path that has a help text (`get`, `create deployment` …).
pub fn paths() -> impl Iterator<Item = &'static str> {
    skeleton().texts.iter().map(|(p, _)| *p)
}

/// The skeleton of a command path's text (with `@KEY` references).
fn raw(path: &str) -> Option<Text> {
    let s = skeleton();
    s.texts.iter().find(|(p, _)| *p == path).map(|(_, raw)| Text { raw, shared: s.shared })
}

/// A shared flag block by key: the lines after `@KEY` up to the next `@` line.
fn shared_block(shared: &'static str, key: &str) -> Option<&'static str> {
    let start = shared.find(&format!("@{key}\n"))? + key.len() + 2;
    let rest = &shared[start..];
    let end = rest.find("\n@").unwrap_or(rest.trim_end_matches('\n').len());
    Some(&rest[..end])
}

/// A command's help text exactly as `kubectl PATH --help` prints it; `None` also
/// while the page has not loaded the documentation yet ([`crate::docs`]).
pub fn text(path: &str) -> Option<String> {
    let t = Text { raw: crate::docs::help_text(path)?, shared: crate::docs::shared_flags()? };
    Some(expanded_lines(t).collect::<Vec<_>>().join("\n"))
}

/// The lines of a text with the shared blocks expanded, borrowed from the
/// static texts (flag names must be `'static` for the parser).
fn expanded_lines(t: Text) -> impl Iterator<Item = &'static str> {
    t.raw.split('\n').flat_map(move |line| {
        let block = line.strip_prefix('@').and_then(|key| shared_block(t.shared, key));
        block.unwrap_or(line).split('\n')
    })
}

/// The flags a help text lists (`    -o, --output='':`, `    --all=false:`); a flag
/// whose default is `true`/`false` is boolean.
fn listed_flags(t: Text) -> Vec<FlagDef> {
    expanded_lines(t)
        .filter_map(|line| {
            let spec = line.strip_prefix("    ")?.strip_suffix(':')?;
            let (short, rest) = match spec.strip_prefix('-').and_then(|s| s.split_once(", ")) {
                Some((c, rest)) if c.len() == 1 => (c.chars().next(), rest),
                _ => (None, spec),
            };
            let (long, default) = rest.strip_prefix("--")?.split_once('=')?;
            let kind = if matches!(default, "true" | "false") { FlagKind::Bool } else { FlagKind::Value };
            Some(flag(long, short, kind))
        })
        .collect()
}

/// A command's own flags plus every global one (`kubectl options`) and `-h`.
fn command_flags(path: &str) -> Vec<FlagDef> {
    let mut defs = raw(path).map(listed_flags).unwrap_or_default();
    defs.extend(raw("options").map(listed_flags).unwrap_or_default());
    defs.push(flag("help", Some('h'), FlagKind::Bool));
    defs
}

/// The flags `kubectl` itself accepts before a verb: the global ones.
pub fn root_flags() -> Vec<FlagDef> {
    command_flags("")
}

/// The subcommand of `path` called `name` (or by one of its aliases).
fn subcommand(path: &str, name: &str) -> Option<&'static str> {
    let prefix = format!("{path} ");
    paths().find(|p| {
        let Some(sub) = p.strip_prefix(&prefix) else { return false };
        !sub.contains(' ') && (sub == name || aliases(p).any(|a| a == name))
    })
}

/// A command's aliases from its `Aliases:` section (`deployment, deploy`).
fn aliases(path: &str) -> impl Iterator<Item = &'static str> {
    raw(path).and_then(alias_line).into_iter().flat_map(|l| l.split(", "))
}

fn alias_line(t: Text) -> Option<&'static str> {
    t.raw.split('\n').skip_while(|l| *l != "Aliases:").nth(1)
}

fn is_help_token(a: &str) -> bool {
    a == "-h" || a == "--help" || a.starts_with("--help=")
}

/// What the command line asks of help before the verb runs. `verb_at` is the
/// index of the first non-flag argument. Returns the exit code when help (or a
/// group's usage) was printed; `None` lets the verb run.
pub fn intercept(args: &[String], verb_at: usize, out: &mut Output) -> Option<i32> {
    if args[..verb_at].iter().any(|a| is_help_token(a)) {
        // kubectl looks for -h before the verb first: `kubectl -h get` is the root help.
        out.out(ROOT_HELP);
        return Some(0);
    }
    let verb = args[verb_at].as_str();
    raw(verb)?;
    let rest: Vec<String> = args[..verb_at].iter().chain(&args[verb_at + 1..]).cloned().collect();
    if verb == "help" {
        return Some(help_command(&rest, out));
    }
    let wants_help = rest.iter().take_while(|a| *a != "--").any(|a| is_help_token(a) || is_short_run_with_h(a));
    let (path, rest) = find_command(verb, &rest);
    let parsed = flags::parse_flags(&rest, &command_flags(path));
    if wants_help {
        return Some(match parsed {
            Err(e) => super::usage_error(path, e.message(), out),
            Ok(p) if p.bool("help") => {
                // `kubectl options` has its own usage and prints nothing for -h.
                if path != "options" {
                    out.out(&text(path).unwrap_or_default());
                }
                0
            }
            Ok(_) => return None,
        });
    }
    let (_, on_stdout, code) = GROUPS.iter().find(|(g, _, _)| *g == path)?;
    let p = match parsed {
        Ok(p) => p,
        Err(e) => return Some(super::usage_error(path, e.message(), out)),
    };
    match p.args.first() {
        Some(unknown) if path != "certificate" => {
            out.err(&format!("error: unknown command \"{unknown}\""));
            out.err(&format!("See 'kubectl {path} -h' for help and examples"));
            Some(1)
        }
        _ => {
            let help = text(path).unwrap_or_default();
            if *on_stdout { out.out(&help) } else { out.err(&help) }
            Some(*code)
        }
    }
}

/// The command the leading words name, as cobra's `Find` walks down the tree:
/// its path (`config use-context` for `config use`) and the arguments without
/// the words that named it. Group verbs use it to pick their subcommand.
pub fn find_command(verb: &str, args: &[String]) -> (&'static str, Vec<String>) {
    let mut path = path_static(verb);
    let mut rest = args.to_vec();
    while let Some(word) = command_words(&rest, &command_flags(path)).first().cloned() {
        let Some(sub) = subcommand(path, &word) else { break };
        path = sub;
        if let Some(i) = rest.iter().position(|a| *a == word) {
            rest.remove(i);
        }
    }
    (path, rest)
}

fn path_static(path: &str) -> &'static str {
    paths().find(|p| *p == path).unwrap_or("")
}

/// The words that may name subcommands, as cobra's `stripFlags` finds them: no
/// flag is validated yet; `--flag value` and `-f value` skip the value unless the
/// flag is boolean, and `--` ends the search.
///
/// The help flag is not known yet at that point (cobra adds it to the command it
/// finally runs), so `-h` also takes the next word: `kubectl config -h view` is
/// the help of `config`.
fn command_words(args: &[String], defs: &[FlagDef]) -> Vec<String> {
    let bool_flag = |d: &&FlagDef| d.kind == FlagKind::Bool && d.long != "help";
    let is_bool_long = |name: &str| defs.iter().filter(bool_flag).any(|d| d.long == name);
    let is_bool_short = |c: &str| defs.iter().filter(bool_flag).any(|d| d.short.is_some_and(|s| s.to_string() == c));
    let mut words = Vec::new();
    let mut i = 0;
    while i < args.len() {
        let a = args[i].as_str();
        i += 1;
        if a == "--" {
            break;
        }
        let takes_next = if let Some(long) = a.strip_prefix("--") {
            !long.contains('=') && !is_bool_long(long)
        } else if let Some(short) = a.strip_prefix('-') {
            short.len() == 1 && !is_bool_short(short)
        } else {
            if !a.is_empty() {
                words.push(a.to_string());
            }
            false
        };
        if takes_next {
            i += 1;
        }
    }
    words
}

/// `-ih`: a run of shorthand booleans that includes `h`.
fn is_short_run_with_h(a: &str) -> bool {
    a.len() > 2 && a.starts_with('-') && !a.starts_with("--") && a[1..].chars().all(|c| c.is_ascii_alphabetic()) && a.contains('h')
}

/// `kubectl help [PATH...]`: the deepest command the words name; an unknown first
/// word is cobra's "Unknown help topic" followed by the root usage, on stderr.
fn help_command(args: &[String], out: &mut Output) -> i32 {
    let p: Parsed = match flags::parse_flags(args, &command_flags("help")) {
        Ok(p) => p,
        Err(e) => return super::usage_error("help", e.message(), out),
    };
    if p.bool("help") {
        out.out(&text("help").unwrap_or_default());
        return 0;
    }
    // Words after `--` name the command too; empty words are no command at all.
    let words: Vec<&String> = p.args.iter().chain(p.after_dash.iter().flatten()).filter(|w| !w.is_empty()).collect();
    let Some(first) = words.first() else {
        out.out(ROOT_HELP);
        return 0;
    };
    if raw(first).is_none() || *first == "options" && words.len() > 1 {
        let usage_at = ROOT_HELP.find("\nBasic Commands").unwrap_or(0);
        // Go's %#q of the words: backquoted when possible, else a quoted string.
        let quoted: Vec<String> = words
            .iter()
            .map(|w| if w.contains('`') || w.chars().any(char::is_control) { crate::printers::go_format::go_quote(w) } else { format!("`{w}`") })
            .collect();
        out.err(&format!("Unknown help topic [{}]\n\n{}", quoted.join(" "), &ROOT_HELP[usage_at..]));
        return 0;
    }
    let mut path = first.to_string();
    for word in &words[1..] {
        match subcommand(&path, word) {
            Some(sub) => path = sub.to_string(),
            None => break,
        }
    }
    out.out(&text(&path).unwrap_or_default());
    0
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(line: &str) -> (String, i32) {
        let args: Vec<String> = line.split_whitespace().map(String::from).collect();
        let verb_at = super::super::first_verb_index(&args).unwrap();
        let mut out = Output::default();
        let code = intercept(&args, verb_at, &mut out).unwrap_or(-1);
        (out.text(), code)
    }

    #[test]
    fn texts_expand_shared_flags() {
        let t = text("create deployment").unwrap();
        assert!(t.starts_with("Create a deployment with the specified name.\n"));
        assert!(t.contains("    --dry-run='none':\n\tMust be \"none\", \"server\", or \"client\"."));
        assert!(!t.lines().any(|l| l.starts_with('@')));
        for path in paths() {
            assert!(!text(path).unwrap().lines().any(|l| l.starts_with('@')), "{path} has an unexpanded block");
        }
    }

    /// The skeleton the wasm keeps answers every question commands ask of a text
    /// (flags, usages, aliases) as the full text does.
    #[test]
    fn skeleton_keeps_what_commands_read() {
        let docs = crate::docs::Bundle::embedded();
        assert!(docs.help().iter().map(|(p, _)| *p).eq(paths()));
        for (path, full) in docs.help() {
            let (full, kept) = (Text { raw: full, shared: docs.flags() }, raw(path).unwrap());
            let names = |defs: Vec<FlagDef>| defs.iter().map(|d| format!("{:?}", d)).collect::<Vec<_>>();
            assert_eq!(names(listed_flags(full)), names(listed_flags(kept)), "{path}");
            assert_eq!(flag_usages_of(full), flag_usages_of(kept), "{path}");
            assert_eq!(alias_line(full), alias_line(kept), "{path}");
        }
    }

    #[test]
    fn help_flag_on_verbs_subcommands_and_aliases() {
        let (t, code) = run("get pods -h");
        assert!(t.starts_with("Display one or many resources.\n") && code == 0);
        assert_eq!(run("create deploy web --image=x --help").0, text("create deployment").unwrap());
        assert_eq!(run("-n dev config set-context -h").0, text("config set-context").unwrap());
        // An unknown subcommand word is an argument of the group.
        assert_eq!(run("rollout foo -h").0, text("rollout").unwrap());
        assert_eq!(run("-h get").0, ROOT_HELP);
    }

    #[test]
    fn flag_errors_win_over_help() {
        assert_eq!(run("get -h --foo"), ("error: unknown flag: --foo\nSee 'kubectl get --help' for usage.\n".into(), 1));
        // After `--` nothing is a flag: the verb runs.
        assert_eq!(run("run x --image=y -- -h").1, -1);
    }

    #[test]
    fn groups_without_subcommand() {
        let (t, code) = run("config");
        assert_eq!((t, code), (text("config").unwrap(), 1));
        assert_eq!(run("config vew"), ("error: unknown command \"vew\"\nSee 'kubectl config -h' for help and examples\n".into(), 1));
        assert_eq!(run("certificate foo").1, 0);
        assert_eq!(run("config view").1, -1);
    }

    #[test]
    fn help_command() {
        assert_eq!(run("help create deployment").0, text("create deployment").unwrap());
        let (t, code) = run("help foo");
        assert!(t.starts_with("Unknown help topic [`foo`]\n\n\nBasic Commands (Beginner):\n") && code == 0);
        assert_eq!(run("help").0, ROOT_HELP);
    }
}

/// The subcommands of `path` (`""` for the root) with their short descriptions, as
/// Tab lists them.
pub fn subcommands(path: &str) -> impl Iterator<Item = (&'static str, &'static str)> + '_ {
    COMMAND_SHORTS.lines().filter_map(move |l| {
        let mut parts = l.splitn(3, '\t');
        let (p, name, short) = (parts.next()?, parts.next()?, parts.next().unwrap_or(""));
        (p == path).then_some((name, short))
    })
}

/// A flag as its help text lists it, with the first line of its usage.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FlagUsage {
    pub long: &'static str,
    pub short: Option<char>,
    pub takes_value: bool,
    pub usage: &'static str,
}

fn flag_usages_of(t: Text) -> Vec<FlagUsage> {
    let lines: Vec<&'static str> = expanded_lines(t).collect();
    let defs = listed_flags(t);
    let mut out = Vec::new();
    for (i, line) in lines.iter().enumerate() {
        let Some(spec) = line.strip_prefix("    ").and_then(|l| l.strip_suffix(':')) else { continue };
        let Some(def) = defs.iter().find(|d| spec.contains(&format!("--{}=", d.long))) else { continue };
        let usage = lines.get(i + 1).map(|u| u.trim_start_matches('\t').trim_end()).unwrap_or("");
        out.push(FlagUsage { long: def.long, short: def.short, takes_value: def.kind == FlagKind::Value, usage });
    }
    out
}

/// A command's own flags and the global ones (`kubectl options`), each sorted by
/// name as pflag visits them.
pub fn flag_usages(path: &str) -> (Vec<FlagUsage>, Vec<FlagUsage>) {
    let sorted = |mut v: Vec<FlagUsage>| {
        crate::sorting::sort_by(&mut v, |a, b| a.long.cmp(b.long));
        v
    };
    let own = if path.is_empty() { "options" } else { path };
    let mut local = raw(own).map(flag_usages_of).unwrap_or_default();
    local.push(FlagUsage { long: "help", short: Some('h'), takes_value: false, usage: HELP_USAGE });
    let global = if path.is_empty() { Vec::new() } else { raw("options").map(flag_usages_of).unwrap_or_default() };
    (sorted(local), sorted(global))
}

/// cobra's `-h` usage names the command (`help for get`); kept per call site.
const HELP_USAGE: &str = "help for";
