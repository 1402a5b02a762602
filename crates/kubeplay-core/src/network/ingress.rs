//! Ingress: the API server's part (validation, the `DefaultIngressClass` admission
//! plugin) and a simulated ingress-nginx controller.
//!
//! The default cluster has one IngressClass, `nginx` (controller
//! `k8s.io/ingress-nginx`, marked default), and the controller listens on port 80
//! of every node (ingress-nginx's bare-metal host-network mode). It runs outside the
//! pod list, so a fresh cluster's `get pods -A` stays what kubeadm leaves. An
//! Ingress of its class gets a `Sync` event at once and, a few seconds later, the
//! first Ready worker's InternalIP as its ADDRESS. Requests to any node IP on port
//! 80 are routed by host and path (Exact, then the longest Prefix) straight to the
//! backend Service's endpoints, round-robin, as ingress-nginx balances upstreams.

use std::collections::BTreeMap;

use k8s_openapi::api::core::v1::Node;
use k8s_openapi::api::networking::v1::{
    HTTPIngressPath, Ingress, IngressBackend, IngressClass, IngressClassSpec, IngressLoadBalancerIngress,
    IngressLoadBalancerStatus, IngressStatus,
};
use k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta;

use super::loadbalancer::NetworkStep;
use crate::api::errors::{ApiError, FieldError};
use crate::api::store::{reference_to, NewEvent};
use crate::api::{ObjectKey, Store};
use crate::cluster::{Cluster, TimedWork};
use crate::time::SimTime;

pub const CLASS_NAME: &str = "nginx";
pub const CONTROLLER: &str = "k8s.io/ingress-nginx";
const DEFAULT_CLASS_ANNOTATION: &str = "ingressclass.kubernetes.io/is-default-class";
/// How long ingress-nginx takes to write the address into a new Ingress's status.
pub const STATUS_DELAY_MS: i64 = 10_000;

/// `ValidateIngressCreate`: the mistakes a hand-written manifest makes.
pub fn validate_ingress(ing: &Ingress) -> Result<(), ApiError> {
    crate::api::admission::validate_name(ing)?;
    let name = ing.metadata.name.clone().unwrap_or_default();
    let spec = ing.spec.clone().unwrap_or_default();
    let mut errs = Vec::new();
    if spec.rules.as_ref().is_none_or(|r| r.is_empty()) && spec.default_backend.is_none() {
        errs.push(FieldError { field: "spec".into(), detail: "Invalid value: \"\": either `defaultBackend` or `rules` must be specified".into() });
    }
    for (i, rule) in spec.rules.iter().flatten().enumerate() {
        for (j, p) in rule.http.iter().flat_map(|h| h.paths.iter()).enumerate() {
            let field = format!("spec.rules[{i}].http.paths[{j}]");
            match p.path_type.as_str() {
                "" => errs.push(FieldError { field: format!("{field}.pathType"), detail: "Required value: pathType must be specified".into() }),
                "Exact" | "Prefix" | "ImplementationSpecific" => {}
                other => errs.push(FieldError {
                    field: format!("{field}.pathType"),
                    detail: format!("Unsupported value: \"{other}\": supported values: \"Exact\", \"ImplementationSpecific\", \"Prefix\""),
                }),
            }
            let path = p.path.clone().unwrap_or_default();
            if p.path_type != "ImplementationSpecific" && !path.starts_with('/') {
                errs.push(FieldError { field: format!("{field}.path"), detail: format!("Invalid value: \"{path}\": must be an absolute path") });
            }
        }
    }
    if errs.is_empty() {
        Ok(())
    } else {
        Err(ApiError::invalid("Ingress.networking.k8s.io", &name, errs))
    }
}

/// The `DefaultIngressClass` admission plugin: an Ingress that names no class gets
/// the one class marked default (none if there are several or none).
pub fn default_ingress_class(ing: &mut Ingress, store: &Store) {
    let spec = ing.spec.get_or_insert_with(Default::default);
    let annotated = ing.metadata.annotations.as_ref().is_some_and(|a| a.contains_key("kubernetes.io/ingress.class"));
    if spec.ingress_class_name.is_some() || annotated {
        return;
    }
    let defaults: Vec<&IngressClass> = store
        .ingressclasses
        .list(None)
        .filter(|c| c.metadata.annotations.as_ref().and_then(|a| a.get(DEFAULT_CLASS_ANNOTATION)).map(String::as_str) == Some("true"))
        .collect();
    if let [only] = defaults.as_slice() {
        spec.ingress_class_name = only.metadata.name.clone();
    }
}

/// The `nginx` IngressClass of the default cluster.
pub fn bootstrap_ingress_class(c: &mut Cluster, born: SimTime) {
    let class = IngressClass {
        metadata: ObjectMeta {
            name: Some(CLASS_NAME.into()),
            labels: Some(
                [
                    ("app.kubernetes.io/component", "controller"),
                    ("app.kubernetes.io/instance", "ingress-nginx"),
                    ("app.kubernetes.io/name", "ingress-nginx"),
                ]
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect(),
            ),
            annotations: Some([(DEFAULT_CLASS_ANNOTATION.to_string(), "true".to_string())].into()),
            creation_timestamp: Some(born.to_k8s()),
            ..Default::default()
        },
        spec: Some(IngressClassSpec { controller: Some(CONTROLLER.into()), parameters: None }),
    };
    let _ = c.create(class);
}

/// Whether the simulated controller serves this Ingress.
fn ours(store: &Store, ing: &Ingress) -> bool {
    let by_annotation = ing.metadata.annotations.as_ref().and_then(|a| a.get("kubernetes.io/ingress.class")).cloned();
    let class = ing.spec.as_ref().and_then(|s| s.ingress_class_name.clone()).or(by_annotation);
    let Some(class) = class else { return false };
    store
        .get::<IngressClass>("", &class)
        .is_some_and(|ic| ic.spec.as_ref().and_then(|s| s.controller.as_deref()) == Some(CONTROLLER))
}

/// Takes on new Ingresses of its class: a `Sync` event now, the address later.
pub fn reconcile(c: &mut Cluster) {
    let ingresses: Vec<Ingress> = c.store.ingresses.list(None).cloned().collect();
    for ing in ingresses {
        let uid = ing.metadata.uid.clone().unwrap_or_default();
        if !ours(&c.store, &ing) || !c.network.synced_ingresses.insert(uid.clone()) {
            continue;
        }
        let now = c.now();
        let mut involved = reference_to(&ing);
        involved.resource_version = None;
        c.store.record_event(now, NewEvent {
            involved,
            type_: "Normal",
            reason: "Sync",
            message: "Scheduled for sync".into(),
            component: "nginx-ingress-controller",
            host: None,
        });
        let at = now.plus_ms(STATUS_DELAY_MS);
        c.schedule(at, TimedWork::Network(NetworkStep::IngressAddress { ingress: ObjectKey::of(&ing.metadata), uid }));
    }
}

/// The address ingress-nginx publishes: the first Ready worker's InternalIP.
fn controller_address(c: &Cluster) -> Option<String> {
    c.store
        .nodes
        .list(None)
        .filter(|n| !n.metadata.labels.as_ref().is_some_and(|l| l.contains_key("node-role.kubernetes.io/control-plane")))
        .filter(|n| super::request::node_ready(n))
        .find_map(crate::controllers::kubelet::node_internal_ip)
}

pub fn publish_address(c: &mut Cluster, key: &ObjectKey, uid: &str) {
    let Some(ing) = c.store.ingresses.get(key) else { return };
    if ing.metadata.uid.as_deref() != Some(uid) {
        return;
    }
    let Some(ip) = controller_address(c) else { return };
    c.store.modify::<Ingress>(key, |i| {
        i.status = Some(IngressStatus {
            load_balancer: Some(IngressLoadBalancerStatus {
                ingress: Some(vec![IngressLoadBalancerIngress { ip: Some(ip.clone()), ..Default::default() }]),
            }),
        });
    });
}

/// Where the controller sends a request: the Ingress and the backend it chose.
#[derive(Clone, Debug, PartialEq)]
pub struct Route {
    pub ingress: ObjectKey,
    pub backend: IngressBackend,
}

/// Whether `path` matches an ingress path of the given type.
fn path_matches(p: &HTTPIngressPath, path: &str) -> Option<(u8, usize)> {
    let want = p.path.clone().unwrap_or_else(|| "/".into());
    match p.path_type.as_str() {
        "Exact" => (path == want).then_some((2, want.len())),
        _ => {
            // Prefix: element-wise, so /foo matches /foo and /foo/bar but not /foobar.
            let want_trim = want.trim_end_matches('/');
            let ok = want_trim.is_empty() || path == want_trim || path.starts_with(&format!("{want_trim}/"));
            ok.then_some((1, want_trim.len()))
        }
    }
}

fn host_matches(rule_host: &str, host: &str) -> Option<u8> {
    if rule_host.is_empty() {
        return Some(0);
    }
    if rule_host == host {
        return Some(2);
    }
    if let Some(suffix) = rule_host.strip_prefix("*.") {
        if let Some((first, rest)) = host.split_once('.') {
            if !first.is_empty() && rest == suffix {
                return Some(1);
            }
        }
    }
    None
}

/// ingress-nginx's choice for `host` + `path` among the Ingresses it serves: the most
/// specific host, then Exact before Prefix, then the longest prefix; else a default
/// backend.
pub fn route(c: &Cluster, host: &str, path: &str) -> Option<Route> {
    let host = host.split(':').next().unwrap_or(host).to_lowercase();
    let mut best: Option<((u8, u8, usize), Route)> = None;
    let mut default: Option<Route> = None;
    for ing in c.store.ingresses.list(None).filter(|i| ours(&c.store, i)) {
        let key = ObjectKey::of(&ing.metadata);
        let spec = ing.spec.clone().unwrap_or_default();
        if let Some(b) = spec.default_backend.clone() {
            default.get_or_insert(Route { ingress: key.clone(), backend: b });
        }
        for rule in spec.rules.iter().flatten() {
            let Some(hs) = host_matches(rule.host.as_deref().unwrap_or(""), &host) else { continue };
            for p in rule.http.iter().flat_map(|h| h.paths.iter()) {
                if let Some((kind, len)) = path_matches(p, path) {
                    let score = (hs, kind, len);
                    if best.as_ref().is_none_or(|(s, _)| score > *s) {
                        best = Some((score, Route { ingress: key.clone(), backend: p.backend.clone() }));
                    }
                }
            }
        }
    }
    best.map(|(_, r)| r).or(default)
}

/// ingress-nginx's own error pages.
pub fn error_page(code: u16) -> String {
    let title = match code {
        404 => "404 Not Found",
        502 => "502 Bad Gateway",
        _ => "503 Service Temporarily Unavailable",
    };
    format!("<html>\n<head><title>{title}</title></head>\n<body>\n<center><h1>{title}</h1></center>\n<hr><center>nginx</center>\n</body>\n</html>\n")
}

/// Round-robin position for a backend, advanced on every use.
pub fn next_round_robin(rr: &mut BTreeMap<String, usize>, backend: &str, n: usize) -> usize {
    let pos = rr.entry(backend.to_string()).or_insert(0);
    let i = *pos % n.max(1);
    *pos = pos.wrapping_add(1);
    i
}

/// Node IPs the controller listens on (every node, port 80).
pub fn listens_on(c: &Cluster, ip: &str) -> bool {
    c.store.nodes.list(None).any(|n: &Node| crate::controllers::kubelet::node_internal_ip(n).as_deref() == Some(ip))
}
