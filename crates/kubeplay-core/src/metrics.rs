//! The resource metrics pipeline (kubelet/cAdvisor → metrics-server → the
//! `metrics.k8s.io` API that `kubectl top` and the HPA read), as a pure function of
//! the cluster: each running container uses what its image uses at rest plus its
//! share of the load on the Services that select it, capped by its CPU limit.
//!
//! metrics-server scrapes every 15 s (`--metric-resolution=15s`) and needs two
//! scrapes of a container before it reports it, so a fresh pod has no metrics for
//! 15–30 s; values move a little from one window to the next, as real ones do.
//!
//! Load comes from the requests each pod actually served, as the request model
//! recorded them (`NetworkState::served`): a load generator pod's loop, `kubeplay
//! traffic --rate`/`kubeplay load`, single curls. A metrics window reports the
//! requests of the window before it. `Cluster::add_load` (a Service receiving N
//! requests per second, spread over its ready pods) remains for callers that want
//! a load without sending requests.

use std::collections::BTreeMap;

use k8s_openapi::api::core::v1::{Container, Node, Pod};

use crate::api::selectors::map_selects;
use crate::api::ObjectKey;
use crate::cluster::Cluster;
use crate::controllers::resources::{bytes, millis};
use crate::images::ImageRef;
use crate::time::SimTime;

/// metrics-server's `--metric-resolution`.
pub const RESOLUTION_MS: i64 = 15_000;
const MI: i64 = 1 << 20;

/// What one container uses: millicores and bytes.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Usage {
    pub cpu_millis: i64,
    pub memory_bytes: i64,
}

impl std::ops::Add for Usage {
    type Output = Usage;
    fn add(self, o: Usage) -> Usage {
        Usage { cpu_millis: self.cpu_millis + o.cpu_millis, memory_bytes: self.memory_bytes + o.memory_bytes }
    }
}

/// A pod's metrics (`PodMetrics`): one usage per container that has been measured.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PodMetrics {
    pub key: ObjectKey,
    pub containers: Vec<(String, Usage)>,
}

impl PodMetrics {
    pub fn total(&self) -> Usage {
        self.containers.iter().fold(Usage::default(), |a, (_, u)| a + *u)
    }
}

/// An image at rest, and what one request costs it (millicore-seconds).
struct ImageProfile {
    repository: &'static str,
    idle_cpu_millis: i64,
    idle_memory_mi: i64,
    cpu_per_request: f64,
}

const PROFILES: &[ImageProfile] = &[
    ImageProfile { repository: "nginx", idle_cpu_millis: 1, idle_memory_mi: 7, cpu_per_request: 0.02 },
    ImageProfile { repository: "registry.k8s.io/nginx-slim", idle_cpu_millis: 1, idle_memory_mi: 2, cpu_per_request: 0.02 },
    ImageProfile { repository: "httpd", idle_cpu_millis: 1, idle_memory_mi: 6, cpu_per_request: 0.05 },
    ImageProfile { repository: "redis", idle_cpu_millis: 2, idle_memory_mi: 3, cpu_per_request: 0.01 },
    ImageProfile { repository: "subicura/whoami", idle_cpu_millis: 1, idle_memory_mi: 24, cpu_per_request: 0.5 },
    ImageProfile { repository: "gcr.io/google-samples/kubernetes-bootcamp", idle_cpu_millis: 1, idle_memory_mi: 10, cpu_per_request: 0.1 },
    ImageProfile { repository: "jocatalin/kubernetes-bootcamp", idle_cpu_millis: 1, idle_memory_mi: 10, cpu_per_request: 0.1 },
    // php-apache of the HPA walkthrough: each request computes square roots for a while.
    ImageProfile { repository: "registry.k8s.io/hpa-example", idle_cpu_millis: 1, idle_memory_mi: 9, cpu_per_request: 7.0 },
    ImageProfile { repository: "busybox", idle_cpu_millis: 0, idle_memory_mi: 0, cpu_per_request: 0.0 },
    ImageProfile { repository: "alpine", idle_cpu_millis: 0, idle_memory_mi: 0, cpu_per_request: 0.0 },
    ImageProfile { repository: "registry.k8s.io/etcd", idle_cpu_millis: 24, idle_memory_mi: 46, cpu_per_request: 0.0 },
    ImageProfile { repository: "registry.k8s.io/kube-apiserver", idle_cpu_millis: 48, idle_memory_mi: 262, cpu_per_request: 0.0 },
    ImageProfile { repository: "registry.k8s.io/kube-controller-manager", idle_cpu_millis: 16, idle_memory_mi: 55, cpu_per_request: 0.0 },
    ImageProfile { repository: "registry.k8s.io/kube-scheduler", idle_cpu_millis: 4, idle_memory_mi: 24, cpu_per_request: 0.0 },
    ImageProfile { repository: "registry.k8s.io/kube-proxy", idle_cpu_millis: 1, idle_memory_mi: 17, cpu_per_request: 0.0 },
    ImageProfile { repository: "registry.k8s.io/coredns/coredns", idle_cpu_millis: 2, idle_memory_mi: 14, cpu_per_request: 0.0 },
    ImageProfile { repository: "registry.k8s.io/metrics-server/metrics-server", idle_cpu_millis: 3, idle_memory_mi: 21, cpu_per_request: 0.0 },
    ImageProfile { repository: "docker.io/calico/node", idle_cpu_millis: 22, idle_memory_mi: 118, cpu_per_request: 0.0 },
    ImageProfile { repository: "docker.io/calico/kube-controllers", idle_cpu_millis: 2, idle_memory_mi: 16, cpu_per_request: 0.0 },
    ImageProfile { repository: "docker.io/flannel/flannel", idle_cpu_millis: 3, idle_memory_mi: 14, cpu_per_request: 0.0 },
];

fn profile(image: &str) -> Option<&'static ImageProfile> {
    let r = ImageRef::parse(image);
    let repo = ImageRef { tag: "latest".into(), implicit_tag: false, ..r }.canonical_repository();
    PROFILES.iter().find(|p| ImageRef::parse(p.repository).canonical_repository() == repo)
}

/// The words of a container's command line (`command` + `args`, split on blanks).
fn command_words(c: &Container) -> Vec<String> {
    c.command
        .iter()
        .flatten()
        .chain(c.args.iter().flatten())
        .flat_map(|w| w.split_whitespace().map(str::to_string).collect::<Vec<_>>())
        .collect()
}

fn flag_value<'a>(words: &'a [String], names: &[&str]) -> Option<&'a str> {
    words.iter().position(|w| names.contains(&w.as_str())).and_then(|i| words.get(i + 1)).map(|s| s.trim_matches('"'))
}

/// Memory a stress tool is told to hold (`stress --vm 1 --vm-bytes 150M`,
/// `stress -mem-total 150Mi`), if the container runs one.
pub fn stress_memory_bytes(c: &Container) -> Option<i64> {
    let words = command_words(c);
    let image = c.image.clone().unwrap_or_default();
    if !image.contains("stress") {
        return None;
    }
    if let Some(v) = flag_value(&words, &["--vm-bytes"]) {
        let workers = flag_value(&words, &["--vm"]).and_then(|n| n.parse::<i64>().ok()).unwrap_or(1);
        let per = bytes(&k8s_openapi::apimachinery::pkg::api::resource::Quantity(v.trim_end_matches('B').replace('M', "Mi").replace('G', "Gi").replace("Mii", "Mi").replace("Gii", "Gi")))?;
        return Some(workers * per);
    }
    let v = flag_value(&words, &["-mem-total", "--mem-total"])?;
    bytes(&k8s_openapi::apimachinery::pkg::api::resource::Quantity(v.to_string()))
}

/// Whether the container runs a stress tool, which keeps going until stopped.
pub fn is_stress_tool(c: &Container) -> bool {
    c.image.as_deref().is_some_and(|i| i.contains("stress")) && !command_words(c).iter().any(|w| w == "--timeout" || w == "-t")
}

/// CPU a stress tool burns (`stress --cpu 2`, `stress -cpus 2`).
fn stress_cpu_millis(c: &Container) -> Option<i64> {
    let image = c.image.clone().unwrap_or_default();
    if !image.contains("stress") {
        return None;
    }
    let words = command_words(c);
    let n: f64 = flag_value(&words, &["--cpu", "-c", "-cpus", "--cpus"]).and_then(|v| v.parse().ok()).unwrap_or(0.0);
    Some((n * 1000.0) as i64)
}

fn limit<'a>(c: &'a Container, resource: &str) -> Option<&'a k8s_openapi::apimachinery::pkg::api::resource::Quantity> {
    c.resources.as_ref()?.limits.as_ref()?.get(resource)
}

/// Whether a container's image wants more memory than its limit allows (the
/// kernel's OOM killer ends it: `OOMKilled`, exit code 137).
pub fn exceeds_memory_limit(c: &Container) -> bool {
    match (stress_memory_bytes(c), limit(c, "memory").and_then(bytes)) {
        (Some(want), Some(max)) => want > max,
        _ => false,
    }
}

/// A stable pseudo-random factor in [0.9, 1.1) for one container and window, so
/// values wobble between scrapes but replay identically.
fn wobble(seed: &str, window: i64) -> f64 {
    let mut h: u64 = 0xcbf29ce484222325;
    for b in seed.bytes().chain(window.to_le_bytes()) {
        h ^= b as u64;
        h = h.wrapping_mul(0x100000001b3);
    }
    0.9 + (h % 2000) as f64 / 10_000.0
}

fn started_at(pod: &Pod, container: &str) -> Option<SimTime> {
    let cs = pod.status.as_ref()?.container_statuses.as_ref()?.iter().find(|s| s.name == container)?;
    let t = cs.state.as_ref()?.running.as_ref()?.started_at.as_ref()?;
    Some(SimTime::from_k8s(t))
}

fn is_ready(pod: &Pod) -> bool {
    pod.status
        .as_ref()
        .and_then(|s| s.conditions.as_ref())
        .is_some_and(|cs| cs.iter().any(|c| c.type_ == "Ready" && c.status == "True"))
}

/// Requests per second each pod served in the metrics window before the current
/// one (what metrics-server's last scrape saw).
fn served_per_pod(c: &Cluster) -> BTreeMap<ObjectKey, f64> {
    let (start, _) = window(c.now());
    let from = start.plus_ms(-RESOLUTION_MS);
    let pods = c.store.pods.index();
    let mut out = BTreeMap::new();
    for (uid, traffic) in &c.network.served {
        let Some(key) = pods.key_of_uid(uid) else { continue };
        let n = traffic.recent.iter().rev().take_while(|at| **at >= from).filter(|at| **at < start).count();
        if n > 0 {
            out.insert(key.clone(), n as f64 * 1000.0 / RESOLUTION_MS as f64);
        }
    }
    out
}

/// Requests per second arriving at each pod: what it served, plus every
/// `add_load` Service's rate spread evenly over its ready endpoints (kube-proxy
/// picks at random, so evenly on average).
fn requests_per_pod(c: &Cluster) -> BTreeMap<ObjectKey, f64> {
    let per_service: BTreeMap<ObjectKey, f64> = c.load.clone();
    let mut out = served_per_pod(c);
    for (svc_key, rps) in per_service {
        let Some(svc) = c.store.services.get(&svc_key) else { continue };
        let selector = svc.spec.as_ref().and_then(|s| s.selector.as_ref());
        let ready: Vec<ObjectKey> = c
            .store
            .pods
            .list(Some(&svc_key.namespace))
            .filter(|p| p.metadata.deletion_timestamp.is_none() && is_ready(p))
            .filter(|p| map_selects(selector, p.metadata.labels.as_ref()))
            .map(|p| ObjectKey::of(&p.metadata))
            .collect();
        if ready.is_empty() {
            continue;
        }
        let share = rps / ready.len() as f64;
        for k in ready {
            *out.entry(k).or_default() += share;
        }
    }
    out
}

/// Usage of one running container in the current window.
fn container_usage(pod: &Pod, ctr: &Container, rps: f64, window: i64) -> Usage {
    let prof = ctr.image.as_deref().and_then(profile);
    let (idle_cpu, idle_mem, per_req) = prof.map(|p| (p.idle_cpu_millis, p.idle_memory_mi, p.cpu_per_request)).unwrap_or((1, 4, 0.05));
    // Seeded by name, not uid, so the figures do not shift when unrelated objects
    // consume the RNG.
    let seed = format!("{}/{}/{}", pod.metadata.namespace.clone().unwrap_or_default(), pod.metadata.name.clone().unwrap_or_default(), ctr.name);
    let w = wobble(&seed, window);
    let mut cpu = idle_cpu as f64 * w + rps * per_req * w;
    if let Some(stress) = stress_cpu_millis(ctr) {
        cpu += stress as f64;
    }
    if let Some(max) = limit(ctr, "cpu").and_then(millis) {
        // CFS quota throttles a container at its limit.
        cpu = cpu.min(max as f64);
    }
    let mut mem = (idle_mem * MI) as f64 * (0.97 + (w - 0.9) * 0.3);
    if let Some(m) = stress_memory_bytes(ctr) {
        mem += m as f64;
    }
    Usage { cpu_millis: cpu.round() as i64, memory_bytes: mem as i64 }
}

/// The start of the metrics window `now` falls in, and its index.
fn window(now: SimTime) -> (SimTime, i64) {
    let idx = now.0.div_euclid(RESOLUTION_MS);
    (SimTime(idx * RESOLUTION_MS), idx)
}

/// Metrics of every pod that has them (in `namespace`, or all), in list order.
pub fn pod_metrics(c: &Cluster, namespace: Option<&str>) -> Vec<PodMetrics> {
    let (scraped, idx) = window(c.now());
    let rps = requests_per_pod(c);
    let mut out = Vec::new();
    for p in c.store.pods.list(namespace) {
        if p.status.as_ref().and_then(|s| s.phase.as_deref()) != Some("Running") {
            continue;
        }
        let key = ObjectKey::of(&p.metadata);
        let pod_rps = rps.get(&key).copied().unwrap_or(0.0);
        let containers: Vec<(String, Usage)> = p
            .spec
            .iter()
            .flat_map(|s| s.containers.iter())
            .filter(|ctr| started_at(p, &ctr.name).is_some_and(|t| t.plus_ms(RESOLUTION_MS) <= scraped))
            .map(|ctr| (ctr.name.clone(), container_usage(p, ctr, pod_rps, idx)))
            .collect();
        if !containers.is_empty() {
            out.push(PodMetrics { key, containers });
        }
    }
    out
}

/// What the node's own processes use besides pods (kubelet, containerd, the OS).
fn system_overhead(node: &Node) -> Usage {
    let control_plane = node.metadata.labels.as_ref().is_some_and(|l| l.contains_key("node-role.kubernetes.io/control-plane"));
    if control_plane {
        Usage { cpu_millis: 38, memory_bytes: 812 * MI }
    } else {
        Usage { cpu_millis: 19, memory_bytes: 468 * MI }
    }
}

/// Node metrics of every ready node: its pods plus its own overhead.
pub fn node_metrics(c: &Cluster) -> Vec<(String, Usage)> {
    let (_, idx) = window(c.now());
    let pods = pod_metrics(c, None);
    let mut by_node: BTreeMap<String, Usage> = BTreeMap::new();
    for m in &pods {
        if let Some(node) = c.store.pods.get(&m.key).and_then(|p| p.spec.as_ref()?.node_name.clone()) {
            let e = by_node.entry(node).or_default();
            *e = *e + m.total();
        }
    }
    c.store
        .nodes
        .list(None)
        .filter(|n| {
            n.status.as_ref().and_then(|s| s.conditions.as_ref()).is_some_and(|cs| cs.iter().any(|c| c.type_ == "Ready" && c.status == "True"))
        })
        .map(|n| {
            let name = n.metadata.name.clone().unwrap_or_default();
            let base = system_overhead(n);
            let w = wobble(&name, idx);
            let own = Usage { cpu_millis: (base.cpu_millis as f64 * w) as i64, memory_bytes: (base.memory_bytes as f64 * (0.99 + (w - 0.9) * 0.1)) as i64 };
            (name.clone(), own + by_node.get(&name).copied().unwrap_or_default())
        })
        .collect()
}

/// Whether the Metrics API is served (metrics-server runs in kube-system).
pub fn api_available(c: &Cluster) -> bool {
    c.store
        .pods
        .list(Some("kube-system"))
        .any(|p| p.metadata.labels.as_ref().and_then(|l| l.get("k8s-app")).map(String::as_str) == Some("metrics-server") && is_ready(p))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn stress(args: &[&str], limit_mem: &str) -> Container {
        Container {
            name: "s".into(),
            image: Some("polinux/stress".into()),
            command: Some(vec!["stress".into()]),
            args: Some(args.iter().map(|s| s.to_string()).collect()),
            resources: Some(k8s_openapi::api::core::v1::ResourceRequirements {
                limits: Some([("memory".to_string(), k8s_openapi::apimachinery::pkg::api::resource::Quantity(limit_mem.into()))].into()),
                ..Default::default()
            }),
            ..Default::default()
        }
    }

    #[test]
    fn stress_memory_against_limits() {
        let ok = stress(&["--vm", "1", "--vm-bytes", "150M", "--vm-hang", "1"], "200Mi");
        assert_eq!(stress_memory_bytes(&ok), Some(150 * MI));
        assert!(!exceeds_memory_limit(&ok));
        let oom = stress(&["--vm", "1", "--vm-bytes", "250M", "--vm-hang", "1"], "100Mi");
        assert!(exceeds_memory_limit(&oom));
    }

    #[test]
    fn wobble_stays_within_ten_percent() {
        for i in 0..50 {
            let w = wobble("x", i);
            assert!((0.9..1.1).contains(&w));
        }
    }
}
