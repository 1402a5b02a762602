//! JSON in Go struct-field order, as `encoding/json` writes a *typed* object:
//! struct fields in declaration order, map keys sorted. `--dry-run=client -o json`
//! prints the object kubectl built and the API server (`kubectl proxy`) answers
//! with its typed objects, so their keys follow the Go structs (`kind`,
//! `apiVersion`, `metadata`, `spec`, `status`; a container's `name`, `image`,
//! `command` ...), unlike the alphabetical order of what kubectl decodes into maps
//! (`get -o json`). The order of every struct the stored kinds reach is in
//! `go_field_order.txt`, generated from k8s.io/api by `scripts/gen_go_field_order.py`;
//! keys a struct does not list follow, alphabetically.

use std::collections::BTreeMap;
use std::sync::OnceLock;

use serde_json::Value;

/// `PKG.Type field[:PKG.Type] ...` per line.
const TABLE: &str = include_str!("go_field_order.txt");

/// A struct's fields in order, each with the struct its values decode to.
type Fields = Vec<(&'static str, Option<&'static str>)>;

fn structs() -> &'static BTreeMap<&'static str, Fields> {
    static STRUCTS: OnceLock<BTreeMap<&'static str, Fields>> = OnceLock::new();
    STRUCTS.get_or_init(|| {
        TABLE
            .lines()
            .filter_map(|line| {
                let mut words = line.split(' ');
                let name = words.next()?;
                Some((name, words.map(|w| w.split_once(':').map_or((w, None), |(f, t)| (f, Some(t)))).collect()))
            })
            .collect()
    })
}

/// The Go type of an API object from its `apiVersion` and `kind` (`apps.Deployment`,
/// `core.PodList`); `None` for what the table does not know.
pub fn type_of(v: &Value) -> Option<&'static str> {
    let kind = v.get("kind")?.as_str()?;
    let group = v.get("apiVersion")?.as_str()?.rsplit_once('/').map_or("", |(g, _)| g);
    let package = match group {
        "" => "core",
        "apps" | "batch" | "autoscaling" => group,
        g => g.strip_suffix(".k8s.io")?,
    };
    structs().keys().copied().find(|k| k.split_once('.') == Some((package, kind)))
}

/// Pretty JSON (kubectl's four-space indent) in Go order for the object's own type.
pub fn to_go_json(v: &Value) -> String {
    typed_json(v, type_of(v), Some("    "))
}

/// Compact JSON in Go order, as `json.Marshal` writes a typed object (the
/// `last-applied-configuration` annotation of `--save-config`).
pub fn to_go_json_compact(v: &Value) -> String {
    typed_json(v, type_of(v), None)
}

/// `v` as Go writes a value of type `ty` (`None`: a map, or unknown): compact, or
/// `json.MarshalIndent` with `indent`.
pub fn typed_json(v: &Value, ty: Option<&str>, indent: Option<&str>) -> String {
    let mut out = String::new();
    write(v, ty, indent, 0, &mut out);
    out
}

fn write(v: &Value, ty: Option<&str>, indent: Option<&str>, depth: usize, out: &mut String) {
    let newline = |out: &mut String, d: usize| {
        if let Some(ind) = indent {
            out.push('\n');
            out.push_str(&ind.repeat(d));
        }
    };
    match v {
        Value::Object(m) if m.is_empty() => out.push_str("{}"),
        Value::Object(m) => {
            let fields = ty.and_then(|t| structs().get(t));
            let mut keys: Vec<(&str, Option<&str>)> = match fields {
                Some(fields) => fields.iter().filter(|(f, _)| m.contains_key(*f)).map(|(f, t)| (*f, *t)).collect(),
                None => Vec::new(),
            };
            let mut rest: Vec<&str> = m.keys().map(String::as_str).filter(|k| !keys.iter().any(|(f, _)| f == k)).collect();
            crate::sorting::sort(&mut rest);
            // A bare `List` (kind List) has no struct: its items are typed one by one.
            let list_items = fields.is_none() && m.get("kind").and_then(Value::as_str) == Some("List");
            keys.extend(rest.into_iter().map(|k| (k, None)));
            out.push('{');
            for (i, (k, t)) in keys.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                newline(out, depth + 1);
                out.push_str(&go_string(k));
                out.push_str(if indent.is_some() { ": " } else { ":" });
                let child = &m[*k];
                match child {
                    Value::Array(items) if list_items && *k == "items" => write_array(items, None, true, indent, depth + 1, out),
                    _ => write(child, *t, indent, depth + 1, out),
                }
            }
            newline(out, depth);
            out.push('}');
        }
        Value::Array(a) => write_array(a, ty, false, indent, depth, out),
        Value::String(s) => out.push_str(&go_string(s)),
        scalar => out.push_str(&scalar.to_string()),
    }
}

/// A list's items share the field's type, or (`by_kind`) each has its own.
fn write_array(items: &[Value], ty: Option<&str>, by_kind: bool, indent: Option<&str>, depth: usize, out: &mut String) {
    if items.is_empty() {
        out.push_str("[]");
        return;
    }
    out.push('[');
    for (i, item) in items.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        if let Some(ind) = indent {
            out.push('\n');
            out.push_str(&ind.repeat(depth + 1));
        }
        write(item, if by_kind { type_of(item) } else { ty }, indent, depth + 1, out);
    }
    if let Some(ind) = indent {
        out.push('\n');
        out.push_str(&ind.repeat(depth));
    }
    out.push(']');
}

/// A JSON string as Go's `encoding/json` writes it: HTML-safe (`<`, `>`, `&` and the
/// line/paragraph separators escaped), so `sh -c 'a && b'` prints `a \u0026\u0026 b`.
pub fn go_string(s: &str) -> String {
    Value::String(s.to_string())
        .to_string()
        .replace('<', "\\u003c")
        .replace('>', "\\u003e")
        .replace('&', "\\u0026")
        .replace('\u{2028}', "\\u2028")
        .replace('\u{2029}', "\\u2029")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn typed_order() {
        let v = serde_json::json!({"status": {}, "spec": {"template": {}, "selector": {"matchLabels": {"app": "web"}}, "replicas": 1, "strategy": {}}, "metadata": {"labels": {"app": "web"}, "name": "web"}, "apiVersion": "apps/v1", "kind": "Deployment"});
        let text = to_go_json(&v);
        let expected = "{\n    \"kind\": \"Deployment\",\n    \"apiVersion\": \"apps/v1\",\n    \"metadata\": {\n        \"name\": \"web\",\n        \"labels\": {\n            \"app\": \"web\"\n        }\n    },\n    \"spec\": {\n        \"replicas\": 1,\n        \"selector\": {\n            \"matchLabels\": {\n                \"app\": \"web\"\n            }\n        },\n        \"template\": {},\n        \"strategy\": {}\n    },\n    \"status\": {}\n}";
        assert_eq!(text, expected);
        assert_eq!(to_go_json_compact(&serde_json::json!({"b": [1, {}], "a": "x"})), r#"{"a":"x","b":[1,{}]}"#);
        assert_eq!(go_string("a && b <c>"), r#""a \u0026\u0026 b \u003cc\u003e""#);
    }

    #[test]
    fn nested_structs_follow_their_own_types_and_maps_sort() {
        let pod = serde_json::json!({"apiVersion": "v1", "kind": "Pod",
            "metadata": {"labels": {"name": "x", "app": "y"}, "name": "p"},
            "spec": {"containers": [{"resources": {}, "name": "c", "image": "nginx", "ports": [{"protocol": "TCP", "containerPort": 80}]}]},
            "status": {"podIP": "10.0.0.1", "phase": "Running"}});
        assert_eq!(
            to_go_json_compact(&pod),
            r#"{"kind":"Pod","apiVersion":"v1","metadata":{"name":"p","labels":{"app":"y","name":"x"}},"spec":{"containers":[{"name":"c","image":"nginx","ports":[{"containerPort":80,"protocol":"TCP"}],"resources":{}}]},"status":{"phase":"Running","podIP":"10.0.0.1"}}"#
        );
        assert_eq!(type_of(&serde_json::json!({"apiVersion": "networking.k8s.io/v1", "kind": "Ingress"})), Some("networking.Ingress"));
        let list = serde_json::json!({"kind": "List", "apiVersion": "v1", "items": [{"kind": "ConfigMap", "apiVersion": "v1", "data": {"b": "1", "a": "2"}, "metadata": {"name": "m"}}]});
        assert_eq!(typed_json(&list, None, None), r#"{"apiVersion":"v1","items":[{"kind":"ConfigMap","apiVersion":"v1","metadata":{"name":"m"},"data":{"a":"2","b":"1"}}],"kind":"List"}"#);
    }
}
