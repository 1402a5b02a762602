//! Word expansion in bash's order: tilde, parameters (`$X`, `${X:-d}`), command
//! substitution, arithmetic, then field splitting of unquoted results, pathname
//! expansion (`*.yaml` against the virtual file system) and quote removal.

use super::exec::{capture, Sink};
use super::syntax::{parse_inner_word, Param, ParamOp, Part, Word};
use super::Shell;
use crate::vfs::{Vfs, HOME};

/// A piece of expanded text and how it was quoted.
enum Seg {
    /// Unquoted text from the command line: may glob, never splits.
    Lit(String),
    Quoted(String),
    /// The unquoted result of an expansion: splits on blanks and may glob.
    Expanded(String),
}

/// A field being built: its text, its glob pattern (quoted specials escaped), and
/// whether an unquoted glob character is in it.
#[derive(Default)]
struct Field {
    text: String,
    pattern: String,
    globs: bool,
}

impl Field {
    fn push(&mut self, s: &str, quoted: bool) {
        self.text.push_str(s);
        for c in s.chars() {
            if quoted && matches!(c, '*' | '?' | '[' | ']' | '\\') {
                self.pattern.push('\\');
            } else if !quoted && matches!(c, '*' | '?' | '[') {
                self.globs = true;
            }
            self.pattern.push(c);
        }
    }
}

/// Expands command words into arguments (splitting and globbing).
pub fn words(sh: &mut Shell, words: &[Word], sink: &mut Sink) -> Result<Vec<String>, String> {
    let mut out = Vec::new();
    for w in words {
        let mut segs = Vec::new();
        for p in w {
            segments(sh, p, false, &mut segs, sink)?;
        }
        for f in split(segs) {
            if f.globs {
                let matches = glob(&sh.fs, &sh.cwd, &f.pattern);
                if !matches.is_empty() {
                    out.extend(matches);
                    continue;
                }
            }
            out.push(f.text);
        }
    }
    Ok(out)
}

/// Expands a word into one string (assignments, `${X:-word}`): no splitting, no globbing.
pub fn single(sh: &mut Shell, word: &Word, sink: &mut Sink) -> Result<String, String> {
    let mut segs = Vec::new();
    for p in word {
        segments(sh, p, false, &mut segs, sink)?;
    }
    Ok(segs
        .into_iter()
        .map(|s| match s {
            Seg::Lit(t) | Seg::Quoted(t) | Seg::Expanded(t) => t,
        })
        .collect())
}

/// The body of an unquoted here-document, with `$…` and `` `…` `` expanded.
pub fn heredoc(sh: &mut Shell, body: &str, sink: &mut Sink) -> Result<String, String> {
    single(sh, &parse_inner_word(body, true), sink)
}

fn segments(sh: &mut Shell, part: &Part, quoted: bool, segs: &mut Vec<Seg>, sink: &mut Sink) -> Result<(), String> {
    let wrap = |s: String| if quoted { Seg::Quoted(s) } else { Seg::Expanded(s) };
    match part {
        Part::Lit(s) => segs.push(if quoted { Seg::Quoted(s.clone()) } else { Seg::Lit(s.clone()) }),
        Part::Quoted(s) => segs.push(Seg::Quoted(s.clone())),
        Part::Tilde => segs.push(Seg::Quoted(sh.var("HOME").unwrap_or(HOME).to_string())),
        Part::Double(inner) => {
            // `""` is still a (empty) word.
            segs.push(Seg::Quoted(String::new()));
            for p in inner {
                segments(sh, p, true, segs, sink)?;
            }
        }
        Part::Param(p) => {
            let v = parameter(sh, p, sink)?;
            segs.push(wrap(v));
        }
        Part::Command(text) => {
            let v = capture(sh, text, sink);
            segs.push(wrap(v));
        }
        Part::Arith(expr) => {
            let text = single(sh, &parse_inner_word(expr, true), sink)?;
            let v = arithmetic(sh, &text)?;
            segs.push(wrap(v.to_string()));
        }
    }
    Ok(())
}

fn parameter(sh: &mut Shell, p: &Param, sink: &mut Sink) -> Result<String, String> {
    let value: Option<String> = match p.name.as_str() {
        "?" => Some(sh.last_status.to_string()),
        "!" => sh.jobs().last_pid().map(|p| p.to_string()),
        "$" => Some("4242".into()),
        "#" => Some("0".into()),
        "0" => Some("bash".into()),
        "-" => Some("himBHs".into()),
        "@" | "*" => None,
        n if n.chars().all(|c| c.is_ascii_digit()) => None,
        "PWD" => Some(sh.cwd.clone()),
        n => sh.var(n).map(str::to_string),
    };
    match &p.op {
        ParamOp::Plain => Ok(value.unwrap_or_default()),
        ParamOp::Length => Ok(value.unwrap_or_default().chars().count().to_string()),
        ParamOp::Default { colon, word } | ParamOp::Assign { colon, word } | ParamOp::Alternative { colon, word } => {
            let set = match &value {
                None => false,
                Some(v) => !(*colon && v.is_empty()),
            };
            match &p.op {
                ParamOp::Alternative { .. } => if set { single(sh, word, sink) } else { Ok(String::new()) },
                _ if set => Ok(value.unwrap_or_default()),
                ParamOp::Assign { .. } => {
                    let v = single(sh, word, sink)?;
                    sh.set_var(&p.name, v.clone());
                    Ok(v)
                }
                _ => single(sh, word, sink),
            }
        }
    }
}

/// Field splitting: unquoted expansion results split on blanks; empty unquoted
/// expansions vanish, while quoted empty strings stay as empty words.
fn split(segs: Vec<Seg>) -> Vec<Field> {
    let mut fields = Vec::new();
    let mut cur: Option<Field> = None;
    for s in segs {
        match s {
            Seg::Lit(t) => cur.get_or_insert_with(Field::default).push(&t, false),
            Seg::Quoted(t) => cur.get_or_insert_with(Field::default).push(&t, true),
            Seg::Expanded(t) => {
                let is_blank = |c: char| c == ' ' || c == '\t' || c == '\n';
                if t.starts_with(is_blank) {
                    fields.extend(cur.take());
                }
                let mut pieces = t.split(is_blank).filter(|p| !p.is_empty()).peekable();
                while let Some(piece) = pieces.next() {
                    cur.get_or_insert_with(Field::default).push(piece, false);
                    if pieces.peek().is_some() {
                        fields.extend(cur.take());
                    }
                }
                if t.ends_with(is_blank) {
                    fields.extend(cur.take());
                }
            }
        }
    }
    fields.extend(cur);
    fields
}

/// Pathname expansion against the virtual file system; sorted matches, or none.
fn glob(fs: &Vfs, cwd: &str, pattern: &str) -> Vec<String> {
    let absolute = pattern.starts_with('/');
    let components: Vec<&str> = pattern.split('/').filter(|c| !c.is_empty()).collect();
    // (path as the user wrote it, absolute path)
    let mut candidates: Vec<(String, String)> = vec![(if absolute { "/".into() } else { String::new() }, if absolute { "/".into() } else { cwd.to_string() })];
    for (i, comp) in components.iter().enumerate() {
        let last = i + 1 == components.len();
        let mut next = Vec::new();
        for (shown, abs) in &candidates {
            let join = |name: &str| {
                let shown = if shown.is_empty() || shown.ends_with('/') { format!("{shown}{name}") } else { format!("{shown}/{name}") };
                let abs = Vfs::resolve(abs, name);
                (shown, abs)
            };
            if !comp.contains(['*', '?', '[']) {
                let name = unescape(comp);
                let (s, a) = join(&name);
                if fs.is_dir(&a) || (last && fs.is_file(&a)) {
                    next.push((s, a));
                }
                continue;
            }
            let Ok(entries) = fs.list(abs) else { continue };
            for name in entries {
                if name.starts_with('.') && !comp.starts_with('.') {
                    continue;
                }
                if glob_match(comp, &name) {
                    let (s, a) = join(&name);
                    if last || fs.is_dir(&a) {
                        next.push((s, a));
                    }
                }
            }
        }
        candidates = next;
    }
    if components.is_empty() {
        return Vec::new();
    }
    let mut out: Vec<String> = candidates.into_iter().map(|(s, _)| s).collect();
    crate::sorting::sort(&mut out);
    out
}

fn unescape(s: &str) -> String {
    let mut out = String::new();
    let mut chars = s.chars();
    while let Some(c) = chars.next() {
        if c == '\\' {
            out.extend(chars.next());
        } else {
            out.push(c);
        }
    }
    out
}

/// Matches `name` against a glob pattern (`*`, `?`, `[a-z]`, `[!x]`, `\x`).
pub fn glob_match(pattern: &str, name: &str) -> bool {
    let p: Vec<char> = pattern.chars().collect();
    let n: Vec<char> = name.chars().collect();
    glob_at(&p, &n)
}

fn glob_at(p: &[char], n: &[char]) -> bool {
    match p.first() {
        None => n.is_empty(),
        Some('*') => (0..=n.len()).any(|i| glob_at(&p[1..], &n[i..])),
        Some('?') => !n.is_empty() && glob_at(&p[1..], &n[1..]),
        Some('[') => {
            let Some(c) = n.first() else { return false };
            let mut i = 1;
            let negate = matches!(p.get(1), Some('!' | '^'));
            if negate {
                i += 1;
            }
            let mut matched = false;
            let start = i;
            while i < p.len() && (p[i] != ']' || i == start) {
                if i + 2 < p.len() && p[i + 1] == '-' && p[i + 2] != ']' {
                    matched |= (p[i]..=p[i + 2]).contains(c);
                    i += 3;
                } else {
                    matched |= p[i] == *c;
                    i += 1;
                }
            }
            if i >= p.len() {
                // No closing `]`: a literal `[`.
                return *c == '[' && glob_at(&p[1..], &n[1..]);
            }
            matched != negate && glob_at(&p[i + 1..], &n[1..])
        }
        Some('\\') if p.len() > 1 => n.first() == Some(&p[1]) && glob_at(&p[2..], &n[1..]),
        Some(c) => n.first() == Some(c) && glob_at(&p[1..], &n[1..]),
    }
}

/// `$(( … ))`: integer arithmetic with `+ - * / %`, parentheses, unary minus,
/// comparisons and variables, as bash evaluates it (64-bit, wrapping).
fn arithmetic(sh: &Shell, expr: &str) -> Result<i64, String> {
    let tokens = arith_tokens(expr);
    let mut parser = Arith { sh, tokens: &tokens, pos: 0, expr };
    let v = parser.comparison()?;
    if parser.pos < tokens.len() {
        return Err(parser.error(&tokens[parser.pos]));
    }
    Ok(v)
}

fn arith_tokens(expr: &str) -> Vec<String> {
    let mut tokens = Vec::new();
    let chars: Vec<char> = expr.chars().collect();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if c.is_whitespace() {
            i += 1;
        } else if c.is_ascii_alphanumeric() || c == '_' {
            let start = i;
            while i < chars.len() && (chars[i].is_ascii_alphanumeric() || chars[i] == '_') {
                i += 1;
            }
            tokens.push(chars[start..i].iter().collect());
        } else {
            let two: String = chars[i..(i + 2).min(chars.len())].iter().collect();
            if ["==", "!=", "<=", ">=", "&&", "||"].contains(&two.as_str()) {
                tokens.push(two);
                i += 2;
            } else {
                tokens.push(c.to_string());
                i += 1;
            }
        }
    }
    tokens
}

struct Arith<'a> {
    sh: &'a Shell,
    tokens: &'a [String],
    pos: usize,
    expr: &'a str,
}

impl Arith<'_> {
    fn error(&self, token: &str) -> String {
        format!("bash: {}: syntax error: operand expected (error token is \"{token}\")", self.expr.trim())
    }

    fn next_is(&self, ops: &[&str]) -> Option<String> {
        self.tokens.get(self.pos).filter(|t| ops.contains(&t.as_str())).cloned()
    }

    fn comparison(&mut self) -> Result<i64, String> {
        let mut v = self.sum()?;
        while let Some(op) = self.next_is(&["==", "!=", "<", ">", "<=", ">="]) {
            self.pos += 1;
            let r = self.sum()?;
            v = i64::from(match op.as_str() {
                "==" => v == r,
                "!=" => v != r,
                "<" => v < r,
                ">" => v > r,
                "<=" => v <= r,
                _ => v >= r,
            });
        }
        Ok(v)
    }

    fn sum(&mut self) -> Result<i64, String> {
        let mut v = self.product()?;
        while let Some(op) = self.next_is(&["+", "-"]) {
            self.pos += 1;
            let r = self.product()?;
            v = if op == "+" { v.wrapping_add(r) } else { v.wrapping_sub(r) };
        }
        Ok(v)
    }

    fn product(&mut self) -> Result<i64, String> {
        let mut v = self.unary()?;
        while let Some(op) = self.next_is(&["*", "/", "%"]) {
            self.pos += 1;
            let r = self.unary()?;
            if op != "*" && r == 0 {
                return Err(format!("bash: {}: division by 0 (error token is \"{}\")", self.expr.trim(), self.tokens[self.pos - 1]));
            }
            v = match op.as_str() {
                "*" => v.wrapping_mul(r),
                "/" => v.wrapping_div(r),
                _ => v.wrapping_rem(r),
            };
        }
        Ok(v)
    }

    fn unary(&mut self) -> Result<i64, String> {
        if let Some(op) = self.next_is(&["-", "+", "!"]) {
            self.pos += 1;
            let v = self.unary()?;
            return Ok(match op.as_str() {
                "-" => v.wrapping_neg(),
                "!" => i64::from(v == 0),
                _ => v,
            });
        }
        let Some(t) = self.tokens.get(self.pos).cloned() else { return Err(self.error("")) };
        self.pos += 1;
        if t == "(" {
            let v = self.comparison()?;
            if self.next_is(&[")"]).is_none() {
                return Err(self.error(self.tokens.get(self.pos).map(String::as_str).unwrap_or("")));
            }
            self.pos += 1;
            return Ok(v);
        }
        if let Ok(n) = t.parse::<i64>() {
            return Ok(n);
        }
        if super::syntax::is_name(&t) {
            let value = self.sh.var(&t).unwrap_or("0").trim().to_string();
            return Ok(value.parse().unwrap_or(0));
        }
        Err(self.error(&t))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn globs() {
        assert!(glob_match("*.yaml", "a.yaml"));
        assert!(!glob_match("*.yaml", "a.yml"));
        assert!(glob_match("p?d[0-9]", "pod1"));
        assert!(glob_match("[!a]*", "b"));
        assert!(!glob_match("\\*", "a"));
        assert!(glob_match("\\*", "*"));
        let mut fs = Vfs::default();
        fs.write("/root/a.yaml", String::new()).unwrap();
        fs.write("/root/b.yaml", String::new()).unwrap();
        fs.write("/root/.hidden.yaml", String::new()).unwrap();
        assert_eq!(glob(&fs, "/root", "*.yaml"), vec!["a.yaml", "b.yaml"]);
        assert_eq!(glob(&fs, "/tmp", "/root/a*"), vec!["/root/a.yaml"]);
        assert_eq!(glob(&fs, "/root", "../root/b*"), vec!["../root/b.yaml"]);
        assert!(glob(&fs, "/root", "*.json").is_empty());
    }

    #[test]
    fn splitting_keeps_quoted_empties() {
        let f = split(vec![Seg::Expanded(" a  b ".into()), Seg::Lit("c".into())]);
        assert_eq!(f.iter().map(|f| f.text.as_str()).collect::<Vec<_>>(), vec!["a", "b", "c"]);
        let f = split(vec![Seg::Expanded(String::new())]);
        assert!(f.is_empty());
        let f = split(vec![Seg::Quoted(String::new())]);
        assert_eq!(f.len(), 1);
    }
}
