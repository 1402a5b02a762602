//! `kubectl get`: tables (with `-o wide`, `-A`, `--show-labels`, `--no-headers`,
//! several kinds at once), every other printer through the objects' JSON
//! (`-o name|json|yaml|jsonpath|jsonpath-as-json|jsonpath-file|custom-columns|
//! custom-columns-file|go-template`), `--sort-by`, label selectors, and the exact
//! empty and not-found messages (kubectl/pkg/cmd/get/get.go `Run`, `printGeneric`).

use serde_json::Value;

use super::flags::{self, flag, FlagDef, FlagKind};
use super::resources::{Item, ResourceType, Want};
use super::selection::Selection;
use super::{usage_error, Io};
use super::watch::TableWatch;
use super::Outcome;
use crate::api::field_selectors::{check_fields, matches as field_matches, parse_field_selector};
use crate::foreground::Foreground;
use crate::cluster::Cluster;
use crate::output::Output;
use crate::printers::go_format::marshal_indent;
use crate::printers::output_format::{PrintFlags, Printer};
use crate::printers::sort::SortBy;
use crate::printers::table::{get_table, row};
use crate::vfs::Vfs;

const FLAGS: &[FlagDef] = &[
    flag("all-namespaces", Some('A'), FlagKind::Bool),
    flag("output", Some('o'), FlagKind::Value),
    flag("selector", Some('l'), FlagKind::Value),
    flag("field-selector", None, FlagKind::Value),
    flag("show-labels", None, FlagKind::Bool),
    flag("label-columns", Some('L'), FlagKind::Value),
    flag("no-headers", None, FlagKind::Bool),
    flag("ignore-not-found", None, FlagKind::Bool),
    flag("watch", Some('w'), FlagKind::Bool),
    flag("watch-only", None, FlagKind::Bool),
    flag("show-kind", None, FlagKind::Bool),
    flag("template", None, FlagKind::Value),
    flag("allow-missing-template-keys", None, FlagKind::Bool),
    flag("sort-by", None, FlagKind::Value),
];

/// The objects fetched for one request: a list (sortable as a whole) or named ones.
struct Group {
    rt: &'static ResourceType,
    items: Vec<Item>,
    listed: bool,
}

/// Reads a template or column file the way `os.ReadFile` reports failures.
pub(super) fn read_file(fs: &Vfs, cwd: &str, path: &str) -> Result<String, String> {
    fs.read(&Vfs::resolve(cwd, path)).map(str::to_string).map_err(|e| format!("open {path}: {}", e.to_string().to_lowercase()))
}

pub fn run(cluster: &mut Cluster, args: &[String], io: &Io, out: &mut Output) -> Outcome {
    let mut foreground = None;
    let exit_code = get(cluster, args, io, out, &mut foreground);
    Outcome { exit_code, foreground }
}

fn get(cluster: &mut Cluster, args: &[String], io: &Io, out: &mut Output, foreground: &mut Option<Foreground>) -> i32 {
    let p = match flags::parse(args, FLAGS, io.kubeconfig) {
        Ok(p) => p,
        Err(e) => return usage_error("get", e.message(), out),
    };
    if p.args.is_empty() {
        out.err("You must specify the type of resource to get. Use \"kubectl api-resources\" for a complete list of supported resources.\n\nerror: Required resource not specified.\nUse \"kubectl explain <resource>\" for a detailed description of that resource (e.g. kubectl explain pods).\nSee 'kubectl get -h' for help and examples");
        return 1;
    }
    let output = p.value("output").unwrap_or("").to_string();
    if p.bool("show-labels") && !matches!(output.as_str(), "" | "wide") {
        out.err(&format!("error: --show-labels option cannot be used with {output} printer"));
        return 1;
    }
    let print_flags = PrintFlags {
        output: &output,
        template: p.value("template").unwrap_or(""),
        allow_missing_keys: p.value("allow-missing-template-keys").is_none_or(|v| v == "true"),
        no_headers: p.bool("no-headers"),
    };
    let printer = Printer::from_flags(&print_flags, &|path| read_file(io.fs, io.cwd, path));
    let selection = match Selection::parse(&p, &p.args) {
        Ok(s) => s,
        Err(msg) => {
            out.err(&msg);
            return 1;
        }
    };
    let requests = &selection.requests;
    let (all_ns, namespace) = (selection.all_namespaces, selection.namespace.clone());
    let sort_by = p.value("sort-by").filter(|s| !s.is_empty());
    if requests.iter().any(|r| r.rt.plural == "endpoints") {
        // The API server's deprecation warning header (v1.33+).
        out.err("Warning: v1 Endpoints is deprecated in v1.33+; use discovery.k8s.io/v1 EndpointSlice");
    }
    let multi_kind = requests.len() > 1 || p.args[0].split(',').count() > 1 || p.args[0] == "all";
    // The server parses and checks the field selector; cli-runtime's
    // `EnhanceListError` puts the request in front of its complaint.
    let list_error = |rt: &ResourceType, why: &str| {
        let group = if rt.group.is_empty() { "/" } else { "" };
        let (labels, text) = (p.value("selector").unwrap_or(""), p.value("field-selector").unwrap_or(""));
        format!("Error from server (BadRequest): Unable to find \"{group}{}, Resource={}\" that match label selector \"{labels}\", field selector \"{text}\": {why}", rt.api_version(), rt.plural)
    };
    let fields = match p.value("field-selector").filter(|f| !f.is_empty()).map(parse_field_selector).transpose() {
        Ok(f) => f,
        Err(why) => {
            out.err(&list_error(requests[0].rt, &why));
            return 1;
        }
    };
    let needs_json = sort_by.is_some() || fields.is_some() || printer.as_ref().is_ok_and(Printer::needs_json);
    let want = if needs_json { Want::CellsAndJson } else { Want::Cells };
    let mut groups: Vec<Group> = Vec::new();
    let mut errors: Vec<String> = Vec::new();
    for req in requests {
        let mut items = Vec::new();
        if req.names.is_empty() {
            items = selection.listed(cluster, req.rt, want);
        } else {
            for name in &req.names {
                match (req.rt.get)(cluster, &selection.namespace, name, want) {
                    Ok(item) if selection.selects(&item.labels) => items.push(item),
                    Ok(_) => {}
                    Err(e) if p.bool("ignore-not-found") => drop(e),
                    Err(e) => errors.push(e.to_string()),
                }
            }
        }
        if let Some(fields) = &fields {
            if let Err(why) = check_fields(req.rt.kind, fields) {
                out.err(&list_error(req.rt, &why));
                return 1;
            }
            items.retain(|i| i.json.as_ref().is_some_and(|j| field_matches(req.rt.kind, j, fields)));
        }
        groups.push(Group { rt: req.rt, items, listed: req.names.is_empty() });
    }
    // `get pod x` and `get pod/x` imply one object: printed bare, and its error alone.
    let single_item_implied = requests.len() == 1 && requests[0].names.len() == 1;
    let printer = match printer {
        Ok(printer) => printer,
        Err(msg) => {
            if single_item_implied && !errors.is_empty() {
                return print_errors(&errors, out);
            }
            out.err(&format!("error: {msg}"));
            return 1;
        }
    };
    let sort_by = match sort_by.map(SortBy::parse).transpose() {
        Ok(s) => s,
        Err(msg) => {
            out.err(&format!("error: {msg}"));
            return 1;
        }
    };
    if printer.is_table() {
        if let Some(sort_by) = &sort_by {
            // Each server-side table is sorted on its own; a named object is a table
            // of one row, checked for the field all the same.
            for g in &mut groups {
                let result = if g.listed {
                    sort_by.sort(&mut g.items, |i| i.json.as_ref())
                } else {
                    g.items.chunks(1).try_for_each(|one| sort_by.keys(&one.iter().filter_map(|i| i.json.as_ref()).collect::<Vec<_>>()).map(drop))
                };
                if let Err(msg) = result {
                    out.err(&format!("error: {msg}"));
                    return 1;
                }
            }
        }
        let wide = matches!(printer, Printer::Table { wide: true });
        print_tables(&groups, &p, all_ns, wide, multi_kind, out);
        if (p.bool("watch") || p.bool("watch-only")) && groups.len() == 1 && errors.is_empty() {
            let g = &groups[0];
            let layout = TableLayout { rt: g.rt, all_ns, wide, show_labels: p.bool("show-labels"), label_columns: label_columns(&p), multi_kind: false };
            let ns = if all_ns || !g.rt.namespaced { None } else { Some(namespace.clone()) };
            let names = requests[0].names.clone();
            let mut watch = TableWatch::new(&layout, ns, names, p.value("selector").map(String::from), cluster.now());
            let mut printed: Vec<Vec<String>> = Vec::new();
            if !g.items.is_empty() && !p.bool("no-headers") {
                printed.push(layout.header());
            }
            printed.extend(g.items.iter().map(|i| layout.cells(i)));
            watch.prime(cluster, &printed);
            *foreground = Some(Foreground::Watch(Box::new(watch)));
            return 0;
        }
        let printed_any = groups.iter().any(|g| !g.items.is_empty());
        if !printed_any && errors.is_empty() && !p.bool("ignore-not-found") {
            let all_namespaced = requests.iter().all(|r| r.rt.namespaced);
            if all_namespaced && !all_ns {
                out.err(&format!("No resources found in {namespace} namespace."));
            } else {
                out.err("No resources found");
            }
        }
        return if errors.is_empty() { 0 } else { print_errors(&errors, out) };
    }
    print_generic(&printer, groups, single_item_implied, sort_by.as_ref(), errors, out)
}

/// `printGeneric`: one object stays bare, anything else becomes a `List`.
fn print_generic(printer: &Printer, groups: Vec<Group>, single_item_implied: bool, sort_by: Option<&SortBy>, mut errors: Vec<String>, out: &mut Output) -> i32 {
    if single_item_implied && !errors.is_empty() {
        return print_errors(&errors, out);
    }
    let mut items: Vec<(&'static ResourceType, Item)> = groups.into_iter().flat_map(|g| g.items.into_iter().map(move |i| (g.rt, i))).collect();
    let json_of = |(rt, i): &(&'static ResourceType, Item)| -> Value {
        i.json.clone().unwrap_or_else(|| {
            // `-o name` runs without JSON: name it from discovery's kind.
            serde_json::json!({"kind": rt.kind, "apiVersion": rt.api_version(), "metadata": {"name": i.key.name}})
        })
    };
    let obj = if single_item_implied && items.len() == 1 {
        json_of(&items[0])
    } else {
        if let Some(sort_by) = sort_by {
            if let Err(msg) = sort_by.sort(&mut items, |(_, i)| i.json.as_ref()) {
                errors.push(format!("error: {msg}"));
                return print_errors(&errors, out);
            }
        }
        serde_json::json!({
            "apiVersion": "v1",
            "items": items.iter().map(json_of).collect::<Vec<_>>(),
            "kind": "List",
            "metadata": {"resourceVersion": ""},
        })
    };
    match printer.print_generic(&obj) {
        Ok(text) => {
            if !text.is_empty() {
                out.out(&text);
            }
        }
        Err(failure) => {
            if !failure.stdout.is_empty() {
                out.out(&failure.stdout);
            }
            errors.push(format!("error: {}", failure.message));
        }
    }
    if errors.is_empty() { 0 } else { print_errors(&errors, out) }
}

fn print_errors(errors: &[String], out: &mut Output) -> i32 {
    for e in errors {
        out.err(e);
    }
    1
}

pub(super) fn print_structured(value: &Value, format: &str, out: &mut Output) {
    if format == "json" {
        out.out(&marshal_indent(value, "    "));
    } else {
        out.out(&crate::printers::yaml::to_yaml(value));
    }
}

/// Which columns a table shows for one resource type.
pub(crate) struct TableLayout {
    pub rt: &'static ResourceType,
    pub all_ns: bool,
    pub wide: bool,
    pub show_labels: bool,
    /// `-L key1,key2`: a column per label key, before LABELS.
    pub label_columns: Vec<String>,
    pub multi_kind: bool,
}

/// `-L`/`--label-columns`: a string slice (repeatable, comma-separated).
fn label_columns(p: &flags::Parsed) -> Vec<String> {
    p.values("label-columns").iter().flat_map(|v| v.split(',')).filter(|k| !k.is_empty()).map(String::from).collect()
}

impl TableLayout {
    fn keep(&self) -> impl Iterator<Item = usize> + '_ {
        self.rt.columns.iter().enumerate().filter(|(_, (_, w))| self.wide || !*w).map(|(i, _)| i)
    }

    pub fn header(&self) -> Vec<String> {
        let mut h: Vec<String> = Vec::new();
        if self.all_ns && self.rt.namespaced {
            h.push("NAMESPACE".into());
        }
        h.extend(self.keep().map(|i| self.rt.columns[i].0.to_string()));
        // formatLabelHeaders: the key's last path segment, upper-cased.
        h.extend(self.label_columns.iter().map(|k| k.rsplit('/').next().unwrap_or(k).to_uppercase()));
        if self.show_labels {
            h.push("LABELS".into());
        }
        h
    }

    pub fn cells(&self, item: &Item) -> Vec<String> {
        let mut cells: Vec<String> = Vec::new();
        if self.all_ns && self.rt.namespaced {
            cells.push(item.key.namespace.clone());
        }
        for i in self.keep() {
            let mut c = item.cells.get(i).cloned().unwrap_or_default();
            if i == 0 && self.multi_kind {
                c = format!("{}/{c}", self.rt.name_prefix());
            }
            cells.push(c);
        }
        cells.extend(self.label_columns.iter().map(|k| item.labels.get(k).cloned().unwrap_or_default()));
        if self.show_labels {
            cells.push(super::printers::format_labels(Some(&item.labels)));
        }
        cells
    }
}

fn print_tables(
    groups: &[Group],
    p: &flags::Parsed,
    all_ns: bool,
    wide: bool,
    multi_kind: bool,
    out: &mut Output,
) {
    let headers = !p.bool("no-headers");
    let show_labels = p.bool("show-labels");
    let mut wrote_any = false;
    for Group { rt, items, .. } in groups {
        if items.is_empty() {
            continue;
        }
        let layout = TableLayout { rt, all_ns, wide, show_labels, label_columns: label_columns(p), multi_kind };
        let mut lines = Vec::new();
        if headers {
            lines.push(row(&layout.header()));
        }
        for item in items {
            lines.push(row(&layout.cells(item)));
        }
        if wrote_any && headers {
            out.out("");
        }
        out.out(&get_table(&lines));
        wrote_any = true;
    }
}

