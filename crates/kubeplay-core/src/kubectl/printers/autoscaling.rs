//! Columns of HorizontalPodAutoscaler (printers.go `printHorizontalPodAutoscaler`).

use k8s_openapi::api::autoscaling::v2::HorizontalPodAutoscaler;

use super::{created, name_of, Column, Printable};
use crate::time::SimTime;

/// `cpu: 23%/80%`, `cpu: <unknown>/80%` before the first metrics; at most two metrics
/// then ` + N more...`; `<none>` without metrics (printers.go `formatHPAMetrics`).
fn targets(hpa: &HorizontalPodAutoscaler) -> String {
    let specs = hpa.spec.as_ref().and_then(|s| s.metrics.clone()).unwrap_or_default();
    if specs.is_empty() {
        return "<none>".into();
    }
    let current = hpa.status.as_ref().and_then(|s| s.current_metrics.clone()).unwrap_or_default();
    let mut list = Vec::new();
    for (i, m) in specs.iter().enumerate() {
        let Some(res) = m.resource.as_ref() else {
            list.push("<unknown>".to_string());
            continue;
        };
        let cur = current
            .get(i)
            .and_then(|c| c.resource.as_ref())
            .and_then(|r| r.current.average_utilization)
            .map(|u| format!("{u}%"))
            .unwrap_or_else(|| "<unknown>".into());
        match res.target.average_utilization {
            Some(t) => list.push(format!("{}: {cur}/{t}%", res.name)),
            None => {
                let v = res.target.average_value.as_ref().map(|q| q.0.clone()).unwrap_or_default();
                list.push(format!("{}: {cur}/{v}", res.name));
            }
        }
    }
    if list.len() > 2 {
        format!("{} + {} more...", list[..2].join(", "), list.len() - 2)
    } else {
        list.join(", ")
    }
}

impl Printable for HorizontalPodAutoscaler {
    const COLUMNS: &'static [Column] = &[
        ("NAME", false),
        ("REFERENCE", false),
        ("TARGETS", false),
        ("MINPODS", false),
        ("MAXPODS", false),
        ("REPLICAS", false),
        ("AGE", false),
    ];

    fn cells(&self, now: SimTime) -> Vec<String> {
        let spec = self.spec.clone().unwrap_or_default();
        let status = self.status.clone().unwrap_or_default();
        vec![
            name_of(&self.metadata),
            format!("{}/{}", spec.scale_target_ref.kind, spec.scale_target_ref.name),
            targets(self),
            spec.min_replicas.map(|m| m.to_string()).unwrap_or_else(|| "<unset>".into()),
            spec.max_replicas.to_string(),
            status.current_replicas.unwrap_or(0).to_string(),
            created(&self.metadata, now),
        ]
    }
}
