//! The cluster network: the controllers that turn Services into endpoints and
//! addresses (Endpoints/EndpointSlice, the cloud load balancer, the ingress
//! controller), and the request model that carries a request from a client through
//! DNS, kube-proxy, a load balancer or the ingress controller to one container,
//! whose image answers it.
//!
//! Requests leave a trace: [`NetworkState`] keeps a bounded log of
//! [`request::RequestRecord`]s for the traffic view, per-pod counters (the CPU
//! figure the HPA reads) and the access-log lines servers write.

pub mod dns;
pub mod endpoints;
pub mod ingress;
pub mod loadbalancer;
pub mod loopback;
pub mod perl_pi;
pub mod request;
pub mod servers;
pub mod tools;
pub mod upload;
pub mod traffic;

use std::collections::{BTreeMap, BTreeSet, VecDeque};

use crate::cluster::Cluster;
use crate::time::SimTime;

/// How many requests the traffic log keeps (oldest dropped first).
pub const REQUEST_LOG_LEN: usize = 200;
/// How many access-log lines a container keeps (a real log rotates too).
const ACCESS_LOG_LEN: usize = 1000;

/// Traffic one pod has served.
#[derive(Clone, Debug, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct PodTraffic {
    /// Requests served since the pod started.
    pub total: u64,
    /// When the recent ones arrived (for the load figure), newest last.
    pub recent: VecDeque<SimTime>,
}

/// One line a server wrote to its container log.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct LogLine {
    pub at: SimTime,
    pub text: String,
}

/// Network state that is not an API object: what the data plane has seen.
#[derive(Clone, Debug, Default, serde::Serialize, serde::Deserialize)]
pub struct NetworkState {
    /// The newest requests, for the traffic view.
    pub requests: VecDeque<request::RequestRecord>,
    /// Per pod uid.
    pub served: BTreeMap<String, PodTraffic>,
    /// Access-log lines per (pod uid, container name).
    #[serde(with = "crate::snapshot::pairs")]
    pub access_log: BTreeMap<(String, String), Vec<LogLine>>,
    /// LoadBalancer services (uid) waiting for the cloud to hand out an address.
    pub pending_load_balancers: BTreeSet<String>,
    /// Ingresses (uid) the ingress controller has taken on.
    pub synced_ingresses: BTreeSet<String>,
    /// Round-robin position per ingress backend (`ns/svc:port`), as ingress-nginx
    /// balances its upstreams.
    pub round_robin: BTreeMap<String, usize>,
    /// Requests recorded so far; each record carries its number (`seq`), which the
    /// traffic view uses to animate only what is new.
    pub seq: u64,
    /// Steady streams of requests (`kubeplay traffic --rate`, `kubeplay load`).
    pub generators: traffic::Generators,
}

impl NetworkState {
    pub(crate) fn record(&mut self, mut rec: request::RequestRecord) {
        self.seq += 1;
        rec.seq = self.seq;
        if let Some(uid) = rec.answered_by_uid.clone() {
            let t = self.served.entry(uid).or_default();
            t.total += 1;
            t.recent.push_back(rec.at);
            while t.recent.len() > LOAD_WINDOW_MAX {
                t.recent.pop_front();
            }
        }
        self.requests.push_back(rec);
        while self.requests.len() > REQUEST_LOG_LEN {
            self.requests.pop_front();
        }
    }

    pub(crate) fn log(&mut self, pod_uid: &str, container: &str, at: SimTime, text: String) {
        let lines = self.access_log.entry((pod_uid.to_string(), container.to_string())).or_default();
        lines.push(LogLine { at, text });
        if lines.len() > ACCESS_LOG_LEN {
            lines.remove(0);
        }
    }
}

/// The window over which traffic turns into CPU load.
pub const LOAD_WINDOW_MS: i64 = 60_000;
const LOAD_WINDOW_MAX: usize = 10_000;
/// CPU a request costs, spread over the window: 1 request/s ≈ 20m.
const MILLICPU_PER_REQUEST_PER_SEC: u64 = 20;

/// The CPU (millicores) a pod uses because of the traffic it served in the last
/// minute: the simulated load the metrics pipeline and the HPA read. Idle pods use 1m.
pub fn pod_cpu_millis(cluster: &Cluster, pod_uid: &str) -> u64 {
    let now = cluster.now();
    let recent = cluster
        .network
        .served
        .get(pod_uid)
        .map(|t| t.recent.iter().filter(|at| now.millis_since(**at) < LOAD_WINDOW_MS).count() as u64)
        .unwrap_or(0);
    1 + recent * MILLICPU_PER_REQUEST_PER_SEC * 1000 / LOAD_WINDOW_MS as u64
}

/// Requests a pod has served since it started.
pub fn pod_requests_served(cluster: &Cluster, pod_uid: &str) -> u64 {
    cluster.network.served.get(pod_uid).map(|t| t.total).unwrap_or(0)
}

/// Network objects of the default cluster: the API server's own endpoints for the
/// `kubernetes` Service, the kube-dns endpoints, and the default IngressClass.
pub fn bootstrap(c: &mut Cluster, born: SimTime) {
    endpoints::bootstrap_kubernetes_endpoints(c, born);
    endpoints::sync_all(c, Some(born.plus_ms(60 * SimTime::SECOND)));
    ingress::bootstrap_ingress_class(c, born);
}
