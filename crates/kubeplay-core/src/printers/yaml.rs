//! YAML exactly as kubectl prints it. kubectl marshals through sigs.k8s.io/yaml, i.e.
//! go-yaml v2, whose choices differ from yaml_serde's: a string that would read back
//! as something else (`"80"`, `"true"`, `""`, a timestamp) is double-quoted, not
//! single-quoted; strings that cannot be plain are single-quoted; multi-line strings
//! become literal blocks; long scalars are folded at spaces past column 80; sequences
//! in a mapping are not indented. This module copies those rules
//! (go-yaml v2 encode.go `stringv`, resolve.go, emitterc.go `analyze_scalar`,
//! `select_scalar_style`, `write_plain_scalar`).

use serde_json::Value;

/// go-yaml's `best_width`: plain and single-quoted scalars fold after this column.
const BEST_WIDTH: usize = 80;

/// Renders a JSON value as kubectl's YAML (ends with a newline).
pub fn to_yaml(v: &Value) -> String {
    let mut e = Emitter { out: String::new(), column: 0 };
    match v {
        Value::Object(m) if !m.is_empty() => e.mapping(m, 0),
        Value::Array(a) if !a.is_empty() => e.sequence(a, 0),
        other => {
            e.scalar(other, 0);
            e.newline();
        }
    }
    e.out
}

struct Emitter {
    out: String,
    column: usize,
}

/// How a string scalar is written.
#[derive(Debug, PartialEq, Eq)]
enum Style {
    Plain,
    Single,
    Double,
    Literal,
}

impl Emitter {
    fn write(&mut self, s: &str) {
        self.out.push_str(s);
        match s.rfind('\n') {
            Some(i) => self.column = s[i + 1..].chars().count(),
            None => self.column += s.chars().count(),
        }
    }

    fn newline(&mut self) {
        self.out.push('\n');
        self.column = 0;
    }

    fn indent(&mut self, n: usize) {
        self.newline();
        self.write(&" ".repeat(n));
    }

    fn mapping(&mut self, m: &serde_json::Map<String, Value>, indent: usize) {
        for (i, (k, v)) in m.iter().enumerate() {
            if i > 0 {
                self.write(&" ".repeat(indent));
            }
            self.string(k, indent, true);
            self.write(":");
            self.value_after_key(v, indent);
        }
    }

    /// A mapping value: nested blocks go on the next lines, scalars after one space.
    fn value_after_key(&mut self, v: &Value, indent: usize) {
        match v {
            Value::Object(m) if !m.is_empty() => {
                self.newline();
                self.write(&" ".repeat(indent + 2));
                self.mapping(m, indent + 2);
            }
            Value::Array(a) if !a.is_empty() => {
                self.newline();
                self.write(&" ".repeat(indent));
                self.sequence(a, indent);
            }
            _ => {
                self.write(" ");
                self.scalar(v, indent + 2);
                self.newline();
            }
        }
    }

    fn sequence(&mut self, a: &[Value], indent: usize) {
        for (i, item) in a.iter().enumerate() {
            if i > 0 {
                self.write(&" ".repeat(indent));
            }
            self.write("- ");
            match item {
                Value::Object(m) if !m.is_empty() => self.mapping(m, indent + 2),
                Value::Array(inner) if !inner.is_empty() => self.sequence(inner, indent + 2),
                _ => {
                    self.scalar(item, indent + 2);
                    self.newline();
                }
            }
        }
    }

    fn scalar(&mut self, v: &Value, indent: usize) {
        match v {
            Value::Null => self.write("null"),
            Value::Bool(b) => self.write(if *b { "true" } else { "false" }),
            Value::Number(n) => self.write(&n.to_string()),
            Value::String(s) => self.string(s, indent, false),
            Value::Object(_) => self.write("{}"),
            Value::Array(_) => self.write("[]"),
        }
    }

    fn string(&mut self, s: &str, indent: usize, is_key: bool) {
        match style(s, is_key) {
            Style::Plain => self.folded(s, indent, false),
            Style::Single => {
                self.write("'");
                self.folded(&s.replace('\'', "''"), indent, true);
                self.write("'");
            }
            Style::Double => self.write(&double_quoted(s)),
            Style::Literal => self.literal(s, indent),
        }
    }

    /// Writes a plain or single-quoted scalar, turning a space into a line break
    /// when the line is already past column 80 (go-yaml `write_plain_scalar`).
    fn folded(&mut self, s: &str, indent: usize, quoted: bool) {
        let chars: Vec<char> = s.chars().collect();
        let mut spaces = false;
        for (i, &c) in chars.iter().enumerate() {
            if c == ' ' {
                let next_is_space = chars.get(i + 1) == Some(&' ');
                let inside = !quoted || (i > 0 && i + 1 < chars.len());
                if !spaces && self.column > BEST_WIDTH && !next_is_space && inside {
                    self.indent(indent);
                } else {
                    self.write(" ");
                }
                spaces = true;
            } else {
                let mut buf = [0u8; 4];
                self.write(c.encode_utf8(&mut buf));
                spaces = false;
            }
        }
    }

    fn literal(&mut self, s: &str, indent: usize) {
        let trailing = s.len() - s.trim_end_matches('\n').len();
        let chomp = match trailing {
            0 => "-",
            1 => "",
            _ => "+",
        };
        let indicator = if s.starts_with(' ') { "2" } else { "" };
        self.write(&format!("|{indicator}{chomp}"));
        let body = if trailing > 0 { &s[..s.len() - 1] } else { s };
        for line in body.split('\n') {
            self.newline();
            if !line.is_empty() {
                self.write(&" ".repeat(indent));
                self.write(line);
            }
        }
    }
}

/// Whether a plain scalar would read back as something other than this string
/// (go-yaml v2 resolve.go).
fn resolves_to_non_string(s: &str) -> bool {
    const SPECIAL: &[&str] = &[
        "", "~", "null", "Null", "NULL", "y", "Y", "yes", "Yes", "YES", "true", "True", "TRUE", "on", "On", "ON",
        "n", "N", "no", "No", "NO", "false", "False", "FALSE", "off", "Off", "OFF", ".nan", ".NaN", ".NAN", ".inf",
        ".Inf", ".INF", "+.inf", "+.Inf", "+.INF", "-.inf", "-.Inf", "-.INF", "<<",
    ];
    if SPECIAL.contains(&s) {
        return true;
    }
    let first = s.as_bytes()[0];
    if first == b'.' {
        return s[1..].bytes().all(|b| b.is_ascii_digit() || b == b'_') && s.len() > 1;
    }
    if !(first.is_ascii_digit() || first == b'-' || first == b'+') {
        return false;
    }
    if is_timestamp(s) {
        return true;
    }
    let plain = s.replace('_', "");
    let unsigned = plain.trim_start_matches(['-', '+']);
    let int = if let Some(h) = unsigned.strip_prefix("0x") {
        !h.is_empty() && h.bytes().all(|b| b.is_ascii_hexdigit())
    } else if let Some(o) = unsigned.strip_prefix("0o") {
        !o.is_empty() && o.bytes().all(|b| (b'0'..=b'7').contains(&b))
    } else if let Some(b) = unsigned.strip_prefix("0b") {
        !b.is_empty() && b.bytes().all(|c| c == b'0' || c == b'1')
    } else {
        !unsigned.is_empty() && unsigned.bytes().all(|b| b.is_ascii_digit())
    };
    int || is_go_float(&plain) || is_base60_float(s)
}

/// strconv.ParseFloat's syntax, minus hex floats: `1.5`, `-2e10`, `.5`, `1.`.
fn is_go_float(s: &str) -> bool {
    let s = s.trim_start_matches(['-', '+']);
    let (mantissa, exp) = match s.find(['e', 'E']) {
        Some(i) => (&s[..i], Some(&s[i + 1..])),
        None => (s, None),
    };
    let digits = mantissa.replacen('.', "", 1);
    let mantissa_ok = !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit()) && mantissa.matches('.').count() <= 1;
    let exp_ok = exp.is_none_or(|e| {
        let e = e.trim_start_matches(['-', '+']);
        !e.is_empty() && e.bytes().all(|b| b.is_ascii_digit())
    });
    mantissa_ok && exp_ok || matches!(s.to_lowercase().as_str(), "inf" | "infinity" | "nan")
}

/// `^[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+(?:\.[0-9_]*)?$`
fn is_base60_float(s: &str) -> bool {
    let s = s.trim_start_matches(['-', '+']);
    let (main, frac) = s.split_once('.').unwrap_or((s, ""));
    let mut parts = main.split(':');
    let head = parts.next().unwrap_or("");
    let rest: Vec<&str> = parts.collect();
    !rest.is_empty()
        && head.bytes().next().is_some_and(|b| b.is_ascii_digit())
        && head.bytes().all(|b| b.is_ascii_digit() || b == b'_')
        && rest.iter().all(|p| (1..=2).contains(&p.len()) && p.bytes().all(|b| b.is_ascii_digit()) && (p.len() == 1 || p.as_bytes()[0] <= b'5'))
        && frac.bytes().all(|b| b.is_ascii_digit() || b == b'_')
}

/// go-yaml's timestamp forms: `2006-1-2`, with `T`/`t`/space and a time, and a zone.
fn is_timestamp(s: &str) -> bool {
    let (date, time) = match s.find(['T', 't', ' ']) {
        Some(i) => (&s[..i], Some(&s[i + 1..])),
        None => (s, None),
    };
    let d: Vec<&str> = date.split('-').collect();
    let date_ok = d.len() == 3
        && d[0].len() == 4
        && d.iter().all(|p| !p.is_empty() && p.len() <= 4 && p.bytes().all(|b| b.is_ascii_digit()))
        && d[1].len() <= 2
        && d[2].len() <= 2;
    if !date_ok {
        return false;
    }
    match time {
        None => true,
        Some(t) => {
            let t = t.trim_end_matches('Z');
            let t = match t.rfind(['+', '-']) {
                Some(i) if i > 0 => &t[..i],
                _ => t,
            };
            let (hms, _) = t.split_once('.').unwrap_or((t, ""));
            let parts: Vec<&str> = hms.split(':').collect();
            parts.len() == 3 && parts.iter().all(|p| (1..=2).contains(&p.len()) && p.bytes().all(|b| b.is_ascii_digit()))
        }
    }
}

fn is_printable(c: char) -> bool {
    c == '\n' || (' '..='~').contains(&c) || (c as u32 >= 0xA0 && c != '\u{FEFF}' && !(0xD800..=0xDFFF).contains(&(c as u32)) && c as u32 != 0xFFFE && c as u32 != 0xFFFF)
}

/// The style go-yaml ends up with for a string (encoder's wish, then what the
/// emitter's analysis allows).
fn style(s: &str, is_key: bool) -> Style {
    let wants_quotes = resolves_to_non_string(s) || is_base60_float(s);
    let special = s.chars().any(|c| !is_printable(c));
    if s.contains('\n') {
        // Literal blocks are not allowed for keys, with special characters or with a
        // space right before a line break.
        if is_key || special || s.contains(" \n") {
            return Style::Double;
        }
        return Style::Literal;
    }
    if wants_quotes {
        return Style::Double;
    }
    if special {
        return Style::Double;
    }
    let chars: Vec<char> = s.chars().collect();
    let blank = |i: usize| chars.get(i).is_none_or(|c| *c == ' ');
    let mut block_indicator = s.starts_with("---") || s.starts_with("...");
    for (i, &c) in chars.iter().enumerate() {
        if i == 0 {
            if "#,[]{}&*!|>'\"%@`".contains(c) {
                block_indicator = true;
            }
            if (c == '?' || c == ':' || c == '-') && blank(1) {
                block_indicator = true;
            }
        } else {
            if c == ':' && blank(i + 1) {
                block_indicator = true;
            }
            if c == '#' && chars[i - 1] == ' ' {
                block_indicator = true;
            }
        }
    }
    let edge_space = s.starts_with(' ') || s.ends_with(' ');
    if block_indicator || edge_space {
        Style::Single
    } else {
        Style::Plain
    }
}

fn double_quoted(s: &str) -> String {
    let mut out = String::from("\"");
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\0' => out.push_str("\\0"),
            '\u{7}' => out.push_str("\\a"),
            '\u{8}' => out.push_str("\\b"),
            '\t' => out.push_str("\\t"),
            '\n' => out.push_str("\\n"),
            '\u{b}' => out.push_str("\\v"),
            '\u{c}' => out.push_str("\\f"),
            '\r' => out.push_str("\\r"),
            '\u{1b}' => out.push_str("\\e"),
            '\u{85}' => out.push_str("\\N"),
            '\u{a0}' => out.push_str("\\_"),
            '\u{2028}' => out.push_str("\\L"),
            '\u{2029}' => out.push_str("\\P"),
            c if !is_printable(c) => {
                let v = c as u32;
                if v <= 0xFF {
                    out.push_str(&format!("\\x{v:02X}"));
                } else if v <= 0xFFFF {
                    out.push_str(&format!("\\u{v:04X}"));
                } else {
                    out.push_str(&format!("\\U{v:08X}"));
                }
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn quoting_follows_go_yaml() {
        let v = json!({
            "a": "", "b": "80", "c": "true", "d": "2025-09-22T10:00:00Z", "e": "10.244.1.5",
            "f": "nginx:1.25", "g": ": x", "h": "- x", "i": "it's", "j": "1.25", "k": "yes",
            "l": "a #b", "m": "tab\there", "n": "*", "o": "~", "p": "0x1F", "q": "12:30",
        });
        assert_eq!(
            to_yaml(&v),
            "a: \"\"\nb: \"80\"\nc: \"true\"\nd: \"2025-09-22T10:00:00Z\"\ne: 10.244.1.5\nf: nginx:1.25\ng: ': x'\nh: '- x'\ni: it's\nj: \"1.25\"\nk: \"yes\"\nl: 'a #b'\nm: \"tab\\there\"\n\"n\": '*'\no: \"~\"\np: \"0x1F\"\nq: \"12:30\"\n"
        );
    }

    #[test]
    fn structure_and_empty_collections() {
        let v = json!({
            "metadata": {"labels": {"run": "web"}, "name": "web"},
            "spec": {"containers": [{"image": "nginx", "name": "web", "resources": {}}], "dnsPolicy": "ClusterFirst"},
            "status": {},
            "list": [[1, 2], []],
            "n": null,
        });
        assert_eq!(
            to_yaml(&v),
            "list:\n- - 1\n  - 2\n- []\nmetadata:\n  labels:\n    run: web\n  name: web\n\"n\": null\nspec:\n  containers:\n  - image: nginx\n    name: web\n    resources: {}\n  dnsPolicy: ClusterFirst\nstatus: {}\n"
        );
    }

    #[test]
    fn multi_line_strings_are_literal_blocks() {
        let v = json!({"a": {"data": "line1\nline2\n", "b": "x\ny", "c": "x\n\n"}});
        assert_eq!(to_yaml(&v), "a:\n  b: |-\n    x\n    y\n  c: |+\n    x\n\n  data: |\n    line1\n    line2\n");
    }

    #[test]
    fn long_scalars_fold_after_column_80() {
        let msg = "0/3 nodes are available: 1 node(s) had untolerated taint(s), 2 Insufficient cpu. preemption: 0/3 nodes are available: 1 Preemption is not helpful for scheduling, 2 No preemption victims found for incoming pod.";
        let v = json!({"status": {"conditions": [{"message": msg, "type": "PodScheduled"}]}});
        let out = to_yaml(&v);
        assert_eq!(
            out,
            "status:\n  conditions:\n  - message: '0/3 nodes are available: 1 node(s) had untolerated taint(s), 2 Insufficient\n      cpu. preemption: 0/3 nodes are available: 1 Preemption is not helpful for scheduling,\n      2 No preemption victims found for incoming pod.'\n    type: PodScheduled\n"
        );
        // Cross-checked with libyaml's emitter (PyYAML), which go-yaml v2 ports.
        let plain = json!({"a": "plain text that is long enough to need folding over the eighty column mark for sure yes indeed"});
        assert_eq!(to_yaml(&plain), "a: plain text that is long enough to need folding over the eighty column mark for\n  sure yes indeed\n");
    }
}
