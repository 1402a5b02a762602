//! The environment the kubelet builds for a container when it creates it
//! (`kubelet_pods.go` `makeEnvironmentVariables`): `envFrom` sources first, then
//! `env` entries (which override), each `value` with `$(VAR)` references expanded,
//! `valueFrom` read from ConfigMaps, Secrets, the pod's own fields and its resources.
//!
//! The values are fixed at creation: a ConfigMap edited later changes nothing in a
//! running container, which is why people run `kubectl rollout restart`. So the
//! kubelet keeps what it resolved ([`ResolvedEnv`]) and `kubectl exec … env` reads
//! that, not the ConfigMap's current data. A missing source that is not optional
//! stops the container from being created (`CreateContainerConfigError`), with the
//! kubelet's own message.

use std::collections::BTreeMap;

use k8s_openapi::api::core::v1::{ConfigMap, Container, EnvVarSource, Pod, Secret};
use k8s_openapi::apimachinery::pkg::api::resource::Quantity;
use serde::{Deserialize, Serialize};

use crate::api::store::Store;
use crate::api::ObjectKey;

/// What the kubelet resolved for each container it created, by pod uid.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct ResolvedEnv {
    pods: BTreeMap<String, PodEnv>,
    /// `Store::deletions` when entries of deleted pods were last dropped.
    #[serde(default)]
    pruned_at: u64,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
struct PodEnv {
    pod: ObjectKey,
    containers: BTreeMap<String, Vec<(String, String)>>,
}

impl ResolvedEnv {
    /// Remembers the environment of a container just created.
    pub fn record(&mut self, pod: &Pod, container: &str, env: Vec<(String, String)>) {
        let uid = pod.metadata.uid.clone().unwrap_or_default();
        let entry = self.pods.entry(uid).or_insert_with(|| PodEnv { pod: ObjectKey::of(&pod.metadata), containers: BTreeMap::new() });
        entry.containers.insert(container.to_string(), env);
    }

    /// The environment a running container was created with, if the kubelet created it.
    pub fn of(&self, pod: &Pod, container: &str) -> Option<&[(String, String)]> {
        let uid = pod.metadata.uid.as_deref()?;
        self.pods.get(uid)?.containers.get(container).map(Vec::as_slice)
    }

    /// Forgets the pods that are gone; only looks when something was deleted.
    pub fn prune(&mut self, store: &Store) {
        if store.deletions() == self.pruned_at {
            return;
        }
        self.pruned_at = store.deletions();
        self.pods.retain(|uid, e| store.pods.get(&e.pod).is_some_and(|p| p.metadata.uid.as_deref() == Some(uid.as_str())));
    }
}

/// Builds the container's environment, or the kubelet's reason it cannot
/// (`configmap "x" not found`, `couldn't find key k in ConfigMap ns/x`).
pub fn resolve(store: &Store, pod: &Pod, container: &Container) -> Result<Vec<(String, String)>, String> {
    let ns = pod.metadata.namespace.as_deref().unwrap_or("default");
    let mut env: Vec<(String, String)> = Vec::new();
    let set = |env: &mut Vec<(String, String)>, name: String, value: String| match env.iter_mut().find(|(n, _)| *n == name) {
        Some(slot) => slot.1 = value,
        None => env.push((name, value)),
    };
    for source in container.env_from.iter().flatten() {
        let prefix = source.prefix.clone().unwrap_or_default();
        if let Some(r) = &source.config_map_ref {
            match store.get::<ConfigMap>(ns, &r.name) {
                Some(cm) => {
                    for (k, v) in cm.data.iter().flatten() {
                        set(&mut env, format!("{prefix}{k}"), v.clone());
                    }
                }
                None if r.optional == Some(true) => {}
                None => return Err(format!("configmap \"{}\" not found", r.name)),
            }
        }
        if let Some(r) = &source.secret_ref {
            match store.get::<Secret>(ns, &r.name) {
                Some(s) => {
                    for (k, v) in s.data.iter().flatten() {
                        set(&mut env, format!("{prefix}{k}"), String::from_utf8_lossy(&v.0).into_owned());
                    }
                }
                None if r.optional == Some(true) => {}
                None => return Err(format!("secret \"{}\" not found", r.name)),
            }
        }
    }
    for var in container.env.iter().flatten() {
        let value = match &var.value_from {
            Some(from) => match value_from(store, pod, container, ns, from)? {
                Some(v) => v,
                None => continue,
            },
            None => expand(var.value.as_deref().unwrap_or(""), &env),
        };
        set(&mut env, var.name.clone(), value);
    }
    Ok(env)
}

/// One `valueFrom`; `None` when an optional source is missing (the variable is left out).
fn value_from(store: &Store, pod: &Pod, container: &Container, ns: &str, from: &EnvVarSource) -> Result<Option<String>, String> {
    if let Some(r) = &from.config_map_key_ref {
        let optional = r.optional == Some(true);
        return match store.get::<ConfigMap>(ns, &r.name) {
            None if optional => Ok(None),
            None => Err(format!("configmap \"{}\" not found", r.name)),
            Some(cm) => match cm.data.as_ref().and_then(|d| d.get(&r.key)) {
                Some(v) => Ok(Some(v.clone())),
                None if optional => Ok(None),
                None => Err(format!("couldn't find key {} in ConfigMap {ns}/{}", r.key, r.name)),
            },
        };
    }
    if let Some(r) = &from.secret_key_ref {
        let optional = r.optional == Some(true);
        return match store.get::<Secret>(ns, &r.name) {
            None if optional => Ok(None),
            None => Err(format!("secret \"{}\" not found", r.name)),
            Some(s) => match s.data.as_ref().and_then(|d| d.get(&r.key)) {
                Some(v) => Ok(Some(String::from_utf8_lossy(&v.0).into_owned())),
                None if optional => Ok(None),
                None => Err(format!("couldn't find key {} in Secret {ns}/{}", r.key, r.name)),
            },
        };
    }
    if let Some(f) = &from.field_ref {
        return Ok(Some(pod_field(pod, &f.field_path)));
    }
    if let Some(r) = &from.resource_field_ref {
        return Ok(Some(resource_field(container, &r.resource, r.divisor.as_ref().map(|q| q.0.as_str()))));
    }
    Ok(Some(String::new()))
}

/// The downward API's pod fields (`fieldRef.fieldPath`).
fn pod_field(pod: &Pod, path: &str) -> String {
    let spec = pod.spec.as_ref();
    let status = pod.status.as_ref();
    let from_map = |m: Option<&BTreeMap<String, String>>, rest: &str| {
        let key = rest.trim_start_matches("['").trim_end_matches("']");
        m.and_then(|m| m.get(key)).cloned().unwrap_or_default()
    };
    match path {
        "metadata.name" => pod.metadata.name.clone().unwrap_or_default(),
        "metadata.namespace" => pod.metadata.namespace.clone().unwrap_or_default(),
        "metadata.uid" => pod.metadata.uid.clone().unwrap_or_default(),
        "spec.nodeName" => spec.and_then(|s| s.node_name.clone()).unwrap_or_default(),
        "spec.serviceAccountName" => spec.and_then(|s| s.service_account_name.clone()).unwrap_or_default(),
        "status.podIP" => status.and_then(|s| s.pod_ip.clone()).unwrap_or_default(),
        "status.hostIP" => status.and_then(|s| s.host_ip.clone()).unwrap_or_default(),
        "status.podIPs" => status.and_then(|s| s.pod_ips.as_ref()).map(|ips| ips.iter().map(|i| i.ip.clone()).collect::<Vec<_>>().join(",")).unwrap_or_default(),
        "status.hostIPs" => status.and_then(|s| s.host_ips.as_ref()).map(|ips| ips.iter().map(|i| i.ip.clone()).collect::<Vec<_>>().join(",")).unwrap_or_default(),
        _ => match path.split_once('[') {
            Some(("metadata.labels", rest)) => from_map(pod.metadata.labels.as_ref(), &format!("[{rest}")),
            Some(("metadata.annotations", rest)) => from_map(pod.metadata.annotations.as_ref(), &format!("[{rest}")),
            _ => String::new(),
        },
    }
}

/// `resourceFieldRef`: the container's request or limit in units of the divisor,
/// rounded up as the kubelet's `ExtractContainerResourceValue` does.
fn resource_field(container: &Container, resource: &str, divisor: Option<&str>) -> String {
    let res = container.resources.as_ref();
    let (map, name) = match resource.split_once('.') {
        Some(("limits", n)) => (res.and_then(|r| r.limits.as_ref()), n),
        Some(("requests", n)) => (res.and_then(|r| r.requests.as_ref()), n),
        _ => return String::new(),
    };
    let Some(q) = map.and_then(|m| m.get(name)) else { return String::new() };
    let one = Quantity("1".into());
    let div = divisor.map(|d| Quantity(d.to_string())).unwrap_or(one);
    let measure = if name == "cpu" { super::resources::millis } else { super::resources::bytes };
    match (measure(q), measure(&div)) {
        (Some(v), Some(d)) if d > 0 => ((v + d - 1) / d).to_string(),
        _ => String::new(),
    }
}

/// `$(NAME)` references to variables defined before, as the kubelet expands them;
/// `$$` is a literal `$`, and an unknown reference stays as written.
pub fn expand(value: &str, env: &[(String, String)]) -> String {
    let mut out = String::new();
    let mut rest = value;
    while let Some(i) = rest.find('$') {
        out.push_str(&rest[..i]);
        let after = &rest[i + 1..];
        if let Some(tail) = after.strip_prefix('$') {
            out.push('$');
            rest = tail;
        } else if let Some(body) = after.strip_prefix('(') {
            match body.find(')') {
                Some(end) => {
                    let name = &body[..end];
                    match env.iter().rev().find(|(n, _)| n == name) {
                        Some((_, v)) => out.push_str(v),
                        None => {
                            out.push_str("$(");
                            out.push_str(name);
                            out.push(')');
                        }
                    }
                    rest = &body[end + 1..];
                }
                None => {
                    out.push_str("$(");
                    rest = body;
                }
            }
        } else {
            out.push('$');
            rest = after;
        }
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pod_with(env_yaml: &str) -> (Pod, Container) {
        let pod: Pod = yaml_serde::from_str(&format!(
            "metadata: {{name: web, namespace: default, uid: u1, labels: {{app: web}}}}\nspec:\n  nodeName: node01\n  containers:\n  - name: c\n    image: busybox\n{env_yaml}\nstatus: {{podIP: 10.244.1.5}}\n"
        ))
        .unwrap();
        let c = pod.spec.as_ref().unwrap().containers[0].clone();
        (pod, c)
    }

    fn store_with_config() -> Store {
        let mut c = crate::cluster::Cluster::new(Default::default());
        let cm: ConfigMap = yaml_serde::from_str("metadata: {name: cfg, namespace: default}\ndata: {GREETING: hello, COLOR: blue}").unwrap();
        c.create(cm).unwrap();
        c.store
    }

    #[test]
    fn env_from_then_env_overrides_and_expands() {
        let (pod, c) = pod_with("    envFrom:\n    - configMapRef: {name: cfg}\n      prefix: CFG_\n    env:\n    - {name: CFG_COLOR, value: red}\n    - {name: MSG, value: '$(CFG_GREETING) world $$(X) $(NOPE)'}\n    - name: POD\n      valueFrom: {fieldRef: {fieldPath: metadata.name}}\n    - name: APP\n      valueFrom: {fieldRef: {fieldPath: \"metadata.labels['app']\"}}\n    - name: IP\n      valueFrom: {fieldRef: {fieldPath: status.podIP}}");
        let env = resolve(&store_with_config(), &pod, &c).unwrap();
        let got: Vec<String> = env.iter().map(|(k, v)| format!("{k}={v}")).collect();
        assert_eq!(got, ["CFG_COLOR=red", "CFG_GREETING=hello", "MSG=hello world $(X) $(NOPE)", "POD=web", "APP=web", "IP=10.244.1.5"]);
    }

    #[test]
    fn missing_sources_give_the_kubelet_messages() {
        let store = store_with_config();
        let (pod, c) = pod_with("    env:\n    - name: A\n      valueFrom: {configMapKeyRef: {name: other, key: x}}");
        assert_eq!(resolve(&store, &pod, &c).unwrap_err(), "configmap \"other\" not found");
        let (pod, c) = pod_with("    env:\n    - name: A\n      valueFrom: {configMapKeyRef: {name: cfg, key: x}}");
        assert_eq!(resolve(&store, &pod, &c).unwrap_err(), "couldn't find key x in ConfigMap default/cfg");
        let (pod, c) = pod_with("    env:\n    - name: A\n      valueFrom: {secretKeyRef: {name: s, key: x}}");
        assert_eq!(resolve(&store, &pod, &c).unwrap_err(), "secret \"s\" not found");
        let (pod, c) = pod_with("    env:\n    - name: A\n      valueFrom: {configMapKeyRef: {name: other, key: x, optional: true}}");
        assert_eq!(resolve(&store, &pod, &c).unwrap(), Vec::<(String, String)>::new());
    }
}
