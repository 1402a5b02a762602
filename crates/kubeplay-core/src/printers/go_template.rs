//! `-o go-template=…` / `--template`: the commonly used part of Go's `text/template`
//! over the object's JSON, as cli-runtime's GoTemplatePrinter runs it: text and
//! `{{…}}` actions with trim markers and comments; fields (`.metadata.name`, `$.kind`),
//! literals, pipelines (`a | b`), parenthesised calls; `if`/`else if`/`else`, `range`
//! (with `else`), `with`; the functions `index`, `len`, `eq`, `ne`, `lt`, `le`, `gt`,
//! `ge`, `not`, `and`, `or`, `print`, `println`, `printf` (`%s %d %v %q`), `exists`,
//! `base64decode`. Variables other than `$` are not supported (a parse error says so).
//!
//! The printer marshals the object to JSON and back into `map[string]interface{}`, so
//! every number is a float64 when printed (`{{.spec.replicas}}` → `3`, a million →
//! `1e+06`); missing keys print `<no value>` (missingkey=default).

use serde_json::Value;

use super::go_format::{go_quote, marshal, sprint};

#[derive(Clone, Debug, PartialEq)]
enum Arg {
    /// `.a.b` (empty path: `.`), evaluated from dot.
    Field(Vec<String>),
    /// `$.a.b` (empty path: `$`).
    Root(Vec<String>),
    Str(String),
    Num(f64),
    Bool(bool),
    Nil,
    Func(String),
    Sub(Pipeline),
    /// `(pipeline).a.b`: fields of a parenthesized result (Go's ChainNode).
    Chain(Box<Arg>, Vec<String>),
}

#[derive(Clone, Debug, PartialEq)]
struct Command {
    args: Vec<Arg>,
    /// Byte offset in the template, for error positions.
    pos: usize,
    text: String,
}

#[derive(Clone, Debug, PartialEq)]
struct Pipeline {
    cmds: Vec<Command>,
}

#[derive(Clone, Debug, PartialEq)]
enum Node {
    Text(String),
    Action(Pipeline),
    If(Pipeline, Vec<Node>, Vec<Node>),
    Range(Pipeline, Vec<Node>, Vec<Node>),
    With(Pipeline, Vec<Node>, Vec<Node>),
}

/// A parsed template.
#[derive(Clone, Debug)]
pub struct GoTemplate {
    raw: String,
    nodes: Vec<Node>,
    allow_missing_keys: bool,
}

const FUNCS: &[&str] = &["index", "len", "eq", "ne", "lt", "le", "gt", "ge", "not", "and", "or", "print", "println", "printf", "exists", "base64decode"];

/// One `{{…}}` or text piece of the template.
enum Piece {
    Text(String),
    Action { body: String, pos: usize, line: usize },
}

fn line_of(src: &str, pos: usize) -> usize {
    1 + src[..pos.min(src.len())].matches('\n').count()
}

/// Splits the template into text and actions, applying `{{-` / `-}}` trimming and
/// dropping comments.
fn lex(src: &str) -> Result<Vec<Piece>, String> {
    let mut pieces = Vec::new();
    let mut rest_start = 0;
    let mut trim_next = false;
    while let Some(off) = src[rest_start..].find("{{") {
        let open = rest_start + off;
        let mut text = &src[rest_start..open];
        if trim_next {
            text = text.trim_start();
        }
        let mut body_start = open + 2;
        if src[body_start..].starts_with("- ") || src[body_start..].starts_with("-\t") || src[body_start..].starts_with("-\n") {
            text = text.trim_end();
            body_start += 1;
        }
        if !text.is_empty() {
            pieces.push(Piece::Text(text.to_string()));
        }
        // Find the closing braces outside quotes.
        let bytes = src.as_bytes();
        let mut i = body_start;
        let mut quote: Option<u8> = None;
        let close = loop {
            if i + 1 >= bytes.len() {
                return Err(format!("template: output:{}: unclosed action", line_of(src, open)));
            }
            let b = bytes[i];
            match quote {
                Some(q) => {
                    if b == b'\\' && q != b'`' {
                        i += 1;
                    } else if b == q {
                        quote = None;
                    } else if b == b'\n' && q != b'`' {
                        return Err(format!("template: output:{}: unterminated quoted string", line_of(src, open)));
                    }
                }
                None => {
                    if b == b'"' || b == b'`' || b == b'\'' {
                        quote = Some(b);
                    } else if b == b'}' && bytes[i + 1] == b'}' {
                        break i;
                    }
                }
            }
            i += 1;
        };
        let mut body_end = close;
        trim_next = false;
        let before = &src[..body_end];
        if body_end > body_start && (before.ends_with(" -") || before.ends_with("\t-") || before.ends_with("\n-")) {
            body_end -= 1;
            trim_next = true;
        }
        let body = src[body_start..body_end].trim();
        if !(body.starts_with("/*") && body.ends_with("*/")) {
            pieces.push(Piece::Action { body: body.to_string(), pos: body_start + (src[body_start..body_end].len() - src[body_start..body_end].trim_start().len()), line: line_of(src, open) });
        }
        rest_start = close + 2;
    }
    let mut text = &src[rest_start..];
    if trim_next {
        text = text.trim_start();
    }
    if !text.is_empty() {
        pieces.push(Piece::Text(text.to_string()));
    }
    Ok(pieces)
}

/// Tokens inside an action.
#[derive(Clone, Debug, PartialEq)]
enum Tok {
    Field(Vec<String>),
    /// `.a.b` right after `)`.
    Chain(Vec<String>),
    Root(Vec<String>),
    Str(String),
    Num(f64),
    Ident(String),
    Pipe,
    Open,
    Close,
}

fn tokenize(body: &str, line: usize) -> Result<Vec<Tok>, String> {
    let err = |m: String| format!("template: output:{line}: {m}");
    let chars: Vec<char> = body.chars().collect();
    let mut toks = Vec::new();
    let mut i = 0;
    let path = |chars: &[char], i: &mut usize| -> Vec<String> {
        let mut parts = Vec::new();
        while *i < chars.len() && chars[*i] == '.' {
            *i += 1;
            let start = *i;
            while *i < chars.len() && (chars[*i].is_alphanumeric() || chars[*i] == '_') {
                *i += 1;
            }
            if *i > start {
                parts.push(chars[start..*i].iter().collect());
            }
        }
        parts
    };
    while i < chars.len() {
        let c = chars[i];
        match c {
            ' ' | '\t' | '\n' | '\r' => i += 1,
            '|' => {
                toks.push(Tok::Pipe);
                i += 1;
            }
            '(' => {
                toks.push(Tok::Open);
                i += 1;
            }
            ')' => {
                toks.push(Tok::Close);
                i += 1;
            }
            '.' if i > 0 && chars[i - 1] == ')' => toks.push(Tok::Chain(path(&chars, &mut i))),
            '.' => toks.push(Tok::Field(path(&chars, &mut i))),
            '$' => {
                i += 1;
                if i < chars.len() && (chars[i].is_alphanumeric() || chars[i] == '_') {
                    return Err(err("kubeplay: template variables other than $ are not supported".into()));
                }
                toks.push(Tok::Root(path(&chars, &mut i)));
            }
            '"' | '`' => {
                let start = i;
                i += 1;
                while i < chars.len() && chars[i] != c {
                    if chars[i] == '\\' && c == '"' {
                        i += 1;
                    }
                    i += 1;
                }
                i += 1;
                let lit: String = chars[start..i.min(chars.len())].iter().collect();
                let s = if c == '`' {
                    lit.trim_matches('`').to_string()
                } else {
                    super::jsonpath::parser::unquote_extend(&lit).map_err(|_| err(format!("invalid syntax: {lit}")))?
                };
                toks.push(Tok::Str(s));
            }
            c if c.is_ascii_digit() || ((c == '-' || c == '+') && chars.get(i + 1).is_some_and(char::is_ascii_digit)) => {
                let start = i;
                i += 1;
                while i < chars.len() && (chars[i].is_ascii_alphanumeric() || chars[i] == '.') {
                    i += 1;
                }
                let lit: String = chars[start..i].iter().collect();
                let n = lit.parse::<f64>().map_err(|_| err(format!("bad number syntax: {lit:?}")))?;
                toks.push(Tok::Num(n));
            }
            c if c.is_alphabetic() || c == '_' => {
                let start = i;
                while i < chars.len() && (chars[i].is_alphanumeric() || chars[i] == '_') {
                    i += 1;
                }
                let word: String = chars[start..i].iter().collect();
                // `.field` right after a call result is not supported; fields stay on dot.
                toks.push(Tok::Ident(word));
            }
            ':' | '=' => return Err(err("kubeplay: template variables other than $ are not supported".into())),
            c => return Err(err(format!("unexpected {:?} in command", c.to_string()).replace("\"", "\""))),
        }
    }
    Ok(toks)
}

fn parse_pipeline(toks: &[Tok], i: &mut usize, line: usize, pos: usize, text: &str) -> Result<Pipeline, String> {
    let err = |m: String| format!("template: output:{line}: {m}");
    let mut cmds = Vec::new();
    let mut args = Vec::new();
    while *i < toks.len() {
        match &toks[*i] {
            Tok::Pipe => {
                if args.is_empty() {
                    return Err(err("missing command".into()));
                }
                cmds.push(Command { args: std::mem::take(&mut args), pos, text: text.to_string() });
            }
            Tok::Close => break,
            Tok::Open => {
                *i += 1;
                let sub = parse_pipeline(toks, i, line, pos, text)?;
                if toks.get(*i) != Some(&Tok::Close) {
                    return Err(err("unclosed left paren".into()));
                }
                args.push(Arg::Sub(sub));
            }
            Tok::Field(p) => args.push(Arg::Field(p.clone())),
            Tok::Chain(p) => match args.pop() {
                Some(last) => args.push(Arg::Chain(Box::new(last), p.clone())),
                None => return Err(err("unexpected . after term".into())),
            },
            Tok::Root(p) => args.push(Arg::Root(p.clone())),
            Tok::Str(s) => args.push(Arg::Str(s.clone())),
            Tok::Num(n) => args.push(Arg::Num(*n)),
            Tok::Ident(w) => args.push(match w.as_str() {
                "true" => Arg::Bool(true),
                "false" => Arg::Bool(false),
                "nil" => Arg::Nil,
                f if FUNCS.contains(&f) => Arg::Func(f.to_string()),
                f => return Err(err(format!("function {} not defined", go_quote(f)))),
            }),
        }
        *i += 1;
    }
    if args.is_empty() {
        return Err(err("missing value for command".into()));
    }
    cmds.push(Command { args, pos, text: text.to_string() });
    Ok(Pipeline { cmds })
}

/// Parses actions into the node tree (`if`/`range`/`with` … `end`).
struct TreeParser {
    pieces: std::vec::IntoIter<Piece>,
    src_lines: usize,
}

enum Stop {
    End,
    Else(Option<(String, usize, usize)>),
    Eof,
}

impl TreeParser {
    fn list(&mut self) -> Result<(Vec<Node>, Stop), String> {
        let mut nodes = Vec::new();
        while let Some(piece) = self.pieces.next() {
            let (body, pos, line) = match piece {
                Piece::Text(t) => {
                    nodes.push(Node::Text(t));
                    continue;
                }
                Piece::Action { body, pos, line } => (body, pos, line),
            };
            let word = body.split_whitespace().next().unwrap_or("");
            let rest = body[word.len()..].trim().to_string();
            match word {
                "end" => return Ok((nodes, Stop::End)),
                "else" => {
                    let chained = (!rest.is_empty()).then(|| (rest.clone(), pos, line));
                    return Ok((nodes, Stop::Else(chained)));
                }
                "if" | "range" | "with" => nodes.push(self.control(word, &rest, pos, line)?),
                "define" | "template" | "block" | "break" | "continue" => {
                    return Err(format!("template: output:{line}: kubeplay: {{{{{word}}}}} is not supported"));
                }
                _ => nodes.push(Node::Action(pipeline(&body, pos, line)?)),
            }
        }
        Ok((nodes, Stop::Eof))
    }

    fn control(&mut self, word: &str, rest: &str, pos: usize, line: usize) -> Result<Node, String> {
        let pipe = pipeline(rest, pos, line)?;
        let (body, stop) = self.list()?;
        let else_body = match stop {
            Stop::End => Vec::new(),
            Stop::Eof => return Err(format!("template: output:{}: unexpected EOF", self.src_lines)),
            Stop::Else(None) => match self.list()? {
                (b, Stop::End) => b,
                (_, Stop::Else(_)) => return Err(format!("template: output:{line}: expected end; found {{{{else}}}}")),
                (_, Stop::Eof) => return Err(format!("template: output:{}: unexpected EOF", self.src_lines)),
            },
            // `else if …` / `else with …`: a nested control that shares our `end`.
            Stop::Else(Some((chain, p, l))) => {
                let w = chain.split_whitespace().next().unwrap_or("").to_string();
                if !matches!(w.as_str(), "if" | "with") || w != word && word != "if" {
                    return Err(format!("template: output:{l}: unexpected {{{{else {chain}}}}}"));
                }
                let inner_rest = chain[w.len()..].trim().to_string();
                vec![self.control(&w, &inner_rest, p, l)?]
            }
        };
        Ok(match word {
            "if" => Node::If(pipe, body, else_body),
            "range" => Node::Range(pipe, body, else_body),
            _ => Node::With(pipe, body, else_body),
        })
    }
}

fn pipeline(text: &str, pos: usize, line: usize) -> Result<Pipeline, String> {
    let toks = tokenize(text, line)?;
    let mut i = 0;
    let p = parse_pipeline(&toks, &mut i, line, pos, text)?;
    if i < toks.len() {
        return Err(format!("template: output:{line}: unexpected \")\" in operand"));
    }
    Ok(p)
}

/// A value during execution: `None` is Go's invalid value (`<no value>`).
type V = Option<Value>;

struct Exec<'a> {
    root: &'a Value,
    raw: &'a str,
    allow_missing_keys: bool,
}

fn truth(v: &V) -> bool {
    match v {
        None | Some(Value::Null) => false,
        Some(Value::Bool(b)) => *b,
        Some(Value::Number(n)) => n.as_f64().unwrap_or(0.0) != 0.0,
        Some(Value::String(s)) => !s.is_empty(),
        Some(Value::Array(a)) => !a.is_empty(),
        Some(Value::Object(o)) => !o.is_empty(),
    }
}

fn text_of(v: &V) -> String {
    match v {
        None => "<no value>".into(),
        Some(v) => sprint(v),
    }
}

impl Exec<'_> {
    fn fail(&self, cmd: &Command, msg: String) -> String {
        let col = cmd.pos - self.raw[..cmd.pos.min(self.raw.len())].rfind('\n').map_or(0, |n| n + 1);
        format!("template: output:{}:{col}: executing \"output\" at <{}>: {msg}", line_of(self.raw, cmd.pos), cmd.text)
    }

    fn field(&self, cmd: &Command, start: &Value, path: &[String]) -> Result<V, String> {
        let mut cur: V = Some(start.clone());
        for name in path {
            cur = match cur {
                None => {
                    if !self.allow_missing_keys {
                        return Err(self.fail(cmd, format!("nil data; no entry for key {}", go_quote(name))));
                    }
                    None
                }
                Some(Value::Null) => return Err(self.fail(cmd, format!("nil pointer evaluating interface {{}}.{name}"))),
                Some(Value::Object(map)) => match map.get(name) {
                    Some(v) => Some(v.clone()),
                    None if self.allow_missing_keys => None,
                    None => return Err(self.fail(cmd, format!("map has no entry for key {}", go_quote(name)))),
                },
                Some(other) => {
                    let ty = super::go_format::go_type(&other).replace("int64", "float64");
                    return Err(self.fail(cmd, format!("can't evaluate field {name} in type {ty}")));
                }
            };
        }
        Ok(cur)
    }

    fn arg(&self, cmd: &Command, arg: &Arg, dot: &V) -> Result<V, String> {
        Ok(match arg {
            Arg::Field(p) => match dot {
                Some(d) => self.field(cmd, d, p)?,
                None if p.is_empty() => None,
                None => None,
            },
            Arg::Root(p) => self.field(cmd, self.root, p)?,
            Arg::Str(s) => Some(Value::String(s.clone())),
            Arg::Num(n) => Some(Value::from(*n)),
            Arg::Bool(b) => Some(Value::Bool(*b)),
            Arg::Nil => return Err(self.fail(cmd, "nil is not a command".into())),
            Arg::Func(f) => self.call(cmd, f, &[], dot)?,
            Arg::Sub(p) => self.pipeline(p, dot)?,
            Arg::Chain(inner, p) => match self.arg(cmd, inner, dot)? {
                Some(v) => self.field(cmd, &v, p)?,
                None => None,
            },
        })
    }

    fn pipeline(&self, p: &Pipeline, dot: &V) -> Result<V, String> {
        let mut prev: Option<V> = None;
        for cmd in &p.cmds {
            let value = match &cmd.args[0] {
                Arg::Func(f) => {
                    let mut args = Vec::new();
                    for a in &cmd.args[1..] {
                        args.push(self.arg(cmd, a, dot)?);
                    }
                    if let Some(v) = prev.take() {
                        args.push(v);
                    }
                    self.call(cmd, f, &args, dot)?
                }
                first => {
                    if cmd.args.len() > 1 || prev.is_some() {
                        return Err(self.fail(cmd, "can't give argument to non-function".into()));
                    }
                    self.arg(cmd, first, dot)?
                }
            };
            prev = Some(value);
        }
        Ok(prev.flatten())
    }

    fn call(&self, cmd: &Command, f: &str, args: &[V], _dot: &V) -> Result<V, String> {
        let want = |n: usize| -> Result<(), String> {
            if args.len() != n {
                return Err(self.fail(cmd, format!("wrong number of args for {f}: want {n} got {}", args.len())));
            }
            Ok(())
        };
        let num = |v: &V| v.as_ref().and_then(Value::as_f64);
        let cmp = |a: &V, b: &V| -> Result<std::cmp::Ordering, String> {
            match (a, b) {
                (Some(Value::String(x)), Some(Value::String(y))) => Ok(x.cmp(y)),
                (Some(Value::Number(_)), Some(Value::Number(_))) => {
                    Ok(num(a).unwrap_or(0.0).partial_cmp(&num(b).unwrap_or(0.0)).unwrap_or(std::cmp::Ordering::Equal))
                }
                (Some(Value::Bool(x)), Some(Value::Bool(y))) if f == "eq" || f == "ne" => Ok(x.cmp(y)),
                (None, _) | (_, None) | (Some(Value::Null), _) | (_, Some(Value::Null)) => Err(self.fail(cmd, format!("error calling {f}: invalid type for comparison"))),
                _ => Err(self.fail(cmd, format!("error calling {f}: incompatible types for comparison"))),
            }
        };
        Ok(match f {
            "len" => {
                want(1)?;
                let n = match &args[0] {
                    Some(Value::String(s)) => s.len(),
                    Some(Value::Array(a)) => a.len(),
                    Some(Value::Object(o)) => o.len(),
                    _ => return Err(self.fail(cmd, "error calling len: len of untyped nil".into())),
                };
                Some(Value::from(n as i64))
            }
            "index" => {
                let Some((first, keys)) = args.split_first() else { return Err(self.fail(cmd, "wrong number of args for index: want at least 1 got 0".into())) };
                let mut cur = first.clone();
                for k in keys {
                    cur = match (cur, k) {
                        (Some(Value::Object(m)), Some(Value::String(key))) => m.get(key).cloned(),
                        (Some(Value::Array(a)), Some(Value::Number(n))) => {
                            let idx = n.as_f64().unwrap_or(-1.0);
                            let got = a.get(idx as usize).filter(|_| idx >= 0.0).cloned();
                            if got.is_none() {
                                return Err(self.fail(cmd, format!("error calling index: index out of range: {}", sprint(&Value::Number(n.clone())))));
                            }
                            got
                        }
                        (None | Some(Value::Null), _) => return Err(self.fail(cmd, "error calling index: index of untyped nil".into())),
                        (Some(other), _) => return Err(self.fail(cmd, format!("error calling index: can't index item of type {}", super::go_format::go_type(&other)))),
                    };
                }
                cur
            }
            "eq" => {
                if args.len() < 2 {
                    return Err(self.fail(cmd, "error calling eq: missing argument for comparison".into()));
                }
                let mut any = false;
                for b in &args[1..] {
                    any |= cmp(&args[0], b)? == std::cmp::Ordering::Equal;
                }
                Some(Value::Bool(any))
            }
            "ne" | "lt" | "le" | "gt" | "ge" => {
                want(2)?;
                let o = cmp(&args[0], &args[1])?;
                use std::cmp::Ordering::*;
                Some(Value::Bool(match f {
                    "ne" => o != Equal,
                    "lt" => o == Less,
                    "le" => o != Greater,
                    "gt" => o == Greater,
                    _ => o != Less,
                }))
            }
            "not" => {
                want(1)?;
                Some(Value::Bool(!truth(&args[0])))
            }
            "and" => args.iter().find(|a| !truth(a)).or(args.last()).cloned().flatten(),
            "or" => args.iter().find(|a| truth(a)).or(args.last()).cloned().flatten(),
            "print" | "println" => {
                let mut s = String::new();
                for (i, a) in args.iter().enumerate() {
                    let is_str = matches!(a, Some(Value::String(_)));
                    let prev_str = i > 0 && matches!(args[i - 1], Some(Value::String(_)));
                    if i > 0 && (f == "println" || (!is_str && !prev_str)) {
                        s.push(' ');
                    }
                    s.push_str(&text_of(a));
                }
                if f == "println" {
                    s.push('\n');
                }
                Some(Value::String(s))
            }
            "printf" => {
                let Some(Some(Value::String(format))) = args.first() else {
                    return Err(self.fail(cmd, "error calling printf: format must be a string".into()));
                };
                Some(Value::String(printf(format, &args[1..])))
            }
            "exists" => {
                let Some((first, keys)) = args.split_first() else { return Ok(Some(Value::Bool(false))) };
                let mut cur = first.clone();
                for k in keys {
                    cur = match (cur, k) {
                        (Some(Value::Object(m)), Some(Value::String(key))) => m.get(key).cloned(),
                        (Some(Value::Array(a)), Some(Value::Number(n))) => n.as_f64().and_then(|i| if i >= 0.0 { a.get(i as usize).cloned() } else { None }),
                        _ => None,
                    };
                }
                Some(Value::Bool(cur.is_some_and(|v| !v.is_null())))
            }
            "base64decode" => {
                want(1)?;
                let Some(Value::String(s)) = &args[0] else {
                    return Err(self.fail(cmd, "error calling base64decode: wrong type for value; expected string".into()));
                };
                match base64_decode(s) {
                    Some(bytes) => Some(Value::String(String::from_utf8_lossy(&bytes).into_owned())),
                    None => return Err(self.fail(cmd, "error calling base64decode: base64 decode failed: illegal base64 data at input byte 0".into())),
                }
            }
            _ => return Err(self.fail(cmd, format!("function {} not defined", go_quote(f)))),
        })
    }

    fn run(&self, nodes: &[Node], dot: &V, out: &mut String) -> Result<(), String> {
        for node in nodes {
            match node {
                Node::Text(t) => out.push_str(t),
                Node::Action(p) => out.push_str(&text_of(&self.pipeline(p, dot)?)),
                Node::If(p, then, els) => {
                    let v = self.pipeline(p, dot)?;
                    self.run(if truth(&v) { then } else { els }, dot, out)?;
                }
                Node::With(p, then, els) => {
                    let v = self.pipeline(p, dot)?;
                    if truth(&v) {
                        self.run(then, &v, out)?;
                    } else {
                        self.run(els, dot, out)?;
                    }
                }
                Node::Range(p, body, els) => {
                    let v = self.pipeline(p, dot)?;
                    let items: Vec<Value> = match v {
                        Some(Value::Array(a)) => a,
                        Some(Value::Object(m)) => m.into_iter().map(|(_, v)| v).collect(),
                        None | Some(Value::Null) => Vec::new(),
                        Some(other) => {
                            let cmd = &p.cmds[0];
                            return Err(self.fail(cmd, format!("range can't iterate over {}", sprint(&other))));
                        }
                    };
                    if items.is_empty() {
                        self.run(els, dot, out)?;
                    }
                    for item in items {
                        self.run(body, &Some(item), out)?;
                    }
                }
            }
        }
        Ok(())
    }
}

/// `fmt.Sprintf` for the verbs templates use: `%s`, `%v`, `%d`, `%q`, `%%`.
fn printf(format: &str, args: &[V]) -> String {
    let mut out = String::new();
    let mut it = args.iter();
    let mut chars = format.chars();
    while let Some(c) = chars.next() {
        if c != '%' {
            out.push(c);
            continue;
        }
        match chars.next() {
            Some('%') => out.push('%'),
            Some(verb) => match it.next() {
                None => out.push_str(&format!("%!{verb}(MISSING)")),
                Some(a) => match (verb, a) {
                    ('d', Some(Value::Number(n))) => out.push_str(&format!("%!d(float64={})", sprint(&Value::Number(n.clone())))),
                    ('q', Some(Value::String(s))) => out.push_str(&go_quote(s)),
                    _ => out.push_str(&text_of(a)),
                },
            },
            None => out.push_str("%!(NOVERB)"),
        }
    }
    out
}

fn base64_decode(s: &str) -> Option<Vec<u8>> {
    const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let s = s.trim_end_matches('=');
    let mut out = Vec::new();
    let mut acc = 0u32;
    let mut bits = 0;
    for b in s.bytes() {
        let v = ALPHABET.iter().position(|&a| a == b)? as u32;
        acc = (acc << 6) | v;
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push((acc >> bits) as u8);
            acc &= (1 << bits) - 1;
        }
    }
    Some(out)
}

/// Numbers become float64, as `json.Unmarshal` into `interface{}` makes them.
fn floats(v: &Value) -> Value {
    match v {
        Value::Number(n) => n.as_f64().map(Value::from).unwrap_or(Value::Null),
        Value::Array(a) => Value::Array(a.iter().map(floats).collect()),
        Value::Object(m) => Value::Object(m.iter().map(|(k, v)| (k.clone(), floats(v))).collect()),
        other => other.clone(),
    }
}

impl GoTemplate {
    /// Parses a template; errors read like Go's (`template: output:1: unclosed action`).
    pub fn parse(src: &str) -> Result<GoTemplate, String> {
        let pieces = lex(src)?;
        let mut tp = TreeParser { pieces: pieces.into_iter(), src_lines: line_of(src, src.len()) };
        let (nodes, stop) = tp.list()?;
        match stop {
            Stop::Eof => Ok(GoTemplate { raw: src.to_string(), nodes, allow_missing_keys: true }),
            Stop::End => Err(format!("template: output:{}: unexpected {{{{end}}}}", tp.src_lines)),
            Stop::Else(_) => Err(format!("template: output:{}: unexpected {{{{else}}}}", tp.src_lines)),
        }
    }

    /// `missingkey=default` (true) or `missingkey=error`.
    pub fn allow_missing_keys(mut self, allow: bool) -> Self {
        self.allow_missing_keys = allow;
        self
    }

    /// `GoTemplatePrinter.PrintObj`: the output, or on failure what kubectl writes to
    /// stdout (the partial output and a debugging report) and its error message.
    pub fn print_object(&self, obj: &Value) -> Result<String, (String, String)> {
        let data = floats(obj);
        let exec = Exec { root: &data, raw: &self.raw, allow_missing_keys: self.allow_missing_keys };
        let mut out = String::new();
        match exec.run(&self.nodes, &Some(data.clone()), &mut out) {
            Ok(()) => Ok(out),
            Err(e) => {
                out.push_str(&format!(
                    "Error executing template: {e}. Printing more information for debugging the template:\n\ttemplate was:\n\t\t{}\n\traw data was:\n\t\t{}\n\tobject given to template engine was:\n\t\t{}\n\n",
                    self.raw,
                    marshal(obj),
                    sprint(&data)
                ));
                Err((out, format!("error executing template {}: {e}", go_quote(&self.raw))))
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn run(t: &str, v: &Value) -> String {
        GoTemplate::parse(t).unwrap().print_object(v).unwrap()
    }

    #[test]
    fn fields_ranges_and_conditions() {
        let list = json!({"kind": "List", "items": [
            {"metadata": {"name": "a", "labels": {"app": "x"}}, "spec": {"replicas": 3}},
            {"metadata": {"name": "b"}, "spec": {"replicas": 1000000}},
        ]});
        assert_eq!(run("{{range .items}}{{.metadata.name}}{{\"\\n\"}}{{end}}", &list), "a\nb\n");
        assert_eq!(run("{{range .items}}{{.spec.replicas}} {{end}}", &list), "3 1e+06 ");
        assert_eq!(run("{{index .items 0 | len}}", &list), "2");
        assert_eq!(run("{{range .items}}{{if .metadata.labels}}{{.metadata.name}}{{else}}-{{end}}{{end}}", &list), "a-");
        assert_eq!(run("{{.nope}}", &list), "<no value>");
        assert_eq!(run("{{.kind | printf \"%s!\"}}", &list), "List!");
        assert_eq!(run("{{- range .items -}}\n  {{ .metadata.name }}\n{{- end }}", &list), "ab");
        assert_eq!(run("{{with .items}}{{len .}}{{end}}", &list), "2");
        assert_eq!(run("{{if eq .kind \"List\"}}yes{{end}}", &list), "yes");
        // The tutorials' NODE_PORT line: fields of a parenthesized result.
        assert_eq!(run("{{(index .items 1).spec.replicas}}", &list), "1e+06");
        assert_eq!(run("{{(index .items 0).metadata.name}}", &list), "a");
    }

    #[test]
    fn errors_read_like_go() {
        assert_eq!(GoTemplate::parse("{{.metadata.name").unwrap_err(), "template: output:1: unclosed action");
        assert_eq!(GoTemplate::parse("{{range .items}}").unwrap_err(), "template: output:1: unexpected EOF");
        assert_eq!(GoTemplate::parse("{{foo}}").unwrap_err(), "template: output:1: function \"foo\" not defined");
        let (stdout, e) = GoTemplate::parse("{{.a.b}}").unwrap().print_object(&json!({"a": null})).unwrap_err();
        assert!(stdout.starts_with("Error executing template: template: output:1:2:"));
        assert!(e.ends_with("error executing template \"{{.a.b}}\": template: output:1:2: executing \"output\" at <.a.b>: nil pointer evaluating interface {}.b"), "{e}");
    }
}
