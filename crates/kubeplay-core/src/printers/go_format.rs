//! How Go prints the unstructured values kubectl works on (`map[string]interface{}`,
//! `[]interface{}`, `string`, `int64`, `float64`, `bool`, `nil`), so that templates and
//! columns show exactly what kubectl shows:
//! - [`sprint`]: `fmt.Sprint` (`-o custom-columns` cells, go-template output):
//!   maps as `map[k:v]`, lists as `[a b]`, nil as `<nil>`;
//! - [`marshal`] / [`marshal_indent`]: `encoding/json` (`-o jsonpath` prints maps and
//!   lists as compact JSON; `-o json` and `-o jsonpath-as-json` indent by four), with
//!   Go's HTML-safe escaping of `<`, `>`, `&`;
//! - [`go_syntax`]: `fmt.Sprintf("%#v")`, which jsonpath errors print the object with.
//!
//! Object keys are printed sorted, as Go does for maps (serde_json's map is ordered).

use serde_json::Value;

/// `fmt.Sprint(v)` for an unstructured value.
pub fn sprint(v: &Value) -> String {
    let mut s = String::new();
    write_sprint(&mut s, v);
    s
}

fn write_sprint(s: &mut String, v: &Value) {
    match v {
        Value::Null => s.push_str("<nil>"),
        Value::Bool(b) => s.push_str(if *b { "true" } else { "false" }),
        Value::Number(n) => s.push_str(&number_v(n)),
        Value::String(t) => s.push_str(t),
        Value::Array(items) => {
            s.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    s.push(' ');
                }
                write_sprint(s, item);
            }
            s.push(']');
        }
        Value::Object(map) => {
            s.push_str("map[");
            for (i, (k, item)) in map.iter().enumerate() {
                if i > 0 {
                    s.push(' ');
                }
                s.push_str(k);
                s.push(':');
                write_sprint(s, item);
            }
            s.push(']');
        }
    }
}

/// A number as `%v` prints it: integers in decimal, floats as `%g` with the shortest
/// representation (`0.5`, `1e+06`).
pub fn number_v(n: &serde_json::Number) -> String {
    if let Some(i) = n.as_i64() {
        return i.to_string();
    }
    if let Some(u) = n.as_u64() {
        return u.to_string();
    }
    float_g(n.as_f64().unwrap_or(0.0))
}

/// Splits a finite float into its shortest decimal digits and decimal exponent
/// (value = 0.d1d2d3… × 10^exp), as Go's `strconv` shortest formatting does.
fn shortest_digits(f: f64) -> (String, i32) {
    // Rust's `{:e}` gives the shortest round-trip digits: "1.2345e6".
    let e = format!("{:e}", f.abs());
    let (mantissa, exp) = e.split_once('e').unwrap_or((&e, "0"));
    let digits: String = mantissa.chars().filter(|c| c.is_ascii_digit()).collect();
    let digits = digits.trim_end_matches('0').to_string();
    let digits = if digits.is_empty() { "0".to_string() } else { digits };
    (digits, exp.parse::<i32>().unwrap_or(0) + 1)
}

/// Go's `%v` for a float64: `%g` with shortest precision, where an exponent below -4
/// or at least 6 (strconv's rule for shortest precision) switches to `e` form.
fn float_g(f: f64) -> String {
    if f.is_nan() {
        return "NaN".into();
    }
    if f.is_infinite() {
        return if f > 0.0 { "+Inf".into() } else { "-Inf".into() };
    }
    if f == 0.0 {
        return if f.is_sign_negative() { "-0".into() } else { "0".into() };
    }
    let (digits, dp) = shortest_digits(f);
    let exp = dp - 1;
    let sign = if f < 0.0 { "-" } else { "" };
    if !(-4..6).contains(&exp) {
        let (first, rest) = digits.split_at(1);
        let mant = if rest.is_empty() { first.to_string() } else { format!("{first}.{rest}") };
        let (esign, eabs) = if exp < 0 { ('-', -exp) } else { ('+', exp) };
        return format!("{sign}{mant}e{esign}{eabs:02}");
    }
    format!("{sign}{}", fixed(&digits, dp))
}

/// Places the decimal point `dp` digits into `digits`.
fn fixed(digits: &str, dp: i32) -> String {
    if dp <= 0 {
        format!("0.{}{digits}", "0".repeat((-dp) as usize))
    } else if dp as usize >= digits.len() {
        format!("{digits}{}", "0".repeat(dp as usize - digits.len()))
    } else {
        format!("{}.{}", &digits[..dp as usize], &digits[dp as usize..])
    }
}

/// A float as `encoding/json` writes it: `f` form unless the exponent is below -6 or
/// at least 21, then `e` form with Go's trimmed exponent (`1e-07`, `1e+21`).
fn float_json(f: f64) -> String {
    if !f.is_finite() {
        return "null".into();
    }
    if f == 0.0 {
        return "0".into();
    }
    let abs = f.abs();
    let sign = if f < 0.0 { "-" } else { "" };
    let (digits, dp) = shortest_digits(f);
    if !(1e-6..1e21).contains(&abs) {
        let exp = dp - 1;
        let (first, rest) = digits.split_at(1);
        let mant = if rest.is_empty() { first.to_string() } else { format!("{first}.{rest}") };
        let (esign, eabs) = if exp < 0 { ('-', -exp) } else { ('+', exp) };
        // strconv writes at least two exponent digits; encoding/json then trims
        // `e-07` to `e-7` (negative exponents only).
        let e = if esign == '-' { format!("-{eabs}") } else { format!("+{eabs:02}") };
        return format!("{sign}{mant}e{e}");
    }
    format!("{sign}{}", fixed(&digits, dp))
}

fn json_number(n: &serde_json::Number) -> String {
    if let Some(i) = n.as_i64() {
        return i.to_string();
    }
    if let Some(u) = n.as_u64() {
        return u.to_string();
    }
    float_json(n.as_f64().unwrap_or(0.0))
}

/// A JSON string as `encoding/json` escapes it (HTML-safe, as `json.Marshal` is).
pub fn json_string(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\u{8}' => out.push_str("\\b"),
            '\u{c}' => out.push_str("\\f"),
            '<' | '>' | '&' | '\u{2028}' | '\u{2029}' => out.push_str(&format!("\\u{:04x}", c as u32)),
            c if (c as u32) < 0x20 => out.push_str(&format!("\\u{:04x}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// `json.Marshal(v)`: compact.
pub fn marshal(v: &Value) -> String {
    let mut s = String::new();
    write_json(&mut s, v, None, 0);
    s
}

/// `json.MarshalIndent(v, "", indent)`.
pub fn marshal_indent(v: &Value, indent: &str) -> String {
    let mut s = String::new();
    write_json(&mut s, v, Some(indent), 0);
    s
}

fn newline(s: &mut String, indent: Option<&str>, depth: usize) {
    if let Some(ind) = indent {
        s.push('\n');
        for _ in 0..depth {
            s.push_str(ind);
        }
    }
}

fn write_json(s: &mut String, v: &Value, indent: Option<&str>, depth: usize) {
    match v {
        Value::Null => s.push_str("null"),
        Value::Bool(b) => s.push_str(if *b { "true" } else { "false" }),
        Value::Number(n) => s.push_str(&json_number(n)),
        Value::String(t) => s.push_str(&json_string(t)),
        Value::Array(items) => {
            if items.is_empty() {
                s.push_str("[]");
                return;
            }
            s.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    s.push(',');
                }
                newline(s, indent, depth + 1);
                write_json(s, item, indent, depth + 1);
            }
            newline(s, indent, depth);
            s.push(']');
        }
        Value::Object(map) => {
            if map.is_empty() {
                s.push_str("{}");
                return;
            }
            s.push('{');
            for (i, (k, item)) in map.iter().enumerate() {
                if i > 0 {
                    s.push(',');
                }
                newline(s, indent, depth + 1);
                s.push_str(&json_string(k));
                s.push(':');
                if indent.is_some() {
                    s.push(' ');
                }
                write_json(s, item, indent, depth + 1);
            }
            newline(s, indent, depth);
            s.push('}');
        }
    }
}

/// `strconv.Quote`: a Go string literal (printable Unicode kept, the rest escaped).
pub fn go_quote(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\u{7}' => out.push_str("\\a"),
            '\u{8}' => out.push_str("\\b"),
            '\u{c}' => out.push_str("\\f"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\u{b}' => out.push_str("\\v"),
            c if (c as u32) < 0x20 || c as u32 == 0x7f => out.push_str(&format!("\\x{:02x}", c as u32)),
            c if c.is_control() => {
                if (c as u32) < 0x10000 {
                    out.push_str(&format!("\\u{:04x}", c as u32));
                } else {
                    out.push_str(&format!("\\U{:08x}", c as u32));
                }
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// `fmt.Sprintf("%#v", v)` for an unstructured value, as a top-level `interface{}`.
pub fn go_syntax(v: &Value) -> String {
    let mut s = String::new();
    write_go_syntax(&mut s, v, true);
    s
}

fn write_go_syntax(s: &mut String, v: &Value, top: bool) {
    match v {
        // A nil inside a map or slice prints with its static type.
        Value::Null => s.push_str(if top { "<nil>" } else { "interface {}(nil)" }),
        Value::Bool(b) => s.push_str(if *b { "true" } else { "false" }),
        Value::Number(n) => s.push_str(&number_v(n)),
        Value::String(t) => s.push_str(&go_quote(t)),
        Value::Array(items) => {
            s.push_str("[]interface {}{");
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    s.push_str(", ");
                }
                write_go_syntax(s, item, false);
            }
            s.push('}');
        }
        Value::Object(map) => {
            s.push_str("map[string]interface {}{");
            for (i, (k, item)) in map.iter().enumerate() {
                if i > 0 {
                    s.push_str(", ");
                }
                s.push_str(&go_quote(k));
                s.push(':');
                write_go_syntax(s, item, false);
            }
            s.push('}');
        }
    }
}

/// The Go type name of an unstructured value, as `reflect.Type.String()` gives it.
pub fn go_type(v: &Value) -> &'static str {
    match v {
        Value::Null => "interface {}",
        Value::Bool(_) => "bool",
        Value::Number(n) if n.is_f64() => "float64",
        Value::Number(_) => "int64",
        Value::String(_) => "string",
        Value::Array(_) => "[]interface {}",
        Value::Object(_) => "map[string]interface {}",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn sprint_is_fmt_sprint() {
        assert_eq!(sprint(&json!({"b": [1, "x"], "a": null})), "map[a:<nil> b:[1 x]]");
        assert_eq!(sprint(&json!(0.5)), "0.5");
        assert_eq!(sprint(&json!(1e6)), "1e+06");
        assert_eq!(sprint(&json!(1e20)), "1e+20");
        assert_eq!(sprint(&json!(100000.0)), "100000");
        assert_eq!(marshal(&json!(1e-7)), "1e-7");
        assert_eq!(marshal(&json!(1e21)), "1e+21");
        assert_eq!(marshal(&json!(1e20)), "100000000000000000000");
        assert_eq!(sprint(&json!(1.5e-7)), "1.5e-07");
    }

    #[test]
    fn marshal_is_html_safe_and_sorted() {
        assert_eq!(marshal(&json!({"b": "<a&b>", "a": [1, 2.5, true]})), r#"{"a":[1,2.5,true],"b":"\u003ca\u0026b\u003e"}"#);
        assert_eq!(marshal_indent(&json!(["x"]), "    "), "[\n    \"x\"\n]");
        assert_eq!(marshal_indent(&json!({"a": {}, "b": []}), "    "), "{\n    \"a\": {},\n    \"b\": []\n}");
    }

    #[test]
    fn go_syntax_matches_percent_sharp_v() {
        assert_eq!(
            go_syntax(&json!({"a": [{"x": 1}], "n": null, "s": "q\"\n"})),
            r#"map[string]interface {}{"a":[]interface {}{map[string]interface {}{"x":1}}, "n":interface {}(nil), "s":"q\"\n"}"#
        );
    }
}
