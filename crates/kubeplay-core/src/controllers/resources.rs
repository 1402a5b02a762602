//! Resource quantities (`100m`, `128Mi`, `2`) and what a pod requests, for the
//! scheduler's fit check.

use k8s_openapi::api::core::v1::{Node, Pod};
use k8s_openapi::apimachinery::pkg::api::resource::Quantity;

/// Parses a quantity into milli-units (CPU: millicores; memory: milli-bytes would
/// overflow, so memory uses [`bytes`]).
pub fn millis(q: &Quantity) -> Option<i64> {
    let s = q.0.trim();
    if let Some(m) = s.strip_suffix('m') {
        return m.parse::<i64>().ok();
    }
    let v: f64 = s.parse().ok()?;
    Some((v * 1000.0).round() as i64)
}

/// Parses a memory-style quantity into bytes (`128Mi`, `1G`, `4005900Ki`, `500000`).
pub fn bytes(q: &Quantity) -> Option<i64> {
    let s = q.0.trim();
    const SUFFIXES: &[(&str, i64)] = &[
        ("Ki", 1 << 10),
        ("Mi", 1 << 20),
        ("Gi", 1 << 30),
        ("Ti", 1 << 40),
        ("k", 1_000),
        ("M", 1_000_000),
        ("G", 1_000_000_000),
        ("T", 1_000_000_000_000),
    ];
    for (suffix, mult) in SUFFIXES {
        if let Some(n) = s.strip_suffix(suffix) {
            let v: f64 = n.parse().ok()?;
            return Some((v * *mult as f64) as i64);
        }
    }
    if let Some(m) = s.strip_suffix('m') {
        return m.parse::<i64>().ok().map(|v| v / 1000);
    }
    s.parse::<f64>().ok().map(|v| v as i64)
}

/// The sum of a pod's container requests: (millicores, bytes).
pub fn pod_requests(pod: &Pod) -> (i64, i64) {
    let Some(spec) = &pod.spec else { return (0, 0) };
    spec.containers.iter().fold((0, 0), |(cpu, mem), c| {
        let req = c.resources.as_ref().and_then(|r| r.requests.as_ref());
        let cpu_q = req.and_then(|r| r.get("cpu")).and_then(millis).unwrap_or(0);
        let mem_q = req.and_then(|r| r.get("memory")).and_then(bytes).unwrap_or(0);
        (cpu + cpu_q, mem + mem_q)
    })
}

/// What a node offers pods, from `status.allocatable`: (millicores, bytes, pod count).
/// The scheduler's fit check and the page's capacity bars read the same figures.
pub fn allocatable(node: &Node) -> (i64, i64, i64) {
    let alloc = node.status.as_ref().and_then(|s| s.allocatable.as_ref());
    let cpu = alloc.and_then(|a| a.get("cpu")).and_then(millis).unwrap_or(0);
    let mem = alloc.and_then(|a| a.get("memory")).and_then(bytes).unwrap_or(0);
    let pods = alloc.and_then(|a| a.get("pods")).and_then(millis).map(|m| m / 1000).unwrap_or(110);
    (cpu, mem, pods)
}

/// Whether a pod still holds its requests on its node: pods that ended (Succeeded,
/// Failed) no longer count against the node's allocatable.
pub fn holds_resources(p: &Pod) -> bool {
    let phase = p.status.as_ref().and_then(|s| s.phase.as_deref());
    !matches!(phase, Some("Succeeded") | Some("Failed"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_quantities() {
        assert_eq!(millis(&Quantity("100m".into())), Some(100));
        assert_eq!(millis(&Quantity("2".into())), Some(2000));
        assert_eq!(millis(&Quantity("0.5".into())), Some(500));
        assert_eq!(bytes(&Quantity("128Mi".into())), Some(128 << 20));
        assert_eq!(bytes(&Quantity("1G".into())), Some(1_000_000_000));
        assert_eq!(bytes(&Quantity("junk".into())), None);
    }
}
