//! A small awk (the node's `awk` is mawk): `BEGIN`/`END`, patterns (expressions,
//! `/regex/`), actions with `print`, `printf`, assignments, `if`/`else`, `next`,
//! `for (k in a)`, fields (`$1`, `$NF`), `NR`, `NF`, `FS`, `OFS`, arrays, string
//! concatenation, arithmetic and comparisons, and the common built-in functions.
//! Numbers print with `%.6g` as awk's `OFMT`/`CONVFMT` say.

use std::collections::BTreeMap;

use regex_lite::Regex;

use super::getopt::{self, opt};
use crate::shell::commands::Process;

#[derive(Clone, Debug, PartialEq)]
enum Expr {
    Num(f64),
    Str(String),
    Regex(String),
    Var(String),
    Field(Box<Expr>),
    Index(String, Box<Expr>),
    In(Box<Expr>, String),
    Assign(Box<Expr>, Option<char>, Box<Expr>),
    /// `++x`/`--x` (pre) or `x++`/`x--` (post): (target, delta, is_post).
    Incr(Box<Expr>, f64, bool),
    Binary(Box<Expr>, String, Box<Expr>),
    Not(Box<Expr>),
    Neg(Box<Expr>),
    Match(Box<Expr>, bool, Box<Expr>),
    Cond(Box<Expr>, Box<Expr>, Box<Expr>),
    Call(String, Vec<Expr>),
    Group(Box<Expr>),
}

#[derive(Clone, Debug, PartialEq)]
enum Stmt {
    Print(Vec<Expr>),
    Printf(Vec<Expr>),
    Expr(Expr),
    If(Expr, Box<Stmt>, Option<Box<Stmt>>),
    While(Expr, Box<Stmt>),
    For(Option<Expr>, Option<Expr>, Option<Expr>, Box<Stmt>),
    ForIn(String, String, Box<Stmt>),
    Block(Vec<Stmt>),
    Next,
    Exit(Option<Expr>),
    Delete(String, Option<Expr>),
}

#[derive(Debug)]
enum Pattern {
    Begin,
    End,
    All,
    Expr(Expr),
}

struct Program {
    rules: Vec<(Pattern, Vec<Stmt>)>,
}

#[derive(Clone, Debug, PartialEq)]
enum Tok {
    Num(f64),
    Str(String),
    Regex(String),
    Name(String),
    Func(String),
    Sym(String),
    Newline,
}

fn lex(src: &str) -> Result<Vec<Tok>, String> {
    if crate::shell::syntax::nesting_depth(src) > crate::shell::syntax::MAX_NESTING {
        return Err("program too deeply nested".into());
    }
    let c: Vec<char> = src.chars().collect();
    let mut toks: Vec<Tok> = Vec::new();
    let mut i = 0;
    while i < c.len() {
        let ch = c[i];
        if ch == ' ' || ch == '\t' {
            i += 1;
            continue;
        }
        if ch == '\\' && c.get(i + 1) == Some(&'\n') {
            i += 2;
            continue;
        }
        if ch == '\n' || ch == ';' {
            toks.push(if ch == '\n' { Tok::Newline } else { Tok::Sym(";".into()) });
            i += 1;
            continue;
        }
        if ch == '#' {
            while i < c.len() && c[i] != '\n' {
                i += 1;
            }
            continue;
        }
        if ch == '"' {
            i += 1;
            let mut s = String::new();
            while i < c.len() && c[i] != '"' {
                if c[i] == '\\' && i + 1 < c.len() {
                    i += 1;
                    match c[i] {
                        'n' => s.push('\n'),
                        't' => s.push('\t'),
                        'r' => s.push('\r'),
                        '\\' | '"' | '/' => s.push(c[i]),
                        other => {
                            s.push('\\');
                            s.push(other);
                        }
                    }
                } else {
                    s.push(c[i]);
                }
                i += 1;
            }
            if i >= c.len() {
                return Err("runaway string constant".into());
            }
            i += 1;
            toks.push(Tok::Str(s));
            continue;
        }
        // A `/` starts a regex where an operand is expected.
        let operand_expected = !matches!(toks.last(), Some(Tok::Num(_) | Tok::Str(_) | Tok::Name(_) | Tok::Regex(_))) && !matches!(toks.last(), Some(Tok::Sym(s)) if s == ")" || s == "]" || s == "$" || s == "++" || s == "--");
        if ch == '/' && operand_expected {
            i += 1;
            let mut s = String::new();
            while i < c.len() && c[i] != '/' {
                if c[i] == '\\' && c.get(i + 1) == Some(&'/') {
                    i += 1;
                }
                s.push(c[i]);
                i += 1;
            }
            if i >= c.len() {
                return Err("runaway regular expression".into());
            }
            i += 1;
            toks.push(Tok::Regex(s));
            continue;
        }
        if ch.is_ascii_digit() || (ch == '.' && c.get(i + 1).is_some_and(|d| d.is_ascii_digit())) {
            let start = i;
            while i < c.len() && (c[i].is_ascii_digit() || c[i] == '.') {
                i += 1;
            }
            if i < c.len() && (c[i] == 'e' || c[i] == 'E') && c.get(i + 1).is_some_and(|d| d.is_ascii_digit() || *d == '-' || *d == '+') {
                i += 2;
                while i < c.len() && c[i].is_ascii_digit() {
                    i += 1;
                }
            }
            let text: String = c[start..i].iter().collect();
            toks.push(Tok::Num(text.parse().unwrap_or(0.0)));
            continue;
        }
        if ch.is_ascii_alphabetic() || ch == '_' {
            let start = i;
            while i < c.len() && (c[i].is_ascii_alphanumeric() || c[i] == '_') {
                i += 1;
            }
            let name: String = c[start..i].iter().collect();
            toks.push(if c.get(i) == Some(&'(') && BUILTINS.contains(&name.as_str()) { Tok::Func(name) } else { Tok::Name(name) });
            continue;
        }
        let three: String = c[i..(i + 3).min(c.len())].iter().collect();
        let two: String = c[i..(i + 2).min(c.len())].iter().collect();
        if three == "**=" {
            toks.push(Tok::Sym("^=".into()));
            i += 3;
            continue;
        }
        if ["&&", "||", "==", "!=", "<=", ">=", "++", "--", "+=", "-=", "*=", "/=", "%=", "^=", "!~", "**", ">>"].contains(&two.as_str()) {
            toks.push(Tok::Sym(if two == "**" { "^".into() } else { two }));
            i += 2;
            continue;
        }
        if "{}()[],+-*/%^!<>=~?:$|".contains(ch) {
            toks.push(Tok::Sym(ch.to_string()));
            i += 1;
            continue;
        }
        return Err(format!("syntax error at or near {ch}"));
    }
    Ok(toks)
}

const BUILTINS: &[&str] = &["length", "substr", "index", "split", "tolower", "toupper", "sprintf", "sub", "gsub", "int", "match", "sqrt"];

struct Parser {
    t: Vec<Tok>,
    i: usize,
}

impl Parser {
    fn peek(&self) -> Option<&Tok> {
        self.t.get(self.i)
    }

    fn is_sym(&self, s: &str) -> bool {
        matches!(self.peek(), Some(Tok::Sym(x)) if x == s)
    }

    fn eat(&mut self, s: &str) -> bool {
        if self.is_sym(s) {
            self.i += 1;
            true
        } else {
            false
        }
    }

    fn err(&self) -> String {
        let near = match self.peek() {
            None => "end of file".to_string(),
            Some(Tok::Sym(s)) | Some(Tok::Name(s)) | Some(Tok::Func(s)) => s.clone(),
            Some(Tok::Str(s)) => format!("\"{s}\""),
            Some(Tok::Num(n)) => n.to_string(),
            Some(Tok::Regex(r)) => format!("/{r}/"),
            Some(Tok::Newline) => "end of line".into(),
        };
        format!("syntax error at or near {near}")
    }

    fn expect(&mut self, s: &str) -> Result<(), String> {
        if self.eat(s) {
            Ok(())
        } else {
            Err(self.err())
        }
    }

    fn skip_terminators(&mut self) {
        while matches!(self.peek(), Some(Tok::Newline)) || self.is_sym(";") {
            self.i += 1;
        }
    }

    fn skip_newlines(&mut self) {
        while matches!(self.peek(), Some(Tok::Newline)) {
            self.i += 1;
        }
    }

    fn program(&mut self) -> Result<Program, String> {
        let mut rules = Vec::new();
        loop {
            self.skip_terminators();
            if self.peek().is_none() {
                return Ok(Program { rules });
            }
            let pattern = match self.peek() {
                Some(Tok::Name(n)) if n == "BEGIN" => {
                    self.i += 1;
                    Pattern::Begin
                }
                Some(Tok::Name(n)) if n == "END" => {
                    self.i += 1;
                    Pattern::End
                }
                Some(Tok::Sym(s)) if s == "{" => Pattern::All,
                _ => Pattern::Expr(self.expr()?),
            };
            let action = if self.is_sym("{") {
                self.block()?
            } else {
                vec![Stmt::Print(Vec::new())]
            };
            rules.push((pattern, action));
        }
    }

    fn block(&mut self) -> Result<Vec<Stmt>, String> {
        self.expect("{")?;
        let mut stmts = Vec::new();
        loop {
            self.skip_terminators();
            if self.eat("}") {
                return Ok(stmts);
            }
            stmts.push(self.stmt()?);
        }
    }

    fn simple_or_block(&mut self) -> Result<Stmt, String> {
        self.skip_newlines();
        if self.is_sym("{") {
            Ok(Stmt::Block(self.block()?))
        } else {
            let s = self.stmt()?;
            if self.is_sym(";") {
                self.i += 1;
            }
            Ok(s)
        }
    }

    fn stmt(&mut self) -> Result<Stmt, String> {
        if self.is_sym("{") {
            return Ok(Stmt::Block(self.block()?));
        }
        let name = match self.peek() {
            Some(Tok::Name(n)) => n.clone(),
            _ => String::new(),
        };
        match name.as_str() {
            "print" | "printf" => {
                self.i += 1;
                let mut args = Vec::new();
                let paren = self.is_sym("(") && self.print_args_parenthesised();
                if paren {
                    self.i += 1;
                }
                if !self.at_stmt_end() && (!paren || !self.is_sym(")")) {
                    args.push(self.expr_no_gt(!paren)?);
                    while self.eat(",") {
                        self.skip_newlines();
                        args.push(self.expr_no_gt(!paren)?);
                    }
                }
                if paren {
                    self.expect(")")?;
                }
                if self.is_sym(">") || self.is_sym(">>") || self.is_sym("|") {
                    return Err("kubeplay: awk output redirection is not simulated; redirect the whole command".into());
                }
                Ok(if name == "print" { Stmt::Print(args) } else { Stmt::Printf(args) })
            }
            "if" => {
                self.i += 1;
                self.expect("(")?;
                let cond = self.expr()?;
                self.expect(")")?;
                let then = self.simple_or_block()?;
                self.skip_terminators_before_else();
                let other = if matches!(self.peek(), Some(Tok::Name(n)) if n == "else") {
                    self.i += 1;
                    Some(Box::new(self.simple_or_block()?))
                } else {
                    None
                };
                Ok(Stmt::If(cond, Box::new(then), other))
            }
            "while" => {
                self.i += 1;
                self.expect("(")?;
                let cond = self.expr()?;
                self.expect(")")?;
                Ok(Stmt::While(cond, Box::new(self.simple_or_block()?)))
            }
            "for" => {
                self.i += 1;
                self.expect("(")?;
                if let (Some(Tok::Name(k)), Some(Tok::Name(kw)), Some(Tok::Name(arr)), Some(Tok::Sym(close))) =
                    (self.t.get(self.i).cloned(), self.t.get(self.i + 1).cloned(), self.t.get(self.i + 2).cloned(), self.t.get(self.i + 3).cloned())
                {
                    if kw == "in" && close == ")" {
                        self.i += 4;
                        return Ok(Stmt::ForIn(k, arr, Box::new(self.simple_or_block()?)));
                    }
                }
                let init = if self.is_sym(";") { None } else { Some(self.expr()?) };
                self.expect(";")?;
                let cond = if self.is_sym(";") { None } else { Some(self.expr()?) };
                self.expect(";")?;
                let step = if self.is_sym(")") { None } else { Some(self.expr()?) };
                self.expect(")")?;
                Ok(Stmt::For(init, cond, step, Box::new(self.simple_or_block()?)))
            }
            "next" => {
                self.i += 1;
                Ok(Stmt::Next)
            }
            "exit" => {
                self.i += 1;
                let code = if self.at_stmt_end() { None } else { Some(self.expr()?) };
                Ok(Stmt::Exit(code))
            }
            "delete" => {
                self.i += 1;
                let Some(Tok::Name(arr)) = self.peek().cloned() else { return Err(self.err()) };
                self.i += 1;
                let key = if self.eat("[") {
                    let k = self.expr()?;
                    self.expect("]")?;
                    Some(k)
                } else {
                    None
                };
                Ok(Stmt::Delete(arr, key))
            }
            _ => Ok(Stmt::Expr(self.expr()?)),
        }
    }

    fn skip_terminators_before_else(&mut self) {
        let save = self.i;
        self.skip_terminators();
        if !matches!(self.peek(), Some(Tok::Name(n)) if n == "else") {
            self.i = save;
        }
    }

    /// `print (a, b)` vs `print (a) b`: parenthesised when the matching `)` ends it.
    fn print_args_parenthesised(&self) -> bool {
        let mut depth = 0;
        for (j, t) in self.t[self.i..].iter().enumerate() {
            match t {
                Tok::Sym(s) if s == "(" => depth += 1,
                Tok::Sym(s) if s == ")" => {
                    depth -= 1;
                    if depth == 0 {
                        let next = self.t.get(self.i + j + 1);
                        return matches!(next, None | Some(Tok::Newline)) || matches!(next, Some(Tok::Sym(s)) if s == ";" || s == "}" || s == ">" || s == "|");
                    }
                }
                _ => {}
            }
        }
        false
    }

    fn at_stmt_end(&self) -> bool {
        matches!(self.peek(), None | Some(Tok::Newline)) || self.is_sym(";") || self.is_sym("}")
    }

    fn expr(&mut self) -> Result<Expr, String> {
        self.ternary(false)
    }

    /// In `print` without parentheses, `>` is redirection, not comparison.
    fn expr_no_gt(&mut self, no_gt: bool) -> Result<Expr, String> {
        self.ternary(no_gt)
    }

    fn ternary(&mut self, no_gt: bool) -> Result<Expr, String> {
        let cond = self.or(no_gt)?;
        if self.eat("?") {
            let a = self.ternary(no_gt)?;
            self.expect(":")?;
            let b = self.ternary(no_gt)?;
            return Ok(Expr::Cond(Box::new(cond), Box::new(a), Box::new(b)));
        }
        // Assignment is right-associative and needs an lvalue on the left.
        if matches!(cond, Expr::Var(_) | Expr::Field(_) | Expr::Index(..)) {
            for (sym, op) in [("=", None), ("+=", Some('+')), ("-=", Some('-')), ("*=", Some('*')), ("/=", Some('/')), ("%=", Some('%')), ("^=", Some('^'))] {
                if self.eat(sym) {
                    let value = self.ternary(no_gt)?;
                    return Ok(Expr::Assign(Box::new(cond), op, Box::new(value)));
                }
            }
        }
        Ok(cond)
    }

    fn or(&mut self, no_gt: bool) -> Result<Expr, String> {
        let mut e = self.and(no_gt)?;
        while self.eat("||") {
            self.skip_newlines();
            e = Expr::Binary(Box::new(e), "||".into(), Box::new(self.and(no_gt)?));
        }
        Ok(e)
    }

    fn and(&mut self, no_gt: bool) -> Result<Expr, String> {
        let mut e = self.in_expr(no_gt)?;
        while self.eat("&&") {
            self.skip_newlines();
            e = Expr::Binary(Box::new(e), "&&".into(), Box::new(self.in_expr(no_gt)?));
        }
        Ok(e)
    }

    fn in_expr(&mut self, no_gt: bool) -> Result<Expr, String> {
        let mut e = self.matching(no_gt)?;
        while matches!(self.peek(), Some(Tok::Name(n)) if n == "in") {
            self.i += 1;
            let Some(Tok::Name(arr)) = self.peek().cloned() else { return Err(self.err()) };
            self.i += 1;
            e = Expr::In(Box::new(e), arr);
        }
        Ok(e)
    }

    fn matching(&mut self, no_gt: bool) -> Result<Expr, String> {
        let mut e = self.comparison(no_gt)?;
        loop {
            let negate = if self.eat("~") {
                false
            } else if self.eat("!~") {
                true
            } else {
                return Ok(e);
            };
            let r = self.comparison(no_gt)?;
            e = Expr::Match(Box::new(e), negate, Box::new(r));
        }
    }

    fn comparison(&mut self, no_gt: bool) -> Result<Expr, String> {
        let e = self.concat(no_gt)?;
        for op in ["<", "<=", "==", "!=", ">=", ">"] {
            if op == ">" && no_gt {
                continue;
            }
            if self.eat(op) {
                let r = self.concat(no_gt)?;
                return Ok(Expr::Binary(Box::new(e), op.into(), Box::new(r)));
            }
        }
        Ok(e)
    }

    /// Juxtaposition concatenates: `$1 ":" $2`.
    fn concat(&mut self, no_gt: bool) -> Result<Expr, String> {
        let mut e = self.additive()?;
        while self.starts_operand() {
            let r = self.additive()?;
            e = Expr::Binary(Box::new(e), " ".into(), Box::new(r));
        }
        let _ = no_gt;
        Ok(e)
    }

    fn starts_operand(&self) -> bool {
        match self.peek() {
            Some(Tok::Num(_) | Tok::Str(_) | Tok::Func(_) | Tok::Regex(_)) => true,
            Some(Tok::Name(n)) => n != "in" && n != "else",
            Some(Tok::Sym(s)) => matches!(s.as_str(), "$" | "(" | "++" | "--"),
            _ => false,
        }
    }

    fn additive(&mut self) -> Result<Expr, String> {
        let mut e = self.multiplicative()?;
        loop {
            let op = if self.is_sym("+") {
                "+"
            } else if self.is_sym("-") {
                "-"
            } else {
                return Ok(e);
            };
            self.i += 1;
            let r = self.multiplicative()?;
            e = Expr::Binary(Box::new(e), op.into(), Box::new(r));
        }
    }

    fn multiplicative(&mut self) -> Result<Expr, String> {
        let mut e = self.unary()?;
        loop {
            let op = ["*", "/", "%"].into_iter().find(|o| self.is_sym(o));
            let Some(op) = op else { return Ok(e) };
            self.i += 1;
            let r = self.unary()?;
            e = Expr::Binary(Box::new(e), op.into(), Box::new(r));
        }
    }

    fn unary(&mut self) -> Result<Expr, String> {
        if self.eat("!") {
            return Ok(Expr::Not(Box::new(self.unary()?)));
        }
        if self.eat("-") {
            return Ok(Expr::Neg(Box::new(self.unary()?)));
        }
        if self.eat("+") {
            return Ok(Expr::Binary(Box::new(self.unary()?), "+".into(), Box::new(Expr::Num(0.0))));
        }
        self.power()
    }

    fn power(&mut self) -> Result<Expr, String> {
        let base = self.postfix()?;
        if self.eat("^") {
            let exp = self.unary()?;
            return Ok(Expr::Binary(Box::new(base), "^".into(), Box::new(exp)));
        }
        Ok(base)
    }

    fn postfix(&mut self) -> Result<Expr, String> {
        if self.eat("++") {
            return Ok(Expr::Incr(Box::new(self.primary()?), 1.0, false));
        }
        if self.eat("--") {
            return Ok(Expr::Incr(Box::new(self.primary()?), -1.0, false));
        }
        let e = self.primary()?;
        if matches!(e, Expr::Var(_) | Expr::Field(_) | Expr::Index(..)) {
            if self.eat("++") {
                return Ok(Expr::Incr(Box::new(e), 1.0, true));
            }
            if self.eat("--") {
                return Ok(Expr::Incr(Box::new(e), -1.0, true));
            }
        }
        Ok(e)
    }

    fn primary(&mut self) -> Result<Expr, String> {
        let Some(t) = self.peek().cloned() else { return Err(self.err()) };
        match t {
            Tok::Num(n) => {
                self.i += 1;
                Ok(Expr::Num(n))
            }
            Tok::Str(s) => {
                self.i += 1;
                Ok(Expr::Str(s))
            }
            Tok::Regex(r) => {
                self.i += 1;
                Ok(Expr::Regex(r))
            }
            Tok::Sym(s) if s == "$" => {
                self.i += 1;
                let e = if self.eat("++") { Expr::Incr(Box::new(self.primary()?), 1.0, false) } else { self.primary()? };
                Ok(Expr::Field(Box::new(e)))
            }
            Tok::Sym(s) if s == "(" => {
                self.i += 1;
                let e = self.expr()?;
                self.expect(")")?;
                Ok(Expr::Group(Box::new(e)))
            }
            Tok::Func(name) => {
                self.i += 1;
                self.expect("(")?;
                let mut args = Vec::new();
                if !self.is_sym(")") {
                    args.push(self.expr()?);
                    while self.eat(",") {
                        args.push(self.expr()?);
                    }
                }
                self.expect(")")?;
                Ok(Expr::Call(name, args))
            }
            Tok::Name(n) if n == "length" => {
                self.i += 1;
                Ok(Expr::Call(n, Vec::new()))
            }
            Tok::Name(n) => {
                self.i += 1;
                if self.eat("[") {
                    let mut key = self.expr()?;
                    while self.eat(",") {
                        let next = self.expr()?;
                        key = Expr::Binary(Box::new(key), "SUBSEP".into(), Box::new(next));
                    }
                    self.expect("]")?;
                    return Ok(Expr::Index(n, Box::new(key)));
                }
                Ok(Expr::Var(n))
            }
            _ => Err(self.err()),
        }
    }
}

/// An awk value: a number, a string, or a string from input that looks numeric
/// (a "strnum", compared as a number).
#[derive(Clone, Debug)]
enum Val {
    Num(f64),
    Str(String),
    StrNum(String),
}

impl Val {
    fn num(&self) -> f64 {
        match self {
            Val::Num(n) => *n,
            Val::Str(s) | Val::StrNum(s) => leading_number(s),
        }
    }

    fn text(&self) -> String {
        match self {
            Val::Num(n) => format_number(*n),
            Val::Str(s) | Val::StrNum(s) => s.clone(),
        }
    }

    fn truthy(&self) -> bool {
        match self {
            Val::Num(n) => *n != 0.0,
            Val::Str(s) => !s.is_empty(),
            Val::StrNum(s) => if looks_numeric(s) { leading_number(s) != 0.0 } else { !s.is_empty() },
        }
    }

    fn is_numeric(&self) -> bool {
        match self {
            Val::Num(_) => true,
            Val::Str(_) => false,
            Val::StrNum(s) => looks_numeric(s),
        }
    }
}

fn looks_numeric(s: &str) -> bool {
    let t = s.trim();
    !t.is_empty() && t.parse::<f64>().is_ok() && !t.eq_ignore_ascii_case("nan") && !t.to_ascii_lowercase().contains("inf")
}

fn leading_number(s: &str) -> f64 {
    let t = s.trim_start();
    let mut end = 0;
    let b = t.as_bytes();
    if end < b.len() && (b[end] == b'-' || b[end] == b'+') {
        end += 1;
    }
    while end < b.len() && (b[end].is_ascii_digit() || b[end] == b'.') {
        end += 1;
    }
    if end < b.len() && (b[end] == b'e' || b[end] == b'E') {
        let mut e = end + 1;
        if e < b.len() && (b[e] == b'-' || b[e] == b'+') {
            e += 1;
        }
        if e < b.len() && b[e].is_ascii_digit() {
            while e < b.len() && b[e].is_ascii_digit() {
                e += 1;
            }
            end = e;
        }
    }
    t[..end].parse().unwrap_or(0.0)
}

/// Integers print as integers, other numbers with `%.6g`.
fn format_number(n: f64) -> String {
    if n.fract() == 0.0 && n.abs() < 1e16 {
        return format!("{}", n as i64);
    }
    format_g(n, 6)
}

/// C's `%.Pg`.
fn format_g(n: f64, precision: usize) -> String {
    if n == 0.0 {
        return "0".into();
    }
    if !n.is_finite() {
        return if n.is_nan() { "nan".into() } else if n > 0.0 { "inf".into() } else { "-inf".into() };
    }
    let p = precision.max(1);
    let exp = n.abs().log10().floor() as i32;
    let sci = format!("{:.*e}", p - 1, n);
    let (mantissa, e) = sci.split_once('e').unwrap_or((&sci, "0"));
    let exp_actual: i32 = e.parse().unwrap_or(exp);
    if exp_actual < -4 || exp_actual >= p as i32 {
        let m = trim_zeros(mantissa);
        let sign = if exp_actual < 0 { '-' } else { '+' };
        format!("{m}e{sign}{:02}", exp_actual.abs())
    } else {
        let decimals = (p as i32 - 1 - exp_actual).max(0) as usize;
        trim_zeros(&format!("{n:.decimals$}"))
    }
}

fn trim_zeros(s: &str) -> String {
    if s.contains('.') {
        s.trim_end_matches('0').trim_end_matches('.').to_string()
    } else {
        s.to_string()
    }
}

enum Flow {
    Normal,
    Next,
    Exit,
}

struct Interp<'p, 'a> {
    p: &'p mut Process<'a>,
    vars: BTreeMap<String, Val>,
    arrays: BTreeMap<String, Vec<(String, Val)>>,
    fields: Vec<String>,
    record: String,
    nr: usize,
    exit_code: i32,
    regexes: BTreeMap<String, Option<Regex>>,
}

impl Interp<'_, '_> {
    fn var(&self, name: &str) -> Val {
        match name {
            "NR" | "FNR" => Val::Num(self.nr as f64),
            "NF" => Val::Num(self.fields.len() as f64),
            _ => self.vars.get(name).cloned().unwrap_or(Val::StrNum(String::new())),
        }
    }

    fn fs(&self) -> String {
        self.vars.get("FS").map(Val::text).unwrap_or_else(|| " ".into())
    }

    fn set_record(&mut self, line: &str) {
        self.record = line.to_string();
        self.fields = self.split_fields(line, &self.fs());
    }

    fn split_fields(&mut self, line: &str, fs: &str) -> Vec<String> {
        if fs == " " {
            return line.split_whitespace().map(str::to_string).collect();
        }
        if line.is_empty() {
            return Vec::new();
        }
        if fs.chars().count() == 1 && fs != "\\" {
            let sep = if fs == "\t" { '\t' } else { fs.chars().next().unwrap_or(' ') };
            return line.split(sep).map(str::to_string).collect();
        }
        match self.regex(fs) {
            Some(re) => re.split(line).map(str::to_string).collect(),
            None => vec![line.to_string()],
        }
    }

    fn regex(&mut self, src: &str) -> Option<Regex> {
        if !self.regexes.contains_key(src) {
            let translated = super::grep::from_extended(&src.replace("\\/", "/")).ok();
            self.regexes.insert(src.to_string(), translated.and_then(|t| Regex::new(&t).ok()));
        }
        self.regexes.get(src).cloned().flatten()
    }

    fn rebuild_record(&mut self) {
        let ofs = self.vars.get("OFS").map(Val::text).unwrap_or_else(|| " ".into());
        self.record = self.fields.join(&ofs);
    }

    fn field(&self, i: usize) -> Val {
        if i == 0 {
            Val::StrNum(self.record.clone())
        } else {
            Val::StrNum(self.fields.get(i - 1).cloned().unwrap_or_default())
        }
    }

    fn assign(&mut self, target: &Expr, v: Val) -> Result<(), String> {
        match target {
            Expr::Var(name) => match name.as_str() {
                "NF" => {
                    let n = v.num().max(0.0) as usize;
                    self.fields.resize(n, String::new());
                    self.rebuild_record();
                }
                "NR" => self.nr = v.num().max(0.0) as usize,
                _ => {
                    self.vars.insert(name.clone(), v);
                }
            },
            Expr::Field(idx) => {
                let i = self.eval(idx)?.num().max(0.0) as usize;
                if i == 0 {
                    let text = v.text();
                    self.set_record(&text);
                } else {
                    if self.fields.len() < i {
                        self.fields.resize(i, String::new());
                    }
                    self.fields[i - 1] = v.text();
                    self.rebuild_record();
                }
            }
            Expr::Index(arr, key) => {
                let k = self.eval(key)?.text();
                let a = self.arrays.entry(arr.clone()).or_default();
                match a.iter_mut().find(|(kk, _)| *kk == k) {
                    Some(slot) => slot.1 = v,
                    None => a.push((k, v)),
                }
            }
            Expr::Group(inner) => return self.assign(inner, v),
            _ => return Err("assignment to a non-variable".into()),
        }
        Ok(())
    }

    fn eval(&mut self, e: &Expr) -> Result<Val, String> {
        Ok(match e {
            Expr::Num(n) => Val::Num(*n),
            Expr::Str(s) => Val::Str(s.clone()),
            Expr::Regex(r) => {
                let record = self.record.clone();
                Val::Num(if self.regex(r).is_some_and(|re| re.is_match(&record)) { 1.0 } else { 0.0 })
            }
            Expr::Var(name) => self.var(name),
            Expr::Group(inner) => self.eval(inner)?,
            Expr::Field(idx) => {
                let i = self.eval(idx)?.num();
                if i < 0.0 {
                    return Err(format!("trying to access out of range field {}", i as i64));
                }
                self.field(i as usize)
            }
            Expr::Index(arr, key) => {
                let k = self.eval(key)?.text();
                let a = self.arrays.entry(arr.clone()).or_default();
                match a.iter().find(|(kk, _)| *kk == k) {
                    Some((_, v)) => v.clone(),
                    None => {
                        a.push((k, Val::StrNum(String::new())));
                        Val::StrNum(String::new())
                    }
                }
            }
            Expr::In(key, arr) => {
                let k = self.eval(key)?.text();
                Val::Num(f64::from(u8::from(self.arrays.get(arr).is_some_and(|a| a.iter().any(|(kk, _)| *kk == k)))))
            }
            Expr::Assign(target, op, value) => {
                let v = self.eval(value)?;
                let v = match op {
                    None => match v {
                        Val::StrNum(s) => Val::StrNum(s),
                        other => other,
                    },
                    Some(o) => Val::Num(arith(*o, self.eval(target)?.num(), v.num())),
                };
                self.assign(target, v.clone())?;
                v
            }
            Expr::Incr(target, delta, post) => {
                let old = self.eval(target)?.num();
                self.assign(target, Val::Num(old + delta))?;
                Val::Num(if *post { old } else { old + delta })
            }
            Expr::Not(inner) => Val::Num(if self.eval(inner)?.truthy() { 0.0 } else { 1.0 }),
            Expr::Neg(inner) => Val::Num(-self.eval(inner)?.num()),
            Expr::Cond(c, a, b) => {
                if self.eval(c)?.truthy() {
                    self.eval(a)?
                } else {
                    self.eval(b)?
                }
            }
            Expr::Match(l, negate, r) => {
                let text = self.eval(l)?.text();
                let pattern = match &**r {
                    Expr::Regex(src) => src.clone(),
                    other => self.eval(other)?.text(),
                };
                let m = self.regex(&pattern).is_some_and(|re| re.is_match(&text));
                Val::Num(if m != *negate { 1.0 } else { 0.0 })
            }
            Expr::Binary(l, op, r) => match op.as_str() {
                "&&" => Val::Num(if self.eval(l)?.truthy() && self.eval(r)?.truthy() { 1.0 } else { 0.0 }),
                "||" => Val::Num(if self.eval(l)?.truthy() || self.eval(r)?.truthy() { 1.0 } else { 0.0 }),
                " " => Val::Str(format!("{}{}", self.eval(l)?.text(), self.eval(r)?.text())),
                "SUBSEP" => Val::Str(format!("{}\u{1c}{}", self.eval(l)?.text(), self.eval(r)?.text())),
                "<" | "<=" | "==" | "!=" | ">=" | ">" => {
                    let a = self.eval(l)?;
                    let b = self.eval(r)?;
                    let ord = if a.is_numeric() && b.is_numeric() {
                        a.num().partial_cmp(&b.num()).unwrap_or(std::cmp::Ordering::Equal)
                    } else {
                        a.text().cmp(&b.text())
                    };
                    use std::cmp::Ordering::*;
                    let t = match op.as_str() {
                        "<" => ord == Less,
                        "<=" => ord != Greater,
                        "==" => ord == Equal,
                        "!=" => ord != Equal,
                        ">=" => ord != Less,
                        _ => ord == Greater,
                    };
                    Val::Num(if t { 1.0 } else { 0.0 })
                }
                o => {
                    let a = self.eval(l)?.num();
                    let b = self.eval(r)?.num();
                    if (o == "/" || o == "%") && b == 0.0 {
                        return Err("division by zero".into());
                    }
                    Val::Num(arith(o.chars().next().unwrap_or('+'), a, b))
                }
            },
            Expr::Call(name, args) => self.call(name, args)?,
        })
    }

    fn call(&mut self, name: &str, args: &[Expr]) -> Result<Val, String> {
        let mut vals = Vec::new();
        let evaluates_all = !matches!(name, "split" | "sub" | "gsub");
        if evaluates_all {
            for a in args {
                vals.push(self.eval(a)?);
            }
        }
        let text = |i: usize| vals.get(i).map(Val::text).unwrap_or_default();
        Ok(match name {
            "length" => Val::Num(if args.is_empty() { self.record.chars().count() } else { text(0).chars().count() } as f64),
            "substr" => {
                let s: Vec<char> = text(0).chars().collect();
                let start = vals.get(1).map(Val::num).unwrap_or(1.0).round() as i64;
                let len = vals.get(2).map(|v| v.num().round() as i64).unwrap_or(i64::MAX / 2);
                let from = start.max(1);
                let to = start.saturating_add(len).min(s.len() as i64 + 1);
                if to <= from {
                    Val::Str(String::new())
                } else {
                    Val::Str(s[(from - 1) as usize..(to - 1) as usize].iter().collect())
                }
            }
            "index" => Val::Num(text(0).find(&text(1)).map(|i| text(0)[..i].chars().count() + 1).unwrap_or(0) as f64),
            "tolower" => Val::Str(text(0).to_lowercase()),
            "toupper" => Val::Str(text(0).to_uppercase()),
            "int" => Val::Num(vals.first().map(Val::num).unwrap_or(0.0).trunc()),
            "sqrt" => Val::Num(vals.first().map(Val::num).unwrap_or(0.0).sqrt()),
            "sprintf" => Val::Str(sprintf(&text(0), &vals[1.min(vals.len())..])),
            "match" => {
                let s = text(0);
                let m = self.regex(&text(1)).and_then(|re| re.find(&s).map(|m| (m.start(), m.end())));
                let (start, len) = m.map(|(a, b)| (s[..a].chars().count() as f64 + 1.0, s[a..b].chars().count() as f64)).unwrap_or((0.0, -1.0));
                self.vars.insert("RSTART".into(), Val::Num(start));
                self.vars.insert("RLENGTH".into(), Val::Num(len));
                Val::Num(start)
            }
            "split" => {
                let s = match args.first() {
                    Some(e) => self.eval(e)?.text(),
                    None => String::new(),
                };
                let Some(Expr::Var(arr)) = args.get(1) else { return Err("split: second argument must be an array".into()) };
                let sep = match args.get(2) {
                    Some(Expr::Regex(r)) => r.clone(),
                    Some(e) => self.eval(e)?.text(),
                    None => self.fs(),
                };
                let parts = self.split_fields(&s, &sep);
                let n = parts.len();
                self.arrays.insert(arr.clone(), parts.into_iter().enumerate().map(|(i, p)| ((i + 1).to_string(), Val::StrNum(p))).collect());
                Val::Num(n as f64)
            }
            "sub" | "gsub" => {
                let pattern = match args.first() {
                    Some(Expr::Regex(r)) => r.clone(),
                    Some(e) => self.eval(e)?.text(),
                    None => return Err(format!("{name}: missing arguments")),
                };
                let replacement = match args.get(1) {
                    Some(e) => self.eval(e)?.text(),
                    None => return Err(format!("{name}: missing arguments")),
                };
                let target = args.get(2).cloned().unwrap_or(Expr::Field(Box::new(Expr::Num(0.0))));
                let current = self.eval(&target)?.text();
                let Some(re) = self.regex(&pattern) else { return Ok(Val::Num(0.0)) };
                let mut count = 0;
                let mut out = String::new();
                let mut last = 0;
                for m in re.find_iter(&current) {
                    if name == "sub" && count == 1 {
                        break;
                    }
                    out.push_str(&current[last..m.start()]);
                    out.push_str(&awk_replacement(&replacement, m.as_str()));
                    last = m.end();
                    count += 1;
                }
                out.push_str(&current[last..]);
                if count > 0 {
                    self.assign(&target, Val::Str(out))?;
                }
                Val::Num(count as f64)
            }
            _ => return Err(format!("function {name} never defined")),
        })
    }

    fn exec(&mut self, stmts: &[Stmt]) -> Result<Flow, String> {
        for s in stmts {
            match self.exec_one(s)? {
                Flow::Normal => {}
                other => return Ok(other),
            }
        }
        Ok(Flow::Normal)
    }

    fn exec_one(&mut self, s: &Stmt) -> Result<Flow, String> {
        match s {
            Stmt::Print(args) => {
                let ofs = self.vars.get("OFS").map(Val::text).unwrap_or_else(|| " ".into());
                let ors = self.vars.get("ORS").map(Val::text).unwrap_or_else(|| "\n".into());
                let line = if args.is_empty() {
                    self.record.clone()
                } else {
                    let mut parts = Vec::new();
                    for a in args {
                        let v = self.eval(a)?;
                        parts.push(match v {
                            Val::Num(n) if !(n.fract() == 0.0 && n.abs() < 1e16) => format_g(n, 6),
                            other => other.text(),
                        });
                    }
                    parts.join(&ofs)
                };
                self.p.print(&format!("{line}{ors}"));
            }
            Stmt::Printf(args) => {
                let mut vals = Vec::new();
                for a in args {
                    vals.push(self.eval(a)?);
                }
                if let Some((fmt, rest)) = vals.split_first() {
                    let text = sprintf(&fmt.text(), rest);
                    self.p.print(&text);
                }
            }
            Stmt::Expr(e) => {
                self.eval(e)?;
            }
            Stmt::If(c, a, b) => {
                if self.eval(c)?.truthy() {
                    return self.exec_one(a);
                } else if let Some(b) = b {
                    return self.exec_one(b);
                }
            }
            Stmt::While(c, body) => {
                let mut guard = 0;
                while self.eval(c)?.truthy() {
                    guard += 1;
                    if guard > 1_000_000 {
                        return Err("kubeplay: loop stopped after a million rounds".into());
                    }
                    match self.exec_one(body)? {
                        Flow::Normal => {}
                        other => return Ok(other),
                    }
                }
            }
            Stmt::For(init, cond, step, body) => {
                if let Some(i) = init {
                    self.eval(i)?;
                }
                let mut guard = 0;
                while match cond {
                    Some(c) => self.eval(c)?.truthy(),
                    None => true,
                } {
                    guard += 1;
                    if guard > 1_000_000 {
                        return Err("kubeplay: loop stopped after a million rounds".into());
                    }
                    match self.exec_one(body)? {
                        Flow::Normal => {}
                        other => return Ok(other),
                    }
                    if let Some(s) = step {
                        self.eval(s)?;
                    }
                }
            }
            Stmt::ForIn(k, arr, body) => {
                let keys: Vec<String> = self.arrays.get(arr).map(|a| a.iter().map(|(k, _)| k.clone()).collect()).unwrap_or_default();
                for key in keys {
                    self.vars.insert(k.clone(), Val::StrNum(key));
                    match self.exec_one(body)? {
                        Flow::Normal => {}
                        other => return Ok(other),
                    }
                }
            }
            Stmt::Block(stmts) => return self.exec(stmts),
            Stmt::Next => return Ok(Flow::Next),
            Stmt::Exit(code) => {
                if let Some(c) = code {
                    self.exit_code = self.eval(c)?.num() as i32;
                }
                return Ok(Flow::Exit);
            }
            Stmt::Delete(arr, key) => match key {
                Some(k) => {
                    let k = self.eval(k)?.text();
                    if let Some(a) = self.arrays.get_mut(arr) {
                        a.retain(|(kk, _)| *kk != k);
                    }
                }
                None => {
                    self.arrays.remove(arr);
                }
            },
        }
        Ok(Flow::Normal)
    }
}

fn arith(op: char, a: f64, b: f64) -> f64 {
    match op {
        '+' => a + b,
        '-' => a - b,
        '*' => a * b,
        '/' => a / b,
        '%' => a % b,
        '^' => a.powf(b),
        _ => a,
    }
}

/// `&` in a `sub`/`gsub` replacement is the matched text; `\&` a literal `&`.
fn awk_replacement(rep: &str, matched: &str) -> String {
    let mut out = String::new();
    let mut chars = rep.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\\' if chars.peek() == Some(&'&') => {
                chars.next();
                out.push('&');
            }
            '&' => out.push_str(matched),
            c => out.push(c),
        }
    }
    out
}

/// awk's `printf`/`sprintf`: `%s %d %i %f %g %e %x %o %c %%` with flags and widths.
fn sprintf(fmt: &str, args: &[Val]) -> String {
    let mut out = String::new();
    let chars: Vec<char> = fmt.chars().collect();
    let mut i = 0;
    let mut next = 0;
    while i < chars.len() {
        if chars[i] != '%' {
            out.push(chars[i]);
            i += 1;
            continue;
        }
        let start = i;
        i += 1;
        while i < chars.len() && "-+ #0".contains(chars[i]) {
            i += 1;
        }
        while i < chars.len() && (chars[i].is_ascii_digit() || chars[i] == '.') {
            i += 1;
        }
        let Some(&conv) = chars.get(i) else {
            out.extend(&chars[start..]);
            break;
        };
        i += 1;
        let spec: String = chars[start + 1..i - 1].iter().collect();
        if conv == '%' {
            out.push('%');
            continue;
        }
        let arg = args.get(next).cloned().unwrap_or(Val::Str(String::new()));
        next += 1;
        let left = spec.contains('-');
        let zero = spec.starts_with('0');
        let plus = spec.contains('+');
        let digits = spec.trim_start_matches(['-', '+', ' ', '#', '0']);
        let (w, prec) = match digits.split_once('.') {
            Some((w, p)) => (w.parse().unwrap_or(0), Some(p.parse().unwrap_or(0))),
            None => (digits.parse().unwrap_or(0usize), None),
        };
        let body = match conv {
            's' => {
                let s = arg.text();
                match prec {
                    Some(p) => s.chars().take(p).collect(),
                    None => s,
                }
            }
            'c' => match arg {
                Val::Num(n) => char::from_u32(n as u32).map(String::from).unwrap_or_default(),
                other => other.text().chars().next().map(String::from).unwrap_or_default(),
            },
            'd' | 'i' => {
                let n = arg.num().trunc() as i64;
                if plus && n >= 0 { format!("+{n}") } else { n.to_string() }
            }
            'x' => format!("{:x}", arg.num() as i64),
            'X' => format!("{:X}", arg.num() as i64),
            'o' => format!("{:o}", arg.num() as i64),
            'f' => format!("{:.*}", prec.unwrap_or(6), arg.num()),
            'e' => {
                let s = format!("{:.*e}", prec.unwrap_or(6), arg.num());
                let (m, e) = s.split_once('e').unwrap_or((&s, "0"));
                let e: i32 = e.parse().unwrap_or(0);
                format!("{m}e{}{:02}", if e < 0 { '-' } else { '+' }, e.abs())
            }
            'g' => format_g(arg.num(), prec.unwrap_or(6)),
            other => format!("%{spec}{other}"),
        };
        let len = body.chars().count();
        if len >= w {
            out.push_str(&body);
        } else if left {
            out.push_str(&body);
            out.push_str(&" ".repeat(w - len));
        } else if zero && conv != 's' && conv != 'c' {
            let (sign, digits) = if body.starts_with('-') || body.starts_with('+') { body.split_at(1) } else { ("", body.as_str()) };
            out.push_str(sign);
            out.push_str(&"0".repeat(w - len));
            out.push_str(digits);
        } else {
            out.push_str(&" ".repeat(w - len));
            out.push_str(&body);
        }
    }
    out
}

/// `awk [-F FS] [-v VAR=VALUE] 'PROGRAM' [FILE]…`
pub fn awk(p: &mut Process, args: &[String]) -> i32 {
    let opts = [opt('F', "field-separator", true), opt('v', "assign", true), opt('f', "file", true)];
    let parsed = match getopt::parse("awk", args, &opts) {
        Ok(x) => x,
        Err(e) => {
            let line = e[0].replace("invalid option -- ", "not an option: -").replace('\'', "");
            p.eprintln(&line);
            return 2;
        }
    };
    let mut operands = parsed.operands.clone();
    let source = if let Some(f) = parsed.value('f') {
        match p.fs().read(&p.path(f)) {
            Ok(s) => s.to_string(),
            Err(_) => {
                p.eprintln(&format!("awk: couldn't open file {f}"));
                return 2;
            }
        }
    } else if operands.is_empty() {
        p.eprintln("usage: awk [-F value] [-v var=value] [--] 'program text' [file ...]");
        p.eprintln("usage: awk [-F value] [-v var=value] [-f program-file] [--] [file ...]");
        return 2;
    } else {
        operands.remove(0)
    };
    let program = match lex(&source).and_then(|t| Parser { t, i: 0 }.program()) {
        Ok(prog) => prog,
        Err(m) => {
            if m.starts_with("kubeplay:") {
                p.eprintln(&m);
            } else {
                p.eprintln(&format!("awk: line 1: {m}"));
            }
            return 2;
        }
    };
    let mut interp = Interp {
        p,
        vars: BTreeMap::new(),
        arrays: BTreeMap::new(),
        fields: Vec::new(),
        record: String::new(),
        nr: 0,
        exit_code: 0,
        regexes: BTreeMap::new(),
    };
    if let Some(fs) = parsed.value('F') {
        let fs = if fs == "t" { "\t".to_string() } else { fs.replace("\\t", "\t") };
        interp.vars.insert("FS".into(), Val::Str(fs));
    }
    for (c, v) in &parsed.opts {
        if *c == 'v' {
            if let Some((k, val)) = v.split_once('=') {
                interp.vars.insert(k.to_string(), Val::StrNum(val.to_string()));
            }
        }
    }
    // Operands of the form NAME=value are assignments, not files.
    let files: Vec<String> = operands.iter().filter(|o| !o.split_once('=').is_some_and(|(k, _)| crate::shell::syntax::is_name(k))).cloned().collect();
    for o in &operands {
        if let Some((k, v)) = o.split_once('=').filter(|(k, _)| crate::shell::syntax::is_name(k)) {
            interp.vars.insert(k.to_string(), Val::StrNum(v.to_string()));
        }
    }
    let report = |interp: &mut Interp, m: String| {
        interp.p.eprintln(&format!("awk: run time error: {m}"));
        2
    };
    let mut exited = false;
    for (pat, action) in &program.rules {
        if matches!(pat, Pattern::Begin) {
            match interp.exec(action) {
                Ok(Flow::Exit) => {
                    exited = true;
                    break;
                }
                Ok(_) => {}
                Err(m) => return report(&mut interp, m),
            }
        }
    }
    let has_main = program.rules.iter().any(|(p, _)| !matches!(p, Pattern::Begin));
    let mut failed = false;
    if !exited && has_main {
        let (inputs, f) = interp.p.inputs("awk", &files);
        failed = f;
        'records: for (_, text) in inputs {
            for line in text.lines() {
                interp.nr += 1;
                interp.set_record(line);
                for (pat, action) in &program.rules {
                    let selected = match pat {
                        Pattern::Begin | Pattern::End => false,
                        Pattern::All => true,
                        Pattern::Expr(e) => match interp.eval(e) {
                            Ok(v) => v.truthy(),
                            Err(m) => return report(&mut interp, m),
                        },
                    };
                    if !selected {
                        continue;
                    }
                    match interp.exec(action) {
                        Ok(Flow::Normal) => {}
                        Ok(Flow::Next) => break,
                        Ok(Flow::Exit) => {
                            exited = true;
                            break 'records;
                        }
                        Err(m) => return report(&mut interp, m),
                    }
                }
            }
        }
    }
    let _ = exited;
    for (pat, action) in &program.rules {
        if matches!(pat, Pattern::End) {
            match interp.exec(action) {
                Ok(Flow::Exit) => break,
                Ok(_) => {}
                Err(m) => return report(&mut interp, m),
            }
        }
    }
    if failed {
        2
    } else {
        interp.exit_code
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn number_formats() {
        assert_eq!(format_number(3.0), "3");
        assert_eq!(format_number(1.0 / 3.0), "0.333333");
        assert_eq!(format_number(1e20), "1e+20");
        assert_eq!(format_g(1e20, 6), "1e+20");
        assert_eq!(format_g(0.0001234, 6), "0.0001234");
        assert_eq!(sprintf("%-5s|%3d|%05.1f", &[Val::Str("ab".into()), Val::Num(7.0), Val::Num(3.27)]), "ab   |  7|003.3");
    }

    #[test]
    fn parses_common_programs() {
        for src in [
            "{print $1}",
            "{print $1, $NF}",
            "NR>1 {print $1\":\"$2}",
            "/Running/ {n++} END {print n+0}",
            "{s+=$2} END {print s}",
            "BEGIN {FS=\":\"} {print $2}",
            "{ if ($3 > 0) print $1; else print \"none\" }",
            "{count[$3]++} END {for (k in count) print k, count[k]}",
            "$3 == \"Running\"",
            "{printf \"%s %d\\n\", $1, NR}",
            "length($1) > 5",
            "{ gsub(/-/, \"_\"); print }",
        ] {
            let toks = lex(src).unwrap_or_else(|e| panic!("{src}: {e}"));
            Parser { t: toks, i: 0 }.program().unwrap_or_else(|e| panic!("{src}: {e}"));
        }
    }
}
