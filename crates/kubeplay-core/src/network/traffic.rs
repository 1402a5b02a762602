//! Traffic on demand: one request, or a steady stream of them, from a chosen client
//! (outside the cluster, a node, a pod) to a URL — what the traffic view's buttons and
//! `kubeplay traffic` / `kubeplay load` send. Every request goes through the same
//! path as `curl` ([`super::tools`] resolves, [`super::request`] carries and records
//! it), so what the view animates is what the model did.
//!
//! A steady stream is a [`Generator`]: a timer wakes it every [`period_ms`] of
//! simulated time and it sends the requests that became due since it started
//! (integer arithmetic, so 5/s is exactly five a second whatever the clock's steps).

use std::collections::BTreeMap;

use super::dns::Resolver;
use super::request::{Client, Failure, Hop, RequestRecord};
use super::tools::{self, Flavour, ToolEnv};
use crate::api::ObjectKey;
use crate::cluster::{Cluster, TimedWork};
use crate::time::SimTime;

/// The fastest steady stream (requests per simulated second): enough for an HPA
/// demonstration, small enough that a minute of it stays cheap.
pub const MAX_RATE: u32 = 200;
/// A generator wakes at most this often and sends what is due in a batch.
const MIN_PERIOD_MS: i64 = 200;

/// A steady stream of requests.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Generator {
    pub id: u32,
    pub client: Client,
    pub url: String,
    /// The `Host` header when it differs from the URL's host (ingress rules).
    pub host: Option<String>,
    /// Requests per simulated second.
    pub rate: u32,
    pub started: SimTime,
    pub sent: u64,
    /// Set for `kubeplay load SERVICE`: the Service the load is for.
    pub load_for: Option<ObjectKey>,
}

/// The running generators and the next id to hand out.
#[derive(Clone, Debug, Default, serde::Serialize, serde::Deserialize)]
pub struct Generators {
    pub running: BTreeMap<u32, Generator>,
    next_id: u32,
}

/// What became of a request, in the words a learner needs.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Outcome {
    /// An HTTP answer (any status) from a container or the ingress controller.
    Answered(u16),
    /// The Service (or Ingress backend) has no ready endpoint: kube-proxy rejects
    /// the connection, ingress-nginx answers 503.
    NoEndpoints,
    /// The address is there but nothing listens on that port (a wrong port or
    /// targetPort, a container not running).
    Refused,
    /// The name does not resolve from where the request starts.
    Unresolved,
    /// Nobody answers at that address and port.
    Timeout,
    /// Something listens but does not speak HTTP.
    EmptyReply,
}

impl Outcome {
    pub fn of(rec: &RequestRecord) -> Outcome {
        let last = rec.hops.last();
        if let Some(status) = rec.status {
            let ingress_without_backend = rec.answered_by.is_none() && status == 503 && matches!(last, Some(Hop::IngressController { .. }));
            return if ingress_without_backend { Outcome::NoEndpoints } else { Outcome::Answered(status) };
        }
        match &rec.failure {
            Some(Failure::Resolve(_)) => Outcome::Unresolved,
            Some(Failure::Refused { .. }) if matches!(last, Some(Hop::KubeProxy { .. })) => Outcome::NoEndpoints,
            Some(Failure::Refused { .. }) => Outcome::Refused,
            Some(Failure::EmptyReply) => Outcome::EmptyReply,
            Some(Failure::Timeout { .. }) | None => Outcome::Timeout,
        }
    }

    pub fn is_failure(self) -> bool {
        !matches!(self, Outcome::Answered(s) if s < 500)
    }
}

/// Where a client's tools run: its resolver and its own address.
pub fn env_of(c: &Cluster, client: &Client) -> ToolEnv {
    match client {
        Client::Node(n) => ToolEnv {
            client: client.clone(),
            resolver: Resolver::Host,
            flavour: Flavour::Gnu,
            client_ip: c.store.get::<k8s_openapi::api::core::v1::Node>("", n).and_then(crate::controllers::kubelet::node_internal_ip).unwrap_or_default(),
            loopback: Vec::new(),
            uploads: Default::default(),
        },
        Client::Pod(k) => ToolEnv {
            client: client.clone(),
            resolver: Resolver::Cluster { namespace: k.namespace.clone() },
            flavour: Flavour::Busybox,
            client_ip: c.store.pods.get(k).and_then(|p| p.status.as_ref()?.pod_ip.clone()).unwrap_or_default(),
            loopback: Vec::new(),
            uploads: Default::default(),
        },
        // A browser on the learner's side of the internet: public DNS knows none of
        // the playground's names.
        Client::External => ToolEnv { client: client.clone(), resolver: Resolver::Public, flavour: Flavour::Gnu, client_ip: "203.0.113.10".into(), loopback: Vec::new(), uploads: Default::default() },
    }
}

/// Sends one GET from `client` to `url` (with `host` as the Host header if given)
/// and returns its record. `Err` is a URL curl would reject (curl's message).
pub fn send_one(c: &mut Cluster, client: &Client, url: &str, host: Option<&str>) -> Result<RequestRecord, String> {
    let env = env_of(c, client);
    let u = tools::parse_url(url)?;
    let host_header = host.map(str::to_string).unwrap_or_else(|| tools::host_header(&u));
    let headers = vec![("Host".to_string(), host_header), ("User-Agent".to_string(), tools::CURL_AGENT.to_string()), ("Accept".to_string(), "*/*".to_string())];
    let before = c.network.seq;
    let _ = tools::fetch(c, &env, &u, "GET", headers, "", None);
    match c.network.requests.back() {
        Some(r) if c.network.seq > before => Ok(r.clone()),
        _ => Err("the request was not sent".into()),
    }
}

/// The period between a generator's wake-ups.
pub fn period_ms(rate: u32) -> i64 {
    (1000 / rate.max(1) as i64).max(MIN_PERIOD_MS)
}

/// Starts a steady stream; the URL is checked first, as curl would.
pub fn start(c: &mut Cluster, client: Client, url: &str, host: Option<String>, rate: u32, load_for: Option<ObjectKey>) -> Result<u32, String> {
    tools::parse_url(url)?;
    if rate == 0 || rate > MAX_RATE {
        return Err(format!("the rate must be between 1 and {MAX_RATE} requests per second"));
    }
    let now = c.now();
    // No rate is declared to the metrics pipeline: the requests the stream sends
    // are what the serving pods' CPU is made of (`metrics::served_per_pod`).
    let gens = &mut c.network.generators;
    gens.next_id += 1;
    let id = gens.next_id;
    gens.running.insert(id, Generator { id, client, url: url.to_string(), host, rate, started: now, sent: 0, load_for });
    c.schedule(now.plus_ms(period_ms(rate)), TimedWork::Traffic(id));
    Ok(id)
}

/// Stops a stream; `false` if there was none with that id.
pub fn stop(c: &mut Cluster, id: u32) -> bool {
    c.network.generators.running.remove(&id).is_some()
}

/// A container's request loop (`while sleep 0.01; do wget -q -O- http://php-apache;
/// done`, the HPA walkthrough's load generator): the URL it fetches. Such a loop
/// sends one request at a time, about [`LOOP_RATE`] a second.
pub fn request_loop_url(command: &[String]) -> Option<String> {
    let words: Vec<&str> = command.iter().flat_map(|c| c.split(|ch: char| ch.is_whitespace() || ch == ';')).filter(|w| !w.is_empty()).collect();
    let looping = words.contains(&"while") && words.contains(&"done");
    let fetches = words.iter().any(|w| w.ends_with("wget") || w.ends_with("curl"));
    if !(looping && fetches) {
        return None;
    }
    words.iter().map(|w| w.trim_matches(|c| c == '"' || c == '\'')).find(|w| w.starts_with("http://")).map(str::to_string)
}

/// Requests per second of a closed request loop with a 10 ms sleep.
pub const LOOP_RATE: u32 = 100;

/// Starts the stream of a container's request loop from its pod (the kubelet calls
/// this when it starts the container); a stream already running from that pod to
/// that URL is kept.
pub fn start_request_loop(c: &mut Cluster, pod: ObjectKey, url: &str) {
    let client = Client::Pod(pod);
    if c.network.generators.running.values().any(|g| g.client == client && g.url == url) {
        return;
    }
    let _ = start(c, client, url, None, LOOP_RATE, None);
}

/// Whether a generator's client still exists to send: a pod that is gone, being
/// deleted or no longer running sends nothing more.
fn client_alive(c: &Cluster, client: &Client) -> bool {
    match client {
        Client::Pod(k) => c.store.pods.get(k).is_some_and(|p| {
            p.metadata.deletion_timestamp.is_none() && p.status.as_ref().and_then(|s| s.phase.as_deref()) == Some("Running")
        }),
        _ => true,
    }
}

/// A generator's timer: send what is due, then wait for the next period.
pub fn run_step(c: &mut Cluster, id: u32) {
    let Some(g) = c.network.generators.running.get(&id).cloned() else { return };
    if !client_alive(c, &g.client) {
        stop(c, id);
        return;
    }
    let elapsed = c.now().millis_since(g.started).max(0) as u64;
    let due = elapsed * g.rate as u64 / 1000;
    for _ in g.sent..due {
        let _ = send_one(c, &g.client, &g.url, g.host.as_deref());
    }
    if let Some(g) = c.network.generators.running.get_mut(&id) {
        g.sent = g.sent.max(due);
    }
    let next = c.now().plus_ms(period_ms(g.rate));
    c.schedule(next, TimedWork::Traffic(id));
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ClusterConfig;

    #[test]
    fn a_steady_stream_sends_exactly_its_rate_and_stops() {
        let mut c = Cluster::new(ClusterConfig { seed: 7, start: SimTime(1_700_000_000_000) });
        let id = start(&mut c, Client::External, "http://10.96.0.1:443/", None, 5, None).unwrap();
        let before = c.network.seq;
        c.advance_by(10_000);
        assert_eq!(c.network.seq - before, 50);
        assert!(stop(&mut c, id));
        c.advance_by(10_000);
        assert_eq!(c.network.seq - before, 50);
    }

    #[test]
    fn outside_clients_resolve_no_cluster_names() {
        let mut c = Cluster::new(ClusterConfig { seed: 7, start: SimTime(1_700_000_000_000) });
        let rec = send_one(&mut c, &Client::External, "http://kubernetes.default.svc.cluster.local/", None).unwrap();
        assert_eq!(Outcome::of(&rec), Outcome::Unresolved);
        assert!(send_one(&mut c, &Client::External, "ftp://x/", None).is_err());
        assert!(start(&mut c, Client::External, "http://1.2.3.4/", None, 0, None).is_err());
    }
}
