//! `kubectl get`: tables (with `-o wide`, `-A`, `--show-labels`, `--no-headers`,
//! several kinds at once), `-o name|json|yaml`, label selectors, and the exact empty
//! and not-found messages (kubectl/pkg/cmd/get/get.go).


use super::flags::{self, flag, FlagDef, FlagKind};
use super::resources::{self, Item, ResourceType, Want, ALL_CATEGORY};
use super::usage_error;
use crate::api::selectors::parse_selector;
use crate::cluster::Cluster;
use crate::output::Output;
use crate::printers::table::{get_table, row};

const FLAGS: &[FlagDef] = &[
    flag("all-namespaces", Some('A'), FlagKind::Bool),
    flag("output", Some('o'), FlagKind::Value),
    flag("selector", Some('l'), FlagKind::Value),
    flag("show-labels", None, FlagKind::Bool),
    flag("no-headers", None, FlagKind::Bool),
    flag("ignore-not-found", None, FlagKind::Bool),
    flag("watch", Some('w'), FlagKind::Bool),
    flag("show-kind", None, FlagKind::Bool),
];

/// One requested kind and, optionally, the names asked for.
pub(super) struct Request {
    pub rt: &'static ResourceType,
    pub names: Vec<String>,
}

pub fn run(cluster: &mut Cluster, args: &[String], io: &super::Io, out: &mut Output) -> i32 {
    let p = match flags::parse(args, FLAGS, io.kubeconfig) {
        Ok(p) => p,
        Err(e) => return usage_error("get", e.message(), out),
    };
    if p.args.is_empty() {
        out.err("You must specify the type of resource to get. Use \"kubectl api-resources\" for a complete list of supported resources.\n\nerror: Required resource not specified.\nUse \"kubectl explain <resource>\" for a detailed description of that resource (e.g. kubectl explain pods).\nSee 'kubectl get -h' for help and examples");
        return 1;
    }
    let output = p.value("output").unwrap_or("").to_string();
    if !matches!(output.as_str(), "" | "wide" | "name" | "json" | "yaml") {
        out.err(&format!("error: unable to match a printer suitable for the output format \"{output}\", allowed formats are: custom-columns,custom-columns-file,go-template,go-template-file,json,jsonpath,jsonpath-as-json,jsonpath-file,name,template,templatefile,wide,yaml"));
        return 1;
    }
    let all_ns = p.bool("all-namespaces");
    let namespace = p.namespace().to_string();
    let selector = match p.value("selector").map(parse_selector).transpose() {
        Ok(s) => s,
        Err(msg) => {
            out.err(&format!("error: {msg}"));
            return 1;
        }
    };
    let requests = match parse_requests(&p.args) {
        Ok(r) => r,
        Err(msg) => {
            out.err(&msg);
            return 1;
        }
    };
    let multi_kind = requests.len() > 1 || p.args[0].split(',').count() > 1 || p.args[0] == "all";
    let want = if matches!(output.as_str(), "json" | "yaml") { Want::CellsAndJson } else { Want::Cells };
    let mut code = 0;
    let mut groups: Vec<(&'static ResourceType, Vec<Item>)> = Vec::new();
    let mut errors: Vec<String> = Vec::new();
    for req in &requests {
        let mut items = Vec::new();
        if req.names.is_empty() {
            let ns = if all_ns || !req.rt.namespaced { None } else { Some(namespace.as_str()) };
            items = (req.rt.list)(cluster, ns, want);
        } else {
            for name in &req.names {
                match (req.rt.get)(cluster, &namespace, name, want) {
                    Ok(item) => items.push(item),
                    Err(e) if p.bool("ignore-not-found") => drop(e),
                    Err(e) => {
                        errors.push(e.to_string());
                        code = 1;
                    }
                }
            }
        }
        if let Some(sel) = &selector {
            items.retain(|i| sel.iter().all(|r| r.matches(&i.labels)));
        }
        groups.push((req.rt, items));
    }
    let single_object = requests.len() == 1 && requests[0].names.len() == 1;
    let printed_any = groups.iter().any(|(_, items)| !items.is_empty());
    match output.as_str() {
        "name" => {
            for (rt, items) in &groups {
                for i in items {
                    out.out(&format!("{}/{}", rt.name_prefix(), i.key.name));
                }
            }
        }
        "json" | "yaml" => {
            let objects: Vec<serde_json::Value> = groups.iter().flat_map(|(_, items)| items.iter().filter_map(|i| i.json.clone())).collect();
            if single_object && objects.len() == 1 {
                print_structured(&objects[0], &output, out);
            } else if !objects.is_empty() || errors.is_empty() {
                let list = serde_json::json!({
                    "apiVersion": "v1",
                    "items": objects,
                    "kind": "List",
                    "metadata": {"resourceVersion": ""},
                });
                print_structured(&list, &output, out);
            }
        }
        _ => print_tables(&groups, &p, all_ns, output == "wide", multi_kind, out),
    }
    for e in &errors {
        out.err(e);
    }
    // Structured output of an empty list still prints the List; tables say so on stderr.
    let structured = matches!(output.as_str(), "json" | "yaml");
    if !printed_any && errors.is_empty() && !structured && !p.bool("ignore-not-found") {
        let all_namespaced = requests.iter().all(|r| r.rt.namespaced);
        if all_namespaced && !all_ns {
            out.err(&format!("No resources found in {namespace} namespace."));
        } else {
            out.err("No resources found");
        }
    }
    code
}

pub(super) fn print_structured(value: &serde_json::Value, format: &str, out: &mut Output) {
    if format == "json" {
        let mut buf = Vec::new();
        let fmt = serde_json::ser::PrettyFormatter::with_indent(b"    ");
        let mut ser = serde_json::Serializer::with_formatter(&mut buf, fmt);
        if serde::Serialize::serialize(value, &mut ser).is_ok() {
            out.out(&String::from_utf8_lossy(&buf));
        }
    } else {
        out.out(&crate::printers::yaml::to_yaml(value));
    }
}

fn print_tables(
    groups: &[(&'static ResourceType, Vec<Item>)],
    p: &flags::Parsed,
    all_ns: bool,
    wide: bool,
    multi_kind: bool,
    out: &mut Output,
) {
    let headers = !p.bool("no-headers");
    let show_labels = p.bool("show-labels");
    let mut wrote_any = false;
    for (rt, items) in groups {
        if items.is_empty() {
            continue;
        }
        let keep: Vec<usize> = rt.columns.iter().enumerate().filter(|(_, (_, w))| wide || !*w).map(|(i, _)| i).collect();
        let mut lines = Vec::new();
        if headers {
            let mut h: Vec<String> = Vec::new();
            if all_ns && rt.namespaced {
                h.push("NAMESPACE".into());
            }
            h.extend(keep.iter().map(|&i| rt.columns[i].0.to_string()));
            if show_labels {
                h.push("LABELS".into());
            }
            lines.push(row(&h));
        }
        for item in items {
            let mut cells: Vec<String> = Vec::new();
            if all_ns && rt.namespaced {
                cells.push(item.key.namespace.clone());
            }
            for &i in &keep {
                let mut c = item.cells.get(i).cloned().unwrap_or_default();
                if i == 0 && multi_kind {
                    c = format!("{}/{c}", rt.name_prefix());
                }
                cells.push(c);
            }
            if show_labels {
                cells.push(super::printers::format_labels(Some(&item.labels)));
            }
            lines.push(row(&cells));
        }
        if wrote_any && headers {
            out.out("");
        }
        out.out(&get_table(&lines));
        wrote_any = true;
    }
}

/// Parses `pods`, `pods,svc`, `pod/x`, `pods a b`, `all` into requests.
pub(super) fn parse_requests(args: &[String]) -> Result<Vec<Request>, String> {
    let unknown = |t: &str| format!("error: the server doesn't have a resource type \"{t}\"");
    if args[0].contains('/') {
        let mut reqs: Vec<Request> = Vec::new();
        for a in args {
            let Some((t, name)) = a.split_once('/') else {
                return Err("error: there is no need to specify a resource type as a separate argument when passing arguments in resource/name form (e.g. 'kubectl get resource/<resource_name>' instead of 'kubectl get resource resource/<resource_name>'".into());
            };
            let rt = resources::resolve(t).ok_or_else(|| unknown(t))?;
            match reqs.iter_mut().find(|r| std::ptr::eq(r.rt, rt)) {
                Some(r) => r.names.push(name.to_string()),
                None => reqs.push(Request { rt, names: vec![name.to_string()] }),
            }
        }
        return Ok(reqs);
    }
    let mut reqs = Vec::new();
    for t in args[0].split(',').filter(|t| !t.is_empty()) {
        if t == "all" {
            reqs.extend(ALL_CATEGORY.iter().filter_map(|p| resources::by_plural(p)).map(|rt| Request { rt, names: Vec::new() }));
            continue;
        }
        let rt = resources::resolve(t).ok_or_else(|| unknown(t))?;
        reqs.push(Request { rt, names: Vec::new() });
    }
    let names: Vec<String> = args[1..].to_vec();
    if !names.is_empty() {
        if reqs.len() > 1 {
            return Err("error: arguments in resource/name form must have a single resource and name".into());
        }
        reqs[0].names = names;
    }
    Ok(reqs)
}
