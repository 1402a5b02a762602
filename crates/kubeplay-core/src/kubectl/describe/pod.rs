//! `kubectl describe pod` (describe.go `PodDescriber`, `describePod`).

use k8s_openapi::api::core::v1::Pod;

use super::events::{describe_events, search, EventQuery};
use super::fields::{self, rfc1123z};
use super::pod_spec::{containers, resources, volumes};
use super::writer::{PrefixWriter, LEVEL_0, LEVEL_1};
use super::{Settings, Target};
use crate::api::{ApiError, ApiKind};
use crate::cluster::Cluster;
use crate::kubectl::printers::age;

/// Static pods' mirror pods carry their source's UID here, and so do their events.
const MIRROR_POD_ANNOTATION: &str = "kubernetes.io/config.mirror";

pub fn describe(cluster: &Cluster, t: &Target, settings: &Settings) -> Result<String, ApiError> {
    let Some(pod) = cluster.store.get::<Pod>(t.namespace, t.name) else {
        let err = ApiError::not_found(&Pod::qualified_resource(), t.name);
        if settings.show_events {
            // A deleted pod's events outlive it.
            let events: Vec<_> = cluster
                .store
                .events
                .list(Some(t.namespace))
                .filter(|e| e.involved_object.name.as_deref() == Some(t.name) && e.involved_object.namespace.as_deref().unwrap_or("") == t.namespace)
                .collect();
            if !events.is_empty() {
                let mut w = PrefixWriter::new();
                w.write(LEVEL_0, &format!("Pod '{}': error '{}', but found events.\n", t.name, err.message));
                describe_events(&mut w, &events, cluster.now());
                return Ok(w.finish());
            }
        }
        return Err(err);
    };
    let events = settings.show_events.then(|| {
        let m = &pod.metadata;
        let uid = m.annotations.as_ref().and_then(|a| a.get(MIRROR_POD_ANNOTATION)).or(m.uid.as_ref()).cloned().unwrap_or_default();
        search(cluster, &EventQuery { name: t.name, namespace: t.namespace, kind: None, uid: &uid })
    });
    let mut w = PrefixWriter::new();
    let m = &pod.metadata;
    let spec = pod.spec.clone().unwrap_or_default();
    let status = pod.status.clone().unwrap_or_default();
    w.write(LEVEL_0, &format!("Name:\t{}\n", m.name.as_deref().unwrap_or("")));
    w.write(LEVEL_0, &format!("Namespace:\t{}\n", m.namespace.as_deref().unwrap_or("")));
    if let Some(p) = spec.priority {
        w.write(LEVEL_0, &format!("Priority:\t{p}\n"));
    }
    if let Some(pc) = spec.priority_class_name.as_deref().filter(|s| !s.is_empty()) {
        w.write(LEVEL_0, &format!("Priority Class Name:\t{pc}\n"));
    }
    if let Some(rc) = spec.runtime_class_name.as_deref().filter(|s| !s.is_empty()) {
        w.write(LEVEL_0, &format!("Runtime Class Name:\t{rc}\n"));
    }
    if let Some(sa) = spec.service_account_name.as_deref().filter(|s| !s.is_empty()) {
        w.write(LEVEL_0, &format!("Service Account:\t{sa}\n"));
    }
    match spec.node_name.as_deref().filter(|n| !n.is_empty()) {
        None => w.write(LEVEL_0, "Node:\t<none>\n"),
        Some(node) => w.write(LEVEL_0, &format!("Node:\t{node}/{}\n", status.host_ip.as_deref().unwrap_or(""))),
    }
    if let Some(start) = &status.start_time {
        w.write(LEVEL_0, &format!("Start Time:\t{}\n", rfc1123z(start)));
    }
    fields::labels(&mut w, "Labels", m.labels.as_ref());
    fields::annotations(&mut w, "Annotations", m.annotations.as_ref());
    let phase = status.phase.as_deref().unwrap_or("");
    if m.deletion_timestamp.is_some() && phase != "Failed" && phase != "Succeeded" {
        w.write(LEVEL_0, &format!("Status:\tTerminating (lasts {})\n", age(cluster.now(), m.deletion_timestamp.as_ref())));
        w.write(LEVEL_0, &format!("Termination Grace Period:\t{}s\n", m.deletion_grace_period_seconds.unwrap_or(0)));
    } else {
        w.write(LEVEL_0, &format!("Status:\t{phase}\n"));
    }
    if let Some(r) = status.reason.as_deref().filter(|s| !s.is_empty()) {
        w.write(LEVEL_0, &format!("Reason:\t{r}\n"));
    }
    if let Some(msg) = status.message.as_deref().filter(|s| !s.is_empty()) {
        w.write(LEVEL_0, &format!("Message:\t{msg}\n"));
    }
    if let Some(profile) = spec.security_context.as_ref().and_then(|s| s.seccomp_profile.as_ref()) {
        w.write(LEVEL_0, &format!("SeccompProfile:\t{}\n", profile.type_));
        if profile.type_ == "Localhost" {
            w.write(LEVEL_0, &format!("LocalhostProfile:\t{}\n", profile.localhost_profile.as_deref().unwrap_or("")));
        }
    }
    w.write(LEVEL_0, &format!("IP:\t{}\n", status.pod_ip.as_deref().unwrap_or("")));
    match status.pod_ips.as_ref().filter(|ips| !ips.is_empty()) {
        None => w.write(LEVEL_0, "IPs:\t<none>\n"),
        Some(ips) => {
            w.write(LEVEL_0, "IPs:\n");
            for ip in ips {
                w.write(LEVEL_1, &format!("IP:\t{}\n", ip.ip));
            }
        }
    }
    if let Some(owner) = m.owner_references.iter().flatten().find(|o| o.controller == Some(true)) {
        w.write(LEVEL_0, &format!("Controlled By:\t{}/{}\n", owner.kind, owner.name));
    }
    if let Some(n) = status.nominated_node_name.as_deref().filter(|s| !s.is_empty()) {
        w.write(LEVEL_0, &format!("NominatedNodeName:\t{n}\n"));
    }
    if spec.resources.is_some() {
        w.write(LEVEL_0, "Resources:\n");
        resources(&mut w, spec.resources.as_ref(), LEVEL_1);
    }
    if let Some(init) = spec.init_containers.as_ref().filter(|i| !i.is_empty()) {
        containers(&mut w, "Init Containers", init, Some(status.init_container_statuses.as_deref().unwrap_or(&[])), Some(pod), "");
    }
    containers(&mut w, "Containers", &spec.containers, Some(status.container_statuses.as_deref().unwrap_or(&[])), Some(pod), "");
    if let Some(gates) = spec.readiness_gates.as_ref().filter(|g| !g.is_empty()) {
        w.write(LEVEL_0, "Readiness Gates:\n  Type\tStatus\n");
        for g in gates {
            let st = status.conditions.iter().flatten().find(|c| c.type_ == g.condition_type).map(|c| c.status.clone()).unwrap_or_else(|| "<none>".into());
            w.write(LEVEL_1, &format!("{} \t{st} \n", g.condition_type));
        }
    }
    if let Some(conds) = status.conditions.as_ref().filter(|c| !c.is_empty()) {
        w.write(LEVEL_0, "Conditions:\n  Type\tStatus\n");
        for c in conds {
            w.write(LEVEL_1, &format!("{} \t{} \n", c.type_, c.status));
        }
    }
    volumes(&mut w, spec.volumes.as_ref(), "");
    w.write(LEVEL_0, &format!("QoS Class:\t{}\n", status.qos_class.as_deref().unwrap_or("BestEffort")));
    fields::labels(&mut w, "Node-Selectors", spec.node_selector.as_ref());
    fields::tolerations(&mut w, "Tolerations", spec.tolerations.as_ref());
    if let Some(events) = events {
        describe_events(&mut w, &events, cluster.now());
    }
    Ok(w.finish())
}
