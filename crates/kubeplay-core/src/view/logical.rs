//! The logical picture: namespaces as regions; in each, pods grouped under the
//! chain of controllers that own them (Deployment → ReplicaSet → Pod, read generically
//! from `ownerReferences`, so every workload kind the store holds appears without
//! this module knowing it), Services with the pods their selector picks, Ingresses
//! with the Services they route to, and the ConfigMaps, Secrets and claims pods use.

use std::collections::BTreeMap;

use k8s_openapi::api::core::v1::{Pod, Service};
use k8s_openapi::api::networking::v1::Ingress;
use serde_json::Value;

use super::physical::{controller_of, pod_view};
use super::{ObjectRef, PodView};
use crate::cluster::Cluster;
use crate::kubectl::resources::{self, Want};

/// Kinds that own pods or other owners, in the order `get all` lists them.
const WORKLOADS: &[&str] =
    &["replicationcontrollers", "daemonsets", "deployments", "replicasets", "statefulsets", "cronjobs", "jobs"];

/// An owner with what it owns: other owners (a Deployment's ReplicaSets) and pods.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OwnerView {
    pub object: ObjectRef,
    /// `(ready, desired)` replicas when the kind has them.
    pub replicas: Option<(i64, i64)>,
    /// `deployment.kubernetes.io/revision` of a ReplicaSet (or Deployment).
    pub revision: Option<String>,
    /// The images of the pod template.
    pub images: Vec<String>,
    pub owners: Vec<OwnerView>,
    pub pods: Vec<PodView>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ServiceView {
    pub name: String,
    /// `ClusterIP`, `NodePort`, `LoadBalancer`, `ExternalName`.
    pub type_: String,
    pub cluster_ip: String,
    /// `80/TCP,443:30443/TCP`, as the PORT(S) column reads.
    pub ports: String,
    /// `app=whoami`, as `kubectl get svc -o wide` shows SELECTOR; empty when none.
    pub selector: String,
    /// The pods of the namespace whose labels match the selector.
    pub pods: Vec<PodView>,
    /// The ENDPOINTS column of the service's Endpoints object, when there is one.
    pub endpoints: Option<String>,
}

/// An Ingress: its class and each rule's host and path with the Service behind it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct IngressView {
    pub name: String,
    pub class: Option<String>,
    /// The ADDRESS column (the controller's address once it has one).
    pub address: Option<String>,
    pub routes: Vec<RouteView>,
}

/// `host/path → service:port`; `host` is `*` when the rule names none.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RouteView {
    pub host: String,
    pub path: String,
    pub service: String,
    pub port: String,
}

/// A ConfigMap, Secret or PersistentVolumeClaim and the workloads whose pods use it
/// (volumes, `envFrom`, `env[].valueFrom`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ConfigView {
    pub object: ObjectRef,
    /// `2 keys`, `Opaque`, `Bound 1Gi`: a short description.
    pub detail: String,
    /// The topmost owner of each user (`Deployment/web`), or the pod itself.
    pub used_by: Vec<ObjectRef>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NamespaceView {
    pub name: String,
    /// `kube-system`, `kube-public`, `kube-node-lease`: the cluster's own.
    pub system: bool,
    pub owners: Vec<OwnerView>,
    /// Pods no controller owns (`kubectl run`).
    pub pods: Vec<PodView>,
    pub services: Vec<ServiceView>,
    pub ingresses: Vec<IngressView>,
    pub config: Vec<ConfigView>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LogicalView {
    pub namespaces: Vec<NamespaceView>,
}

/// What the view needs of one owner before the tree is built.
struct OwnerFacts {
    parent: Option<ObjectRef>,
    replicas: Option<(i64, i64)>,
    revision: Option<String>,
    images: Vec<String>,
}

fn facts(json: &Value) -> (Option<ObjectRef>, OwnerFacts) {
    let meta = &json["metadata"];
    let ns = meta["namespace"].as_str().unwrap_or("");
    let parent = meta["ownerReferences"].as_array().and_then(|refs| {
        refs.iter().find(|r| r["controller"].as_bool() == Some(true)).map(|r| {
            ObjectRef::new(r["kind"].as_str().unwrap_or(""), ns, r["name"].as_str().unwrap_or(""))
        })
    });
    let desired = json["spec"]["replicas"].as_i64();
    let ready = json["status"]["readyReplicas"].as_i64().unwrap_or(0);
    let images = json["spec"]["template"]["spec"]["containers"]
        .as_array()
        .map(|cs| cs.iter().filter_map(|c| c["image"].as_str().map(String::from)).collect())
        .unwrap_or_default();
    let revision = meta["annotations"]["deployment.kubernetes.io/revision"].as_str().map(String::from);
    let me = meta["name"].as_str().map(|n| ObjectRef::new(json["kind"].as_str().unwrap_or(""), ns, n));
    (me, OwnerFacts { parent, replicas: desired.map(|d| (ready, d)), revision, images })
}

fn selector_text(selector: &BTreeMap<String, String>) -> String {
    selector.iter().map(|(k, v)| format!("{k}={v}")).collect::<Vec<_>>().join(",")
}

fn service_view(c: &Cluster, s: &Service, pods: &[(&BTreeMap<String, String>, PodView)]) -> ServiceView {
    let name = s.metadata.name.clone().unwrap_or_default();
    let ns = s.metadata.namespace.clone().unwrap_or_default();
    let spec = s.spec.as_ref();
    let selector = spec.and_then(|s| s.selector.clone()).unwrap_or_default();
    let picked = if selector.is_empty() {
        Vec::new()
    } else {
        pods.iter().filter(|(labels, _)| selector.iter().all(|(k, v)| labels.get(k) == Some(v))).map(|(_, p)| p.clone()).collect()
    };
    let ports = spec
        .and_then(|s| s.ports.as_ref())
        .map(|ps| {
            ps.iter()
                .map(|p| {
                    let proto = p.protocol.as_deref().unwrap_or("TCP");
                    match p.node_port {
                        Some(np) => format!("{}:{np}/{proto}", p.port),
                        None => format!("{}/{proto}", p.port),
                    }
                })
                .collect::<Vec<_>>()
                .join(",")
        })
        .unwrap_or_default();
    let endpoints = resources::by_plural("endpoints")
        .and_then(|t| (t.get)(c, &ns, &name, Want::Cells).ok())
        .and_then(|item| item.cells.get(1).cloned());
    ServiceView {
        name,
        type_: spec.and_then(|s| s.type_.clone()).unwrap_or_else(|| "ClusterIP".into()),
        cluster_ip: spec.and_then(|s| s.cluster_ip.clone()).unwrap_or_default(),
        ports,
        selector: selector_text(&selector),
        pods: picked,
        endpoints,
    }
}

/// Builds the tree under `me`; `depth` guards against ownerReference cycles a
/// hand-written manifest could create.
fn tree(
    me: &ObjectRef,
    owners: &BTreeMap<ObjectRef, OwnerFacts>,
    pods_of: &mut BTreeMap<ObjectRef, Vec<PodView>>,
    depth: usize,
) -> OwnerView {
    let f = &owners[me];
    let children: Vec<ObjectRef> =
        if depth > 8 { Vec::new() } else { owners.iter().filter(|(_, o)| o.parent.as_ref() == Some(me)).map(|(k, _)| k.clone()).collect() };
    OwnerView {
        object: me.clone(),
        replicas: f.replicas,
        revision: f.revision.clone(),
        images: f.images.clone(),
        owners: children.iter().map(|c| tree(c, owners, pods_of, depth + 1)).collect(),
        pods: pods_of.remove(me).unwrap_or_default(),
    }
}

fn ingress_view(i: &Ingress) -> IngressView {
    let spec = i.spec.as_ref();
    let backend = |b: &k8s_openapi::api::networking::v1::IngressBackend| {
        let s = b.service.as_ref();
        let port = s.and_then(|s| s.port.as_ref()).map(|p| match (&p.name, p.number) {
            (Some(n), _) => n.clone(),
            (None, Some(n)) => n.to_string(),
            _ => String::new(),
        });
        (s.map(|s| s.name.clone()).unwrap_or_default(), port.unwrap_or_default())
    };
    let mut routes = Vec::new();
    if let Some(b) = spec.and_then(|s| s.default_backend.as_ref()) {
        let (service, port) = backend(b);
        routes.push(RouteView { host: "*".into(), path: String::new(), service, port });
    }
    for rule in spec.and_then(|s| s.rules.as_ref()).into_iter().flatten() {
        let host = rule.host.clone().unwrap_or_else(|| "*".into());
        for p in rule.http.as_ref().map(|h| h.paths.as_slice()).unwrap_or(&[]) {
            let (service, port) = backend(&p.backend);
            routes.push(RouteView { host: host.clone(), path: p.path.clone().unwrap_or_else(|| "/".into()), service, port });
        }
    }
    IngressView {
        name: i.metadata.name.clone().unwrap_or_default(),
        class: spec.and_then(|s| s.ingress_class_name.clone()),
        address: i
            .status
            .as_ref()
            .and_then(|s| s.load_balancer.as_ref()?.ingress.as_ref()?.first().cloned())
            .and_then(|a| a.ip.or(a.hostname)),
        routes,
    }
}

/// The ConfigMaps, Secrets and claims a pod names: volumes, `envFrom`, and
/// `env[].valueFrom` (the service account token's projected volume is left out:
/// every pod has one).
fn uses(p: &Pod) -> Vec<ObjectRef> {
    let ns = p.metadata.namespace.as_deref().unwrap_or("");
    let mut out = Vec::new();
    let Some(spec) = p.spec.as_ref() else { return out };
    for v in spec.volumes.iter().flatten() {
        if let Some(cm) = &v.config_map {
            out.push(ObjectRef::new("ConfigMap", ns, &cm.name));
        }
        if let Some(name) = v.secret.as_ref().and_then(|s| s.secret_name.as_deref()) {
            out.push(ObjectRef::new("Secret", ns, name));
        }
        if let Some(pvc) = &v.persistent_volume_claim {
            out.push(ObjectRef::new("PersistentVolumeClaim", ns, &pvc.claim_name));
        }
    }
    for c in spec.init_containers.iter().flatten().chain(&spec.containers) {
        for from in c.env_from.iter().flatten() {
            if let Some(cm) = &from.config_map_ref {
                out.push(ObjectRef::new("ConfigMap", ns, &cm.name));
            }
            if let Some(s) = &from.secret_ref {
                out.push(ObjectRef::new("Secret", ns, &s.name));
            }
        }
        for e in c.env.iter().flatten().filter_map(|e| e.value_from.as_ref()) {
            if let Some(k) = &e.config_map_key_ref {
                out.push(ObjectRef::new("ConfigMap", ns, &k.name));
            }
            if let Some(k) = &e.secret_key_ref {
                out.push(ObjectRef::new("Secret", ns, &k.name));
            }
        }
    }
    out
}

/// The root of an owner chain: `Deployment/web` for a pod of its ReplicaSet.
fn topmost(owner: &ObjectRef, owners: &BTreeMap<ObjectRef, OwnerFacts>) -> ObjectRef {
    let mut me = owner.clone();
    for _ in 0..8 {
        match owners.get(&me).and_then(|f| f.parent.clone()).filter(|p| owners.contains_key(p)) {
            Some(parent) => me = parent,
            None => break,
        }
    }
    me
}

/// ConfigMaps, Secrets and claims of the namespace with who uses them: those some
/// pod uses, and in the learner's namespaces every one but the root CA bundle each
/// namespace gets.
fn config_views(c: &Cluster, ns: &str, used: &BTreeMap<ObjectRef, Vec<ObjectRef>>, system: bool) -> Vec<ConfigView> {
    let mut out = Vec::new();
    let mut add = |object: ObjectRef, detail: String, skip_unused: bool| {
        let used_by = used.get(&object).cloned().unwrap_or_default();
        if used_by.is_empty() && (system || skip_unused) {
            return;
        }
        out.push(ConfigView { object, detail, used_by });
    };
    for cm in c.store.configmaps.list(Some(ns)) {
        let name = cm.metadata.name.as_deref().unwrap_or("");
        let data = cm.data.as_ref().map_or(0, |d| d.len()) + cm.binary_data.as_ref().map_or(0, |d| d.len());
        add(ObjectRef::new("ConfigMap", ns, name), format!("DATA {data}"), name == crate::controllers::bootstrap::ROOT_CA_CONFIGMAP);
    }
    for s in c.store.secrets.list(Some(ns)) {
        let data = s.data.as_ref().map_or(0, |d| d.len()) + s.string_data.as_ref().map_or(0, |d| d.len());
        let type_ = s.type_.clone().unwrap_or_else(|| "Opaque".into());
        add(ObjectRef::new("Secret", ns, s.metadata.name.as_deref().unwrap_or("")), format!("{type_} · DATA {data}"), false);
    }
    for pvc in c.store.persistentvolumeclaims.list(Some(ns)) {
        let phase = pvc.status.as_ref().and_then(|s| s.phase.clone()).unwrap_or_else(|| "Pending".into());
        let size = pvc.status.as_ref().and_then(|s| s.capacity.as_ref()?.get("storage").map(|q| q.0.clone()));
        let class = pvc.spec.as_ref().and_then(|s| s.storage_class_name.clone());
        let detail = [Some(phase), size, class].into_iter().flatten().collect::<Vec<_>>().join(" · ");
        add(ObjectRef::new("PersistentVolumeClaim", ns, pvc.metadata.name.as_deref().unwrap_or("")), detail, false);
    }
    out
}

fn namespace_view(c: &Cluster, ns: &str) -> NamespaceView {
    let mut owners: BTreeMap<ObjectRef, OwnerFacts> = BTreeMap::new();
    for plural in WORKLOADS {
        let Some(t) = resources::by_plural(plural) else { continue };
        for item in (t.list)(c, Some(ns), Want::CellsAndJson) {
            if let Some((Some(me), f)) = item.json.as_ref().map(facts) {
                owners.insert(me, f);
            }
        }
    }
    let mut labelled: Vec<(&BTreeMap<String, String>, PodView)> = Vec::new();
    let mut pods_of: BTreeMap<ObjectRef, Vec<PodView>> = BTreeMap::new();
    let mut standalone = Vec::new();
    let mut used: BTreeMap<ObjectRef, Vec<ObjectRef>> = BTreeMap::new();
    static NO_LABELS: BTreeMap<String, String> = BTreeMap::new();
    for p in c.store.pods.list(Some(ns)) {
        let v = pod_view(p);
        labelled.push((p.metadata.labels.as_ref().unwrap_or(&NO_LABELS), v.clone()));
        let user = controller_of(p, ns).unwrap_or_else(|| ObjectRef::pod(ns, &v.name));
        for object in uses(p) {
            let users = used.entry(object).or_default();
            if !users.contains(&user) {
                users.push(user.clone());
            }
        }
        match controller_of(p, ns) {
            Some(owner) => {
                // An owner of a kind the store does not hold still groups its pods.
                owners.entry(owner.clone()).or_insert(OwnerFacts { parent: None, replicas: None, revision: None, images: Vec::new() });
                pods_of.entry(owner).or_default().push(v);
            }
            None => standalone.push(v),
        }
    }
    let roots: Vec<ObjectRef> =
        owners.iter().filter(|(_, f)| f.parent.as_ref().is_none_or(|p| !owners.contains_key(p))).map(|(k, _)| k.clone()).collect();
    let owner_views = roots.iter().map(|r| tree(r, &owners, &mut pods_of, 0)).collect();
    let services = c.store.services.list(Some(ns)).map(|s| service_view(c, s, &labelled)).collect();
    // Users are named by the top of their owner chain (the Deployment, not its ReplicaSet).
    for users in used.values_mut() {
        let mut tops: Vec<ObjectRef> = Vec::new();
        for u in users.iter() {
            let top = if owners.contains_key(u) { topmost(u, &owners) } else { u.clone() };
            if !tops.contains(&top) {
                tops.push(top);
            }
        }
        *users = tops;
    }
    let system = ns.starts_with("kube-");
    NamespaceView {
        name: ns.to_string(),
        system,
        owners: owner_views,
        pods: standalone,
        services,
        ingresses: c.store.ingresses.list(Some(ns)).map(ingress_view).collect(),
        config: config_views(c, ns, &used, system),
    }
}

impl LogicalView {
    pub fn of(c: &Cluster) -> LogicalView {
        let mut names: Vec<String> = c.store.namespaces.list(None).filter_map(|n| n.metadata.name.clone()).collect();
        // The learner's namespaces first (default leading), the cluster's own last.
        crate::sorting::sort_by_key(&mut names, |n| (n.starts_with("kube-"), n != "default", n.clone()));
        LogicalView { namespaces: names.iter().map(|n| namespace_view(c, n)).collect() }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{ClusterConfig, Shell};

    #[test]
    fn namespaces_user_first_then_system_with_their_pods_and_services() {
        let mut sh = Shell::new(ClusterConfig::default());
        sh.execute("kubectl run whoami --image subicura/whoami:1 --labels app=whoami");
        let v = LogicalView::of(&sh.cluster);
        let names: Vec<&str> = v.namespaces.iter().map(|n| n.name.as_str()).collect();
        assert_eq!(names, ["default", "kube-node-lease", "kube-public", "kube-system"]);
        let default = &v.namespaces[0];
        assert!(!default.system);
        assert_eq!(default.pods.iter().map(|p| p.name.as_str()).collect::<Vec<_>>(), ["whoami"]);
        let k8s = default.services.iter().find(|s| s.name == "kubernetes").expect("kubernetes service");
        assert_eq!(k8s.cluster_ip, "10.96.0.1");
        assert_eq!(k8s.ports, "443/TCP");
        assert!(k8s.pods.is_empty(), "the kubernetes service has no selector");
        let system = v.namespaces.iter().find(|n| n.name == "kube-system").unwrap();
        assert!(system.system);
    }

    #[test]
    fn ingresses_route_to_services_and_config_is_linked_to_its_users() {
        let mut sh = Shell::new(ClusterConfig::default());
        for cmd in [
            "kubectl create configmap site --from-literal=color=blue",
            "kubectl create secret generic creds --from-literal=pw=x",
            "kubectl create configmap spare --from-literal=a=b",
            "kubectl create deployment web --image nginx --replicas 2",
            "kubectl set env deployment/web --from=configmap/site",
            "kubectl set env deployment/web --from=secret/creds",
            "kubectl expose deployment web --port 80",
            "kubectl create ingress web --rule=web.example.com/*=web:80",
        ] {
            let out = sh.execute(cmd);
            assert!(out.lines.iter().all(|l| l.stream != crate::Stream::Stderr), "{cmd}: {:?}", out.lines);
        }
        let v = LogicalView::of(&sh.cluster);
        let d = &v.namespaces[0];
        assert_eq!(d.ingresses.len(), 1);
        let ing = &d.ingresses[0];
        assert_eq!(ing.class.as_deref(), Some("nginx"));
        assert_eq!(ing.routes, vec![RouteView { host: "web.example.com".into(), path: "/".into(), service: "web".into(), port: "80".into() }]);
        let site = d.config.iter().find(|c| c.object.name == "site").expect("configmap site");
        assert_eq!(site.detail, "DATA 1");
        assert_eq!(site.used_by, vec![ObjectRef::new("Deployment", "default", "web")]);
        let creds = d.config.iter().find(|c| c.object.name == "creds").expect("secret creds");
        assert_eq!(creds.used_by, vec![ObjectRef::new("Deployment", "default", "web")]);
        let spare = d.config.iter().find(|c| c.object.name == "spare").expect("an unused configmap is still shown");
        assert!(spare.used_by.is_empty());
        assert!(d.config.iter().all(|c| c.object.name != "kube-root-ca.crt"), "the root CA bundle every namespace has is left out");
        // The rolled-out ReplicaSet carries revision 2 and the Deployment both sets.
        let web = d.owners.iter().find(|o| o.object.name == "web").unwrap();
        let revisions: Vec<&str> = web.owners.iter().filter_map(|rs| rs.revision.as_deref()).collect();
        assert_eq!(revisions.len(), 3, "one ReplicaSet per template: {revisions:?}");
    }

    #[test]
    fn pods_group_under_their_controller_even_of_a_kind_not_stored() {
        let mut sh = Shell::new(ClusterConfig::default());
        let v = LogicalView::of(&sh.cluster);
        let system = v.namespaces.iter().find(|n| n.name == "kube-system").unwrap();
        // kubeadm's coredns pods belong to a ReplicaSet; kube-proxy's to a DaemonSet.
        let all_owned: Vec<&str> = system.owners.iter().flat_map(|o| o.pods.iter().chain(o.owners.iter().flat_map(|c| c.pods.iter()))).map(|p| p.name.as_str()).collect();
        assert!(all_owned.iter().any(|n| n.starts_with("coredns-")), "{all_owned:?}");
        // A selector picks pods by label.
        sh.execute("kubectl run a --image nginx --labels app=web");
        sh.execute("kubectl run b --image nginx --labels app=db");
        let mut svc = Service::default();
        svc.metadata.name = Some("web".into());
        svc.metadata.namespace = Some("default".into());
        svc.spec = Some(k8s_openapi::api::core::v1::ServiceSpec {
            selector: Some([("app".to_string(), "web".to_string())].into()),
            ..Default::default()
        });
        let now = sh.cluster.now();
        let rng = &mut sh.cluster.rng;
        sh.cluster.store.create(svc, now, rng).unwrap();
        let v = LogicalView::of(&sh.cluster);
        let web = v.namespaces[0].services.iter().find(|s| s.name == "web").unwrap();
        assert_eq!(web.selector, "app=web");
        assert_eq!(web.pods.iter().map(|p| p.name.as_str()).collect::<Vec<_>>(), ["a"]);
    }
}
