//! vi's line mode (ex), which is how an editor is driven without a screen: the
//! headless shell feeds it the lines that follow `vi FILE` or `kubectl edit`, and
//! the page's vi command line runs the same commands. Supported: `:w`, `:wq`, `:x`,
//! `ZZ`, `:q` (refused with E37 when there are unsaved changes), `:q!`; addresses
//! `N`, `.`, `$`, `%`, `N,M`; `s/re/repl/[gi]` (sed's substitution), `d`, and
//! `a`/`i`/`c` reading text lines up to a lone `.`.

use crate::programs::sed::regex::{self as sed_regex, Occurrence, Syntax};

/// A buffer in line mode.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ExBuffer {
    lines: Vec<String>,
    /// The current line (0-based); vi starts on the first.
    current: usize,
    /// Reading text for `a`/`i`/`c`: the index the next line goes to.
    input_at: Option<usize>,
    modified: bool,
    /// What the last `:w` wrote.
    written: Option<String>,
}

/// What a line did.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ExOutcome {
    /// Still editing; vi may have said something (an error).
    Continue(Option<String>),
    /// The editor quit: the text to write (`None`: nothing written).
    Close(Option<String>),
}

impl ExBuffer {
    pub fn new(text: &str) -> ExBuffer {
        ExBuffer { lines: text.lines().map(str::to_string).collect(), current: 0, input_at: None, modified: false, written: None }
    }

    /// A buffer the page's editor has been changing: its text now, whether that
    /// differs from the file, and what `:w` last wrote — so `:q` refuses as vi does.
    pub fn resumed(text: &str, modified: bool, written: Option<String>) -> ExBuffer {
        ExBuffer { modified, written, ..ExBuffer::new(text) }
    }

    /// What the last `:w` wrote.
    pub fn written(&self) -> Option<&str> {
        self.written.as_deref()
    }

    /// The buffer as a file's text.
    pub fn text(&self) -> String {
        self.lines.iter().map(|l| format!("{l}\n")).collect()
    }

    pub fn modified(&self) -> bool {
        self.modified
    }

    /// Runs one input line.
    pub fn line(&mut self, input: &str) -> ExOutcome {
        if let Some(at) = self.input_at {
            if input == "." {
                self.input_at = None;
                self.current = at.saturating_sub(1);
            } else {
                self.lines.insert(at.min(self.lines.len()), input.to_string());
                self.input_at = Some(at + 1);
                self.modified = true;
            }
            return ExOutcome::Continue(None);
        }
        if input.trim() == "ZZ" {
            return self.quit(true, true);
        }
        let cmd = input.trim_start().trim_start_matches(':').trim_start();
        match self.command(cmd) {
            Ok(o) => o,
            Err(message) => ExOutcome::Continue(Some(message)),
        }
    }

    fn quit(&mut self, write: bool, force: bool) -> ExOutcome {
        if write {
            return ExOutcome::Close(Some(self.text()));
        }
        if self.modified && !force {
            return ExOutcome::Continue(Some("E37: No write since last change (add ! to override)".into()));
        }
        ExOutcome::Close(self.written.clone())
    }

    fn command(&mut self, cmd: &str) -> Result<ExOutcome, String> {
        let (range, rest) = self.range(cmd)?;
        let rest = rest.trim_start();
        let (name, arg) = split_command(rest);
        match name {
            "" => {
                if let Some((_, last)) = range {
                    self.current = last;
                }
                Ok(ExOutcome::Continue(None))
            }
            "w" | "w!" if arg.is_empty() => {
                self.written = Some(self.text());
                self.modified = false;
                Ok(ExOutcome::Continue(None))
            }
            "wq" | "wq!" | "x" | "x!" | "xit" | "exit" => Ok(self.quit(true, true)),
            "q" | "quit" => Ok(self.quit(false, false)),
            "q!" | "quit!" => Ok(self.quit(false, true)),
            "d" | "delete" => {
                let (first, last) = range.unwrap_or((self.current, self.current));
                if !self.lines.is_empty() {
                    self.lines.drain(first..=last.min(self.lines.len() - 1));
                    self.modified = true;
                }
                self.current = first.min(self.lines.len().saturating_sub(1));
                Ok(ExOutcome::Continue(None))
            }
            "a" | "append" | "i" | "insert" | "c" | "change" => {
                let (first, last) = range.unwrap_or((self.current, self.current));
                let at = match name.chars().next() {
                    Some('a') => if self.lines.is_empty() { 0 } else { last + 1 },
                    Some('i') => first,
                    _ => {
                        if !self.lines.is_empty() {
                            self.lines.drain(first..=last.min(self.lines.len() - 1));
                            self.modified = true;
                        }
                        first
                    }
                };
                self.input_at = Some(at);
                Ok(ExOutcome::Continue(None))
            }
            _ if rest.starts_with('s') && rest[1..].starts_with(|c: char| !c.is_alphanumeric() && c != ' ') => {
                self.substitute(range.unwrap_or((self.current, self.current)), &rest[1..])
            }
            _ => Err(format!("E492: Not an editor command: {cmd}")),
        }
    }

    /// `s/re/repl/flags` over lines `first..=last`.
    fn substitute(&mut self, (first, last): (usize, usize), spec: &str) -> Result<ExOutcome, String> {
        let mut chars = spec.chars();
        let delim = chars.next().unwrap_or('/');
        let body: String = chars.collect();
        let parts = split_unescaped(&body, delim);
        let pattern = parts.first().cloned().unwrap_or_default();
        let replacement = parts.get(1).cloned().unwrap_or_default();
        let flags = parts.get(2).cloned().unwrap_or_default();
        let syntax = Syntax { icase: flags.contains('i') || flags.contains('I'), ..Syntax::default() };
        let re = sed_regex::compile(&pattern, delim, syntax).ok_or_else(|| format!("E486: Pattern not found: {pattern}"))?;
        let pieces = sed_regex::parse_replacement(&replacement, delim);
        let which = Occurrence { nth: 1, global: flags.contains('g') };
        let mut hit = false;
        for i in first..=last.min(self.lines.len().saturating_sub(1)) {
            if self.lines.is_empty() {
                break;
            }
            if let Some(new) = sed_regex::substitute(&re, &self.lines[i], &pieces, which) {
                // A `\n` in the replacement splits the line, as in vim.
                let split: Vec<String> = new.split('\n').map(str::to_string).collect();
                let n = split.len();
                self.lines.splice(i..=i, split);
                self.current = i + n - 1;
                hit = true;
            }
        }
        if !hit {
            return Err(format!("E486: Pattern not found: {pattern}"));
        }
        self.modified = true;
        Ok(ExOutcome::Continue(None))
    }

    /// A leading address or range: `N`, `.`, `$`, `%`, `A,B`.
    fn range<'a>(&self, cmd: &'a str) -> Result<(Option<(usize, usize)>, &'a str), String> {
        if let Some(rest) = cmd.strip_prefix('%') {
            return Ok((Some((0, self.lines.len().saturating_sub(1))), rest));
        }
        let (first, rest) = match self.address(cmd)? {
            Some(x) => x,
            None => return Ok((None, cmd)),
        };
        if let Some(after) = rest.strip_prefix(',') {
            let (last, rest) = self.address(after)?.ok_or_else(|| "E14: Invalid address".to_string())?;
            if last < first {
                return Err("E493: Backwards range given".into());
            }
            return Ok((Some((first, last)), rest));
        }
        Ok((Some((first, first)), rest))
    }

    fn address<'a>(&self, s: &'a str) -> Result<Option<(usize, &'a str)>, String> {
        let last = self.lines.len().saturating_sub(1);
        if let Some(rest) = s.strip_prefix('.') {
            return Ok(Some((self.current, rest)));
        }
        if let Some(rest) = s.strip_prefix('$') {
            return Ok(Some((last, rest)));
        }
        let digits = s.chars().take_while(char::is_ascii_digit).count();
        if digits == 0 {
            return Ok(None);
        }
        let n: usize = s[..digits].parse().map_err(|_| "E14: Invalid address".to_string())?;
        Ok(Some((n.saturating_sub(1).min(last), &s[digits..])))
    }
}

/// The command word and its argument (`w`, `q!`, `wq`).
fn split_command(rest: &str) -> (&str, &str) {
    let end = rest.find(|c: char| !(c.is_ascii_alphabetic() || c == '!')).unwrap_or(rest.len());
    (&rest[..end], rest[end..].trim())
}

/// Splits at unescaped delimiters, keeping escapes for the regex/replacement reader.
fn split_unescaped(s: &str, delim: char) -> Vec<String> {
    let mut parts = vec![String::new()];
    let mut chars = s.chars();
    while let Some(c) = chars.next() {
        if c == '\\' {
            let last = parts.last_mut().expect("one part");
            last.push('\\');
            if let Some(n) = chars.next() {
                last.push(n);
            }
        } else if c == delim {
            parts.push(String::new());
        } else {
            parts.last_mut().expect("one part").push(c);
        }
    }
    parts
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn substitutes_appends_and_writes() {
        let mut b = ExBuffer::new("replicas: 1\nimage: nginx\n");
        assert_eq!(b.line(":%s/replicas: 1/replicas: 3/"), ExOutcome::Continue(None));
        assert_eq!(b.line(":$a"), ExOutcome::Continue(None));
        b.line("  extra: true");
        b.line(".");
        assert_eq!(b.line(":q"), ExOutcome::Continue(Some("E37: No write since last change (add ! to override)".into())));
        assert_eq!(b.line(":wq"), ExOutcome::Close(Some("replicas: 3\nimage: nginx\n  extra: true\n".into())));
    }

    #[test]
    fn quitting_without_saving_and_errors() {
        let mut b = ExBuffer::new("a\nb\n");
        assert_eq!(b.line(":2d"), ExOutcome::Continue(None));
        assert_eq!(b.line(":s/x/y/"), ExOutcome::Continue(Some("E486: Pattern not found: x".into())));
        assert_eq!(b.line(":frob"), ExOutcome::Continue(Some("E492: Not an editor command: frob".into())));
        assert_eq!(b.line(":q!"), ExOutcome::Close(None));
        let mut b = ExBuffer::new("a\n");
        b.line(":1c");
        b.line("z");
        b.line(".");
        b.line(":w");
        assert_eq!(b.line(":q"), ExOutcome::Close(Some("z\n".into())));
        let mut b = ExBuffer::new("");
        b.line("a");
        b.line("hello");
        b.line(".");
        assert_eq!(b.line("ZZ"), ExOutcome::Close(Some("hello\n".into())));
    }
}
