//! What the API server does to a new Service: validation (k/k
//! pkg/apis/core/validation `ValidateService`), defaulting (pkg/apis/core/v1
//! `SetDefaults_Service`, the registry's IP-family fields) and allocation of its
//! ClusterIP and NodePorts (pkg/registry/core/service/ipallocator and portallocator).
//!
//! Allocation is derived from the stored Services rather than kept in a separate
//! bitmap: what is allocated is exactly what the Services hold, so a snapshot of
//! the store is a snapshot of the allocators too.

use std::collections::BTreeSet;
use std::net::Ipv4Addr;

use k8s_openapi::api::core::v1::{Service, ServiceSpec, ServiceStatus};
use k8s_openapi::apimachinery::pkg::util::intstr::IntOrString;

use super::errors::{ApiError, FieldError};
use super::store::Store;
use super::validation::dns1035_label;
use crate::names::SimRng;

/// The service CIDR of kubeadm's default `serviceSubnet`.
pub const SERVICE_CIDR: &str = "10.96.0.0/12";
const SERVICE_BASE: u32 = u32::from_be_bytes([10, 96, 0, 0]);
const SERVICE_SIZE: u32 = 1 << 20;
/// Dynamic allocations come from the upper band; the lower `min(max(16, size/16), 256)`
/// addresses are kept for static choices (ipallocator `calculateRangeOffset`).
const SERVICE_DYNAMIC_OFFSET: u32 = 256;

/// The API server's default `--service-node-port-range`.
pub const NODE_PORT_MIN: i32 = 30000;
pub const NODE_PORT_MAX: i32 = 32767;
/// portallocator's lower band for static ports: `min(max(16, size/32), 128)`.
const NODE_PORT_DYNAMIC_OFFSET: i32 = 128;

const SERVICE_TYPES: [&str; 4] = ["ClusterIP", "ExternalName", "LoadBalancer", "NodePort"];

fn err(field: &str, detail: String) -> FieldError {
    FieldError { field: field.to_string(), detail }
}

fn service_type(spec: &ServiceSpec) -> &str {
    spec.type_.as_deref().unwrap_or("ClusterIP")
}

fn is_headless(spec: &ServiceSpec) -> bool {
    spec.cluster_ip.as_deref() == Some("None")
}

/// `ValidateService` on create, for the mistakes a learner can make.
pub fn validate_service(svc: &Service) -> Result<(), ApiError> {
    let name = svc.metadata.name.clone().unwrap_or_default();
    let mut errs = Vec::new();
    if name.is_empty() && svc.metadata.generate_name.as_deref().unwrap_or("").is_empty() {
        errs.push(err("metadata.name", "Required value: name or generateName is required".into()));
    } else if !name.is_empty() {
        errs.extend(dns1035_label("metadata.name", &name));
    }
    let spec = svc.spec.clone().unwrap_or_default();
    let type_ = service_type(&spec).to_string();
    if !SERVICE_TYPES.contains(&type_.as_str()) {
        errs.push(err("spec.type", format!("Unsupported value: \"{type_}\": supported values: \"ClusterIP\", \"ExternalName\", \"LoadBalancer\", \"NodePort\"")));
    }
    let ports = spec.ports.clone().unwrap_or_default();
    if type_ == "ExternalName" {
        if spec.external_name.as_deref().unwrap_or("").is_empty() {
            errs.push(err("spec.externalName", "Required value".into()));
        }
    } else if ports.is_empty() && !is_headless(&spec) {
        errs.push(err("spec.ports", "Required value".into()));
    }
    if let Some(ip) = spec.cluster_ip.as_deref().filter(|ip| !ip.is_empty() && *ip != "None") {
        if ip.parse::<Ipv4Addr>().is_err() {
            errs.push(err("spec.clusterIPs[0]", format!("Invalid value: \"{ip}\": must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)")));
        }
    }
    if is_headless(&spec) && matches!(type_.as_str(), "NodePort" | "LoadBalancer") {
        errs.push(err("spec.clusterIPs[0]", format!("Invalid value: \"None\": may not be set to 'None' for {type_} services")));
    }
    let mut names = BTreeSet::new();
    for (i, p) in ports.iter().enumerate() {
        let field = format!("spec.ports[{i}]");
        let pname = p.name.clone().unwrap_or_default();
        if ports.len() > 1 && pname.is_empty() {
            errs.push(err(&format!("{field}.name"), "Required value".into()));
        } else if !pname.is_empty() && !names.insert(pname.clone()) {
            errs.push(err(&format!("{field}.name"), format!("Duplicate value: \"{pname}\"")));
        }
        if !(1..=65535).contains(&p.port) {
            errs.push(err(&format!("{field}.port"), format!("Invalid value: {}: must be between 1 and 65535, inclusive", p.port)));
        }
        if let Some(proto) = p.protocol.as_deref() {
            if !matches!(proto, "TCP" | "UDP" | "SCTP") {
                errs.push(err(&format!("{field}.protocol"), format!("Unsupported value: \"{proto}\": supported values: \"SCTP\", \"TCP\", \"UDP\"")));
            }
        }
        if let Some(IntOrString::Int(t)) = p.target_port {
            if !(0..=65535).contains(&t) {
                errs.push(err(&format!("{field}.targetPort"), format!("Invalid value: {t}: must be between 1 and 65535, inclusive")));
            }
        }
        if let Some(np) = p.node_port.filter(|np| *np != 0) {
            if matches!(type_.as_str(), "ClusterIP" | "ExternalName") {
                errs.push(err(&format!("{field}.nodePort"), format!("Forbidden: may not be used when `type` is '{type_}'")));
            } else if !(NODE_PORT_MIN..=NODE_PORT_MAX).contains(&np) {
                errs.push(err(&format!("{field}.nodePort"), format!("Invalid value: {np}: provided port is not in the valid range. The range of valid ports is {NODE_PORT_MIN}-{NODE_PORT_MAX}")));
            }
        }
    }
    if errs.is_empty() {
        Ok(())
    } else {
        Err(ApiError::invalid("Service", &name, errs))
    }
}

/// `SetDefaults_Service` and the registry's defaults that do not need the store.
pub fn default_service(svc: &mut Service) {
    let spec = svc.spec.get_or_insert_with(Default::default);
    let type_ = spec.type_.get_or_insert_with(|| "ClusterIP".into()).clone();
    spec.session_affinity.get_or_insert_with(|| "None".into());
    for p in spec.ports.iter_mut().flatten() {
        p.protocol.get_or_insert_with(|| "TCP".into());
        let unset = match &p.target_port {
            None => true,
            Some(IntOrString::Int(0)) => true,
            Some(IntOrString::String(s)) => s.is_empty(),
            _ => false,
        };
        if unset {
            p.target_port = Some(IntOrString::Int(p.port));
        }
    }
    if type_ != "ExternalName" {
        spec.internal_traffic_policy.get_or_insert_with(|| "Cluster".into());
    }
    if matches!(type_.as_str(), "NodePort" | "LoadBalancer") {
        spec.external_traffic_policy.get_or_insert_with(|| "Cluster".into());
    }
    if type_ == "LoadBalancer" {
        spec.allocate_load_balancer_node_ports.get_or_insert(true);
    }
    if type_ == "ExternalName" {
        spec.cluster_ip = None;
        spec.cluster_ips = None;
    } else {
        let selectorless_headless = is_headless(spec) && spec.selector.as_ref().is_none_or(|s| s.is_empty());
        let policy = if selectorless_headless { "RequireDualStack" } else { "SingleStack" };
        spec.ip_family_policy.get_or_insert_with(|| policy.into());
        spec.ip_families.get_or_insert_with(|| vec!["IPv4".into()]);
    }
    svc.status.get_or_insert_with(|| ServiceStatus { load_balancer: Some(Default::default()), ..Default::default() });
}

fn ip_of(offset: u32) -> String {
    Ipv4Addr::from(SERVICE_BASE + offset).to_string()
}

/// Every ClusterIP and NodePort the stored Services hold.
fn allocated(store: &Store) -> (BTreeSet<String>, BTreeSet<i32>) {
    let mut ips = BTreeSet::new();
    let mut ports = BTreeSet::new();
    for s in store.services.list(None) {
        let Some(spec) = s.spec.as_ref() else { continue };
        ips.extend(spec.cluster_ips.iter().flatten().cloned());
        ips.extend(spec.cluster_ip.iter().cloned());
        ports.extend(spec.ports.iter().flatten().filter_map(|p| p.node_port));
    }
    (ips, ports)
}

/// A random free address of the upper band, as the allocator's random scan picks it.
fn next_cluster_ip(used: &BTreeSet<String>, rng: &mut SimRng) -> Option<String> {
    let span = SERVICE_SIZE - 1 - SERVICE_DYNAMIC_OFFSET;
    for _ in 0..64 {
        let ip = ip_of(SERVICE_DYNAMIC_OFFSET + rng.below(span as usize) as u32);
        if !used.contains(&ip) {
            return Some(ip);
        }
    }
    (1..SERVICE_SIZE - 1).map(ip_of).find(|ip| !used.contains(ip))
}

fn next_node_port(used: &BTreeSet<i32>, rng: &mut SimRng) -> Option<i32> {
    let low = NODE_PORT_MIN + NODE_PORT_DYNAMIC_OFFSET;
    for _ in 0..64 {
        let p = low + rng.below((NODE_PORT_MAX - low + 1) as usize) as i32;
        if !used.contains(&p) {
            return Some(p);
        }
    }
    (NODE_PORT_MIN..=NODE_PORT_MAX).find(|p| !used.contains(p))
}

/// NodePort Services, and LoadBalancers with `allocateLoadBalancerNodePorts`.
fn needs_node_ports(spec: &ServiceSpec) -> bool {
    let type_ = service_type(spec);
    type_ == "NodePort" || (type_ == "LoadBalancer" && spec.allocate_load_balancer_node_ports != Some(false))
}

/// Claims the NodePorts the user chose, then picks free ones at random for the rest.
fn allocate_node_ports(spec: &mut ServiceSpec, name: &str, used_ports: &mut BTreeSet<i32>, rng: &mut SimRng) -> Result<(), ApiError> {
    for (i, p) in spec.ports.iter().flatten().enumerate() {
        if let Some(np) = p.node_port.filter(|np| *np != 0) {
            if !used_ports.insert(np) {
                return Err(ApiError::invalid("Service", name, vec![err(&format!("spec.ports[{i}].nodePort"), format!("Invalid value: {np}: provided port is already allocated"))]));
            }
        }
    }
    for p in spec.ports.iter_mut().flatten() {
        if p.node_port.unwrap_or(0) == 0 {
            let np = next_node_port(used_ports, rng).ok_or_else(|| {
                ApiError::invalid("Service", name, vec![err("spec.ports[0].nodePort", "Internal error: range is full".into())])
            })?;
            used_ports.insert(np);
            p.node_port = Some(np);
        }
    }
    Ok(())
}

/// The allocators on an update (the Service REST's `patchAllocatedValues`,
/// `allocateUpdate` and `dropTypeDependentFields`): a type that now needs NodePorts
/// keeps the ones the old Service held for the same port and gets new ones for the
/// rest; a type that no longer needs them gives back the ones the user left as
/// they were.
pub fn allocate_update(svc: &mut Service, old: &Service, store: &Store, rng: &mut SimRng) -> Result<(), ApiError> {
    let name = svc.metadata.name.clone().unwrap_or_default();
    let (Some(spec), Some(old_spec)) = (svc.spec.as_mut(), old.spec.as_ref()) else { return Ok(()) };
    let old_port = |port: i32, protocol: &Option<String>| {
        old_spec.ports.iter().flatten().find(|o| o.port == port && o.protocol == *protocol).and_then(|o| o.node_port)
    };
    if needs_node_ports(spec) {
        if needs_node_ports(old_spec) {
            for p in spec.ports.iter_mut().flatten().filter(|p| p.node_port.unwrap_or(0) == 0) {
                p.node_port = old_port(p.port, &p.protocol);
            }
        }
        // The old Service's own ports are free to keep: only other Services' count.
        let (_, mut used_ports) = allocated(store);
        for np in old_spec.ports.iter().flatten().filter_map(|o| o.node_port) {
            used_ports.remove(&np);
        }
        allocate_node_ports(spec, &name, &mut used_ports, rng)?;
    } else if needs_node_ports(old_spec) {
        for p in spec.ports.iter_mut().flatten() {
            if p.node_port.is_some() && p.node_port == old_port(p.port, &p.protocol) {
                p.node_port = None;
            }
        }
    }
    Ok(())
}

/// Allocates the ClusterIP (unless headless or ExternalName) and the NodePorts
/// (NodePort, and LoadBalancer with `allocateLoadBalancerNodePorts`), with the
/// allocators' error texts for taken or out-of-range values.
pub fn allocate_service(svc: &mut Service, store: &Store, rng: &mut SimRng) -> Result<(), ApiError> {
    let name = svc.metadata.name.clone().unwrap_or_default();
    let (mut used_ips, mut used_ports) = allocated(store);
    let Some(spec) = svc.spec.as_mut() else { return Ok(()) };
    let type_ = service_type(spec).to_string();
    if type_ != "ExternalName" {
        match spec.cluster_ip.clone().filter(|ip| !ip.is_empty()) {
            Some(ip) if ip == "None" => spec.cluster_ips = Some(vec!["None".into()]),
            Some(ip) => {
                let fail = |why: String| {
                    ApiError::invalid("Service", &name, vec![err("spec.clusterIPs", format!("Invalid value: []string{{\"{ip}\"}}: failed to allocate IP {ip}: {why}"))])
                };
                let addr: u32 = ip.parse::<Ipv4Addr>().map(u32::from).unwrap_or(0);
                if !(SERVICE_BASE + 1..SERVICE_BASE + SERVICE_SIZE - 1).contains(&addr) {
                    return Err(fail(format!("the provided IP ({ip}) is not in the valid range. The range of valid IPs is {SERVICE_CIDR}")));
                }
                if used_ips.contains(&ip) {
                    return Err(fail("provided IP is already allocated".into()));
                }
                spec.cluster_ips = Some(vec![ip]);
            }
            None => {
                let ip = next_cluster_ip(&used_ips, rng).ok_or_else(|| {
                    ApiError::invalid("Service", &name, vec![err("spec.clusterIPs", "Internal error: range is full".into())])
                })?;
                used_ips.insert(ip.clone());
                spec.cluster_ip = Some(ip.clone());
                spec.cluster_ips = Some(vec![ip]);
            }
        }
    }
    if needs_node_ports(spec) {
        allocate_node_ports(spec, &name, &mut used_ports, rng)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use k8s_openapi::api::core::v1::ServicePort;
    use k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta;

    fn svc(name: &str, type_: &str, node_port: Option<i32>) -> Service {
        Service {
            metadata: ObjectMeta { name: Some(name.into()), ..Default::default() },
            spec: Some(ServiceSpec {
                type_: Some(type_.into()),
                ports: Some(vec![ServicePort { port: 80, node_port, ..Default::default() }]),
                selector: Some([("app".to_string(), name.to_string())].into()),
                ..Default::default()
            }),
            status: None,
        }
    }

    #[test]
    fn defaults_and_allocates_from_the_upper_band() {
        let store = Store::default();
        let mut rng = SimRng::seeded(3);
        let mut s = svc("web", "NodePort", None);
        default_service(&mut s);
        allocate_service(&mut s, &store, &mut rng).unwrap();
        let spec = s.spec.unwrap();
        let ip: Ipv4Addr = spec.cluster_ip.clone().unwrap().parse().unwrap();
        let n = u32::from(ip);
        assert!(n >= SERVICE_BASE + 256 && n < SERVICE_BASE + SERVICE_SIZE);
        let p = &spec.ports.unwrap()[0];
        assert_eq!(p.target_port, Some(IntOrString::Int(80)));
        assert_eq!(p.protocol.as_deref(), Some("TCP"));
        assert!((30128..=32767).contains(&p.node_port.unwrap()));
        assert_eq!(spec.external_traffic_policy.as_deref(), Some("Cluster"));
    }

    #[test]
    fn validation_texts() {
        let e = validate_service(&svc("Web", "ClusterIP", None)).unwrap_err();
        assert!(e.to_string().starts_with("The Service \"Web\" is invalid: metadata.name: Invalid value: \"Web\": a DNS-1035 label"));
        let e = validate_service(&svc("web", "NodePort", Some(80))).unwrap_err();
        assert_eq!(e.to_string(), "The Service \"web\" is invalid: spec.ports[0].nodePort: Invalid value: 80: provided port is not in the valid range. The range of valid ports is 30000-32767");
        let e = validate_service(&svc("web", "ClusterIP", Some(30080))).unwrap_err();
        assert_eq!(e.to_string(), "The Service \"web\" is invalid: spec.ports[0].nodePort: Forbidden: may not be used when `type` is 'ClusterIP'");
    }
}
