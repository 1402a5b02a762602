//! How controllers judge a pod: active, ready, available (k/k pkg/api/v1/pod/util.go
//! `IsPodReady`, `IsPodAvailable`; pkg/controller/controller_utils.go `IsPodActive`).
//! The ReplicaSet and Deployment controllers count replicas with these, so READY and
//! AVAILABLE in `kubectl get` follow the pods' Ready condition.

use k8s_openapi::api::core::v1::Pod;

use super::scheduler::pod_condition;
use crate::time::SimTime;

/// Not finished (Succeeded/Failed) and not being deleted: a pod a controller counts.
pub fn is_active(pod: &Pod) -> bool {
    let phase = pod.status.as_ref().and_then(|s| s.phase.as_deref());
    !matches!(phase, Some("Succeeded") | Some("Failed")) && pod.metadata.deletion_timestamp.is_none()
}

/// The Ready condition is True.
pub fn is_ready(pod: &Pod) -> bool {
    pod_condition(pod, "Ready").is_some_and(|c| c.status == "True")
}

/// Since when the pod has been Ready (the condition's lastTransitionTime).
pub fn ready_since(pod: &Pod) -> Option<SimTime> {
    pod_condition(pod, "Ready")
        .filter(|c| c.status == "True")
        .and_then(|c| c.last_transition_time.as_ref())
        .map(SimTime::from_k8s)
}

/// Ready for at least `min_ready_seconds` (strictly longer, as `IsPodAvailable`).
pub fn is_available(pod: &Pod, min_ready_seconds: i32, now: SimTime) -> bool {
    if !is_ready(pod) {
        return false;
    }
    if min_ready_seconds <= 0 {
        return true;
    }
    ready_since(pod).is_some_and(|t| t.plus_ms(i64::from(min_ready_seconds) * 1000) < now)
}

/// When a ready pod becomes available, if it is not yet: the instant a controller
/// must look again (`AddAfter(minReadySeconds)`).
pub fn available_at(pod: &Pod, min_ready_seconds: i32) -> Option<SimTime> {
    if min_ready_seconds <= 0 {
        return None;
    }
    ready_since(pod).map(|t| t.plus_ms(i64::from(min_ready_seconds) * 1000 + 1))
}
