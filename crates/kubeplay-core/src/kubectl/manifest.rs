//! Reading manifests for `-f FILE|DIR|-` (cli-runtime pkg/resource/visitor.go):
//! YAML or JSON, several documents separated by `---`, `kind: List`; the
//! client-side checks kubectl makes before any request (`kind not set`,
//! unknown kinds), and decoding into typed objects with the API server's strict
//! field validation (`strict decoding error: unknown field "spec.replica"`).

use serde_json::Value;

use super::resources::{self, ResourceType};
use super::Io;
use crate::vfs::Vfs;

/// One object read from a manifest.
#[derive(Clone)]
pub struct Document {
    /// `STDIN` or the path as the user gave it — how errors name the source.
    pub source: String,
    pub value: Value,
    pub rt: &'static ResourceType,
}

impl std::fmt::Debug for Document {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Document({} {}/{} from {})", self.rt.kind, self.namespace().unwrap_or_default(), self.name(), self.source)
    }
}

impl Document {
    pub fn name(&self) -> String {
        self.value.pointer("/metadata/name").and_then(Value::as_str).unwrap_or("").to_string()
    }

    pub fn namespace(&self) -> Option<String> {
        self.value.pointer("/metadata/namespace").and_then(Value::as_str).filter(|s| !s.is_empty()).map(String::from)
    }
}

/// Reads every `-f` argument in order. Errors are complete kubectl messages.
pub fn read(io: &Io, filenames: &[String], recursive: bool) -> Result<Vec<Document>, String> {
    let mut docs = Vec::new();
    for f in filenames {
        if f == "-" {
            let text = io.stdin.unwrap_or("");
            docs.extend(parse("STDIN", text)?);
            continue;
        }
        if f.starts_with("http://") || f.starts_with("https://") {
            return Err(format!("error: unable to read URL \"{f}\", server reported 404 Not Found, status code=404 (kubeplay has no internet access: paste the manifest with `cat <<EOF | kubectl apply -f -`)"));
        }
        let path = Vfs::resolve(io.cwd, f);
        if io.fs.is_dir(&path) {
            for file in dir_files(io.fs, &path, recursive) {
                let text = io.fs.read(&file).unwrap_or_default();
                let shown = format!("{}/{}", f.trim_end_matches('/'), file.strip_prefix(&format!("{path}/")).unwrap_or(&file));
                docs.extend(parse(&shown, text)?);
            }
            continue;
        }
        match io.fs.read(&path) {
            Ok(text) => docs.extend(parse(f, text)?),
            Err(_) => return Err(format!("error: the path \"{f}\" does not exist")),
        }
    }
    Ok(docs)
}

/// The manifest files of a directory (`.yaml`, `.yml`, `.json`), sorted.
fn dir_files(fs: &Vfs, dir: &str, recursive: bool) -> Vec<String> {
    let mut out = Vec::new();
    for name in fs.list(dir).unwrap_or_default() {
        let path = format!("{dir}/{name}");
        if fs.is_dir(&path) {
            if recursive {
                out.extend(dir_files(fs, &path, true));
            }
        } else if [".yaml", ".yml", ".json"].iter().any(|e| name.ends_with(e)) {
            out.push(path);
        }
    }
    out
}

/// Parses one source into documents.
pub fn parse(source: &str, text: &str) -> Result<Vec<Document>, String> {
    let mut docs = Vec::new();
    for de in yaml_serde::Deserializer::from_str(text) {
        let value: Value = match serde::Deserialize::deserialize(de) {
            Ok(v) => v,
            Err(e) => return Err(format!("error: error parsing {source}: error converting YAML to JSON: {}", yaml_message(&e))),
        };
        if value.is_null() {
            continue;
        }
        let items = match value.get("kind").and_then(Value::as_str) {
            Some("List") => value.get("items").and_then(Value::as_array).cloned().unwrap_or_default(),
            _ => vec![value],
        };
        for v in items {
            docs.push(classify(source, v)?);
        }
    }
    Ok(docs)
}

/// go-yaml's error form: `yaml: line N: <problem>`.
fn yaml_message(e: &yaml_serde::Error) -> String {
    let text = e.to_string();
    let problem = text.split(" at line ").next().unwrap_or(&text).to_string();
    match e.location() {
        Some(loc) => format!("yaml: line {}: {problem}", loc.line()),
        None => format!("yaml: {problem}"),
    }
}

/// Checks `apiVersion`/`kind` and finds the resource type.
fn classify(source: &str, value: Value) -> Result<Document, String> {
    let api_version = value.get("apiVersion").and_then(Value::as_str).unwrap_or("").to_string();
    let kind = value.get("kind").and_then(Value::as_str).unwrap_or("").to_string();
    let missing: Vec<&str> = [("apiVersion not set", api_version.is_empty()), ("kind not set", kind.is_empty())]
        .iter()
        .filter(|(_, m)| *m)
        .map(|(t, _)| *t)
        .collect();
    if !missing.is_empty() {
        let what = if missing.len() == 1 { missing[0].to_string() } else { format!("[{}]", missing.join(", ")) };
        return Err(format!("error: error validating \"{source}\": error validating data: {what}; if you choose to ignore these errors, turn validation off with --validate=false"));
    }
    let found = resources::RESOURCE_TYPES.iter().find(|rt| rt.kind == kind && rt.api_version() == api_version && rt.is_stored());
    match found {
        Some(rt) => Ok(Document { source: source.to_string(), value, rt }),
        None => {
            let name = value.pointer("/metadata/name").and_then(Value::as_str).unwrap_or("");
            let ns = value.pointer("/metadata/namespace").and_then(Value::as_str).unwrap_or("");
            Err(format!("error: resource mapping not found for name: \"{name}\" namespace: \"{ns}\" from \"{source}\": no matches for kind \"{kind}\" in version \"{api_version}\"\nensure CRDs are installed first"))
        }
    }
}

/// Decodes a document into a typed object with the API server's strict field
/// validation: every field of the input must survive the round trip through the
/// typed struct, else it is unknown.
pub fn decode<K: serde::de::DeserializeOwned + serde::Serialize + k8s_openapi::Resource>(value: &Value) -> Result<K, String> {
    let cannot = |why: String| format!("{} in version \"{}\" cannot be handled as a {}: {why}", K::KIND, K::VERSION, K::KIND);
    let obj: K = serde_json::from_value(value.clone()).map_err(|e| cannot(e.to_string()))?;
    let back = crate::json::to_value(&obj).map_err(|e| cannot(e.to_string()))?;
    let mut unknown = Vec::new();
    unknown_fields(value, &back, "", &mut unknown);
    unknown.retain(|f| f != "apiVersion" && f != "kind");
    if unknown.is_empty() {
        Ok(obj)
    } else {
        let list: Vec<String> = unknown.iter().map(|f| format!("unknown field \"{f}\"")).collect();
        Err(cannot(format!("strict decoding error: {}", list.join(", "))))
    }
}

fn unknown_fields(input: &Value, typed: &Value, path: &str, out: &mut Vec<String>) {
    match (input, typed) {
        (Value::Object(a), Value::Object(b)) => {
            for (k, v) in a {
                let p = if path.is_empty() { k.clone() } else { format!("{path}.{k}") };
                match b.get(k) {
                    Some(tv) => unknown_fields(v, tv, &p, out),
                    None if v.is_null() => {}
                    // An empty map or list may be dropped by the typed struct; not unknown.
                    None if v.as_object().is_some_and(|o| o.is_empty()) || v.as_array().is_some_and(|a| a.is_empty()) => {}
                    None => out.push(p),
                }
            }
        }
        (Value::Array(a), Value::Array(b)) => {
            for (i, (x, y)) in a.iter().zip(b.iter()).enumerate() {
                unknown_fields(x, y, &format!("{path}[{i}]"), out);
            }
        }
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use k8s_openapi::api::apps::v1::Deployment;

    #[test]
    fn parses_documents_and_lists() {
        let text = "apiVersion: v1\nkind: Pod\nmetadata:\n  name: a\n---\n---\napiVersion: v1\nkind: List\nitems:\n- apiVersion: v1\n  kind: ConfigMap\n  metadata:\n    name: b\n";
        let docs = parse("x.yaml", text).unwrap();
        assert_eq!(docs.iter().map(|d| d.name()).collect::<Vec<_>>(), vec!["a", "b"]);
        assert_eq!(docs[1].rt.plural, "configmaps");
    }

    #[test]
    fn client_side_errors() {
        let err = parse("STDIN", "apiVersion: v1\nmetadata:\n  name: x\n").unwrap_err();
        assert_eq!(err, "error: error validating \"STDIN\": error validating data: kind not set; if you choose to ignore these errors, turn validation off with --validate=false");
        let err = parse("x.yaml", "apiVersion: v1\nkind: Pod\nmetadata:\n  name: x\n   bad: [\n").unwrap_err();
        assert_eq!(err, "error: error parsing x.yaml: error converting YAML to JSON: yaml: line 5: mapping values are not allowed in this context");
        let err = parse("STDIN", "apiVersion: v1\nkind: Foo\nmetadata:\n  name: x\n").unwrap_err();
        assert!(err.starts_with("error: resource mapping not found for name: \"x\" namespace: \"\" from \"STDIN\": no matches for kind \"Foo\" in version \"v1\""));
    }

    #[test]
    fn strict_decoding_names_unknown_fields() {
        let v: Value = serde_json::json!({"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "w"}, "spec": {"replica": 3, "selector": {}, "template": {}}});
        let err = decode::<Deployment>(&v).unwrap_err();
        assert_eq!(err, "Deployment in version \"v1\" cannot be handled as a Deployment: strict decoding error: unknown field \"spec.replica\"");
    }
}
