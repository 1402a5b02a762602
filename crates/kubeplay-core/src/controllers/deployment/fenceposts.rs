//! The rolling-update arithmetic (k/k pkg/controller/deployment/util/deployment_util.go
//! `ResolveFenceposts`, `MaxSurge`, `MaxUnavailable`, `NewRSNewReplicas`): percentages
//! of the desired replicas, maxSurge rounded **up**, maxUnavailable rounded **down**,
//! and never both zero (maxUnavailable becomes 1).

use k8s_openapi::api::apps::v1::Deployment;
use k8s_openapi::apimachinery::pkg::util::intstr::IntOrString;

/// `intstr.GetScaledValueFromIntOrPercent`: an absolute number, or `N%` of `total`.
/// A malformed percentage counts as 0 (validation rejects it before it gets here).
pub fn scaled_value(v: &IntOrString, total: i32, round_up: bool) -> i32 {
    match v {
        IntOrString::Int(i) => *i,
        IntOrString::String(s) => {
            let percent: i64 = s.strip_suffix('%').and_then(|n| n.parse().ok()).unwrap_or(0);
            let scaled = percent * i64::from(total);
            let value = if round_up { (scaled + 99).div_euclid(100) } else { scaled.div_euclid(100) };
            value.clamp(i64::from(i32::MIN), i64::from(i32::MAX)) as i32
        }
    }
}

/// (maxSurge, maxUnavailable) as absolute numbers for `desired` replicas.
pub fn resolve_fenceposts(max_surge: Option<&IntOrString>, max_unavailable: Option<&IntOrString>, desired: i32) -> (i32, i32) {
    let zero = IntOrString::Int(0);
    let surge = scaled_value(max_surge.unwrap_or(&zero), desired, true);
    let mut unavailable = scaled_value(max_unavailable.unwrap_or(&zero), desired, false);
    if surge == 0 && unavailable == 0 {
        unavailable = 1;
    }
    (surge, unavailable)
}

pub fn replicas(d: &Deployment) -> i32 {
    d.spec.as_ref().and_then(|s| s.replicas).unwrap_or(1)
}

pub fn is_rolling_update(d: &Deployment) -> bool {
    d.spec.as_ref().and_then(|s| s.strategy.as_ref()).and_then(|s| s.type_.as_deref()).unwrap_or("RollingUpdate") == "RollingUpdate"
}

fn fenceposts(d: &Deployment) -> (i32, i32) {
    let ru = d.spec.as_ref().and_then(|s| s.strategy.as_ref()).and_then(|s| s.rolling_update.as_ref());
    resolve_fenceposts(ru.and_then(|r| r.max_surge.as_ref()), ru.and_then(|r| r.max_unavailable.as_ref()), replicas(d))
}

/// `MaxSurge`: 0 unless RollingUpdate.
pub fn max_surge(d: &Deployment) -> i32 {
    if !is_rolling_update(d) {
        return 0;
    }
    fenceposts(d).0
}

/// `MaxUnavailable`: 0 unless RollingUpdate with replicas; never more than replicas.
pub fn max_unavailable(d: &Deployment) -> i32 {
    let desired = replicas(d);
    if !is_rolling_update(d) || desired == 0 {
        return 0;
    }
    fenceposts(d).1.min(desired)
}

/// `NewRSNewReplicas`: how big the new ReplicaSet may be now, given the replicas of
/// all ReplicaSets (`all_replicas`) and its own (`new_replicas`).
pub fn new_rs_new_replicas(d: &Deployment, all_replicas: i32, new_replicas: i32) -> i32 {
    let desired = replicas(d);
    if !is_rolling_update(d) {
        return desired;
    }
    let max_total = desired + max_surge(d);
    if all_replicas >= max_total {
        return new_replicas;
    }
    let scale_up = (max_total - all_replicas).min(desired - new_replicas);
    new_replicas + scale_up
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pct(s: &str) -> IntOrString {
        IntOrString::String(s.into())
    }

    #[test]
    fn default_quarter_fenceposts() {
        // The reference's examples: 3 → 1/0, 4 → 1/1, 10 → 3/2.
        assert_eq!(resolve_fenceposts(Some(&pct("25%")), Some(&pct("25%")), 3), (1, 0));
        assert_eq!(resolve_fenceposts(Some(&pct("25%")), Some(&pct("25%")), 4), (1, 1));
        assert_eq!(resolve_fenceposts(Some(&pct("25%")), Some(&pct("25%")), 10), (3, 2));
        assert_eq!(resolve_fenceposts(Some(&pct("25%")), Some(&pct("25%")), 1), (1, 0));
    }

    #[test]
    fn both_zero_makes_unavailable_one() {
        assert_eq!(resolve_fenceposts(Some(&IntOrString::Int(0)), Some(&pct("25%")), 3), (0, 1));
        assert_eq!(resolve_fenceposts(None, None, 5), (0, 1));
        assert_eq!(resolve_fenceposts(Some(&IntOrString::Int(2)), Some(&IntOrString::Int(0)), 5), (2, 0));
    }

    #[test]
    fn rounding_directions() {
        assert_eq!(scaled_value(&pct("30%"), 5, true), 2);
        assert_eq!(scaled_value(&pct("30%"), 5, false), 1);
        assert_eq!(scaled_value(&pct("100%"), 7, false), 7);
        assert_eq!(scaled_value(&pct("0%"), 7, true), 0);
    }

    #[test]
    fn new_replica_set_grows_within_the_surge() {
        let mut d = Deployment::default();
        let spec = d.spec.get_or_insert_with(Default::default);
        spec.replicas = Some(3);
        spec.strategy = Some(k8s_openapi::api::apps::v1::DeploymentStrategy {
            type_: Some("RollingUpdate".into()),
            rolling_update: Some(k8s_openapi::api::apps::v1::RollingUpdateDeployment { max_surge: Some(pct("25%")), max_unavailable: Some(pct("25%")) }),
        });
        // Old at 3, new at 0: total may reach 4, so the new set gets 1.
        assert_eq!(new_rs_new_replicas(&d, 3, 0), 1);
        // Already at the surge limit: unchanged.
        assert_eq!(new_rs_new_replicas(&d, 4, 1), 1);
        // Old scaled to 2: the new set may grow to 2.
        assert_eq!(new_rs_new_replicas(&d, 3, 1), 2);
        assert_eq!(max_unavailable(&d), 0);
        assert_eq!(max_surge(&d), 1);
    }
}
