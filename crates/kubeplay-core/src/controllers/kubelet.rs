//! The kubelet of every node: admits the pods bound to it, creates the sandbox (pod IP),
//! pulls images into the node's cache, starts containers, and restarts them with the
//! real back-off when they exit.
//!
//! A pod's life is a chain of [`Stage`]s, kwok-style: each stage is data (what it
//! does, how long it takes) carried by a timer, not an `if` buried in a loop. A timer
//! names the pod's uid, so work for a pod that was deleted (or replaced by a namesake)
//! is dropped.

use k8s_openapi::api::core::v1::{
    ContainerImage, ContainerState, ContainerStateRunning, ContainerStateTerminated,
    ContainerStateWaiting, ContainerStatus, Node, Pod, PodCondition, PodIP,
};

use super::scheduler::set_condition;
use crate::api::store::{reference_to, NewEvent};
use crate::api::ObjectKey;
use crate::cluster::{Cluster, TimedWork};
use crate::images::ImageRef;
use crate::time::SimTime;

/// Creating the sandbox (pause container, CNI networking).
const SANDBOX_MS: i64 = 1_000;
/// Host-network pods skip CNI.
const SANDBOX_HOST_NETWORK_MS: i64 = 300;
/// Registry throughput when pulling layers (nginx's 72 MB in ~3.9 s, as in real clusters).
const PULL_BYTES_PER_SEC: u64 = 18_500_000;
/// Latency of resolving a manifest (paid even when the layers are cached).
const MANIFEST_MS: i64 = 600;
/// How long a failing pull takes to fail.
const PULL_FAIL_MS: i64 = 1_200;
/// How long a container that allocates past its memory limit lives.
const OOM_KILL_MS: i64 = 1_500;
/// The next pod sync after a container exits (the pod worker is woken at once).
const SYNC_MS: i64 = 1_000;
/// After a failed sync the pod worker requeues the pod 10 s later (kubelet
/// `backOffPeriod`); that sync is the one that reports `ImagePullBackOff`.
const ERROR_RESYNC_MS: i64 = 10_000;
/// kubelet back-off (image pulls and container restarts): 10 s doubling to 5 min.
const BACKOFF_BASE_MS: i64 = 10_000;
const BACKOFF_CAP_MS: i64 = 300_000;

/// One step of a pod's life on its node.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum Stage {
    /// The sandbox is up: the pod gets its IP and the first image pull begins.
    SandboxReady,
    /// The image of container `container` finished downloading after `took_ms`.
    Pulled { container: usize, took_ms: i64 },
    /// The image is present without a download: create and start the container.
    Start { container: usize },
    /// The pull failed (`ErrImagePull`); `attempt` counts failures for the back-off.
    PullFailed { container: usize, attempt: u32 },
    /// The next sync shows `ImagePullBackOff` until the back-off expires.
    PullBackOff { container: usize, attempt: u32 },
    /// Back-off expired: try pulling again.
    PullRetry { container: usize, attempt: u32 },
    /// The container's main process exited.
    /// `instance`: the container id of the run whose process ends (a timer set when it
    /// started); a later run of the container (restarted after a kill or an image
    /// change) is not ended by it. `None`: whatever run is current.
    Exited {
        container: usize,
        code: i32,
        #[serde(default)]
        instance: Option<String>,
        /// The kubelet killed it to restart it (a failed liveness/startup probe):
        /// restarted unless the policy is `Never`, whatever the exit code.
        #[serde(default)]
        to_restart: bool,
    },
    /// The restart back-off expired: run the container again.
    Restart { container: usize },
    /// A probe worker's tick ([`super::kubelet_probes`]); `manual`: an extra run
    /// that sets no next tick.
    Probe { container: usize, kind: super::prober::ProbeKind, manual: bool },
    /// The main process of container instance `instance` reaches its step `mark`
    /// ([`super::process::marks`]), e.g. `rm -f /tmp/healthy` 30 s in.
    ProcessMark { container: usize, instance: String, mark: usize },
}

/// A stage for a given pod.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct PodStep {
    pub pod: ObjectKey,
    pub uid: String,
    pub stage: Stage,
}

/// How a container's command behaves once started.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Lifetime {
    Forever,
    ExitsAfter { ms: i64, code: i32 },
}

/// Reads a container's command the way a learner's commands behave: servers run
/// forever; `sleep N` runs N seconds; `exit N` fails with N; a shell one-liner (or a
/// bare busybox, whose `sh` has no terminal) finishes at once.
pub fn lifetime(image_long_running: bool, command: &[String]) -> Lifetime {
    if command.is_empty() {
        return if image_long_running { Lifetime::Forever } else { Lifetime::ExitsAfter { ms: 100, code: 0 } };
    }
    if let Some(n) = crate::network::perl_pi::bpi_digits(command) {
        return Lifetime::ExitsAfter { ms: crate::network::perl_pi::run_ms(n), code: 0 };
    }
    let words: Vec<&str> = command.iter().flat_map(|c| c.split(|ch: char| ch.is_whitespace() || ch == ';')).filter(|w| !w.is_empty()).collect();
    if words.contains(&"infinity")
        || words.windows(2).any(|w| w == ["while", "true"] || w == ["tail", "-f"])
        // `while sleep 0.01; do wget ...; done`: a loop without a way out.
        || (words.contains(&"while") && words.contains(&"done") && !words.contains(&"break"))
    {
        return Lifetime::Forever;
    }
    let mut ms = 100;
    let mut code = 0;
    for w in words.windows(2) {
        if w[0] == "sleep" {
            if let Ok(secs) = w[1].parse::<f64>() {
                ms += (secs * 1000.0) as i64;
            }
        }
        if w[0] == "exit" {
            code = w[1].parse().unwrap_or(1);
        }
    }
    if words.last() == Some(&"false") {
        code = 1;
    }
    Lifetime::ExitsAfter { ms, code }
}

/// A bare shell (or no command on a shell image) keeps reading stdin.
fn waits_on_stdin(command: &[String]) -> bool {
    match command {
        [] => true,
        [one] => matches!(one.rsplit('/').next(), Some("sh" | "bash" | "ash")),
        _ => false,
    }
}

fn node_is_ready(node: &Node) -> bool {
    node.status
        .as_ref()
        .and_then(|s| s.conditions.as_ref())
        .and_then(|cs| cs.iter().find(|c| c.type_ == "Ready"))
        .is_some_and(|c| c.status == "True")
}

/// Admits the pods newly bound to a ready node: the kubelet's sync of a new pod.
pub fn reconcile(c: &mut Cluster) {
    c.container_env.prune(&c.store);
    c.container_files.prune(&c.store);
    c.probes.prune(&c.store);
    restart_redefined_containers(c);
    let new_pods: Vec<(ObjectKey, String, String, bool)> = c
        .store
        .pods
        .flagged(crate::api::index::Flag::Unstarted)
        .filter_map(|p| {
            let spec = p.spec.as_ref()?;
            let node = spec.node_name.clone()?;
            Some((
                ObjectKey::of(&p.metadata),
                p.metadata.uid.clone().unwrap_or_default(),
                node,
                spec.host_network.unwrap_or(false),
            ))
        })
        .collect();
    for (key, uid, node_name, host_network) in new_pods {
        let Some(node) = c.store.get::<Node>("", &node_name) else { continue };
        if !node_is_ready(node) || !c.kubelet_running(&node_name) {
            continue;
        }
        let host_ip = node_internal_ip(node);
        let now = c.now();
        c.store.modify::<Pod>(&key, |p| admit(p, now, host_ip.clone()));
        let delay = if host_network { SANDBOX_HOST_NETWORK_MS } else { SANDBOX_MS };
        c.schedule(now.plus_ms(delay), step(&key, &uid, Stage::SandboxReady));
        if let Some(pod) = c.store.pods.get(&key).cloned() {
            super::kubelet_probes::start_workers(c, &pod);
        }
    }
}

/// A pod update changed a running container's image (`kubectl set image pod/x`, an
/// edit): the hash of the container's spec no longer matches the one it was created
/// from, so the kubelet kills it and creates the new definition, whatever the restart
/// policy (kuberuntime `computePodActions`). Only pods written since the last look
/// are compared.
fn restart_redefined_containers(c: &mut Cluster) {
    let since = std::mem::replace(&mut c.redefined_seen, c.store.revision());
    let changed: Vec<ObjectKey> = if since == 0 {
        c.store.pods.keys().cloned().collect()
    } else {
        c.store.pods.index().keys_changed_since(since).cloned().collect()
    };
    let mut redefined = Vec::new();
    for key in changed {
        let Some(pod) = c.store.pods.get(&key) else { continue };
        if pod.metadata.deletion_timestamp.is_some() || !c.kubelet_running(&node_of(pod)) {
            continue;
        }
        let statuses = pod.status.as_ref().and_then(|s| s.container_statuses.as_ref());
        for (i, ctr) in pod.spec.iter().flat_map(|s| s.containers.iter()).enumerate() {
            let Some(cs) = statuses.and_then(|s| s.get(i)).filter(|cs| cs.state.as_ref().is_some_and(|s| s.running.is_some())) else { continue };
            let wanted = ImageRef::parse(ctr.image.as_deref().unwrap_or_default()).canonical();
            if ImageRef::parse(&cs.image).canonical() != wanted {
                redefined.push((pod.clone(), i, ctr.name.clone()));
            }
        }
    }
    for (pod, i, name) in redefined {
        kubelet_event(c, &pod, "Normal", "Killing", format!("Container {name} definition changed, will be restarted"));
        let key = ObjectKey::of(&pod.metadata);
        let now = c.now();
        c.store.modify::<Pod>(&key, |p| {
            if let Some(cs) = container_status_mut(p, i) {
                mark_terminated(cs, 0, "Completed", now);
            }
            derive_pod_status(p, now);
        });
        c.schedule(now, step_for(&pod, Stage::Restart { container: i }));
    }
    // This sync's own writes need no second look.
    c.redefined_seen = c.store.revision();
}

fn step(key: &ObjectKey, uid: &str, stage: Stage) -> TimedWork {
    TimedWork::Kubelet(PodStep { pod: key.clone(), uid: uid.to_string(), stage })
}

pub fn node_internal_ip(node: &Node) -> Option<String> {
    node.status
        .as_ref()?
        .addresses
        .as_ref()?
        .iter()
        .find(|a| a.type_ == "InternalIP")
        .map(|a| a.address.clone())
}

fn waiting(reason: &str, message: Option<String>) -> ContainerState {
    ContainerState {
        waiting: Some(ContainerStateWaiting { reason: Some(reason.into()), message }),
        ..Default::default()
    }
}

pub(super) fn condition(type_: &str, ok: bool, now: SimTime, reason: Option<&str>) -> PodCondition {
    PodCondition {
        type_: type_.into(),
        status: if ok { "True" } else { "False" }.into(),
        reason: reason.map(Into::into),
        last_transition_time: Some(now.to_k8s()),
        observed_generation: Some(1),
        ..Default::default()
    }
}

/// What the kubelet writes when it accepts a pod: `Pending`, containers
/// `ContainerCreating`, the conditions of a starting pod.
fn admit(p: &mut Pod, now: SimTime, host_ip: Option<String>) {
    let containers = p.spec.as_ref().map(|s| s.containers.clone()).unwrap_or_default();
    let status = p.status.get_or_insert_with(Default::default);
    status.phase = Some("Pending".into());
    status.start_time = Some(now.to_k8s());
    status.host_ip = host_ip.clone();
    status.host_ips = host_ip.map(|ip| vec![k8s_openapi::api::core::v1::HostIP { ip }]);
    status.qos_class = Some("BestEffort".into());
    status.observed_generation = Some(1);
    status.container_statuses = Some(
        containers
            .iter()
            .map(|ctr| ContainerStatus {
                name: ctr.name.clone(),
                image: ctr.image.clone().unwrap_or_default(),
                state: Some(waiting("ContainerCreating", None)),
                ..Default::default()
            })
            .collect(),
    );
    set_condition(p, condition("PodReadyToStartContainers", false, now, None));
    set_condition(p, condition("Initialized", true, now, None));
    set_condition(p, condition("Ready", false, now, Some("ContainersNotReady")));
    set_condition(p, condition("ContainersReady", false, now, Some("ContainersNotReady")));
    order_conditions(p);
}

/// Conditions in the order the kubelet writes them.
fn order_conditions(p: &mut Pod) {
    const ORDER: [&str; 5] = ["PodReadyToStartContainers", "Initialized", "Ready", "ContainersReady", "PodScheduled"];
    if let Some(conds) = p.status.as_mut().and_then(|s| s.conditions.as_mut()) {
        crate::sorting::sort_by_key(conds, |c| ORDER.iter().position(|o| *o == c.type_).unwrap_or(ORDER.len()));
    }
}

/// Runs one stage of a pod's life, if the pod is still the one the timer was set for.
pub fn run_step(c: &mut Cluster, step: PodStep) {
    let Some(pod) = c.store.pods.get(&step.pod) else { return };
    if pod.metadata.uid.as_deref() != Some(step.uid.as_str()) || pod.metadata.deletion_timestamp.is_some() {
        return;
    }
    let pod = pod.clone();
    let node = node_of(&pod);
    if !c.kubelet_running(&node) {
        // A stopped kubelet does nothing; it picks its work up when it starts again.
        c.machines.defer(&node, step);
        return;
    }
    let key = step.pod.clone();
    match step.stage {
        Stage::SandboxReady => {
            let host_network = pod.spec.as_ref().and_then(|s| s.host_network).unwrap_or(false);
            let ip = if host_network {
                pod.status.as_ref().and_then(|s| s.host_ip.clone())
            } else {
                allocate_pod_ip(c, &pod)
            };
            let now = c.now();
            c.store.modify::<Pod>(&key, |p| {
                let st = p.status.get_or_insert_with(Default::default);
                st.pod_ip = ip.clone();
                st.pod_ips = ip.clone().map(|ip| vec![PodIP { ip }]);
                set_condition(p, condition("PodReadyToStartContainers", true, now, None));
            });
            begin_pull(c, &pod, 0, 0);
        }
        Stage::Pulled { container, took_ms } => {
            let image = container_image(&pod, container);
            remember_image(c, &pod, &image);
            let took = go_duration(took_ms);
            let size = ImageRef::parse(&image).resolve().map(|r| r.size_bytes).unwrap_or(0);
            kubelet_event(c, &pod, "Normal", "Pulled", format!("Successfully pulled image \"{image}\" in {took} ({took} including waiting). Image size: {size} bytes."));
            start_container(c, &pod, container);
        }
        Stage::Start { container } => start_container(c, &pod, container),
        Stage::PullFailed { container, attempt } => {
            let image = container_image(&pod, container);
            let r = ImageRef::parse(&image);
            let canonical = r.canonical();
            let detail = format!("rpc error: code = NotFound desc = failed to pull and unpack image \"{canonical}\": failed to resolve reference \"{canonical}\": {canonical}: not found");
            kubelet_event(c, &pod, "Warning", "Failed", format!("Failed to pull image \"{image}\": {detail}"));
            kubelet_event(c, &pod, "Warning", "Failed", "Error: ErrImagePull".into());
            set_container_state(c, &key, container, waiting("ErrImagePull", Some(format!("failed to pull and unpack image \"{canonical}\": failed to resolve reference \"{canonical}\": {canonical}: not found"))));
            let now = c.now();
            c.schedule(now.plus_ms(ERROR_RESYNC_MS), step_for(&pod, Stage::PullBackOff { container, attempt }));
        }
        Stage::PullBackOff { container, attempt } => {
            let image = container_image(&pod, container);
            kubelet_event(c, &pod, "Normal", "BackOff", format!("Back-off pulling image \"{image}\""));
            kubelet_event(c, &pod, "Warning", "Failed", "Error: ImagePullBackOff".into());
            set_container_state(c, &key, container, waiting("ImagePullBackOff", Some(format!("Back-off pulling image \"{image}\""))));
            let now = c.now();
            c.schedule(now.plus_ms(backoff_ms(attempt)), step_for(&pod, Stage::PullRetry { container, attempt: attempt + 1 }));
        }
        Stage::PullRetry { container, attempt } => begin_pull(c, &pod, container, attempt),
        Stage::Exited { container, code, instance, to_restart } => {
            let status = pod.status.as_ref().and_then(|s| s.container_statuses.as_ref()).and_then(|cs| cs.get(container));
            let current = status.and_then(|cs| cs.container_id.clone());
            // A run ends once: a kill and the process's own end may both be due.
            let running = status.and_then(|cs| cs.state.as_ref()).is_some_and(|s| s.running.is_some());
            if running && (instance.is_none() || instance == current) {
                container_exited(c, &pod, container, code, to_restart);
            }
        }
        Stage::Probe { container, kind, manual } => super::kubelet_probes::run(c, &pod, container, kind, manual),
        Stage::ProcessMark { container, instance, mark } => {
            let Some(name) = pod.spec.as_ref().and_then(|s| s.containers.get(container)).map(|x| x.name.clone()) else { return };
            if super::container_files::container_id(&pod, &name).as_deref() == Some(instance.as_str()) {
                let marks = super::process::marks(&super::container_files::command_line(&pod, &name));
                if let Some(m) = marks.get(mark) {
                    let now = c.now();
                    c.container_files.apply(&pod, &name, &m.effect, now);
                }
            }
        }
        Stage::Restart { container } => {
            c.store.modify::<Pod>(&key, |p| {
                if let Some(cs) = container_status_mut(p, container) {
                    cs.restart_count += 1;
                }
            });
            let pod = c.store.pods.get(&key).cloned().unwrap_or(pod);
            begin_pull(c, &pod, container, 0);
        }
    }
}

/// Kills a running container from outside the kubelet (`kill -9` of its main
/// process, the OOM killer, a runtime crash): it exits with 137 and the kubelet
/// notices at its next sync and restarts it by the pod's restart policy. Returns the
/// container's name.
pub fn kill_container(c: &mut Cluster, key: &ObjectKey, container: Option<&str>) -> Result<String, String> {
    let pod = c.store.pods.get(key).cloned().ok_or_else(|| format!("pods \"{}\" not found", key.name))?;
    let spec = pod.spec.clone().unwrap_or_default();
    let index = match container {
        Some(name) => spec.containers.iter().position(|ctr| ctr.name == name).ok_or_else(|| format!("container {name} is not valid for pod {}", key.name))?,
        None => 0,
    };
    let name = spec.containers.get(index).map(|ctr| ctr.name.clone()).unwrap_or_default();
    let running = pod
        .status
        .as_ref()
        .and_then(|s| s.container_statuses.as_ref())
        .and_then(|cs| cs.iter().find(|cs| cs.name == name))
        .is_some_and(|cs| cs.state.as_ref().is_some_and(|s| s.running.is_some()));
    if pod.metadata.deletion_timestamp.is_some() || !running {
        return Err(format!("container {name} in pod {} is not running", key.name));
    }
    let now = c.now();
    c.schedule(now, step_for(&pod, Stage::Exited { container: index, code: 137, instance: None, to_restart: false }));
    Ok(name)
}

/// Makes an image unpullable (`unpullable`) or pullable again: the registry stops
/// serving it and the nodes forget their copies (as `crictl rmi` would), so the next
/// pull of it — a new pod, a restarted container — fails with `ErrImagePull`.
/// Returns the image's canonical name.
pub fn set_unpullable(c: &mut Cluster, image: &str, unpullable: bool) -> Result<String, String> {
    let r = ImageRef::parse(image);
    let canonical = r.canonical();
    if r.resolve().is_none() {
        return Err(format!("image {image} is not in the registry"));
    }
    if !unpullable {
        c.unpullable_images.remove(&canonical);
        return Ok(canonical);
    }
    c.unpullable_images.insert(canonical.clone());
    let nodes: Vec<ObjectKey> = c.store.nodes.list(None).map(|n| ObjectKey::of(&n.metadata)).collect();
    for node in nodes {
        c.store.modify::<Node>(&node, |n| {
            if let Some(imgs) = n.status.as_mut().and_then(|s| s.images.as_mut()) {
                imgs.retain(|i| !i.names.as_ref().is_some_and(|ns| ns.contains(&canonical)));
            }
        });
    }
    Ok(canonical)
}

/// The container's main process ended now with `code` (the shell a `kubectl run -it`
/// session was attached to exited): the kubelet sees it as any other exit.
pub fn main_process_exited(c: &mut Cluster, key: &ObjectKey, container: &str, code: i32) {
    let Some(pod) = c.store.pods.get(key).cloned() else { return };
    let Some(i) = pod.spec.as_ref().and_then(|s| s.containers.iter().position(|x| x.name == container)) else { return };
    let now = c.now();
    c.schedule(now, step_for(&pod, Stage::Exited { container: i, code, instance: None, to_restart: false }));
    c.advance_to(now);
}

pub(super) fn step_for(pod: &Pod, stage: Stage) -> TimedWork {
    step(&ObjectKey::of(&pod.metadata), pod.metadata.uid.as_deref().unwrap_or(""), stage)
}

/// 10 s, 20 s, 40 s ... capped at 5 min (kubelet `backOffPeriod`, `MaxContainerBackOff`).
pub fn backoff_ms(attempt: u32) -> i64 {
    BACKOFF_BASE_MS.saturating_mul(1 << attempt.min(16)).min(BACKOFF_CAP_MS)
}

fn container_image(pod: &Pod, i: usize) -> String {
    pod.spec.as_ref().and_then(|s| s.containers.get(i)).and_then(|c| c.image.clone()).unwrap_or_default()
}

fn node_of(pod: &Pod) -> String {
    pod.spec.as_ref().and_then(|s| s.node_name.clone()).unwrap_or_default()
}

pub(super) fn kubelet_event(c: &mut Cluster, pod: &Pod, type_: &'static str, reason: &'static str, message: String) {
    let now = c.now();
    let mut involved = reference_to(pod);
    involved.resource_version = None;
    c.store.record_event(
        now,
        NewEvent { involved, type_, reason, message, component: "kubelet", host: Some(node_of(pod)) },
    );
}

fn image_cached(c: &Cluster, pod: &Pod, canonical: &str) -> bool {
    c.store
        .get::<Node>("", &node_of(pod))
        .and_then(|n| n.status.as_ref())
        .and_then(|s| s.images.as_ref())
        .is_some_and(|imgs| imgs.iter().any(|i| i.names.as_ref().is_some_and(|ns| ns.iter().any(|n| n == canonical))))
}

fn remember_image(c: &mut Cluster, pod: &Pod, image: &str) {
    let r = ImageRef::parse(image);
    let canonical = r.canonical();
    let size = r.resolve().map(|x| x.size_bytes as i64);
    let repo_digest = r.repo_digest();
    c.store.modify::<Node>(&ObjectKey::new("", &node_of(pod)), |n| {
        let imgs = n.status.get_or_insert_with(Default::default).images.get_or_insert_with(Vec::new);
        if !imgs.iter().any(|i| i.names.as_ref().is_some_and(|ns| ns.contains(&canonical))) {
            imgs.push(ContainerImage { names: Some(vec![repo_digest, canonical]), size_bytes: size });
        }
    });
}

/// Go's `time.Duration` string, truncated to milliseconds as the kubelet prints it.
pub fn go_duration(ms: i64) -> String {
    if ms < 1000 {
        return format!("{ms}ms");
    }
    let secs = ms / 1000;
    let frac = ms % 1000;
    let tail = if frac == 0 { String::new() } else { format!(".{frac:03}").trim_end_matches('0').to_string() };
    if secs < 60 {
        format!("{secs}{tail}s")
    } else {
        format!("{}m{}{tail}s", secs / 60, secs % 60)
    }
}

fn begin_pull(c: &mut Cluster, pod: &Pod, container: usize, attempt: u32) {
    let Some(ctr) = pod.spec.as_ref().and_then(|s| s.containers.get(container)) else { return };
    let image = ctr.image.clone().unwrap_or_default();
    let r = ImageRef::parse(&image);
    let canonical = r.canonical();
    let policy = ctr.image_pull_policy.clone().unwrap_or_else(|| crate::images::default_pull_policy(&image).into());
    let cached = image_cached(c, pod, &canonical);
    let now = c.now();
    if cached && policy != "Always" {
        kubelet_event(c, pod, "Normal", "Pulled", format!("Container image \"{image}\" already present on machine"));
        c.schedule(now.plus_ms(200), step_for(pod, Stage::Start { container }));
        return;
    }
    if !cached && policy == "Never" {
        let msg = format!("Container image \"{image}\" is not present with pull policy of Never");
        kubelet_event(c, pod, "Warning", "ErrImageNeverPull", msg.clone());
        set_container_state(c, &ObjectKey::of(&pod.metadata), container, waiting("ErrImageNeverPull", Some(msg)));
        return;
    }
    kubelet_event(c, pod, "Normal", "Pulling", format!("Pulling image \"{image}\""));
    match r.resolve().filter(|_| !c.unpullable_images.contains(&canonical)) {
        None => c.schedule(now.plus_ms(PULL_FAIL_MS), step_for(pod, Stage::PullFailed { container, attempt })),
        Some(repo) => {
            let download = if cached { 0 } else { (repo.size_bytes * 1000 / PULL_BYTES_PER_SEC) as i64 };
            // A little jitter, as real pulls never take the same time twice.
            let took_ms = MANIFEST_MS + download + c.rng.below(400) as i64;
            c.schedule(now.plus_ms(took_ms), step_for(pod, Stage::Pulled { container, took_ms }));
        }
    }
}

pub(super) fn container_status_mut(p: &mut Pod, i: usize) -> Option<&mut ContainerStatus> {
    p.status.as_mut()?.container_statuses.as_mut()?.get_mut(i)
}

fn set_container_state(c: &mut Cluster, key: &ObjectKey, i: usize, state: ContainerState) {
    let now = c.now();
    c.store.modify::<Pod>(key, |p| {
        if let Some(cs) = container_status_mut(p, i) {
            cs.state = Some(state);
            cs.ready = false;
            cs.started = Some(false);
        }
        derive_pod_status(p, now);
    });
}

fn start_container(c: &mut Cluster, pod: &Pod, i: usize) {
    let Some(ctr) = pod.spec.as_ref().and_then(|s| s.containers.get(i)).cloned() else { return };
    let key = ObjectKey::of(&pod.metadata);
    let now = c.now();
    let image = ctr.image.clone().unwrap_or_default();
    let r = ImageRef::parse(&image);
    let env = match super::container_env::resolve(&c.store, pod, &ctr) {
        Ok(env) => env,
        Err(why) => {
            // The container cannot be configured: the kubelet reports it and tries
            // again at its next sync, so creating the ConfigMap later starts it.
            kubelet_event(c, pod, "Warning", "Failed", format!("Error: {why}"));
            set_container_state(c, &key, i, waiting("CreateContainerConfigError", Some(why)));
            c.schedule(now.plus_ms(ERROR_RESYNC_MS), step_for(pod, Stage::Start { container: i }));
            return;
        }
    };
    c.container_env.record(pod, &ctr.name, env);
    let container_id = format!("containerd://{}{}", c.rng.uuid().replace('-', ""), c.rng.uuid().replace('-', ""));
    let image_id = r.repo_digest();
    kubelet_event(c, pod, "Normal", "Created", format!("Created container: {}", ctr.name));
    kubelet_event(c, pod, "Normal", "Started", format!("Started container {}", ctr.name));
    // A startup probe holds `started` back; a readiness probe holds `ready` back
    // until it passes.
    let started = ctr.startup_probe.is_none();
    let ready = started && ctr.readiness_probe.is_none();
    c.store.modify::<Pod>(&key, |p| {
        if let Some(cs) = container_status_mut(p, i) {
            // A restarted container's previous run becomes its lastState (which
            // RESTARTS reads as `1 (5s ago)`), also when it restarted without back-off.
            if cs.state.as_ref().is_some_and(|s| s.terminated.is_some()) {
                cs.last_state = cs.state.take();
            }
            cs.state = Some(ContainerState {
                running: Some(ContainerStateRunning { started_at: Some(now.to_k8s()) }),
                ..Default::default()
            });
            cs.ready = ready;
            cs.started = Some(started);
            cs.container_id = Some(container_id.clone());
            cs.image_id = image_id.clone();
            cs.image = if r.implicit_tag || !image.contains('/') { r.canonical() } else { image.clone() };
        }
        derive_pod_status(p, now);
    });
    let mut command = ctr.command.clone().unwrap_or_default();
    command.extend(ctr.args.clone().unwrap_or_default());
    for (index, mark) in super::process::marks(&command).iter().enumerate().filter(|(_, m)| m.at_ms > 0) {
        c.schedule(now.plus_ms(mark.at_ms), step_for(pod, Stage::ProcessMark { container: i, instance: container_id.clone(), mark: index }));
    }
    super::kubelet_probes::container_started(c, pod, i);
    let long_running = r.resolve().is_some_and(|x| x.long_running);
    let life = if crate::network::servers::server_of_container(&ctr).is_some() {
        // A server (also one a multi-purpose image's subcommand starts) serves on.
        Lifetime::Forever
    } else if crate::metrics::exceeds_memory_limit(&ctr) {
        // The stress tool allocates past the cgroup's memory limit: the kernel's
        // OOM killer ends it (SIGKILL, exit code 137) within a second or two.
        Lifetime::ExitsAfter { ms: OOM_KILL_MS, code: 137 }
    } else if crate::metrics::is_stress_tool(&ctr) {
        Lifetime::Forever
    } else if ctr.stdin == Some(true) && waits_on_stdin(&command) {
        // `kubectl run -i … -- sh`: the shell reads its open stdin until the user
        // leaves it.
        Lifetime::Forever
    } else {
        lifetime(long_running, &command)
    };
    if let Lifetime::ExitsAfter { ms, code } = life {
        c.schedule(now.plus_ms(ms), step_for(pod, Stage::Exited { container: i, code, instance: Some(container_id.clone()), to_restart: false }));
    }
    if let Some(url) = crate::network::traffic::request_loop_url(&command) {
        // The loop's requests go through the cluster network like any other: DNS,
        // kube-proxy, the serving pods' logs and CPU.
        crate::network::traffic::start_request_loop(c, key.clone(), &url);
    }
    let count = pod.spec.as_ref().map(|s| s.containers.len()).unwrap_or(0);
    let next_waiting = c.store.pods.get(&key).and_then(|p| {
        p.status.as_ref()?.container_statuses.as_ref()?.get(i + 1).map(|cs| cs.state.as_ref().and_then(|s| s.waiting.as_ref()).is_some())
    });
    if i + 1 < count && next_waiting == Some(true) {
        let pod = c.store.pods.get(&key).cloned().unwrap_or_else(|| pod.clone());
        begin_pull(c, &pod, i + 1, 0);
    }
}

/// A container's status once its process ended (`code`, `reason`) at `now`: the
/// running instance's start and id are kept, and it is no longer ready.
pub fn mark_terminated(cs: &mut ContainerStatus, code: i32, reason: &str, now: SimTime) {
    let started = cs.state.as_ref().and_then(|s| s.running.as_ref()).and_then(|r| r.started_at.clone());
    cs.state = Some(ContainerState {
        terminated: Some(ContainerStateTerminated {
            exit_code: code,
            reason: Some(reason.into()),
            started_at: started,
            finished_at: Some(now.to_k8s()),
            container_id: cs.container_id.clone(),
            ..Default::default()
        }),
        ..Default::default()
    });
    cs.ready = false;
    cs.started = Some(false);
}

fn container_exited(c: &mut Cluster, pod: &Pod, i: usize, code: i32, to_restart: bool) {
    let key = ObjectKey::of(&pod.metadata);
    let now = c.now();
    let policy = pod.spec.as_ref().and_then(|s| s.restart_policy.clone()).unwrap_or_else(|| "Always".into());
    let restarts = pod.status.as_ref().and_then(|s| s.container_statuses.as_ref()).and_then(|cs| cs.get(i)).map(|cs| cs.restart_count).unwrap_or(0);
    let name = pod.spec.as_ref().and_then(|s| s.containers.get(i)).map(|c| c.name.clone()).unwrap_or_default();
    let restart = policy == "Always" || (policy == "OnFailure" && (code != 0 || to_restart));
    let oom = code == 137 && pod.spec.as_ref().and_then(|s| s.containers.get(i)).is_some_and(crate::metrics::exceeds_memory_limit);
    c.store.modify::<Pod>(&key, |p| {
        if let Some(cs) = container_status_mut(p, i) {
            mark_terminated(cs, code, if code == 0 { "Completed" } else if oom { "OOMKilled" } else { "Error" }, now);
        }
        derive_pod_status(p, now);
    });
    if !restart {
        return;
    }
    // The kubelet's back-off: the first restart is immediate (no back-off entry yet),
    // then 10 s, 20 s, 40 s ... (k/k kuberuntime `doBackOff`).
    let delay = if restarts == 0 { SYNC_MS } else { backoff_ms(restarts as u32 - 1) };
    if restarts > 0 {
        let uid = pod.metadata.uid.clone().unwrap_or_default();
        let ns = key.namespace.clone();
        kubelet_event(c, pod, "Warning", "BackOff", format!("Back-off restarting failed container {name} in pod {}_{ns}({uid})", key.name));
        let secs = delay / 1000;
        let msg = format!("back-off {} restarting failed container={name} pod={}_{ns}({uid})", crate::printers::duration::go_seconds(secs), key.name);
        c.store.modify::<Pod>(&key, |p| {
            if let Some(cs) = container_status_mut(p, i) {
                cs.last_state = cs.state.take();
                cs.state = Some(waiting("CrashLoopBackOff", Some(msg.clone())));
            }
            derive_pod_status(p, now);
        });
    }
    c.schedule(now.plus_ms(delay), step_for(pod, Stage::Restart { container: i }));
}

/// Phase and readiness follow from the container states (kubelet `getPhase`).
pub(super) fn derive_pod_status(p: &mut Pod, now: SimTime) {
    let policy = p.spec.as_ref().and_then(|s| s.restart_policy.clone()).unwrap_or_else(|| "Always".into());
    let Some(st) = p.status.as_mut() else { return };
    let statuses = st.container_statuses.clone().unwrap_or_default();
    let (mut running, mut waiting, mut stopped, mut succeeded, mut unknown) = (0, 0, 0, 0, 0);
    for cs in &statuses {
        let state = cs.state.as_ref();
        if state.is_some_and(|s| s.running.is_some()) {
            running += 1;
        } else if let Some(t) = state.and_then(|s| s.terminated.as_ref()) {
            stopped += 1;
            if t.exit_code == 0 {
                succeeded += 1;
            }
        } else if state.is_some_and(|s| s.waiting.is_some()) {
            // Waiting to restart after a termination counts as stopped.
            if cs.last_state.as_ref().is_some_and(|l| l.terminated.is_some()) {
                stopped += 1;
            } else {
                waiting += 1;
            }
        } else {
            unknown += 1;
        }
    }
    let phase = if waiting > 0 {
        "Pending"
    } else if running > 0 && unknown == 0 {
        "Running"
    } else if running == 0 && stopped > 0 && unknown == 0 {
        match policy.as_str() {
            "Always" => "Running",
            _ if stopped == succeeded => "Succeeded",
            "Never" => "Failed",
            _ => "Running",
        }
    } else {
        "Pending"
    };
    st.phase = Some(phase.into());
    let all_ready = !statuses.is_empty() && statuses.iter().all(|cs| cs.ready);
    let reason = if all_ready { None } else if phase == "Succeeded" || phase == "Failed" { Some("PodCompleted") } else { Some("ContainersNotReady") };
    set_condition(p, condition("Ready", all_ready, now, reason));
    set_condition(p, condition("ContainersReady", all_ready, now, reason));
    order_conditions(p);
}

/// The next free address in the node's pod CIDR, going round the range as host-local
/// IPAM does (`.1` is the bridge; addresses are not reused until the range wraps).
fn allocate_pod_ip(c: &mut Cluster, pod: &Pod) -> Option<String> {
    let node_name = node_of(pod);
    let node = c.store.get::<Node>("", &node_name)?;
    let cidr = node.spec.as_ref()?.pod_cidr.clone()?;
    let prefix = cidr.split('/').next()?.rsplit_once('.')?.0.to_string();
    let last = *c.ipam_last.get(&node_name).unwrap_or(&1) as i32;
    // An address is taken while a pod on this node still shows it (found through
    // the pod-IP index, not by reading every pod of the node).
    let used = |ip: &str| c.store.pods.with_pod_ip(ip).any(|p| p.spec.as_ref().and_then(|s| s.node_name.as_deref()) == Some(node_name.as_str()));
    // Hosts .2 to .254 in turn, starting after the last one handed out.
    let (host, ip) = (1..=253i32)
        .map(|offset| ((last - 2 + offset).rem_euclid(253) + 2) as u8)
        .map(|host| (host, format!("{prefix}.{host}")))
        .find(|(_, ip)| !used(ip))?;
    c.ipam_last.insert(node_name, host);
    Some(ip)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lifetimes() {
        assert_eq!(lifetime(true, &[]), Lifetime::Forever);
        assert_eq!(lifetime(false, &[]), Lifetime::ExitsAfter { ms: 100, code: 0 });
        let sleep: Vec<String> = vec!["sleep".into(), "3600".into()];
        assert_eq!(lifetime(false, &sleep), Lifetime::ExitsAfter { ms: 3_600_100, code: 0 });
        let inf: Vec<String> = vec!["sleep".into(), "infinity".into()];
        assert_eq!(lifetime(false, &inf), Lifetime::Forever);
        let fail: Vec<String> = vec!["sh".into(), "-c".into(), "echo hi; exit 3".into()];
        assert_eq!(lifetime(false, &fail), Lifetime::ExitsAfter { ms: 100, code: 3 });
    }

    #[test]
    fn backoff_doubles_to_five_minutes() {
        let seq: Vec<i64> = (0..7).map(backoff_ms).collect();
        assert_eq!(seq, vec![10_000, 20_000, 40_000, 80_000, 160_000, 300_000, 300_000]);
    }

    #[test]
    fn go_durations() {
        assert_eq!(go_duration(806), "806ms");
        assert_eq!(go_duration(3900), "3.9s");
        assert_eq!(go_duration(1462), "1.462s");
        assert_eq!(go_duration(30680), "30.68s");
        assert_eq!(go_duration(5000), "5s");
    }
}
