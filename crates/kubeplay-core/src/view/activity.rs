//! What the control plane just did, as hops between its components: the page
//! animates them on the physical view (kubectl → API server → etcd → scheduler →
//! kubelet → container runtime). Read from what the model recorded since a store
//! revision — the object the command wrote, and the events the scheduler, the
//! controllers and the kubelets reported — never guessed from the command text.

use std::collections::BTreeMap;

use k8s_openapi::api::core::v1::{Event, Pod};

use super::ObjectRef;
use crate::cluster::Cluster;

/// A part of the cluster a request passes through. Node agents carry their node.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Component {
    Kubectl,
    ApiServer,
    Etcd,
    Scheduler,
    ControllerManager,
    Kubelet(String),
    Runtime(String),
}

impl Component {
    /// `apiserver`, `kubelet@node01`: the id the page draws the component under.
    pub fn id(&self) -> String {
        match self {
            Component::Kubectl => "kubectl".into(),
            Component::ApiServer => "apiserver".into(),
            Component::Etcd => "etcd".into(),
            Component::Scheduler => "scheduler".into(),
            Component::ControllerManager => "controller-manager".into(),
            Component::Kubelet(n) => format!("kubelet@{n}"),
            Component::Runtime(n) => format!("runtime@{n}"),
        }
    }
}

/// One message from a component to another: what it was about (`pod/web`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Hop {
    pub from: Component,
    pub to: Component,
    pub label: String,
    /// How many more messages took the same way in this burst (`+2`).
    pub more: usize,
}

/// The most hops one burst shows: a `--replicas=100` is a burst of the same ways.
const MAX_HOPS: usize = 16;

/// The command's own write: the one that took the first resourceVersion after
/// `since` (commands write before the controllers settle). `create pod/web`.
fn command_write(c: &Cluster, since: u64) -> Option<String> {
    let w = c.store.writes_since(since).next().filter(|w| w.rv == since + 1)?;
    let object = ObjectRef::new(w.kind, &w.namespace, &w.name);
    Some(format!("{} {}", w.verb, object.display_name()))
}

fn event_rv(e: &Event) -> u64 {
    e.metadata.resource_version.as_deref().and_then(|v| v.parse().ok()).unwrap_or(0)
}

/// `pod/web`, for the event's involved object.
fn involved(e: &Event) -> ObjectRef {
    let o = &e.involved_object;
    ObjectRef::new(o.kind.as_deref().unwrap_or(""), o.namespace.as_deref().unwrap_or(""), o.name.as_deref().unwrap_or(""))
}

/// The node a scheduled pod went to: where it is bound now, else the event's
/// `Successfully assigned ns/name to NODE`.
fn bound_node(c: &Cluster, e: &Event) -> Option<String> {
    let o = &e.involved_object;
    let pod = c.store.get::<Pod>(o.namespace.as_deref().unwrap_or(""), o.name.as_deref().unwrap_or(""));
    pod.and_then(|p| p.spec.as_ref()?.node_name.clone())
        .or_else(|| e.message.as_deref()?.rsplit_once(" to ").map(|(_, n)| n.to_string()))
}

/// The ways one event stands for: who reported it, through the API server.
fn hops_of(c: &Cluster, e: &Event) -> Vec<(Component, Component, String)> {
    use Component::*;
    let what = involved(e).display_name();
    let reason = e.reason.clone().unwrap_or_default();
    let component = e.source.as_ref().and_then(|s| s.component.as_deref()).unwrap_or("");
    match component {
        "default-scheduler" if reason == "Scheduled" => {
            let Some(node) = bound_node(c, e) else { return Vec::new() };
            vec![
                (ApiServer, Scheduler, what.clone()),
                (Scheduler, ApiServer, format!("bind {what} → {node}")),
                (ApiServer, Etcd, what.clone()),
                (ApiServer, Kubelet(node), what),
            ]
        }
        "default-scheduler" => vec![(ApiServer, Scheduler, what.clone()), (Scheduler, ApiServer, format!("{reason} {what}"))],
        "kubelet" => {
            let Some(node) = e.source.as_ref().and_then(|s| s.host.clone()) else { return Vec::new() };
            let mut out = vec![(Kubelet(node.clone()), Runtime(node.clone()), format!("{reason} {what}"))];
            if reason == "Started" || reason == "Killing" {
                out.push((Kubelet(node), ApiServer, format!("status {what}")));
            }
            out
        }
        // The add-on's own controller (ingress-nginx) is a pod, not a control-plane part.
        "nginx-ingress-controller" | "" => Vec::new(),
        _ => vec![(ControllerManager, ApiServer, format!("{reason} {what}")), (ApiServer, Etcd, what)],
    }
}

/// What happened since store revision `since`: when `by_command`, the write that
/// came first (the command's own, kubectl → API server → etcd), then every event
/// recorded since, in order. Ways taken several times keep their first place and
/// count the rest.
pub fn activity(c: &Cluster, since: u64, by_command: bool) -> Vec<Hop> {
    use Component::*;
    let mut ways: Vec<(Component, Component, String)> = Vec::new();
    if by_command && c.store.revision() > since {
        // Something was written; what, the audit log says when it reaches back.
        let what = command_write(c, since).unwrap_or_default();
        ways.push((Kubectl, ApiServer, what.clone()));
        ways.push((ApiServer, Etcd, what));
    }
    let mut events: Vec<&Event> = c.store.events.list(None).filter(|e| event_rv(e) > since).collect();
    crate::sorting::sort_by_key(&mut events, |e| event_rv(e));
    for e in events {
        ways.extend(hops_of(c, e));
    }
    let mut out: Vec<Hop> = Vec::new();
    let mut index: BTreeMap<(Component, Component), usize> = BTreeMap::new();
    for (from, to, label) in ways {
        match index.get(&(from.clone(), to.clone())) {
            Some(&i) => out[i].more += 1,
            None if out.len() < MAX_HOPS => {
                index.insert((from.clone(), to.clone()), out.len());
                out.push(Hop { from, to, label, more: 0 });
            }
            None => {}
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{ClusterConfig, Shell};

    fn ids(hops: &[Hop]) -> Vec<String> {
        hops.iter().map(|h| format!("{}>{}", h.from.id(), h.to.id())).collect()
    }

    #[test]
    fn kubectl_run_goes_through_api_server_etcd_scheduler_then_the_kubelet() {
        let mut sh = Shell::new(ClusterConfig::default());
        let before = sh.cluster.store.revision();
        sh.execute("kubectl run web --image nginx");
        let node = sh.cluster.store.get::<Pod>("default", "web").and_then(|p| p.spec.clone()?.node_name).expect("bound");
        let hops = activity(&sh.cluster, before, true);
        assert_eq!(
            ids(&hops),
            [
                "kubectl>apiserver".to_string(),
                "apiserver>etcd".into(),
                "apiserver>scheduler".into(),
                "scheduler>apiserver".into(),
                format!("apiserver>kubelet@{node}"),
            ]
        );
        assert_eq!(hops[0].label, "create pod/web");
        assert_eq!(hops[3].label, format!("bind pod/web → {node}"));
        // The kubelet's work comes later, on the clock: sandbox, pull, start.
        let after_command = sh.cluster.store.revision();
        sh.cluster.advance_by(30_000);
        let later = activity(&sh.cluster, after_command, false);
        assert!(ids(&later).contains(&format!("kubelet@{node}>runtime@{node}")), "{:?}", ids(&later));
        assert!(ids(&later).contains(&format!("kubelet@{node}>apiserver")), "{:?}", ids(&later));
        assert!(!ids(&later).contains(&"kubectl>apiserver".to_string()), "no command in a clock tick");
    }

    #[test]
    fn a_deployment_goes_through_the_controller_manager_and_repeats_are_counted() {
        let mut sh = Shell::new(ClusterConfig::default());
        let before = sh.cluster.store.revision();
        sh.execute("kubectl create deployment web --image nginx --replicas 3");
        let hops = activity(&sh.cluster, before, true);
        assert_eq!(hops[0].label, "create deployment/web");
        let cm = hops.iter().find(|h| h.from == Component::ControllerManager).expect("controller-manager hop");
        assert!(cm.more >= 3, "ScalingReplicaSet + three SuccessfulCreate: {cm:?}");
        let bind = hops.iter().find(|h| h.from == Component::Scheduler).expect("scheduler hop");
        assert_eq!(bind.more, 2, "three bindings, one way");
    }

    #[test]
    fn a_read_writes_nothing_and_shows_nothing() {
        let mut sh = Shell::new(ClusterConfig::default());
        let before = sh.cluster.store.revision();
        sh.execute("kubectl get pods -A");
        assert!(activity(&sh.cluster, before, true).is_empty());
    }
}
