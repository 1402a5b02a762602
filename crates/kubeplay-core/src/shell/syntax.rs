//! The command language, as bash reads it: text becomes words (with their quoting
//! kept, because expansion depends on it), operators and here-documents, then a list
//! of and-or lists of pipelines of simple commands.
//!
//! Input may span several lines (a pasted script, a here-document): [`parse`] says
//! [`ParseError::Incomplete`] while more lines are needed, which is when an
//! interactive shell shows its `> ` continuation prompt. Aliases are expanded while
//! parsing, as bash does, so an alias may hold a pipeline.

use std::collections::BTreeMap;

/// One piece of a word; the quoting decides what expansion does with it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Part {
    /// Unquoted text: globbing applies.
    Lit(String),
    /// Text whose quoting (`'…'`, `\x`, `$'…'`) makes it literal.
    Quoted(String),
    /// `"…"`: parameters and commands expand inside, but no splitting or globbing.
    Double(Vec<Part>),
    /// `$NAME`, `${NAME}`, `${NAME:-word}`, `${#NAME}`, `$?` …
    Param(Param),
    /// `$(…)` or `` `…` ``: the source text of the command.
    Command(String),
    /// `$((…))`: the expression text.
    Arith(String),
    /// A leading unquoted `~` (followed by `/` or nothing).
    Tilde,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Param {
    pub name: String,
    pub op: ParamOp,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ParamOp {
    Plain,
    /// `${#NAME}`
    Length,
    /// `${NAME:-word}` (`colon`: also when set but empty) and `${NAME-word}`.
    Default { colon: bool, word: Word },
    /// `${NAME:=word}`
    Assign { colon: bool, word: Word },
    /// `${NAME:+word}`
    Alternative { colon: bool, word: Word },
}

pub type Word = Vec<Part>;

/// The word's text when it is one plain unquoted literal (command names, keywords).
pub fn plain(word: &Word) -> Option<&str> {
    match word.as_slice() {
        [Part::Lit(s)] => Some(s),
        _ => None,
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum RedirectOp {
    /// `>` (and `>|`)
    Out,
    /// `>>`
    Append,
    /// `<`
    In,
    /// `>&N` / `<&N`, or `>&-`
    Dup,
    /// `&>` and `&>>`: stdout and stderr to one file.
    OutErr { append: bool },
    /// `<<` / `<<-`: the body is read from the lines after the command.
    HereDoc { body: String, expand: bool },
    /// `<<<`
    HereString,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Redirect {
    pub fd: u32,
    pub op: RedirectOp,
    /// The file name, the fd to duplicate, or the here-string (empty for here-docs).
    pub target: Word,
}

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct SimpleCommand {
    pub assignments: Vec<(String, Word)>,
    pub words: Vec<Word>,
    pub redirects: Vec<Redirect>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Pipeline {
    /// `! cmd`: the status is negated.
    pub negate: bool,
    pub commands: Vec<SimpleCommand>,
    /// `|&` after command i: its stderr goes into the pipe too.
    pub stderr_piped: Vec<bool>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Connector {
    And,
    Or,
}

/// `a && b || c`: the first pipeline, then each with the operator before it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AndOr {
    pub first: Pipeline,
    pub rest: Vec<(Connector, Pipeline)>,
    /// Ended by `&`: run as a background job.
    pub background: bool,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ParseError {
    /// More lines are needed (open here-document, trailing `|`, `&&`, `\`).
    Incomplete,
    /// bash's message after `bash: ` (e.g. ``syntax error near unexpected token `|'``).
    Syntax(String),
    /// A part of the language kubeplay does not simulate (e.g. `for` loops).
    Unsupported(String),
}

/// What parsing a complete input gives: the commands, and warnings bash prints
/// before running them (a here-document cut short by the end of input).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Program {
    pub items: Vec<AndOr>,
    pub warnings: Vec<String>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
enum Tok {
    Word(Word, String),
    IoNumber(u32),
    Op(&'static str),
    Newline,
    /// The index into the here-document bodies of a `<<` / `<<-` whose delimiter follows.
    HereDoc(usize),
}

const OPERATORS: &[&str] = &[
    "&>>", "<<<", "<<-", "&&", "||", "|&", ";;", ">>", "<<", ">&", "<&", "&>", ">|", "|", "&", ";", "<", ">", "(", ")",
];

/// Parses `text`. `at_eof` says no more input will come: an open here-document then
/// ends at the end (with bash's warning) instead of asking for more lines.
pub fn parse(text: &str, aliases: &BTreeMap<String, String>, at_eof: bool) -> Result<Program, ParseError> {
    let mut lexer = Lexer { chars: text.chars().collect(), pos: 0, heredocs: Vec::new(), pending: Vec::new(), warnings: Vec::new(), at_eof, line: 1 };
    let tokens = lexer.tokens()?;
    let mut parser = Parser { tokens, pos: 0, heredocs: lexer.heredocs, aliases, at_eof };
    let items = parser.list()?;
    Ok(Program { items, warnings: lexer.warnings })
}

/// Splits an alias value or other text into tokens without here-documents.
fn tokens_of(text: &str) -> Result<Vec<Tok>, ParseError> {
    let mut lexer = Lexer { chars: text.chars().collect(), pos: 0, heredocs: Vec::new(), pending: Vec::new(), warnings: Vec::new(), at_eof: true, line: 1 };
    lexer.tokens()
}

/// Parses the inside of a word that is not split into tokens: the word of
/// `${NAME:-word}` or a here-document body to expand (`in_heredoc`: quotes are plain
/// characters, only `$`, `` ` `` and `\` are special).
pub fn parse_inner_word(text: &str, in_heredoc: bool) -> Word {
    let mut lexer = Lexer { chars: text.chars().collect(), pos: 0, heredocs: Vec::new(), pending: Vec::new(), warnings: Vec::new(), at_eof: true, line: 1 };
    let mut parts = Vec::new();
    let mut lit = String::new();
    while let Some(c) = lexer.peek() {
        match c {
            '\\' => {
                lexer.pos += 1;
                match lexer.peek() {
                    Some(n @ ('$' | '`' | '\\')) => {
                        lexer.pos += 1;
                        lit.push(n);
                    }
                    Some('\n') => lexer.pos += 1,
                    Some('"') if !in_heredoc => {
                        lexer.pos += 1;
                        lit.push('"');
                    }
                    _ => lit.push('\\'),
                }
            }
            '$' | '`' => {
                flush(&mut lit, &mut parts, true);
                match lexer.dollar_or_backtick() {
                    Ok(Some(p)) => parts.push(p),
                    Ok(None) => lit.push('$'),
                    Err(_) => {
                        // An unclosed `${` or `$(` inside: keep the rest as text.
                        lit.extend(&lexer.chars[lexer.pos..]);
                        lexer.pos = lexer.chars.len();
                    }
                }
            }
            '"' if !in_heredoc => {
                lexer.pos += 1;
                if let Ok(inner) = lexer.double_quoted() {
                    flush(&mut lit, &mut parts, true);
                    parts.push(Part::Double(inner));
                }
            }
            '\'' if !in_heredoc => {
                lexer.pos += 1;
                match lexer.single_quoted() {
                    Ok(s) => {
                        flush(&mut lit, &mut parts, true);
                        parts.push(Part::Quoted(s));
                    }
                    Err(_) => lit.push('\''),
                }
            }
            c => {
                lexer.pos += 1;
                lit.push(c);
            }
        }
    }
    flush(&mut lit, &mut parts, true);
    parts
}

fn flush(lit: &mut String, parts: &mut Vec<Part>, quoted: bool) {
    if !lit.is_empty() {
        let s = std::mem::take(lit);
        parts.push(if quoted { Part::Quoted(s) } else { Part::Lit(s) });
    }
}

struct PendingHereDoc {
    index: usize,
    delimiter: String,
    strip_tabs: bool,
}

struct Lexer {
    chars: Vec<char>,
    pos: usize,
    /// Bodies of here-documents, filled when the line holding their operator ends.
    heredocs: Vec<(String, bool)>,
    pending: Vec<PendingHereDoc>,
    warnings: Vec<String>,
    at_eof: bool,
    line: usize,
}

impl Lexer {
    fn peek(&self) -> Option<char> {
        self.chars.get(self.pos).copied()
    }

    fn peek_at(&self, n: usize) -> Option<char> {
        self.chars.get(self.pos + n).copied()
    }

    fn tokens(&mut self) -> Result<Vec<Tok>, ParseError> {
        let mut toks = Vec::new();
        let mut expect_delimiter: Option<bool> = None;
        loop {
            // Blanks and comments.
            while matches!(self.peek(), Some(' ' | '\t')) {
                self.pos += 1;
            }
            let Some(c) = self.peek() else { break };
            if c == '#' {
                while !matches!(self.peek(), None | Some('\n')) {
                    self.pos += 1;
                }
                continue;
            }
            if c == '\\' && self.peek_at(1) == Some('\n') {
                self.pos += 2;
                self.line += 1;
                continue;
            }
            if c == '\\' && self.peek_at(1).is_none() {
                if !self.at_eof {
                    return Err(ParseError::Incomplete);
                }
                self.pos += 1;
                continue;
            }
            if c == '\n' {
                self.pos += 1;
                if expect_delimiter.is_some() {
                    return Err(ParseError::Syntax("syntax error near unexpected token `newline'".into()));
                }
                toks.push(Tok::Newline);
                self.read_heredoc_bodies()?;
                self.line += 1;
                continue;
            }
            if let Some(op) = OPERATORS.iter().find(|op| self.starts_with(op)) {
                if let Some(strip) = expect_delimiter {
                    let _ = strip;
                    return Err(ParseError::Syntax(format!("syntax error near unexpected token `{op}'")));
                }
                self.pos += op.chars().count();
                if *op == "<<" || *op == "<<-" {
                    let index = self.heredocs.len();
                    self.heredocs.push((String::new(), true));
                    toks.push(Tok::HereDoc(index));
                    expect_delimiter = Some(*op == "<<-");
                } else {
                    toks.push(Tok::Op(op));
                }
                continue;
            }
            let start = self.pos;
            let word = self.word()?;
            let raw: String = self.chars[start..self.pos].iter().collect();
            if let Some(strip_tabs) = expect_delimiter.take() {
                let quoted = raw.contains(['\'', '"', '\\']);
                let delimiter = unquote_delimiter(&raw);
                if let Some(Tok::HereDoc(index)) = toks.last() {
                    self.pending.push(PendingHereDoc { index: *index, delimiter, strip_tabs });
                    self.heredocs[*index].1 = !quoted;
                }
                continue;
            }
            // `2>`: a number right before a redirection is the fd it redirects.
            if raw.chars().all(|c| c.is_ascii_digit()) && matches!(self.peek(), Some('<' | '>')) {
                if let Ok(n) = raw.parse() {
                    toks.push(Tok::IoNumber(n));
                    continue;
                }
            }
            toks.push(Tok::Word(word, raw));
        }
        if expect_delimiter.is_some() {
            return Err(ParseError::Syntax("syntax error near unexpected token `newline'".into()));
        }
        if !self.pending.is_empty() {
            if !self.at_eof {
                return Err(ParseError::Incomplete);
            }
            for p in std::mem::take(&mut self.pending) {
                self.warnings.push(format!("bash: warning: here-document at line {} delimited by end-of-file (wanted `{}')", self.line, p.delimiter));
            }
        }
        Ok(toks)
    }

    fn starts_with(&self, s: &str) -> bool {
        s.chars().enumerate().all(|(i, c)| self.peek_at(i) == Some(c))
    }

    /// Reads the bodies of the here-documents opened on the line that just ended.
    fn read_heredoc_bodies(&mut self) -> Result<(), ParseError> {
        for p in std::mem::take(&mut self.pending) {
            let mut body = String::new();
            let mut found = false;
            while self.pos < self.chars.len() {
                let end = self.chars[self.pos..].iter().position(|&c| c == '\n').map(|i| self.pos + i);
                let line: String = self.chars[self.pos..end.unwrap_or(self.chars.len())].iter().collect();
                if end.is_none() && !self.at_eof && line.trim_start_matches('\t') != p.delimiter {
                    // The last line is still being typed.
                    return Err(ParseError::Incomplete);
                }
                self.pos = end.map(|e| e + 1).unwrap_or(self.chars.len());
                self.line += 1;
                let line = if p.strip_tabs { line.trim_start_matches('\t').to_string() } else { line };
                if line == p.delimiter {
                    found = true;
                    break;
                }
                body.push_str(&line);
                body.push('\n');
            }
            if !found {
                if !self.at_eof {
                    return Err(ParseError::Incomplete);
                }
                self.warnings.push(format!("bash: warning: here-document at line {} delimited by end-of-file (wanted `{}')", self.line, p.delimiter));
            }
            self.heredocs[p.index].0 = body;
        }
        Ok(())
    }

    /// One word, up to a blank, newline or operator character outside quotes.
    fn word(&mut self) -> Result<Word, ParseError> {
        let mut parts = Vec::new();
        let mut lit = String::new();
        let start = self.pos;
        while let Some(c) = self.peek() {
            match c {
                ' ' | '\t' | '\n' | '|' | '&' | ';' | '<' | '>' | '(' | ')' => break,
                '~' if self.pos == start && matches!(self.peek_at(1), None | Some('/' | ' ' | '\t' | '\n' | ';' | '|' | '&' | ')')) => {
                    self.pos += 1;
                    parts.push(Part::Tilde);
                }
                '\\' => {
                    self.pos += 1;
                    match self.peek() {
                        Some('\n') => {
                            self.pos += 1;
                            self.line += 1;
                        }
                        Some(n) => {
                            self.pos += 1;
                            flush(&mut lit, &mut parts, false);
                            push_quoted(&mut parts, n);
                        }
                        None => {
                            if !self.at_eof {
                                return Err(ParseError::Incomplete);
                            }
                        }
                    }
                }
                '\'' => {
                    self.pos += 1;
                    let s = self.single_quoted()?;
                    flush(&mut lit, &mut parts, false);
                    parts.push(Part::Quoted(s));
                }
                '"' => {
                    self.pos += 1;
                    let inner = self.double_quoted()?;
                    flush(&mut lit, &mut parts, false);
                    parts.push(Part::Double(inner));
                }
                '$' if self.peek_at(1) == Some('\'') => {
                    self.pos += 2;
                    let s = self.ansi_c_quoted()?;
                    flush(&mut lit, &mut parts, false);
                    parts.push(Part::Quoted(s));
                }
                '$' | '`' => {
                    flush(&mut lit, &mut parts, false);
                    match self.dollar_or_backtick()? {
                        Some(p) => parts.push(p),
                        None => lit.push('$'),
                    }
                }
                c => {
                    self.pos += 1;
                    lit.push(c);
                }
            }
        }
        flush(&mut lit, &mut parts, false);
        Ok(parts)
    }

    /// A quote still open at the end: more lines may close it (bash shows `> `), unless
    /// the input has ended.
    fn unterminated(&self, quote: char) -> ParseError {
        if !self.at_eof {
            return ParseError::Incomplete;
        }
        ParseError::Syntax(format!("unexpected EOF while looking for matching `{quote}'"))
    }

    /// After an opening `'`: everything up to the next `'`.
    fn single_quoted(&mut self) -> Result<String, ParseError> {
        let mut s = String::new();
        loop {
            match self.peek() {
                None => return Err(self.unterminated('\'')),
                Some('\'') => {
                    self.pos += 1;
                    return Ok(s);
                }
                Some(c) => {
                    self.pos += 1;
                    s.push(c);
                }
            }
        }
    }

    /// After an opening `$'`: C escapes (`\n`, `\t`, `\\`, `\'`, `\xHH`, …).
    fn ansi_c_quoted(&mut self) -> Result<String, ParseError> {
        let mut s = String::new();
        loop {
            match self.peek() {
                None => return Err(self.unterminated('\'')),
                Some('\'') => {
                    self.pos += 1;
                    return Ok(s);
                }
                Some('\\') => {
                    self.pos += 1;
                    let Some(n) = self.peek() else { return Err(self.unterminated('\'')) };
                    self.pos += 1;
                    match n {
                        'n' => s.push('\n'),
                        't' => s.push('\t'),
                        'r' => s.push('\r'),
                        'a' => s.push('\x07'),
                        'b' => s.push('\x08'),
                        'e' | 'E' => s.push('\x1b'),
                        'f' => s.push('\x0c'),
                        'v' => s.push('\x0b'),
                        '0' => s.push('\0'),
                        'x' => {
                            let hex: String = self.chars[self.pos..].iter().take(2).take_while(|c| c.is_ascii_hexdigit()).collect();
                            self.pos += hex.len();
                            match u32::from_str_radix(&hex, 16).ok().and_then(char::from_u32) {
                                Some(ch) => s.push(ch),
                                None => s.push_str("\\x"),
                            }
                        }
                        '\\' | '\'' | '"' | '?' => s.push(n),
                        other => {
                            s.push('\\');
                            s.push(other);
                        }
                    }
                }
                Some(c) => {
                    self.pos += 1;
                    s.push(c);
                }
            }
        }
    }

    /// After an opening `"`: text, `$…` and `` `…` `` up to the closing `"`.
    fn double_quoted(&mut self) -> Result<Vec<Part>, ParseError> {
        let mut parts = Vec::new();
        let mut lit = String::new();
        loop {
            match self.peek() {
                None => return Err(self.unterminated('"')),
                Some('"') => {
                    self.pos += 1;
                    flush(&mut lit, &mut parts, true);
                    return Ok(parts);
                }
                Some('\\') => {
                    self.pos += 1;
                    match self.peek() {
                        Some(n @ ('$' | '`' | '"' | '\\')) => {
                            self.pos += 1;
                            lit.push(n);
                        }
                        Some('\n') => {
                            self.pos += 1;
                            self.line += 1;
                        }
                        _ => lit.push('\\'),
                    }
                }
                Some('$' | '`') => {
                    flush(&mut lit, &mut parts, true);
                    match self.dollar_or_backtick()? {
                        Some(p) => parts.push(p),
                        None => lit.push('$'),
                    }
                }
                Some(c) => {
                    if c == '\n' {
                        self.line += 1;
                    }
                    self.pos += 1;
                    lit.push(c);
                }
            }
        }
    }

    /// At `$` or `` ` ``: a parameter, command substitution or arithmetic; `None` for
    /// a `$` that starts nothing (it stays a literal `$`).
    fn dollar_or_backtick(&mut self) -> Result<Option<Part>, ParseError> {
        if self.peek() == Some('`') {
            self.pos += 1;
            let mut s = String::new();
            loop {
                match self.peek() {
                    None => return Err(self.unterminated('`')),
                    Some('`') => {
                        self.pos += 1;
                        return Ok(Some(Part::Command(s)));
                    }
                    Some('\\') if matches!(self.peek_at(1), Some('`' | '\\' | '$')) => {
                        s.push(self.chars[self.pos + 1]);
                        self.pos += 2;
                    }
                    Some(c) => {
                        self.pos += 1;
                        s.push(c);
                    }
                }
            }
        }
        self.pos += 1; // the `$`
        match self.peek() {
            Some('(') if self.peek_at(1) == Some('(') => {
                self.pos += 2;
                let inner = self.balanced(')')?;
                // `$(( … ))`: the inner text ends with the first of the two `)`.
                if self.peek() == Some(')') {
                    self.pos += 1;
                    Ok(Some(Part::Arith(inner)))
                } else {
                    Ok(Some(Part::Command(format!("({inner})"))))
                }
            }
            Some('(') => {
                self.pos += 1;
                Ok(Some(Part::Command(self.balanced(')')?)))
            }
            Some('{') => {
                self.pos += 1;
                let inner = self.balanced('}')?;
                braced_param(&inner).map(|p| Some(Part::Param(p)))
            }
            Some(c) if c == '_' || c.is_ascii_alphabetic() => {
                let mut name = String::new();
                while let Some(c) = self.peek().filter(|c| *c == '_' || c.is_ascii_alphanumeric()) {
                    name.push(c);
                    self.pos += 1;
                }
                Ok(Some(Part::Param(Param { name, op: ParamOp::Plain })))
            }
            Some(c @ ('?' | '$' | '#' | '@' | '*' | '!' | '-' | '0'..='9')) => {
                self.pos += 1;
                Ok(Some(Part::Param(Param { name: c.to_string(), op: ParamOp::Plain })))
            }
            _ => Ok(None),
        }
    }

    /// The text up to the `close` that balances an already consumed opener, skipping
    /// quoted parts; the closer is consumed.
    fn balanced(&mut self, close: char) -> Result<String, ParseError> {
        let open = if close == ')' { '(' } else { '{' };
        let mut depth = 0;
        let mut s = String::new();
        loop {
            let Some(c) = self.peek() else {
                return Err(if self.at_eof { self.unterminated(close) } else { ParseError::Incomplete });
            };
            self.pos += 1;
            match c {
                '\'' if close == ')' => {
                    s.push('\'');
                    s.push_str(&self.single_quoted()?);
                    s.push('\'');
                    continue;
                }
                '"' => {
                    let start = self.pos;
                    self.double_quoted()?;
                    s.push('"');
                    s.extend(&self.chars[start..self.pos]);
                    continue;
                }
                '\\' => {
                    s.push('\\');
                    if let Some(n) = self.peek() {
                        self.pos += 1;
                        s.push(n);
                    }
                    continue;
                }
                c if c == open => depth += 1,
                c if c == close => {
                    if depth == 0 {
                        return Ok(s);
                    }
                    depth -= 1;
                }
                _ => {}
            }
            s.push(c);
        }
    }
}

fn push_quoted(parts: &mut Vec<Part>, c: char) {
    if let Some(Part::Quoted(s)) = parts.last_mut() {
        s.push(c);
    } else {
        parts.push(Part::Quoted(c.to_string()));
    }
}

/// The inside of `${…}`.
fn braced_param(inner: &str) -> Result<Param, ParseError> {
    let bad = || ParseError::Syntax(format!("${{{inner}}}: bad substitution"));
    if let Some(name) = inner.strip_prefix('#').filter(|n| !n.is_empty()) {
        return if is_name(name) { Ok(Param { name: name.into(), op: ParamOp::Length }) } else { Err(bad()) };
    }
    let end = inner
        .char_indices()
        .find(|(i, c)| !(*c == '_' || c.is_ascii_alphanumeric() || (*i == 0 && "?$#@*!-".contains(*c))))
        .map(|(i, _)| i)
        .unwrap_or(inner.len());
    let (name, rest) = inner.split_at(end);
    if name.is_empty() {
        return Err(bad());
    }
    let name = name.to_string();
    if rest.is_empty() {
        return Ok(Param { name, op: ParamOp::Plain });
    }
    let (colon, rest) = match rest.strip_prefix(':') {
        Some(r) => (true, r),
        None => (false, rest),
    };
    let mut chars = rest.chars();
    let kind = chars.next().ok_or_else(bad)?;
    let word = parse_inner_word(chars.as_str(), false);
    let op = match kind {
        '-' => ParamOp::Default { colon, word },
        '=' => ParamOp::Assign { colon, word },
        '+' => ParamOp::Alternative { colon, word },
        _ => return Err(bad()),
    };
    Ok(Param { name, op })
}

/// The deepest nesting of brackets in `text`, quotes ignored. Parsers and
/// evaluators here recurse per level, so input nested beyond [`MAX_NESTING`] is
/// refused before it could exhaust the stack.
pub fn nesting_depth(text: &str) -> usize {
    let mut depth: usize = 0;
    let mut max = 0;
    for c in text.chars() {
        match c {
            '(' | '[' | '{' => {
                depth += 1;
                max = max.max(depth);
            }
            ')' | ']' | '}' => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    max
}

pub const MAX_NESTING: usize = 32;

pub fn is_name(s: &str) -> bool {
    let mut chars = s.chars();
    matches!(chars.next(), Some(c) if c == '_' || c.is_ascii_alphabetic()) && chars.all(|c| c == '_' || c.is_ascii_alphanumeric())
}

/// A here-document delimiter with its quotes removed (`'EOF'`, `"EOF"`, `\EOF`).
fn unquote_delimiter(raw: &str) -> String {
    let mut s = String::new();
    let mut chars = raw.chars();
    let mut quote: Option<char> = None;
    while let Some(c) = chars.next() {
        match (quote, c) {
            (None, '\'' | '"') => quote = Some(c),
            (Some(q), c) if c == q => quote = None,
            (None, '\\') => s.extend(chars.next()),
            (_, c) => s.push(c),
        }
    }
    s
}

/// bash's reserved words that begin compound commands kubeplay does not run.
const COMPOUND_KEYWORDS: &[&str] = &["if", "for", "while", "until", "case", "select", "function", "{", "[["];
const CLOSING_KEYWORDS: &[&str] = &["then", "else", "elif", "fi", "do", "done", "esac", "}", "in"];

struct Parser<'a> {
    tokens: Vec<Tok>,
    pos: usize,
    heredocs: Vec<(String, bool)>,
    aliases: &'a BTreeMap<String, String>,
    at_eof: bool,
}

impl Parser<'_> {
    fn peek(&self) -> Option<&Tok> {
        self.tokens.get(self.pos)
    }

    fn unexpected(&self, tok: Option<&Tok>) -> ParseError {
        match tok {
            None => {
                if self.at_eof {
                    ParseError::Syntax("syntax error: unexpected end of file".into())
                } else {
                    ParseError::Incomplete
                }
            }
            Some(t) => ParseError::Syntax(format!("syntax error near unexpected token `{}'", tok_text(t))),
        }
    }

    fn skip_newlines(&mut self) {
        while self.peek() == Some(&Tok::Newline) {
            self.pos += 1;
        }
    }

    fn list(&mut self) -> Result<Vec<AndOr>, ParseError> {
        let mut items = Vec::new();
        loop {
            self.skip_newlines();
            if self.peek().is_none() {
                return Ok(items);
            }
            items.push(self.and_or()?);
            match self.peek() {
                None => return Ok(items),
                Some(Tok::Op("&")) => {
                    if let Some(last) = items.last_mut() {
                        last.background = true;
                    }
                    self.pos += 1;
                }
                Some(Tok::Newline) | Some(Tok::Op(";")) => {
                    self.pos += 1;
                }
                t => return Err(self.unexpected(t)),
            }
        }
    }

    fn and_or(&mut self) -> Result<AndOr, ParseError> {
        let first = self.pipeline()?;
        let mut rest = Vec::new();
        loop {
            let conn = match self.peek() {
                Some(Tok::Op("&&")) => Connector::And,
                Some(Tok::Op("||")) => Connector::Or,
                _ => return Ok(AndOr { first, rest, background: false }),
            };
            self.pos += 1;
            self.skip_newlines();
            rest.push((conn, self.pipeline()?));
        }
    }

    fn pipeline(&mut self) -> Result<Pipeline, ParseError> {
        let mut negate = false;
        if let Some(Tok::Word(w, _)) = self.peek() {
            if plain(w) == Some("!") {
                negate = true;
                self.pos += 1;
            }
        }
        let mut commands = vec![self.command()?];
        let mut stderr_piped = Vec::new();
        loop {
            let with_err = match self.peek() {
                Some(Tok::Op("|")) => false,
                Some(Tok::Op("|&")) => true,
                _ => break,
            };
            self.pos += 1;
            self.skip_newlines();
            stderr_piped.push(with_err);
            commands.push(self.command()?);
        }
        stderr_piped.push(false);
        Ok(Pipeline { negate, commands, stderr_piped })
    }

    /// Replaces an alias in command position by its value's tokens.
    fn expand_alias(&mut self) -> Result<(), ParseError> {
        let mut seen: Vec<String> = Vec::new();
        while let Some(Tok::Word(w, _)) = self.peek() {
            let Some(name) = plain(w).map(str::to_string) else { return Ok(()) };
            if seen.contains(&name) {
                return Ok(());
            }
            let Some(value) = self.aliases.get(&name) else { return Ok(()) };
            let toks = tokens_of(value)?;
            self.tokens.splice(self.pos..self.pos + 1, toks);
            seen.push(name);
        }
        Ok(())
    }

    fn command(&mut self) -> Result<SimpleCommand, ParseError> {
        self.expand_alias()?;
        let mut cmd = SimpleCommand::default();
        loop {
            match self.peek().cloned() {
                Some(Tok::Word(w, raw)) => {
                    if cmd.words.is_empty() {
                        if let Some(kw) = plain(&w) {
                            if COMPOUND_KEYWORDS.contains(&kw) && cmd.assignments.is_empty() {
                                return Err(ParseError::Unsupported(kw.to_string()));
                            }
                            if CLOSING_KEYWORDS.contains(&kw) && cmd.assignments.is_empty() && kw != "in" {
                                return Err(ParseError::Syntax(format!("syntax error near unexpected token `{kw}'")));
                            }
                        }
                        if let Some((name, value)) = assignment(&w, &raw) {
                            cmd.assignments.push((name, value));
                            self.pos += 1;
                            continue;
                        }
                    }
                    self.pos += 1;
                    cmd.words.push(w);
                }
                Some(Tok::IoNumber(n)) => {
                    self.pos += 1;
                    let r = self.redirect(Some(n))?;
                    cmd.redirects.push(r);
                }
                Some(Tok::HereDoc(_)) | Some(Tok::Op("<" | ">" | ">>" | ">|" | "<<<" | ">&" | "<&" | "&>" | "&>>")) => {
                    let r = self.redirect(None)?;
                    cmd.redirects.push(r);
                }
                Some(Tok::Op("(")) if cmd.words.is_empty() && cmd.assignments.is_empty() && cmd.redirects.is_empty() => {
                    return Err(ParseError::Unsupported("(".into()));
                }
                t => {
                    if cmd.words.is_empty() && cmd.assignments.is_empty() && cmd.redirects.is_empty() {
                        return Err(self.unexpected(t.as_ref()));
                    }
                    return Ok(cmd);
                }
            }
        }
    }

    fn redirect(&mut self, fd: Option<u32>) -> Result<Redirect, ParseError> {
        let tok = self.peek().cloned();
        self.pos += 1;
        if let Some(Tok::HereDoc(i)) = tok {
            let (body, expand) = self.heredocs.get(i).cloned().unwrap_or_default();
            return Ok(Redirect { fd: fd.unwrap_or(0), op: RedirectOp::HereDoc { body, expand }, target: Vec::new() });
        }
        let op = match tok {
            Some(Tok::Op(op)) => op,
            _ => return Err(self.unexpected(tok.as_ref())),
        };
        let target = match self.peek().cloned() {
            Some(Tok::Word(w, _)) => {
                self.pos += 1;
                w
            }
            Some(Tok::Newline) | None => {
                return Err(ParseError::Syntax("syntax error near unexpected token `newline'".into()));
            }
            t => return Err(self.unexpected(t.as_ref())),
        };
        let (default_fd, op) = match op {
            ">" | ">|" => (1, RedirectOp::Out),
            ">>" => (1, RedirectOp::Append),
            "<" => (0, RedirectOp::In),
            ">&" => (1, RedirectOp::Dup),
            "<&" => (0, RedirectOp::Dup),
            "&>" => (1, RedirectOp::OutErr { append: false }),
            "&>>" => (1, RedirectOp::OutErr { append: true }),
            _ => (0, RedirectOp::HereString),
        };
        Ok(Redirect { fd: fd.unwrap_or(default_fd), op, target })
    }
}

/// `NAME=value` as the word's raw text: the name and the value's parts.
fn assignment(word: &Word, raw: &str) -> Option<(String, Word)> {
    let (name, _) = raw.split_once('=')?;
    if !is_name(name) {
        return None;
    }
    // The name must be plain text at the start of the first part.
    let Some(Part::Lit(first)) = word.first() else { return None };
    let rest = first.strip_prefix(name)?.strip_prefix('=')?;
    let mut value = Vec::new();
    if !rest.is_empty() {
        value.push(Part::Lit(rest.to_string()));
    }
    value.extend(word[1..].iter().cloned());
    Some((name.to_string(), value))
}

fn tok_text(t: &Tok) -> String {
    match t {
        Tok::Word(_, raw) => raw.clone(),
        Tok::IoNumber(n) => n.to_string(),
        Tok::Op(op) => op.to_string(),
        Tok::Newline => "newline".into(),
        Tok::HereDoc(_) => "<<".into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse_ok(s: &str) -> Program {
        parse(s, &BTreeMap::new(), true).unwrap_or_else(|e| panic!("{s:?}: {e:?}"))
    }

    fn words(s: &str) -> Vec<Word> {
        parse_ok(s).items[0].first.commands[0].words.clone()
    }

    fn lit(s: &str) -> Part {
        Part::Lit(s.into())
    }

    fn q(s: &str) -> Part {
        Part::Quoted(s.into())
    }

    #[test]
    fn quoting_and_escapes() {
        assert_eq!(words("echo 'a  b' \"c d\""), vec![vec![lit("echo")], vec![q("a  b")], vec![Part::Double(vec![q("c d")])]]);
        assert_eq!(words(r"echo a\ b \$HOME"), vec![vec![lit("echo")], vec![lit("a"), q(" "), lit("b")], vec![q("$"), lit("HOME")]]);
        assert_eq!(words(r#"echo "a\"b\n""#)[1], vec![Part::Double(vec![q("a\"b\\n")])]);
        assert_eq!(words("echo $'a\\tb\\n'")[1], vec![q("a\tb\n")]);
        assert_eq!(words("echo it's'")[1], vec![lit("it"), q("s")]);
        assert_eq!(words("echo ''")[1], vec![q("")]);
    }

    #[test]
    fn parameters_and_substitutions() {
        let p = |name: &str| Part::Param(Param { name: name.into(), op: ParamOp::Plain });
        assert_eq!(words("echo $A${B}c")[1], vec![p("A"), p("B"), lit("c")]);
        assert_eq!(words("echo \"$A-x\"")[1], vec![Part::Double(vec![p("A"), q("-x")])]);
        assert_eq!(words("echo '$A'")[1], vec![q("$A")]);
        assert_eq!(words("echo $? $")[1..], [vec![p("?")], vec![lit("$")]]);
        assert_eq!(words("echo $(kubectl get pods | wc -l)")[1], vec![Part::Command("kubectl get pods | wc -l".into())]);
        assert_eq!(words("echo `date`")[1], vec![Part::Command("date".into())]);
        assert_eq!(words("echo $((1 + 2))")[1], vec![Part::Arith("1 + 2".into())]);
        assert_eq!(
            words("echo ${X:-a b}")[1],
            vec![Part::Param(Param { name: "X".into(), op: ParamOp::Default { colon: true, word: vec![q("a b")] } })]
        );
        assert_eq!(words("echo ${#X}")[1], vec![Part::Param(Param { name: "X".into(), op: ParamOp::Length })]);
        assert_eq!(parse("echo ${X!}", &BTreeMap::new(), true), Err(ParseError::Syntax("${X!}: bad substitution".into())));
        assert_eq!(words("ls ~ ~/x a~")[1..], [vec![Part::Tilde], vec![Part::Tilde, lit("/x")], vec![lit("a~")]]);
    }

    #[test]
    fn operators_pipelines_and_lists() {
        let prog = parse_ok("a | b |& c && d || e; f");
        assert_eq!(prog.items.len(), 2);
        assert_eq!(prog.items[0].first.commands.len(), 3);
        assert_eq!(prog.items[0].first.stderr_piped, vec![false, true, false]);
        assert_eq!(prog.items[0].rest.iter().map(|(c, _)| *c).collect::<Vec<_>>(), vec![Connector::And, Connector::Or]);
        let cmd = &parse_ok("FOO=1 BAR='x y' env").items[0].first.commands[0];
        assert_eq!(cmd.assignments, vec![("FOO".into(), vec![lit("1")]), ("BAR".into(), vec![q("x y")])]);
        assert_eq!(cmd.words, vec![vec![lit("env")]]);
        assert!(parse_ok("! false").items[0].first.negate);
        assert_eq!(parse_ok("echo a # b").items[0].first.commands[0].words.len(), 2);
    }

    #[test]
    fn redirections() {
        let cmd = parse_ok("cmd >out 2>&1 2>/dev/null >>log <in 3> x").items[0].first.commands[0].clone();
        let ops: Vec<(u32, RedirectOp)> = cmd.redirects.iter().map(|r| (r.fd, r.op.clone())).collect();
        assert_eq!(
            ops,
            vec![(1, RedirectOp::Out), (2, RedirectOp::Dup), (2, RedirectOp::Out), (1, RedirectOp::Append), (0, RedirectOp::In), (3, RedirectOp::Out)]
        );
        assert_eq!(cmd.redirects[1].target, vec![lit("1")]);
        assert_eq!(cmd.words, vec![vec![lit("cmd")]]);
        assert_eq!(parse("echo >", &BTreeMap::new(), true), Err(ParseError::Syntax("syntax error near unexpected token `newline'".into())));
        assert_eq!(parse("echo hi | | x", &BTreeMap::new(), true), Err(ParseError::Syntax("syntax error near unexpected token `|'".into())));
        assert_eq!(parse("; ls", &BTreeMap::new(), true), Err(ParseError::Syntax("syntax error near unexpected token `;'".into())));
    }

    #[test]
    fn here_documents() {
        let prog = parse_ok("cat <<EOF | kubectl apply -f -\nkind: $KIND\n  x\nEOF\necho done\n");
        assert_eq!(prog.items.len(), 2);
        let r = &prog.items[0].first.commands[0].redirects[0];
        assert_eq!(r.op, RedirectOp::HereDoc { body: "kind: $KIND\n  x\n".into(), expand: true });
        let prog = parse_ok("cat <<'EOF'\n$A\nEOF");
        assert_eq!(prog.items[0].first.commands[0].redirects[0].op, RedirectOp::HereDoc { body: "$A\n".into(), expand: false });
        let prog = parse_ok("cat <<-END\n\t\tindented\n\tEND");
        assert_eq!(prog.items[0].first.commands[0].redirects[0].op, RedirectOp::HereDoc { body: "indented\n".into(), expand: true });
        // Typed line by line: more input is needed until the delimiter line.
        let aliases = BTreeMap::new();
        assert_eq!(parse("cat <<EOF", &aliases, false), Err(ParseError::Incomplete));
        assert_eq!(parse("cat <<EOF\na\n", &aliases, false), Err(ParseError::Incomplete));
        assert!(parse("cat <<EOF\na\nEOF", &aliases, false).is_ok());
        let cut = parse("cat <<EOF\na", &aliases, true).unwrap();
        assert_eq!(cut.warnings, vec!["bash: warning: here-document at line 2 delimited by end-of-file (wanted `EOF')".to_string()]);
    }

    #[test]
    fn continuation_and_unsupported() {
        let aliases = BTreeMap::new();
        assert_eq!(parse("ls |", &aliases, false), Err(ParseError::Incomplete));
        assert_eq!(parse("ls &&", &aliases, false), Err(ParseError::Incomplete));
        assert_eq!(parse("ls \\", &aliases, false), Err(ParseError::Incomplete));
        assert_eq!(parse("ls |", &aliases, true), Err(ParseError::Syntax("syntax error: unexpected end of file".into())));
        assert_eq!(words("echo a \\\nb").len(), 3);
        assert_eq!(parse("echo 'x", &aliases, true), Err(ParseError::Syntax("unexpected EOF while looking for matching `''".into())));
        assert_eq!(parse("echo 'x", &aliases, false), Err(ParseError::Incomplete), "a quote open across lines waits for more");
        assert_eq!(parse("for i in 1; do echo; done", &aliases, true), Err(ParseError::Unsupported("for".into())));
        assert_eq!(parse("done", &aliases, true), Err(ParseError::Syntax("syntax error near unexpected token `done'".into())));
    }

    #[test]
    fn aliases_expand_in_command_position() {
        let aliases: BTreeMap<String, String> =
            [("k".to_string(), "kubectl".to_string()), ("kgp".to_string(), "kubectl get pods | grep x".to_string()), ("ls".to_string(), "ls -F".to_string())].into();
        let prog = parse("k get po; echo k", &aliases, true).unwrap();
        assert_eq!(prog.items[0].first.commands[0].words[0], vec![lit("kubectl")]);
        assert_eq!(prog.items[1].first.commands[0].words[1], vec![lit("k")]);
        let prog = parse("kgp -A", &aliases, true).unwrap();
        assert_eq!(prog.items[0].first.commands.len(), 2);
        let prog = parse("ls", &aliases, true).unwrap();
        assert_eq!(prog.items[0].first.commands[0].words, vec![vec![lit("ls")], vec![lit("-F")]]);
    }
}
