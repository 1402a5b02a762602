//! The Endpoints and EndpointSlice controllers (k/k pkg/controller/endpoint and
//! pkg/controller/endpointslice): for every Service with a selector, the pods it
//! selects that have an IP, split into ready and not-ready addresses. Terminating
//! pods leave Endpoints and stay in slices marked `terminating`. Services without a
//! selector are left alone (their endpoints are managed by hand), except the
//! `kubernetes` Service whose endpoints the API server itself writes at bootstrap.

use std::collections::BTreeMap;
use std::net::Ipv4Addr;

use k8s_openapi::api::core::v1::{
    EndpointAddress, EndpointPort as CoreEndpointPort, EndpointSubset, Endpoints, ObjectReference, Pod, Service,
};
use k8s_openapi::api::discovery::v1::{Endpoint, EndpointConditions, EndpointPort, EndpointSlice};
use k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta;
use k8s_openapi::apimachinery::pkg::util::intstr::IntOrString;

use crate::api::selectors::map_selects;
use crate::api::ObjectKey;
use crate::cluster::Cluster;
use crate::controllers::ownership::controller_ref;
use crate::time::SimTime;

pub const SERVICE_NAME_LABEL: &str = "kubernetes.io/service-name";
pub const MANAGED_BY_LABEL: &str = "endpointslice.kubernetes.io/managed-by";
pub const MANAGED_BY: &str = "endpointslice-controller.k8s.io";
const TRIGGER_TIME: &str = "endpoints.kubernetes.io/last-change-trigger-time";
const HEADLESS_LABEL: &str = "service.kubernetes.io/headless";

/// One pod as a service endpoint.
#[derive(Clone, Debug, PartialEq)]
pub struct PodEndpoint {
    pub ip: String,
    pub ready: bool,
    pub serving: bool,
    pub terminating: bool,
    pub node_name: Option<String>,
    pub hostname: Option<String>,
    pub target: ObjectReference,
    /// The service's ports resolved against this pod: (name, number, protocol).
    pub ports: Vec<(String, i32, String)>,
}

fn pod_ready(pod: &Pod) -> bool {
    pod.status
        .as_ref()
        .and_then(|s| s.conditions.as_ref())
        .is_some_and(|cs| cs.iter().any(|c| c.type_ == "Ready" && c.status == "True"))
}

/// `podutil.FindPort`: a number as is, a name looked up among the container ports.
pub fn resolve_target_port(pod: &Pod, target: &IntOrString, protocol: &str) -> Option<i32> {
    match target {
        IntOrString::Int(n) => Some(*n),
        IntOrString::String(name) => {
            if let Ok(n) = name.parse::<i32>() {
                return Some(n);
            }
            pod.spec.as_ref()?.containers.iter().flat_map(|c| c.ports.iter().flatten()).find_map(|p| {
                (p.name.as_deref() == Some(name.as_str()) && p.protocol.as_deref().unwrap_or("TCP") == protocol)
                    .then_some(p.container_port)
            })
        }
    }
}

/// The pods a Service selects that can be endpoints, in name order.
pub fn service_endpoints(c: &Cluster, svc: &Service) -> Vec<PodEndpoint> {
    let Some(spec) = svc.spec.as_ref() else { return Vec::new() };
    if spec.type_.as_deref() == Some("ExternalName") {
        return Vec::new();
    }
    let ns = svc.metadata.namespace.clone().unwrap_or_default();
    let svc_name = svc.metadata.name.clone().unwrap_or_default();
    let publish_not_ready = spec.publish_not_ready_addresses == Some(true);
    c.store
        .pods
        .labelled(&ns, spec.selector.as_ref())
        .filter(|p| map_selects(spec.selector.as_ref(), p.metadata.labels.as_ref()))
        .filter_map(|p| {
            let status = p.status.as_ref()?;
            let ip = status.pod_ip.clone().filter(|ip| !ip.is_empty())?;
            if matches!(status.phase.as_deref(), Some("Succeeded" | "Failed")) {
                return None;
            }
            let terminating = p.metadata.deletion_timestamp.is_some();
            let ready = pod_ready(p) || publish_not_ready;
            let pspec = p.spec.as_ref();
            let hostname = pspec
                .filter(|s| s.subdomain.as_deref() == Some(svc_name.as_str()))
                .and_then(|s| s.hostname.clone());
            let ports = spec
                .ports
                .iter()
                .flatten()
                .filter_map(|sp| {
                    let proto = sp.protocol.clone().unwrap_or_else(|| "TCP".into());
                    let target = sp.target_port.clone().unwrap_or(IntOrString::Int(sp.port));
                    let n = resolve_target_port(p, &target, &proto)?;
                    Some((sp.name.clone().unwrap_or_default(), n, proto))
                })
                .collect();
            Some(PodEndpoint {
                ip,
                ready: ready && !terminating,
                serving: ready,
                terminating,
                node_name: pspec.and_then(|s| s.node_name.clone()),
                hostname,
                target: ObjectReference {
                    kind: Some("Pod".into()),
                    name: p.metadata.name.clone(),
                    namespace: p.metadata.namespace.clone(),
                    uid: p.metadata.uid.clone(),
                    ..Default::default()
                },
                ports,
            })
        })
        .collect()
}

fn ip_order(ip: &str) -> u32 {
    ip.parse::<Ipv4Addr>().map(u32::from).unwrap_or(u32::MAX)
}

/// The `subsets` of the Endpoints object: pods grouped by their resolved ports,
/// addresses sorted by IP (endpoints `RepackSubsets`).
/// Pods sharing one resolved port list: (ports, ready, not ready).
type SubsetGroup = (Vec<(String, i32, String)>, Vec<EndpointAddress>, Vec<EndpointAddress>);

fn subsets(eps: &[PodEndpoint], headless_without_ports: bool) -> Vec<EndpointSubset> {
    let mut groups: Vec<SubsetGroup> = Vec::new();
    for e in eps.iter().filter(|e| !e.terminating) {
        if e.ports.is_empty() && !headless_without_ports {
            continue;
        }
        let addr = EndpointAddress {
            ip: e.ip.clone(),
            hostname: e.hostname.clone(),
            node_name: e.node_name.clone(),
            target_ref: Some(e.target.clone()),
        };
        let idx = match groups.iter().position(|g| g.0 == e.ports) {
            Some(i) => i,
            None => {
                groups.push((e.ports.clone(), Vec::new(), Vec::new()));
                groups.len() - 1
            }
        };
        if e.ready {
            groups[idx].1.push(addr);
        } else {
            groups[idx].2.push(addr);
        }
    }
    groups
        .into_iter()
        .map(|(ports, mut ready, mut not_ready)| {
            crate::sorting::sort_by_key(&mut ready, |a| ip_order(&a.ip));
            crate::sorting::sort_by_key(&mut not_ready, |a| ip_order(&a.ip));
            EndpointSubset {
                addresses: (!ready.is_empty()).then_some(ready),
                not_ready_addresses: (!not_ready.is_empty()).then_some(not_ready),
                ports: (!ports.is_empty()).then(|| {
                    ports
                        .into_iter()
                        .map(|(name, port, protocol)| CoreEndpointPort {
                            name: (!name.is_empty()).then_some(name),
                            port,
                            protocol: Some(protocol),
                            ..Default::default()
                        })
                        .collect()
                }),
            }
        })
        .collect()
}

fn labels_for(svc: &Service, slice: bool) -> BTreeMap<String, String> {
    let mut labels = svc.metadata.labels.clone().unwrap_or_default();
    if svc.spec.as_ref().and_then(|s| s.cluster_ip.as_deref()) == Some("None") {
        labels.insert(HEADLESS_LABEL.into(), String::new());
    }
    if slice {
        labels.insert(MANAGED_BY_LABEL.into(), MANAGED_BY.into());
        labels.insert(SERVICE_NAME_LABEL.into(), svc.metadata.name.clone().unwrap_or_default());
    }
    labels
}

fn trigger_annotation(at: SimTime) -> Option<BTreeMap<String, String>> {
    let t = at.to_k8s().0.to_string();
    Some([(TRIGGER_TIME.to_string(), t)].into())
}

fn selected_services(c: &Cluster) -> Vec<Service> {
    c.store
        .services
        .list(None)
        .filter(|s| s.spec.as_ref().is_some_and(|sp| sp.selector.as_ref().is_some_and(|m| !m.is_empty()) && sp.type_.as_deref() != Some("ExternalName")))
        .cloned()
        .collect()
}

/// Writes the Endpoints object of one Service if it differs from what the pods say.
/// `created` backdates objects made at bootstrap.
fn sync_endpoints(c: &mut Cluster, svc: &Service, eps: &[PodEndpoint], created: Option<SimTime>) {
    let key = ObjectKey::of(&svc.metadata);
    let headless_without_ports = svc.spec.as_ref().is_some_and(|s| s.cluster_ip.as_deref() == Some("None") && s.ports.as_ref().is_none_or(|p| p.is_empty()));
    let desired = subsets(eps, headless_without_ports);
    let desired_opt = (!desired.is_empty()).then_some(desired);
    let labels = labels_for(svc, false);
    let now = created.unwrap_or(c.now());
    match c.store.get::<Endpoints>(&key.namespace, &key.name) {
        Some(existing) => {
            if existing.subsets == desired_opt && existing.metadata.labels.as_ref() == Some(&labels) {
                return;
            }
            c.store.modify::<Endpoints>(&key, |e| {
                e.subsets = desired_opt.clone();
                e.metadata.labels = Some(labels.clone());
                e.metadata.annotations = trigger_annotation(now);
            });
        }
        None => {
            let obj = Endpoints {
                metadata: ObjectMeta {
                    name: Some(key.name.clone()),
                    namespace: Some(key.namespace.clone()),
                    labels: Some(labels),
                    annotations: trigger_annotation(now),
                    creation_timestamp: created.map(|t| t.to_k8s()),
                    ..Default::default()
                },
                subsets: desired_opt,
            };
            let _ = c.create(obj);
        }
    }
}

fn slice_endpoints(eps: &[PodEndpoint]) -> Vec<Endpoint> {
    eps.iter()
        .map(|e| Endpoint {
            addresses: vec![e.ip.clone()],
            conditions: Some(EndpointConditions {
                ready: Some(e.ready),
                serving: Some(e.serving),
                terminating: Some(e.terminating),
            }),
            hostname: e.hostname.clone(),
            node_name: e.node_name.clone(),
            target_ref: Some(e.target.clone()),
            ..Default::default()
        })
        .collect()
}

fn slice_ports(svc: &Service, eps: &[PodEndpoint]) -> Option<Vec<EndpointPort>> {
    let spec = svc.spec.as_ref()?;
    // Resolved against the first pod (named target ports), else the numbers as given.
    let ports: Vec<EndpointPort> = match eps.first() {
        Some(e) => e
            .ports
            .iter()
            .map(|(name, port, proto)| EndpointPort { name: Some(name.clone()), port: Some(*port), protocol: Some(proto.clone()), ..Default::default() })
            .collect(),
        None => spec
            .ports
            .iter()
            .flatten()
            .map(|p| {
                let port = match &p.target_port {
                    Some(IntOrString::Int(n)) => Some(*n),
                    _ => None,
                };
                EndpointPort { name: Some(p.name.clone().unwrap_or_default()), port, protocol: p.protocol.clone(), ..Default::default() }
            })
            .collect(),
    };
    Some(ports)
}

/// Writes the Service's EndpointSlice (one per Service: the simulated clusters stay
/// far below the 100 endpoints at which the controller splits slices).
fn sync_slice(c: &mut Cluster, svc: &Service, eps: &[PodEndpoint], created: Option<SimTime>) {
    let ns = svc.metadata.namespace.clone().unwrap_or_default();
    let name = svc.metadata.name.clone().unwrap_or_default();
    let endpoints = slice_endpoints(eps);
    let ports = slice_ports(svc, eps);
    let labels = labels_for(svc, true);
    let now = created.unwrap_or(c.now());
    let existing = c
        .store
        .endpointslices
        .list(Some(&ns))
        .find(|s| {
            let l = s.metadata.labels.as_ref();
            l.and_then(|l| l.get(SERVICE_NAME_LABEL)) == Some(&name) && l.and_then(|l| l.get(MANAGED_BY_LABEL)).map(String::as_str) == Some(MANAGED_BY)
        })
        .cloned();
    match existing {
        Some(s) => {
            if s.endpoints == endpoints && s.ports == ports && s.metadata.labels.as_ref() == Some(&labels) {
                return;
            }
            c.store.modify::<EndpointSlice>(&ObjectKey::of(&s.metadata), |s| {
                s.endpoints = endpoints.clone();
                s.ports = ports.clone();
                s.metadata.labels = Some(labels.clone());
                s.metadata.annotations = trigger_annotation(now);
                s.metadata.generation = Some(s.metadata.generation.unwrap_or(1) + 1);
            });
        }
        None => {
            let obj = EndpointSlice {
                address_type: "IPv4".into(),
                endpoints,
                ports,
                metadata: ObjectMeta {
                    generate_name: Some(format!("{name}-")),
                    namespace: Some(ns),
                    labels: Some(labels),
                    annotations: trigger_annotation(now),
                    owner_references: Some(vec![controller_ref(svc)]),
                    creation_timestamp: created.map(|t| t.to_k8s()),
                    ..Default::default()
                },
            };
            let _ = c.create(obj);
        }
    }
}

/// Removes controller-made Endpoints and slices whose Service is gone (or no longer
/// selects pods).
fn remove_orphans(c: &mut Cluster) {
    let wanted = crate::sorting::btree_set(selected_services(c).iter().map(|s| ObjectKey::of(&s.metadata)));
    let stale_eps: Vec<ObjectKey> = c
        .store
        .endpoints
        .list(None)
        .filter(|e| e.metadata.annotations.as_ref().is_some_and(|a| a.contains_key(TRIGGER_TIME)))
        .map(|e| ObjectKey::of(&e.metadata))
        .filter(|k| !wanted.contains(k))
        .collect();
    for k in stale_eps {
        c.store.remove::<Endpoints>(&k);
    }
    let stale_slices: Vec<ObjectKey> = c
        .store
        .endpointslices
        .list(None)
        .filter(|s| s.metadata.labels.as_ref().and_then(|l| l.get(MANAGED_BY_LABEL)).map(String::as_str) == Some(MANAGED_BY))
        .filter(|s| {
            let svc = s.metadata.labels.as_ref().and_then(|l| l.get(SERVICE_NAME_LABEL)).cloned().unwrap_or_default();
            !wanted.contains(&ObjectKey::new(s.metadata.namespace.as_deref().unwrap_or(""), &svc))
        })
        .map(|s| ObjectKey::of(&s.metadata))
        .collect();
    for k in stale_slices {
        c.store.remove::<EndpointSlice>(&k);
    }
}

/// Brings every selector Service's Endpoints and EndpointSlice up to date.
pub fn sync_all(c: &mut Cluster, created: Option<SimTime>) {
    for svc in selected_services(c) {
        let eps = service_endpoints(c, &svc);
        sync_endpoints(c, &svc, &eps, created);
        sync_slice(c, &svc, &eps, created);
    }
    remove_orphans(c);
}

/// The endpoints and endpointslice controllers' reconcile step.
pub fn reconcile(c: &mut Cluster) {
    sync_all(c, None);
}

/// The API server's endpoint reconciler: the `kubernetes` Service points at the
/// API server on the control-plane node (`172.30.1.2:6443`).
pub fn bootstrap_kubernetes_endpoints(c: &mut Cluster, born: SimTime) {
    let Some(ip) = c
        .store
        .get::<k8s_openapi::api::core::v1::Node>("", "controlplane")
        .and_then(crate::controllers::kubelet::node_internal_ip)
    else {
        return;
    };
    let meta = |labels: &[(&str, &str)]| ObjectMeta {
        name: Some("kubernetes".into()),
        namespace: Some("default".into()),
        labels: Some(crate::sorting::btree_map(labels.iter().map(|(k, v)| (k.to_string(), v.to_string())))),
        creation_timestamp: Some(born.to_k8s()),
        ..Default::default()
    };
    let _ = c.create(Endpoints {
        metadata: meta(&[("endpointslice.kubernetes.io/skip-mirror", "true")]),
        subsets: Some(vec![EndpointSubset {
            addresses: Some(vec![EndpointAddress { ip: ip.clone(), ..Default::default() }]),
            ports: Some(vec![CoreEndpointPort { name: Some("https".into()), port: 6443, protocol: Some("TCP".into()), ..Default::default() }]),
            ..Default::default()
        }]),
    });
    let _ = c.create(EndpointSlice {
        address_type: "IPv4".into(),
        endpoints: vec![Endpoint {
            addresses: vec![ip],
            conditions: Some(EndpointConditions { ready: Some(true), ..Default::default() }),
            ..Default::default()
        }],
        ports: Some(vec![EndpointPort { name: Some("https".into()), port: Some(6443), protocol: Some("TCP".into()), ..Default::default() }]),
        metadata: meta(&[(SERVICE_NAME_LABEL, "kubernetes")]),
    });
}

/// The ready endpoints of a Service port as kube-proxy programs them: (pod key, IP,
/// target port). Read from the EndpointSlices, as kube-proxy does.
pub fn ready_backends(c: &Cluster, svc: &Service, port: &k8s_openapi::api::core::v1::ServicePort) -> Vec<(ObjectKey, String, i32)> {
    let ns = svc.metadata.namespace.clone().unwrap_or_default();
    let name = svc.metadata.name.clone().unwrap_or_default();
    let port_name = port.name.clone().unwrap_or_default();
    let mut out = Vec::new();
    for slice in c.store.endpointslices.list(Some(&ns)) {
        if slice.metadata.labels.as_ref().and_then(|l| l.get(SERVICE_NAME_LABEL)) != Some(&name) {
            continue;
        }
        let Some(target) = slice
            .ports
            .iter()
            .flatten()
            .find(|p| p.name.clone().unwrap_or_default() == port_name)
            .and_then(|p| p.port)
        else {
            continue;
        };
        for e in &slice.endpoints {
            if e.conditions.as_ref().and_then(|c| c.ready) != Some(true) {
                continue;
            }
            let Some(ip) = e.addresses.first() else { continue };
            let key = e
                .target_ref
                .as_ref()
                .map(|r| ObjectKey::new(r.namespace.as_deref().unwrap_or(&ns), r.name.as_deref().unwrap_or("")))
                .unwrap_or_else(|| ObjectKey::new("", ""));
            out.push((key, ip.clone(), target));
        }
    }
    out
}
