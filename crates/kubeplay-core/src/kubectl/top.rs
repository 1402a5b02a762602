//! `kubectl top node|pod` (kubectl/pkg/cmd/top, pkg/metricsutil/metrics_printer.go):
//! usage from the Metrics API, printed with every cell tab-terminated (so the last
//! column is padded too), CPU as `<m>m`, memory as `<Mi>Mi`, node percentages of
//! allocatable, rows by name unless `--sort-by=cpu|memory` (largest first).

use super::flags::{self, flag, FlagDef, FlagKind, Parsed};
use super::{usage_error, Io};
use crate::api::selectors::{all_match, parse_selector, Requirement};
use crate::cluster::Cluster;
use crate::controllers::resources::{bytes, millis};
use crate::metrics::{self, Usage};
use crate::output::Output;
use crate::printers::table::get_table;

const MI: i64 = 1 << 20;

const NODE_FLAGS: &[FlagDef] = &[
    flag("selector", Some('l'), FlagKind::Value),
    flag("sort-by", None, FlagKind::Value),
    flag("no-headers", None, FlagKind::Bool),
    flag("use-protocol-buffers", None, FlagKind::Bool),
    flag("show-capacity", None, FlagKind::Bool),
    flag("show-swap", None, FlagKind::Bool),
];

const POD_FLAGS: &[FlagDef] = &[
    flag("selector", Some('l'), FlagKind::Value),
    flag("field-selector", None, FlagKind::Value),
    flag("sort-by", None, FlagKind::Value),
    flag("containers", None, FlagKind::Bool),
    flag("all-namespaces", Some('A'), FlagKind::Bool),
    flag("no-headers", None, FlagKind::Bool),
    flag("use-protocol-buffers", None, FlagKind::Bool),
    flag("sum", None, FlagKind::Bool),
    flag("show-swap", None, FlagKind::Bool),
];

pub fn run(cluster: &mut Cluster, args: &[String], io: &Io, out: &mut Output) -> i32 {
    let sub = args.iter().position(|a| !a.starts_with('-'));
    let Some(i) = sub else {
        // cobra's DefaultSubCommandRun: the help, on stderr, exit 1.
        out.err(super::help::text("top").unwrap_or_default().trim_end_matches('\n'));
        return 1;
    };
    let rest: Vec<String> = args[..i].iter().chain(args[i + 1..].iter()).cloned().collect();
    match args[i].as_str() {
        "node" | "nodes" | "no" => top_node(cluster, &rest, io, out),
        "pod" | "pods" | "po" => top_pod(cluster, &rest, io, out),
        other => {
            out.err(&format!("error: unknown command \"{other}\""));
            out.err("See 'kubectl top -h' for help and examples");
            1
        }
    }
}

fn fail(out: &mut Output, msg: &str) -> i32 {
    out.err(&format!("error: {msg}"));
    1
}

/// Flags, NAME and `-l` read and checked, and the Metrics API there: what both
/// subcommands do before they fetch metrics.
fn prepare(c: &Cluster, args: &[String], defs: &[FlagDef], sub: &str, io: &Io, out: &mut Output) -> Result<(Parsed, Option<String>, Option<Vec<Requirement>>), i32> {
    let p = flags::parse(args, defs, io.kubeconfig).map_err(|e| usage_error(&format!("top {sub}"), e.message(), out))?;
    let name = validate(&p, sub, out)?;
    let selector = p.value("selector").filter(|s| !s.is_empty()).map(parse_selector).transpose().map_err(|msg| fail(out, &msg))?;
    if !metrics::api_available(c) {
        return Err(fail(out, "Metrics API not available"));
    }
    Ok((p, name, selector))
}

/// What `--sort-by`, NAME and `-l` have in common for both subcommands.
fn validate(p: &Parsed, sub: &str, out: &mut Output) -> Result<Option<String>, i32> {
    if p.args.len() > 1 {
        out.err(&format!("error: {sub} [NAME | -l label]"));
        out.err(&format!("See 'kubectl top {sub} -h' for help and examples"));
        return Err(1);
    }
    if let Some(s) = p.value("sort-by").filter(|s| !s.is_empty()) {
        if s != "cpu" && s != "memory" {
            return Err(fail(out, "--sort-by accepts only cpu or memory"));
        }
    }
    let name = p.args.first().cloned();
    let selected = p.value("selector").is_some_and(|s| !s.is_empty()) || (sub == "pod" && p.value("field-selector").is_some_and(|s| !s.is_empty()));
    if name.is_some() && selected {
        let msg = if sub == "node" { "only one of NAME or --selector can be provided" } else { "only one of NAME or selector can be provided" };
        return Err(fail(out, msg));
    }
    Ok(name)
}

/// Largest first for `cpu`/`memory`; otherwise the order given (by name).
fn sort_rows<T>(rows: &mut [T], sort_by: &str, usage: impl Fn(&T) -> Usage) {
    match sort_by {
        "cpu" => crate::sorting::sort_by_key(rows, |r| std::cmp::Reverse(usage(r).cpu_millis)),
        "memory" => crate::sorting::sort_by_key(rows, |r| std::cmp::Reverse(usage(r).memory_bytes)),
        _ => {}
    }
}

fn cells(u: Usage) -> [String; 2] {
    [format!("{}m", u.cpu_millis), format!("{}Mi", u.memory_bytes / MI)]
}

/// A row with every cell tab-terminated, as `printValue` writes them.
fn line(cells: &[String]) -> String {
    cells.iter().map(|c| format!("{c}\t")).collect()
}

fn top_node(c: &Cluster, args: &[String], io: &Io, out: &mut Output) -> i32 {
    let (p, name, selector) = match prepare(c, args, NODE_FLAGS, "node", io, out) {
        Ok(prepared) => prepared,
        Err(code) => return code,
    };
    let mut rows: Vec<(String, Usage)> = metrics::node_metrics(c)
        .into_iter()
        .filter(|(n, _)| name.as_deref().is_none_or(|x| x == n))
        .filter(|(n, _)| {
            let labels = c.store.get::<k8s_openapi::api::core::v1::Node>("", n).and_then(|x| x.metadata.labels.clone()).unwrap_or_default();
            selector.as_ref().is_none_or(|s| all_match(s, &labels))
        })
        .collect();
    if let Some(n) = &name {
        if rows.is_empty() {
            out.err(&format!("Error from server (NotFound): nodemetrics.metrics.k8s.io \"{n}\" not found"));
            return 1;
        }
    }
    if rows.is_empty() {
        return fail(out, "metrics not available yet");
    }
    sort_rows(&mut rows, p.value("sort-by").unwrap_or(""), |r| r.1);
    let mut lines = Vec::new();
    if !p.bool("no-headers") {
        lines.push(line(&["NAME", "CPU(cores)", "CPU(%)", "MEMORY(bytes)", "MEMORY(%)"].map(String::from)));
    }
    for (n, u) in &rows {
        let status = c.store.get::<k8s_openapi::api::core::v1::Node>("", n).and_then(|x| x.status.clone()).unwrap_or_default();
        let avail = if p.bool("show-capacity") { status.capacity } else { status.allocatable }.unwrap_or_default();
        let cpu_avail = avail.get("cpu").and_then(millis).unwrap_or(0);
        let mem_avail = avail.get("memory").and_then(bytes).unwrap_or(0);
        let pct = |used: i64, of: i64| if of == 0 { 0 } else { (used as f64 / of as f64 * 100.0) as i64 };
        let [cpu, mem] = cells(*u);
        lines.push(line(&[
            n.clone(),
            cpu,
            format!("{}%", pct(u.cpu_millis, cpu_avail)),
            mem,
            format!("{}%", pct(u.memory_bytes, mem_avail)),
        ]));
    }
    out.out(&get_table(&lines));
    0
}

fn top_pod(c: &Cluster, args: &[String], io: &Io, out: &mut Output) -> i32 {
    let (p, name, selector) = match prepare(c, args, POD_FLAGS, "pod", io, out) {
        Ok(prepared) => prepared,
        Err(code) => return code,
    };
    let all = p.bool("all-namespaces");
    let namespace = p.namespace().to_string();
    let mut rows: Vec<metrics::PodMetrics> = metrics::pod_metrics(c, if all { None } else { Some(&namespace) })
        .into_iter()
        .filter(|m| name.as_deref().is_none_or(|n| n == m.key.name))
        .filter(|m| {
            let labels = c.store.pods.get(&m.key).and_then(|x| x.metadata.labels.clone()).unwrap_or_default();
            selector.as_ref().is_none_or(|s| all_match(s, &labels))
        })
        .collect();
    if let Some(n) = &name {
        if rows.is_empty() {
            out.err(&format!("Error from server (NotFound): podmetrics.metrics.k8s.io \"{namespace}/{n}\" not found"));
            return 1;
        }
    }
    if rows.is_empty() {
        // verifyEmptyMetrics: pods that exist but are younger than 2 minutes are
        // simply not measured yet.
        let pods: Vec<&k8s_openapi::api::core::v1::Pod> = c
            .store
            .pods
            .list(Some(&namespace))
            .filter(|x| selector.as_ref().is_none_or(|s| all_match(s, &x.metadata.labels.clone().unwrap_or_default())))
            .collect();
        if !pods.is_empty() {
            for pod in &pods {
                let created = pod.metadata.creation_timestamp.as_ref().map(crate::time::SimTime::from_k8s).unwrap_or(c.now());
                let age = c.now().millis_since(created);
                if age > 2 * 60_000 {
                    let ns = pod.metadata.namespace.clone().unwrap_or_default();
                    let pname = pod.metadata.name.clone().unwrap_or_default();
                    return fail(out, &format!("Metrics not available for pod {ns}/{pname}, age: {}", crate::controllers::kubelet::go_duration(age)));
                }
            }
            return fail(out, "metrics not available yet");
        }
        if all {
            out.err("No resources found");
        } else {
            out.err(&format!("No resources found in {namespace} namespace."));
        }
        return 0;
    }
    let sort_by = p.value("sort-by").unwrap_or("");
    sort_rows(&mut rows, sort_by, |m| m.total());
    let containers = p.bool("containers");
    let mut lines = Vec::new();
    if !p.bool("no-headers") {
        let mut h = Vec::new();
        if all {
            h.push("NAMESPACE".to_string());
        }
        if containers {
            h.push("POD".to_string());
        }
        h.extend(["NAME", "CPU(cores)", "MEMORY(bytes)"].map(String::from));
        lines.push(line(&h));
    }
    for m in &rows {
        let mut list = m.containers.clone();
        if containers {
            sort_rows(&mut list, sort_by, |x| x.1);
            if sort_by.is_empty() {
                crate::sorting::sort_by(&mut list, |a, b| a.0.cmp(&b.0));
            }
        } else {
            list = vec![(m.key.name.clone(), m.total())];
        }
        for (cname, u) in list {
            let mut row = Vec::new();
            if all {
                row.push(m.key.namespace.clone());
            }
            if containers {
                row.push(m.key.name.clone());
            }
            row.push(cname);
            row.extend(cells(u));
            lines.push(line(&row));
        }
    }
    if p.bool("sum") {
        let total = rows.iter().fold(Usage::default(), |a, m| a + m.total());
        let width = 3 + usize::from(all) + usize::from(containers);
        let mut bar: Vec<String> = vec![String::new(); width - 2];
        bar.extend(["________".to_string(), "________".to_string()]);
        lines.push(line(&bar));
        let mut sum: Vec<String> = vec![String::new(); width - 3];
        sum.push(String::new());
        sum.extend(cells(total));
        lines.push(line(&sum));
    }
    out.out(&get_table(&lines));
    0
}
