//! The default cluster: what `kubeadm init` + two `kubeadm join`s + a CNI leave behind,
//! fifteen days old (shared/design.md "Default cluster", reference §12).

use std::collections::BTreeMap;

use k8s_openapi::api::core::v1::{
    ConfigMap, Container, ContainerImage, ContainerState, ContainerStateRunning, ContainerStatus,
    Namespace, NamespaceStatus, Node, NodeAddress, NodeSpec, NodeStatus,
    NodeSystemInfo, Pod, PodIP, PodSpec, PodStatus, ResourceRequirements, Service, ServicePort, ServiceAccount,
    ServiceSpec, Taint, Toleration,
};
use k8s_openapi::apimachinery::pkg::api::resource::Quantity;
use k8s_openapi::apimachinery::pkg::apis::meta::v1::{ObjectMeta, OwnerReference};
use k8s_openapi::apimachinery::pkg::util::intstr::IntOrString;

use super::scheduler::set_condition;
use crate::cluster::Cluster;
use crate::images::{made_up_sha256, ImageRef};
use crate::time::SimTime;

pub const KUBERNETES_VERSION: &str = "v1.34.5";
pub const METRICS_SERVER_IMAGE: &str = "registry.k8s.io/metrics-server/metrics-server:v0.8.0";
/// Old enough that every default object shows `15d`, joins and start-up included.
const CLUSTER_AGE_MS: i64 = 15 * SimTime::DAY + 10 * SimTime::MINUTE;

/// A node of the default cluster.
struct NodeSeed<'a> {
    name: &'a str,
    ip: &'a str,
    cidr: &'a str,
    control_plane: bool,
}

const NODES: [NodeSeed<'static>; 3] = [
    NodeSeed { name: "controlplane", ip: "172.30.1.2", cidr: "10.244.0.0/24", control_plane: true },
    NodeSeed { name: "node01", ip: "172.30.2.2", cidr: "10.244.1.0/24", control_plane: false },
    NodeSeed { name: "node02", ip: "172.30.3.2", cidr: "10.244.2.0/24", control_plane: false },
];

fn labels(pairs: &[(&str, &str)]) -> Option<BTreeMap<String, String>> {
    Some(crate::sorting::btree_map(pairs.iter().map(|(k, v)| (k.to_string(), v.to_string()))))
}

fn meta(name: &str, namespace: Option<&str>, created: SimTime) -> ObjectMeta {
    ObjectMeta {
        name: Some(name.into()),
        namespace: namespace.map(Into::into),
        creation_timestamp: Some(created.to_k8s()),
        ..Default::default()
    }
}

/// What the real manifests request for the system containers: kubeadm's static
/// pods (`cmd/kubeadm/app/phases/controlplane/manifests.go`, `etcd/local.go`), its
/// CoreDNS Deployment (`phases/addons/dns/manifests.go`), canal.yaml's calico-node
/// and metrics-server's components.yaml. kube-proxy, flannel and
/// calico-kube-controllers request nothing. `(container, requests, limits)`.
const SYSTEM_RESOURCES: &[(&str, &[(&str, &str)], &[(&str, &str)])] = &[
    ("etcd", &[("cpu", "100m"), ("memory", "100Mi")], &[]),
    ("kube-apiserver", &[("cpu", "250m")], &[]),
    ("kube-controller-manager", &[("cpu", "200m")], &[]),
    ("kube-scheduler", &[("cpu", "100m")], &[]),
    ("coredns", &[("cpu", "100m"), ("memory", "70Mi")], &[("memory", "170Mi")]),
    ("calico-node", &[("cpu", "250m")], &[]),
    ("metrics-server", &[("cpu", "100m"), ("memory", "200Mi")], &[]),
];

/// The `resources` of a system container, by its name (see `SYSTEM_RESOURCES`).
fn system_resources(container: &str) -> Option<ResourceRequirements> {
    let (_, requests, limits) = SYSTEM_RESOURCES.iter().find(|(name, _, _)| *name == container)?;
    Some(ResourceRequirements {
        requests: (!requests.is_empty()).then(|| quantities(requests)).flatten(),
        limits: (!limits.is_empty()).then(|| quantities(limits)).flatten(),
        ..Default::default()
    })
}

fn quantities(pairs: &[(&str, &str)]) -> Option<BTreeMap<String, Quantity>> {
    Some(crate::sorting::btree_map(pairs.iter().map(|(k, v)| (k.to_string(), Quantity(v.to_string())))))
}

/// Builds the default cluster into an empty `Cluster`.
/// The ConfigMap the root-ca-cert-publisher puts in every namespace.
pub const ROOT_CA_CONFIGMAP: &str = "kube-root-ca.crt";

pub fn root_ca_data() -> BTreeMap<String, String> {
    [("ca.crt".to_string(), "-----BEGIN CERTIFICATE-----\n(kubeplay simulated cluster CA)\n-----END CERTIFICATE-----\n".to_string())].into()
}

pub fn default_cluster(c: &mut Cluster) {
    let born = c.now().plus_ms(-CLUSTER_AGE_MS);
    for ns in ["default", "kube-node-lease", "kube-public", "kube-system"] {
        let obj = Namespace {
            metadata: ObjectMeta {
                labels: labels(&[("kubernetes.io/metadata.name", ns)]),
                ..meta(ns, None, born)
            },
            status: Some(NamespaceStatus { phase: Some("Active".into()), ..Default::default() }),
            ..Default::default()
        };
        create(c, obj);
    }
    for (i, seed) in NODES.iter().enumerate() {
        let joined = born.plus_ms(i as i64 * 90 * SimTime::SECOND);
        create(c, node(seed, joined, c.now()));
    }
    for ns in ["default", "kube-node-lease", "kube-public", "kube-system"] {
        let cm = ConfigMap { metadata: meta(ROOT_CA_CONFIGMAP, Some(ns), born), data: Some(root_ca_data()), ..Default::default() };
        create(c, cm);
        create(c, ServiceAccount { metadata: meta("default", Some(ns), born), ..Default::default() });
    }
    create(c, service(
        meta("kubernetes", Some("default"), born),
        &[("component", "apiserver"), ("provider", "kubernetes")],
        "10.96.0.1",
        None,
        vec![port("https", 443, "TCP", IntOrString::Int(6443))],
    ));
    create(c, service(
        meta("kube-dns", Some("kube-system"), born),
        &[("k8s-app", "kube-dns"), ("kubernetes.io/cluster-service", "true"), ("kubernetes.io/name", "CoreDNS")],
        "10.96.0.10",
        Some(&[("k8s-app", "kube-dns")]),
        vec![
            port("dns", 53, "UDP", IntOrString::Int(53)),
            port("dns-tcp", 53, "TCP", IntOrString::Int(53)),
            port("metrics", 9153, "TCP", IntOrString::Int(9153)),
        ],
    ));
    system_pods(c, born);
    create(c, super::local_path::default_class(meta(super::local_path::CLASS_NAME, None, born)));
    crate::network::bootstrap(c, born);
}

fn create<K: crate::api::ApiKind>(c: &mut Cluster, obj: K) {
    let now = c.now();
    let (store, rng) = (&mut c.store, &mut c.rng);
    // The default objects are valid by construction; a failure here is a programming
    // error caught by the tests, never user input, so it is skipped rather than panicking.
    let _ = store.create(obj, now, rng);
}

fn port(name: &str, port: i32, protocol: &str, target: IntOrString) -> ServicePort {
    ServicePort {
        name: Some(name.into()),
        port,
        protocol: Some(protocol.into()),
        target_port: Some(target),
        ..Default::default()
    }
}

fn service(
    metadata: ObjectMeta,
    label_pairs: &[(&str, &str)],
    ip: &str,
    selector: Option<&[(&str, &str)]>,
    ports: Vec<ServicePort>,
) -> Service {
    Service {
        metadata: ObjectMeta { labels: labels(label_pairs), ..metadata },
        spec: Some(ServiceSpec {
            cluster_ip: Some(ip.into()),
            cluster_ips: Some(vec![ip.into()]),
            internal_traffic_policy: Some("Cluster".into()),
            ip_families: Some(vec!["IPv4".into()]),
            ip_family_policy: Some("SingleStack".into()),
            ports: Some(ports),
            selector: selector.and_then(labels),
            session_affinity: Some("None".into()),
            type_: Some("ClusterIP".into()),
            ..Default::default()
        }),
        status: Some(Default::default()),
    }
}

/// Joins one more worker, `node<NN>` style, with the next free address and pod CIDR
/// (`172.30.<n+1>.2`, `10.244.<n>.0/24`). Returns its name.
pub fn add_worker(c: &mut Cluster) -> String {
    let n = (1..).find(|i| c.store.get::<Node>("", &format!("node{i:02}")).is_none()).unwrap_or(1);
    let name = format!("node{n:02}");
    let ip = format!("172.30.{}.{}", (n + 1) % 256, 2 + (n + 1) / 256);
    let cidr = format!("10.{}.{}.0/24", 244 + n / 256, n % 256);
    let seed = NodeSeed { name: &name, ip: &ip, cidr: &cidr, control_plane: false };
    let now = c.now();
    create(c, node(&seed, now, now));
    c.settle();
    name
}

/// A node joined at `created`, as its kubelet last reported it by `now`.
fn node(seed: &NodeSeed, created: SimTime, now: SimTime) -> Node {
    let mut l = vec![
        ("beta.kubernetes.io/arch", "amd64"),
        ("beta.kubernetes.io/os", "linux"),
        ("kubernetes.io/arch", "amd64"),
        ("kubernetes.io/hostname", seed.name),
        ("kubernetes.io/os", "linux"),
    ];
    let mut taints = None;
    if seed.control_plane {
        l.push(("node-role.kubernetes.io/control-plane", ""));
        l.push(("node.kubernetes.io/exclude-from-external-load-balancers", ""));
        taints = Some(vec![Taint {
            key: "node-role.kubernetes.io/control-plane".into(),
            effect: "NoSchedule".into(),
            ..Default::default()
        }]);
    }
    let ready_since = created.plus_ms(45 * SimTime::SECOND);
    let capacity = [("cpu", "2"), ("ephemeral-storage", "19221248Ki"), ("hugepages-1Gi", "0"), ("hugepages-2Mi", "0"), ("memory", "4005900Ki"), ("pods", "110")];
    let allocatable = [("cpu", "2"), ("ephemeral-storage", "18698430040"), ("hugepages-1Gi", "0"), ("hugepages-2Mi", "0"), ("memory", "3903500Ki"), ("pods", "110")];
    let mut images: Vec<&str> = vec!["registry.k8s.io/kube-proxy:v1.34.5", "registry.k8s.io/pause:3.10.1", "docker.io/calico/node:v3.30.3", "docker.io/flannel/flannel:v0.27.3"];
    if seed.control_plane {
        images.extend([
            "registry.k8s.io/etcd:3.6.4-0",
            "registry.k8s.io/kube-apiserver:v1.34.5",
            "registry.k8s.io/kube-controller-manager:v1.34.5",
            "registry.k8s.io/kube-scheduler:v1.34.5",
            "registry.k8s.io/coredns/coredns:v1.12.1",
            "docker.io/calico/kube-controllers:v3.30.3",
            METRICS_SERVER_IMAGE,
        ]);
    }
    let images = images
        .into_iter()
        .map(|i| {
            let r = ImageRef::parse(i);
            ContainerImage {
                names: Some(vec![r.repo_digest(), r.canonical()]),
                size_bytes: r.resolve().map(|x| x.size_bytes as i64),
            }
        })
        .collect();
    Node {
        metadata: ObjectMeta {
            labels: labels(&l),
            annotations: labels(&[
                ("node.alpha.kubernetes.io/ttl", "0"),
                ("volumes.kubernetes.io/controller-managed-attach-detach", "true"),
            ]),
            ..meta(seed.name, None, created)
        },
        spec: Some(NodeSpec {
            pod_cidr: Some(seed.cidr.into()),
            pod_cidrs: Some(vec![seed.cidr.into()]),
            taints,
            ..Default::default()
        }),
        status: Some(NodeStatus {
            addresses: Some(vec![
                NodeAddress { type_: "InternalIP".into(), address: seed.ip.into() },
                NodeAddress { type_: "Hostname".into(), address: seed.name.into() },
            ]),
            allocatable: quantities(&allocatable),
            capacity: quantities(&capacity),
            conditions: Some(super::node_lifecycle::kubelet_conditions(ready_since, super::node_lifecycle::last_report(ready_since, now))),
            images: Some(images),
            node_info: Some(NodeSystemInfo {
                architecture: "amd64".into(),
                boot_id: format!("{:x}", seed.ip.len() * 7919),
                container_runtime_version: "containerd://1.7.28".into(),
                kernel_version: "6.8.0-79-generic".into(),
                kube_proxy_version: String::new(),
                kubelet_version: KUBERNETES_VERSION.into(),
                machine_id: made_up_sha256(seed.name)[..32].to_string(),
                operating_system: "linux".into(),
                os_image: "Ubuntu 24.04.3 LTS".into(),
                system_uuid: String::new(),
                ..Default::default()
            }),
            ..Default::default()
        }),
    }
}

/// A pod template for the kube-system workloads.
struct SystemPod<'a> {
    name: String,
    node: &'a NodeSeed<'a>,
    containers: &'a [(&'a str, &'a str)],
    labels: Vec<(&'a str, String)>,
    owner: Option<(&'a str, &'a str, String)>,
    host_network: bool,
    pod_ip: Option<String>,
    critical: bool,
}

fn system_pods(c: &mut Cluster, born: SimTime) {
    let cp = &NODES[0];
    let up = born.plus_ms(40 * SimTime::SECOND);
    let node_uid = c.store.get::<Node>("", cp.name).and_then(|n| n.metadata.uid.clone()).unwrap_or_default();
    for (component, image) in [
        ("etcd", "registry.k8s.io/etcd:3.6.4-0"),
        ("kube-apiserver", "registry.k8s.io/kube-apiserver:v1.34.5"),
        ("kube-controller-manager", "registry.k8s.io/kube-controller-manager:v1.34.5"),
        ("kube-scheduler", "registry.k8s.io/kube-scheduler:v1.34.5"),
    ] {
        add_system_pod(c, up, SystemPod {
            name: format!("{component}-{}", cp.name),
            node: cp,
            containers: &[(component, image)],
            labels: vec![("component", component.to_string()), ("tier", "control-plane".to_string())],
            owner: Some(("v1", "Node", node_uid.clone())),
            host_network: true,
            pod_ip: None,
            critical: true,
        });
    }
    let mut ip_host = 1u8;
    let mut next_cp_ip = || {
        ip_host += 1;
        format!("10.244.0.{ip_host}")
    };
    let (coredns_hash, coredns_uid) = system_deployment(c, born, &COREDNS);
    let coredns_rs = format!("coredns-{coredns_hash}");
    for _ in 0..2 {
        let name = format!("{coredns_rs}-{}", c.rng.suffix(5));
        let ip = next_cp_ip();
        add_system_pod(c, up.plus_ms(20 * SimTime::SECOND), SystemPod {
            name,
            node: cp,
            containers: &[("coredns", "registry.k8s.io/coredns/coredns:v1.12.1")],
            labels: vec![("k8s-app", "kube-dns".into()), ("pod-template-hash", coredns_hash.clone())],
            owner: Some(("apps/v1", "ReplicaSet", coredns_uid.clone())),
            host_network: false,
            pod_ip: Some(ip),
            critical: true,
        });
    }
    let (calico_hash, calico_uid) = system_deployment(c, born, &CALICO_KUBE_CONTROLLERS);
    let name = format!("calico-kube-controllers-{calico_hash}-{}", c.rng.suffix(5));
    let ip = next_cp_ip();
    add_system_pod(c, up.plus_ms(15 * SimTime::SECOND), SystemPod {
        name,
        node: cp,
        containers: &[("calico-kube-controllers", "docker.io/calico/kube-controllers:v3.30.3")],
        labels: vec![("k8s-app", "calico-kube-controllers".into()), ("pod-template-hash", calico_hash.clone())],
        owner: Some(("apps/v1", "ReplicaSet", calico_uid)),
        host_network: false,
        pod_ip: Some(ip),
        critical: true,
    });
    // metrics-server (the components.yaml of kubernetes-sigs/metrics-server, with
    // the control-plane toleration so the workers start empty): it serves the
    // Metrics API behind `kubectl top` and the HPA.
    let (ms_hash, ms_uid) = system_deployment(c, born, &METRICS_SERVER);
    let name = format!("metrics-server-{ms_hash}-{}", c.rng.suffix(5));
    let ip = next_cp_ip();
    add_system_pod(c, up.plus_ms(25 * SimTime::SECOND), SystemPod {
        name,
        node: cp,
        containers: &[("metrics-server", METRICS_SERVER_IMAGE)],
        labels: vec![("k8s-app", "metrics-server".into()), ("pod-template-hash", ms_hash.clone())],
        owner: Some(("apps/v1", "ReplicaSet", ms_uid)),
        host_network: false,
        pod_ip: Some(ip),
        critical: true,
    });
    c.ipam_last.insert(cp.name.to_string(), ip_host);
    let (proxy_uid, proxy_hash) = system_daemonset(c, born.plus_ms(40 * SimTime::SECOND), &KUBE_PROXY);
    let (canal_uid, canal_hash) = system_daemonset(c, born.plus_ms(70 * SimTime::SECOND), &CANAL);
    for (i, node) in NODES.iter().enumerate() {
        let joined = born.plus_ms(i as i64 * 90 * SimTime::SECOND + 30 * SimTime::SECOND);
        let name = format!("kube-proxy-{}", c.rng.suffix(5));
        add_system_pod(c, joined, SystemPod {
            name,
            node,
            containers: &[("kube-proxy", "registry.k8s.io/kube-proxy:v1.34.5")],
            labels: vec![("controller-revision-hash", proxy_hash.clone()), ("k8s-app", "kube-proxy".into()), ("pod-template-generation", "1".into())],
            owner: Some(("apps/v1", "DaemonSet", proxy_uid.clone())),
            host_network: true,
            pod_ip: None,
            critical: true,
        });
        let name = format!("canal-{}", c.rng.suffix(5));
        add_system_pod(c, joined, SystemPod {
            name,
            node,
            containers: &[("calico-node", "docker.io/calico/node:v3.30.3"), ("kube-flannel", "docker.io/flannel/flannel:v0.27.3")],
            labels: vec![("controller-revision-hash", canal_hash.clone()), ("k8s-app", "canal".into()), ("pod-template-generation", "1".into())],
            owner: Some(("apps/v1", "DaemonSet", canal_uid.clone())),
            host_network: true,
            pod_ip: None,
            critical: true,
        });
    }
}

/// A kube-system DaemonSet of the default cluster (kubeadm's kube-proxy, the CNI).
struct SystemDaemonSet {
    name: &'static str,
    /// `(name, image)`; the images' default commands are the daemons.
    containers: &'static [(&'static str, &'static str)],
    service_account: &'static str,
    /// `(key, effect)` pairs with operator Exists; `("", "")` tolerates everything.
    tolerations: &'static [(&'static str, &'static str)],
}

const KUBE_PROXY: SystemDaemonSet = SystemDaemonSet {
    name: "kube-proxy",
    containers: &[("kube-proxy", "registry.k8s.io/kube-proxy:v1.34.5")],
    service_account: "kube-proxy",
    tolerations: &[("", "")],
};

const CANAL: SystemDaemonSet = SystemDaemonSet {
    name: "canal",
    containers: &[
        ("calico-node", "docker.io/calico/node:v3.30.3"),
        ("kube-flannel", "docker.io/flannel/flannel:v0.27.3"),
    ],
    service_account: "canal",
    tolerations: &[("", "NoSchedule"), ("CriticalAddonsOnly", ""), ("", "NoExecute")],
};

/// Creates a system DaemonSet; returns its uid and `controller-revision-hash`, which
/// the pods it already runs on every node carry.
fn system_daemonset(c: &mut Cluster, created: SimTime, seed: &SystemDaemonSet) -> (String, String) {
    use crate::api::Admit;
    use k8s_openapi::api::apps::v1::{DaemonSet, DaemonSetSpec};
    use k8s_openapi::api::core::v1::PodTemplateSpec;
    use k8s_openapi::apimachinery::pkg::apis::meta::v1::LabelSelector;
    let app = labels(&[("k8s-app", seed.name)]);
    let containers = seed
        .containers
        .iter()
        .map(|(name, image)| Container {
            name: name.to_string(),
            image: Some(image.to_string()),
            image_pull_policy: Some("IfNotPresent".into()),
            resources: system_resources(name),
            ..Default::default()
        })
        .collect();
    let tolerations = seed
        .tolerations
        .iter()
        .map(|(key, effect)| Toleration {
            key: (!key.is_empty()).then(|| key.to_string()),
            effect: (!effect.is_empty()).then(|| effect.to_string()),
            operator: Some("Exists".into()),
            ..Default::default()
        })
        .collect();
    let mut ds = DaemonSet {
        metadata: ObjectMeta { labels: app.clone(), annotations: labels(&[("deprecated.daemonset.template.generation", "1")]), ..meta(seed.name, Some("kube-system"), created) },
        spec: Some(DaemonSetSpec {
            selector: LabelSelector { match_labels: app.clone(), match_expressions: None },
            template: PodTemplateSpec {
                metadata: Some(ObjectMeta { labels: app, ..Default::default() }),
                spec: Some(PodSpec {
                    containers,
                    host_network: Some(true),
                    node_selector: labels(&[("kubernetes.io/os", "linux")]),
                    priority_class_name: Some("system-node-critical".into()),
                    service_account_name: Some(seed.service_account.into()),
                    service_account: Some(seed.service_account.into()),
                    tolerations: Some(tolerations),
                    ..Default::default()
                }),
            },
            ..Default::default()
        }),
        status: None,
    };
    ds.default_create(&mut c.rng);
    let now = c.now();
    match c.store.create(ds, now, &mut c.rng) {
        Ok(ds) => {
            // Its first ControllerRevision, from the same moment.
            let mut revision = super::daemonset::snapshot(&ds, 1);
            revision.metadata.creation_timestamp = ds.metadata.creation_timestamp.clone();
            let _ = c.create(revision);
            (ds.metadata.uid.clone().unwrap_or_default(), super::daemonset::revision_hash(&ds))
        }
        Err(_) => (String::new(), String::new()),
    }
}

fn add_system_pod(c: &mut Cluster, started: SimTime, sp: SystemPod<'_>) {
    let mirror = sp.owner.as_ref().is_some_and(|(_, kind, _)| *kind == "Node");
    let owner = sp.owner.map(|(api_version, kind, uid)| {
        // Mirror pods belong to their node; the others to the workload their name
        // extends by one random suffix (`coredns-<hash>-<5>` → `coredns-<hash>`).
        let name = match kind {
            "Node" => sp.node.name.to_string(),
            _ => sp.name.rsplit_once('-').map(|x| x.0.to_string()).unwrap_or_default(),
        };
        vec![OwnerReference {
            api_version: api_version.into(),
            kind: kind.into(),
            name,
            uid,
            controller: Some(true),
            block_owner_deletion: Some(true),
        }]
    });
    let ip = sp.pod_ip.clone().unwrap_or_else(|| sp.node.ip.to_string());
    let containers: Vec<Container> = sp
        .containers
        .iter()
        .map(|(name, image)| Container {
            name: name.to_string(),
            image: Some(image.to_string()),
            image_pull_policy: Some("IfNotPresent".into()),
            resources: system_resources(name),
            termination_message_path: Some("/dev/termination-log".into()),
            termination_message_policy: Some("File".into()),
            ..Default::default()
        })
        .collect();
    let statuses = sp
        .containers
        .iter()
        .map(|(name, image)| {
            ContainerStatus {
                name: name.to_string(),
                image: image.to_string(),
                image_id: ImageRef::parse(image).repo_digest(),
                container_id: Some(format!("containerd://{}", made_up_sha256(&format!("{}/{name}", sp.name)))),
                ready: true,
                started: Some(true),
                restart_count: 0,
                state: Some(ContainerState {
                    running: Some(ContainerStateRunning { started_at: Some(started.to_k8s()) }),
                    ..Default::default()
                }),
                ..Default::default()
            }
        })
        .collect();
    let tolerations = if sp.host_network {
        vec![Toleration { operator: Some("Exists".into()), ..Default::default() }]
    } else {
        vec![
            Toleration { key: Some("CriticalAddonsOnly".into()), operator: Some("Exists".into()), ..Default::default() },
            Toleration { key: Some("node-role.kubernetes.io/control-plane".into()), effect: Some("NoSchedule".into()), ..Default::default() },
        ]
    };
    let qos = crate::api::defaults::qos_class(&PodSpec { containers: containers.clone(), ..Default::default() });
    let mut pod = Pod {
        metadata: ObjectMeta {
            namespace: Some("kube-system".into()),
            name: Some(sp.name.clone()),
            labels: Some(crate::sorting::btree_map(sp.labels.iter().map(|(k, v)| (k.to_string(), v.clone())))),
            annotations: mirror.then(|| {
                // A static pod's mirror: the kubelet's config annotations (drain skips it).
                let hash = made_up_sha256(&sp.name)[..32].to_string();
                [
                    ("kubernetes.io/config.hash".to_string(), hash.clone()),
                    ("kubernetes.io/config.mirror".to_string(), hash),
                    ("kubernetes.io/config.seen".to_string(), format!("{}", crate::json::to_value(started.plus_ms(-10 * SimTime::SECOND).to_k8s()).ok().and_then(|v| v.as_str().map(String::from)).unwrap_or_default())),
                    ("kubernetes.io/config.source".to_string(), "file".to_string()),
                ]
                .into()
            }),
            owner_references: owner,
            creation_timestamp: Some(started.plus_ms(-5 * SimTime::SECOND).to_k8s()),
            ..Default::default()
        },
        spec: Some(PodSpec {
            containers,
            node_name: Some(sp.node.name.into()),
            host_network: sp.host_network.then_some(true),
            priority: Some(if sp.critical { 2_000_001_000 } else { 0 }),
            priority_class_name: Some(if sp.host_network { "system-node-critical" } else { "system-cluster-critical" }.into()),
            restart_policy: Some("Always".into()),
            scheduler_name: Some("default-scheduler".into()),
            termination_grace_period_seconds: Some(30),
            dns_policy: Some("ClusterFirst".into()),
            tolerations: Some(tolerations),
            ..Default::default()
        }),
        status: Some(PodStatus {
            phase: Some("Running".into()),
            host_ip: Some(sp.node.ip.into()),
            host_ips: Some(vec![k8s_openapi::api::core::v1::HostIP { ip: sp.node.ip.into() }]),
            pod_ip: Some(ip.clone()),
            pod_ips: Some(vec![PodIP { ip }]),
            start_time: Some(started.to_k8s()),
            qos_class: Some(qos.into()),
            container_statuses: Some(statuses),
            ..Default::default()
        }),
    };
    for t in ["PodReadyToStartContainers", "Initialized", "Ready", "ContainersReady", "PodScheduled"] {
        set_condition(
            &mut pod,
            k8s_openapi::api::core::v1::PodCondition {
                type_: t.into(),
                status: "True".into(),
                last_transition_time: Some(started.to_k8s()),
                ..Default::default()
            },
        );
    }
    create(c, pod);
}

/// A Deployment of the default cluster (kubeadm's CoreDNS, the CNI's controllers).
struct SystemDeployment {
    name: &'static str,
    app: &'static str,
    replicas: i32,
    container: &'static str,
    image: &'static str,
    /// RollingUpdate with this maxUnavailable (kubeadm's CoreDNS uses 1), or Recreate.
    max_unavailable: Option<i32>,
    service_account: &'static str,
}

const COREDNS: SystemDeployment = SystemDeployment {
    name: "coredns",
    app: "kube-dns",
    replicas: 2,
    container: "coredns",
    image: "registry.k8s.io/coredns/coredns:v1.12.1",
    max_unavailable: Some(1),
    service_account: "coredns",
};

const CALICO_KUBE_CONTROLLERS: SystemDeployment = SystemDeployment {
    name: "calico-kube-controllers",
    app: "calico-kube-controllers",
    replicas: 1,
    container: "calico-kube-controllers",
    image: "docker.io/calico/kube-controllers:v3.30.3",
    max_unavailable: None,
    service_account: "calico-kube-controllers",
};

const METRICS_SERVER: SystemDeployment = SystemDeployment {
    name: "metrics-server",
    app: "metrics-server",
    replicas: 1,
    container: "metrics-server",
    image: METRICS_SERVER_IMAGE,
    max_unavailable: Some(0),
    service_account: "metrics-server",
};

/// Creates a system Deployment and its one ReplicaSet as the controllers left them
/// after the cluster came up (revision 1, all replicas available), so the controllers
/// find nothing to change. Returns the pod-template-hash and the ReplicaSet's uid,
/// which the pods' owner references name.
fn system_deployment(c: &mut Cluster, born: SimTime, sd: &SystemDeployment) -> (String, String) {
    use k8s_openapi::api::apps::v1::{
        Deployment, DeploymentCondition, DeploymentSpec, DeploymentStatus, DeploymentStrategy, ReplicaSet, ReplicaSetSpec,
        ReplicaSetStatus, RollingUpdateDeployment,
    };
    use k8s_openapi::api::core::v1::PodTemplateSpec;
    use k8s_openapi::apimachinery::pkg::apis::meta::v1::LabelSelector;

    use super::deployment::revisions::{template_hash, DESIRED_REPLICAS, MAX_REPLICAS, REVISION, TEMPLATE_HASH_LABEL};
    use super::ownership::controller_ref;

    let created = born.plus_ms(30 * SimTime::SECOND);
    let available = born.plus_ms(65 * SimTime::SECOND);
    let app = labels(&[("k8s-app", sd.app)]);
    let mut template = PodTemplateSpec {
        metadata: Some(ObjectMeta { labels: app.clone(), ..Default::default() }),
        spec: Some(PodSpec {
            containers: vec![Container {
                name: sd.container.into(),
                image: Some(sd.image.into()),
                image_pull_policy: Some("IfNotPresent".into()),
                resources: system_resources(sd.container),
                ..Default::default()
            }],
            node_selector: labels(&[("kubernetes.io/os", "linux")]),
            priority_class_name: Some("system-cluster-critical".into()),
            service_account_name: Some(sd.service_account.into()),
            service_account: Some(sd.service_account.into()),
            tolerations: Some(vec![
                Toleration { key: Some("CriticalAddonsOnly".into()), operator: Some("Exists".into()), ..Default::default() },
                Toleration { key: Some("node-role.kubernetes.io/control-plane".into()), effect: Some("NoSchedule".into()), ..Default::default() },
            ]),
            ..Default::default()
        }),
    };
    crate::api::apps::default_template(&mut template);
    let strategy = match sd.max_unavailable {
        Some(n) => DeploymentStrategy {
            type_: Some("RollingUpdate".into()),
            rolling_update: Some(RollingUpdateDeployment {
                max_unavailable: Some(IntOrString::Int(n)),
                max_surge: Some(IntOrString::String("25%".into())),
            }),
        },
        None => DeploymentStrategy { type_: Some("Recreate".into()), rolling_update: None },
    };
    let condition = |type_: &str, reason: &str, message: String, transition: SimTime| DeploymentCondition {
        type_: type_.into(),
        status: "True".into(),
        reason: Some(reason.into()),
        message: Some(message),
        last_update_time: Some(available.to_k8s()),
        last_transition_time: Some(transition.to_k8s()),
    };
    let mut deployment = Deployment {
        metadata: ObjectMeta {
            labels: app.clone(),
            annotations: labels(&[(REVISION, "1")]),
            ..meta(sd.name, Some("kube-system"), created)
        },
        spec: Some(DeploymentSpec {
            replicas: Some(sd.replicas),
            selector: LabelSelector { match_labels: app.clone(), ..Default::default() },
            strategy: Some(strategy),
            template: template.clone(),
            ..Default::default()
        }),
        status: None,
    };
    crate::api::apps::default_deployment(&mut deployment);
    let hash = template_hash(&template, None);
    let rs_name = format!("{}-{hash}", sd.name);
    deployment.status = Some(DeploymentStatus {
        available_replicas: Some(sd.replicas),
        ready_replicas: Some(sd.replicas),
        replicas: Some(sd.replicas),
        updated_replicas: Some(sd.replicas),
        observed_generation: Some(1),
        conditions: Some(vec![
            condition("Available", "MinimumReplicasAvailable", "Deployment has minimum availability.".into(), available),
            condition("Progressing", "NewReplicaSetAvailable", format!("ReplicaSet \"{rs_name}\" has successfully progressed."), created),
        ]),
        ..Default::default()
    });
    create(c, deployment);
    let Some(deployment) = c.store.get::<Deployment>("kube-system", sd.name).cloned() else { return (hash, String::new()) };
    let surge = super::deployment::fenceposts::max_surge(&deployment);
    let mut rs_template = template;
    rs_template.metadata.get_or_insert_with(Default::default).labels.get_or_insert_with(BTreeMap::new).insert(TEMPLATE_HASH_LABEL.into(), hash.clone());
    let rs_labels = rs_template.metadata.as_ref().and_then(|m| m.labels.clone());
    let (desired, max) = (sd.replicas.to_string(), (sd.replicas + surge).to_string());
    let rs = ReplicaSet {
        metadata: ObjectMeta {
            labels: rs_labels.clone(),
            annotations: labels(&[(DESIRED_REPLICAS, &desired), (MAX_REPLICAS, &max), (REVISION, "1")]),
            owner_references: Some(vec![controller_ref(&deployment)]),
            ..meta(&rs_name, Some("kube-system"), created)
        },
        spec: Some(ReplicaSetSpec {
            replicas: Some(sd.replicas),
            selector: LabelSelector { match_labels: rs_labels, ..Default::default() },
            template: Some(rs_template),
            ..Default::default()
        }),
        status: Some(ReplicaSetStatus {
            replicas: sd.replicas,
            fully_labeled_replicas: Some(sd.replicas),
            ready_replicas: Some(sd.replicas),
            available_replicas: Some(sd.replicas),
            observed_generation: Some(1),
            ..Default::default()
        }),
    };
    create(c, rs);
    let uid = c.store.get::<ReplicaSet>("kube-system", &rs_name).and_then(|r| r.metadata.uid.clone()).unwrap_or_default();
    (hash, uid)
}
