//! `kubeplay traffic` and `kubeplay load`: requests on demand through the request
//! model ([`crate::network::traffic`]), with the path each one took printed hop by
//! hop — the console form of the traffic view.

use k8s_openapi::api::core::v1::{Node, Service};

use super::{parse_flags, report, usage_error, Outcome};
use crate::api::ObjectKey;
use crate::cluster::Cluster;
use crate::network::request::{Client, Hop, RequestRecord};
use crate::network::tools::{curl_failure, CONSOLE_NODE};
use crate::network::traffic::{self, Outcome as Fate};
use crate::output::Output;

/// Reads `--from`: `outside` (the default), `node/NAME`, `pod/NAME` (in `namespace`).
pub fn parse_client(c: &Cluster, from: Option<&str>, namespace: &str) -> Result<Client, String> {
    match from.unwrap_or("outside") {
        "outside" | "external" => Ok(Client::External),
        f => match f.split_once('/') {
            Some(("node" | "nodes", name)) if c.store.get::<Node>("", name).is_some() => Ok(Client::Node(name.to_string())),
            Some(("node" | "nodes", name)) => Err(format!("nodes \"{name}\" not found")),
            Some(("pod" | "pods", name)) if c.store.pods.get(&ObjectKey::new(namespace, name)).is_some() => Ok(Client::Pod(ObjectKey::new(namespace, name))),
            Some(("pod" | "pods", name)) => Err(format!("pods \"{name}\" not found")),
            _ => Err(format!("--from must be outside, node/NAME or pod/NAME, not {f:?}")),
        },
    }
}

/// One hop as the trace line names it.
fn hop_text(h: &Hop) -> String {
    match h {
        Hop::Dns { name, ip } => format!("dns {name} = {ip}"),
        Hop::LoadBalancer { ip, port } => format!("load balancer {ip}:{port}"),
        Hop::NodePort { node, port } => format!("{node}:{port} (NodePort)"),
        Hop::IngressController { node, ingress } => format!("ingress-nginx on {node} (ingress {}/{})", ingress.namespace, ingress.name),
        Hop::KubeProxy { service, cluster_ip, port } => format!("kube-proxy: service {}/{} {cluster_ip}:{port}", service.namespace, service.name),
        Hop::Pod { pod, ip, port } => format!("pod {} {ip}:{port}", pod.name),
    }
}

/// The trace of one request: its path, then what came back or why nothing did.
fn print_trace(rec: &RequestRecord, out: &mut Output) -> i32 {
    let mut path = vec![rec.client.clone()];
    path.extend(rec.hops.iter().map(hop_text));
    let fate = Fate::of(rec);
    if fate.is_failure() {
        path.push("✗".into());
    }
    out.out(&path.join(" → "));
    let who = rec.answered_by.as_ref().map(|k| format!("pod {}", k.name)).unwrap_or_else(|| "ingress-nginx".into());
    let reason = match fate {
        Fate::Answered(s) => {
            out.out(&format!("HTTP {s} from {who}"));
            return 0;
        }
        Fate::NoEndpoints => "no ready endpoints behind the service",
        Fate::Refused => "nothing listens on that port",
        Fate::Unresolved => "the name does not resolve from there",
        Fate::Timeout => "nothing answers at that address and port",
        Fate::EmptyReply => "the server does not speak HTTP",
    };
    match (&rec.failure, rec.status) {
        (Some(f), _) => out.err(&format!("curl: ({}) {}", curl_failure(f).0, curl_failure(f).1)),
        (None, Some(s)) => out.err(&format!("HTTP {s} from {who}")),
        (None, None) => {}
    }
    out.err(&format!("kubeplay: failed: {reason}"));
    1
}

/// `kubeplay traffic …`
pub fn traffic(c: &mut Cluster, namespace: &str, words: &[&str], out: &mut Output) -> i32 {
    match words {
        [] => {
            list(c, out);
            0
        }
        ["stop"] => {
            let ids: Vec<u32> = c.network.generators.running.keys().copied().collect();
            for id in &ids {
                traffic::stop(c, *id);
            }
            report(Ok(format!("stopped {} stream(s) of requests", ids.len())), out)
        }
        ["stop", id] => {
            let stopped = id.parse().ok().is_some_and(|id| traffic::stop(c, id));
            report(if stopped { Ok(format!("stream {id} stopped")) } else { Err(format!("no stream of requests with id {id}")) }, out)
        }
        _ => {
            let f = match parse_flags(words) {
                Ok(f) => f,
                Err(e) => return report(Err(e), out),
            };
            let [url] = f.positional.as_slice() else { return usage_error(out, "traffic needs one URL") };
            let client = match parse_client(c, f.from, f.namespace.unwrap_or(namespace)) {
                Ok(cl) => cl,
                Err(e) => return report(Err(e), out),
            };
            let host = f.host.map(str::to_string);
            match f.rate {
                None => match traffic::send_one(c, &client, url, host.as_deref()) {
                    Ok(rec) => print_trace(&rec, out),
                    Err(e) => report(Err(e), out),
                },
                Some(r) => {
                    let started = r.parse::<u32>().map_err(|_| format!("invalid rate {r:?}: a whole number of requests per second")).and_then(|rate| {
                        traffic::start(c, client.clone(), url, host, rate, None).map(|id| format!("stream {id}: {rate} request(s)/s from {} to {url} (stop it with `kubeplay traffic stop {id}`)", client.label()))
                    });
                    report(started, out)
                }
            }
        }
    }
}

fn list(c: &Cluster, out: &mut Output) {
    let gens = &c.network.generators.running;
    if gens.is_empty() {
        out.out("No streams of requests.");
        return;
    }
    use crate::printers::table::{get_table, row};
    let mut rows = vec![row(&["ID", "FROM", "RATE", "SENT", "URL"])];
    for g in gens.values() {
        let url = match &g.host {
            Some(h) => format!("{} (Host: {h})", g.url),
            None => g.url.clone(),
        };
        rows.push(row(&[g.id.to_string(), g.client.label(), format!("{}/s", g.rate), g.sent.to_string(), url]));
    }
    out.out(get_table(&rows).trim_end_matches('\n'));
}

/// `kubeplay load SERVICE RPS [-n NAMESPACE]`: a steady stream from the console's
/// node to the Service's ClusterIP and first port; 0 stops it.
pub fn load(c: &mut Cluster, namespace: &str, words: &[&str]) -> Outcome {
    let f = parse_flags(words)?;
    let [service, rps] = f.positional.as_slice() else { return Err("load needs SERVICE and RPS".into()) };
    let service = service.strip_prefix("service/").or_else(|| service.strip_prefix("svc/")).unwrap_or(service);
    let key = ObjectKey::new(f.namespace.unwrap_or(namespace), service);
    let rate: u32 = rps.parse().map_err(|_| format!("invalid rate {rps:?}: a whole number of requests per second"))?;
    let svc = c.store.get::<Service>(&key.namespace, &key.name).ok_or_else(|| format!("services \"{service}\" not found"))?;
    let spec = svc.spec.clone().unwrap_or_default();
    let ip = spec.cluster_ip.filter(|ip| ip != "None").ok_or_else(|| format!("service {service} has no ClusterIP"))?;
    let port = spec.ports.as_ref().and_then(|ps| ps.first()).map(|p| p.port).ok_or_else(|| format!("service {service} has no ports"))?;
    let previous: Vec<u32> = c.network.generators.running.values().filter(|g| g.load_for.as_ref() == Some(&key)).map(|g| g.id).collect();
    for id in previous {
        traffic::stop(c, id);
    }
    if rate == 0 {
        return Ok(format!("load on service {service} stopped"));
    }
    let url = format!("http://{ip}:{port}/");
    traffic::start(c, Client::Node(CONSOLE_NODE.into()), &url, None, rate, Some(key))?;
    Ok(format!("sending {rate} request(s)/s to service {service} ({url})"))
}
