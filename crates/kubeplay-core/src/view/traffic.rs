//! The traffic view's data: where a learner can send requests from and to, the
//! streams running, and the requests the request model recorded — each as the
//! stations of its path (client → load balancer → node → kube-proxy → pod), so the
//! page draws what the model did and routes nothing itself.

use k8s_openapi::api::core::v1::{Node, Pod, Service};

use crate::api::selectors::map_selects;
use crate::api::ObjectKey;
use crate::cluster::Cluster;
use crate::controllers::kubelet::node_internal_ip;
use crate::network::request::{Client, Hop, RequestRecord};
use crate::network::tools::{curl_failure, CONSOLE_NODE};
use crate::network::traffic::Outcome;
use crate::time::SimTime;

/// How far back (simulated) the requests to animate reach.
const RECENT_MS: i64 = 4_000;
/// At most this many requests are drawn at once.
const RECENT_MAX: usize = 40;
/// Failures listed with their reason.
const FAILURES_SHOWN: usize = 5;
/// Pods drawn per view; more are summed up in one line.
pub const PODS_SHOWN: usize = 24;

/// How a target address reaches a Service.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TargetKind {
    ClusterIp,
    /// The Service's DNS name (resolves only inside pods).
    DnsName,
    NodePort,
    LoadBalancer,
    Ingress,
}

/// One address a request can go to.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TrafficTarget {
    /// Stable key for the page's selection.
    pub id: String,
    pub service: ObjectKey,
    pub kind: TargetKind,
    pub url: String,
    /// The Host header (ingress rules with a host).
    pub host: Option<String>,
}

/// Where a request can start.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TrafficClient {
    /// `outside`, `node/NAME`, `pod/NAMESPACE/NAME`: stable key for the selection.
    pub id: String,
    /// `outside`, `node/controlplane`, `pod/client`: as `kubeplay traffic` names it.
    pub label: String,
    pub client: Client,
}

/// A running stream of requests.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StreamView {
    pub id: u32,
    pub client: String,
    pub url: String,
    pub rate: u32,
    pub sent: u64,
}

/// The columns of the picture, left to right.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Column {
    Client,
    /// A cloud load balancer, or the DNS lookup that failed.
    Entry,
    /// A node's NodePort or its ingress controller.
    Node,
    /// kube-proxy's rules for a Service.
    Service,
    Pod,
}

/// A place a request passes through.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Station {
    pub id: String,
    pub column: Column,
    pub label: String,
    /// An address or a role (`10.244.1.3 · node01`).
    pub detail: String,
    /// Pods: requests served since the pod started.
    pub served: Option<u64>,
    /// Pods: Ready (an endpoint); nodes: Ready.
    pub ready: bool,
}

/// One recorded request, as stations to pass.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RequestView {
    pub seq: u64,
    pub at: SimTime,
    pub client: String,
    pub url: String,
    /// Station ids, client first; a failure ends where the request died.
    pub path: Vec<String>,
    pub outcome: Outcome,
    pub answered_by: Option<String>,
    /// `HTTP 200`, or curl's error line.
    pub detail: String,
}

#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub struct TrafficView {
    pub targets: Vec<TrafficTarget>,
    pub clients: Vec<TrafficClient>,
    pub streams: Vec<StreamView>,
    pub stations: Vec<Station>,
    /// Pods behind the focused Service not drawn (beyond [`PODS_SHOWN`]).
    pub pods_hidden: usize,
    /// The newest requests, oldest first.
    pub requests: Vec<RequestView>,
    /// The newest failures, newest first.
    pub failures: Vec<RequestView>,
    /// The number of the newest request recorded.
    pub seq: u64,
}

fn svc_url(host: &str, port: i32) -> String {
    if port == 80 { format!("http://{host}/") } else { format!("http://{host}:{port}/") }
}

fn target(service: &ObjectKey, kind: TargetKind, url: String, host: Option<String>) -> TrafficTarget {
    let id = format!("{}/{}#{kind:?}#{url}#{}", service.namespace, service.name, host.as_deref().unwrap_or(""));
    TrafficTarget { id, service: service.clone(), kind, url, host }
}

/// A Ready node's address for NodePort and ingress traffic: the first worker's.
fn entry_node_ip(c: &Cluster) -> Option<String> {
    let ready = |n: &&Node| crate::network::request::node_ready(n);
    let worker = c.store.nodes.list(None).filter(ready).find(|n| n.metadata.name.as_deref() != Some(CONSOLE_NODE));
    worker.or_else(|| c.store.nodes.list(None).find(ready)).and_then(node_internal_ip)
}

fn targets(c: &Cluster) -> Vec<TrafficTarget> {
    let node_ip = entry_node_ip(c);
    let mut out = Vec::new();
    for svc in c.store.services.list(None) {
        let key = ObjectKey::of(&svc.metadata);
        if key.namespace == "kube-system" || (key.namespace == "default" && key.name == "kubernetes") {
            continue;
        }
        let spec = svc.spec.clone().unwrap_or_default();
        let Some(ip) = spec.cluster_ip.clone().filter(|ip| ip != "None") else { continue };
        let lb_ip = svc.status.as_ref().and_then(|s| s.load_balancer.as_ref()?.ingress.as_ref()?.first()?.ip.clone());
        for p in spec.ports.iter().flatten() {
            out.push(target(&key, TargetKind::ClusterIp, svc_url(&ip, p.port), None));
            out.push(target(&key, TargetKind::DnsName, svc_url(&format!("{}.{}.svc.cluster.local", key.name, key.namespace), p.port), None));
            if let (Some(np), Some(nip)) = (p.node_port, node_ip.as_ref()) {
                out.push(target(&key, TargetKind::NodePort, svc_url(nip, np), None));
            }
            if let Some(lb) = &lb_ip {
                out.push(target(&key, TargetKind::LoadBalancer, svc_url(lb, p.port), None));
            }
        }
    }
    if let Some(nip) = node_ip {
        for ing in c.store.ingresses.list(None) {
            let ns = ing.metadata.namespace.clone().unwrap_or_default();
            for rule in ing.spec.iter().flat_map(|s| s.rules.iter().flatten()) {
                for p in rule.http.iter().flat_map(|h| h.paths.iter()) {
                    let Some(b) = p.backend.service.as_ref() else { continue };
                    let path = p.path.clone().unwrap_or_else(|| "/".into());
                    let host = rule.host.clone().filter(|h| !h.starts_with('*'));
                    out.push(target(&ObjectKey::new(&ns, &b.name), TargetKind::Ingress, format!("http://{nip}{path}"), host));
                }
            }
        }
    }
    out
}

fn running(p: &Pod) -> bool {
    p.metadata.deletion_timestamp.is_none() && p.status.as_ref().and_then(|s| s.phase.as_deref()) == Some("Running")
}

fn clients(c: &Cluster) -> Vec<TrafficClient> {
    let mut out = vec![TrafficClient { id: "outside".into(), label: "outside".into(), client: Client::External }];
    for n in c.store.nodes.list(None) {
        let name = n.metadata.name.clone().unwrap_or_default();
        out.push(TrafficClient { id: format!("node/{name}"), label: format!("node/{name}"), client: Client::Node(name) });
    }
    for p in c.store.pods.list(None).filter(|p| running(p) && p.metadata.namespace.as_deref() != Some("kube-system")) {
        let k = ObjectKey::of(&p.metadata);
        out.push(TrafficClient { id: format!("pod/{}/{}", k.namespace, k.name), label: format!("pod/{}", k.name), client: Client::Pod(k) });
    }
    out
}

fn pod_ready(p: &Pod) -> bool {
    p.status.as_ref().and_then(|s| s.conditions.as_ref()).is_some_and(|cs| cs.iter().any(|c| c.type_ == "Ready" && c.status == "True"))
}

fn station_of(hop: &Hop) -> String {
    match hop {
        Hop::Dns { name, .. } => format!("dns:{name}"),
        Hop::LoadBalancer { ip, .. } => format!("lb:{ip}"),
        Hop::NodePort { node, .. } | Hop::IngressController { node, .. } => format!("node:{node}"),
        Hop::KubeProxy { service, .. } => format!("svc:{}/{}", service.namespace, service.name),
        Hop::Pod { pod, .. } => format!("pod:{}/{}", pod.namespace, pod.name),
    }
}

fn request_view(rec: &RequestRecord) -> RequestView {
    let mut path = vec![format!("client:{}", rec.client)];
    path.extend(rec.hops.iter().map(station_of));
    if rec.hops.is_empty() && matches!(rec.failure, Some(crate::network::request::Failure::Resolve(_))) {
        path.push("dns".into());
    }
    path.dedup();
    let detail = match (&rec.failure, rec.status) {
        (Some(f), _) => format!("curl: ({}) {}", curl_failure(f).0, curl_failure(f).1),
        (None, Some(s)) => format!("HTTP {s}"),
        (None, None) => String::new(),
    };
    RequestView {
        seq: rec.seq,
        at: rec.at,
        client: rec.client.clone(),
        url: rec.url.clone(),
        path,
        outcome: Outcome::of(rec),
        answered_by: rec.answered_by.as_ref().map(|k| k.name.clone()),
        detail,
    }
}

/// The stations the given requests pass, plus the focused Service and its pods.
fn stations(c: &Cluster, requests: &[RequestView], focus: Option<&ObjectKey>) -> (Vec<Station>, usize) {
    let mut ids: std::collections::BTreeSet<String> = requests.iter().flat_map(|r| r.path.iter().cloned()).collect();
    let mut hidden = 0;
    if let Some(svc) = focus.and_then(|k| c.store.services.get(k)) {
        let key = ObjectKey::of(&svc.metadata);
        ids.insert(format!("svc:{}/{}", key.namespace, key.name));
        let selector = svc.spec.as_ref().and_then(|s| s.selector.as_ref()).filter(|s| !s.is_empty());
        let pods: Vec<&Pod> = c.store.pods.list(Some(&key.namespace)).filter(|p| selector.is_some() && map_selects(selector, p.metadata.labels.as_ref())).collect();
        hidden = pods.len().saturating_sub(PODS_SHOWN);
        for p in pods.into_iter().take(PODS_SHOWN) {
            ids.insert(format!("pod:{}/{}", key.namespace, p.metadata.name.clone().unwrap_or_default()));
        }
    }
    let stations = ids.into_iter().filter_map(|id| station(c, &id)).collect();
    (stations, hidden)
}

fn station(c: &Cluster, id: &str) -> Option<Station> {
    let (kind, rest) = id.split_once(':').unwrap_or((id, ""));
    let plain = |column, label: &str, detail: String, ready| Station { id: id.to_string(), column, label: label.to_string(), detail, served: None, ready };
    Some(match kind {
        "client" => {
            let node_ip = rest.strip_prefix("node/").and_then(|n| c.store.get::<Node>("", n)).and_then(node_internal_ip);
            let pod_ip = rest.strip_prefix("pod/").and_then(|n| c.store.pods.list(None).find(|p| p.metadata.name.as_deref() == Some(n))).and_then(|p| p.status.as_ref()?.pod_ip.clone());
            plain(Column::Client, rest, node_ip.or(pod_ip).unwrap_or_default(), true)
        }
        "dns" => plain(Column::Entry, "DNS", String::new(), false),
        "lb" => plain(Column::Entry, "LoadBalancer", rest.to_string(), true),
        "node" => {
            let n = c.store.get::<Node>("", rest);
            let ip = n.and_then(node_internal_ip).unwrap_or_default();
            plain(Column::Node, rest, ip, n.is_some_and(crate::network::request::node_ready))
        }
        "svc" => {
            let (ns, name) = rest.split_once('/')?;
            let ip = c.store.get::<Service>(ns, name).and_then(|s| s.spec.as_ref()?.cluster_ip.clone()).unwrap_or_default();
            plain(Column::Service, name, ip, true)
        }
        "pod" => {
            let (ns, name) = rest.split_once('/')?;
            let pod = c.store.pods.get(&ObjectKey::new(ns, name))?;
            let ip = pod.status.as_ref().and_then(|s| s.pod_ip.clone()).unwrap_or_default();
            let node = pod.spec.as_ref().and_then(|s| s.node_name.clone()).unwrap_or_default();
            let uid = pod.metadata.uid.clone().unwrap_or_default();
            let detail = if ip.is_empty() { node } else { format!("{ip} · {node}") };
            Station { served: Some(crate::network::pod_requests_served(c, &uid)), ..plain(Column::Pod, name, detail, pod_ready(pod) && pod.metadata.deletion_timestamp.is_none()) }
        }
        _ => return None,
    })
}

impl TrafficView {
    /// The picture now; `focus` is the Service the page's target points at (its
    /// pods are drawn even before any request reaches them).
    pub fn of(c: &Cluster, focus: Option<&ObjectKey>) -> TrafficView {
        let now = c.now();
        let log = &c.network.requests;
        let recent: Vec<RequestView> = log.iter().rev().take(RECENT_MAX).filter(|r| now.millis_since(r.at) <= RECENT_MS).map(request_view).collect::<Vec<_>>().into_iter().rev().collect();
        let failures: Vec<RequestView> = log.iter().rev().map(request_view).filter(|r| r.outcome.is_failure()).take(FAILURES_SHOWN).collect();
        let (stations, pods_hidden) = stations(c, &recent, focus);
        let streams = c
            .network
            .generators
            .running
            .values()
            .map(|g| StreamView { id: g.id, client: g.client.label(), url: g.url.clone(), rate: g.rate, sent: g.sent })
            .collect();
        TrafficView { targets: targets(c), clients: clients(c), streams, stations, pods_hidden, requests: recent, failures, seq: c.network.seq }
    }
}

/// The console command for a request (or a stream, with `rate`) from `client` to
/// `target`, as a learner would type it: plain `curl` on the console's own node,
/// `kubeplay traffic` otherwise. `namespace` is the current context's.
pub fn traffic_command(client: &TrafficClient, target: &TrafficTarget, rate: Option<u32>, namespace: &str) -> String {
    let quote = |s: &str| shell_words::quote(s).into_owned();
    if rate.is_none() && client.client == Client::Node(CONSOLE_NODE.into()) {
        return match &target.host {
            Some(h) => format!("curl -H {} {}", quote(&format!("Host: {h}")), quote(&target.url)),
            None => format!("curl {}", quote(&target.url)),
        };
    }
    let mut words = vec!["kubeplay traffic".to_string()];
    if let Some(r) = rate {
        words.push(format!("--rate {r}"));
    }
    match &client.client {
        Client::External => {}
        Client::Node(n) => words.push(format!("--from node/{}", quote(n))),
        Client::Pod(k) => {
            words.push(format!("--from pod/{}", quote(&k.name)));
            if k.namespace != namespace {
                words.push(format!("-n {}", quote(&k.namespace)));
            }
        }
    }
    if let Some(h) = &target.host {
        words.push(format!("--host {}", quote(h)));
    }
    words.push(quote(&target.url));
    words.join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ClusterConfig;
    use crate::Shell;

    #[test]
    fn requests_spread_over_the_pods_and_failures_say_why() {
        let mut sh = Shell::new(ClusterConfig { seed: 3, start: SimTime(1_700_000_000_000) });
        for line in ["kubectl create deployment web --image=traefik/whoami --replicas=3", "kubectl expose deployment web --port 80"] {
            sh.execute(line);
        }
        sh.cluster.advance_by(30_000);
        let focus = ObjectKey::new("default", "web");
        let view = TrafficView::of(&sh.cluster, Some(&focus));
        let ip_target = view.targets.iter().find(|t| t.kind == TargetKind::ClusterIp).unwrap().clone();
        let node = view.clients.iter().find(|c| c.id == "node/controlplane").unwrap().clone();
        assert_eq!(traffic_command(&node, &ip_target, None, "default"), format!("curl {}", ip_target.url));
        let outside = view.clients[0].clone();
        assert_eq!(traffic_command(&outside, &ip_target, Some(5), "default"), format!("kubeplay traffic --rate 5 {}", ip_target.url));
        for _ in 0..30 {
            crate::network::traffic::send_one(&mut sh.cluster, &node.client, &ip_target.url, None).unwrap();
        }
        let view = TrafficView::of(&sh.cluster, Some(&focus));
        let pods: Vec<&Station> = view.stations.iter().filter(|s| s.column == Column::Pod).collect();
        assert_eq!(pods.len(), 3);
        assert_eq!(pods.iter().map(|p| p.served.unwrap()).sum::<u64>(), 30);
        assert!(pods.iter().filter(|p| p.served.unwrap() > 0).count() >= 2);
        let last = view.requests.last().unwrap();
        assert_eq!(last.path[0], "client:node/controlplane");
        assert_eq!(last.path[1], "svc:default/web");
        assert!(last.path[2].starts_with("pod:default/web-"));
        let dns = view.targets.iter().find(|t| t.kind == TargetKind::DnsName).unwrap();
        crate::network::traffic::send_one(&mut sh.cluster, &node.client, &dns.url, None).unwrap();
        let view = TrafficView::of(&sh.cluster, Some(&focus));
        assert_eq!(view.failures[0].outcome, Outcome::Unresolved);
        assert_eq!(view.failures[0].path, vec!["client:node/controlplane".to_string(), "dns".into()]);
    }
}
