//! Defaulting and admission as the API server applies them to a new Pod
//! (k/k pkg/apis/core/v1/defaults.go, admission plugins `DefaultTolerationSeconds`,
//! `ServiceAccount`), and the Pod validation a learner can trip over.

use k8s_openapi::api::core::v1::{
    Pod, PodSecurityContext, PodSpec, ProjectedVolumeSource, ResourceRequirements, Toleration, Volume,
    VolumeMount, VolumeProjection,
};

use super::errors::{ApiError, FieldError};
use super::validation::{dns1123_label, dns1123_subdomain};
use crate::images::default_pull_policy;

/// The defaults of a pod spec, wherever it appears: in a Pod, and in the pod template
/// of a Deployment, ReplicaSet, DaemonSet, StatefulSet or Job (k/k
/// pkg/apis/core/v1/defaults.go `SetDefaults_PodSpec`, `SetDefaults_Container`).
pub fn default_pod_spec(spec: &mut PodSpec) {
    spec.restart_policy.get_or_insert_with(|| "Always".into());
    spec.dns_policy.get_or_insert_with(|| "ClusterFirst".into());
    spec.scheduler_name.get_or_insert_with(|| "default-scheduler".into());
    spec.termination_grace_period_seconds.get_or_insert(30);
    spec.security_context.get_or_insert_with(PodSecurityContext::default);
    for c in spec.containers.iter_mut().chain(spec.init_containers.iter_mut().flatten()) {
        let image = c.image.clone().unwrap_or_default();
        c.image_pull_policy.get_or_insert_with(|| default_pull_policy(&image).into());
        let resources = c.resources.get_or_insert_with(ResourceRequirements::default);
        // Limits without requests: the request defaults to the limit.
        if let Some(limits) = resources.limits.clone() {
            let requests = resources.requests.get_or_insert_with(Default::default);
            for (k, v) in limits {
                requests.entry(k).or_insert(v);
            }
        }
        c.termination_message_path.get_or_insert_with(|| "/dev/termination-log".into());
        c.termination_message_policy.get_or_insert_with(|| "File".into());
        for p in c.ports.iter_mut().flatten() {
            p.protocol.get_or_insert_with(|| "TCP".into());
        }
        super::probes::default_container_probes(c);
    }
}

/// `qos.GetPodQOS`: Guaranteed when every container limits cpu and memory with
/// requests equal to limits, BestEffort when nothing is requested or limited.
pub fn qos_class(spec: &PodSpec) -> &'static str {
    let mut any = false;
    let mut guaranteed = true;
    for c in &spec.containers {
        let r = c.resources.clone().unwrap_or_default();
        let requests = r.requests.unwrap_or_default();
        let limits = r.limits.unwrap_or_default();
        if !requests.is_empty() || !limits.is_empty() {
            any = true;
        }
        for res in ["cpu", "memory"] {
            match (requests.get(res), limits.get(res)) {
                (Some(a), Some(b)) if a == b => {}
                _ => guaranteed = false,
            }
        }
    }
    if !any {
        "BestEffort"
    } else if guaranteed {
        "Guaranteed"
    } else {
        "Burstable"
    }
}

/// Fills every default the API server adds to a new Pod, plus what its admission
/// plugins add (service account and its token volume, default tolerations, priority);
/// `suffix` names the token volume (`kube-api-access-<5 random>`).
pub fn default_pod(pod: &mut Pod, suffix: &str) {
    let spec = pod.spec.get_or_insert_with(Default::default);
    default_pod_spec(spec);
    spec.enable_service_links.get_or_insert(true);
    spec.preemption_policy.get_or_insert_with(|| "PreemptLowerPriority".into());
    spec.priority.get_or_insert(0);
    let sa = spec.service_account_name.get_or_insert_with(|| "default".into()).clone();
    spec.service_account = Some(sa);
    let volume = format!("kube-api-access-{suffix}");
    for c in &mut spec.containers {
        c.volume_mounts.get_or_insert_with(Vec::new).push(VolumeMount {
            mount_path: "/var/run/secrets/kubernetes.io/serviceaccount".into(),
            name: volume.clone(),
            read_only: Some(true),
            ..Default::default()
        });
    }
    spec.volumes.get_or_insert_with(Vec::new).push(Volume {
        name: volume,
        projected: Some(ProjectedVolumeSource {
            default_mode: Some(420),
            sources: Some(vec![
                VolumeProjection {
                    service_account_token: Some(k8s_openapi::api::core::v1::ServiceAccountTokenProjection {
                        expiration_seconds: Some(3607),
                        path: "token".into(),
                        ..Default::default()
                    }),
                    ..Default::default()
                },
                VolumeProjection {
                    config_map: Some(k8s_openapi::api::core::v1::ConfigMapProjection {
                        name: "kube-root-ca.crt".into(),
                        items: Some(vec![k8s_openapi::api::core::v1::KeyToPath { key: "ca.crt".into(), path: "ca.crt".into(), mode: None }]),
                        ..Default::default()
                    }),
                    ..Default::default()
                },
                VolumeProjection {
                    downward_api: Some(k8s_openapi::api::core::v1::DownwardAPIProjection {
                        items: Some(vec![k8s_openapi::api::core::v1::DownwardAPIVolumeFile {
                            path: "namespace".into(),
                            field_ref: Some(k8s_openapi::api::core::v1::ObjectFieldSelector {
                                api_version: Some("v1".into()),
                                field_path: "metadata.namespace".into(),
                            }),
                            ..Default::default()
                        }]),
                    }),
                    ..Default::default()
                },
            ]),
        }),
        ..Default::default()
    });
    // DefaultTolerationSeconds admission: 300 s for not-ready and unreachable nodes.
    let tolerations = spec.tolerations.get_or_insert_with(Vec::new);
    for key in ["node.kubernetes.io/not-ready", "node.kubernetes.io/unreachable"] {
        if !tolerations.iter().any(|t| t.key.as_deref() == Some(key)) {
            tolerations.push(Toleration {
                effect: Some("NoExecute".into()),
                key: Some(key.into()),
                operator: Some("Exists".into()),
                toleration_seconds: Some(300),
                ..Default::default()
            });
        }
    }
    let qos = qos_class(spec);
    let status = pod.status.get_or_insert_with(Default::default);
    status.phase = Some("Pending".into());
    status.qos_class = Some(qos.into());
}

/// The errors of a pod spec at `path` (`spec` in a Pod, `spec.template.spec` in a
/// Deployment) that a learner is likely to hit.
pub fn validate_pod_spec(spec: Option<&PodSpec>, path: &str) -> Vec<FieldError> {
    let mut errs = Vec::new();
    let containers = spec.map(|s| s.containers.as_slice()).unwrap_or(&[]);
    if containers.is_empty() {
        errs.push(FieldError { field: format!("{path}.containers"), detail: "Required value".into() });
    }
    for (i, c) in containers.iter().enumerate() {
        errs.extend(dns1123_label(&format!("{path}.containers[{i}].name"), &c.name));
        if c.image.as_deref().unwrap_or("").trim().is_empty() {
            errs.push(FieldError { field: format!("{path}.containers[{i}].image"), detail: "Required value".into() });
        }
        errs.extend(super::probes::container_probe_errors(c, &format!("{path}.containers[{i}]")));
    }
    errs
}

/// The validation errors of a Pod the learner is likely to hit.
pub fn validate_pod(pod: &Pod) -> Result<(), ApiError> {
    let name = pod.metadata.name.clone().unwrap_or_default();
    let generated = pod.metadata.generate_name.as_deref().is_some_and(|g| !g.is_empty());
    let mut errs: Vec<FieldError> = if name.is_empty() && generated {
        Vec::new()
    } else if name.is_empty() {
        vec![FieldError { field: "metadata.name".into(), detail: "Required value: name or generateName is required".into() }]
    } else {
        dns1123_subdomain("metadata.name", &name)
    };
    errs.extend(validate_pod_spec(pod.spec.as_ref(), "spec"));
    if errs.is_empty() {
        Ok(())
    } else {
        Err(ApiError::invalid("Pod", &name, errs))
    }
}
