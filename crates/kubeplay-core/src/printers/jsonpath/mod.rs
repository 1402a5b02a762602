//! kubectl's JSONPath templates (k8s.io/client-go/util/jsonpath), the engine behind
//! `-o jsonpath=`, `-o jsonpath-as-json=`, `-o custom-columns` and `--sort-by`.
//!
//! Written here rather than on `serde_json_path` (RFC 9535): kubectl's dialect is a
//! *template* language (text between `{…}` actions, `range`/`end`, quoted text such
//! as `{"\n"}`), prints several results joined by single spaces, prints maps and lists
//! as compact Go JSON, treats missing keys per `allowMissingKeys`, and has its own
//! error texts, which users see. RFC 9535 has none of that and differs in semantics
//! (e.g. negative slice bounds, filter syntax `?@.x` without parentheses), so only
//! the path steps would have been reusable.

mod eval;
pub mod parser;

use serde_json::Value;

pub use eval::Val;
use eval::Evaluator;
use parser::Node;

use super::go_format::{go_syntax, marshal, marshal_indent, sprint};

/// A parsed template.
#[derive(Clone, Debug)]
pub struct JsonPath {
    nodes: Vec<Node>,
    allow_missing_keys: bool,
    output_json: bool,
}

impl JsonPath {
    /// Parses a template; the error is the parser's text (`unclosed action`).
    pub fn parse(template: &str) -> Result<JsonPath, String> {
        Ok(JsonPath { nodes: parser::parse(template)?, allow_missing_keys: false, output_json: false })
    }

    /// Whether a missing field yields nothing (kubectl's default for output) or the
    /// error `<field> is not found`.
    pub fn allow_missing_keys(mut self, allow: bool) -> Self {
        self.allow_missing_keys = allow;
        self
    }

    /// `-o jsonpath-as-json`: each result list printed as an indented JSON array.
    pub fn output_json(mut self, on: bool) -> Self {
        self.output_json = on;
        self
    }

    /// `FindResults`: one list of values per top-level node and range iteration.
    pub fn find_results<'a>(&self, data: &'a Value) -> Result<Vec<Vec<Val<'a>>>, String> {
        Evaluator::new(&self.nodes, self.allow_missing_keys).find_results(Val::Json(std::borrow::Cow::Borrowed(data)))
    }

    /// `Execute`: the template's text output for `data`.
    pub fn execute(&self, data: &Value) -> Result<String, String> {
        let results = self.find_results(data)?;
        let mut out = String::new();
        for list in &results {
            self.print_results(&mut out, list);
        }
        Ok(out)
    }

    fn print_results(&self, out: &mut String, results: &[Val]) {
        if self.output_json {
            let arr = Value::Array(results.iter().map(|v| v.json().cloned().unwrap_or(Value::Null)).collect());
            out.push_str(&marshal_indent(&arr, "    "));
            out.push('\n');
            return;
        }
        for (i, r) in results.iter().enumerate() {
            match r.json() {
                Some(v @ (Value::Object(_) | Value::Array(_))) => out.push_str(&marshal(v)),
                Some(Value::Null) => out.push_str("null"),
                Some(v) => out.push_str(&sprint(v)),
                None => out.push_str("<no value>"),
            }
            if i + 1 != results.len() {
                out.push(' ');
            }
        }
    }
}

/// `JSONPathPrinter.PrintObj`: the output, or kubectl's whole error text (which
/// ends in blank lines) for a template that failed on this object.
pub fn print_object(raw_template: &str, path: &JsonPath, obj: &Value) -> Result<String, String> {
    path.execute(obj).map_err(|err| {
        format!(
            "error executing jsonpath {}: Error executing template: {err}. Printing more information for debugging the template:\n\ttemplate was:\n\t\t{raw_template}\n\tobject given to jsonpath engine was:\n\t\t{}\n\n\n",
            crate::printers::go_format::go_quote(raw_template),
            go_syntax(obj)
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn pod(name: &str, phase: &str, images: &[&str]) -> Value {
        json!({
            "kind": "Pod",
            "metadata": {"name": name, "labels": {"run": name}},
            "spec": {"containers": images.iter().map(|i| json!({"name": "c", "image": i})).collect::<Vec<_>>()},
            "status": {"phase": phase, "podIP": null}
        })
    }

    fn list() -> Value {
        json!({"apiVersion": "v1", "kind": "List", "metadata": {"resourceVersion": ""}, "items": [
            pod("a", "Running", &["nginx"]),
            pod("b", "Pending", &["redis", "busybox"]),
            pod("c", "Running", &["httpd"]),
        ]})
    }

    fn run(t: &str, v: &Value) -> String {
        JsonPath::parse(t).unwrap().allow_missing_keys(true).execute(v).unwrap()
    }

    #[test]
    fn fields_and_lists_print_like_kubectl() {
        let l = list();
        assert_eq!(run("{.items[*].metadata.name}", &l), "a b c");
        assert_eq!(run("{.items[0].metadata.name}", &l), "a");
        assert_eq!(run("{.items[-1:].metadata.name}", &l), "c");
        assert_eq!(run("{.items[0:2].metadata.name}", &l), "a b");
        assert_eq!(run("{.items[1].spec.containers[*].image}", &l), "redis busybox");
        assert_eq!(run("{.items[0].metadata.labels}", &l), r#"{"run":"a"}"#);
        assert_eq!(run("{.items[0].status.podIP}", &l), "null");
        assert_eq!(run("{.items[*].nope}", &l), "");
        assert_eq!(run("names: {.items[*].metadata.name}\n", &l), "names: a b c\n");
    }

    #[test]
    fn range_end_and_quoted_text() {
        let l = list();
        assert_eq!(run(r#"{range .items[*]}{.metadata.name}{"\t"}{.status.phase}{"\n"}{end}"#, &l), "a\tRunning\nb\tPending\nc\tRunning\n");
        assert_eq!(run("{range .items[*]}[{.metadata.name}]{end} done", &l), "[a][b][c] done");
        assert_eq!(run("{range .nothing[*]}x{end}after", &l), "after");
        assert_eq!(run(r"{'\t'}", &l), "\t");
    }

    #[test]
    fn filters_recursion_unions() {
        let l = list();
        assert_eq!(run(r#"{.items[?(@.status.phase=="Running")].metadata.name}"#, &l), "a c");
        assert_eq!(run(r#"{.items[?(@.status.phase!='Running')].metadata.name}"#, &l), "b");
        assert_eq!(run("{..image}", &l), "nginx redis busybox httpd");
        assert_eq!(run("{.items[0,2].metadata.name}", &l), "a c");
        assert_eq!(run("{.items[*]['kind']}", &l), "Pod Pod Pod");
        let n = json!({"items": [{"n": 1}, {"n": 3}, {"n": 2}]});
        assert_eq!(run("{.items[?(@.n>1)].n}", &n), "3 2");
        assert_eq!(run("{.items[?(@.n<=2)].n}", &n), "1 2");
    }

    #[test]
    fn errors_match_client_go() {
        let l = list();
        let err = |t: &str, allow: bool| JsonPath::parse(t).unwrap().allow_missing_keys(allow).execute(&l).unwrap_err();
        assert_eq!(err("{.foo}", false), "foo is not found");
        assert_eq!(err("{end}", true), "not in range, nothing to end");
        assert_eq!(err("{foo}", true), "unrecognized identifier foo");
        assert_eq!(err("{.items[5]}", true), "array index out of bounds: index 5, length 3");
        assert_eq!(err("{.kind[0]}", true), "string is not array or slice");
        assert_eq!(err("{.items[::0]}", true), "step must be > 0");
    }

    #[test]
    fn json_output_and_error_report() {
        let p = JsonPath::parse("{.metadata.name}").unwrap().allow_missing_keys(true).output_json(true);
        assert_eq!(p.execute(&pod("x", "Running", &[])).unwrap(), "[\n    \"x\"\n]\n");
        let raw = "{end}";
        let e = print_object(raw, &JsonPath::parse(raw).unwrap(), &json!({"a": 1})).unwrap_err();
        assert_eq!(
            e,
            "error executing jsonpath \"{end}\": Error executing template: not in range, nothing to end. Printing more information for debugging the template:\n\ttemplate was:\n\t\t{end}\n\tobject given to jsonpath engine was:\n\t\tmap[string]interface {}{\"a\":1}\n\n\n"
        );
    }
}

#[cfg(test)]
mod robustness {
    use super::*;
    use crate::printers::go_template::GoTemplate;
    use serde_json::json;

    /// Odd templates give errors, never panics.
    #[test]
    fn odd_templates_never_panic() {
        let obj = json!({"a": [1, {"b": null}, "x"], "s": "é", "n": null, "items": []});
        let inputs = [
            "", "{", "}", "{}", "{{", "{[", "{[]}", "{[?(}", "{[?(@)]}", "{[?(@.a==)]}", "{.a[?(@=='x')]}", "{..}", "{..a}", "{.a[::]}",
            "{.a[-9:]}", "{.a[1:0]}", "{.a[9223372036854775807]}", "{.a[-1]}", "{'\\x'}", "{\"\\u00e9\"}", "{\"é}", "{range}{end}{end}",
            "{range .a[*]}{range .b}{end}{end}", "{end}{range .a}", "{.s[*]}", "{.n.b}", "{.n[0]}", "{.n[?(@.b)]}", "{@.a[1].b}", "{$}",
            "{.a[ 0 , 2 ]}", "{.a['b','c']}", "{1.5.5}", "{-}", "{+1}", "{true}", "{\t}", "{\n}", "é{.s}é", "{.items[*].x}{.items[0]}",
        ];
        for t in inputs {
            if let Ok(p) = JsonPath::parse(t) {
                let _ = p.clone().allow_missing_keys(true).execute(&obj);
                let _ = p.allow_missing_keys(false).output_json(true).execute(&obj);
            }
            let _ = GoTemplate::parse(t).map(|g| g.print_object(&obj));
        }
        for t in ["{{", "{{}}", "{{.}}", "{{-}}", "{{- -}}", "{{ .a | len | not }}", "{{index .a 9}}", "{{index .n 0}}", "{{range .s}}{{end}}", "{{if}}{{end}}", "{{else}}", "{{end}}", "{{(}}", "{{)}}", "{{printf}}", "{{\"é\"}}", "{{/* c */}}x", "{{$x := 1}}", "{{template \"a\"}}", "{{ .a.b.c }}", "{{len}}"] {
            let _ = GoTemplate::parse(t).map(|g| g.print_object(&obj));
        }
    }
}
