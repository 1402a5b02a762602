//! The parts of a pod spec that several describers print: containers (with their
//! statuses when a pod has them), volumes, and `Pod Template:` for the workload kinds
//! (describe.go `describeContainers`, `describeVolumes`, `DescribePodTemplate`).
//! Deployment, ReplicaSet, DaemonSet, StatefulSet and Job describers call
//! [`pod_template`].

use std::collections::BTreeMap;

use k8s_openapi::api::core::v1::{Container, ContainerState, ContainerStatus, Pod, PodTemplateSpec, Probe, ResourceRequirements, Volume};
use k8s_openapi::apimachinery::pkg::util::intstr::IntOrString;

use super::fields::{self, or_none, rfc1123z_or_zero};
use super::writer::{PrefixWriter, LEVEL_0, LEVEL_1, LEVEL_2, LEVEL_3};
use crate::printers::quantity::Quantity;

/// `describeContainers`: `label:` then each container; `statuses` is `None` for a
/// template (no state lines at all), and `pod` resolves `fieldRef` environment values.
pub fn containers(w: &mut PrefixWriter, label: &str, containers: &[Container], statuses: Option<&[ContainerStatus]>, pod: Option<&Pod>, space: &str) {
    let none = if containers.is_empty() { " <none>" } else { "" };
    w.write(LEVEL_0, &format!("{space}{label}:{none}\n"));
    for c in containers {
        let status = statuses.and_then(|s| s.iter().find(|st| st.name == c.name));
        basic_info(w, c, status, space);
        command(w, c);
        if let Some(st) = status {
            container_state(w, st);
        }
        resources(w, c.resources.as_ref(), LEVEL_2);
        probes(w, c);
        if c.env_from.as_ref().is_some_and(|e| !e.is_empty()) {
            env_from(w, c);
        }
        env(w, c, pod);
        mounts(w, c);
    }
}

fn basic_info(w: &mut PrefixWriter, c: &Container, status: Option<&ContainerStatus>, space: &str) {
    let name_indent = if space.is_empty() { "" } else { " " };
    w.write(LEVEL_1, &format!("{name_indent}{}:\n", c.name));
    if let Some(st) = status {
        w.write(LEVEL_2, &format!("Container ID:\t{}\n", st.container_id.as_deref().unwrap_or("")));
    }
    w.write(LEVEL_2, &format!("Image:\t{}\n", c.image.as_deref().unwrap_or("")));
    if let Some(st) = status {
        w.write(LEVEL_2, &format!("Image ID:\t{}\n", st.image_id));
    }
    let ports = c.ports.as_deref().unwrap_or(&[]);
    let port_list = |host: bool| -> String {
        ports
            .iter()
            .map(|p| {
                let n = if host { p.host_port.unwrap_or(0) } else { p.container_port };
                let proto = p.protocol.as_deref().unwrap_or("TCP");
                match p.name.as_deref().filter(|n| !n.is_empty()) {
                    Some(name) => format!("{n}/{proto} ({name})"),
                    None => format!("{n}/{proto}"),
                }
            })
            .collect::<Vec<_>>()
            .join(", ")
    };
    let port_string = port_list(false);
    if port_string.contains(',') {
        w.write(LEVEL_2, &format!("Ports:\t{port_string}\n"));
    } else {
        w.write(LEVEL_2, &format!("Port:\t{}\n", or_none(&port_string)));
    }
    let host_ports = port_list(true);
    if host_ports.contains(',') {
        w.write(LEVEL_2, &format!("Host Ports:\t{host_ports}\n"));
    } else {
        w.write(LEVEL_2, &format!("Host Port:\t{}\n", or_none(&host_ports)));
    }
}

fn command(w: &mut PrefixWriter, c: &Container) {
    for (title, list) in [("Command", &c.command), ("Args", &c.args)] {
        let Some(list) = list.as_ref().filter(|l| !l.is_empty()) else { continue };
        w.write(LEVEL_2, &format!("{title}:\n"));
        for item in list {
            for s in item.split('\n') {
                w.write(LEVEL_3, &format!("{s}\n"));
            }
        }
    }
}

/// `describeResources`: `Limits:` and `Requests:` with sorted resource names.
pub fn resources(w: &mut PrefixWriter, r: Option<&ResourceRequirements>, level: usize) {
    let Some(r) = r else { return };
    for (title, list) in [("Limits", &r.limits), ("Requests", &r.requests)] {
        let Some(list) = list.as_ref().filter(|l| !l.is_empty()) else { continue };
        w.write(level, &format!("{title}:\n"));
        for (name, q) in list {
            let shown = Quantity::parse(&q.0).map(|q| q.to_canonical()).unwrap_or_else(|| q.0.clone());
            w.write(level + 1, &format!("{name}:\t{shown}\n"));
        }
    }
}

fn container_state(w: &mut PrefixWriter, st: &ContainerStatus) {
    state(w, "State", st.state.as_ref());
    if let Some(last) = st.last_state.as_ref().filter(|l| l.terminated.is_some()) {
        state(w, "Last State", Some(last));
    }
    w.write(LEVEL_2, &format!("Ready:\t{}\n", if st.ready { "True" } else { "False" }));
    w.write(LEVEL_2, &format!("Restart Count:\t{}\n", st.restart_count));
}

/// `describeStatus`.
fn state(w: &mut PrefixWriter, name: &str, s: Option<&ContainerState>) {
    let s = s.cloned().unwrap_or_default();
    if let Some(r) = &s.running {
        w.write(LEVEL_2, &format!("{name}:\tRunning\n"));
        w.write(LEVEL_3, &format!("Started:\t{}\n", rfc1123z_or_zero(r.started_at.as_ref())));
    } else if let Some(wt) = &s.waiting {
        w.write(LEVEL_2, &format!("{name}:\tWaiting\n"));
        if let Some(reason) = wt.reason.as_deref().filter(|r| !r.is_empty()) {
            w.write(LEVEL_3, &format!("Reason:\t{reason}\n"));
        }
    } else if let Some(t) = &s.terminated {
        w.write(LEVEL_2, &format!("{name}:\tTerminated\n"));
        if let Some(reason) = t.reason.as_deref().filter(|r| !r.is_empty()) {
            w.write(LEVEL_3, &format!("Reason:\t{reason}\n"));
        }
        if let Some(msg) = t.message.as_deref().filter(|m| !m.is_empty()) {
            w.write(LEVEL_3, &format!("Message:\t{msg}\n"));
        }
        w.write(LEVEL_3, &format!("Exit Code:\t{}\n", t.exit_code));
        if let Some(sig) = t.signal.filter(|s| *s > 0) {
            w.write(LEVEL_3, &format!("Signal:\t{sig}\n"));
        }
        w.write(LEVEL_3, &format!("Started:\t{}\n", rfc1123z_or_zero(t.started_at.as_ref())));
        w.write(LEVEL_3, &format!("Finished:\t{}\n", rfc1123z_or_zero(t.finished_at.as_ref())));
    } else {
        w.write(LEVEL_2, &format!("{name}:\tWaiting\n"));
    }
}

fn int_or_string(v: &IntOrString) -> String {
    match v {
        IntOrString::Int(i) => i.to_string(),
        IntOrString::String(s) => s.clone(),
    }
}

/// `DescribeProbe`.
pub fn probe_text(p: &Probe) -> String {
    let attrs = format!(
        "delay={}s timeout={}s period={}s #success={} #failure={}",
        p.initial_delay_seconds.unwrap_or(0),
        p.timeout_seconds.unwrap_or(0),
        p.period_seconds.unwrap_or(0),
        p.success_threshold.unwrap_or(0),
        p.failure_threshold.unwrap_or(0)
    );
    if let Some(e) = &p.exec {
        return format!("exec [{}] {attrs}", e.command.clone().unwrap_or_default().join(" "));
    }
    if let Some(h) = &p.http_get {
        let scheme = h.scheme.as_deref().unwrap_or("").to_lowercase();
        let host = h.host.as_deref().unwrap_or("");
        let port = int_or_string(&h.port);
        let hostport = if port.is_empty() { host.to_string() } else { format!("{host}:{port}") };
        let path = h.path.as_deref().unwrap_or("");
        let url = if scheme.is_empty() { format!("//{hostport}{path}") } else { format!("{scheme}://{hostport}{path}") };
        return format!("http-get {url} {attrs}");
    }
    if let Some(t) = &p.tcp_socket {
        return format!("tcp-socket {}:{} {attrs}", t.host.as_deref().unwrap_or(""), int_or_string(&t.port));
    }
    if let Some(g) = &p.grpc {
        return format!("grpc <pod>:{} {} {attrs}", g.port, g.service.as_deref().unwrap_or(""));
    }
    format!("unknown {attrs}")
}

fn probes(w: &mut PrefixWriter, c: &Container) {
    for (title, p) in [("Liveness", &c.liveness_probe), ("Readiness", &c.readiness_probe), ("Startup", &c.startup_probe)] {
        if let Some(p) = p {
            w.write(LEVEL_2, &format!("{title}:\t{}\n", probe_text(p)));
        }
    }
}

fn env_from(w: &mut PrefixWriter, c: &Container) {
    w.write(LEVEL_2, "Environment Variables from:\n");
    for e in c.env_from.iter().flatten() {
        let (from, name, optional) = if let Some(r) = &e.config_map_ref {
            ("ConfigMap", r.name.clone(), r.optional.unwrap_or(false))
        } else if let Some(r) = &e.secret_ref {
            ("Secret", r.name.clone(), r.optional.unwrap_or(false))
        } else {
            ("", String::new(), false)
        };
        match e.prefix.as_deref().filter(|p| !p.is_empty()) {
            None => w.write(LEVEL_3, &format!("{name}\t{from}\tOptional: {optional}\n")),
            Some(p) => w.write(LEVEL_3, &format!("{name}\t{from} with prefix '{p}'\tOptional: {optional}\n")),
        }
    }
}

/// `EnvValueRetriever`: the value a `fieldRef` resolves to in this pod.
fn field_value(pod: Option<&Pod>, path: &str) -> String {
    let Some(pod) = pod else { return String::new() };
    let m = &pod.metadata;
    let spec = pod.spec.clone().unwrap_or_default();
    let status = pod.status.clone().unwrap_or_default();
    let map_key = |prefix: &str, map: Option<&BTreeMap<String, String>>| -> Option<String> {
        let key = path.strip_prefix(prefix)?.strip_prefix("['")?.strip_suffix("']")?;
        Some(map.and_then(|m| m.get(key)).cloned().unwrap_or_default())
    };
    match path {
        "metadata.name" => m.name.clone().unwrap_or_default(),
        "metadata.namespace" => m.namespace.clone().unwrap_or_default(),
        "metadata.uid" => m.uid.clone().unwrap_or_default(),
        "spec.nodeName" => spec.node_name.unwrap_or_default(),
        "spec.serviceAccountName" => spec.service_account_name.unwrap_or_default(),
        "status.podIP" => status.pod_ip.unwrap_or_default(),
        "status.hostIP" => status.host_ip.unwrap_or_default(),
        _ => map_key("metadata.labels", m.labels.as_ref()).or_else(|| map_key("metadata.annotations", m.annotations.as_ref())).unwrap_or_default(),
    }
}

fn env(w: &mut PrefixWriter, c: &Container, pod: Option<&Pod>) {
    let list = c.env.as_deref().unwrap_or(&[]);
    let none = if list.is_empty() { "\t<none>" } else { "" };
    w.write(LEVEL_2, &format!("Environment:{none}\n"));
    for e in list {
        let Some(from) = &e.value_from else {
            for (i, s) in e.value.as_deref().unwrap_or("").split('\n').enumerate() {
                if i == 0 {
                    w.write(LEVEL_3, &format!("{}:\t{s}\n", e.name));
                } else {
                    w.write(LEVEL_3, &format!("\t{s}\n"));
                }
            }
            continue;
        };
        if let Some(f) = &from.field_ref {
            let api = f.api_version.as_deref().unwrap_or("v1");
            w.write(LEVEL_3, &format!("{}:\t{} ({api}:{})\n", e.name, field_value(pod, &f.field_path), f.field_path));
        } else if let Some(r) = &from.resource_field_ref {
            let res = c.resources.clone().unwrap_or_default();
            let (list, key) = match r.resource.split_once('.') {
                Some(("limits", k)) => (res.limits, k),
                Some((_, k)) => (res.requests, k),
                None => (None, ""),
            };
            let value = match list.as_ref().and_then(|l| l.get(key)).and_then(|q| Quantity::parse(&q.0)) {
                Some(q) if key == "cpu" => q.value().to_string(),
                Some(q) => q.value().to_string(),
                None if matches!(r.resource.as_str(), "limits.cpu" | "limits.memory") => "node allocatable".to_string(),
                None => "0".to_string(),
            };
            w.write(LEVEL_3, &format!("{}:\t{value} ({})\n", e.name, r.resource));
        } else if let Some(s) = &from.secret_key_ref {
            w.write(LEVEL_3, &format!("{}:\t<set to the key '{}' in secret '{}'>\tOptional: {}\n", e.name, s.key, s.name, s.optional.unwrap_or(false)));
        } else if let Some(cm) = &from.config_map_key_ref {
            w.write(LEVEL_3, &format!("{}:\t<set to the key '{}' of config map '{}'>\tOptional: {}\n", e.name, cm.key, cm.name, cm.optional.unwrap_or(false)));
        }
    }
}

fn mounts(w: &mut PrefixWriter, c: &Container) {
    let mut list: Vec<_> = c.volume_mounts.clone().unwrap_or_default();
    let none = if list.is_empty() { "\t<none>" } else { "" };
    w.write(LEVEL_2, &format!("Mounts:{none}\n"));
    crate::sorting::sort_by(&mut list, |a, b| a.mount_path.cmp(&b.mount_path));
    for m in &list {
        let mut flags = vec![if m.read_only.unwrap_or(false) { "ro".to_string() } else { "rw".to_string() }];
        if let Some(sub) = m.sub_path.as_deref().filter(|s| !s.is_empty()) {
            flags.push(format!("path={}", crate::printers::go_format::go_quote(sub)));
        }
        w.write(LEVEL_3, &format!("{} from {} ({})\n", m.mount_path, m.name, flags.join(",")));
    }
    if let Some(devices) = c.volume_devices.as_ref().filter(|d| !d.is_empty()) {
        w.write(LEVEL_2, "Devices:\n");
        let mut devices = devices.clone();
        crate::sorting::sort_by(&mut devices, |a, b| a.device_path.cmp(&b.device_path));
        for d in devices {
            w.write(LEVEL_3, &format!("{} from {}\n", d.device_path, d.name));
        }
    }
}

/// `describeVolumes` for the volume sources kubeplay's objects use; others print
/// describe.go's `<unknown>`.
pub fn volumes(w: &mut PrefixWriter, volumes: Option<&Vec<Volume>>, space: &str) {
    let Some(volumes) = volumes.filter(|v| !v.is_empty()) else {
        w.write(LEVEL_0, &format!("{space}Volumes:\t<none>\n"));
        return;
    };
    w.write(LEVEL_0, &format!("{space}Volumes:\n"));
    let name_indent = if space.is_empty() { "" } else { " " };
    for v in volumes {
        w.write(LEVEL_1, &format!("{name_indent}{}:\n", v.name));
        if let Some(h) = &v.host_path {
            w.write(LEVEL_2, &format!("Type:\tHostPath (bare host directory volume)\n    Path:\t{}\n    HostPathType:\t{}\n", h.path, h.type_.as_deref().unwrap_or("")));
        } else if let Some(e) = &v.empty_dir {
            let size = e.size_limit.as_ref().and_then(|q| Quantity::parse(&q.0)).filter(|q| !q.is_zero()).map(|q| q.to_canonical()).unwrap_or_else(|| "<unset>".into());
            w.write(LEVEL_2, &format!("Type:\tEmptyDir (a temporary directory that shares a pod's lifetime)\n    Medium:\t{}\n    SizeLimit:\t{size}\n", e.medium.as_deref().unwrap_or("")));
        } else if let Some(s) = &v.secret {
            w.write(LEVEL_2, &format!("Type:\tSecret (a volume populated by a Secret)\n    SecretName:\t{}\n    Optional:\t{}\n", s.secret_name.as_deref().unwrap_or(""), s.optional.unwrap_or(false)));
        } else if let Some(cm) = &v.config_map {
            w.write(LEVEL_2, &format!("Type:\tConfigMap (a volume populated by a ConfigMap)\n    Name:\t{}\n    Optional:\t{}\n", cm.name, cm.optional.unwrap_or(false)));
        } else if let Some(pvc) = &v.persistent_volume_claim {
            w.write(LEVEL_2, &format!("Type:\tPersistentVolumeClaim (a reference to a PersistentVolumeClaim in the same namespace)\n    ClaimName:\t{}\n    ReadOnly:\t{}\n", pvc.claim_name, pvc.read_only.unwrap_or(false)));
        } else if let Some(d) = &v.downward_api {
            w.write(LEVEL_2, "Type:\tDownwardAPI (a volume populated by information about the pod)\n    Items:\n");
            for item in d.items.iter().flatten() {
                if let Some(f) = &item.field_ref {
                    w.write(LEVEL_3, &format!("{} -> {}\n", f.field_path, item.path));
                }
                if let Some(r) = &item.resource_field_ref {
                    w.write(LEVEL_3, &format!("{} -> {}\n", r.resource, item.path));
                }
            }
        } else if let Some(p) = &v.projected {
            w.write(LEVEL_2, "Type:\tProjected (a volume that contains injected data from multiple sources)\n");
            for s in p.sources.iter().flatten() {
                if let Some(sec) = &s.secret {
                    w.write(LEVEL_2, &format!("SecretName:\t{}\n    Optional:\t{}\n", sec.name, sec.optional.unwrap_or(false)));
                } else if s.downward_api.is_some() {
                    w.write(LEVEL_2, "DownwardAPI:\ttrue\n");
                } else if let Some(cm) = &s.config_map {
                    w.write(LEVEL_2, &format!("ConfigMapName:\t{}\n    Optional:\t{}\n", cm.name, cm.optional.unwrap_or(false)));
                } else if let Some(t) = &s.service_account_token {
                    w.write(LEVEL_2, &format!("TokenExpirationSeconds:\t{}\n", t.expiration_seconds.unwrap_or(0)));
                }
            }
        } else if let Some(n) = &v.nfs {
            w.write(LEVEL_2, &format!("Type:\tNFS (an NFS mount that lasts the lifetime of a pod)\n    Server:\t{}\n    Path:\t{}\n    ReadOnly:\t{}\n", n.server, n.path, n.read_only.unwrap_or(false)));
        } else {
            w.write(LEVEL_1, "<unknown>\n");
        }
    }
}

/// `DescribePodTemplate`: the `Pod Template:` block of Deployment, ReplicaSet,
/// DaemonSet, StatefulSet and Job.
pub fn pod_template(w: &mut PrefixWriter, template: Option<&PodTemplateSpec>) {
    w.write(LEVEL_0, "Pod Template:\n");
    let Some(t) = template else {
        w.write(LEVEL_1, "<unset>");
        return;
    };
    let meta = t.metadata.clone().unwrap_or_default();
    fields::labels(w, "  Labels", meta.labels.as_ref());
    if meta.annotations.as_ref().is_some_and(|a| !a.is_empty()) {
        fields::annotations(w, "  Annotations", meta.annotations.as_ref());
    }
    let spec = t.spec.clone().unwrap_or_default();
    if let Some(sa) = spec.service_account_name.as_deref().filter(|s| !s.is_empty()) {
        w.write(LEVEL_1, &format!("Service Account:\t{sa}\n"));
    }
    if let Some(init) = spec.init_containers.as_ref().filter(|i| !i.is_empty()) {
        containers(w, "Init Containers", init, None, None, "  ");
    }
    containers(w, "Containers", &spec.containers, None, None, "  ");
    volumes(w, spec.volumes.as_ref(), "  ");
    if let Some(pc) = spec.priority_class_name.as_deref().filter(|s| !s.is_empty()) {
        w.write(LEVEL_1, &format!("Priority Class Name:\t{pc}\n"));
    }
    fields::labels(w, "  Node-Selectors", spec.node_selector.as_ref());
    fields::tolerations(w, "  Tolerations", spec.tolerations.as_ref());
}

/// Sums of quantities by resource name (`getPodsTotalRequestsAndLimits`).
pub fn add_quantities(total: &mut BTreeMap<String, Quantity>, list: Option<&BTreeMap<String, k8s_openapi::apimachinery::pkg::api::resource::Quantity>>) {
    for (name, q) in list.into_iter().flatten() {
        if let Some(q) = Quantity::parse(&q.0) {
            let sum = total.get(name).map_or(q, |t| t.add(&q));
            total.insert(name.clone(), sum);
        }
    }
}

/// `resourcehelper.PodRequestsAndLimits`: container sums, raised to any larger
/// init container's values, plus the pod overhead.
pub fn pod_requests_and_limits(pod: &Pod) -> (BTreeMap<String, Quantity>, BTreeMap<String, Quantity>) {
    let spec = pod.spec.clone().unwrap_or_default();
    let mut reqs = BTreeMap::new();
    let mut limits = BTreeMap::new();
    for c in &spec.containers {
        let r = c.resources.clone().unwrap_or_default();
        add_quantities(&mut reqs, r.requests.as_ref());
        add_quantities(&mut limits, r.limits.as_ref());
    }
    for c in spec.init_containers.iter().flatten() {
        let r = c.resources.clone().unwrap_or_default();
        for (total, list) in [(&mut reqs, r.requests), (&mut limits, r.limits)] {
            for (name, q) in list.iter().flatten() {
                if let Some(q) = Quantity::parse(&q.0) {
                    if total.get(name).is_none_or(|t: &Quantity| t.compare(&q) == std::cmp::Ordering::Less) {
                        total.insert(name.clone(), q);
                    }
                }
            }
        }
    }
    add_quantities(&mut reqs, spec.overhead.as_ref());
    add_quantities(&mut limits, spec.overhead.as_ref());
    (reqs, limits)
}
