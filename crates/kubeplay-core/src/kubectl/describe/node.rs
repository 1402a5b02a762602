//! `kubectl describe node` (describe.go `NodeDescriber`, `describeNode`,
//! `describeNodeLease`, `describeNodeResource`).

use std::collections::BTreeMap;

use k8s_openapi::api::core::v1::{Node, Pod};

use super::events::{describe_events, search, EventQuery};
use super::fields::{self, rfc1123z, rfc1123z_or_zero};
use super::pod_spec::pod_requests_and_limits;
use super::writer::{PrefixWriter, LEVEL_0, LEVEL_1};
use super::{Settings, Target};
use crate::api::{ApiError, ApiKind};
use crate::cluster::Cluster;
use crate::kubectl::printers::{age, node_roles};
use crate::printers::quantity::Quantity;
use crate::time::SimTime;

/// The kubelet renews its node lease every 10 s (a quarter of the 40 s lease).
const LEASE_RENEW_MS: i64 = 10_000;

pub fn describe(cluster: &Cluster, t: &Target, settings: &Settings) -> Result<String, ApiError> {
    let node = cluster.store.get::<Node>("", t.name).ok_or_else(|| ApiError::not_found(&Node::qualified_resource(), t.name))?;
    let now = cluster.now();
    let m = &node.metadata;
    let spec = node.spec.clone().unwrap_or_default();
    let status = node.status.clone().unwrap_or_default();
    let mut w = PrefixWriter::new();
    w.write(LEVEL_0, &format!("Name:\t{}\n", t.name));
    w.write(LEVEL_0, &format!("Roles:\t{}\n", node_roles(node)));
    fields::labels(&mut w, "Labels", m.labels.as_ref());
    fields::annotations(&mut w, "Annotations", m.annotations.as_ref());
    w.write(LEVEL_0, &format!("CreationTimestamp:\t{}\n", rfc1123z_or_zero(m.creation_timestamp.as_ref())));
    fields::taints(&mut w, "Taints", spec.taints.as_ref());
    w.write(LEVEL_0, &format!("Unschedulable:\t{}\n", spec.unschedulable.unwrap_or(false)));
    // kube-node-lease/<node>: held by the kubelet, renewed every 10 s while it runs.
    w.write(LEVEL_0, "Lease:\n");
    w.write(LEVEL_1, &format!("HolderIdentity:\t{}\n", t.name));
    w.write(LEVEL_1, "AcquireTime:\t<unset>\n");
    let ready = status.conditions.iter().flatten().find(|c| c.type_ == "Ready");
    let renew = match ready {
        Some(c) if c.status == "True" => {
            let born = m.creation_timestamp.as_ref().map(SimTime::from_k8s).unwrap_or(now);
            let since = now.millis_since(born).max(0);
            Some(SimTime(now.0 - since % LEASE_RENEW_MS).to_k8s())
        }
        _ => ready.and_then(|c| c.last_heartbeat_time.clone()),
    };
    w.write(LEVEL_1, &format!("RenewTime:\t{}\n", renew.as_ref().map(rfc1123z).unwrap_or_else(|| "<unset>".into())));
    if let Some(conds) = status.conditions.as_ref().filter(|c| !c.is_empty()) {
        w.write(LEVEL_0, "Conditions:\n  Type\tStatus\tLastHeartbeatTime\tLastTransitionTime\tReason\tMessage\n");
        w.write(LEVEL_1, "----\t------\t-----------------\t------------------\t------\t-------\n");
        for c in conds {
            w.write(
                LEVEL_1,
                &format!(
                    "{} \t{} \t{} \t{} \t{} \t{}\n",
                    c.type_,
                    c.status,
                    rfc1123z_or_zero(c.last_heartbeat_time.as_ref()),
                    rfc1123z_or_zero(c.last_transition_time.as_ref()),
                    c.reason.as_deref().unwrap_or(""),
                    c.message.as_deref().unwrap_or("")
                ),
            );
        }
    }
    w.write(LEVEL_0, "Addresses:\n");
    for a in status.addresses.iter().flatten() {
        w.write(LEVEL_1, &format!("{}:\t{}\n", a.type_, a.address));
    }
    for (title, list) in [("Capacity", &status.capacity), ("Allocatable", &status.allocatable)] {
        if let Some(list) = list.as_ref().filter(|l| !l.is_empty()) {
            w.write(LEVEL_0, &format!("{title}:\n"));
            for (name, q) in list {
                let shown = Quantity::parse(&q.0).map(|q| q.to_canonical()).unwrap_or_else(|| q.0.clone());
                w.write(LEVEL_0, &format!("  {name}:\t{shown}\n"));
            }
        }
    }
    let info = status.node_info.clone().unwrap_or_default();
    w.write(LEVEL_0, "System Info:\n");
    for (k, v) in [
        ("Machine ID", &info.machine_id),
        ("System UUID", &info.system_uuid),
        ("Boot ID", &info.boot_id),
        ("Kernel Version", &info.kernel_version),
        ("OS Image", &info.os_image),
        ("Operating System", &info.operating_system),
        ("Architecture", &info.architecture),
        ("Container Runtime Version", &info.container_runtime_version),
        ("Kubelet Version", &info.kubelet_version),
    ] {
        w.write(LEVEL_0, &format!("  {k}:\t{v}\n"));
    }
    w.write(LEVEL_0, &format!("  Kube-Proxy Version:\t{}\n", info.kube_proxy_version));
    if let Some(cidr) = spec.pod_cidr.as_deref().filter(|s| !s.is_empty()) {
        w.write(LEVEL_0, &format!("PodCIDR:\t{cidr}\n"));
    }
    if let Some(cidrs) = spec.pod_cidrs.as_ref().filter(|c| !c.is_empty()) {
        w.write(LEVEL_0, &format!("PodCIDRs:\t{}\n", cidrs.join(",")));
    }
    if let Some(p) = spec.provider_id.as_deref().filter(|s| !s.is_empty()) {
        w.write(LEVEL_0, &format!("ProviderID:\t{p}\n"));
    }
    let pods: Vec<&Pod> = cluster
        .store
        .pods
        .list(None)
        .filter(|p| p.spec.as_ref().and_then(|s| s.node_name.as_deref()) == Some(t.name))
        .filter(|p| !matches!(p.status.as_ref().and_then(|s| s.phase.as_deref()), Some("Succeeded") | Some("Failed")))
        .collect();
    let allocatable = status.allocatable.clone().filter(|a| !a.is_empty()).or(status.capacity.clone()).unwrap_or_default();
    node_resources(&mut w, &pods, &allocatable, now);
    if settings.show_events {
        let uid = m.uid.clone().unwrap_or_default();
        let mut events = search(cluster, &EventQuery { name: t.name, namespace: "", kind: Some("Node"), uid: &uid });
        events.extend(search(cluster, &EventQuery { name: t.name, namespace: "", kind: Some("Node"), uid: t.name }));
        describe_events(&mut w, &events, now);
    }
    Ok(w.finish())
}

type Quantities = BTreeMap<String, k8s_openapi::apimachinery::pkg::api::resource::Quantity>;

fn quantity(list: &Quantities, name: &str) -> Quantity {
    list.get(name).and_then(|q| Quantity::parse(&q.0)).unwrap_or(Quantity::ZERO)
}

/// `int64(float64(a)/float64(b)*100)`.
fn percent(part: i64, whole: i64) -> i64 {
    if whole == 0 {
        return 0;
    }
    (part as f64 / whole as f64 * 100.0) as i64
}

fn node_resources(w: &mut PrefixWriter, pods: &[&Pod], allocatable: &Quantities, now: SimTime) {
    w.write(LEVEL_0, &format!("Non-terminated Pods:\t({} in total)\n", pods.len()));
    w.write(LEVEL_1, "Namespace\tName\t\tCPU Requests\tCPU Limits\tMemory Requests\tMemory Limits\tAge\n");
    w.write(LEVEL_1, "---------\t----\t\t------------\t----------\t---------------\t-------------\t---\n");
    let cpu_alloc = quantity(allocatable, "cpu").milli_value();
    let mem_alloc = quantity(allocatable, "memory").value();
    let mut total_req = BTreeMap::new();
    let mut total_lim = BTreeMap::new();
    for p in pods {
        let (req, lim) = pod_requests_and_limits(p);
        let get = |m: &BTreeMap<String, Quantity>, n: &str| m.get(n).copied().unwrap_or(Quantity::ZERO);
        let (cr, cl, mr, ml) = (get(&req, "cpu"), get(&lim, "cpu"), get(&req, "memory"), get(&lim, "memory"));
        w.write(
            LEVEL_1,
            &format!(
                "{}\t{}\t\t{cr} ({}%)\t{cl} ({}%)\t{mr} ({}%)\t{ml} ({}%)\t{}\n",
                p.metadata.namespace.as_deref().unwrap_or(""),
                p.metadata.name.as_deref().unwrap_or(""),
                percent(cr.milli_value(), cpu_alloc),
                percent(cl.milli_value(), cpu_alloc),
                percent(mr.value(), mem_alloc),
                percent(ml.value(), mem_alloc),
                age(now, p.metadata.creation_timestamp.as_ref())
            ),
        );
        for (totals, list) in [(&mut total_req, req), (&mut total_lim, lim)] {
            for (k, q) in list {
                let sum = totals.get(&k).map_or(q, |t: &Quantity| t.add(&q));
                totals.insert(k, sum);
            }
        }
    }
    w.write(LEVEL_0, "Allocated resources:\n  (Total limits may be over 100 percent, i.e., overcommitted.)\n");
    w.write(LEVEL_1, "Resource\tRequests\tLimits\n");
    w.write(LEVEL_1, "--------\t--------\t------\n");
    let get = |m: &BTreeMap<String, Quantity>, n: &str| m.get(n).copied().unwrap_or(Quantity::ZERO);
    let eph_alloc = quantity(allocatable, "ephemeral-storage").value();
    for (name, whole, milli) in [("cpu", cpu_alloc, true), ("memory", mem_alloc, false), ("ephemeral-storage", eph_alloc, false)] {
        let (r, l) = (get(&total_req, name), get(&total_lim, name));
        let v = |q: Quantity| if milli { q.milli_value() } else { q.value() };
        w.write(LEVEL_1, &format!("{name}\t{r} ({}%)\t{l} ({}%)\n", percent(v(r), whole), percent(v(l), whole)));
    }
    for name in allocatable.keys().filter(|k| k.starts_with("hugepages-")) {
        let (r, l) = (get(&total_req, name), get(&total_lim, name));
        let whole = quantity(allocatable, name).value();
        w.write(LEVEL_1, &format!("{name}\t{r} ({}%)\t{l} ({}%)\n", percent(r.value(), whole), percent(l.value(), whole)));
    }
    let standard = ["cpu", "memory", "ephemeral-storage", "pods", "storage"];
    for name in allocatable.keys().filter(|k| !k.starts_with("hugepages-") && !standard.contains(&k.as_str()) && !k.starts_with("requests.") && !k.starts_with("limits.")) {
        w.write(LEVEL_1, &format!("{name}\t{}\t{}\n", get(&total_req, name), get(&total_lim, name)));
    }
}
