//! `kubectl port-forward TYPE/NAME [LOCAL:]REMOTE…` (kubectl/pkg/cmd/portforward,
//! client-go tools/portforward): picks the pod (a Service's, a Deployment's …),
//! translates a Service port to its target port, prints the two listeners per port
//! and keeps running until Ctrl+C, or until the pod goes away (`lost connection to
//! pod`). The console is busy meanwhile, as a real terminal is.

use k8s_openapi::api::core::v1::{Pod, Service};
use k8s_openapi::apimachinery::pkg::util::intstr::IntOrString;

use super::flags::{self, flag, FlagDef, FlagKind};
use super::{usage_error, Outcome};
use crate::api::selectors::map_selects;
use crate::api::{ApiError, ObjectKey};
use crate::cluster::Cluster;
use crate::foreground::Foreground;
use crate::output::Output;
use crate::time::SimTime;

const FLAGS: &[FlagDef] = &[flag("address", None, FlagKind::Value), flag("pod-running-timeout", None, FlagKind::Value)];

/// A running port-forward.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PortForward {
    pub pod: ObjectKey,
    pub uid: String,
    /// (local, remote) pairs.
    pub ports: Vec<(u16, u16)>,
    pub started: SimTime,
    /// The last request (network sequence number) it has looked at.
    pub seen: u64,
}

impl PortForward {
    /// Prints `Handling connection for PORT` for each connection to a local port
    /// since the last poll; ends (1) when the pod is gone or stopped running, as the
    /// stream breaks.
    pub fn poll(&mut self, c: &Cluster, out: &mut Output) -> Option<i32> {
        for rec in c.network.requests.iter().filter(|r| r.seq > self.seen) {
            if let Some(port) = self.ports.iter().map(|(l, _)| *l).find(|l| is_local_url(&rec.url, *l)) {
                out.out(&format!("Handling connection for {port}"));
            }
        }
        self.seen = c.network.seq;
        let alive = c.store.get::<Pod>(&self.pod.namespace, &self.pod.name).filter(|p| p.metadata.uid.as_deref() == Some(&self.uid)).is_some_and(|p| p.status.as_ref().and_then(|s| s.phase.as_deref()) == Some("Running"));
        if alive {
            return None;
        }
        out.err("error: lost connection to pod");
        Some(1)
    }
}

/// Whether a request's URL (as typed) went to `port` on the loopback interface.
fn is_local_url(url: &str, port: u16) -> bool {
    let rest = url.split_once("://").map_or(url, |(_, r)| r);
    let authority = rest.split('/').next().unwrap_or("");
    ["localhost", "127.0.0.1", "[::1]"].iter().any(|h| authority == format!("{h}:{port}"))
}

/// The pod a `TYPE/NAME` stands for (`AttachablePodForObject`): the first of its pods.
fn pod_for(c: &Cluster, ns: &str, target: &str) -> Result<(Pod, Option<Service>), String> {
    let (kind, name) = target.split_once('/').unwrap_or(("pods", target));
    let rt = super::resources::resolve(kind).ok_or_else(|| format!("error: the server doesn't have a resource type \"{kind}\""))?;
    match rt.plural {
        "pods" => c.store.get::<Pod>(ns, name).cloned().map(|p| (p, None)).ok_or_else(|| ApiError::not_found("pods", name).to_string()),
        "services" => {
            let svc = c.store.get::<Service>(ns, name).cloned().ok_or_else(|| ApiError::not_found("services", name).to_string())?;
            let selector = svc.spec.as_ref().and_then(|s| s.selector.clone()).unwrap_or_default();
            let mut pods: Vec<Pod> = c.store.pods.list(Some(ns)).filter(|p| !selector.is_empty() && map_selects(Some(&selector), p.metadata.labels.as_ref())).cloned().collect();
            crate::sorting::sort_by_key(&mut pods, |p| p.metadata.name.clone());
            let pod = pods.into_iter().next().ok_or_else(|| format!("error: no pods found for service {name}"))?;
            Ok((pod, Some(svc)))
        }
        _ => super::logs::pods_of(c, ns, &format!("{}/{name}", rt.plural)).map(|pods| (pods[0].clone(), None)),
    }
}

/// `8080:80`, `8080` (same port), `:80` (a free local port).
fn parse_port(spec: &str) -> Result<(Option<u16>, String), String> {
    let (local, remote) = spec.split_once(':').map_or((spec, spec), |(l, r)| (l, r));
    let local = if local.is_empty() { None } else { Some(local.parse::<u16>().map_err(|e| format!("error: Error parsing local port '{local}': {e}"))?) };
    Ok((local, remote.to_string()))
}

/// A Service port as the pod's port (`translateServicePortToTargetPort`).
fn target_port(svc: Option<&Service>, pod: &Pod, remote: &str) -> Result<u16, String> {
    let container_port = |name: &str| pod.spec.as_ref().and_then(|s| s.containers.iter().flat_map(|c| c.ports.iter().flatten()).find(|p| p.name.as_deref() == Some(name))).map(|p| p.container_port as u16);
    let Some(svc) = svc else {
        return remote.parse::<u16>().ok().or_else(|| container_port(remote)).ok_or_else(|| format!("error: Pod '{}' does not have a named port '{remote}'", pod.metadata.name.clone().unwrap_or_default()));
    };
    let ports = svc.spec.as_ref().and_then(|s| s.ports.clone()).unwrap_or_default();
    let port = ports.iter().find(|p| p.port.to_string() == remote || p.name.as_deref() == Some(remote));
    let Some(port) = port else {
        return Err(format!("error: Service {} does not have a service port {remote}", svc.metadata.name.clone().unwrap_or_default()));
    };
    match &port.target_port {
        Some(IntOrString::Int(n)) => Ok(*n as u16),
        Some(IntOrString::String(name)) => container_port(name).ok_or_else(|| format!("error: Pod '{}' does not have a named port '{name}'", pod.metadata.name.clone().unwrap_or_default())),
        None => Ok(port.port as u16),
    }
}

pub fn run(c: &mut Cluster, args: &[String], io: &super::Io, out: &mut Output) -> Outcome {
    let p = match flags::parse(args, FLAGS, io.kubeconfig) {
        Ok(p) => p,
        Err(e) => return Outcome::code(usage_error("port-forward", e.message(), out)),
    };
    if p.args.len() < 2 {
        out.err("error: TYPE/NAME and list of ports are required for port-forward");
        out.err("See 'kubectl port-forward -h' for help and examples");
        return Outcome::code(1);
    }
    let fail = |out: &mut Output, e: String| {
        out.err(&e);
        Outcome::code(1)
    };
    let ns = p.namespace().to_string();
    let (pod, svc) = match pod_for(c, &ns, &p.args[0]) {
        Ok(x) => x,
        Err(e) => return fail(out, e),
    };
    let phase = pod.status.as_ref().and_then(|s| s.phase.clone()).unwrap_or_else(|| "Pending".into());
    if phase != "Running" {
        return fail(out, format!("error: unable to forward port because pod is not running. Current status={phase}"));
    }
    let mut ports = Vec::new();
    for spec in &p.args[1..] {
        let (local, remote) = match parse_port(spec) {
            Ok(x) => x,
            Err(e) => return fail(out, e),
        };
        let remote = match target_port(svc.as_ref(), &pod, &remote) {
            Ok(n) => n,
            Err(e) => return fail(out, e),
        };
        // The kernel's free port for `:80`, fixed here so sessions stay reproducible.
        let local = local.unwrap_or(40_000 + remote % 10_000);
        ports.push((local, remote));
    }
    for (l, r) in &ports {
        out.out(&format!("Forwarding from 127.0.0.1:{l} -> {r}"));
        out.out(&format!("Forwarding from [::1]:{l} -> {r}"));
    }
    let pf = PortForward { pod: ObjectKey::of(&pod.metadata), uid: pod.metadata.uid.clone().unwrap_or_default(), ports, started: c.now(), seen: c.network.seq };
    Outcome { exit_code: 0, foreground: Some(Foreground::PortForward(pf)) }
}
