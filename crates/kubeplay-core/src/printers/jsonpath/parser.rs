//! The JSONPath template parser of k8s.io/client-go/util/jsonpath (parser.go): text
//! with `{…}` actions holding fields, `[…]` indexes/slices/unions, filters `[?(…)]`,
//! `..`, quoted text, numbers and the `range`/`end` identifiers. Error texts are the
//! Go ones, since kubectl prints them (`error parsing jsonpath {.a, unclosed action`).
//!
//! Go's parser recurses once per token; this one loops, so a long template cannot
//! exhaust the (small, in wasm) stack.

/// One slice bound of `[start:end:step]`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Param {
    pub value: i64,
    pub known: bool,
    /// `[3]` means `[3:4]`: the end is derived from the start.
    pub derived: bool,
}

#[derive(Clone, Debug, PartialEq)]
pub enum Node {
    /// Literal text, outside actions or quoted inside one.
    Text(String),
    /// The nodes of one `{…}` action, evaluated in a chain.
    List(Vec<Node>),
    Field(String),
    Array([Param; 3]),
    Filter { left: Vec<Node>, right: Vec<Node>, op: String },
    Int(i64),
    Float(f64),
    Bool(bool),
    Wildcard,
    Recursive,
    Union(Vec<Vec<Node>>),
    Identifier(String),
}

const EOF: Option<char> = None;

struct Parser<'a> {
    input: &'a str,
    pos: usize,
    start: usize,
    width: usize,
    root: Vec<Node>,
}

/// Parses a whole template into its top-level nodes (`Text` and `List`).
pub fn parse(text: &str) -> Result<Vec<Node>, String> {
    let mut p = Parser { input: text, pos: 0, start: 0, width: 0, root: Vec::new() };
    p.run()?;
    Ok(p.root)
}

/// `parseAction`: the nodes of `{text}`.
fn parse_action(text: &str) -> Result<Vec<Node>, String> {
    let first = parse(&format!("{{{text}}}"))?.into_iter().next();
    match first {
        Some(Node::List(list)) => Ok(list),
        _ => Ok(Vec::new()),
    }
}

fn is_space(r: char) -> bool {
    r == ' ' || r == '\t'
}

fn is_end_of_line(r: char) -> bool {
    r == '\r' || r == '\n'
}

fn is_terminator(r: Option<char>) -> bool {
    match r {
        None => true,
        Some(r) => is_space(r) || is_end_of_line(r) || matches!(r, '.' | ',' | '[' | ']' | '$' | '@' | '{' | '}'),
    }
}

fn is_alphanumeric(r: char) -> bool {
    r == '_' || r.is_alphabetic() || r.is_numeric()
}

/// Go's `%#U`: `U+0023 '#'` (the character only when printable).
fn go_unicode(r: char) -> String {
    if r.is_control() {
        format!("U+{:04X}", r as u32)
    } else {
        format!("U+{:04X} '{r}'", r as u32)
    }
}

impl Parser<'_> {
    fn rest(&self) -> &str {
        &self.input[self.pos..]
    }

    fn next(&mut self) -> Option<char> {
        match self.input[self.pos..].chars().next() {
            None => {
                self.width = 0;
                EOF
            }
            Some(c) => {
                self.width = c.len_utf8();
                self.pos += self.width;
                Some(c)
            }
        }
    }

    fn peek(&mut self) -> Option<char> {
        self.input[self.pos..].chars().next()
    }

    fn backup(&mut self) {
        self.pos -= self.width;
    }

    fn consume_text(&mut self) -> String {
        let value = self.input[self.start..self.pos].to_string();
        self.start = self.pos;
        value
    }

    /// The action being parsed: the root's last node, a list while inside `{…}`.
    fn cur(&mut self) -> &mut Vec<Node> {
        if !matches!(self.root.last(), Some(Node::List(_))) {
            self.root.push(Node::List(Vec::new()));
        }
        match self.root.last_mut() {
            Some(Node::List(list)) => list,
            _ => unreachable!("the last root node is a list"),
        }
    }

    fn push(&mut self, node: Node) {
        self.cur().push(node);
    }

    /// `parseText` / `parseInsideAction` as one loop.
    fn run(&mut self) -> Result<(), String> {
        let mut in_action = false;
        loop {
            if !in_action {
                // parseText: up to the next `{`.
                match self.rest().find('{') {
                    Some(off) => {
                        self.pos += off;
                        if self.pos > self.start {
                            let t = self.consume_text();
                            self.root.push(Node::Text(t));
                        }
                        self.pos += 1;
                        self.consume_text();
                        self.root.push(Node::List(Vec::new()));
                        in_action = true;
                    }
                    None => {
                        self.pos = self.input.len();
                        if self.pos > self.start {
                            let t = self.consume_text();
                            self.root.push(Node::Text(t));
                        }
                        return Ok(());
                    }
                }
                continue;
            }
            if self.rest().starts_with('}') {
                self.pos += 1;
                self.consume_text();
                in_action = false;
                continue;
            }
            if self.rest().starts_with("[?(") {
                self.parse_filter()?;
                continue;
            }
            if self.rest().starts_with("..") {
                self.parse_recursive()?;
                continue;
            }
            match self.next() {
                None => return Err("unclosed action".into()),
                Some(r) if is_end_of_line(r) => return Err("unclosed action".into()),
                Some(' ') | Some('@') | Some('$') => {
                    self.consume_text();
                }
                Some('[') => self.parse_array()?,
                Some(q @ ('"' | '\'')) => self.parse_quote(q)?,
                Some('.') => self.parse_field(),
                Some(r) if r == '+' || r == '-' || r.is_ascii_digit() || r.is_numeric() => {
                    self.backup();
                    self.parse_number()?;
                }
                Some(r) if is_alphanumeric(r) => {
                    self.backup();
                    self.parse_identifier();
                }
                Some(r) => return Err(format!("unrecognized character in action: {}", go_unicode(r))),
            }
        }
    }

    fn parse_identifier(&mut self) {
        loop {
            let r = self.next();
            if is_terminator(r) {
                if r.is_some() {
                    self.backup();
                }
                break;
            }
        }
        let value = self.consume_text();
        match value.as_str() {
            "true" => self.push(Node::Bool(true)),
            "false" => self.push(Node::Bool(false)),
            _ => self.push(Node::Identifier(value)),
        }
    }

    fn parse_recursive(&mut self) -> Result<(), String> {
        if matches!(self.cur().last(), Some(Node::Recursive)) {
            return Err("invalid multiple recursive descent".into());
        }
        self.pos += 2;
        self.consume_text();
        self.push(Node::Recursive);
        if self.peek().is_some_and(is_alphanumeric) {
            self.parse_field();
        }
        Ok(())
    }

    fn parse_number(&mut self) -> Result<(), String> {
        if matches!(self.peek(), Some('+') | Some('-')) {
            self.next();
        }
        loop {
            match self.next() {
                Some(r) if r == '.' || r.is_numeric() => {}
                Some(_) => {
                    self.backup();
                    break;
                }
                None => break,
            }
        }
        let value = self.consume_text();
        if let Some(i) = go_atoi(&value) {
            self.push(Node::Int(i));
            return Ok(());
        }
        if let Some(f) = go_parse_float(&value) {
            self.push(Node::Float(f));
            return Ok(());
        }
        Err(format!("cannot parse number {value}"))
    }

    fn parse_array(&mut self) -> Result<(), String> {
        loop {
            match self.next() {
                None | Some('\n') => return Err("unterminated array".into()),
                Some(']') => break,
                Some(_) => {}
            }
        }
        let text = self.consume_text();
        let mut text = text[1..text.len() - 1].to_string();
        if text == "*" {
            text = ":".into();
        }
        // Union: `[0,2]`, `['a','b']`.
        let parts: Vec<&str> = text.split(',').collect();
        if parts.len() > 1 {
            let mut union = Vec::new();
            for part in parts {
                union.push(parse_action(&format!("[{}]", part.trim_matches(' ')))?);
            }
            self.push(Node::Union(union));
            return Ok(());
        }
        // Dict key: `['name']`.
        if text.len() >= 2 && text.starts_with('\'') && text.ends_with('\'') && !text[1..text.len() - 1].contains('\'') {
            let nodes = parse_action(&format!(".{}", &text[1..text.len() - 1]))?;
            for n in nodes {
                self.push(n);
            }
            return Ok(());
        }
        let Some(raw) = slice_parts(&text) else {
            return Err(format!("invalid array index {text}"));
        };
        let mut params = [Param::default(); 3];
        for i in 0..3 {
            let v = raw[i];
            if let Some(v) = v {
                let v = if i > 0 { &v[1..] } else { v };
                if i > 0 && v.is_empty() {
                    params[i].known = false;
                } else {
                    params[i].known = true;
                    params[i].value = go_atoi(v).ok_or_else(|| format!("array index {v} is not a number"))?;
                }
            } else if i == 1 {
                params[i].known = true;
                params[i].value = params[0].value.wrapping_add(1);
                params[i].derived = true;
            } else {
                params[i].known = false;
                params[i].value = 0;
            }
        }
        self.push(Node::Array(params));
        Ok(())
    }

    fn parse_filter(&mut self) -> Result<(), String> {
        self.pos += 3;
        self.consume_text();
        let mut begin = false;
        let mut end = false;
        let mut pair = '\0';
        loop {
            let r = self.next();
            match r {
                None | Some('\n') => return Err("unterminated filter".into()),
                Some(q @ ('"' | '\'')) => {
                    if !begin {
                        begin = true;
                        pair = q;
                        continue;
                    }
                    let before = self.input.as_bytes().get(self.pos.wrapping_sub(2)).copied();
                    if before != Some(b'\\') && q == pair {
                        end = true;
                    }
                }
                Some(')') => {
                    if begin == end {
                        break;
                    }
                }
                Some(_) => {}
            }
        }
        if self.next() != Some(']') {
            return Err("unclosed array expect ]".into());
        }
        let text = self.consume_text();
        let text = &text[..text.len() - 2];
        match split_comparison(text) {
            None => {
                let left = parse_action(text)?;
                self.push(Node::Filter { left, right: Vec::new(), op: "exists".into() });
            }
            Some((l, op, r)) => {
                let left = parse_action(l)?;
                let right = parse_action(r)?;
                self.push(Node::Filter { left, right, op: op.to_string() });
            }
        }
        Ok(())
    }

    fn parse_quote(&mut self, end: char) -> Result<(), String> {
        loop {
            match self.next() {
                None | Some('\n') => return Err("unterminated quoted string".into()),
                Some(c) if c == end => {
                    let before = self.input.as_bytes().get(self.pos.wrapping_sub(2)).copied();
                    if before != Some(b'\\') {
                        break;
                    }
                }
                Some(_) => {}
            }
        }
        let value = self.consume_text();
        let s = unquote_extend(&value).map_err(|e| format!("unquote string {value} error {e}"))?;
        self.push(Node::Text(s));
        Ok(())
    }

    fn parse_field(&mut self) {
        self.consume_text();
        loop {
            let r = self.next();
            if r == Some('\\') {
                self.next();
            } else if is_terminator(r) {
                if r.is_some() {
                    self.backup();
                }
                break;
            }
        }
        let value = self.consume_text();
        if value == "*" {
            self.push(Node::Wildcard);
        } else {
            self.push(Node::Field(value.replace('\\', "")));
        }
    }
}

/// `^(-?[\d]*)(:-?[\d]*)?(:-?[\d]*)?$`: the three groups, `None` when absent.
fn slice_parts(text: &str) -> Option<[Option<&str>; 3]> {
    fn group(s: &str, colon: bool) -> usize {
        let b = s.as_bytes();
        let mut i = 0;
        if colon {
            if b.first() != Some(&b':') {
                return 0;
            }
            i = 1;
        }
        if b.get(i) == Some(&b'-') {
            i += 1;
        }
        while b.get(i).is_some_and(u8::is_ascii_digit) {
            i += 1;
        }
        i
    }
    let n0 = group(text, false);
    let (g0, rest) = text.split_at(n0);
    let n1 = group(rest, true);
    let (g1, rest) = rest.split_at(n1);
    let n2 = group(rest, true);
    let (g2, rest) = rest.split_at(n2);
    if !rest.is_empty() {
        return None;
    }
    Some([(n0 > 0).then_some(g0), (n1 > 0).then_some(g1), (n2 > 0).then_some(g2)])
}

/// `^([^!<>=]+)([!<>=]+)(.+?)$`.
fn split_comparison(text: &str) -> Option<(&str, &str, &str)> {
    let is_op = |c: char| matches!(c, '!' | '<' | '>' | '=');
    let op_start = text.find(is_op)?;
    if op_start == 0 {
        return None;
    }
    let after = &text[op_start..];
    let op_len = after.find(|c| !is_op(c)).unwrap_or(after.len());
    let right = &after[op_len..];
    if right.is_empty() || right.contains('\n') {
        return None;
    }
    Some((&text[..op_start], &after[..op_len], right))
}

/// Go's `strconv.Atoi`: optional sign, ASCII digits, in range.
fn go_atoi(s: &str) -> Option<i64> {
    let digits = s.strip_prefix(['+', '-']).unwrap_or(s);
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    s.strip_prefix('+').unwrap_or(s).parse().ok()
}

/// Go's `strconv.ParseFloat` for the plain decimal forms the parser can produce.
fn go_parse_float(s: &str) -> Option<f64> {
    let body = s.strip_prefix(['+', '-']).unwrap_or(s);
    if body.is_empty() || body == "." || !body.bytes().all(|b| b.is_ascii_digit() || b == b'.') || body.matches('.').count() > 1 {
        return None;
    }
    s.parse().ok()
}

/// `UnquoteExtend`: `strconv.Unquote` that also accepts single-quoted strings.
pub fn unquote_extend(s: &str) -> Result<String, &'static str> {
    const SYNTAX: &str = "invalid syntax";
    let b = s.as_bytes();
    if b.len() < 2 {
        return Err(SYNTAX);
    }
    let quote = b[0];
    if quote != b[b.len() - 1] || (quote != b'"' && quote != b'\'') {
        return Err(SYNTAX);
    }
    let body = &s[1..s.len() - 1];
    if !body.contains('\\') && !body.as_bytes().contains(&quote) {
        return Ok(body.to_string());
    }
    let mut out = String::new();
    let mut chars = body.chars().peekable();
    while let Some(c) = chars.next() {
        if c as u32 == quote as u32 {
            return Err(SYNTAX);
        }
        if c == '\n' {
            return Err(SYNTAX);
        }
        if c != '\\' {
            out.push(c);
            continue;
        }
        let Some(e) = chars.next() else { return Err(SYNTAX) };
        match e {
            'a' => out.push('\u{7}'),
            'b' => out.push('\u{8}'),
            'f' => out.push('\u{c}'),
            'n' => out.push('\n'),
            'r' => out.push('\r'),
            't' => out.push('\t'),
            'v' => out.push('\u{b}'),
            '\\' => out.push('\\'),
            '\'' | '"' => {
                if e as u32 != quote as u32 {
                    return Err(SYNTAX);
                }
                out.push(e);
            }
            'x' | 'u' | 'U' => {
                let n = match e {
                    'x' => 2,
                    'u' => 4,
                    _ => 8,
                };
                let mut v: u32 = 0;
                for _ in 0..n {
                    let d = chars.next().and_then(|c| c.to_digit(16)).ok_or(SYNTAX)?;
                    v = v * 16 + d;
                }
                if e == 'x' {
                    // A byte; only ASCII keeps the string valid UTF-8 here.
                    out.push(char::from_u32(v).ok_or(SYNTAX)?);
                } else {
                    out.push(char::from_u32(v).ok_or(SYNTAX)?);
                }
            }
            '0'..='7' => {
                let mut v = e.to_digit(8).unwrap_or(0);
                for _ in 0..2 {
                    let d = chars.next().and_then(|c| c.to_digit(8)).ok_or(SYNTAX)?;
                    v = v * 8 + d;
                }
                if v > 255 {
                    return Err(SYNTAX);
                }
                out.push(char::from_u32(v).ok_or(SYNTAX)?);
            }
            _ => return Err(SYNTAX),
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(s: &str) -> Vec<Node> {
        parse(s).unwrap()
    }

    #[test]
    fn text_and_actions() {
        assert_eq!(
            p("name: {.metadata.name}\n"),
            vec![
                Node::Text("name: ".into()),
                Node::List(vec![Node::Field("metadata".into()), Node::Field("name".into())]),
                Node::Text("\n".into()),
            ]
        );
        assert_eq!(p(r#"{"\n"}"#), vec![Node::List(vec![Node::Text("\n".into())])]);
        assert_eq!(p(r"{'\t'}"), vec![Node::List(vec![Node::Text("\t".into())])]);
    }

    #[test]
    fn arrays_slices_unions() {
        let arr = |s: &str| match &p(s)[0] {
            Node::List(l) => l[1].clone(),
            _ => panic!(),
        };
        let k = |v: i64| Param { value: v, known: true, derived: false };
        assert_eq!(arr("{.a[0]}"), Node::Array([k(0), Param { value: 1, known: true, derived: true }, Param::default()]));
        assert_eq!(arr("{.a[-1:]}"), Node::Array([k(-1), Param::default(), Param::default()]));
        assert_eq!(arr("{.a[*]}"), Node::Array([Param::default(); 3]));
        assert_eq!(arr("{.a[1:4:2]}"), Node::Array([k(1), k(4), k(2)]));
        assert!(matches!(arr("{.a[0,2]}"), Node::Union(u) if u.len() == 2));
        assert_eq!(arr("{.a['b']}"), Node::Field("b".into()));
    }

    #[test]
    fn filters_and_range() {
        let nodes = p(r#"{range .items[?(@.status.phase=="Running")]}{.metadata.name}{end}"#);
        assert_eq!(nodes.len(), 3);
        match &nodes[0] {
            Node::List(l) => {
                assert_eq!(l[0], Node::Identifier("range".into()));
                assert!(matches!(&l[2], Node::Filter { op, .. } if op == "=="));
            }
            _ => panic!(),
        }
        assert!(matches!(&p("{.a[?(@.b)]}")[0], Node::List(l) if matches!(&l[1], Node::Filter { op, .. } if op == "exists")));
    }

    #[test]
    fn go_error_texts() {
        assert_eq!(parse("{.foo").unwrap_err(), "unclosed action");
        assert_eq!(parse("{.a[}").unwrap_err(), "unterminated array");
        assert_eq!(parse("{.a[x]}").unwrap_err(), "invalid array index x");
        assert_eq!(parse("{#}").unwrap_err(), "unrecognized character in action: U+0023 '#'");
        assert_eq!(parse("{..a..b}").unwrap(), p("{..a..b}"));
        assert_eq!(parse("{....a}").unwrap_err(), "invalid multiple recursive descent");
        assert_eq!(parse(r#"{"abc}"#).unwrap_err(), "unterminated quoted string");
        assert_eq!(parse("{.a[?(@.b}").unwrap_err(), "unterminated filter");
    }
}
