//! `kubectl create service clusterip|nodeport|loadbalancer|externalname` and
//! `kubectl create ingress` (kubectl/pkg/cmd/create/create_service.go,
//! create_ingress.go): the objects those generators build, their client-side
//! checks, and the server errors wrapped as `failed to create ...`.

use std::collections::BTreeMap;

use k8s_openapi::api::core::v1::{Service, ServicePort, ServiceSpec, ServiceStatus};
use k8s_openapi::api::networking::v1::{
    HTTPIngressPath, HTTPIngressRuleValue, Ingress, IngressBackend, IngressRule, IngressServiceBackend, IngressSpec,
    IngressStatus, IngressTLS, ServiceBackendPort,
};
use k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta;
use k8s_openapi::apimachinery::pkg::util::intstr::IntOrString;

use super::expose::print_object;
use super::flags::{self, flag, FlagDef, FlagKind};
use super::usage_error;
use crate::cluster::Cluster;
use crate::output::Output;

const SERVICE_FLAGS: &[FlagDef] = &[
    flag("tcp", None, FlagKind::Value),
    flag("clusterip", None, FlagKind::Value),
    flag("node-port", None, FlagKind::Value),
    flag("external-name", None, FlagKind::Value),
    flag("dry-run", None, FlagKind::Value),
    flag("output", Some('o'), FlagKind::Value),
    flag("save-config", None, FlagKind::Bool),
    flag("validate", None, FlagKind::Value),
    flag("field-manager", None, FlagKind::Value),
];

const INGRESS_FLAGS: &[FlagDef] = &[
    flag("rule", None, FlagKind::Value),
    flag("class", None, FlagKind::Value),
    flag("default-backend", None, FlagKind::Value),
    flag("annotation", None, FlagKind::Value),
    flag("dry-run", None, FlagKind::Value),
    flag("output", Some('o'), FlagKind::Value),
    flag("save-config", None, FlagKind::Bool),
    flag("validate", None, FlagKind::Value),
    flag("field-manager", None, FlagKind::Value),
];

fn help_error(cmd: &str, msg: &str, out: &mut Output) -> i32 {
    out.err(&format!("error: {msg}"));
    out.err(&format!("See 'kubectl {cmd} -h' for help and examples"));
    1
}

/// `create service <type> ...` / `create svc ...`; `sub_args` starts at the type.
pub fn create_service(cluster: &mut Cluster, sub_args: &[String], io: &super::Io, out: &mut Output) -> i32 {
    let Some(sub) = sub_args.first() else {
        out.out(SERVICE_HELP);
        return 0;
    };
    let (type_, label) = match sub.as_str() {
        "clusterip" => ("ClusterIP", "clusterip"),
        "nodeport" => ("NodePort", "nodeport"),
        "loadbalancer" => ("LoadBalancer", "loadbalancer"),
        "externalname" => ("ExternalName", "externalname"),
        _ => {
            out.out(SERVICE_HELP);
            return 0;
        }
    };
    let p = match flags::parse(&sub_args[1..], SERVICE_FLAGS, io.kubeconfig) {
        Ok(p) => p,
        Err(e) => return usage_error(&format!("create service {label}"), e.message(), out),
    };
    if type_ == "ExternalName" && !p.is_set("external-name") {
        out.err("error: required flag(s) \"external-name\" not set");
        return 1;
    }
    if p.args.len() != 1 {
        return help_error(&format!("create service {label}"), &format!("exactly one NAME is required, got {}", p.args.len()), out);
    }
    let name = p.args[0].clone();
    let tcp: Vec<String> = p.values("tcp").iter().flat_map(|v| v.split(',')).filter(|s| !s.is_empty()).map(String::from).collect();
    let cluster_ip = p.value("clusterip").unwrap_or("").to_string();
    if cluster_ip == "None" && type_ != "ClusterIP" {
        out.err("error: ClusterIP=None can only be used with ClusterIP service type");
        return 1;
    }
    if tcp.is_empty() && type_ != "ExternalName" && cluster_ip != "None" {
        out.err("error: at least one tcp port specifier must be provided");
        return 1;
    }
    let node_port: i32 = match p.value("node-port").map(|v| v.parse::<i32>()) {
        None => 0,
        Some(Ok(n)) => n,
        Some(Err(_)) => {
            let v = p.value("node-port").unwrap_or("");
            return usage_error(&format!("create service {label}"), &format!("invalid argument \"{v}\" for \"--node-port\" flag: strconv.ParseInt: parsing \"{v}\": invalid syntax"), out);
        }
    };
    let mut ports = Vec::new();
    for spec in &tcp {
        let parts: Vec<&str> = spec.split(':').collect();
        let port: i32 = match parts[0].parse::<u16>() {
            Ok(n) if n > 0 => n as i32,
            _ => {
                out.err(&format!("error: strconv.ParseUint: parsing \"{}\": invalid syntax", parts[0]));
                return 1;
            }
        };
        let target = match parts.get(1) {
            None => IntOrString::Int(port),
            Some(t) => match t.parse::<i32>() {
                Ok(n) if (1..=65535).contains(&n) => IntOrString::Int(n),
                Ok(_) => {
                    out.err("error: must be between 1 and 65535, inclusive");
                    return 1;
                }
                Err(_) => IntOrString::String(t.to_string()),
            },
        };
        ports.push(ServicePort {
            name: Some(spec.replace(':', "-")),
            port,
            target_port: Some(target),
            protocol: Some("TCP".into()),
            node_port: (node_port != 0).then_some(node_port),
            ..Default::default()
        });
    }
    let labels: BTreeMap<String, String> = [("app".to_string(), name.clone())].into();
    let svc = Service {
        metadata: ObjectMeta { name: Some(name.clone()), namespace: p.namespace_flag().map(String::from), labels: Some(labels.clone()), ..Default::default() },
        spec: Some(ServiceSpec {
            type_: Some(type_.into()),
            selector: Some(labels),
            ports: (!ports.is_empty()).then_some(ports),
            external_name: p.value("external-name").filter(|v| !v.is_empty()).map(String::from),
            cluster_ip: (!cluster_ip.is_empty()).then_some(cluster_ip),
            ..Default::default()
        }),
        status: Some(ServiceStatus { load_balancer: Some(Default::default()), ..Default::default() }),
    };
    let output = p.value("output");
    if p.value("dry-run") == Some("client") {
        return print_object(&svc, "created", output, true, out);
    }
    let mut svc = svc;
    svc.metadata.namespace = Some(p.namespace().to_string());
    match cluster.create(svc) {
        Ok(created) => {
            cluster.settle();
            print_object(&created, "created", output, false, out)
        }
        Err(e) => {
            out.err(&format!("error: failed to create {type_} service: {}", e.message));
            1
        }
    }
}

const SERVICE_HELP: &str = "Create a service using a specified subcommand.

Aliases:
service, svc

Available Commands:
  clusterip      Create a ClusterIP service
  externalname   Create an ExternalName service
  loadbalancer   Create a LoadBalancer service
  nodeport       Create a NodePort service

Usage:
  kubectl create service [flags] [options]

Use \"kubectl create service <command> --help\" for more information about a given command.
Use \"kubectl options\" for a list of global command-line options (applies to all commands).";

/// create_ingress.go's `regexHostPathSvc` plus the optional `,tls[=secret]`.
fn valid_rule(rule: &str) -> bool {
    let (main, tls) = match rule.split_once(',') {
        Some((m, t)) => (m, Some(t)),
        None => (rule, None),
    };
    if let Some(t) = tls {
        let ok = t == "tls" || t.strip_prefix("tls=").is_some_and(|s| !s.is_empty() && s.chars().all(|c| c.is_alphanumeric() || c == '_' || c == '-'));
        if !ok {
            return false;
        }
    }
    let Some(slash) = main.find('/') else { return false };
    let host = &main[..slash];
    if !host.chars().all(|c| c.is_alphanumeric() || "_*-.".contains(c)) {
        return false;
    }
    let Some((_, svc)) = main[slash..].rsplit_once('=') else { return false };
    let word = |s: &str| !s.is_empty() && s.chars().all(|c| c.is_alphanumeric() || c == '_' || c == '-');
    matches!(svc.split_once(':'), Some((n, p)) if word(n) && word(p))
}

fn backend(service: &str) -> IngressBackend {
    let (name, port) = service.split_once(':').unwrap_or((service, ""));
    let port = match port.parse::<i32>() {
        Ok(n) => ServiceBackendPort { number: Some(n), name: None },
        Err(_) => ServiceBackendPort { name: Some(port.to_string()), number: None },
    };
    IngressBackend { service: Some(IngressServiceBackend { name: name.to_string(), port: Some(port) }), resource: None }
}

/// `kubectl create ingress NAME --rule=host/path=svc:port[,tls[=secret]] ...`
pub fn create_ingress(cluster: &mut Cluster, args: &[String], io: &super::Io, out: &mut Output) -> i32 {
    let p = match flags::parse(args, INGRESS_FLAGS, io.kubeconfig) {
        Ok(p) => p,
        Err(e) => return usage_error("create ingress", e.message(), out),
    };
    if p.args.len() != 1 {
        return help_error("create ingress", &format!("exactly one NAME is required, got {}", p.args.len()), out);
    }
    let name = p.args[0].clone();
    let rules: Vec<String> = p.values("rule").to_vec();
    let default_backend = p.value("default-backend").unwrap_or("").to_string();
    if rules.is_empty() && default_backend.is_empty() {
        out.err("error: not enough information provided: every ingress has to either specify a default-backend (which catches all traffic) or a list of rules (which catch specific paths)");
        return 1;
    }
    for r in &rules {
        if !valid_rule(r) {
            out.err(&format!("error: rule {r} is invalid and should be in format host/path=svcname:svcport[,tls[=secret]]"));
            return 1;
        }
    }
    if !default_backend.is_empty() && default_backend.split(':').count() != 2 {
        out.err("error: default-backend should be in format servicename:serviceport");
        return 1;
    }
    let mut annotations = BTreeMap::new();
    for a in p.values("annotation") {
        match a.split_once('=') {
            Some((k, v)) => annotations.insert(k.to_string(), v.to_string()),
            None => {
                out.err(&format!("error: annotation {a} is invalid and should be in format key=[value]"));
                return 1;
            }
        };
    }
    let mut ing_rules: Vec<IngressRule> = Vec::new();
    let mut tls: Vec<IngressTLS> = Vec::new();
    let mut tls_hosts_seen: Vec<String> = Vec::new();
    for r in &rules {
        let main = r.split(',').next().unwrap_or(r);
        let (host, pathsvc) = main.split_once('/').unwrap_or((main, ""));
        let (path_rest, svc) = pathsvc.split_once('=').unwrap_or((pathsvc, ""));
        let mut path = format!("/{path_rest}");
        let mut path_type = "Exact";
        if path.ends_with('*') {
            path_type = "Prefix";
            path.pop();
        }
        let ipath = HTTPIngressPath { path: Some(path), path_type: path_type.into(), backend: backend(svc) };
        let host_opt = (!host.is_empty()).then(|| host.to_string());
        match ing_rules.iter_mut().find(|x| x.host == host_opt) {
            Some(existing) => existing.http.get_or_insert_with(Default::default).paths.push(ipath),
            None => ing_rules.push(IngressRule { host: host_opt, http: Some(HTTPIngressRuleValue { paths: vec![ipath] }) }),
        }
        if let Some(t) = r.split(',').nth(1) {
            let secret = t.split_once('=').map(|(_, s)| s.to_string()).unwrap_or_default();
            if !tls_hosts_seen.contains(&host.to_string()) {
                tls_hosts_seen.push(host.to_string());
                match tls.iter_mut().find(|x| !secret.is_empty() && x.secret_name.as_deref() == Some(secret.as_str())) {
                    Some(existing) => existing.hosts.get_or_insert_with(Vec::new).push(host.to_string()),
                    None => {
                        let entry = IngressTLS {
                            hosts: (!host.is_empty()).then(|| vec![host.to_string()]),
                            secret_name: (!secret.is_empty()).then_some(secret),
                        };
                        if entry.hosts.is_some() || entry.secret_name.is_some() {
                            tls.push(entry);
                        }
                    }
                }
            }
        }
    }
    let ing = Ingress {
        metadata: ObjectMeta {
            name: Some(name),
            namespace: p.namespace_flag().map(String::from),
            annotations: (!annotations.is_empty()).then_some(annotations),
            ..Default::default()
        },
        spec: Some(IngressSpec {
            ingress_class_name: p.value("class").filter(|c| !c.is_empty()).map(String::from),
            default_backend: (!default_backend.is_empty()).then(|| backend(&default_backend)),
            rules: (!ing_rules.is_empty()).then_some(ing_rules),
            tls: (!tls.is_empty()).then_some(tls),
        }),
        status: Some(IngressStatus { load_balancer: Some(Default::default()) }),
    };
    let output = p.value("output");
    if p.value("dry-run") == Some("client") {
        return print_object(&ing, "created", output, true, out);
    }
    let mut ing = ing;
    ing.metadata.namespace = Some(p.namespace().to_string());
    match cluster.create(ing) {
        Ok(created) => {
            cluster.settle();
            print_object(&created, "created", output, false, out)
        }
        Err(e) => {
            out.err(&format!("error: failed to create ingress: {}", e.message));
            1
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rule_format() {
        assert!(valid_rule("foo.com/bar=svc1:8080"));
        assert!(valid_rule("/path=svc2:http"));
        assert!(valid_rule("foo.com/*=svc:80,tls=my-cert"));
        assert!(!valid_rule("foo"));
        assert!(!valid_rule("foo.com/bar=svc1"));
    }
}
