//! `kubectl expose` (kubectl/pkg/cmd/expose/expose.go): a Service whose selector,
//! ports, protocols and labels are read off a pod, Service, Deployment or
//! ReplicaSet, unless flags say otherwise. Also the printer the network-creating
//! commands share (name printer, `-o yaml|json|name`, client dry-run).

use std::collections::BTreeMap;

use k8s_openapi::api::apps::v1::{Deployment, ReplicaSet};
use k8s_openapi::api::core::v1::{Container, Pod, Service, ServicePort, ServiceSpec};
use k8s_openapi::apimachinery::pkg::apis::meta::v1::{LabelSelector, ObjectMeta};
use k8s_openapi::apimachinery::pkg::util::intstr::IntOrString;

use super::flags::{self, flag, FlagDef, FlagKind};
use super::usage_error;
use crate::api::ApiKind;
use crate::cluster::Cluster;
use crate::output::Output;

const FLAGS: &[FlagDef] = &[
    flag("port", None, FlagKind::Value),
    flag("target-port", None, FlagKind::Value),
    flag("type", None, FlagKind::Value),
    flag("name", None, FlagKind::Value),
    flag("selector", None, FlagKind::Value),
    flag("labels", Some('l'), FlagKind::Value),
    flag("protocol", None, FlagKind::Value),
    flag("cluster-ip", None, FlagKind::Value),
    flag("external-ip", None, FlagKind::Value),
    flag("load-balancer-ip", None, FlagKind::Value),
    flag("session-affinity", None, FlagKind::Value),
    flag("dry-run", None, FlagKind::Value),
    flag("output", Some('o'), FlagKind::Value),
    flag("filename", Some('f'), FlagKind::Value),
    flag("overrides", None, FlagKind::Value),
    flag("save-config", None, FlagKind::Bool),
    flag("record", None, FlagKind::Bool),
    flag("field-manager", None, FlagKind::Value),
];

/// Prints a created (or dry-run) object the way create-style commands do:
/// `<kind>/<name> <verb>`, or `-o name|yaml|json`.
pub(super) fn print_object<K: ApiKind>(obj: &K, verb: &str, output: Option<&str>, dry_run: bool, out: &mut Output) -> i32 {
    let name = obj.metadata().name.clone().unwrap_or_default();
    let prefix = if K::GROUP.is_empty() { K::KIND.to_lowercase() } else { format!("{}.{}", K::KIND.to_lowercase(), K::GROUP) };
    match output {
        None | Some("") => out.out(&format!("{prefix}/{name} {verb}{}", if dry_run { " (dry run)" } else { "" })),
        Some("name") => out.out(&format!("{prefix}/{name}")),
        Some(fmt @ ("yaml" | "json")) => super::get::print_structured(&super::resources::to_json(obj), fmt, out),
        Some(other) => {
            out.err(&format!("error: unable to match a printer suitable for the output format \"{other}\", allowed formats are: json,name,yaml"));
            return 1;
        }
    }
    0
}

/// `MakeLabels`-style parse of `a=b,c=d` (expose.go `parseLabels`).
fn parse_labels(spec: &str) -> Result<BTreeMap<String, String>, String> {
    let mut m = BTreeMap::new();
    for item in spec.split(',') {
        let kv: Vec<&str> = item.split('=').collect();
        if kv.len() != 2 {
            return Err(format!("unexpected label spec: {item}"));
        }
        if kv[0].is_empty() {
            return Err("unexpected empty label key".into());
        }
        m.insert(kv[0].to_string(), kv[1].to_string());
    }
    Ok(m)
}

fn format_map(m: &BTreeMap<String, String>) -> String {
    m.iter().map(|(k, v)| format!("{k}={v}")).collect::<Vec<_>>().join(",")
}

/// What expose reads off the object: selector (or why none), ports, protocols per
/// port, labels.
struct Introspected {
    selector: Result<String, String>,
    ports: Vec<String>,
    protocols: BTreeMap<String, Vec<String>>,
    labels: BTreeMap<String, String>,
    name: String,
}

fn container_ports(containers: &[Container]) -> (Vec<String>, BTreeMap<String, Vec<String>>) {
    let mut ports = Vec::new();
    let mut protocols: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for p in containers.iter().flat_map(|c| c.ports.iter().flatten()) {
        ports.push(p.container_port.to_string());
        protocols.entry(p.container_port.to_string()).or_default().push(p.protocol.clone().unwrap_or_else(|| "TCP".into()));
    }
    (ports, protocols)
}

fn selector_of_workload(sel: &LabelSelector) -> Result<String, String> {
    let labels = sel.match_labels.clone().unwrap_or_default();
    if labels.is_empty() {
        return Err("invalid deployment: no selectors, therefore cannot be exposed".into());
    }
    if sel.match_expressions.as_ref().is_some_and(|e| !e.is_empty()) {
        return Err("couldn't convert expressions to map-based selector format".into());
    }
    Ok(format_map(&labels))
}

fn introspect(c: &Cluster, plural: &str, ns: &str, name: &str) -> Result<Introspected, String> {
    let not_found = |res: &str| crate::api::ApiError::not_found(res, name).to_string();
    let meta_labels = |m: &ObjectMeta| m.labels.clone().unwrap_or_default();
    match plural {
        "pods" => {
            let p = c.store.get::<Pod>(ns, name).ok_or_else(|| not_found("pods"))?;
            let labels = meta_labels(&p.metadata);
            let (ports, protocols) = container_ports(&p.spec.clone().unwrap_or_default().containers);
            let selector = if labels.is_empty() { Err("the pod has no labels and cannot be exposed".to_string()) } else { Ok(format_map(&labels)) };
            Ok(Introspected { selector, ports, protocols, labels, name: name.into() })
        }
        "services" => {
            let s = c.store.get::<Service>(ns, name).ok_or_else(|| not_found("services"))?;
            let spec = s.spec.clone().unwrap_or_default();
            let selector = spec.selector.as_ref().map(format_map).ok_or_else(|| "the service has no pod selector set".to_string());
            let mut protocols: BTreeMap<String, Vec<String>> = BTreeMap::new();
            let ports: Vec<String> = spec.ports.iter().flatten().map(|p| p.port.to_string()).collect();
            for p in spec.ports.iter().flatten() {
                protocols.entry(p.port.to_string()).or_default().push(p.protocol.clone().unwrap_or_else(|| "TCP".into()));
            }
            Ok(Introspected { selector, ports, protocols, labels: meta_labels(&s.metadata), name: name.into() })
        }
        "deployments" => {
            let d = c.store.get::<Deployment>(ns, name).ok_or_else(|| not_found("deployments.apps"))?;
            let spec = d.spec.clone().unwrap_or_default();
            let (ports, protocols) = container_ports(&spec.template.spec.clone().unwrap_or_default().containers);
            Ok(Introspected { selector: selector_of_workload(&spec.selector), ports, protocols, labels: meta_labels(&d.metadata), name: name.into() })
        }
        "replicasets" => {
            let r = c.store.get::<ReplicaSet>(ns, name).ok_or_else(|| not_found("replicasets.apps"))?;
            let spec = r.spec.clone().unwrap_or_default();
            let (ports, protocols) = container_ports(&spec.template.as_ref().and_then(|t| t.spec.clone()).unwrap_or_default().containers);
            let selector = selector_of_workload(&spec.selector).map_err(|e| e.replace("deployment", "replica set"));
            Ok(Introspected { selector, ports, protocols, labels: meta_labels(&r.metadata), name: name.into() })
        }
        _ => Err(crate::api::ApiError::not_found(plural, name).to_string()),
    }
}

pub fn run(cluster: &mut Cluster, args: &[String], io: &super::Io, out: &mut Output) -> i32 {
    let p = match flags::parse(args, FLAGS, io.kubeconfig) {
        Ok(p) => p,
        Err(e) => return usage_error("expose", e.message(), out),
    };
    if p.args.is_empty() {
        out.err(super::NO_RESOURCES);
        return 1;
    }
    let (type_word, name) = match p.args[0].split_once('/') {
        Some((t, n)) => (t.to_string(), Some(n.to_string())),
        None => (p.args[0].clone(), p.args.get(1).cloned()),
    };
    let Some(rt) = super::resources::resolve(&type_word) else {
        out.err(&format!("error: the server doesn't have a resource type \"{type_word}\""));
        return 1;
    };
    let Some(name) = name else {
        out.err("error: resource(s) were provided, but no name was specified");
        return 1;
    };
    if !matches!(rt.plural, "pods" | "services" | "deployments" | "replicasets" | "replicationcontrollers") {
        let kind = if rt.group.is_empty() { rt.kind.to_string() } else { format!("{}.{}", rt.kind, rt.group) };
        out.err(&format!("error: cannot expose a {kind}"));
        return 1;
    }
    let ns = p.namespace().to_string();
    let info = match introspect(cluster, rt.plural, &ns, &name) {
        Ok(i) => i,
        Err(e) => {
            out.err(&e);
            return 1;
        }
    };
    let fail = |out: &mut Output, msg: String| {
        out.err(&format!("error: {msg}"));
        1
    };
    let selector = match p.value("selector") {
        Some(s) if !s.is_empty() => s.to_string(),
        _ => match &info.selector {
            Ok(s) => s.clone(),
            Err(e) => return fail(out, format!("couldn't retrieve selectors via --selector flag or introspection: {e}")),
        },
    };
    let headless = p.value("cluster-ip") == Some("None");
    let mut port_list: Vec<String> = match p.value("port") {
        Some(port) if !port.is_empty() => vec![port.to_string()],
        _ => info.ports.clone(),
    };
    if port_list.is_empty() && !headless {
        return fail(out, "couldn't find port via --port flag or introspection".into());
    }
    port_list.truncate(if p.value("port").is_some_and(|v| !v.is_empty()) { 1 } else { usize::MAX });
    let selector_map = match parse_labels(&selector) {
        Ok(m) => m,
        Err(e) => return fail(out, e),
    };
    let labels = match p.value("labels") {
        Some(l) if !l.is_empty() => match parse_labels(l) {
            Ok(m) => Some(m),
            Err(e) => return fail(out, e),
        },
        _ => (!info.labels.is_empty()).then(|| info.labels.clone()),
    };
    let mut ports = Vec::new();
    for (i, ps) in port_list.iter().enumerate() {
        let Ok(port) = ps.parse::<i32>() else {
            return fail(out, format!("strconv.Atoi: parsing \"{ps}\": invalid syntax"));
        };
        let protocol = match p.value("protocol").filter(|v| !v.is_empty()) {
            Some(proto) => proto.to_string(),
            None => info.protocols.get(ps).and_then(|v| v.first().cloned()).unwrap_or_else(|| "TCP".into()),
        };
        let target = match p.value("target-port").filter(|v| !v.is_empty()) {
            Some(t) => t.parse::<i32>().map(IntOrString::Int).unwrap_or_else(|_| IntOrString::String(t.to_string())),
            None => IntOrString::Int(port),
        };
        ports.push(ServicePort {
            name: (port_list.len() > 1).then(|| format!("port-{}", i + 1)),
            port,
            protocol: Some(protocol),
            target_port: Some(target),
            ..Default::default()
        });
    }
    let type_ = p.value("type").filter(|t| !t.is_empty()).map(String::from);
    if let Some(aff) = p.value("session-affinity").filter(|v| !v.is_empty()) {
        if aff != "None" && aff != "ClientIP" {
            return fail(out, format!("unknown session affinity: {aff}"));
        }
    }
    let svc_name: String = p.value("name").filter(|n| !n.is_empty()).map(String::from).unwrap_or_else(|| info.name.chars().take(63).collect());
    let svc = Service {
        metadata: ObjectMeta {
            name: Some(svc_name),
            namespace: p.namespace_flag().map(String::from),
            labels,
            ..Default::default()
        },
        spec: Some(ServiceSpec {
            selector: Some(selector_map),
            ports: Some(ports),
            type_: type_.clone(),
            cluster_ip: p.value("cluster-ip").filter(|v| !v.is_empty()).map(String::from),
            external_ips: p.value("external-ip").filter(|v| !v.is_empty()).map(|ip| vec![ip.to_string()]),
            load_balancer_ip: p.value("load-balancer-ip").filter(|v| !v.is_empty() && type_.as_deref() == Some("LoadBalancer")).map(String::from),
            session_affinity: p.value("session-affinity").filter(|v| !v.is_empty()).map(String::from),
            ..Default::default()
        }),
        status: Some(k8s_openapi::api::core::v1::ServiceStatus { load_balancer: Some(Default::default()), ..Default::default() }),
    };
    let output = p.value("output");
    if p.value("dry-run") == Some("client") {
        return print_object(&svc, "exposed", output, true, out);
    }
    let mut svc = svc;
    svc.metadata.namespace = Some(ns);
    match cluster.create(svc) {
        Ok(created) => {
            cluster.settle();
            print_object(&created, "exposed", output, false, out)
        }
        Err(e) => {
            out.err(&e.to_string());
            1
        }
    }
}
