//! Table columns and cells per kind (k/k pkg/printers/internalversion/printers.go).
//! Each function returns every column, wide ones included; `get` drops the wide
//! ones unless `-o wide`.

pub mod apps;
pub mod autoscaling;
pub mod batch;
pub mod network;
pub mod storage;

use k8s_openapi::api::core::v1::{ConfigMap, Event, Namespace, Node, Pod, Secret, Service, ServiceAccount};
use k8s_openapi::apimachinery::pkg::apis::meta::v1::{ObjectMeta, Time};

use crate::api::ApiKind;
use crate::printers::duration::human_duration;
use crate::time::SimTime;

/// A column: header as kubectl prints it, and whether it appears only with `-o wide`.
pub type Column = (&'static str, bool);

/// A kind kubectl can print as a table.
pub trait Printable: ApiKind {
    const COLUMNS: &'static [Column];
    fn cells(&self, now: SimTime) -> Vec<String>;
}

pub fn age(now: SimTime, t: Option<&Time>) -> String {
    match t {
        Some(t) => human_duration(now.millis_since(SimTime::from_k8s(t))),
        None => "<unknown>".into(),
    }
}

fn created(meta: &ObjectMeta, now: SimTime) -> String {
    age(now, meta.creation_timestamp.as_ref())
}

fn name_of(meta: &ObjectMeta) -> String {
    meta.name.clone().unwrap_or_default()
}

/// What `get pods` shows for a pod: READY, STATUS and RESTARTS (printers.go `printPod`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PodSummary {
    pub ready: usize,
    pub total: usize,
    pub status: String,
    pub restarts: i32,
    /// When the last container termination finished, for `3 (25s ago)`.
    pub last_restart: Option<SimTime>,
}

pub fn pod_summary(pod: &Pod) -> PodSummary {
    let spec = pod.spec.as_ref();
    let status = pod.status.as_ref();
    let mut reason = status.and_then(|s| s.phase.clone()).unwrap_or_default();
    if let Some(r) = status.and_then(|s| s.reason.clone()).filter(|r| !r.is_empty()) {
        reason = r;
    }
    if status
        .and_then(|s| s.conditions.as_ref())
        .is_some_and(|cs| cs.iter().any(|c| c.type_ == "PodScheduled" && c.reason.as_deref() == Some("SchedulingGated")))
    {
        reason = "SchedulingGated".into();
    }
    let init_specs = spec.and_then(|s| s.init_containers.clone()).unwrap_or_default();
    let sidecars = init_specs.iter().filter(|c| c.restart_policy.as_deref() == Some("Always")).count();
    let total = spec.map(|s| s.containers.len()).unwrap_or(0) + sidecars;
    let mut ready = 0;
    let mut restarts = 0;
    let mut last_restart: Option<SimTime> = None;
    let mut note_restart = |cs: &k8s_openapi::api::core::v1::ContainerStatus| {
        if let Some(t) = cs.last_state.as_ref().and_then(|l| l.terminated.as_ref()).and_then(|t| t.finished_at.as_ref()) {
            let t = SimTime::from_k8s(t);
            if last_restart.is_none_or(|l| t > l) {
                last_restart = Some(t);
            }
        }
    };
    let mut initializing = false;
    let init_statuses = status.and_then(|s| s.init_container_statuses.clone()).unwrap_or_default();
    for (i, cs) in init_statuses.iter().enumerate() {
        restarts += cs.restart_count;
        note_restart(cs);
        let st = cs.state.as_ref();
        let is_sidecar = init_specs.get(i).is_some_and(|c| c.restart_policy.as_deref() == Some("Always"));
        if let Some(t) = st.and_then(|s| s.terminated.as_ref()) {
            if t.exit_code == 0 {
                continue;
            }
        }
        if is_sidecar && cs.started == Some(true) {
            if cs.ready {
                ready += 1;
            }
            continue;
        }
        initializing = true;
        reason = if let Some(t) = st.and_then(|s| s.terminated.as_ref()) {
            match t.reason.as_deref() {
                Some(r) if !r.is_empty() => format!("Init:{r}"),
                _ if t.signal.unwrap_or(0) != 0 => format!("Init:Signal:{}", t.signal.unwrap_or(0)),
                _ => format!("Init:ExitCode:{}", t.exit_code),
            }
        } else if let Some(r) = st.and_then(|s| s.waiting.as_ref()).and_then(|w| w.reason.clone()).filter(|r| !r.is_empty() && r != "PodInitializing") {
            format!("Init:{r}")
        } else {
            format!("Init:{i}/{}", init_specs.len())
        };
        break;
    }
    let initialized = status
        .and_then(|s| s.conditions.as_ref())
        .is_some_and(|cs| cs.iter().any(|c| c.type_ == "Initialized" && c.status == "True"));
    if !initializing || initialized {
        restarts = 0;
        let mut has_running = false;
        let statuses = status.and_then(|s| s.container_statuses.clone()).unwrap_or_default();
        for cs in statuses.iter().rev() {
            restarts += cs.restart_count;
            note_restart(cs);
            let st = cs.state.as_ref();
            if let Some(r) = st.and_then(|s| s.waiting.as_ref()).and_then(|w| w.reason.clone()).filter(|r| !r.is_empty()) {
                reason = r;
            } else if let Some(t) = st.and_then(|s| s.terminated.as_ref()) {
                reason = match t.reason.as_deref() {
                    Some(r) if !r.is_empty() => r.to_string(),
                    _ if t.signal.unwrap_or(0) != 0 => format!("Signal:{}", t.signal.unwrap_or(0)),
                    _ => format!("ExitCode:{}", t.exit_code),
                };
            } else if st.is_some_and(|s| s.running.is_some()) && cs.ready {
                has_running = true;
                ready += 1;
            }
        }
        if reason == "Completed" && has_running {
            let pod_ready = status
                .and_then(|s| s.conditions.as_ref())
                .is_some_and(|cs| cs.iter().any(|c| c.type_ == "Ready" && c.status == "True"));
            reason = if pod_ready { "Running".into() } else { "NotReady".into() };
        }
    }
    if pod.metadata.deletion_timestamp.is_some() {
        if status.and_then(|s| s.reason.as_deref()) == Some("NodeLost") {
            reason = "Unknown".into();
        } else if !matches!(status.and_then(|s| s.phase.as_deref()), Some("Succeeded") | Some("Failed")) {
            reason = "Terminating".into();
        }
    }
    PodSummary { ready, total, status: reason, restarts, last_restart }
}

impl Printable for Pod {
    const COLUMNS: &'static [Column] = &[
        ("NAME", false),
        ("READY", false),
        ("STATUS", false),
        ("RESTARTS", false),
        ("AGE", false),
        ("IP", true),
        ("NODE", true),
        ("NOMINATED NODE", true),
        ("READINESS GATES", true),
    ];

    fn cells(&self, now: SimTime) -> Vec<String> {
        let s = pod_summary(self);
        let restarts = match s.last_restart {
            Some(t) if s.restarts > 0 => format!("{} ({} ago)", s.restarts, human_duration(now.millis_since(t))),
            _ => s.restarts.to_string(),
        };
        let status = self.status.as_ref();
        let gates = self.spec.as_ref().and_then(|s| s.readiness_gates.as_ref()).filter(|g| !g.is_empty());
        let gates_cell = match gates {
            None => "<none>".to_string(),
            Some(g) => {
                let conds = status.and_then(|s| s.conditions.clone()).unwrap_or_default();
                let true_count = g
                    .iter()
                    .filter(|gate| conds.iter().any(|c| c.type_ == gate.condition_type && c.status == "True"))
                    .count();
                format!("{true_count}/{}", g.len())
            }
        };
        vec![
            self.metadata.name.clone().unwrap_or_default(),
            format!("{}/{}", s.ready, s.total),
            s.status,
            restarts,
            created(&self.metadata, now),
            status.and_then(|s| s.pod_ip.clone()).filter(|i| !i.is_empty()).unwrap_or_else(|| "<none>".into()),
            self.spec.as_ref().and_then(|s| s.node_name.clone()).filter(|n| !n.is_empty()).unwrap_or_else(|| "<none>".into()),
            status.and_then(|s| s.nominated_node_name.clone()).filter(|n| !n.is_empty()).unwrap_or_else(|| "<none>".into()),
            gates_cell,
        ]
    }
}

/// `Ready`, `NotReady`, `Unknown`, plus `,SchedulingDisabled` when cordoned.
pub fn node_status(node: &Node) -> String {
    let ready = node
        .status
        .as_ref()
        .and_then(|s| s.conditions.as_ref())
        .and_then(|cs| cs.iter().find(|c| c.type_ == "Ready"));
    let mut s = match ready {
        Some(c) if c.status == "True" => "Ready".to_string(),
        Some(_) => "NotReady".to_string(),
        None => "Unknown".to_string(),
    };
    if node.spec.as_ref().and_then(|s| s.unschedulable).unwrap_or(false) {
        s.push_str(",SchedulingDisabled");
    }
    s
}

/// Roles from `node-role.kubernetes.io/<role>` labels and `kubernetes.io/role`.
pub fn node_roles(node: &Node) -> String {
    let mut roles: Vec<String> = Vec::new();
    for (k, v) in node.metadata.labels.iter().flatten() {
        if let Some(role) = k.strip_prefix("node-role.kubernetes.io/") {
            if !role.is_empty() {
                roles.push(role.to_string());
            }
        } else if k == "kubernetes.io/role" && !v.is_empty() {
            roles.push(v.clone());
        }
    }
    crate::sorting::sort(&mut roles);
    roles.dedup();
    if roles.is_empty() {
        "<none>".into()
    } else {
        roles.join(",")
    }
}

impl Printable for Node {
    const COLUMNS: &'static [Column] = &[
        ("NAME", false),
        ("STATUS", false),
        ("ROLES", false),
        ("AGE", false),
        ("VERSION", false),
        ("INTERNAL-IP", true),
        ("EXTERNAL-IP", true),
        ("OS-IMAGE", true),
        ("KERNEL-VERSION", true),
        ("CONTAINER-RUNTIME", true),
    ];

    fn cells(&self, now: SimTime) -> Vec<String> {
        let status = self.status.as_ref();
        let address = |t: &str| {
            status
                .and_then(|s| s.addresses.as_ref())
                .and_then(|a| a.iter().find(|a| a.type_ == t))
                .map(|a| a.address.clone())
                .unwrap_or_else(|| "<none>".into())
        };
        let info = status.and_then(|s| s.node_info.clone()).unwrap_or_default();
        let or_unknown = |s: String| if s.is_empty() { "<unknown>".to_string() } else { s };
        vec![
            self.metadata.name.clone().unwrap_or_default(),
            node_status(self),
            node_roles(self),
            created(&self.metadata, now),
            info.kubelet_version.clone(),
            address("InternalIP"),
            address("ExternalIP"),
            or_unknown(info.os_image),
            or_unknown(info.kernel_version),
            or_unknown(info.container_runtime_version),
        ]
    }
}

impl Printable for Namespace {
    const COLUMNS: &'static [Column] = &[("NAME", false), ("STATUS", false), ("AGE", false)];

    fn cells(&self, now: SimTime) -> Vec<String> {
        vec![
            self.metadata.name.clone().unwrap_or_default(),
            self.status.as_ref().and_then(|s| s.phase.clone()).unwrap_or_default(),
            created(&self.metadata, now),
        ]
    }
}

/// `labels.FormatLabels`: `k=v` sorted by key, `<none>` when empty.
pub fn format_labels(labels: Option<&std::collections::BTreeMap<String, String>>) -> String {
    match labels {
        Some(l) if !l.is_empty() => l.iter().map(|(k, v)| format!("{k}={v}")).collect::<Vec<_>>().join(","),
        _ => "<none>".into(),
    }
}

impl Printable for Service {
    const COLUMNS: &'static [Column] = &[
        ("NAME", false),
        ("TYPE", false),
        ("CLUSTER-IP", false),
        ("EXTERNAL-IP", false),
        ("PORT(S)", false),
        ("AGE", false),
        ("SELECTOR", true),
    ];

    fn cells(&self, now: SimTime) -> Vec<String> {
        let spec = self.spec.clone().unwrap_or_default();
        let type_ = spec.type_.clone().unwrap_or_else(|| "ClusterIP".into());
        let cluster_ip = spec
            .cluster_ips
            .as_ref()
            .and_then(|ips| ips.first().cloned())
            .or(spec.cluster_ip.clone())
            .filter(|ip| !ip.is_empty())
            .unwrap_or_else(|| "<none>".into());
        let external_ips = spec.external_ips.clone().unwrap_or_default();
        let external = match type_.as_str() {
            "ClusterIP" | "NodePort" => {
                if external_ips.is_empty() { "<none>".into() } else { external_ips.join(",") }
            }
            "LoadBalancer" => {
                let mut ips: Vec<String> = self
                    .status
                    .as_ref()
                    .and_then(|s| s.load_balancer.as_ref())
                    .and_then(|lb| lb.ingress.as_ref())
                    .map(|ing| ing.iter().filter_map(|i| i.ip.clone().or(i.hostname.clone())).collect())
                    .unwrap_or_default();
                crate::sorting::sort(&mut ips);
                ips.extend(external_ips);
                if ips.is_empty() {
                    "<pending>".into()
                } else {
                    let joined = ips.join(",");
                    if joined.len() > 16 { format!("{}...", &joined[..13]) } else { joined }
                }
            }
            "ExternalName" => spec.external_name.clone().unwrap_or_default(),
            _ => "<unknown>".into(),
        };
        let ports = spec.ports.clone().unwrap_or_default();
        let ports_cell = if ports.is_empty() {
            "<none>".into()
        } else {
            ports
                .iter()
                .map(|p| {
                    let proto = p.protocol.clone().unwrap_or_else(|| "TCP".into());
                    match p.node_port {
                        Some(np) if np > 0 => format!("{}:{np}/{proto}", p.port),
                        _ => format!("{}/{proto}", p.port),
                    }
                })
                .collect::<Vec<_>>()
                .join(",")
        };
        vec![
            self.metadata.name.clone().unwrap_or_default(),
            type_,
            cluster_ip,
            external,
            ports_cell,
            created(&self.metadata, now),
            format_labels(spec.selector.as_ref()),
        ]
    }
}

impl Printable for ConfigMap {
    const COLUMNS: &'static [Column] = &[("NAME", false), ("DATA", false), ("AGE", false)];

    fn cells(&self, now: SimTime) -> Vec<String> {
        let n = self.data.as_ref().map_or(0, |d| d.len()) + self.binary_data.as_ref().map_or(0, |d| d.len());
        vec![self.metadata.name.clone().unwrap_or_default(), n.to_string(), created(&self.metadata, now)]
    }
}

impl Printable for Secret {
    const COLUMNS: &'static [Column] = &[("NAME", false), ("TYPE", false), ("DATA", false), ("AGE", false)];

    fn cells(&self, now: SimTime) -> Vec<String> {
        let n = self.data.as_ref().map_or(0, |d| d.len()) + self.string_data.as_ref().map_or(0, |d| d.len());
        vec![
            name_of(&self.metadata),
            self.type_.clone().unwrap_or_else(|| "Opaque".into()),
            n.to_string(),
            created(&self.metadata, now),
        ]
    }
}

impl Printable for ServiceAccount {
    const COLUMNS: &'static [Column] = &[("NAME", false), ("SECRETS", false), ("AGE", false)];

    fn cells(&self, now: SimTime) -> Vec<String> {
        let n = self.secrets.as_ref().map_or(0, |s| s.len());
        vec![self.metadata.name.clone().unwrap_or_default(), n.to_string(), created(&self.metadata, now)]
    }
}

impl Printable for Event {
    const COLUMNS: &'static [Column] = &[
        ("LAST SEEN", false),
        ("TYPE", false),
        ("REASON", false),
        ("OBJECT", false),
        ("MESSAGE", false),
    ];

    fn cells(&self, now: SimTime) -> Vec<String> {
        let last = self.last_timestamp.as_ref().or(self.first_timestamp.as_ref());
        let obj = &self.involved_object;
        vec![
            age(now, last),
            self.type_.clone().unwrap_or_default(),
            self.reason.clone().unwrap_or_default(),
            format!("{}/{}", obj.kind.clone().unwrap_or_default().to_lowercase(), obj.name.clone().unwrap_or_default()),
            self.message.clone().unwrap_or_default().trim().to_string(),
        ]
    }
}
