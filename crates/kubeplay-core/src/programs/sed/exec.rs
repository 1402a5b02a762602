//! Running a compiled sed program over input lines, as GNU sed's `execute.c`: the
//! cycle (read a line into the pattern space, run the commands, print it unless
//! `-n`, then the queued `a`/`r` text), ranges with their state per command, the
//! hold space, and a last line without newline kept without one.

use std::collections::BTreeMap;

use regex_lite::Regex;

use super::parse::{Addr, Command, EndAddr, Kind, Pattern, Program};
use super::regex;

/// One input line and whether a newline ended it.
#[derive(Clone, Debug)]
pub struct Line {
    pub text: String,
    pub newline: bool,
}

/// Splits text into lines (the last one may lack its newline).
pub fn lines(text: &str, delim: char) -> Vec<Line> {
    let mut out: Vec<Line> = text.split_inclusive(delim).map(|l| match l.strip_suffix(delim) {
        Some(t) => Line { text: t.to_string(), newline: true },
        None => Line { text: l.to_string(), newline: false },
    }).collect();
    out.retain(|l| l.newline || !l.text.is_empty());
    out
}

/// What the program writes: its output text (`missing_newline` remembers a last line
/// printed without one, which the next output first completes), and files for `w`.
#[derive(Default)]
pub struct Output {
    pub text: String,
    missing_newline: bool,
    pub delim: char,
    /// `w FILE` targets and what was written to each.
    pub files: BTreeMap<String, String>,
    /// What went to `/dev/stderr`.
    pub stderr: String,
    /// Error messages, each with how much of `text` was printed before it.
    pub messages: Vec<(usize, String)>,
}

impl Output {
    pub fn new(delim: char) -> Output {
        Output { delim, ..Output::default() }
    }

    fn line(&mut self, text: &str, newline: bool) {
        self.complete();
        self.text.push_str(text);
        if newline {
            self.text.push(self.delim);
        } else {
            self.missing_newline = true;
        }
    }

    fn raw(&mut self, text: &str) {
        self.complete();
        self.text.push_str(text);
    }

    pub fn complete(&mut self) {
        if self.missing_newline {
            self.text.push(self.delim);
            self.missing_newline = false;
        }
    }

    fn write_file(&mut self, name: &str, text: &str) {
        let line = format!("{text}{}", self.delim);
        match name {
            "/dev/stdout" => self.raw(&line),
            "/dev/stderr" => self.stderr.push_str(&line),
            _ => self.files.entry(name.to_string()).or_default().push_str(&line),
        }
    }
}

/// State that lives across files and cycles.
pub struct Machine<'p> {
    program: &'p Program,
    pub quiet: bool,
    hold: String,
    last_regex: Option<Regex>,
    /// Per command: whether its range is open, and the line a numeric end stops at.
    ranges: Vec<Option<usize>>,
    pub line_length: usize,
    /// `q`/`Q` ran: its exit status.
    pub quit: Option<i32>,
    /// `r FILE` contents, read by the caller (the command has the file system).
    pub read_file: &'p dyn Fn(&str) -> Option<String>,
}

/// The input as sed reads it: lines, the number of the current one, and the name
/// of the file it came from (`F`).
pub struct Input<'a> {
    pub lines: &'a [Line],
    pub next: usize,
    pub line_number: usize,
    pub file_name: &'a str,
    /// Files that could not be read, reported when reading reaches them: the index
    /// of the line they come before, and the message.
    pub errors: Vec<(usize, String)>,
}

impl Input<'_> {
    fn read(&mut self, out: &mut Output) -> Option<Line> {
        self.report(out, self.next);
        let l = self.lines.get(self.next)?.clone();
        self.next += 1;
        self.line_number += 1;
        Some(l)
    }

    /// Reports the unreadable files met before line `upto`.
    pub fn report(&mut self, out: &mut Output, upto: usize) {
        while self.errors.first().is_some_and(|(at, _)| *at <= upto) {
            let (_, message) = self.errors.remove(0);
            out.messages.push((out.text.len(), message));
        }
    }

    fn at_last(&self) -> bool {
        self.next >= self.lines.len()
    }
}

/// How a command ended the cycle.
enum Flow {
    Continue,
    /// End of the cycle: autoprint unless `-n`.
    EndCycle,
    /// `d`: no autoprint.
    Delete,
    /// `D` with a newline: restart without reading.
    Restart,
    Quit { print: bool, code: i32 },
}

impl<'p> Machine<'p> {
    pub fn new(program: &'p Program, quiet: bool, read_file: &'p dyn Fn(&str) -> Option<String>) -> Machine<'p> {
        let mut m = Machine {
            program,
            quiet: quiet || program.quiet,
            hold: String::new(),
            last_regex: None,
            ranges: Vec::new(),
            line_length: 70,
            quit: None,
            read_file,
        };
        m.reset_ranges();
        m
    }

    /// Ranges start closed (a `0,/re/` range open) — at the start, and per file with `-s`/`-i`.
    pub fn reset_ranges(&mut self) {
        self.ranges = self.program.commands.iter().map(|c| matches!(c.a1, Some(Addr::Zero)).then_some(usize::MAX)).collect();
    }

    /// Runs the program over `input`, writing to `out`.
    pub fn run(&mut self, input: &mut Input, out: &mut Output) {
        let mut space: Option<Line> = None;
        while self.quit.is_none() {
            let mut ps = match space.take() {
                Some(l) => l,
                None => match input.read(out) {
                    Some(l) => l,
                    None => {
                        input.report(out, usize::MAX);
                        return;
                    }
                },
            };
            let mut appended = String::new();
            let mut substituted = false;
            let flow = self.cycle(&mut ps, input, out, &mut appended, &mut substituted);
            match flow {
                Flow::Continue | Flow::EndCycle => {
                    if !self.quiet {
                        out.line(&ps.text, ps.newline);
                    }
                }
                Flow::Delete => {}
                Flow::Restart => space = Some(ps),
                Flow::Quit { print, code } => {
                    if print && !self.quiet {
                        out.line(&ps.text, ps.newline);
                    }
                    self.quit = Some(code);
                }
            }
            if !appended.is_empty() {
                out.raw(&appended);
            }
        }
    }

    fn cycle(&mut self, ps: &mut Line, input: &mut Input, out: &mut Output, appended: &mut String, substituted: &mut bool) -> Flow {
        let program = self.program;
        let commands = &program.commands;
        let mut pc = 0;
        while pc < commands.len() {
            let cmd = &commands[pc];
            let selected = self.selected(pc, cmd, ps, input);
            if !selected {
                pc = match cmd.kind {
                    Kind::Block(end) => end + 1,
                    _ => pc + 1,
                };
                continue;
            }
            pc += 1;
            match &cmd.kind {
                Kind::Block(_) | Kind::EndBlock | Kind::Label => {}
                Kind::LineNumber => out.raw(&format!("{}\n", input.line_number)),
                Kind::Append(t) => appended.push_str(t),
                Kind::Insert(t) => out.raw(t),
                Kind::Change(t) => {
                    // In a range, the text replaces the whole range: printed at its end.
                    let range_over = cmd.a2.is_none() || cmd.negate || self.ranges[pc - 1].is_none();
                    if range_over {
                        out.raw(t);
                    }
                    return Flow::Delete;
                }
                Kind::Delete => return Flow::Delete,
                Kind::DeleteFirst => match ps.text.find('\n') {
                    Some(i) => {
                        ps.text.drain(..=i);
                        return Flow::Restart;
                    }
                    None => return Flow::Delete,
                },
                Kind::Print => out.line(&ps.text, true),
                Kind::PrintFirst => out.line(ps.text.split('\n').next().unwrap_or(""), true),
                Kind::Next => {
                    if input.at_last() {
                        return Flow::Quit { print: true, code: 0 };
                    }
                    if !self.quiet {
                        out.line(&ps.text, ps.newline);
                    }
                    if let Some(l) = input.read(out) {
                        *ps = l;
                    }
                }
                Kind::NextAppend => {
                    if input.at_last() {
                        return Flow::Quit { print: true, code: 0 };
                    }
                    if let Some(l) = input.read(out) {
                        ps.text.push('\n');
                        ps.text.push_str(&l.text);
                        ps.newline = l.newline;
                    }
                }
                Kind::Quit(code) => return Flow::Quit { print: true, code: *code },
                Kind::QuitSilently(code) => return Flow::Quit { print: false, code: *code },
                Kind::Subst(s) => {
                    let Some(re) = self.regex(&s.pattern) else { continue };
                    if let Some(new) = regex::substitute(&re, &ps.text, &s.replacement, s.which) {
                        ps.text = new;
                        *substituted = true;
                        if s.print {
                            out.line(&ps.text, true);
                        }
                        if let Some(f) = &s.write {
                            out.write_file(f, &ps.text);
                        }
                    }
                }
                Kind::Translate(map) => {
                    ps.text = ps.text.chars().map(|c| map.iter().find(|(f, _)| *f == c).map_or(c, |(_, t)| *t)).collect();
                }
                Kind::Hold => self.hold = ps.text.clone(),
                Kind::HoldAppend => {
                    self.hold.push('\n');
                    self.hold.push_str(&ps.text);
                }
                Kind::Get => ps.text = self.hold.clone(),
                Kind::GetAppend => {
                    ps.text.push('\n');
                    ps.text.push_str(&self.hold);
                }
                Kind::Exchange => std::mem::swap(&mut ps.text, &mut self.hold),
                Kind::Branch(target) => match target {
                    Some(t) => pc = *t,
                    None => return Flow::EndCycle,
                },
                Kind::BranchIfSubst(target) | Kind::BranchUnlessSubst(target) => {
                    let jump = *substituted == matches!(cmd.kind, Kind::BranchIfSubst(_));
                    if jump {
                        *substituted = false;
                        match target {
                            Some(t) => pc = *t,
                            None => return Flow::EndCycle,
                        }
                    }
                }
                Kind::List(n) => out.raw(&list(&ps.text, n.unwrap_or(self.line_length))),
                Kind::Write(f) => out.write_file(f, &ps.text),
                Kind::ReadFile(f) => {
                    if let Some(text) = (self.read_file)(f) {
                        appended.push_str(&text);
                        if !text.is_empty() && !text.ends_with('\n') {
                            appended.push('\n');
                        }
                    }
                }
                Kind::Zap => ps.text.clear(),
                Kind::FileName => out.raw(&format!("{}\n", input.file_name)),
            }
        }
        Flow::Continue
    }

    /// The regex a pattern stands for (`//`: the last one used).
    fn regex(&mut self, p: &Pattern) -> Option<Regex> {
        match p {
            Pattern::Re(re) => {
                self.last_regex = Some(re.clone());
                Some(re.clone())
            }
            Pattern::Last => self.last_regex.clone(),
        }
    }

    fn matches(&mut self, p: &Pattern, text: &str) -> bool {
        self.regex(p).is_some_and(|re| re.is_match(text))
    }

    fn addr_matches(&mut self, a: &Addr, ps: &Line, input: &Input) -> bool {
        let n = input.line_number;
        match a {
            Addr::Line(l) => n == *l,
            Addr::Last => input.at_last(),
            Addr::Match(p) => self.matches(p, &ps.text),
            Addr::Step(first, 0) => n == *first,
            Addr::Step(first, step) => n >= *first && (n - first) % step == 0,
            Addr::Zero => false,
        }
    }

    /// Whether the command applies to this line, keeping its range's state.
    fn selected(&mut self, i: usize, cmd: &Command, ps: &Line, input: &Input) -> bool {
        let Some(a1) = &cmd.a1 else { return !cmd.negate };
        let n = input.line_number;
        let hit = match &cmd.a2 {
            None => self.addr_matches(a1, ps, input),
            Some(a2) => match self.ranges[i] {
                Some(end) => {
                    // Inside the range: does this line close it?
                    let closes = match a2 {
                        EndAddr::Match(p) => self.matches(p, &ps.text),
                        EndAddr::Last => input.at_last(),
                        _ => n >= end,
                    };
                    if closes {
                        self.ranges[i] = None;
                    }
                    true
                }
                None => {
                    if self.addr_matches(a1, ps, input) {
                        let end = match a2 {
                            EndAddr::Line(l) => Some(*l).filter(|l| *l > n),
                            EndAddr::Plus(k) => Some(n + k).filter(|_| *k > 0),
                            EndAddr::Multiple(k) => Some(if *k == 0 { n } else { n.div_ceil(*k) * k }).filter(|e| *e > n),
                            EndAddr::Last => Some(usize::MAX).filter(|_| !input.at_last()),
                            EndAddr::Match(_) => Some(usize::MAX),
                        };
                        self.ranges[i] = end;
                        true
                    } else {
                        false
                    }
                }
            },
        };
        hit != cmd.negate
    }
}

/// `l`: the pattern space unambiguously — escapes, octal for other bytes, `$` at the
/// end, lines folded at `width - 1` characters with a `\`.
fn list(text: &str, width: usize) -> String {
    let mut pieces: Vec<String> = Vec::new();
    for c in text.chars() {
        let p = match c {
            '\\' => "\\\\".to_string(),
            '\x07' => "\\a".into(),
            '\x08' => "\\b".into(),
            '\x0c' => "\\f".into(),
            '\n' => "\\n".into(),
            '\r' => "\\r".into(),
            '\t' => "\\t".into(),
            '\x0b' => "\\v".into(),
            c if c.is_ascii() && !c.is_ascii_control() => c.to_string(),
            c => {
                let mut buf = [0u8; 4];
                c.encode_utf8(&mut buf).bytes().map(|b| format!("\\{b:03o}")).collect()
            }
        };
        pieces.push(p);
    }
    let mut out = String::new();
    let mut col = 0;
    for p in pieces {
        if width > 1 && col + p.len() > width - 1 {
            out.push_str("\\\n");
            col = 0;
        }
        col += p.len();
        out.push_str(&p);
    }
    out.push_str("$\n");
    out
}
