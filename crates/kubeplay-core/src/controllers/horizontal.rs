//! The HorizontalPodAutoscaler controller (k/k pkg/controller/podautoscaler
//! `horizontal.go`, `replica_calculator.go`): every 15 s (the controller manager's
//! `--horizontal-pod-autoscaler-sync-period`) it reads the target's scale and its
//! pods' metrics, proposes `ceil(current × usage / target)` replicas unless the
//! ratio is within the 10% tolerance, keeps the highest recommendation of the last
//! five minutes when scaling down (stabilization), limits a scale-up to
//! `max(2 × current, 4)`, clamps to min/max and writes the target's `replicas`.

use std::collections::BTreeMap;

use k8s_openapi::api::apps::v1::{Deployment, ReplicaSet, StatefulSet};
use k8s_openapi::api::autoscaling::v2::{
    HorizontalPodAutoscaler, HorizontalPodAutoscalerCondition, HorizontalPodAutoscalerStatus, MetricSpec,
    MetricStatus, MetricValueStatus, ResourceMetricStatus,
};
use k8s_openapi::apimachinery::pkg::api::resource::Quantity;
use k8s_openapi::apimachinery::pkg::apis::meta::v1::LabelSelector;

use super::resources::millis;
use crate::api::selectors::selects;
use crate::api::store::{reference_to, NewEvent};
use crate::api::ObjectKey;
use crate::cluster::Cluster;
use crate::metrics;
use crate::time::SimTime;

const COMPONENT: &str = "horizontal-pod-autoscaler";
/// `--horizontal-pod-autoscaler-sync-period`.
pub const SYNC_MS: i64 = 15_000;
/// `--horizontal-pod-autoscaler-tolerance`.
pub const TOLERANCE: f64 = 0.1;
/// `--horizontal-pod-autoscaler-downscale-stabilization`.
pub const DOWNSCALE_WINDOW_MS: i64 = 5 * 60_000;
const SCALE_UP_FACTOR: f64 = 2.0;
const SCALE_UP_MINIMUM: f64 = 4.0;

/// What the controller remembers between syncs (its in-memory state, as the real
/// one keeps `recommendations` per HPA key).
#[derive(Clone, Debug, Default, serde::Serialize, serde::Deserialize)]
pub struct Memory {
    last_sync: BTreeMap<String, SimTime>,
    recommendations: BTreeMap<String, Vec<(SimTime, i32)>>,
}

/// The replica proposal of the usage ratio (`GetResourceReplicas` without unready
/// or missing pods): unchanged within the tolerance, else `ceil(ratio × ready)`.
pub fn replicas_for_ratio(current: i32, ready_pods: usize, ratio: f64) -> i32 {
    if (1.0 - ratio).abs() <= TOLERANCE {
        current
    } else {
        (ratio * ready_pods as f64).ceil() as i32
    }
}

/// `convertDesiredReplicasWithRules`: the scale-up limit and min/max, with the
/// condition reason and message that explain any clamp.
pub fn clamp(current: i32, desired: i32, min: i32, max: i32) -> (i32, &'static str, &'static str) {
    let scale_up_limit = (SCALE_UP_FACTOR * current as f64).max(SCALE_UP_MINIMUM).ceil() as i32;
    let (maximum, max_reason, max_msg) = if max > scale_up_limit {
        (scale_up_limit, "ScaleUpLimit", "the desired replica count is increasing faster than the maximum scale rate")
    } else {
        (max, "TooManyReplicas", "the desired replica count is more than the maximum replica count")
    };
    if desired < min {
        (min, "TooFewReplicas", "the desired replica count is less than the minimum replica count")
    } else if desired > maximum {
        (maximum, max_reason, max_msg)
    } else {
        (desired, "DesiredWithinRange", "the desired count is within the acceptable range")
    }
}

/// The target's scale subresource: replicas and pod selector.
fn get_scale(c: &Cluster, kind: &str, ns: &str, name: &str) -> Result<(i32, LabelSelector), String> {
    match kind {
        "Deployment" => c
            .store
            .get::<Deployment>(ns, name)
            .map(|d| (d.spec.as_ref().and_then(|s| s.replicas).unwrap_or(1), d.spec.clone().unwrap_or_default().selector))
            .ok_or_else(|| format!("deployments.apps \"{name}\" not found")),
        "ReplicaSet" => c
            .store
            .get::<ReplicaSet>(ns, name)
            .map(|d| (d.spec.as_ref().and_then(|s| s.replicas).unwrap_or(1), d.spec.clone().unwrap_or_default().selector))
            .ok_or_else(|| format!("replicasets.apps \"{name}\" not found")),
        "StatefulSet" => c
            .store
            .get::<StatefulSet>(ns, name)
            .map(|d| (d.spec.as_ref().and_then(|s| s.replicas).unwrap_or(1), d.spec.clone().unwrap_or_default().selector))
            .ok_or_else(|| format!("statefulsets.apps \"{name}\" not found")),
        other => Err(format!("no scale subresource for kind {other}")),
    }
}

/// Writes the target's `spec.replicas` through the scale subresource, i.e. as an
/// API update: the spec changes, so `metadata.generation` moves and the workload
/// controller sees a new desired state (`observedGeneration` catches up).
fn set_scale(c: &mut Cluster, kind: &str, ns: &str, name: &str, replicas: i32) {
    let key = ObjectKey::new(ns, name);
    let _ = match kind {
        "Deployment" => c.update::<Deployment>(&key, |d| d.spec.get_or_insert_with(Default::default).replicas = Some(replicas)).map(|_| ()),
        "ReplicaSet" => c.update::<ReplicaSet>(&key, |d| d.spec.get_or_insert_with(Default::default).replicas = Some(replicas)).map(|_| ()),
        "StatefulSet" => c.update::<StatefulSet>(&key, |d| d.spec.get_or_insert_with(Default::default).replicas = Some(replicas)).map(|_| ()),
        _ => Ok(()),
    };
}

fn event(c: &mut Cluster, hpa: &HorizontalPodAutoscaler, type_: &'static str, reason: &'static str, message: String) {
    let now = c.now();
    let mut involved = reference_to(hpa);
    involved.resource_version = None;
    c.store.record_event(now, NewEvent { involved, type_, reason, message, component: COMPONENT, host: None });
}

fn condition(type_: &str, ok: bool, reason: &str, message: String, now: SimTime) -> HorizontalPodAutoscalerCondition {
    HorizontalPodAutoscalerCondition {
        type_: type_.into(),
        status: if ok { "True" } else { "False" }.into(),
        reason: Some(reason.into()),
        message: Some(message),
        last_transition_time: Some(now.to_k8s()),
    }
}

/// Replaces conditions, keeping `lastTransitionTime` where the status is unchanged.
fn merge_conditions(old: &[HorizontalPodAutoscalerCondition], new: Vec<HorizontalPodAutoscalerCondition>) -> Vec<HorizontalPodAutoscalerCondition> {
    new.into_iter()
        .map(|mut c| {
            if let Some(prev) = old.iter().find(|o| o.type_ == c.type_ && o.status == c.status) {
                c.last_transition_time = prev.last_transition_time.clone();
            }
            c
        })
        .collect()
}

/// One resource metric's proposal and what the status reports for it.
struct Proposal {
    replicas: i32,
    status: MetricStatus,
    name: String,
}

/// `GetResourceReplicas` + `computeStatusForResourceMetric` for one Resource metric.
fn resource_proposal(c: &Cluster, ns: &str, selector: &LabelSelector, current: i32, spec: &MetricSpec) -> Result<Proposal, (String, &'static str)> {
    let Some(res) = spec.resource.as_ref() else {
        return Err(("only Resource metrics are simulated".into(), "FailedGetResourceMetric"));
    };
    let resource = res.name.as_str();
    let pods: Vec<&k8s_openapi::api::core::v1::Pod> = c
        .store
        .pods
        .list(Some(ns))
        .filter(|p| selects(selector, p.metadata.labels.as_ref()))
        .collect();
    let usage: BTreeMap<String, metrics::Usage> = metrics::pod_metrics(c, Some(ns))
        .into_iter()
        .filter(|m| pods.iter().any(|p| p.metadata.name.as_deref() == Some(m.key.name.as_str())))
        .map(|m| (m.key.name.clone(), m.total()))
        .collect();
    if usage.is_empty() {
        return Err((format!("unable to get metrics for resource {resource}: no metrics returned from resource metrics API"), "FailedGetResourceMetric"));
    }
    let pick = |u: &metrics::Usage| if resource == "memory" { u.memory_bytes * 1000 } else { u.cpu_millis };
    // groupPods: ignored (failed or deleted), unready (pending or not ready),
    // missing (no metrics), ready.
    let (mut ready, mut unready, mut missing) = (Vec::new(), Vec::new(), Vec::new());
    for p in &pods {
        let phase = p.status.as_ref().and_then(|s| s.phase.as_deref()).unwrap_or("Pending");
        if p.metadata.deletion_timestamp.is_some() || phase == "Failed" {
            continue;
        }
        let name = p.metadata.name.clone().unwrap_or_default();
        let is_ready = super::scheduler::pod_condition(p, "Ready").is_some_and(|c| c.status == "True");
        if !usage.contains_key(&name) {
            missing.push(*p);
        } else if phase == "Pending" || (resource == "cpu" && !is_ready) {
            unready.push(*p);
        } else {
            ready.push(*p);
        }
    }
    let request = |p: &k8s_openapi::api::core::v1::Pod| -> Result<i64, String> {
        let mut sum = 0;
        for ctr in p.spec.iter().flat_map(|s| s.containers.iter()) {
            let q = ctr.resources.as_ref().and_then(|r| r.requests.as_ref()).and_then(|r| r.get(resource));
            let Some(q) = q else {
                return Err(format!("missing request for {resource} in container {} of Pod {}", ctr.name, p.metadata.name.clone().unwrap_or_default()));
            };
            sum += if resource == "memory" { super::resources::bytes(q).unwrap_or(0) * 1000 } else { millis(q).unwrap_or(0) };
        }
        Ok(sum)
    };
    let mut requests: BTreeMap<String, i64> = BTreeMap::new();
    for p in ready.iter().chain(unready.iter()).chain(missing.iter()) {
        requests.insert(p.metadata.name.clone().unwrap_or_default(), request(p).map_err(|e| (e, "FailedGetResourceMetric"))?);
    }
    let ready_names: Vec<String> = ready.iter().map(|p| p.metadata.name.clone().unwrap_or_default()).collect();
    let sums = |names: &[String], values: &BTreeMap<String, i64>| -> (i64, i64) {
        names.iter().fold((0, 0), |(u, r), n| (u + values.get(n).copied().unwrap_or(0), r + requests.get(n).copied().unwrap_or(0)))
    };
    let measured = crate::sorting::btree_map(usage.iter().map(|(k, v)| (k.clone(), pick(v))));
    let (used, requested) = sums(&ready_names, &measured);
    if ready_names.is_empty() || requested == 0 {
        return Err((format!("unable to get metrics for resource {resource}: no metrics returned from resource metrics API"), "FailedGetResourceMetric"));
    }
    let utilization = (used * 100 / requested) as i32;
    let average_value = used / ready_names.len() as i64;
    let target_value = match res.target.average_value.as_ref() {
        Some(q) if resource == "memory" => super::resources::bytes(q).unwrap_or(1) * 1000,
        Some(q) => millis(q).unwrap_or(1),
        None => 1,
    }
    .max(1);
    let target_utilization = res.target.average_utilization.filter(|t| *t > 0);
    // GetResourceUtilizationRatio (integer utilization) or GetMetricUsageRatio.
    let ratio_of = |u: i64, r: i64, n: usize| -> f64 {
        match target_utilization {
            Some(t) => (if r == 0 { 0 } else { u * 100 / r }) as f64 / t as f64,
            None => (u / n.max(1) as i64) as f64 / target_value as f64,
        }
    };
    let ratio = ratio_of(used, requested, ready_names.len());
    let target_reason = if target_utilization.is_some() {
        format!("{resource} resource utilization (percentage of request)")
    } else {
        format!("{resource} resource")
    };
    let rebalance = !unready.is_empty() && ratio > 1.0;
    let replicas = if !rebalance && missing.is_empty() {
        replicas_for_ratio(current, ready_names.len(), ratio)
    } else {
        // Missing pods count as using 100% when scaling down and 0 when scaling
        // up; unready pods as 0 when scaling up.
        let mut values = measured.clone();
        let mut names = ready_names.clone();
        for p in &missing {
            let n = p.metadata.name.clone().unwrap_or_default();
            let v = if ratio < 1.0 { requests.get(&n).copied().unwrap_or(0) } else { 0 };
            values.insert(n.clone(), v);
            names.push(n);
        }
        if rebalance {
            for p in &unready {
                let n = p.metadata.name.clone().unwrap_or_default();
                values.insert(n.clone(), 0);
                names.push(n);
            }
        }
        let (u, r) = sums(&names, &values);
        let new_ratio = ratio_of(u, r, names.len());
        let proposed = (new_ratio * names.len() as f64).ceil() as i32;
        let within = (1.0 - new_ratio).abs() <= TOLERANCE;
        let direction_flipped = (ratio < 1.0 && new_ratio > 1.0) || (ratio > 1.0 && new_ratio < 1.0);
        let against_direction = (new_ratio < 1.0 && proposed > current) || (new_ratio > 1.0 && proposed < current);
        if within || direction_flipped || against_direction {
            current
        } else {
            proposed
        }
    };
    let current_value = if resource == "memory" { Quantity(format!("{}", average_value / 1000)) } else { Quantity(format!("{average_value}m")) };
    let status = MetricStatus {
        type_: "Resource".into(),
        resource: Some(ResourceMetricStatus {
            name: resource.into(),
            current: MetricValueStatus {
                average_utilization: res.target.average_utilization.map(|_| utilization),
                average_value: Some(current_value),
                value: None,
            },
        }),
        ..Default::default()
    };
    Ok(Proposal { replicas, status, name: target_reason })
}

/// Syncs every HPA whose 15 s period has come round.
pub fn reconcile(c: &mut Cluster) {
    let hpas: Vec<HorizontalPodAutoscaler> = c.store.horizontalpodautoscalers.list(None).cloned().collect();
    let now = c.now();
    for hpa in hpas {
        let uid = hpa.metadata.uid.clone().unwrap_or_default();
        let due = c.autoscaler.last_sync.get(&uid).is_none_or(|t| now.millis_since(*t) >= SYNC_MS);
        if !due || hpa.metadata.deletion_timestamp.is_some() {
            continue;
        }
        c.autoscaler.last_sync.insert(uid, now);
        c.wake_at(now.plus_ms(SYNC_MS));
        sync(c, &hpa);
    }
    // Forget HPAs that are gone.
    let live: Vec<String> = c.store.horizontalpodautoscalers.list(None).filter_map(|h| h.metadata.uid.clone()).collect();
    c.autoscaler.last_sync.retain(|k, _| live.contains(k));
    c.autoscaler.recommendations.retain(|k, _| live.contains(k));
}

fn sync(c: &mut Cluster, hpa: &HorizontalPodAutoscaler) {
    let now = c.now();
    let key = ObjectKey::of(&hpa.metadata);
    let uid = hpa.metadata.uid.clone().unwrap_or_default();
    let spec = hpa.spec.clone().unwrap_or_default();
    let old = hpa.status.clone().unwrap_or_default();
    let old_conditions = old.conditions.clone().unwrap_or_default();
    let target = &spec.scale_target_ref;
    let min = spec.min_replicas.unwrap_or(1);
    let max = spec.max_replicas;
    let (current, selector) = match get_scale(c, &target.kind, &key.namespace, &target.name) {
        Ok(s) => s,
        Err(msg) => {
            event(c, hpa, "Warning", "FailedGetScale", msg.clone());
            let conds = vec![condition("AbleToScale", false, "FailedGetScale", format!("the HPA controller was unable to get the target's current scale: {msg}"), now)];
            let conds = merge_conditions(&old_conditions, conds);
            c.store.modify::<HorizontalPodAutoscaler>(&key, |h| {
                let st = h.status.get_or_insert_with(Default::default);
                st.conditions = Some(conds.clone());
            });
            return;
        }
    };
    let mut conditions = Vec::new();
    let mut metric_statuses = Vec::new();
    let desired: i32;
    let mut reason = String::new();
    if current == 0 && min != 0 {
        desired = 0;
        conditions.push(condition("ScalingActive", false, "ScalingDisabled", "scaling is disabled since the replica count of the target is zero".into(), now));
    } else if current > max {
        desired = max;
        reason = "Current number of replicas above Spec.MaxReplicas".into();
    } else if current < min {
        desired = min;
        reason = "Current number of replicas below Spec.MinReplicas".into();
    } else {
        let mut best: Option<(i32, String)> = None;
        let mut errors = Vec::new();
        for m in spec.metrics.iter().flatten() {
            match resource_proposal(c, &key.namespace, &selector, current, m) {
                Ok(p) => {
                    metric_statuses.push(p.status);
                    if best.as_ref().is_none_or(|(r, _)| p.replicas > *r) {
                        best = Some((p.replicas, p.name));
                    }
                }
                Err((msg, why)) => {
                    let name = m.resource.as_ref().map(|r| r.name.clone()).unwrap_or_default();
                    event(c, hpa, "Warning", why, format!("failed to get {name} utilization: {msg}"));
                    errors.push(format!("failed to get {name} resource metric value: failed to get {name} utilization: {msg}"));
                }
            }
        }
        let total = spec.metrics.as_ref().map(Vec::len).unwrap_or(0);
        let Some((proposal, metric_name)) = best else {
            let first = errors.first().cloned().unwrap_or_default();
            event(c, hpa, "Warning", "FailedComputeMetricsReplicas", format!("invalid metrics ({} invalid out of {total}), first error is: {first}", errors.len()));
            let conds = vec![
                condition("AbleToScale", true, "SucceededGetScale", "the HPA controller was able to get the target's current scale".into(), now),
                condition("ScalingActive", false, "FailedGetResourceMetric", format!("the HPA was unable to compute the replica count: {first}"), now),
            ];
            let conds = merge_conditions(&old_conditions, conds);
            c.store.modify::<HorizontalPodAutoscaler>(&key, |h| {
                let st = h.status.get_or_insert_with(Default::default);
                st.current_replicas = Some(current);
                st.desired_replicas = current;
                st.current_metrics = None;
                st.conditions = Some(conds.clone());
            });
            return;
        };
        conditions.push(condition("ScalingActive", true, "ValidMetricFound", format!("the HPA was able to successfully calculate a replica count from {metric_name}"), now));
        // Stabilization: the highest recommendation of the last five minutes.
        let recs = c.autoscaler.recommendations.entry(uid.clone()).or_default();
        recs.retain(|(t, _)| now.millis_since(*t) < DOWNSCALE_WINDOW_MS);
        recs.push((now, proposal));
        let stabilized = recs.iter().map(|(_, r)| *r).max().unwrap_or(proposal);
        let (clamped, limit_reason, limit_msg) = clamp(current, stabilized, min, max);
        conditions.push(condition("ScalingLimited", limit_reason != "DesiredWithinRange", limit_reason, limit_msg.into(), now));
        desired = clamped;
        if desired > current {
            reason = format!("{metric_name} above target");
        } else if desired < current {
            reason = "All metrics below target".into();
        }
        if stabilized != proposal && desired == current {
            conditions.insert(0, condition("AbleToScale", true, "ScaleDownStabilized", "recent recommendations were higher than current one, applying the highest recent recommendation".into(), now));
        }
    }
    let rescale = desired != current && !(current == 0 && min != 0);
    if rescale {
        set_scale(c, &target.kind, &key.namespace, &target.name, desired);
        event(c, hpa, "Normal", "SuccessfulRescale", format!("New size: {desired}; reason: {reason}"));
        conditions.insert(0, condition("AbleToScale", true, "SucceededRescale", format!("the HPA controller was able to update the target scale to {desired}"), now));
    } else if !conditions.iter().any(|c| c.type_ == "AbleToScale") {
        conditions.insert(0, condition("AbleToScale", true, "ReadyForNewScale", "recommended size matches current size".into(), now));
    }
    let conditions = merge_conditions(&old_conditions, conditions);
    let status = HorizontalPodAutoscalerStatus {
        conditions: Some(conditions),
        current_metrics: if metric_statuses.is_empty() { None } else { Some(metric_statuses) },
        current_replicas: Some(current),
        desired_replicas: desired,
        last_scale_time: if rescale { Some(now.to_k8s()) } else { old.last_scale_time.clone() },
        observed_generation: hpa.metadata.generation,
    };
    c.store.modify::<HorizontalPodAutoscaler>(&key, |h| h.status = Some(status.clone()));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ratio_within_tolerance_keeps_the_count() {
        assert_eq!(replicas_for_ratio(3, 3, 1.05), 3);
        assert_eq!(replicas_for_ratio(3, 3, 0.91), 3);
        assert_eq!(replicas_for_ratio(3, 3, 1.11), 4);
    }

    #[test]
    fn desired_is_ceil_of_current_times_ratio() {
        // php-apache: one pod at 250% of its request against a 50% target.
        assert_eq!(replicas_for_ratio(1, 1, 250.0 / 50.0), 5);
        // 4 pods at 40% of an 80% target: half as many.
        assert_eq!(replicas_for_ratio(4, 4, 0.5), 2);
        assert_eq!(replicas_for_ratio(5, 5, 70.0 / 50.0), 7);
    }

    #[test]
    fn scale_up_is_limited_and_clamped() {
        assert_eq!(clamp(1, 5, 1, 10), (4, "ScaleUpLimit", "the desired replica count is increasing faster than the maximum scale rate"));
        assert_eq!(clamp(4, 7, 1, 10).0, 7);
        assert_eq!(clamp(4, 12, 1, 10), (8, "ScaleUpLimit", "the desired replica count is increasing faster than the maximum scale rate"));
        assert_eq!(clamp(8, 12, 1, 10), (10, "TooManyReplicas", "the desired replica count is more than the maximum replica count"));
        assert_eq!(clamp(3, 1, 2, 5), (2, "TooFewReplicas", "the desired replica count is less than the minimum replica count"));
        assert_eq!(clamp(3, 3, 2, 5).1, "DesiredWithinRange");
    }
}
