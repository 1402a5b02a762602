//! JSON in Go struct-field order. `--dry-run=client -o json` prints the *typed*
//! object kubectl built, so keys follow the Go structs (`kind`, `apiVersion`,
//! `metadata`, `spec`, `status`; a container's `name`, `image`, `command` ...), not
//! the alphabetical order of objects that come back from the server. One rank list
//! serves every struct a create command builds: no two of them order a shared key
//! differently. Keys not listed follow, alphabetically.

use serde_json::Value;

const GO_FIELD_ORDER: &[&str] = &[
    // TypeMeta, then the top level.
    "kind", "apiVersion", "metadata",
    // ObjectMeta
    "name", "generateName", "namespace", "selfLink", "uid", "resourceVersion", "generation",
    "creationTimestamp", "deletionTimestamp", "deletionGracePeriodSeconds", "labels", "annotations",
    "ownerReferences", "finalizers", "managedFields",
    // ConfigMap / Secret
    "immutable", "data", "stringData", "binaryData",
    // CronJobSpec (before its suspend/jobTemplate)
    "schedule", "timeZone", "startingDeadlineSeconds", "concurrencyPolicy",
    // DeploymentSpec / JobSpec heads
    "replicas", "parallelism", "completions",
    // PodSpec and Container, interleaved where they share keys
    "volumes", "initContainers", "containers", "ephemeralContainers",
    "image", "command", "args", "workingDir", "ports", "envFrom", "env", "value", "valueFrom",
    "resources", "limits", "requests", "claims", "resizePolicy",
    "restartPolicy", "volumeMounts", "volumeDevices", "livenessProbe", "readinessProbe", "startupProbe",
    "lifecycle", "terminationMessagePath", "terminationMessagePolicy", "imagePullPolicy",
    "terminationGracePeriodSeconds", "activeDeadlineSeconds", "dnsPolicy", "nodeSelector",
    "serviceAccountName", "serviceAccount", "automountServiceAccountToken", "nodeName", "hostNetwork",
    "hostPID", "hostIPC", "shareProcessNamespace", "securityContext", "stdin", "stdinOnce", "tty",
    "imagePullSecrets", "hostname", "subdomain", "affinity", "schedulerName", "tolerations", "hostAliases",
    "priorityClassName", "priority", "dnsConfig", "readinessGates", "runtimeClassName", "enableServiceLinks",
    "preemptionPolicy", "overhead", "topologySpreadConstraints",
    // ContainerPort / ServicePort
    "hostPort", "containerPort", "protocol", "appProtocol", "port", "targetPort", "nodePort", "hostIP",
    // JobSpec
    "podFailurePolicy", "successPolicy", "backoffLimit", "backoffLimitPerIndex", "maxFailedIndexes",
    // LabelSelector
    "matchLabels", "matchExpressions", "key", "operator", "values",
    // shared heads of specs
    "selector", "manualSelector", "template",
    "ttlSecondsAfterFinished", "completionMode", "suspend", "podReplacementPolicy",
    "jobTemplate", "successfulJobsHistoryLimit", "failedJobsHistoryLimit",
    // DeploymentSpec tail
    "strategy", "minReadySeconds", "revisionHistoryLimit", "paused", "progressDeadlineSeconds",
    // ServiceSpec after ports/selector
    "clusterIP", "clusterIPs", "type", "rollingUpdate", "maxUnavailable", "maxSurge", "externalIPs",
    "sessionAffinity", "loadBalancerIP", "loadBalancerSourceRanges", "externalName", "externalTrafficPolicy",
    "healthCheckNodePort", "publishNotReadyAddresses", "sessionAffinityConfig", "ipFamilies", "ipFamilyPolicy",
    "allocateLoadBalancerNodePorts", "loadBalancerClass", "internalTrafficPolicy",
    "spec", "status", "loadBalancer",
];

fn rank(key: &str) -> usize {
    GO_FIELD_ORDER.iter().position(|k| *k == key).unwrap_or(GO_FIELD_ORDER.len())
}

/// Pretty JSON (kubectl's four-space indent) with keys in Go struct order.
pub fn to_go_json(v: &Value) -> String {
    let mut out = String::new();
    write(v, Some(0), &mut out);
    out
}

/// Compact JSON in Go struct order, as `json.Marshal` writes a typed object (the
/// `last-applied-configuration` annotation of `--save-config`).
pub fn to_go_json_compact(v: &Value) -> String {
    let mut out = String::new();
    write(v, None, &mut out);
    out
}

/// `depth` is `None` for compact output.
fn write(v: &Value, depth: Option<usize>, out: &mut String) {
    let pad = |d: Option<usize>| d.map(|d| "    ".repeat(d)).unwrap_or_default();
    let newline = if depth.is_some() { "\n" } else { "" };
    let colon = if depth.is_some() { ": " } else { ":" };
    let inner = depth.map(|d| d + 1);
    match v {
        Value::Object(m) if m.is_empty() => out.push_str("{}"),
        Value::Object(m) => {
            let mut keys: Vec<&String> = m.keys().collect();
            crate::sorting::sort_by(&mut keys, |a, b| rank(a).cmp(&rank(b)).then_with(|| a.cmp(b)));
            out.push('{');
            out.push_str(newline);
            for (i, k) in keys.iter().enumerate() {
                out.push_str(&pad(inner));
                out.push_str(&go_string(k));
                out.push_str(colon);
                write(&m[k.as_str()], inner, out);
                if i + 1 < keys.len() {
                    out.push(',');
                }
                out.push_str(newline);
            }
            out.push_str(&pad(depth));
            out.push('}');
        }
        Value::Array(a) if a.is_empty() => out.push_str("[]"),
        Value::Array(a) => {
            out.push('[');
            out.push_str(newline);
            for (i, item) in a.iter().enumerate() {
                out.push_str(&pad(inner));
                write(item, inner, out);
                if i + 1 < a.len() {
                    out.push(',');
                }
                out.push_str(newline);
            }
            out.push_str(&pad(depth));
            out.push(']');
        }
        Value::String(s) => out.push_str(&go_string(s)),
        scalar => out.push_str(&scalar.to_string()),
    }
}

/// A JSON string as Go's `encoding/json` writes it: HTML-safe (`<`, `>`, `&` and the
/// line/paragraph separators escaped), so `sh -c 'a && b'` prints `a \u0026\u0026 b`.
pub fn go_string(s: &str) -> String {
    Value::String(s.to_string())
        .to_string()
        .replace('<', "\\u003c")
        .replace('>', "\\u003e")
        .replace('&', "\\u0026")
        .replace('\u{2028}', "\\u2028")
        .replace('\u{2029}', "\\u2029")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn typed_order() {
        let v = serde_json::json!({"status": {}, "spec": {"template": {}, "selector": {"matchLabels": {"app": "web"}}, "replicas": 1, "strategy": {}}, "metadata": {"labels": {"app": "web"}, "name": "web"}, "apiVersion": "apps/v1", "kind": "Deployment"});
        let text = to_go_json(&v);
        let expected = "{\n    \"kind\": \"Deployment\",\n    \"apiVersion\": \"apps/v1\",\n    \"metadata\": {\n        \"name\": \"web\",\n        \"labels\": {\n            \"app\": \"web\"\n        }\n    },\n    \"spec\": {\n        \"replicas\": 1,\n        \"selector\": {\n            \"matchLabels\": {\n                \"app\": \"web\"\n            }\n        },\n        \"template\": {},\n        \"strategy\": {}\n    },\n    \"status\": {}\n}";
        assert_eq!(text, expected);
        assert_eq!(to_go_json_compact(&serde_json::json!({"b": [1, {}], "a": "x"})), r#"{"a":"x","b":[1,{}]}"#);
        assert_eq!(go_string("a && b <c>"), r#""a \u0026\u0026 b \u003cc\u003e""#);
    }
}
