//! jq 1.7's core: paths (`.a.b`, `.items[]`, `.[0]`, `.["k"]`), pipes, commas,
//! `select`, `map`, `length`, `keys`, `has`, comparisons, `[…]` and `{…}`
//! construction, `-r` and `-c`; output indented as jq prints it, keys in input order.

use std::fmt::Write as _;

use serde::de::{Deserialize, Deserializer, MapAccess, SeqAccess, Visitor};

use super::getopt::{self, opt};
use crate::shell::commands::Process;

/// A JSON value that keeps object keys in input order, as jq does.
#[derive(Clone, Debug, PartialEq)]
pub enum Json {
    Null,
    Bool(bool),
    Num(serde_json::Number),
    Str(String),
    Arr(Vec<Json>),
    Obj(Vec<(String, Json)>),
}

impl<'de> Deserialize<'de> for Json {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Json, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Json;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("JSON")
            }
            fn visit_unit<E>(self) -> Result<Json, E> {
                Ok(Json::Null)
            }
            fn visit_bool<E>(self, b: bool) -> Result<Json, E> {
                Ok(Json::Bool(b))
            }
            fn visit_i64<E>(self, n: i64) -> Result<Json, E> {
                Ok(Json::Num(n.into()))
            }
            fn visit_u64<E>(self, n: u64) -> Result<Json, E> {
                Ok(Json::Num(n.into()))
            }
            fn visit_f64<E>(self, n: f64) -> Result<Json, E> {
                Ok(serde_json::Number::from_f64(n).map(Json::Num).unwrap_or(Json::Null))
            }
            fn visit_str<E>(self, s: &str) -> Result<Json, E> {
                Ok(Json::Str(s.to_string()))
            }
            fn visit_string<E>(self, s: String) -> Result<Json, E> {
                Ok(Json::Str(s))
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut a: A) -> Result<Json, A::Error> {
                let mut v = Vec::new();
                while let Some(x) = a.next_element()? {
                    v.push(x);
                }
                Ok(Json::Arr(v))
            }
            fn visit_map<A: MapAccess<'de>>(self, mut a: A) -> Result<Json, A::Error> {
                let mut v: Vec<(String, Json)> = Vec::new();
                while let Some((k, x)) = a.next_entry::<String, Json>()? {
                    // A repeated key keeps its first position and the last value.
                    match v.iter_mut().find(|(kk, _)| *kk == k) {
                        Some(slot) => slot.1 = x,
                        None => v.push((k, x)),
                    }
                }
                Ok(Json::Obj(v))
            }
        }
        d.deserialize_any(V)
    }
}

impl Json {
    fn type_name(&self) -> &'static str {
        match self {
            Json::Null => "null",
            Json::Bool(_) => "boolean",
            Json::Num(_) => "number",
            Json::Str(_) => "string",
            Json::Arr(_) => "array",
            Json::Obj(_) => "object",
        }
    }

    fn truthy(&self) -> bool {
        !matches!(self, Json::Null | Json::Bool(false))
    }

    fn num(&self) -> Option<f64> {
        match self {
            Json::Num(n) => n.as_f64(),
            _ => None,
        }
    }

    /// jq's ordering of values of different types, then within a type.
    fn order(&self, other: &Json) -> std::cmp::Ordering {
        let rank = |j: &Json| match j {
            Json::Null => 0,
            Json::Bool(false) => 1,
            Json::Bool(true) => 2,
            Json::Num(_) => 3,
            Json::Str(_) => 4,
            Json::Arr(_) => 5,
            Json::Obj(_) => 6,
        };
        match (self, other) {
            (Json::Num(a), Json::Num(b)) => a.as_f64().partial_cmp(&b.as_f64()).unwrap_or(std::cmp::Ordering::Equal),
            (Json::Str(a), Json::Str(b)) => a.cmp(b),
            (Json::Arr(a), Json::Arr(b)) => {
                for (x, y) in a.iter().zip(b) {
                    let o = x.order(y);
                    if o.is_ne() {
                        return o;
                    }
                }
                a.len().cmp(&b.len())
            }
            _ => rank(self).cmp(&rank(other)),
        }
    }

    /// A short form for error messages: `number (1)`, `string ("x")`.
    fn describe(&self) -> String {
        let mut s = String::new();
        write_json(&mut s, self, None, 0);
        if s.len() > 11 {
            s.truncate(10);
            s.push_str("...");
        }
        format!("{} ({s})", self.type_name())
    }
}

/// Writes `v` as jq prints it: `indent` spaces per level, or compact.
fn write_json(out: &mut String, v: &Json, indent: Option<usize>, level: usize) {
    let newline = |out: &mut String, level: usize| {
        if let Some(n) = indent {
            out.push('\n');
            out.push_str(&" ".repeat(n * level));
        }
    };
    match v {
        Json::Null => out.push_str("null"),
        Json::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        Json::Num(n) => {
            let _ = write!(out, "{n}");
        }
        Json::Str(s) => out.push_str(&serde_json::to_string(s).unwrap_or_default().replace('\u{7f}', "\\u007f")),
        Json::Arr(items) if items.is_empty() => out.push_str("[]"),
        Json::Obj(items) if items.is_empty() => out.push_str("{}"),
        Json::Arr(items) => {
            out.push('[');
            for (i, x) in items.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                newline(out, level + 1);
                write_json(out, x, indent, level + 1);
            }
            newline(out, level);
            out.push(']');
        }
        Json::Obj(items) => {
            out.push('{');
            for (i, (k, x)) in items.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                newline(out, level + 1);
                out.push_str(&serde_json::to_string(k).unwrap_or_default());
                out.push(':');
                if indent.is_some() {
                    out.push(' ');
                }
                write_json(out, x, indent, level + 1);
            }
            newline(out, level);
            out.push('}');
        }
    }
}

/// A jq filter.
#[derive(Clone, Debug, PartialEq)]
enum Filter {
    Identity,
    RecurseAll,
    Field(Box<Filter>, String),
    Index(Box<Filter>, Box<Filter>),
    Iterate(Box<Filter>),
    /// `f?`: errors of `f` produce nothing.
    Try(Box<Filter>),
    Literal(Json),
    Pipe(Box<Filter>, Box<Filter>),
    Comma(Box<Filter>, Box<Filter>),
    Binary(Box<Filter>, String, Box<Filter>),
    Array(Option<Box<Filter>>),
    Object(Vec<(Filter, Filter)>),
    Call(String, Vec<Filter>),
}

#[derive(Clone, Debug, PartialEq)]
enum Tok {
    Dot,
    DotDot,
    FieldName(String),
    Ident(String),
    Str(String),
    Num(serde_json::Number),
    Sym(&'static str),
}

fn lex(src: &str) -> Result<Vec<Tok>, String> {
    let chars: Vec<char> = src.chars().collect();
    let mut toks = Vec::new();
    let mut i = 0;
    let ident = |c: char| c == '_' || c.is_ascii_alphanumeric();
    while i < chars.len() {
        let c = chars[i];
        if c.is_whitespace() {
            i += 1;
            continue;
        }
        if c == '#' {
            while i < chars.len() && chars[i] != '\n' {
                i += 1;
            }
            continue;
        }
        if c == '.' {
            if chars.get(i + 1) == Some(&'.') {
                toks.push(Tok::DotDot);
                i += 2;
            } else if chars.get(i + 1).is_some_and(|c| c.is_ascii_alphabetic() || *c == '_') {
                let start = i + 1;
                i += 1;
                while i < chars.len() && ident(chars[i]) {
                    i += 1;
                }
                toks.push(Tok::FieldName(chars[start..i].iter().collect()));
            } else {
                toks.push(Tok::Dot);
                i += 1;
            }
            continue;
        }
        if c == '"' {
            i += 1;
            let mut s = String::new();
            loop {
                let Some(&c) = chars.get(i) else { return Err("unterminated string".into()) };
                i += 1;
                match c {
                    '"' => break,
                    '\\' => {
                        let Some(&e) = chars.get(i) else { return Err("unterminated string".into()) };
                        i += 1;
                        match e {
                            'n' => s.push('\n'),
                            't' => s.push('\t'),
                            'r' => s.push('\r'),
                            '(' => return Err("string interpolation is not supported".into()),
                            other => s.push(other),
                        }
                    }
                    c => s.push(c),
                }
            }
            toks.push(Tok::Str(s));
            continue;
        }
        if c.is_ascii_digit() {
            let start = i;
            while i < chars.len() && (chars[i].is_ascii_digit() || chars[i] == '.' || chars[i] == 'e' || chars[i] == 'E') {
                i += 1;
            }
            let text: String = chars[start..i].iter().collect();
            let n: serde_json::Number = serde_json::from_str(&text).map_err(|_| format!("invalid number {text}"))?;
            toks.push(Tok::Num(n));
            continue;
        }
        if ident(c) {
            let start = i;
            while i < chars.len() && ident(chars[i]) {
                i += 1;
            }
            toks.push(Tok::Ident(chars[start..i].iter().collect()));
            continue;
        }
        let two: String = chars[i..(i + 2).min(chars.len())].iter().collect();
        if let Some(s) = ["==", "!=", "<=", ">=", "//"].iter().find(|s| **s == two) {
            toks.push(Tok::Sym(s));
            i += 2;
            continue;
        }
        let one = [";", "|", ",", "[", "]", "(", ")", "{", "}", ":", "?", "<", ">", "+", "-", "*", "/"].iter().find(|s| s.starts_with(c));
        match one {
            Some(s) => toks.push(Tok::Sym(s)),
            None => return Err(format!("unexpected INVALID_CHARACTER '{c}'")),
        }
        i += 1;
    }
    Ok(toks)
}

struct Parser {
    toks: Vec<Tok>,
    pos: usize,
}

impl Parser {
    fn peek(&self) -> Option<&Tok> {
        self.toks.get(self.pos)
    }

    fn eat(&mut self, sym: &str) -> bool {
        if self.peek() == Some(&Tok::Sym(leak(sym))) {
            self.pos += 1;
            true
        } else {
            false
        }
    }

    fn expect(&mut self, sym: &str) -> Result<(), String> {
        if self.eat(sym) {
            Ok(())
        } else {
            Err(format!("syntax error, unexpected {}", self.describe_next()))
        }
    }

    fn describe_next(&self) -> String {
        match self.peek() {
            None => "end of file".into(),
            Some(Tok::Sym(s)) => format!("'{s}'"),
            Some(Tok::Ident(s)) => format!("IDENT {s}"),
            Some(_) => "token".into(),
        }
    }

    fn pipe(&mut self) -> Result<Filter, String> {
        let mut f = self.comma()?;
        while self.eat("|") {
            f = Filter::Pipe(Box::new(f), Box::new(self.comma()?));
        }
        Ok(f)
    }

    fn comma(&mut self) -> Result<Filter, String> {
        let mut f = self.binary(0)?;
        while self.eat(",") {
            f = Filter::Comma(Box::new(f), Box::new(self.binary(0)?));
        }
        Ok(f)
    }

    /// Binary operators by precedence: `//`, `or`, `and`, comparisons, `+ -`, `* /`.
    fn binary(&mut self, level: usize) -> Result<Filter, String> {
        const LEVELS: &[&[&str]] = &[&["//"], &["or"], &["and"], &["==", "!=", "<", "<=", ">", ">="], &["+", "-"], &["*", "/"]];
        if level == LEVELS.len() {
            return self.postfix();
        }
        let mut f = self.binary(level + 1)?;
        loop {
            let op = match self.peek() {
                Some(Tok::Sym(s)) if LEVELS[level].contains(s) => s.to_string(),
                Some(Tok::Ident(s)) if LEVELS[level].contains(&s.as_str()) => s.clone(),
                _ => return Ok(f),
            };
            self.pos += 1;
            let r = self.binary(level + 1)?;
            f = Filter::Binary(Box::new(f), op, Box::new(r));
        }
    }

    fn postfix(&mut self) -> Result<Filter, String> {
        let mut f = self.primary()?;
        loop {
            match self.peek().cloned() {
                Some(Tok::FieldName(n)) => {
                    self.pos += 1;
                    f = Filter::Field(Box::new(f), n);
                }
                Some(Tok::Dot) if matches!(self.toks.get(self.pos + 1), Some(Tok::Str(_)) | Some(Tok::Sym("["))) => {
                    self.pos += 1;
                }
                Some(Tok::Str(s)) if matches!(self.toks.get(self.pos.wrapping_sub(1)), Some(Tok::Dot)) => {
                    self.pos += 1;
                    f = Filter::Field(Box::new(f), s);
                }
                Some(Tok::Sym("[")) => {
                    self.pos += 1;
                    if self.eat("]") {
                        f = Filter::Iterate(Box::new(f));
                    } else {
                        let idx = self.pipe()?;
                        self.expect("]")?;
                        f = Filter::Index(Box::new(f), Box::new(idx));
                    }
                }
                Some(Tok::Sym("?")) => {
                    self.pos += 1;
                    f = Filter::Try(Box::new(f));
                }
                _ => return Ok(f),
            }
        }
    }

    fn primary(&mut self) -> Result<Filter, String> {
        let Some(t) = self.peek().cloned() else { return Err("syntax error, unexpected end of file".into()) };
        self.pos += 1;
        Ok(match t {
            Tok::Dot => match self.peek().cloned() {
                Some(Tok::Str(s)) => {
                    self.pos += 1;
                    Filter::Field(Box::new(Filter::Identity), s)
                }
                _ => Filter::Identity,
            },
            Tok::DotDot => Filter::RecurseAll,
            Tok::FieldName(n) => Filter::Field(Box::new(Filter::Identity), n),
            Tok::Str(s) => Filter::Literal(Json::Str(s)),
            Tok::Num(n) => Filter::Literal(Json::Num(n)),
            Tok::Sym("-") => {
                let f = self.postfix()?;
                Filter::Binary(Box::new(Filter::Literal(Json::Num(0.into()))), "-".into(), Box::new(f))
            }
            Tok::Sym("(") => {
                let f = self.pipe()?;
                self.expect(")")?;
                f
            }
            Tok::Sym("[") => {
                if self.eat("]") {
                    Filter::Array(None)
                } else {
                    let f = self.pipe()?;
                    self.expect("]")?;
                    Filter::Array(Some(Box::new(f)))
                }
            }
            Tok::Sym("{") => {
                let mut entries = Vec::new();
                while !self.eat("}") {
                    let key = match self.peek().cloned() {
                        Some(Tok::Ident(k)) | Some(Tok::Str(k)) => {
                            self.pos += 1;
                            Filter::Literal(Json::Str(k))
                        }
                        Some(Tok::Sym("(")) => {
                            self.pos += 1;
                            let f = self.pipe()?;
                            self.expect(")")?;
                            f
                        }
                        _ => return Err(format!("syntax error, unexpected {}", self.describe_next())),
                    };
                    let value = if self.eat(":") {
                        self.binary(0)?
                    } else {
                        match &key {
                            Filter::Literal(Json::Str(k)) => Filter::Field(Box::new(Filter::Identity), k.clone()),
                            _ => return Err("syntax error, unexpected '}'".into()),
                        }
                    };
                    entries.push((key, value));
                    if !self.eat(",") {
                        self.expect("}")?;
                        break;
                    }
                }
                Filter::Object(entries)
            }
            Tok::Ident(name) => match name.as_str() {
                "true" => Filter::Literal(Json::Bool(true)),
                "false" => Filter::Literal(Json::Bool(false)),
                "null" => Filter::Literal(Json::Null),
                _ => {
                    let mut args = Vec::new();
                    if self.eat("(") {
                        loop {
                            args.push(self.pipe_no_semicolon()?);
                            if !self.eat(";") {
                                break;
                            }
                        }
                        self.expect(")")?;
                    }
                    Filter::Call(name, args)
                }
            },
            Tok::Sym(s) => return Err(format!("syntax error, unexpected '{s}'")),
        })
    }

    fn pipe_no_semicolon(&mut self) -> Result<Filter, String> {
        self.pipe()
    }
}

/// Symbols are compared as `&'static str`; map a borrowed one to its static twin.
fn leak(sym: &str) -> &'static str {
    const ALL: &[&str] = &["|", ",", "[", "]", "(", ")", "{", "}", ":", "?", "<", ">", "+", "-", "*", "/", "==", "!=", "<=", ">=", "//", ";"];
    ALL.iter().find(|s| **s == sym).copied().unwrap_or("")
}

fn parse_filter(src: &str) -> Result<Filter, String> {
    if crate::shell::syntax::nesting_depth(src) > crate::shell::syntax::MAX_NESTING {
        return Err("too deeply nested".into());
    }
    let toks = lex(src)?;
    if toks.is_empty() {
        return Ok(Filter::Identity);
    }
    let mut p = Parser { toks, pos: 0 };
    let f = p.pipe()?;
    if p.pos < p.toks.len() {
        return Err(format!("syntax error, unexpected {}", p.describe_next()));
    }
    Ok(f)
}

fn eval(f: &Filter, input: &Json) -> Result<Vec<Json>, String> {
    Ok(match f {
        Filter::Identity => vec![input.clone()],
        Filter::RecurseAll => {
            let mut out = Vec::new();
            recurse(input, &mut out);
            out
        }
        Filter::Literal(j) => vec![j.clone()],
        Filter::Field(base, name) => {
            let mut out = Vec::new();
            for b in eval(base, input)? {
                out.push(index(&b, &Json::Str(name.clone()))?);
            }
            out
        }
        Filter::Index(base, idx) => {
            let mut out = Vec::new();
            for b in eval(base, input)? {
                for i in eval(idx, input)? {
                    out.push(index(&b, &i)?);
                }
            }
            out
        }
        Filter::Iterate(base) => {
            let mut out = Vec::new();
            for b in eval(base, input)? {
                match b {
                    Json::Arr(items) => out.extend(items),
                    Json::Obj(items) => out.extend(items.into_iter().map(|(_, v)| v)),
                    other => return Err(format!("Cannot iterate over {}", other.describe())),
                }
            }
            out
        }
        Filter::Try(inner) => eval(inner, input).unwrap_or_default(),
        Filter::Pipe(a, b) => {
            let mut out = Vec::new();
            for x in eval(a, input)? {
                out.extend(eval(b, &x)?);
            }
            out
        }
        Filter::Comma(a, b) => {
            let mut out = eval(a, input)?;
            out.extend(eval(b, input)?);
            out
        }
        Filter::Array(inner) => vec![Json::Arr(match inner {
            Some(f) => eval(f, input)?,
            None => Vec::new(),
        })],
        Filter::Object(entries) => {
            let mut objs = vec![Vec::new()];
            for (k, v) in entries {
                let keys = eval(k, input)?;
                let values = eval(v, input)?;
                let mut next = Vec::new();
                for o in &objs {
                    for key in &keys {
                        let Json::Str(key) = key else { return Err("Object keys must be strings".into()) };
                        for value in &values {
                            let mut o: Vec<(String, Json)> = o.clone();
                            o.retain(|(kk, _)| kk != key);
                            o.push((key.clone(), value.clone()));
                            next.push(o);
                        }
                    }
                }
                objs = next;
            }
            objs.into_iter().map(Json::Obj).collect()
        }
        Filter::Binary(a, op, b) => {
            if op == "and" || op == "or" {
                let mut out = Vec::new();
                for x in eval(a, input)? {
                    if op == "and" && !x.truthy() {
                        out.push(Json::Bool(false));
                        continue;
                    }
                    if op == "or" && x.truthy() {
                        out.push(Json::Bool(true));
                        continue;
                    }
                    for y in eval(b, input)? {
                        out.push(Json::Bool(y.truthy()));
                    }
                }
                return Ok(out);
            }
            if op == "//" {
                let left: Vec<Json> = eval(a, input).unwrap_or_default().into_iter().filter(Json::truthy).collect();
                return if left.is_empty() { eval(b, input) } else { Ok(left) };
            }
            let mut out = Vec::new();
            for y in eval(b, input)? {
                for x in eval(a, input)? {
                    out.push(binary(&x, op, &y)?);
                }
            }
            out
        }
        Filter::Call(name, args) => call(name, args, input)?,
    })
}

fn recurse(v: &Json, out: &mut Vec<Json>) {
    out.push(v.clone());
    match v {
        Json::Arr(items) => items.iter().for_each(|x| recurse(x, out)),
        Json::Obj(items) => items.iter().for_each(|(_, x)| recurse(x, out)),
        _ => {}
    }
}

fn index(base: &Json, idx: &Json) -> Result<Json, String> {
    match (base, idx) {
        (Json::Null, Json::Str(_) | Json::Num(_)) => Ok(Json::Null),
        (Json::Obj(items), Json::Str(k)) => Ok(items.iter().find(|(kk, _)| kk == k).map(|(_, v)| v.clone()).unwrap_or(Json::Null)),
        (Json::Arr(items), Json::Num(n)) => {
            let i = n.as_f64().unwrap_or(0.0).floor() as i64;
            let i = if i < 0 { items.len() as i64 + i } else { i };
            Ok(usize::try_from(i).ok().and_then(|i| items.get(i)).cloned().unwrap_or(Json::Null))
        }
        (Json::Obj(_), other) => Err(format!("Cannot index object with {}", other.type_name())),
        (Json::Arr(_), Json::Str(k)) => Err(format!("Cannot index array with \"{k}\"")),
        (b, Json::Str(k)) => Err(format!("Cannot index {} with \"{k}\"", b.type_name())),
        (b, i) => Err(format!("Cannot index {} with {}", b.type_name(), i.type_name())),
    }
}

fn number(v: f64) -> Json {
    if v.fract() == 0.0 && v.abs() < 9e15 {
        Json::Num((v as i64).into())
    } else {
        serde_json::Number::from_f64(v).map(Json::Num).unwrap_or(Json::Null)
    }
}

fn binary(x: &Json, op: &str, y: &Json) -> Result<Json, String> {
    use std::cmp::Ordering::*;
    Ok(match op {
        "==" => Json::Bool(x.order(y) == Equal && x == y || (x.num().is_some() && x.num() == y.num())),
        "!=" => Json::Bool(!(x == y || (x.num().is_some() && x.num() == y.num()))),
        "<" => Json::Bool(x.order(y) == Less),
        "<=" => Json::Bool(x.order(y) != Greater),
        ">" => Json::Bool(x.order(y) == Greater),
        ">=" => Json::Bool(x.order(y) != Less),
        "+" => match (x, y) {
            (Json::Null, v) | (v, Json::Null) => v.clone(),
            (Json::Num(_), Json::Num(_)) => number(x.num().unwrap_or(0.0) + y.num().unwrap_or(0.0)),
            (Json::Str(a), Json::Str(b)) => Json::Str(format!("{a}{b}")),
            (Json::Arr(a), Json::Arr(b)) => Json::Arr(a.iter().chain(b).cloned().collect()),
            (Json::Obj(a), Json::Obj(b)) => {
                let mut o = a.clone();
                for (k, v) in b {
                    o.retain(|(kk, _)| kk != k);
                    o.push((k.clone(), v.clone()));
                }
                Json::Obj(o)
            }
            _ => return Err(format!("{} and {} cannot be added", x.describe(), y.describe())),
        },
        "-" | "*" | "/" => match (x.num(), y.num()) {
            (Some(a), Some(b)) => match op {
                "-" => number(a - b),
                "*" => number(a * b),
                _ if b == 0.0 => return Err(format!("{} and {} cannot be divided because the divisor is zero", x.describe(), y.describe())),
                _ => number(a / b),
            },
            _ => return Err(format!("{} and {} cannot be {}", x.describe(), y.describe(), match op {
                "-" => "subtracted",
                "*" => "multiplied",
                _ => "divided",
            })),
        },
        _ => Json::Null,
    })
}

fn call(name: &str, args: &[Filter], input: &Json) -> Result<Vec<Json>, String> {
    let arity = args.len();
    Ok(match (name, arity) {
        ("empty", 0) => Vec::new(),
        ("not", 0) => vec![Json::Bool(!input.truthy())],
        ("length", 0) => vec![match input {
            Json::Null => Json::Num(0.into()),
            Json::Bool(_) => return Err(format!("{} has no length", input.describe())),
            Json::Num(_) => number(input.num().unwrap_or(0.0).abs()),
            Json::Str(s) => Json::Num(s.chars().count().into()),
            Json::Arr(a) => Json::Num(a.len().into()),
            Json::Obj(o) => Json::Num(o.len().into()),
        }],
        ("keys", 0) | ("keys_unsorted", 0) => vec![match input {
            Json::Obj(o) => {
                let mut keys: Vec<String> = o.iter().map(|(k, _)| k.clone()).collect();
                if name == "keys" {
                    crate::sorting::sort(&mut keys);
                }
                Json::Arr(keys.into_iter().map(Json::Str).collect())
            }
            Json::Arr(a) => Json::Arr((0..a.len()).map(|i| Json::Num(i.into())).collect()),
            other => return Err(format!("{} has no keys", other.describe())),
        }],
        ("type", 0) => vec![Json::Str(input.type_name().into())],
        ("tostring", 0) => vec![match input {
            Json::Str(_) => input.clone(),
            other => {
                let mut s = String::new();
                write_json(&mut s, other, None, 0);
                Json::Str(s)
            }
        }],
        ("tonumber", 0) => vec![match input {
            Json::Num(_) => input.clone(),
            Json::Str(s) => s.trim().parse::<f64>().map(number).map_err(|_| format!("Cannot parse '{s}' as JSON"))?,
            other => return Err(format!("{} cannot be parsed as a number", other.describe())),
        }],
        ("ascii_downcase", 0) | ("ascii_upcase", 0) => match input {
            Json::Str(s) => vec![Json::Str(if name == "ascii_downcase" { s.to_ascii_lowercase() } else { s.to_ascii_uppercase() })],
            other => return Err(format!("{} cannot be {}", other.describe(), if name == "ascii_downcase" { "lowercased" } else { "uppercased" })),
        },
        ("first", 0) => vec![index(input, &Json::Num(0.into()))?],
        ("last", 0) => vec![index(input, &Json::Num((-1).into()))?],
        ("first", 1) => eval(&args[0], input)?.into_iter().take(1).collect(),
        ("add", 0) => match input {
            Json::Arr(items) => {
                let mut acc = Json::Null;
                for x in items {
                    acc = binary(&acc, "+", x)?;
                }
                vec![acc]
            }
            other => return Err(format!("Cannot iterate over {}", other.describe())),
        },
        ("sort", 0) | ("unique", 0) | ("reverse", 0) => match input {
            Json::Arr(items) => {
                let mut v = items.clone();
                if name == "reverse" {
                    v.reverse();
                } else {
                    crate::sorting::sort_by(&mut v, |a, b| a.order(b));
                    if name == "unique" {
                        v.dedup_by(|a, b| a.order(b).is_eq());
                    }
                }
                vec![Json::Arr(v)]
            }
            Json::Null if name == "reverse" => vec![Json::Arr(Vec::new())],
            other => return Err(format!("{} cannot be sorted, as it is not an array", other.describe())),
        },
        ("select", 1) => {
            let mut out = Vec::new();
            for c in eval(&args[0], input)? {
                if c.truthy() {
                    out.push(input.clone());
                }
            }
            out
        }
        ("map", 1) => {
            let items: Vec<Json> = match input {
                Json::Arr(a) => a.clone(),
                Json::Obj(o) => o.iter().map(|(_, v)| v.clone()).collect(),
                other => return Err(format!("Cannot iterate over {}", other.describe())),
            };
            let mut out = Vec::new();
            for x in &items {
                out.extend(eval(&args[0], x)?);
            }
            vec![Json::Arr(out)]
        }
        ("has", 1) => {
            let mut out = Vec::new();
            for k in eval(&args[0], input)? {
                out.push(Json::Bool(match (input, &k) {
                    (Json::Obj(o), Json::Str(k)) => o.iter().any(|(kk, _)| kk == k),
                    (Json::Arr(a), Json::Num(n)) => n.as_f64().is_some_and(|n| n >= 0.0 && (n as usize) < a.len()),
                    _ => return Err(format!("Cannot check whether {} has a {} key", input.type_name(), k.type_name())),
                }));
            }
            out
        }
        ("to_entries", 0) => match input {
            Json::Obj(o) => vec![Json::Arr(o.iter().map(|(k, v)| Json::Obj(vec![("key".into(), Json::Str(k.clone())), ("value".into(), v.clone())])).collect())],
            other => return Err(format!("{} has no keys", other.describe())),
        },
        ("join", 1) => {
            let mut out = Vec::new();
            for sep in eval(&args[0], input)? {
                let Json::Str(sep) = sep else { return Err("join separator must be a string".into()) };
                let Json::Arr(items) = input else { return Err(format!("Cannot iterate over {}", input.describe())) };
                let parts: Result<Vec<String>, String> = items
                    .iter()
                    .map(|x| match x {
                        Json::Null => Ok(String::new()),
                        Json::Str(s) => Ok(s.clone()),
                        Json::Num(n) => Ok(n.to_string()),
                        Json::Bool(b) => Ok(b.to_string()),
                        other => Err(format!("Cannot join with {}", other.type_name())),
                    })
                    .collect();
                out.push(Json::Str(parts?.join(&sep)));
            }
            out
        }
        _ => return Err(format!("{name}/{arity} is not defined")),
    })
}

/// `jq [-r] [-c] [-e] FILTER [FILE]`
pub fn jq(p: &mut Process, args: &[String]) -> i32 {
    let opts = [
        opt('r', "raw-output", false),
        opt('c', "compact-output", false),
        opt('e', "exit-status", false),
        opt('n', "null-input", false),
        opt('M', "monochrome-output", false),
        opt('C', "color-output", false),
        opt('j', "join-output", false),
    ];
    let parsed = match getopt::parse("jq", args, &opts) {
        Ok(x) => x,
        Err(e) => {
            let bad = e[0].clone();
            p.eprintln(&bad.replace("jq: invalid option -- ", "jq: Unknown option: -").replace('\'', ""));
            p.eprintln("Use jq --help for help with command-line options,");
            p.eprintln("or see the jq manpage, or online docs  at https://jqlang.github.io/jq");
            return 2;
        }
    };
    let mut operands = parsed.operands.clone();
    if operands.is_empty() {
        p.eprintln("Usage:\tjq [OPTIONS] FILTER [FILES...]");
        p.eprintln("\tjq [OPTIONS] --args FILTER [ARGUMENTS...]");
        p.eprintln("\tjq [OPTIONS] --jsonargs FILTER [JSON_VALUES...]");
        p.eprintln("");
        p.eprintln("Use jq --help for help with command-line options,");
        p.eprintln("or see the jq manpage, or online docs  at https://jqlang.github.io/jq");
        return 2;
    }
    let source = operands.remove(0);
    let filter = match parse_filter(&source) {
        Ok(f) => f,
        Err(m) => {
            p.eprintln(&format!("jq: error: {m} (Unix shell quoting issues?) at <top-level>, line 1:"));
            p.eprintln(&source);
            p.eprintln("jq: 1 compile error");
            return 3;
        }
    };
    let (inputs, failed) = p.inputs("jq", &operands);
    if failed {
        return 2;
    }
    let text: String = inputs.into_iter().map(|(_, t)| t).collect();
    let mut values = Vec::new();
    if parsed.has('n') {
        values.push(Json::Null);
    } else {
        for v in serde_json::Deserializer::from_str(&text).into_iter::<Json>() {
            match v {
                Ok(v) => values.push(v),
                Err(e) => {
                    // Values before the bad one are still processed, as jq streams.
                    run(p, &filter, &values, &parsed, e.line());
                    p.eprintln(&format!("jq: parse error: {} at line {}, column {}", parse_error_text(&e), e.line(), e.column()));
                    return 2;
                }
            }
        }
    }
    run(p, &filter, &values, &parsed, text.matches('\n').count())
}

fn parse_error_text(e: &serde_json::Error) -> &'static str {
    use serde_json::error::Category;
    match e.classify() {
        Category::Eof => "Unfinished JSON term at EOF",
        _ => "Invalid numeric literal",
    }
}

/// Runs the filter on each input value; `line` is where jq's reader stands (the
/// number of input lines read), which its error messages cite.
fn run(p: &mut Process, filter: &Filter, values: &[Json], parsed: &getopt::Parsed, line: usize) -> i32 {
    let indent = if parsed.has('c') { None } else { Some(2) };
    let mut last = None;
    for v in values {
        match eval(filter, v) {
            Ok(results) => {
                for r in results {
                    let mut s = String::new();
                    match (&r, parsed.has('r') || parsed.has('j')) {
                        (Json::Str(text), true) => s.push_str(text),
                        _ => write_json(&mut s, &r, indent, 0),
                    }
                    if !parsed.has('j') {
                        s.push('\n');
                    }
                    p.print(&s);
                    last = Some(r);
                }
            }
            Err(m) => {
                p.eprintln(&format!("jq: error (at <stdin>:{line}): {m}"));
                return 5;
            }
        }
    }
    if parsed.has('e') {
        return match last {
            None => 4,
            Some(v) if !v.truthy() => 1,
            Some(_) => 0,
        };
    }
    0
}

#[cfg(test)]
mod tests {
    use super::*;

    fn jq_eval(filter: &str, input: &str) -> Vec<String> {
        let f = parse_filter(filter).unwrap();
        let v: Json = serde_json::from_str(input).unwrap();
        eval(&f, &v)
            .unwrap()
            .iter()
            .map(|r| {
                let mut s = String::new();
                write_json(&mut s, r, None, 0);
                s
            })
            .collect()
    }

    #[test]
    fn paths_iteration_and_functions() {
        let doc = r#"{"kind":"List","items":[{"metadata":{"name":"a","labels":{"x":"1"}}},{"metadata":{"name":"b"}}]}"#;
        assert_eq!(jq_eval(".kind", doc), vec!["\"List\""]);
        assert_eq!(jq_eval(".items[].metadata.name", doc), vec!["\"a\"", "\"b\""]);
        assert_eq!(jq_eval(".items[0].metadata.labels", doc), vec!["{\"x\":\"1\"}"]);
        assert_eq!(jq_eval(".items | length", doc), vec!["2"]);
        assert_eq!(jq_eval("[.items[].metadata.name]", doc), vec!["[\"a\",\"b\"]"]);
        assert_eq!(jq_eval(".items[] | select(.metadata.name == \"b\") | .metadata.name", doc), vec!["\"b\""]);
        assert_eq!(jq_eval(".items[] | {n: .metadata.name}", doc), vec!["{\"n\":\"a\"}", "{\"n\":\"b\"}"]);
        assert_eq!(jq_eval(".[\"kind\"], .missing", doc), vec!["\"List\"", "null"]);
        assert_eq!(jq_eval("keys", r#"{"b":1,"a":2}"#), vec!["[\"a\",\"b\"]"]);
        assert_eq!(jq_eval("1 + 2 * 3", "null"), vec!["7"]);
        assert!(eval(&parse_filter(".a.b").unwrap(), &serde_json::from_str(r#"{"a":[1]}"#).unwrap()).is_err());
    }

    #[test]
    fn pretty_printing_like_jq() {
        let v: Json = serde_json::from_str(r#"{"b":[1,{}],"a":"é","e":[]}"#).unwrap();
        let mut s = String::new();
        write_json(&mut s, &v, Some(2), 0);
        assert_eq!(s, "{\n  \"b\": [\n    1,\n    {}\n  ],\n  \"a\": \"é\",\n  \"e\": []\n}");
    }
}
