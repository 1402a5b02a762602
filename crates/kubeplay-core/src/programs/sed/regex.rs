//! sed's regular expressions and the `s` command's replacement, shared by the `s`
//! command, addresses and the in-page editor's `:s` (which substitutes as sed does).
//!
//! sed's BRE/ERE go through grep's translation to `regex-lite`; before that, the
//! escapes sed adds (`\n`, `\t`, an escaped delimiter) become what they stand for.
//! Patterns match across embedded newlines (`.` matches one, as in GNU sed, which
//! compiles without `REG_NEWLINE`) unless the `M` flag asks for multi-line mode.

use regex_lite::Regex;

use crate::programs::grep::{from_basic, from_extended};

/// The syntax a pattern is written in (`-E`/`-r` or not) and its flags.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Syntax {
    pub extended: bool,
    pub icase: bool,
    pub multiline: bool,
}

/// Compiles a pattern as read between delimiters (`delim` escaped inside it means
/// the character itself). `None` for an invalid pattern.
pub fn compile(pattern: &str, delim: char, syntax: Syntax) -> Option<Regex> {
    let unescaped = unescape_sed(pattern, delim, syntax.extended);
    let translated = if syntax.extended { from_extended(&unescaped) } else { from_basic(&unescaped) }.ok()?;
    let mut flags = String::new();
    if syntax.icase {
        flags.push('i');
    }
    flags.push(if syntax.multiline { 'm' } else { 's' });
    Regex::new(&format!("(?{flags}){translated}")).ok()
}

/// What GNU regcomp says about a pattern `compile` refused: unbalanced groups or
/// intervals, else a misplaced operator.
pub fn compile_error(pattern: &str, extended: bool) -> &'static str {
    let count = |open: &str, close: &str| (pattern.matches(open).count(), pattern.matches(close).count());
    let (parens, braces) = if extended {
        let unescaped = pattern.replace("\\\\", "").replace("\\(", "").replace("\\)", "").replace("\\{", "").replace("\\}", "");
        ((unescaped.matches('(').count(), unescaped.matches(')').count()), (unescaped.matches('{').count(), unescaped.matches('}').count()))
    } else {
        (count("\\(", "\\)"), count("\\{", "\\}"))
    };
    match (parens, braces) {
        ((o, c), _) if o > c => "Unmatched ( or \\(",
        ((o, c), _) if o < c => "Unmatched ) or \\)",
        (_, (o, c)) if o > c => "Unmatched \\{",
        _ => "Invalid preceding regular expression",
    }
}

/// The number of `\(…\)` (or `(…)` with `-E`) groups in a pattern, for the check of
/// `\N` references in a replacement.
pub fn group_count(re: &Regex) -> usize {
    re.captures_len() - 1
}

/// `\n` → newline, `\t` → tab, `\<delim>` → the delimiter as a literal; every other
/// escape is left for the BRE/ERE translation.
fn unescape_sed(pattern: &str, delim: char, extended: bool) -> String {
    let mut out = String::new();
    let mut chars = pattern.chars();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match chars.next() {
            Some('n') => out.push('\n'),
            Some('t') => out.push('\t'),
            Some(d) if d == delim && d != '\\' && d != '\n' => {
                let special = if extended { ".[]*^$\\(){}|+?" } else { ".[]*^$\\" };
                if special.contains(d) {
                    out.push('\\');
                }
                out.push(d);
            }
            Some(other) => {
                out.push('\\');
                out.push(other);
            }
            None => out.push('\\'),
        }
    }
    out
}

/// A piece of the replacement of `s`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Piece {
    Text(String),
    /// `&` (0) or `\1`…`\9`.
    Group(usize),
    /// GNU's case conversions: `\U`, `\L`, `\u`, `\l`, `\E`.
    Case(Case),
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Case {
    Upper,
    Lower,
    OneUpper,
    OneLower,
    End,
}

/// Reads a replacement as written between delimiters.
pub fn parse_replacement(text: &str, delim: char) -> Vec<Piece> {
    let mut pieces = Vec::new();
    let mut lit = String::new();
    let mut chars = text.chars();
    let flush = |lit: &mut String, pieces: &mut Vec<Piece>| {
        if !lit.is_empty() {
            pieces.push(Piece::Text(std::mem::take(lit)));
        }
    };
    while let Some(c) = chars.next() {
        match c {
            '&' => {
                flush(&mut lit, &mut pieces);
                pieces.push(Piece::Group(0));
            }
            '\\' => match chars.next() {
                Some(d @ '0'..='9') => {
                    flush(&mut lit, &mut pieces);
                    pieces.push(Piece::Group(d as usize - '0' as usize));
                }
                Some('n') => lit.push('\n'),
                Some('t') => lit.push('\t'),
                Some(k @ ('U' | 'L' | 'u' | 'l' | 'E')) if k != delim => {
                    flush(&mut lit, &mut pieces);
                    pieces.push(Piece::Case(match k {
                        'U' => Case::Upper,
                        'L' => Case::Lower,
                        'u' => Case::OneUpper,
                        'l' => Case::OneLower,
                        _ => Case::End,
                    }));
                }
                Some(other) => lit.push(other),
                None => lit.push('\\'),
            },
            c => lit.push(c),
        }
    }
    flush(&mut lit, &mut pieces);
    pieces
}

/// The highest group a replacement refers to.
pub fn max_reference(pieces: &[Piece]) -> usize {
    pieces.iter().filter_map(|p| if let Piece::Group(n) = p { Some(*n) } else { None }).max().unwrap_or(0)
}

/// Which matches `s` replaces: the `N`th (default 1), and with `g` every one from it on.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Occurrence {
    pub nth: usize,
    pub global: bool,
}

/// Replaces matches of `re` in `text` as GNU sed's `s` does: an empty match right
/// after a previous match is not a match (`s/a*/x/g` on `baaac` is `xbxcx`).
/// `None` when nothing was replaced.
pub fn substitute(re: &Regex, text: &str, pieces: &[Piece], which: Occurrence) -> Option<String> {
    let mut out = String::new();
    let mut copied = 0;
    let mut pos = 0;
    let mut count = 0;
    let mut replaced = false;
    let mut last_end: Option<usize> = None;
    while pos <= text.len() {
        let Some(caps) = re.captures_at(text, pos) else { break };
        let m = caps.get(0).expect("group 0 always matches");
        let empty = m.start() == m.end();
        if empty && last_end == Some(m.start()) {
            match text[m.start()..].chars().next() {
                Some(c) => pos = m.start() + c.len_utf8(),
                None => break,
            }
            continue;
        }
        count += 1;
        if count >= which.nth {
            out.push_str(&text[copied..m.start()]);
            expand(&caps, pieces, &mut out);
            copied = m.end();
            replaced = true;
            if !which.global {
                break;
            }
        }
        last_end = Some(m.end());
        pos = if empty {
            match text[m.end()..].chars().next() {
                Some(c) => m.end() + c.len_utf8(),
                None => break,
            }
        } else {
            m.end()
        };
    }
    if !replaced {
        return None;
    }
    out.push_str(&text[copied..]);
    Some(out)
}

/// Writes one replacement, applying `\U \L \u \l \E` as they come.
fn expand(caps: &regex_lite::Captures, pieces: &[Piece], out: &mut String) {
    let mut mode: Option<Case> = None;
    let mut one: Option<Case> = None;
    let put = |s: &str, mode: Option<Case>, one: &mut Option<Case>, out: &mut String| {
        for c in s.chars() {
            let conv = one.take().or(mode);
            match conv {
                Some(Case::Upper | Case::OneUpper) => out.extend(c.to_uppercase()),
                Some(Case::Lower | Case::OneLower) => out.extend(c.to_lowercase()),
                _ => out.push(c),
            }
        }
    };
    for p in pieces {
        match p {
            Piece::Text(t) => put(t, mode, &mut one, out),
            Piece::Group(n) => put(caps.get(*n).map_or("", |m| m.as_str()), mode, &mut one, out),
            Piece::Case(c @ (Case::Upper | Case::Lower)) => {
                mode = Some(*c);
                one = None;
            }
            Piece::Case(c @ (Case::OneUpper | Case::OneLower)) => one = Some(*c),
            Piece::Case(Case::End) => {
                mode = None;
                one = None;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn s(pat: &str, repl: &str, text: &str, nth: usize, global: bool, extended: bool) -> Option<String> {
        let re = compile(pat, '/', Syntax { extended, ..Syntax::default() }).expect("valid");
        substitute(&re, text, &parse_replacement(repl, '/'), Occurrence { nth, global })
    }

    #[test]
    fn substitutes_as_gnu_sed() {
        assert_eq!(s("a*", "x", "baaac", 1, true, false).as_deref(), Some("xbxcx"));
        assert_eq!(s("l", "L", "hello", 2, true, false).as_deref(), Some("helLo"));
        assert_eq!(s("l", "L", "hello", 1, false, false).as_deref(), Some("heLlo"));
        assert_eq!(s("(b)(c)", "\\U\\2\\E\\1&", "abc", 1, false, true).as_deref(), Some("aCbbc"));
        assert_eq!(s("\\(a\\)\\(b\\)", "\\2\\n\\1", "ab", 1, false, false).as_deref(), Some("b\na"));
        assert_eq!(s(".", "X", "a.b", 1, true, false).as_deref(), Some("XXX"));
        assert_eq!(s("\\.", "X", "a.b", 1, true, false).as_deref(), Some("aXb"));
        assert_eq!(s("x", "y", "abc", 1, true, false), None);
        assert_eq!(s("\\/", "|", "a/b", 1, false, false).as_deref(), Some("a|b"));
        assert_eq!(s("w", "\\u&", "word", 1, false, false).as_deref(), Some("Word"));
        assert_eq!(s("a\\+", "-", "caaat", 1, false, false).as_deref(), Some("c-t"));
    }
}
