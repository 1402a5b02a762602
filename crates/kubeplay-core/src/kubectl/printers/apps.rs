//! Columns of the `apps` group: Deployment, ReplicaSet, DaemonSet, StatefulSet,
//! ControllerRevision (printers.go `printDeployment`, `printReplicaSet`,
//! `printDaemonSet`, `printStatefulSet`, `printControllerRevision`).

use k8s_openapi::api::apps::v1::{ControllerRevision, DaemonSet, Deployment, ReplicaSet, StatefulSet};
use k8s_openapi::api::core::v1::PodTemplateSpec;
use k8s_openapi::apimachinery::pkg::apis::meta::v1::LabelSelector;

use super::{created, format_labels, name_of, Column, Printable};
use crate::time::SimTime;

/// `layoutContainerCells`: the template's container names and images, comma-joined.
pub fn container_cells(template: Option<&PodTemplateSpec>) -> (String, String) {
    let containers = template.and_then(|t| t.spec.as_ref()).map(|s| s.containers.as_slice()).unwrap_or_default();
    let names: Vec<&str> = containers.iter().map(|c| c.name.as_str()).collect();
    let images: Vec<&str> = containers.iter().map(|c| c.image.as_deref().unwrap_or("")).collect();
    (names.join(","), images.join(","))
}

/// `metav1.FormatLabelSelector`: `app=web,tier in (a,b)`, `<none>` for an empty one.
pub fn format_label_selector(selector: Option<&LabelSelector>) -> String {
    let Some(sel) = selector else { return "<none>".into() };
    let mut parts: Vec<String> =
        sel.match_labels.iter().flatten().map(|(k, v)| format!("{k}={v}")).collect();
    for req in sel.match_expressions.iter().flatten() {
        let values = req.values.clone().unwrap_or_default().join(",");
        parts.push(match req.operator.as_str() {
            "In" => format!("{} in ({values})", req.key),
            "NotIn" => format!("{} notin ({values})", req.key),
            "Exists" => req.key.clone(),
            "DoesNotExist" => format!("!{}", req.key),
            other => format!("{} {other} ({values})", req.key),
        });
    }
    if parts.is_empty() {
        "<none>".into()
    } else {
        parts.join(",")
    }
}

impl Printable for Deployment {
    const COLUMNS: &'static [Column] = &[
        ("NAME", false),
        ("READY", false),
        ("UP-TO-DATE", false),
        ("AVAILABLE", false),
        ("AGE", false),
        ("CONTAINERS", true),
        ("IMAGES", true),
        ("SELECTOR", true),
    ];

    fn cells(&self, now: SimTime) -> Vec<String> {
        let spec = self.spec.as_ref();
        let status = self.status.clone().unwrap_or_default();
        let desired = spec.and_then(|s| s.replicas).unwrap_or(1);
        let (names, images) = container_cells(spec.map(|s| &s.template));
        vec![
            name_of(&self.metadata),
            format!("{}/{desired}", status.ready_replicas.unwrap_or(0)),
            status.updated_replicas.unwrap_or(0).to_string(),
            status.available_replicas.unwrap_or(0).to_string(),
            created(&self.metadata, now),
            names,
            images,
            format_label_selector(spec.map(|s| &s.selector)),
        ]
    }
}

impl Printable for ReplicaSet {
    const COLUMNS: &'static [Column] = &[
        ("NAME", false),
        ("DESIRED", false),
        ("CURRENT", false),
        ("READY", false),
        ("AGE", false),
        ("CONTAINERS", true),
        ("IMAGES", true),
        ("SELECTOR", true),
    ];

    fn cells(&self, now: SimTime) -> Vec<String> {
        let spec = self.spec.as_ref();
        let status = self.status.clone().unwrap_or_default();
        let (names, images) = container_cells(spec.and_then(|s| s.template.as_ref()));
        vec![
            name_of(&self.metadata),
            spec.and_then(|s| s.replicas).unwrap_or(1).to_string(),
            status.replicas.to_string(),
            status.ready_replicas.unwrap_or(0).to_string(),
            created(&self.metadata, now),
            names,
            images,
            format_label_selector(spec.map(|s| &s.selector)),
        ]
    }
}

impl Printable for DaemonSet {
    const COLUMNS: &'static [Column] = &[
        ("NAME", false),
        ("DESIRED", false),
        ("CURRENT", false),
        ("READY", false),
        ("UP-TO-DATE", false),
        ("AVAILABLE", false),
        ("NODE SELECTOR", false),
        ("AGE", false),
        ("CONTAINERS", true),
        ("IMAGES", true),
        ("SELECTOR", true),
    ];

    fn cells(&self, now: SimTime) -> Vec<String> {
        let spec = self.spec.as_ref();
        let status = self.status.clone().unwrap_or_default();
        let template = spec.map(|s| &s.template);
        let (names, images) = container_cells(template);
        let node_selector = template.and_then(|t| t.spec.as_ref()).and_then(|s| s.node_selector.as_ref());
        vec![
            name_of(&self.metadata),
            status.desired_number_scheduled.to_string(),
            status.current_number_scheduled.to_string(),
            status.number_ready.to_string(),
            status.updated_number_scheduled.unwrap_or(0).to_string(),
            status.number_available.unwrap_or(0).to_string(),
            format_labels(node_selector),
            created(&self.metadata, now),
            names,
            images,
            format_label_selector(spec.map(|s| &s.selector)),
        ]
    }
}

impl Printable for StatefulSet {
    const COLUMNS: &'static [Column] =
        &[("NAME", false), ("READY", false), ("AGE", false), ("CONTAINERS", true), ("IMAGES", true)];

    fn cells(&self, now: SimTime) -> Vec<String> {
        let spec = self.spec.as_ref();
        let status = self.status.clone().unwrap_or_default();
        let (names, images) = container_cells(spec.map(|s| &s.template));
        vec![
            name_of(&self.metadata),
            format!("{}/{}", status.ready_replicas.unwrap_or(0), spec.and_then(|s| s.replicas).unwrap_or(1)),
            created(&self.metadata, now),
            names,
            images,
        ]
    }
}

impl Printable for ControllerRevision {
    const COLUMNS: &'static [Column] = &[("NAME", false), ("CONTROLLER", false), ("REVISION", false), ("AGE", false)];

    /// CONTROLLER is `formatResourceName` of the controller reference: the
    /// lower-cased `Kind.group`, a slash and the name (`daemonset.apps/fluentd`).
    fn cells(&self, now: SimTime) -> Vec<String> {
        let controller = match crate::controllers::ownership::controller_of(&self.metadata) {
            Some(o) => {
                let group = o.api_version.rsplit_once('/').map(|(g, _)| format!(".{g}")).unwrap_or_default();
                format!("{}/{}", format!("{}{group}", o.kind).to_lowercase(), o.name)
            }
            None => "<none>".into(),
        };
        vec![name_of(&self.metadata), controller, self.revision.to_string(), created(&self.metadata, now)]
    }
}
