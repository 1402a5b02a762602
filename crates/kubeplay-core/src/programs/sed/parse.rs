//! Compiling a sed script as GNU sed 4.9's `compile.c` does: each `-e` (or `-f`
//! file, or the script operand) is read on its own, blocks and a trailing `a\` carry
//! over into the next one, and an error names the expression and how many of its
//! characters had been read (`-e expression #1, char 5: unterminated `s' command`).

use regex_lite::Regex;

use super::regex::{self, Occurrence, Piece, Syntax};

/// Where a script piece came from, for error messages.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Source {
    /// `-e` or the script operand, numbered from 1.
    Expression(usize),
    /// `-f FILE`.
    File(String),
}

/// A regex as an address or `s` pattern: `//` reuses the last one used.
#[derive(Clone, Debug)]
pub enum Pattern {
    Last,
    Re(Regex),
}

#[derive(Clone, Debug)]
pub enum Addr {
    Line(usize),
    Last,
    Match(Pattern),
    /// `first~step`
    Step(usize, usize),
    /// `0,/re/`: the range is open before the first line.
    Zero,
}

#[derive(Clone, Debug)]
pub enum EndAddr {
    Line(usize),
    Last,
    Match(Pattern),
    /// `addr1,+N`
    Plus(usize),
    /// `addr1,~N`
    Multiple(usize),
}

#[derive(Clone, Debug)]
pub struct Subst {
    pub pattern: Pattern,
    pub replacement: Vec<Piece>,
    pub which: Occurrence,
    pub print: bool,
    pub write: Option<String>,
}

#[derive(Clone, Debug)]
pub enum Kind {
    /// `{`: where its `}` is.
    Block(usize),
    EndBlock,
    LineNumber,
    Append(String),
    Insert(String),
    Change(String),
    Delete,
    DeleteFirst,
    Print,
    PrintFirst,
    Next,
    NextAppend,
    Quit(i32),
    QuitSilently(i32),
    Subst(Box<Subst>),
    Translate(Vec<(char, char)>),
    Hold,
    HoldAppend,
    Get,
    GetAppend,
    Exchange,
    /// `b`, `t`, `T`: the target (`None`: the end of the script) once labels are resolved.
    Branch(Option<usize>),
    BranchIfSubst(Option<usize>),
    BranchUnlessSubst(Option<usize>),
    Label,
    List(Option<usize>),
    Write(String),
    ReadFile(String),
    Zap,
    FileName,
}

#[derive(Clone, Debug)]
pub struct Command {
    pub a1: Option<Addr>,
    pub a2: Option<EndAddr>,
    pub negate: bool,
    pub kind: Kind,
}

#[derive(Debug, Default)]
pub struct Program {
    pub commands: Vec<Command>,
    /// `#n` on the first line of the script: as `-n`.
    pub quiet: bool,
}

impl Program {
    /// The files `w` commands and `s///w` write to (not the standard streams).
    pub fn write_files(&self) -> Vec<String> {
        self.commands
            .iter()
            .filter_map(|c| match &c.kind {
                Kind::Write(f) => Some(f.clone()),
                Kind::Subst(s) => s.write.clone(),
                _ => None,
            })
            .filter(|f| f != "/dev/stdout" && f != "/dev/stderr")
            .collect()
    }
}

/// A compile error, already worded as sed prints it (without the `sed: ` prefix).
pub type Error = String;

/// The compiler's state across script pieces.
pub struct Compiler {
    extended: bool,
    program: Program,
    /// Open `{`s (their command indexes).
    blocks: Vec<usize>,
    /// Branches with the label they jump to, resolved at the end.
    jumps: Vec<(usize, String)>,
    labels: Vec<(String, usize)>,
    /// An `a\`, `i\` or `c\` whose text starts in the next piece.
    pending_text: Option<usize>,
    first_piece: bool,
}

/// Reading one piece: its characters and how many have been read.
struct Cursor<'a> {
    chars: Vec<char>,
    pos: usize,
    source: &'a Source,
}

impl Cursor<'_> {
    fn peek(&self) -> Option<char> {
        self.chars.get(self.pos).copied()
    }

    fn next(&mut self) -> Option<char> {
        let c = self.peek();
        if c.is_some() {
            self.pos += 1;
        }
        c
    }

    fn skip_blanks(&mut self) {
        while matches!(self.peek(), Some(' ' | '\t')) {
            self.pos += 1;
        }
    }

    fn skip_whitespace(&mut self) {
        while matches!(self.peek(), Some(c) if c.is_whitespace()) {
            self.pos += 1;
        }
    }

    fn error(&self, message: &str) -> Error {
        self.error_at(self.pos, message)
    }

    fn error_at(&self, pos: usize, message: &str) -> Error {
        match self.source {
            Source::Expression(n) => format!("-e expression #{n}, char {pos}: {message}"),
            Source::File(name) => {
                let line = 1 + self.chars[..pos.min(self.chars.len())].iter().filter(|c| **c == '\n').count();
                format!("file {name} line {line}: {message}")
            }
        }
    }

    fn number(&mut self) -> usize {
        let mut n: usize = 0;
        while let Some(d) = self.peek().and_then(|c| c.to_digit(10)) {
            n = n.saturating_mul(10).saturating_add(d as usize);
            self.pos += 1;
        }
        n
    }

    /// Text up to an unescaped `delim`; `None` at the end of the piece or at a
    /// newline (only escaped newlines may appear inside).
    /// A bracket expression is read whole (the delimiter may appear inside it), so
    /// an unclosed `[` runs to the end, as in GNU sed.
    fn delimited(&mut self, delim: char) -> Option<String> {
        let mut out = String::new();
        loop {
            match self.next()? {
                c if c == delim => return Some(out),
                '[' => {
                    out.push('[');
                    self.bracket(&mut out)?;
                }
                '\\' => {
                    let c = self.next()?;
                    out.push('\\');
                    out.push(c);
                }
                '\n' => return None,
                c => out.push(c),
            }
        }
    }

    /// The rest of a bracket expression after its `[`: `^` and a leading `]` are
    /// part of it, `[:class:]` is read whole.
    fn bracket(&mut self, out: &mut String) -> Option<()> {
        if self.peek() == Some('^') {
            out.push('^');
            self.pos += 1;
        }
        if self.peek() == Some(']') {
            out.push(']');
            self.pos += 1;
        }
        loop {
            let c = self.next()?;
            out.push(c);
            match c {
                ']' => return Some(()),
                '[' if matches!(self.peek(), Some(':' | '.' | '=')) => {
                    let kind = self.next()?;
                    out.push(kind);
                    loop {
                        let c = self.next()?;
                        out.push(c);
                        if c == kind && self.peek() == Some(']') {
                            out.push(self.next()?);
                            break;
                        }
                    }
                }
                _ => {}
            }
        }
    }

    /// A label or file name: up to the end of the line (labels also stop at `;`).
    fn rest_of_line(&mut self, stop_at_semicolon: bool) -> String {
        let mut out = String::new();
        while let Some(c) = self.peek() {
            if c == '\n' || (stop_at_semicolon && c == ';') {
                break;
            }
            out.push(c);
            self.pos += 1;
        }
        if stop_at_semicolon {
            out.trim_end().to_string()
        } else {
            out
        }
    }
}

impl Compiler {
    pub fn new(extended: bool) -> Compiler {
        Compiler {
            extended,
            program: Program::default(),
            blocks: Vec::new(),
            jumps: Vec::new(),
            labels: Vec::new(),
            pending_text: None,
            first_piece: true,
        }
    }

    /// Compiles one piece of the script.
    pub fn piece(&mut self, text: &str, source: &Source) -> Result<(), Error> {
        let mut cur = Cursor { chars: text.chars().collect(), pos: 0, source };
        if self.first_piece && text.starts_with("#n") && matches!(cur.chars.get(2), None | Some('\n')) {
            self.program.quiet = true;
        }
        self.first_piece = false;
        if let Some(i) = self.pending_text.take() {
            let t = read_text(&mut cur);
            set_text(&mut self.program.commands[i].kind, t);
        }
        loop {
            cur.skip_whitespace();
            while cur.peek() == Some(';') {
                cur.pos += 1;
                cur.skip_whitespace();
            }
            if cur.peek().is_none() {
                return Ok(());
            }
            self.command(&mut cur)?;
        }
    }

    /// Resolves labels and checks every block was closed.
    pub fn finish(mut self, last: &Source) -> Result<Program, Error> {
        if !self.blocks.is_empty() {
            let cur = Cursor { chars: Vec::new(), pos: 0, source: last };
            return Err(cur.error("unmatched `{'"));
        }
        for (at, label) in std::mem::take(&mut self.jumps) {
            let Some(&(_, target)) = self.labels.iter().find(|(l, _)| *l == label) else {
                return Err(format!("can't find label for jump to `{label}'"));
            };
            match &mut self.program.commands[at].kind {
                Kind::Branch(t) | Kind::BranchIfSubst(t) | Kind::BranchUnlessSubst(t) => *t = Some(target),
                _ => {}
            }
        }
        if let Some(i) = self.pending_text {
            set_text(&mut self.program.commands[i].kind, String::new());
        }
        Ok(self.program)
    }

    fn syntax(&self) -> Syntax {
        Syntax { extended: self.extended, ..Syntax::default() }
    }

    fn address(&mut self, cur: &mut Cursor) -> Result<Option<Addr>, Error> {
        match cur.peek() {
            Some('/' | '\\') => Ok(Some(Addr::Match(self.address_regex(cur)?))),
            Some(c) if c.is_ascii_digit() => {
                let n = cur.number();
                cur.skip_blanks();
                if cur.peek() == Some('~') {
                    cur.pos += 1;
                    cur.skip_blanks();
                    let step = cur.number();
                    return Ok(Some(Addr::Step(n, step)));
                }
                Ok(Some(if n == 0 { Addr::Zero } else { Addr::Line(n) }))
            }
            Some('$') => {
                cur.pos += 1;
                Ok(Some(Addr::Last))
            }
            _ => Ok(None),
        }
    }

    fn address_regex(&mut self, cur: &mut Cursor) -> Result<Pattern, Error> {
        let mut delim = cur.next().unwrap_or('/');
        if delim == '\\' {
            delim = cur.next().ok_or_else(|| cur.error("unexpected `,'"))?;
        }
        let Some(text) = cur.delimited(delim) else { return Err(cur.error("unterminated address regex")) };
        let mut syntax = self.syntax();
        loop {
            match cur.peek() {
                Some('I') => syntax.icase = true,
                Some('M') => syntax.multiline = true,
                _ => break,
            }
            cur.pos += 1;
        }
        pattern(cur, &text, delim, syntax)
    }

    fn command(&mut self, cur: &mut Cursor) -> Result<(), Error> {
        let a1 = self.address(cur)?;
        let mut a2 = None;
        if a1.is_some() {
            cur.skip_blanks();
            if cur.peek() == Some(',') {
                cur.pos += 1;
                cur.skip_blanks();
                a2 = Some(match cur.peek() {
                    Some('+') | Some('~') => {
                        let c = cur.next();
                        let n = cur.number();
                        if c == Some('+') {
                            EndAddr::Plus(n)
                        } else {
                            EndAddr::Multiple(n)
                        }
                    }
                    _ => match self.address(cur)? {
                        Some(Addr::Line(n)) => EndAddr::Line(n),
                        Some(Addr::Zero) => return Err(cur.error("invalid usage of line address 0")),
                        Some(Addr::Last) => EndAddr::Last,
                        Some(Addr::Match(p)) => EndAddr::Match(p),
                        Some(Addr::Step(n, _)) => EndAddr::Line(n),
                        None => return Err(cur.error("unexpected `,'")),
                    },
                });
            }
        }
        cur.skip_blanks();
        let mut negate = false;
        while cur.peek() == Some('!') {
            cur.pos += 1;
            if negate {
                return Err(cur.error("multiple `!'s"));
            }
            negate = true;
            cur.skip_whitespace();
        }
        let Some(c) = cur.next() else { return Err(cur.error("missing command")) };
        if matches!(a1, Some(Addr::Zero)) && !matches!(a2, Some(EndAddr::Match(_))) {
            return Err(cur.error("invalid usage of line address 0"));
        }
        let has_address = a1.is_some();
        let index = self.program.commands.len();
        let kind = match c {
            '{' => {
                self.blocks.push(index);
                Kind::Block(usize::MAX)
            }
            '}' => {
                let Some(open) = self.blocks.pop() else { return Err(cur.error("unexpected `}'")) };
                if has_address {
                    return Err(cur.error("} doesn't want any addresses"));
                }
                self.program.commands[open].kind = Kind::Block(index);
                self.end_of_command(cur)?;
                Kind::EndBlock
            }
            '#' => {
                if has_address {
                    return Err(cur.error("comments don't accept any addresses"));
                }
                cur.rest_of_line(false);
                return Ok(());
            }
            ':' => {
                if has_address {
                    return Err(cur.error(": doesn't want any addresses"));
                }
                cur.skip_blanks();
                let label = cur.rest_of_line(true);
                if label.is_empty() {
                    return Err(cur.error("\":\" lacks a label"));
                }
                self.labels.push((label, index));
                Kind::Label
            }
            'a' | 'i' | 'c' => {
                cur.skip_blanks();
                match cur.peek() {
                    None => return Err(cur.error("expected \\ after `a', `c' or `i'")),
                    Some('\\') => {
                        cur.pos += 1;
                        if cur.peek().is_none() {
                            self.pending_text = Some(index);
                        } else if cur.peek() == Some('\n') {
                            cur.pos += 1;
                        } else {
                            cur.skip_blanks();
                        }
                    }
                    Some(_) => {}
                }
                let text = if self.pending_text == Some(index) { String::new() } else { read_text(cur) };
                match c {
                    'a' => Kind::Append(text),
                    'i' => Kind::Insert(text),
                    _ => Kind::Change(text),
                }
            }
            's' => Kind::Subst(Box::new(self.substitute(cur)?)),
            'y' => Kind::Translate(self.translate(cur)?),
            'b' | 't' | 'T' => {
                cur.skip_blanks();
                let label = cur.rest_of_line(true);
                if !label.is_empty() {
                    self.jumps.push((index, label));
                }
                match c {
                    'b' => Kind::Branch(None),
                    't' => Kind::BranchIfSubst(None),
                    _ => Kind::BranchUnlessSubst(None),
                }
            }
            'q' | 'Q' | 'l' | 'L' => {
                cur.skip_blanks();
                let n = cur.peek().is_some_and(|c| c.is_ascii_digit()).then(|| cur.number());
                self.end_of_command(cur)?;
                match c {
                    'q' => Kind::Quit(n.unwrap_or(0) as i32),
                    'Q' => Kind::QuitSilently(n.unwrap_or(0) as i32),
                    _ => Kind::List(n),
                }
            }
            'r' | 'R' | 'w' | 'W' => {
                cur.skip_blanks();
                let name = cur.rest_of_line(false);
                if name.is_empty() {
                    return Err(cur.error("missing filename in r/R/w/W commands"));
                }
                if c == 'r' || c == 'R' {
                    Kind::ReadFile(name)
                } else {
                    Kind::Write(name)
                }
            }
            '=' | 'd' | 'D' | 'p' | 'P' | 'n' | 'N' | 'h' | 'H' | 'g' | 'G' | 'x' | 'z' | 'F' => {
                self.end_of_command(cur)?;
                match c {
                    '=' => Kind::LineNumber,
                    'd' => Kind::Delete,
                    'D' => Kind::DeleteFirst,
                    'p' => Kind::Print,
                    'P' => Kind::PrintFirst,
                    'n' => Kind::Next,
                    'N' => Kind::NextAppend,
                    'h' => Kind::Hold,
                    'H' => Kind::HoldAppend,
                    'g' => Kind::Get,
                    'G' => Kind::GetAppend,
                    'x' => Kind::Exchange,
                    'z' => Kind::Zap,
                    _ => Kind::FileName,
                }
            }
            other => return Err(cur.error(&format!("unknown command: `{other}'"))),
        };
        self.program.commands.push(Command { a1, a2, negate, kind });
        Ok(())
    }

    /// After a command without arguments: only blanks, then `;`, a newline, `}` or `#`.
    fn end_of_command(&mut self, cur: &mut Cursor) -> Result<(), Error> {
        cur.skip_blanks();
        match cur.peek() {
            None | Some('}' | '#') => Ok(()),
            Some('\n' | ';') => {
                cur.pos += 1;
                Ok(())
            }
            Some(_) => {
                cur.pos += 1;
                Err(cur.error("extra characters after command"))
            }
        }
    }

    fn substitute(&mut self, cur: &mut Cursor) -> Result<Subst, Error> {
        let unterminated = "unterminated `s' command";
        let delim = match cur.next() {
            Some(d) if d != '\n' && d != '\\' => d,
            _ => return Err(cur.error(unterminated)),
        };
        let Some(pat) = cur.delimited(delim) else { return Err(cur.error(unterminated)) };
        let Some(repl) = cur.delimited(delim) else { return Err(cur.error(unterminated)) };
        let mut syntax = self.syntax();
        let mut which = Occurrence { nth: 1, global: false };
        let (mut print, mut numbered) = (false, false);
        let mut write = None;
        loop {
            match cur.next() {
                None => break,
                Some('g') if which.global => return Err(cur.error("multiple `g' options to `s' command")),
                Some('g') => which.global = true,
                Some('p') if print => return Err(cur.error("multiple `p' options to `s' command")),
                Some('p') => print = true,
                Some('i' | 'I') => syntax.icase = true,
                Some('m' | 'M') => syntax.multiline = true,
                Some(d) if d.is_ascii_digit() => {
                    if numbered {
                        return Err(cur.error("multiple number options to `s' command"));
                    }
                    cur.pos -= 1;
                    let n = cur.number();
                    if n == 0 {
                        return Err(cur.error("number option to `s' command may not be zero"));
                    }
                    which.nth = n;
                    numbered = true;
                }
                Some('w') => {
                    cur.skip_blanks();
                    let name = cur.rest_of_line(false);
                    if name.is_empty() {
                        return Err(cur.error("missing filename in r/R/w/W commands"));
                    }
                    write = Some(name);
                    break;
                }
                Some('}' | '#') => {
                    cur.pos -= 1;
                    break;
                }
                Some('\n' | ';') => break,
                Some(' ' | '\t') => {}
                Some(_) => return Err(cur.error("unknown option to `s'")),
            }
        }
        let pattern = pattern(cur, &pat, delim, syntax)?;
        let replacement = regex::parse_replacement(&repl, delim);
        let wanted = regex::max_reference(&replacement);
        if let Pattern::Re(re) = &pattern {
            if wanted > regex::group_count(re) {
                return Err(cur.error(&format!("invalid reference \\{wanted} on `s' command's RHS")));
            }
        }
        Ok(Subst { pattern, replacement, which, print, write })
    }

    fn translate(&mut self, cur: &mut Cursor) -> Result<Vec<(char, char)>, Error> {
        let unterminated = "unterminated `y' command";
        let delim = match cur.next() {
            Some(d) if d != '\n' && d != '\\' => d,
            _ => return Err(cur.error(unterminated)),
        };
        let Some(from) = cur.delimited(delim) else { return Err(cur.error(unterminated)) };
        let Some(to) = cur.delimited(delim) else { return Err(cur.error(unterminated)) };
        let (from, to) = (y_chars(&from, delim), y_chars(&to, delim));
        if from.len() != to.len() {
            return Err(cur.error("strings for `y' command are different lengths"));
        }
        self.end_of_command(cur)?;
        Ok(from.into_iter().zip(to).collect())
    }
}

fn pattern(cur: &Cursor, text: &str, delim: char, syntax: Syntax) -> Result<Pattern, Error> {
    if text.is_empty() {
        return Ok(Pattern::Last);
    }
    match regex::compile(text, delim, syntax) {
        Some(re) => Ok(Pattern::Re(re)),
        None => Err(cur.error(regex::compile_error(text, syntax.extended))),
    }
}

/// The characters of a `y` operand: `\\`, `\n` and the escaped delimiter are escapes.
fn y_chars(text: &str, delim: char) -> Vec<char> {
    let mut out = Vec::new();
    let mut chars = text.chars();
    while let Some(c) = chars.next() {
        if c == '\\' {
            match chars.next() {
                Some('n') => out.push('\n'),
                Some('t') => out.push('\t'),
                Some('\\') => out.push('\\'),
                Some(d) if d == delim => out.push(d),
                Some(other) => {
                    out.push('\\');
                    out.push(other);
                }
                None => out.push('\\'),
            }
        } else {
            out.push(c);
        }
    }
    out
}

/// The text of `a`, `i` or `c`: up to an unescaped newline; a backslash keeps the
/// next character (an escaped newline continues the text on the next line).
fn read_text(cur: &mut Cursor) -> String {
    let mut out = String::new();
    while let Some(c) = cur.next() {
        match c {
            '\\' => match cur.next() {
                Some(n) => out.push(n),
                None => break,
            },
            '\n' => break,
            c => out.push(c),
        }
    }
    out.push('\n');
    out
}

fn set_text(kind: &mut Kind, text: String) {
    match kind {
        Kind::Append(t) | Kind::Insert(t) | Kind::Change(t) => *t = text,
        _ => {}
    }
}
