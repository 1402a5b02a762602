//! GNU coreutils' text filters: `head`, `tail`, `wc`, `sort`, `uniq`, `cut`, `tr`
//! and `base64` (learners decode Secrets with it), with their options and messages.

use std::cmp::Ordering;

use super::getopt::{self, opt, Parsed};
use crate::shell::commands::Process;

fn usage(p: &mut Process, lines: Vec<String>) -> i32 {
    for l in lines {
        p.eprintln(&l);
    }
    1
}

fn parse(p: &mut Process, cmd: &str, args: &[String], opts: &[getopt::Opt]) -> Result<Parsed, i32> {
    getopt::parse(cmd, args, opts).map_err(|e| usage(p, e))
}

/// `-5` is `-n 5` for head and tail (the obsolete form everyone still types).
fn number_shorthand(args: &[String]) -> Vec<String> {
    let mut out = Vec::new();
    for a in args {
        match a.strip_prefix('-') {
            Some(n) if !n.is_empty() && n.chars().all(|c| c.is_ascii_digit()) => {
                out.push("-n".to_string());
                out.push(n.to_string());
            }
            _ => out.push(a.clone()),
        }
    }
    out
}

/// Lines of a text, each with its newline (the last may lack one).
fn lines_of(text: &str) -> Vec<&str> {
    text.split_inclusive('\n').collect()
}

/// `head`/`tail` over each input, with `==> NAME <==` headers for several files.
fn head_or_tail(p: &mut Process, cmd: &str, args: &[String], take: fn(&str, Count) -> String) -> i32 {
    let args = number_shorthand(args);
    let opts = [opt('n', "lines", true), opt('c', "bytes", true), opt('q', "quiet", false), opt('f', "follow", false), opt('v', "verbose", false)];
    let parsed = match parse(p, cmd, &args, &opts) {
        Ok(x) => x,
        Err(code) => return code,
    };
    // The sign that changes the meaning: `head -n -N` (all but), `tail -n +N` (from).
    let special = if cmd == "head" { '-' } else { '+' };
    let count = if let Some(c) = parsed.value('c') {
        match parse_count(c) {
            Some(n) => Count::Bytes(n.0, n.1 == Some(special)),
            None => {
                p.eprintln(&format!("{cmd}: invalid number of bytes: ‘{c}’"));
                return 1;
            }
        }
    } else {
        let n = parsed.value('n').unwrap_or("10");
        match parse_count(n) {
            Some(n) => Count::Lines(n.0, n.1 == Some(special)),
            None => {
                p.eprintln(&format!("{cmd}: invalid number of lines: ‘{n}’"));
                return 1;
            }
        }
    };
    let (inputs, failed) = p.inputs(cmd, &parsed.operands);
    let headers = (inputs.len() > 1 && !parsed.has('q')) || parsed.has('v');
    for (i, (name, text)) in inputs.iter().enumerate() {
        if headers {
            let shown = if name == "-" { "standard input" } else { name };
            p.print(&format!("{}==> {shown} <==\n", if i > 0 { "\n" } else { "" }));
        }
        p.print(&take(text, count));
    }
    i32::from(failed)
}

#[derive(Clone, Copy)]
enum Count {
    /// N, and whether it was signed (`+N` for tail, `-N` for head).
    Lines(usize, bool),
    Bytes(usize, bool),
}

/// `5`, `+5`, `-5`, with the suffixes `k`, `K`, `M` GNU allows.
fn parse_count(s: &str) -> Option<(usize, Option<char>)> {
    let (sign, digits) = match s.strip_prefix(['+', '-']) {
        Some(d) => (s.chars().next(), d),
        None => (None, s),
    };
    let (num, mult) = match digits.chars().last() {
        Some('k') => (&digits[..digits.len() - 1], 1024),
        Some('K') => (&digits[..digits.len() - 1], 1024),
        Some('M') => (&digits[..digits.len() - 1], 1024 * 1024),
        _ => (digits, 1),
    };
    let n: usize = num.parse().ok()?;
    Some((n.saturating_mul(mult), sign))
}

pub fn head(p: &mut Process, args: &[String]) -> i32 {
    head_or_tail(p, "head", args, |text, count| match count {
        Count::Lines(n, false) => lines_of(text).into_iter().take(n).collect(),
        // `head -n -N`: all but the last N.
        Count::Lines(n, true) => {
            let lines = lines_of(text);
            lines[..lines.len().saturating_sub(n)].concat()
        }
        Count::Bytes(n, all_but) => {
            let bytes = text.as_bytes();
            let end = if all_but { bytes.len().saturating_sub(n) } else { n.min(bytes.len()) };
            String::from_utf8_lossy(&bytes[..end]).into_owned()
        }
    })
}

pub fn tail(p: &mut Process, args: &[String]) -> i32 {
    head_or_tail(p, "tail", args, |text, count| match count {
        // `tail -n +N`: from line N on.
        Count::Lines(n, true) if !text.is_empty() => lines_of(text).into_iter().skip(n.saturating_sub(1)).collect(),
        Count::Lines(n, _) => {
            let lines = lines_of(text);
            lines[lines.len().saturating_sub(n)..].concat()
        }
        Count::Bytes(n, from) => {
            let bytes = text.as_bytes();
            let start = if from { n.saturating_sub(1).min(bytes.len()) } else { bytes.len().saturating_sub(n) };
            String::from_utf8_lossy(&bytes[start..]).into_owned()
        }
    })
}

/// `wc [-lwcm] [FILE]…`: counts right-aligned in a width fitting the total size of
/// the files (at least 7 when reading a pipe), or bare when one count of one input.
pub fn wc(p: &mut Process, args: &[String]) -> i32 {
    let opts = [opt('l', "lines", false), opt('w', "words", false), opt('c', "bytes", false), opt('m', "chars", false)];
    let parsed = match parse(p, "wc", args, &opts) {
        Ok(x) => x,
        Err(code) => return code,
    };
    let mut which: Vec<char> = ['l', 'w', 'm', 'c'].into_iter().filter(|c| parsed.has(*c)).collect();
    if which.is_empty() {
        which = vec!['l', 'w', 'c'];
    }
    let (inputs, failed) = p.inputs("wc", &parsed.operands);
    let counts: Vec<(String, [usize; 4])> = inputs
        .iter()
        .map(|(name, t)| (name.clone(), [t.matches('\n').count(), t.split_whitespace().count(), t.chars().count(), t.len()]))
        .collect();
    let from_pipe = inputs.iter().any(|(n, _)| n == "-");
    let total_size: usize = inputs.iter().filter(|(n, _)| n != "-").map(|(_, t)| t.len()).sum();
    let mut width = total_size.to_string().len();
    if from_pipe {
        width = width.max(7);
    }
    if which.len() == 1 && inputs.len() == 1 {
        width = 1;
    }
    let index = |c: char| match c {
        'l' => 0,
        'w' => 1,
        'm' => 2,
        _ => 3,
    };
    let line = |values: &[usize; 4], name: &str| {
        let nums: Vec<String> = which.iter().map(|c| format!("{:>width$}", values[index(*c)])).collect();
        let mut s = nums.join(" ");
        if name != "-" {
            s.push(' ');
            s.push_str(name);
        }
        s
    };
    let mut total = [0usize; 4];
    for (name, c) in &counts {
        for i in 0..4 {
            total[i] += c[i];
        }
        let l = line(c, if parsed.operands.is_empty() { "-" } else { name });
        p.println(&l);
    }
    if counts.len() > 1 {
        let l = line(&total, "total");
        p.println(&l);
    }
    i32::from(failed)
}

/// The key of a line for `sort -k`: fields start where blanks end (the blanks
/// before a field belong to it, as GNU sort counts them without `-b`).
fn sort_key<'a>(line: &'a str, key: &SortKey, sep: Option<char>) -> &'a str {
    let starts: Vec<usize> = match sep {
        Some(c) => std::iter::once(0).chain(line.match_indices(c).map(|(i, _)| i + c.len_utf8())).collect(),
        None => {
            let mut v = vec![0];
            let b = line.as_bytes();
            for i in 1..b.len() {
                if (b[i] == b' ' || b[i] == b'\t') && !(b[i - 1] == b' ' || b[i - 1] == b'\t') {
                    v.push(i);
                }
            }
            v
        }
    };
    let Some(&start) = starts.get(key.start.saturating_sub(1)) else { return "" };
    let end = match key.end {
        Some(e) => match starts.get(e) {
            Some(&next) => {
                if sep.is_some() {
                    next - 1
                } else {
                    next
                }
            }
            None => line.len(),
        },
        None => line.len(),
    };
    if end < start {
        return "";
    }
    &line[start..end]
}

struct SortKey {
    start: usize,
    end: Option<usize>,
    numeric: bool,
    reverse: bool,
}

fn numeric_value(s: &str) -> f64 {
    let t = s.trim_start();
    let end = t
        .char_indices()
        .take_while(|(i, c)| c.is_ascii_digit() || *c == '.' || (*i == 0 && *c == '-'))
        .map(|(i, c)| i + c.len_utf8())
        .last()
        .unwrap_or(0);
    t[..end].parse().unwrap_or(0.0)
}

/// `sort [-r] [-n] [-u] [-f] [-t SEP] [-k N[,M][n][r]]`, in byte order (the C locale).
pub fn sort(p: &mut Process, args: &[String]) -> i32 {
    let opts = [
        opt('r', "reverse", false),
        opt('n', "numeric-sort", false),
        opt('u', "unique", false),
        opt('f', "ignore-case", false),
        opt('k', "key", true),
        opt('t', "field-separator", true),
        opt('h', "human-numeric-sort", false),
        opt('b', "ignore-leading-blanks", false),
    ];
    let parsed = match parse(p, "sort", args, &opts) {
        Ok(x) => x,
        Err(code) => return code,
    };
    let sep = match parsed.value('t') {
        Some(t) if t.chars().count() == 1 => t.chars().next(),
        Some(t) => {
            p.eprintln(&format!("sort: multi-character tab ‘{t}’"));
            return 2;
        }
        None => None,
    };
    let mut keys = Vec::new();
    for (c, v) in &parsed.opts {
        if *c != 'k' {
            continue;
        }
        let (spec, flags) = v.split_at(v.find(|c: char| c.is_ascii_alphabetic()).unwrap_or(v.len()));
        let (a, b) = match spec.split_once(',') {
            Some((a, b)) => (a, Some(b)),
            None => (spec, None),
        };
        let start = a.split('.').next().and_then(|n| n.parse::<usize>().ok()).filter(|n| *n > 0);
        let end = b.map(|b| b.trim_end_matches(|c: char| c.is_ascii_alphabetic()).split('.').next().and_then(|n| n.parse::<usize>().ok()));
        let (Some(start), Some(end)) = (start, end.map_or(Some(None), |e| e.map(Some))) else {
            p.eprintln(&format!("sort: invalid number at field start: invalid count at start of ‘{v}’"));
            return 2;
        };
        keys.push(SortKey { start, end, numeric: flags.contains('n') || parsed.has('n') || parsed.has('h'), reverse: flags.contains('r') });
    }
    let (inputs, failed) = p.inputs("sort", &parsed.operands);
    let text: String = inputs.into_iter().map(|(_, t)| if t.is_empty() || t.ends_with('\n') { t } else { t + "\n" }).collect();
    let mut lines: Vec<&str> = text.lines().collect();
    let numeric = parsed.has('n') || parsed.has('h');
    let fold = parsed.has('f');
    let compare_text = |a: &str, b: &str, numeric: bool| -> Ordering {
        if numeric {
            numeric_value(a).partial_cmp(&numeric_value(b)).unwrap_or(Ordering::Equal)
        } else if fold {
            a.to_uppercase().cmp(&b.to_uppercase())
        } else {
            a.cmp(b)
        }
    };
    let reverse = parsed.has('r');
    crate::sorting::sort_by(&mut lines, |a, b| {
        for k in &keys {
            let o = compare_text(sort_key(a, k, sep), sort_key(b, k, sep), k.numeric);
            let o = if k.reverse { o.reverse() } else { o };
            if o != Ordering::Equal {
                return if reverse { o.reverse() } else { o };
            }
        }
        let o = if keys.is_empty() { compare_text(a, b, numeric) } else { Ordering::Equal };
        // Last resort: the whole line, byte by byte (unless -u compares keys only).
        let o = if o == Ordering::Equal && !parsed.has('u') { a.cmp(b) } else { o };
        if reverse {
            o.reverse()
        } else {
            o
        }
    });
    if parsed.has('u') {
        lines.dedup_by(|a, b| {
            if keys.is_empty() {
                compare_text(a, b, numeric) == Ordering::Equal
            } else {
                keys.iter().all(|k| compare_text(sort_key(a, k, sep), sort_key(b, k, sep), k.numeric) == Ordering::Equal)
            }
        });
    }
    for l in lines {
        p.println(l);
    }
    i32::from(failed) * 2
}

/// `uniq [-c] [-d] [-u] [-i]`: adjacent repeats; counts as `%7d `.
pub fn uniq(p: &mut Process, args: &[String]) -> i32 {
    let opts = [opt('c', "count", false), opt('d', "repeated", false), opt('u', "unique", false), opt('i', "ignore-case", false)];
    let parsed = match parse(p, "uniq", args, &opts) {
        Ok(x) => x,
        Err(code) => return code,
    };
    let (inputs, failed) = p.inputs("uniq", &parsed.operands[..parsed.operands.len().min(1)]);
    let text: String = inputs.into_iter().map(|(_, t)| t).collect();
    let same = |a: &str, b: &str| if parsed.has('i') { a.eq_ignore_ascii_case(b) } else { a == b };
    let mut groups: Vec<(&str, usize)> = Vec::new();
    for l in text.lines() {
        match groups.last_mut() {
            Some((g, n)) if same(g, l) => *n += 1,
            _ => groups.push((l, 1)),
        }
    }
    for (l, n) in groups {
        if (parsed.has('d') && n < 2) || (parsed.has('u') && n > 1) {
            continue;
        }
        if parsed.has('c') {
            p.println(&format!("{n:7} {l}"));
        } else {
            p.println(l);
        }
    }
    i32::from(failed)
}

/// A `cut` list: `N`, `N-M`, `N-`, `-M`, comma-separated (1-based, inclusive).
fn parse_list(s: &str) -> Option<Vec<(usize, usize)>> {
    s.split(',')
        .map(|r| {
            let (a, b) = match r.split_once('-') {
                Some((a, b)) => (if a.is_empty() { 1 } else { a.parse().ok()? }, if b.is_empty() { usize::MAX } else { b.parse().ok()? }),
                None => {
                    let n = r.parse().ok()?;
                    (n, n)
                }
            };
            (a >= 1 && a <= b).then_some((a, b))
        })
        .collect()
}

pub fn cut(p: &mut Process, args: &[String]) -> i32 {
    let opts = [opt('d', "delimiter", true), opt('f', "fields", true), opt('c', "characters", true), opt('b', "bytes", true), opt('s', "only-delimited", false)];
    let parsed = match parse(p, "cut", args, &opts) {
        Ok(x) => x,
        Err(code) => return code,
    };
    let (spec, by_field) = match (parsed.value('f'), parsed.value('c').or(parsed.value('b'))) {
        (Some(f), _) => (f, true),
        (None, Some(c)) => (c, false),
        (None, None) => {
            p.eprintln("cut: you must specify a list of bytes, characters, or fields");
            p.eprintln("Try 'cut --help' for more information.");
            return 1;
        }
    };
    let Some(ranges) = parse_list(spec) else {
        p.eprintln(&format!("cut: invalid field value ‘{spec}’"));
        p.eprintln("Try 'cut --help' for more information.");
        return 1;
    };
    let delim = match parsed.value('d') {
        Some(d) if d.chars().count() == 1 => d.chars().next().unwrap_or('\t'),
        Some(_) => {
            p.eprintln("cut: the delimiter must be a single character");
            p.eprintln("Try 'cut --help' for more information.");
            return 1;
        }
        None => '\t',
    };
    let wanted = |i: usize| ranges.iter().any(|(a, b)| i >= *a && i <= *b);
    let (inputs, failed) = p.inputs("cut", &parsed.operands);
    let mut out = String::new();
    for (_, text) in inputs {
        for line in text.lines() {
            if by_field {
                if !line.contains(delim) {
                    if !parsed.has('s') {
                        out.push_str(line);
                        out.push('\n');
                    }
                    continue;
                }
                let fields: Vec<&str> = line.split(delim).enumerate().filter(|(i, _)| wanted(i + 1)).map(|(_, f)| f).collect();
                out.push_str(&fields.join(&delim.to_string()));
            } else {
                out.extend(line.chars().enumerate().filter(|(i, _)| wanted(i + 1)).map(|(_, c)| c));
            }
            out.push('\n');
        }
    }
    p.print(&out);
    i32::from(failed)
}

/// A `tr` character class: its name and membership test.
type CharClass = (&'static str, fn(char) -> bool);

/// Expands a `tr` set: ranges, `[:class:]`, and backslash escapes.
fn tr_set(s: &str) -> Vec<char> {
    let classes: [CharClass; 7] = [
        ("[:upper:]", |c| c.is_ascii_uppercase()),
        ("[:lower:]", |c| c.is_ascii_lowercase()),
        ("[:digit:]", |c| c.is_ascii_digit()),
        ("[:alpha:]", |c| c.is_ascii_alphabetic()),
        ("[:alnum:]", |c| c.is_ascii_alphanumeric()),
        ("[:space:]", |c| c.is_ascii_whitespace() || c == '\x0b'),
        ("[:punct:]", |c| c.is_ascii_punctuation()),
    ];
    let mut chars: Vec<char> = Vec::new();
    let mut rest = s;
    'outer: while !rest.is_empty() {
        for (name, f) in &classes {
            if let Some(r) = rest.strip_prefix(name) {
                chars.extend((0u8..128).map(char::from).filter(|c| f(*c)));
                rest = r;
                continue 'outer;
            }
        }
        let mut it = rest.chars();
        let c = it.next().unwrap_or_default();
        let (c, after) = if c == '\\' {
            let n = it.next();
            let e = match n {
                Some('n') => '\n',
                Some('t') => '\t',
                Some('r') => '\r',
                Some(o) => o,
                None => '\\',
            };
            (e, it.as_str())
        } else {
            (c, it.as_str())
        };
        if let Some(r) = after.strip_prefix('-').filter(|r| !r.is_empty()) {
            let mut it2 = r.chars();
            let end = it2.next().unwrap_or(c);
            if end >= c {
                chars.extend(c..=end);
                rest = it2.as_str();
                continue;
            }
        }
        chars.push(c);
        rest = after;
    }
    chars
}

pub fn tr(p: &mut Process, args: &[String]) -> i32 {
    let opts = [opt('d', "delete", false), opt('s', "squeeze-repeats", false), opt('c', "complement", false)];
    let parsed = match parse(p, "tr", args, &opts) {
        Ok(x) => x,
        Err(code) => return code,
    };
    let delete = parsed.has('d');
    let squeeze = parsed.has('s');
    let needed = if delete || (squeeze && parsed.operands.len() == 1) { 1 } else { 2 };
    if parsed.operands.len() < needed {
        match parsed.operands.first() {
            None => p.eprintln("tr: missing operand"),
            Some(a) => p.eprintln(&format!("tr: missing operand after '{a}'\nTwo strings must be given when translating.")),
        }
        p.eprintln("Try 'tr --help' for more information.");
        return 1;
    }
    let set1 = tr_set(&parsed.operands[0]);
    let set2 = parsed.operands.get(1).map(|s| tr_set(s)).unwrap_or_default();
    let in1 = |c: char| set1.contains(&c) != parsed.has('c');
    let mut out = String::new();
    let text = p.stdin_text().to_string();
    for c in text.chars() {
        let mapped = if delete {
            if in1(c) {
                continue;
            }
            c
        } else if !set2.is_empty() && in1(c) {
            let i = set1.iter().position(|x| *x == c).unwrap_or(set1.len().saturating_sub(1));
            *set2.get(i).or(set2.last()).unwrap_or(&c)
        } else {
            c
        };
        let squeeze_set = if set2.is_empty() || delete { &set1 } else { &set2 };
        if squeeze && out.ends_with(mapped) && squeeze_set.contains(&mapped) {
            continue;
        }
        out.push(mapped);
    }
    p.print(&out);
    0
}

/// `base64 [-d] [-w COLS] [FILE]`: encoding wraps at 76 columns.
pub fn base64(p: &mut Process, args: &[String]) -> i32 {
    use ::base64::Engine;
    let opts = [opt('d', "decode", false), opt('w', "wrap", true), opt('i', "ignore-garbage", false)];
    let parsed = match parse(p, "base64", args, &opts) {
        Ok(x) => x,
        Err(code) => return code,
    };
    if parsed.operands.len() > 1 {
        p.eprintln(&format!("base64: extra operand '{}'", parsed.operands[1]));
        p.eprintln("Try 'base64 --help' for more information.");
        return 1;
    }
    let (inputs, failed) = p.inputs("base64", &parsed.operands);
    if failed {
        return 1;
    }
    let text: String = inputs.into_iter().map(|(_, t)| t).collect();
    // GNU decodes a last group with stray low bits and with or without padding.
    let config = ::base64::engine::GeneralPurposeConfig::new()
        .with_decode_allow_trailing_bits(true)
        .with_decode_padding_mode(::base64::engine::DecodePaddingMode::Indifferent);
    let engine = ::base64::engine::GeneralPurpose::new(&::base64::alphabet::STANDARD, config);
    if parsed.has('d') {
        // GNU skips newlines only; any other stray byte ends the valid input.
        let clean: String = text.chars().filter(|c| *c != '\n').filter(|c| !parsed.has('i') || c.is_ascii_alphanumeric() || "+/=".contains(*c)).collect();
        // Decode as much as is valid, then complain as GNU does.
        let valid_len = clean.find(|c: char| !(c.is_ascii_alphanumeric() || c == '+' || c == '/' || c == '=')).unwrap_or(clean.len());
        let (good, bad) = clean.split_at(valid_len);
        let whole = good.len() / 4 * 4;
        let (mut bytes, mut ok) = match engine.decode(&good[..whole]) {
            Ok(b) => (b, bad.is_empty()),
            Err(_) => (Vec::new(), false),
        };
        let tail = &good[whole..];
        if !tail.is_empty() {
            // A last group cut short: decode what it holds, then complain.
            let padded = format!("{tail}{}", "=".repeat(4 - tail.len()));
            if let Ok(b) = engine.decode(padded) {
                bytes.extend(b);
            }
            ok = false;
        }
        p.print(&String::from_utf8_lossy(&bytes));
        if !ok {
            p.eprintln("base64: invalid input");
            return 1;
        }
        return 0;
    }
    let wrap = match parsed.value('w') {
        Some(w) => match w.parse::<usize>() {
            Ok(n) => n,
            Err(_) => {
                p.eprintln(&format!("base64: invalid wrap size: ‘{w}’"));
                return 1;
            }
        },
        None => 76,
    };
    let encoded = engine.encode(text.as_bytes());
    if wrap == 0 {
        p.print(&encoded);
        return 0;
    }
    let mut out = String::new();
    for chunk in encoded.as_bytes().chunks(wrap) {
        out.push_str(&String::from_utf8_lossy(chunk));
        out.push('\n');
    }
    p.print(&out);
    0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sort_keys_and_tr_sets() {
        let k = SortKey { start: 2, end: Some(2), numeric: false, reverse: false };
        assert_eq!(sort_key("a  b c", &k, None), "  b");
        assert_eq!(sort_key("a:b:c", &k, Some(':')), "b");
        assert_eq!(tr_set("a-c"), vec!['a', 'b', 'c']);
        assert_eq!(tr_set("[:upper:]").len(), 26);
        assert_eq!(tr_set("\\n"), vec!['\n']);
        assert_eq!(parse_list("1,3-4,6-"), Some(vec![(1, 1), (3, 4), (6, usize::MAX)]));
        assert_eq!(parse_list("0"), None);
    }
}
