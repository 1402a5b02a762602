//! `kubectl describe service` (describe.go `describeService`, `formatEndpointSlices`).

use k8s_openapi::api::core::v1::Service;
use k8s_openapi::api::discovery::v1::EndpointSlice;
use k8s_openapi::apimachinery::pkg::util::intstr::IntOrString;

use super::events::{describe_events, search, EventQuery};
use super::fields;
use super::writer::{PrefixWriter, LEVEL_0};
use super::{Settings, Target};
use crate::api::{ApiError, ApiKind};
use crate::cluster::Cluster;
use crate::kubectl::printers::format_labels;

pub fn describe(cluster: &Cluster, t: &Target, settings: &Settings) -> Result<String, ApiError> {
    let svc = cluster.store.get::<Service>(t.namespace, t.name).ok_or_else(|| ApiError::not_found(&Service::qualified_resource(), t.name))?;
    let slices: Vec<&EndpointSlice> = cluster
        .store
        .endpointslices
        .list(Some(t.namespace))
        .filter(|s| s.metadata.labels.as_ref().and_then(|l| l.get("kubernetes.io/service-name")).map(String::as_str) == Some(t.name))
        .collect();
    let m = &svc.metadata;
    let spec = svc.spec.clone().unwrap_or_default();
    let status = svc.status.clone().unwrap_or_default();
    let mut w = PrefixWriter::new();
    w.write(LEVEL_0, &format!("Name:\t{}\n", t.name));
    w.write(LEVEL_0, &format!("Namespace:\t{}\n", t.namespace));
    fields::labels(&mut w, "Labels", m.labels.as_ref());
    fields::annotations(&mut w, "Annotations", m.annotations.as_ref());
    w.write(LEVEL_0, &format!("Selector:\t{}\n", format_labels(spec.selector.as_ref())));
    w.write(LEVEL_0, &format!("Type:\t{}\n", spec.type_.as_deref().unwrap_or("")));
    if let Some(p) = &spec.ip_family_policy {
        w.write(LEVEL_0, &format!("IP Family Policy:\t{p}\n"));
    }
    match spec.ip_families.as_ref().filter(|f| !f.is_empty()) {
        Some(f) => w.write(LEVEL_0, &format!("IP Families:\t{}\n", f.join(","))),
        None => w.write(LEVEL_0, "IP Families:\t<none>\n"),
    }
    w.write(LEVEL_0, &format!("IP:\t{}\n", spec.cluster_ip.as_deref().unwrap_or("")));
    match spec.cluster_ips.as_ref().filter(|f| !f.is_empty()) {
        Some(ips) => w.write(LEVEL_0, &format!("IPs:\t{}\n", ips.join(","))),
        None => w.write(LEVEL_0, "IPs:\t<none>\n"),
    }
    if let Some(ips) = spec.external_ips.as_ref().filter(|f| !f.is_empty()) {
        w.write(LEVEL_0, &format!("External IPs:\t{}\n", ips.join(",")));
    }
    if let Some(ip) = spec.load_balancer_ip.as_deref().filter(|s| !s.is_empty()) {
        w.write(LEVEL_0, &format!("Desired LoadBalancer IP:\t{ip}\n"));
    }
    if let Some(n) = spec.external_name.as_deref().filter(|s| !s.is_empty()) {
        w.write(LEVEL_0, &format!("External Name:\t{n}\n"));
    }
    if let Some(ingress) = status.load_balancer.as_ref().and_then(|lb| lb.ingress.as_ref()).filter(|i| !i.is_empty()) {
        let list: Vec<String> = ingress
            .iter()
            .map(|i| match i.ip.as_deref().filter(|s| !s.is_empty()) {
                Some(ip) => match &i.ip_mode {
                    Some(mode) => format!("{ip} ({mode})"),
                    None => ip.to_string(),
                },
                None => i.hostname.clone().unwrap_or_default(),
            })
            .collect();
        w.write(LEVEL_0, &format!("LoadBalancer Ingress:\t{}\n", list.join(", ")));
    }
    for sp in spec.ports.iter().flatten() {
        let port_name = sp.name.clone().unwrap_or_default();
        let name = if port_name.is_empty() { "<unset>".to_string() } else { port_name.clone() };
        let proto = sp.protocol.as_deref().unwrap_or("TCP");
        w.write(LEVEL_0, &format!("Port:\t{name}\t{}/{proto}\n", sp.port));
        let target = match &sp.target_port {
            Some(IntOrString::Int(i)) => i.to_string(),
            Some(IntOrString::String(s)) => s.clone(),
            None => "0".into(),
        };
        w.write(LEVEL_0, &format!("TargetPort:\t{target}/{proto}\n"));
        if let Some(np) = sp.node_port.filter(|n| *n != 0) {
            w.write(LEVEL_0, &format!("NodePort:\t{name}\t{np}/{proto}\n"));
        }
        w.write(LEVEL_0, &format!("Endpoints:\t{}\n", format_endpoint_slices(&slices, Some(&port_name))));
    }
    w.write(LEVEL_0, &format!("Session Affinity:\t{}\n", spec.session_affinity.as_deref().unwrap_or("")));
    if let Some(p) = spec.external_traffic_policy.as_deref().filter(|s| !s.is_empty()) {
        w.write(LEVEL_0, &format!("External Traffic Policy:\t{p}\n"));
    }
    if let Some(p) = &spec.internal_traffic_policy {
        w.write(LEVEL_0, &format!("Internal Traffic Policy:\t{p}\n"));
    }
    if let Some(p) = spec.health_check_node_port.filter(|p| *p != 0) {
        w.write(LEVEL_0, &format!("HealthCheck NodePort:\t{p}\n"));
    }
    if let Some(r) = spec.load_balancer_source_ranges.as_ref().filter(|r| !r.is_empty()) {
        w.write(LEVEL_0, &format!("LoadBalancer Source Ranges:\t{}\n", r.join(",")));
    }
    if let Some(d) = &spec.traffic_distribution {
        w.write(LEVEL_0, &format!("Traffic Distribution:\t{d}\n"));
    }
    if settings.show_events {
        let uid = m.uid.clone().unwrap_or_default();
        let events = search(cluster, &EventQuery { name: t.name, namespace: t.namespace, kind: Some("Service"), uid: &uid });
        describe_events(&mut w, &events, cluster.now());
    }
    Ok(w.finish())
}

/// `formatEndpointSlices`: ready endpoints as `ip:port`, three at most then
/// `+ N more...`; `<none>` without slices. `port` `None` means every port.
pub fn format_endpoint_slices(slices: &[&EndpointSlice], port: Option<&str>) -> String {
    if slices.is_empty() {
        return "<none>".into();
    }
    const MAX: usize = 3;
    let mut list: Vec<String> = Vec::new();
    let mut more = false;
    let mut count = 0;
    // One endpoint seen: the list stops growing at MAX, but ready ones go on counting.
    let mut visit = |e: &k8s_openapi::api::discovery::v1::Endpoint, port: Option<i32>| {
        if list.len() == MAX {
            more = true;
        }
        if !e.conditions.as_ref().and_then(|c| c.ready).unwrap_or(true) {
            return;
        }
        if !more {
            let addr = e.addresses.first().cloned().unwrap_or_default();
            list.push(match port {
                None => addr,
                Some(port) if addr.contains(':') => format!("[{addr}]:{port}"),
                Some(port) => format!("{addr}:{port}"),
            });
        }
        count += 1;
    };
    for s in slices {
        match s.ports.as_ref().filter(|p| !p.is_empty()) {
            None => s.endpoints.iter().for_each(|e| visit(e, None)),
            Some(ports) => {
                for p in ports.iter().filter(|p| port.is_none_or(|want| p.name.as_deref().unwrap_or("") == want)) {
                    s.endpoints.iter().for_each(|e| visit(e, Some(p.port.unwrap_or(0))));
                }
            }
        }
    }
    let joined = list.join(",");
    if more {
        format!("{joined} + {} more...", count - MAX)
    } else {
        joined
    }
}
