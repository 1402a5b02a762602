//! GNU grep: basic (default), extended (`-E`) or fixed (`-F`) patterns, translated
//! to `regex-lite` syntax; `-i -v -c -n -w -x -o -q -l -h -H -e -m`, context lines
//! (`-A -B -C NUM`, `-` after the name/number, `--` between groups), exit status 0
//! (a line selected), 1 (none) or 2 (trouble).

use regex_lite::Regex;

use super::getopt::{self, opt};
use crate::shell::commands::Process;

/// A POSIX basic regular expression in Rust regex syntax: `\( \) \{ \} \| \+ \?`
/// are the operators, the bare characters are literals.
pub(crate) fn from_basic(bre: &str) -> Result<String, Unmatched> {
    let mut out = String::new();
    let chars: Vec<char> = bre.chars().collect();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        match c {
            '\\' if i + 1 < chars.len() => {
                let n = chars[i + 1];
                match n {
                    '(' | ')' | '{' | '}' | '|' | '+' | '?' => out.push(n),
                    '<' | '>' => out.push_str("\\b"),
                    'w' | 'W' | 's' | 'S' | 'b' | 'B' => {
                        out.push('\\');
                        out.push(n);
                    }
                    other => out.push_str(&regex_lite::escape(&other.to_string())),
                }
                i += 2;
                continue;
            }
            '(' | ')' | '{' | '}' | '|' | '+' | '?' => out.push_str(&regex_lite::escape(&c.to_string())),
            '*' if out.is_empty() || out.ends_with('(') || out == "^" => out.push_str("\\*"),
            '[' => {
                let (class, next) = bracket(&chars, i)?;
                out.push_str(&class);
                i = next;
                continue;
            }
            c => out.push(c),
        }
        i += 1;
    }
    Ok(out)
}

/// A `[` without its `]`: GNU grep refuses the pattern.
#[derive(Debug, PartialEq, Eq)]
pub(crate) struct Unmatched;

/// An extended regular expression: the same as Rust's except `\<`, `\>` and brackets.
pub(crate) fn from_extended(ere: &str) -> Result<String, Unmatched> {
    let mut out = String::new();
    let chars: Vec<char> = ere.chars().collect();
    let mut i = 0;
    while i < chars.len() {
        match chars[i] {
            '\\' if matches!(chars.get(i + 1), Some('<' | '>')) => {
                out.push_str("\\b");
                i += 2;
            }
            '\\' if i + 1 < chars.len() => {
                out.push('\\');
                out.push(chars[i + 1]);
                i += 2;
            }
            '[' => {
                let (class, next) = bracket(&chars, i)?;
                out.push_str(&class);
                i = next;
            }
            c => {
                out.push(c);
                i += 1;
            }
        }
    }
    Ok(out)
}

/// A bracket expression starting at `chars[start] == '['`: POSIX keeps `\` literal
/// and allows `]` first; returns the Rust class and the index after it.
fn bracket(chars: &[char], start: usize) -> Result<(String, usize), Unmatched> {
    let mut out = String::from("[");
    let mut i = start + 1;
    if chars.get(i) == Some(&'^') {
        out.push('^');
        i += 1;
    }
    let mut first = true;
    while i < chars.len() {
        let c = chars[i];
        if c == ']' && !first {
            out.push(']');
            return Ok((out, i + 1));
        }
        if c == '[' && chars.get(i + 1) == Some(&':') {
            if let Some(end) = (i + 2..chars.len().saturating_sub(1)).find(|&j| chars[j] == ':' && chars[j + 1] == ']') {
                out.extend(&chars[i..end + 2]);
                i = end + 2;
                first = false;
                continue;
            }
        }
        match c {
            '\\' | '[' | ']' | '&' | '~' | '-' if c != '-' || first || chars.get(i + 1) == Some(&']') => {
                out.push('\\');
                out.push(c);
            }
            c => out.push(c),
        }
        first = false;
        i += 1;
    }
    Err(Unmatched)
}

pub fn grep(p: &mut Process, args: &[String]) -> i32 {
    let opts = [
        opt('i', "ignore-case", false),
        opt('v', "invert-match", false),
        opt('E', "extended-regexp", false),
        opt('F', "fixed-strings", false),
        opt('G', "basic-regexp", false),
        opt('c', "count", false),
        opt('n', "line-number", false),
        opt('w', "word-regexp", false),
        opt('x', "line-regexp", false),
        opt('o', "only-matching", false),
        opt('q', "quiet", false),
        opt('l', "files-with-matches", false),
        opt('h', "no-filename", false),
        opt('H', "with-filename", false),
        opt('e', "regexp", true),
        opt('s', "no-messages", false),
        opt('A', "after-context", true),
        opt('B', "before-context", true),
        opt('C', "context", true),
        opt('m', "max-count", true),
        opt('\u{1}', "color", false),
        opt('\u{2}', "colour", false),
        // Flushes per line into a pipe; how the shell streams it: `shell/stream.rs`.
        opt('\u{3}', "line-buffered", false),
    ];
    // `--color=auto` (Ubuntu's alias adds it) changes nothing off a terminal.
    let args: Vec<String> = args.iter().filter(|a| !a.starts_with("--color") && !a.starts_with("--colour")).cloned().collect();
    let parsed = match getopt::parse("grep", &args, &opts) {
        Ok(x) => x,
        Err(e) => {
            let mut lines = e;
            lines.pop();
            lines.push("Usage: grep [OPTION]... PATTERNS [FILE]...".into());
            lines.push("Try 'grep --help' for more information.".into());
            for l in lines {
                p.eprintln(&l);
            }
            return 2;
        }
    };
    let context = |flag: char| -> Result<usize, String> {
        match parsed.opts.iter().rev().find(|(c, _)| *c == flag) {
            Some((_, v)) => v.parse::<usize>().map_err(|_| v.clone()),
            None => Ok(0),
        }
    };
    let (after, before) = match (context('A'), context('B'), context('C')) {
        (Ok(a), Ok(b), Ok(c)) => (if parsed.has('A') { a } else { c }, if parsed.has('B') { b } else { c }),
        (Err(v), _, _) | (_, Err(v), _) | (_, _, Err(v)) => {
            p.eprintln(&format!("grep: {v}: invalid context length argument"));
            return 2;
        }
    };
    // `-m NUM`: stop reading a file after NUM selected lines (negative: no limit).
    let max_count = match parsed.opts.iter().rev().find(|(c, _)| *c == 'm').map(|(_, v)| v.parse::<i64>()) {
        None => None,
        Some(Ok(n)) if n < 0 => None,
        Some(Ok(n)) => Some(n as usize),
        Some(Err(_)) => {
            p.eprintln("grep: invalid max count");
            return 2;
        }
    };
    let mut operands = parsed.operands.clone();
    let patterns: Vec<String> = if parsed.has('e') {
        parsed.opts.iter().filter(|(c, _)| *c == 'e').flat_map(|(_, v)| v.split('\n').map(str::to_string).collect::<Vec<_>>()).collect()
    } else if operands.is_empty() {
        p.eprintln("Usage: grep [OPTION]... PATTERNS [FILE]...");
        p.eprintln("Try 'grep --help' for more information.");
        return 2;
    } else {
        operands.remove(0).split('\n').map(str::to_string).collect()
    };
    let translated: Result<Vec<String>, Unmatched> = patterns
        .iter()
        .map(|pat| {
            if parsed.has('F') {
                Ok(regex_lite::escape(pat))
            } else if parsed.has('E') {
                from_extended(pat)
            } else {
                from_basic(pat)
            }
        })
        .collect();
    let Ok(translated) = translated else {
        p.eprintln("grep: Unmatched [, [^, [:, [., or [=");
        return 2;
    };
    let mut source = translated.iter().map(|t| format!("(?:{t})")).collect::<Vec<_>>().join("|");
    if parsed.has('x') {
        source = format!("^(?:{source})$");
    } else if parsed.has('w') {
        source = format!("\\b(?:{source})\\b");
    }
    if parsed.has('i') {
        source = format!("(?i){source}");
    }
    let re = match Regex::new(&source) {
        Ok(r) => r,
        Err(_) => {
            let message = if patterns.iter().any(|p| p.matches('(').count() != p.matches(')').count()) {
                if parsed.has('E') { "Unmatched ( or \\(" } else { "Unmatched \\( or \\)" }
            } else if patterns.iter().any(|p| p.contains('[')) {
                "Unmatched [, [^, [:, [., or [="
            } else {
                "Invalid regular expression"
            };
            p.eprintln(&format!("grep: {message}"));
            return 2;
        }
    };
    let (inputs, failed) = p.inputs("grep", &operands);
    if parsed.has('s') {
        // `-s`: no messages about unreadable files (they are all that was printed).
        p.output.retain(|(s, _)| *s != crate::output::Stream::Stderr);
    }
    let show_names = (operands.len() > 1 || parsed.has('H')) && !parsed.has('h');
    let invert = parsed.has('v');
    let mut any = false;
    // Context lines print only when whole lines do (not with -c, -l, -q, -o).
    let with_context = (after > 0 || before > 0) && !parsed.has('c') && !parsed.has('l') && !parsed.has('o');
    let mut printed_group = false;
    for (name, text) in &inputs {
        let shown = if name == "-" { "(standard input)" } else { name.as_str() };
        let mut count = 0;
        let lines: Vec<&str> = text.lines().collect();
        let mut last_printed: Option<usize> = None;
        let mut after_left = 0;
        let prefix = |no: usize, sep: char| {
            let mut prefix = String::new();
            if show_names {
                prefix.push_str(shown);
                prefix.push(sep);
            }
            if parsed.has('n') {
                prefix.push_str(&format!("{}{sep}", no + 1));
            }
            prefix
        };
        for (no, line) in lines.iter().enumerate() {
            if max_count.is_some_and(|m| count >= m) {
                // Past the last selected line only its trailing context prints, up
                // to the next line that would be selected (grep.c `prpending`).
                if with_context && after_left > 0 && re.is_match(line) == invert {
                    p.println(&format!("{}{line}", prefix(no, '-')));
                    after_left -= 1;
                    continue;
                }
                break;
            }
            if re.is_match(line) == invert {
                if with_context && after_left > 0 {
                    p.println(&format!("{}{line}", prefix(no, '-')));
                    last_printed = Some(no);
                    after_left -= 1;
                }
                continue;
            }
            count += 1;
            any = true;
            if parsed.has('q') {
                return 0;
            }
            if parsed.has('c') || parsed.has('l') {
                continue;
            }
            if with_context {
                let start = no.saturating_sub(before).max(last_printed.map_or(0, |l| l + 1));
                let adjacent = last_printed.is_some_and(|l| l + 1 >= start);
                if printed_group && !adjacent {
                    p.println("--");
                }
                for (j, ctx) in lines.iter().enumerate().take(no).skip(start) {
                    p.println(&format!("{}{ctx}", prefix(j, '-')));
                }
                printed_group = true;
                last_printed = Some(no);
                after_left = after;
            }
            let prefix = prefix(no, ':');
            if parsed.has('o') && !invert {
                let found: Vec<String> = re.find_iter(line).filter(|m| !m.as_str().is_empty()).map(|m| format!("{prefix}{}", m.as_str())).collect();
                for f in found {
                    p.println(&f);
                }
            } else {
                p.println(&format!("{prefix}{line}"));
            }
        }
        if parsed.has('l') {
            if count > 0 {
                p.println(shown);
            }
        } else if parsed.has('c') {
            if show_names {
                p.println(&format!("{shown}:{count}"));
            } else {
                p.println(&count.to_string());
            }
        }
    }
    if failed && !parsed.has('q') {
        2
    } else if any {
        0
    } else {
        1
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn basic_and_extended_translation() {
        let basic = |s: &str| from_basic(s).unwrap();
        assert_eq!(basic("a\\(b\\)*c+"), "a(b)*c\\+");
        assert_eq!(basic("x\\|y"), "x|y");
        assert_eq!(basic("*a"), "\\*a");
        assert_eq!(basic("[a-z]\\{2\\}"), "[a-z]{2}");
        assert_eq!(from_extended("(a|b)+\\<x").unwrap(), "(a|b)+\\bx");
        assert_eq!(basic("[]a]"), "[\\]a]");
        assert!(Regex::new(&basic("[[:digit:]]\\+")).unwrap().is_match("a12"));
        assert_eq!(from_basic("[unclosed"), Err(Unmatched));
    }

    fn run(args: &str, input: &str) -> (i32, String) {
        let mut sh = crate::shell::Shell::new(Default::default());
        let out = sh.execute(&format!("printf '{input}' | grep {args}"));
        let text: String = out.lines.iter().map(|l| format!("{}\n", l.text)).collect();
        (out.exit_code, text)
    }

    #[test]
    fn context_lines_and_group_separators() {
        let text = r"a\nx1\nb\nc\nd\ne\nx2\nf\n";
        assert_eq!(run("-A1 x", text), (0, "x1\nb\n--\nx2\nf\n".into()));
        assert_eq!(run("-B 1 -n x", text), (0, "1-a\n2:x1\n--\n6-e\n7:x2\n".into()));
        assert_eq!(run("-C 3 x", text), (0, "a\nx1\nb\nc\nd\ne\nx2\nf\n".into()));
        assert_eq!(run("-A z x", text), (2, "grep: z: invalid context length argument\n".into()));
    }
}
