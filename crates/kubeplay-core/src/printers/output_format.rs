//! Choosing a printer from `-o/--output` and `--template`, in the order and with the
//! error texts of kubectl's print flags (kubectl/pkg/cmd/get/get_flags.go `ToPrinter`,
//! cli-runtime jsonpath_flags.go, template_flags.go, customcolumn_flags.go), and the
//! printers that work on any kind through its JSON (`printGeneric`).

use serde_json::Value;

use super::custom_columns::CustomColumns;
use super::go_format::{go_quote, marshal_indent};
use super::go_template::GoTemplate;
use super::jsonpath::{self, JsonPath};

/// What `get` prints with.
#[derive(Clone, Debug)]
pub enum Printer {
    /// The human-readable table (`""`), with the wide columns for `-o wide`.
    Table { wide: bool },
    Name,
    Json,
    Yaml,
    JsonPath { raw: String, path: JsonPath },
    CustomColumns(CustomColumns),
    GoTemplate(GoTemplate),
}

/// The formats `get` accepts, for the "unable to match a printer" error.
pub const GET_FORMATS: &str = "custom-columns,custom-columns-file,go-template,go-template-file,json,jsonpath,jsonpath-as-json,jsonpath-file,name,template,templatefile,wide,yaml";

const JSONPATH_FORMATS: &[&str] = &["jsonpath", "jsonpath-file", "jsonpath-as-json"];
const TEMPLATE_FORMATS: &[&str] = &["template", "go-template", "go-template-file", "templatefile"];
const COLUMNS_FORMATS: &[&str] = &["custom-columns", "custom-columns-file"];

/// The printer flags of one command line.
pub struct PrintFlags<'a> {
    pub output: &'a str,
    pub template: &'a str,
    pub allow_missing_keys: bool,
    pub no_headers: bool,
}

/// Splits `jsonpath={.a}` into (`jsonpath`, `{.a}`) when the format is one of `formats`.
fn split_format<'o>(output: &'o str, formats: &[&str]) -> (&'o str, &'o str) {
    for f in formats {
        if let Some(rest) = output.strip_prefix(f).and_then(|r| r.strip_prefix('=')) {
            return (&output[..f.len()], rest);
        }
    }
    (output, "")
}

/// The format and template value for one template family, or `None` when the
/// family does not handle this output (Go's `NoCompatiblePrinterError`).
fn template_value<'o>(output: &'o str, template: &'o str, formats: &[&str]) -> Option<(&'o str, &'o str)> {
    if template.is_empty() && output.is_empty() {
        return None;
    }
    let (format, value) = if template.is_empty() { split_format(output, formats) } else { (output, template) };
    formats.contains(&format).then_some((format, value))
}

impl Printer {
    /// `PrintFlags.ToPrinter`. `read_file` returns a file's text or Go's error
    /// (`open /x: no such file or directory`). Errors are the message after `error: `.
    pub fn from_flags(flags: &PrintFlags, read_file: &dyn Fn(&str) -> Result<String, String>) -> Result<Printer, String> {
        let mut output = flags.output;
        if !flags.template.is_empty() && output.is_empty() {
            output = "go-template";
        }
        let read = |value: &str, is_file: bool| -> Result<String, String> {
            if value.is_empty() {
                return Err("template format specified but no template given".into());
            }
            if !is_file {
                return Ok(value.to_string());
            }
            read_file(value).map_err(|e| format!("error reading --template {value}, {e}"))
        };
        if let Some((format, value)) = template_value(output, flags.template, JSONPATH_FORMATS) {
            let text = read(value, format == "jsonpath-file")?;
            let path = JsonPath::parse(&text).map_err(|e| format!("error parsing jsonpath {text}, {e}"))?;
            let path = path.allow_missing_keys(flags.allow_missing_keys).output_json(format == "jsonpath-as-json");
            return Ok(Printer::JsonPath { raw: text, path });
        }
        if let Some((format, value)) = template_value(output, flags.template, TEMPLATE_FORMATS) {
            let text = read(value, matches!(format, "templatefile" | "go-template-file"))?;
            let tmpl = GoTemplate::parse(&text).map_err(|e| format!("error parsing template {text}, {e}"))?;
            return Ok(Printer::GoTemplate(tmpl.allow_missing_keys(flags.allow_missing_keys)));
        }
        match output {
            "json" => return Ok(Printer::Json),
            "yaml" => return Ok(Printer::Yaml),
            "" => return Ok(Printer::Table { wide: false }),
            "wide" => return Ok(Printer::Table { wide: true }),
            _ => {}
        }
        let (format, value) = if flags.template.is_empty() { split_format(output, COLUMNS_FORMATS) } else { (output, flags.template) };
        if COLUMNS_FORMATS.contains(&format) {
            if value.is_empty() {
                return Err("custom-columns format specified but no custom columns given".into());
            }
            if format == "custom-columns-file" {
                let text = read_file(value).map_err(|e| format!("error reading template {value}, {e}\n"))?;
                return CustomColumns::from_template(&text).map(Printer::CustomColumns);
            }
            return CustomColumns::from_spec(value, flags.no_headers).map(Printer::CustomColumns);
        }
        if output == "name" {
            return Ok(Printer::Name);
        }
        Err(format!("unable to match a printer suitable for the output format {}, allowed formats are: {GET_FORMATS}", go_quote(output)))
    }

    /// Human-readable printers (tables) follow get's table path; all others print
    /// the fetched objects through [`Printer::print_generic`].
    pub fn is_table(&self) -> bool {
        matches!(self, Printer::Table { .. })
    }

    /// Whether printing needs each object's JSON.
    pub fn needs_json(&self) -> bool {
        !matches!(self, Printer::Table { .. } | Printer::Name)
    }

    /// Prints one object or a `List` as kubectl's `printGeneric` does. The text is
    /// what goes to stdout (possibly without a final newline).
    pub fn print_generic(&self, obj: &Value) -> Result<String, PrintFailure> {
        let items: Vec<&Value> = match obj.get("items").and_then(Value::as_array) {
            Some(items) if obj.get("kind").and_then(Value::as_str).is_some_and(|k| k.ends_with("List")) => items.iter().collect(),
            _ => vec![obj],
        };
        match self {
            Printer::Json => Ok(marshal_indent(obj, "    ") + "\n"),
            Printer::Yaml => Ok(super::yaml::to_yaml(obj)),
            Printer::Name => Ok(items.iter().map(|i| format!("{}\n", name_of(i))).collect()),
            Printer::JsonPath { raw, path } => jsonpath::print_object(raw, path, obj).map_err(PrintFailure::message),
            Printer::CustomColumns(cc) => cc.print(&items).map_err(PrintFailure::message),
            Printer::GoTemplate(t) => t.print_object(obj).map_err(|(stdout, message)| PrintFailure { stdout, message }),
            Printer::Table { .. } => Ok(String::new()),
        }
    }
}

/// A printer that failed on an object: what it wrote to stdout first (go-template
/// prints a debugging report there) and the error message (after `error: `).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PrintFailure {
    pub stdout: String,
    pub message: String,
}

impl PrintFailure {
    fn message(message: String) -> PrintFailure {
        PrintFailure { stdout: String::new(), message }
    }
}

/// `<kind>[.<group>]/<name>` from an object's JSON (cli-runtime printers/name.go).
pub fn name_of(obj: &Value) -> String {
    let kind = obj.get("kind").and_then(Value::as_str).unwrap_or("").to_lowercase();
    let group = obj.get("apiVersion").and_then(Value::as_str).and_then(|v| v.split_once('/')).map(|(g, _)| g).unwrap_or("");
    let name = obj.pointer("/metadata/name").and_then(Value::as_str).unwrap_or("");
    if group.is_empty() { format!("{kind}/{name}") } else { format!("{kind}.{group}/{name}") }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn choose(output: &str, template: &str) -> Result<Printer, String> {
        let flags = PrintFlags { output, template, allow_missing_keys: true, no_headers: false };
        Printer::from_flags(&flags, &|p| if p == "/root/cols.txt" { Ok("NAME\n.metadata.name\n".into()) } else { Err(format!("open {p}: no such file or directory")) })
    }

    #[test]
    fn chooses_like_kubectl() {
        assert!(matches!(choose("", ""), Ok(Printer::Table { wide: false })));
        assert!(matches!(choose("jsonpath={.a}", ""), Ok(Printer::JsonPath { .. })));
        assert!(matches!(choose("jsonpath", "{.a}"), Ok(Printer::JsonPath { .. })));
        assert!(matches!(choose("custom-columns=A:.a", ""), Ok(Printer::CustomColumns(_))));
        assert!(matches!(choose("custom-columns-file=/root/cols.txt", ""), Ok(Printer::CustomColumns(_))));
        assert!(matches!(choose("", "{{.a}}"), Ok(Printer::GoTemplate(_))));
        assert!(matches!(choose("name", ""), Ok(Printer::Name)));
    }

    #[test]
    fn errors_like_kubectl() {
        assert_eq!(choose("jsonpath", "").unwrap_err(), "template format specified but no template given");
        assert_eq!(choose("jsonpath=", "").unwrap_err(), "template format specified but no template given");
        assert_eq!(choose("jsonpath={.a", "").unwrap_err(), "error parsing jsonpath {.a, unclosed action");
        assert_eq!(choose("jsonpath-file=/x", "").unwrap_err(), "error reading --template /x, open /x: no such file or directory");
        assert_eq!(choose("custom-columns=", "").unwrap_err(), "custom-columns format specified but no custom columns given");
        assert_eq!(choose("custom-columns", "").unwrap_err(), "custom-columns format specified but no custom columns given");
        assert_eq!(
            choose("foo", "").unwrap_err(),
            format!("unable to match a printer suitable for the output format \"foo\", allowed formats are: {GET_FORMATS}")
        );
    }

    #[test]
    fn generic_printing() {
        let list = json!({"apiVersion": "v1", "kind": "List", "metadata": {"resourceVersion": ""}, "items": [
            {"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "web"}},
            {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "p"}},
        ]});
        assert_eq!(Printer::Name.print_generic(&list).unwrap(), "deployment.apps/web\npod/p\n");
        let p = choose("jsonpath={.items[*].metadata.name}", "").unwrap();
        assert_eq!(p.print_generic(&list).unwrap(), "web p");
    }
}
