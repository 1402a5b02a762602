//! The request model: one HTTP request from a client (a node, a pod, or outside the
//! cluster) to an address, carried the way the data plane carries it:
//!
//! - a ClusterIP goes through kube-proxy (iptables mode: a uniformly random ready
//!   endpoint; a Service without one rejects the connection);
//! - a node IP on a NodePort goes through that node's kube-proxy (traffic policy
//!   `Cluster`, so any endpoint, possibly on another node);
//! - a LoadBalancer address goes to a node picked by the balancer, then as NodePort;
//! - a node IP on port 80 reaches the ingress controller, which routes by host and
//!   path to a backend Service's endpoints;
//! - a pod IP goes straight to the pod.
//!
//! The container listening on the port answers through its image's server
//! ([`super::servers`]). Every request is recorded with its hops.

use k8s_openapi::api::core::v1::{Node, Pod, Service, ServicePort};
use k8s_openapi::api::networking::v1::IngressBackend;

use super::ingress;
use super::servers::{self, HttpRequest, HttpResponse, Server, ServerContext};
use crate::api::ObjectKey;
use crate::cluster::Cluster;
use crate::controllers::kubelet::node_internal_ip;
use crate::time::SimTime;

/// Where a request starts.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum Client {
    /// A shell on a node (the console is on `controlplane`).
    Node(String),
    /// A process inside a pod.
    Pod(ObjectKey),
    /// A browser outside the cluster.
    External,
}

impl Client {
    pub fn label(&self) -> String {
        match self {
            Client::Node(n) => format!("node/{n}"),
            Client::Pod(k) => format!("pod/{}", k.name),
            Client::External => "external".into(),
        }
    }
}

/// One step of a request's path, for the traffic view.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum Hop {
    Dns { name: String, ip: String },
    LoadBalancer { ip: String, port: u16 },
    NodePort { node: String, port: u16 },
    IngressController { node: String, ingress: ObjectKey },
    KubeProxy { service: ObjectKey, cluster_ip: String, port: u16 },
    Pod { pod: ObjectKey, ip: String, port: u16 },
}

/// Why a request got no HTTP answer, as curl reports it.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum Failure {
    /// `curl: (6) Could not resolve host: x`
    Resolve(String),
    /// `curl: (7) Failed to connect to ip port p after 0 ms: Couldn't connect to server`
    Refused { ip: String, port: u16 },
    /// Nobody answers: the SYNs time out.
    Timeout { ip: String, port: u16 },
    /// `curl: (52) Empty reply from server`
    EmptyReply,
}

/// A request as the traffic view shows it.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct RequestRecord {
    /// Its number among all requests recorded (set by `NetworkState::record`).
    pub seq: u64,
    pub at: SimTime,
    pub client: String,
    pub url: String,
    pub hops: Vec<Hop>,
    pub answered_by: Option<ObjectKey>,
    pub answered_by_uid: Option<String>,
    pub status: Option<u16>,
    pub failure: Option<Failure>,
}

/// A request to send: the address is already resolved.
#[derive(Clone, Debug)]
pub struct Outgoing {
    pub method: String,
    pub ip: String,
    pub port: u16,
    pub path: String,
    /// Headers as the client sends them (Host first).
    pub headers: Vec<(String, String)>,
    /// The URL as typed, for the record.
    pub url: String,
    /// The client's own address (what `X-Forwarded-For` carries).
    pub client_ip: String,
    /// The request body (curl's `-d`, `-T`); empty for most requests.
    pub body: String,
}

/// The delivered answer, or why there is none.
pub type Delivery = Result<HttpResponse, Failure>;

struct Trip {
    hops: Vec<Hop>,
    answered: Option<(ObjectKey, String)>,
}

/// A node whose Ready condition is True.
pub fn node_ready(n: &Node) -> bool {
    n.status.as_ref().and_then(|s| s.conditions.as_ref()).and_then(|cs| cs.iter().find(|c| c.type_ == "Ready")).is_some_and(|c| c.status == "True")
}

fn node_by_ip<'a>(c: &'a Cluster, ip: &str) -> Option<&'a Node> {
    c.store.nodes.list(None).find(|n| node_internal_ip(n).as_deref() == Some(ip))
}

fn node_name_of(n: &Node) -> String {
    n.metadata.name.clone().unwrap_or_default()
}

/// The address a node's traffic carries into the pod network: its `cni0` bridge
/// (`10.244.N.1`) to a local pod, its `flannel.1` (`10.244.N.0`) to a remote one.
fn node_source_ip(c: &Cluster, node: &str, target_node: Option<&str>) -> String {
    let cidr = c.store.get::<Node>("", node).and_then(|n| n.spec.as_ref()?.pod_cidr.clone()).unwrap_or_else(|| "10.244.0.0/24".into());
    let prefix = cidr.split('/').next().unwrap_or("10.244.0.0").rsplit_once('.').map(|(p, _)| p.to_string()).unwrap_or_default();
    let host = if target_node == Some(node) { 1 } else { 0 };
    format!("{prefix}.{host}")
}

/// Sends `req` from `client` and records it. Never panics: every odd address ends in
/// one of curl's failures.
pub fn send(c: &mut Cluster, client: &Client, req: &Outgoing) -> Delivery {
    let mut trip = Trip { hops: Vec::new(), answered: None };
    let result = route(c, client, req, &mut trip);
    let rec = RequestRecord {
        seq: 0,
        at: c.now(),
        client: client.label(),
        url: req.url.clone(),
        hops: trip.hops,
        answered_by_uid: trip.answered.as_ref().map(|(_, uid)| uid.clone()),
        answered_by: trip.answered.map(|(k, _)| k),
        status: result.as_ref().ok().map(|r| r.status),
        failure: result.as_ref().err().cloned(),
    };
    c.network.record(rec);
    result
}

/// The node a client sits on (for source addresses); `None` outside the cluster.
fn client_node(c: &Cluster, client: &Client) -> Option<String> {
    match client {
        Client::Node(n) => Some(n.clone()),
        Client::Pod(k) => c.store.pods.get(k).and_then(|p| p.spec.as_ref()?.node_name.clone()),
        Client::External => None,
    }
}

fn route(c: &mut Cluster, client: &Client, req: &Outgoing, trip: &mut Trip) -> Delivery {
    let ip = req.ip.as_str();
    let port = req.port;
    if ip.starts_with("127.") {
        return match client {
            Client::Pod(k) => {
                let k = k.clone();
                to_pod(c, &k, port, req, None, trip)
            }
            Client::Node(n) => {
                let n = n.clone();
                to_node(c, &n, ip, port, req, trip)
            }
            Client::External => Err(Failure::Refused { ip: ip.into(), port }),
        };
    }
    let by_cluster_ip = c.store.services.list(None).find(|s| s.spec.as_ref().and_then(|sp| sp.cluster_ip.as_deref()) == Some(ip)).cloned();
    if let Some(svc) = by_cluster_ip {
        let Some(sp) = svc.spec.as_ref().and_then(|s| s.ports.as_ref()).and_then(|ps| ps.iter().find(|p| p.port == port as i32)).cloned() else {
            return Err(Failure::Timeout { ip: ip.into(), port });
        };
        let from = client_node(c, client);
        return via_kube_proxy(c, &svc, &sp, ip, req, from.as_deref(), client, trip);
    }
    if let Some(svc) = super::loadbalancer::service_of_address(c, ip).cloned() {
        trip.hops.push(Hop::LoadBalancer { ip: ip.into(), port });
        let Some(sp) = svc.spec.as_ref().and_then(|s| s.ports.as_ref()).and_then(|ps| ps.iter().find(|p| p.port == port as i32)).cloned() else {
            return Err(Failure::Timeout { ip: ip.into(), port });
        };
        let Some(node_port) = sp.node_port else { return Err(Failure::Timeout { ip: ip.into(), port }) };
        // The balancer spreads over the nodes that may take its traffic.
        let nodes: Vec<String> = c
            .store
            .nodes
            .list(None)
            .filter(|n| node_ready(n) && !n.metadata.labels.as_ref().is_some_and(|l| l.contains_key("node.kubernetes.io/exclude-from-external-load-balancers")))
            .map(node_name_of)
            .collect();
        if nodes.is_empty() {
            return Err(Failure::Timeout { ip: ip.into(), port });
        }
        let node = nodes[c.rng().below(nodes.len())].clone();
        let node_ip = c.store.get::<Node>("", &node).and_then(node_internal_ip).unwrap_or_default();
        return to_node(c, &node, &node_ip, node_port as u16, req, trip);
    }
    if let Some(node) = node_by_ip(c, ip) {
        let name = node_name_of(node);
        return to_node(c, &name, ip, port, req, trip);
    }
    let by_pod_ip = c.store.pods.list(None).find(|p| p.status.as_ref().and_then(|s| s.pod_ip.as_deref()) == Some(ip) && p.spec.as_ref().is_none_or(|s| s.host_network != Some(true))).cloned();
    if let Some(pod) = by_pod_ip {
        let key = ObjectKey::of(&pod.metadata);
        let src = match client {
            Client::Pod(k) => c.store.pods.get(k).and_then(|p| p.status.as_ref()?.pod_ip.clone()),
            _ => None,
        };
        let target_node = pod.spec.as_ref().and_then(|s| s.node_name.clone());
        let src = src.or_else(|| client_node(c, client).map(|n| node_source_ip(c, &n, target_node.as_deref())));
        return to_pod(c, &key, port, req, src, trip);
    }
    Err(Failure::Timeout { ip: ip.into(), port })
}

/// A request arriving at a node's address: a NodePort, the ingress controller on
/// port 80, or nothing.
fn to_node(c: &mut Cluster, node: &str, ip: &str, port: u16, req: &Outgoing, trip: &mut Trip) -> Delivery {
    let node_port_svc = c
        .store
        .services
        .list(None)
        .find_map(|s| {
            let sp = s.spec.as_ref()?;
            if !matches!(sp.type_.as_deref(), Some("NodePort" | "LoadBalancer")) {
                return None;
            }
            let p = sp.ports.as_ref()?.iter().find(|p| p.node_port == Some(port as i32))?;
            Some((s.clone(), p.clone()))
        });
    if let Some((svc, sp)) = node_port_svc {
        trip.hops.push(Hop::NodePort { node: node.into(), port });
        let cluster_ip = svc.spec.as_ref().and_then(|s| s.cluster_ip.clone()).unwrap_or_default();
        return via_kube_proxy(c, &svc, &sp, &cluster_ip, req, Some(node), &Client::Node(node.into()), trip);
    }
    if port == 80 {
        return via_ingress(c, node, req, trip);
    }
    Err(Failure::Refused { ip: ip.into(), port })
}

#[allow(clippy::too_many_arguments)]
fn via_kube_proxy(c: &mut Cluster, svc: &Service, sp: &ServicePort, cluster_ip: &str, req: &Outgoing, from_node: Option<&str>, client: &Client, trip: &mut Trip) -> Delivery {
    trip.hops.push(Hop::KubeProxy { service: ObjectKey::of(&svc.metadata), cluster_ip: cluster_ip.into(), port: sp.port as u16 });
    let backends = super::endpoints::ready_backends(c, svc, sp);
    if backends.is_empty() {
        // kube-proxy's REJECT rule for a Service without endpoints.
        return Err(Failure::Refused { ip: req.ip.clone(), port: req.port });
    }
    let (pod, _, target) = backends[c.rng().below(backends.len())].clone();
    let target_node = c.store.pods.get(&pod).and_then(|p| p.spec.as_ref()?.node_name.clone());
    let src = match client {
        Client::Pod(k) => c.store.pods.get(k).and_then(|p| p.status.as_ref()?.pod_ip.clone()),
        _ => None,
    };
    let src = src.or_else(|| from_node.map(|n| node_source_ip(c, n, target_node.as_deref())));
    to_pod(c, &pod, target as u16, req, src, trip)
}

fn backend_service(c: &Cluster, ns: &str, backend: &IngressBackend) -> Option<(Service, ServicePort)> {
    let b = backend.service.as_ref()?;
    let svc = c.store.get::<Service>(ns, &b.name)?.clone();
    let want = b.port.as_ref()?;
    let sp = svc.spec.as_ref()?.ports.as_ref()?.iter().find(|p| match (&want.number, &want.name) {
        (Some(n), _) => p.port == *n,
        (None, Some(name)) => p.name.as_deref() == Some(name.as_str()),
        _ => false,
    })?;
    let sp = sp.clone();
    Some((svc, sp))
}

fn html_response(c: &Cluster, code: u16) -> HttpResponse {
    let body = ingress::error_page(code);
    let reason = match code {
        404 => "Not Found",
        502 => "Bad Gateway",
        _ => "Service Temporarily Unavailable",
    };
    HttpResponse {
        status: code,
        reason,
        headers: vec![
            ("Date".into(), servers::http_date(c.now())),
            ("Content-Type".into(), "text/html".into()),
            ("Content-Length".into(), body.len().to_string()),
            ("Connection".into(), "keep-alive".into()),
        ],
        body,
    }
}

/// The ingress controller on `node`: host/path routing to a backend's endpoints.
fn via_ingress(c: &mut Cluster, node: &str, req: &Outgoing, trip: &mut Trip) -> Delivery {
    let host = req.headers.iter().find(|(k, _)| k.eq_ignore_ascii_case("Host")).map(|(_, v)| v.clone()).unwrap_or_default();
    let path = req.path.split('?').next().unwrap_or("/").to_string();
    let Some(r) = ingress::route(c, &host, &path) else {
        return Ok(html_response(c, 404));
    };
    trip.hops.push(Hop::IngressController { node: node.into(), ingress: r.ingress.clone() });
    let Some((svc, sp)) = backend_service(c, &r.ingress.namespace, &r.backend) else {
        return Ok(html_response(c, 503));
    };
    let backends = super::endpoints::ready_backends(c, &svc, &sp);
    if backends.is_empty() {
        return Ok(html_response(c, 503));
    }
    let key = format!("{}/{}:{}", r.ingress.namespace, svc.metadata.name.clone().unwrap_or_default(), sp.port);
    let i = ingress::next_round_robin(&mut c.network.round_robin, &key, backends.len());
    let (pod, _, target) = backends[i].clone();
    let target_node = c.store.pods.get(&pod).and_then(|p| p.spec.as_ref()?.node_name.clone());
    let src = node_source_ip(c, node, target_node.as_deref());
    let mut fwd = req.clone();
    let real = req.client_ip.clone();
    let forwarded_host = host.clone();
    fwd.headers.retain(|(k, _)| !k.eq_ignore_ascii_case("Connection"));
    fwd.headers.extend([
        ("X-Forwarded-For".to_string(), real.clone()),
        ("X-Forwarded-Host".to_string(), forwarded_host),
        ("X-Forwarded-Port".to_string(), "80".to_string()),
        ("X-Forwarded-Proto".to_string(), "http".to_string()),
        ("X-Forwarded-Scheme".to_string(), "http".to_string()),
        ("X-Real-Ip".to_string(), real),
        ("X-Scheme".to_string(), "http".to_string()),
    ]);
    let result = to_pod(c, &pod, target as u16, &fwd, Some(src), trip);
    match result {
        Err(Failure::Refused { .. }) | Err(Failure::Timeout { .. }) | Err(Failure::EmptyReply) => Ok(html_response(c, 502)),
        other => other,
    }
}

/// A kubelet's HTTP probe of `pod`: a GET from its node (the `cni0` address) straight
/// to `host:port`, answered by whatever listens there. Not a request of the traffic
/// log, but servers log it (`"kube-probe/1.34"`).
pub fn probe_http(c: &mut Cluster, pod: &ObjectKey, host: &str, port: u16, path: &str, extra_headers: Vec<(String, String)>) -> Delivery {
    let node = c.store.pods.get(pod).and_then(|p| p.spec.as_ref()?.node_name.clone()).unwrap_or_default();
    let src = node_source_ip(c, &node, Some(&node));
    let mut headers = vec![("Host".to_string(), format!("{host}:{port}")), ("User-Agent".to_string(), "kube-probe/1.34".to_string()), ("Accept".to_string(), "*/*".to_string())];
    for (k, v) in extra_headers {
        match headers.iter_mut().find(|(n, _)| n.eq_ignore_ascii_case(&k)) {
            Some(slot) => slot.1 = v,
            None => headers.push((k, v)),
        }
    }
    headers.push(("Connection".to_string(), "close".to_string()));
    let req = Outgoing { method: "GET".into(), ip: host.to_string(), port, path: path.to_string(), headers, url: format!("http://{host}:{port}{path}"), client_ip: src.clone(), body: String::new() };
    let mut trip = Trip { hops: Vec::new(), answered: None };
    to_pod(c, pod, port, &req, Some(src), &mut trip)
}

/// A kubelet's TCP probe: does a running container of `pod` listen on `port`?
pub fn probe_tcp(c: &Cluster, pod: &ObjectKey, port: u16) -> bool {
    c.store.pods.get(pod).is_some_and(|p| listener(p, port).is_some())
}

/// The container of `pod` listening on `port`, if it runs.
fn listener(pod: &Pod, port: u16) -> Option<(String, Server, SimTime)> {
    let spec = pod.spec.as_ref()?;
    let statuses = pod.status.as_ref()?.container_statuses.clone().unwrap_or_default();
    for ctr in &spec.containers {
        let Some((server, p)) = servers::server_of_container(ctr) else { continue };
        if p != port {
            continue;
        }
        let running = statuses.iter().find(|s| s.name == ctr.name).and_then(|s| s.state.as_ref()?.running.as_ref()?.started_at.clone());
        if let Some(started) = running {
            return Some((ctr.name.clone(), server, SimTime::from_k8s(&started)));
        }
    }
    None
}

fn to_pod(c: &mut Cluster, key: &ObjectKey, port: u16, req: &Outgoing, src_ip: Option<String>, trip: &mut Trip) -> Delivery {
    let Some(pod) = c.store.pods.get(key).cloned() else {
        return Err(Failure::Timeout { ip: req.ip.clone(), port });
    };
    let pod_ip = pod.status.as_ref().and_then(|s| s.pod_ip.clone()).unwrap_or_default();
    trip.hops.push(Hop::Pod { pod: key.clone(), ip: pod_ip.clone(), port });
    let Some((container, server, started)) = listener(&pod, port) else {
        return Err(Failure::Refused { ip: req.ip.clone(), port: req.port });
    };
    let uid = pod.metadata.uid.clone().unwrap_or_default();
    trip.answered = Some((key.clone(), uid.clone()));
    if server == Server::NotHttp {
        return Err(Failure::EmptyReply);
    }
    let remote_port = 30000 + c.rng().below(30000) as u16;
    let src = src_ip.unwrap_or_else(|| pod_ip.clone());
    let http = HttpRequest { method: req.method.clone(), path: req.path.clone(), headers: req.headers.clone(), remote: format!("{src}:{remote_port}") };
    let served_before = c.network.access_log.get(&(uid.clone(), container.clone())).map(|l| l.len()).unwrap_or(0);
    let hostname = pod.spec.as_ref().and_then(|s| s.hostname.clone()).unwrap_or_else(|| key.name.clone());
    let ctx = ServerContext { hostname: &hostname, pod_ip: &pod_ip, at: c.now(), served_before, started_at: started };
    let (resp, log) = servers::answer(&server, &http, &ctx);
    if let Some(line) = log {
        let now = c.now();
        c.network.log(&uid, &container, now, line);
    }
    Ok(resp)
}
