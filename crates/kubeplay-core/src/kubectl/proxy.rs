//! `kubectl proxy` (kubectl/pkg/cmd/proxy): serves the API server on
//! `127.0.0.1:8001` until Ctrl+C; run with `&` it stays in the background and
//! `curl localhost:8001/...` on the node reaches it. What it answers is the API
//! server's REST interface over the store ([`serve`]): discovery roots, `/version`,
//! health checks, lists (`PodList` with the list's resourceVersion, items without
//! kind/apiVersion), single objects, `Status` objects for what is missing, the
//! write verbs ([`super::api_writes`]: POST, PUT, PATCH, DELETE), and the
//! pod/service proxy (`…/pods/NAME:PORT/proxy/PATH`) the "Explore your app"
//! tutorial uses. JSON is pretty-printed for curl, wget and browsers
//! (`isPrettyPrint`), compact otherwise; keys in the Go structs' order
//! ([`crate::printers::go_json`]), as the API server's encoder writes them.

use serde_json::{json, Value};

use super::flags::{self, flag, FlagDef, FlagKind};
use super::api_writes::{self, Target};
use super::resources::{self, Want};
use super::{usage_error, Outcome};
use crate::cluster::Cluster;
use crate::foreground::Foreground;
use crate::network::request::{self, Client, Outgoing};
use crate::network::tools::CONSOLE_NODE;
use crate::network::servers::HttpResponse;
use crate::output::Output;
use crate::printers::go_json::{type_of, typed_json};

const FLAGS: &[FlagDef] = &[
    flag("port", Some('p'), FlagKind::Value),
    flag("address", None, FlagKind::Value),
    flag("api-prefix", None, FlagKind::Value),
    flag("accept-hosts", None, FlagKind::Value),
    flag("accept-paths", None, FlagKind::Value),
    flag("reject-paths", None, FlagKind::Value),
    flag("reject-methods", None, FlagKind::Value),
    flag("www", Some('w'), FlagKind::Value),
    flag("www-prefix", Some('P'), FlagKind::Value),
    flag("unix-socket", Some('u'), FlagKind::Value),
    flag("disable-filter", None, FlagKind::Bool),
    flag("keepalive", None, FlagKind::Value),
    flag("append-server-path", None, FlagKind::Bool),
];

/// A running `kubectl proxy`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ApiProxy {
    pub address: String,
    pub port: u16,
    /// `--api-prefix` (default `/`), always ending in `/`.
    pub prefix: String,
}

pub fn run(_c: &mut Cluster, args: &[String], io: &super::Io, out: &mut Output) -> Outcome {
    let p = match flags::parse(args, FLAGS, io.kubeconfig) {
        Ok(p) => p,
        Err(e) => return Outcome::code(usage_error("proxy", e.message(), out)),
    };
    let port = match p.value("port").map(str::parse::<u16>) {
        None => 8001,
        Some(Ok(n)) => n,
        Some(Err(_)) => {
            out.err(&format!("error: invalid argument \"{}\" for \"-p, --port\" flag: strconv.ParseInt: parsing \"{}\": invalid syntax", p.value("port").unwrap_or(""), p.value("port").unwrap_or("")));
            return Outcome::code(1);
        }
    };
    // `--port=0`: the kernel's free port, fixed here so sessions stay reproducible.
    let port = if port == 0 { 37_011 } else { port };
    let address = p.value("address").unwrap_or("127.0.0.1").to_string();
    let mut prefix = p.value("api-prefix").unwrap_or("/").to_string();
    if !prefix.ends_with('/') {
        prefix.push('/');
    }
    out.out(&format!("Starting to serve on {address}:{port}"));
    Outcome { exit_code: 0, foreground: Some(Foreground::Proxy(ApiProxy { address, port, prefix })) }
}

impl ApiProxy {
    /// Whether it listens on `ip:port` (as seen from the node).
    pub fn listens_on(&self, port: u16) -> bool {
        self.port == port
    }

    /// The API server's answer to a request the proxy passed on.
    pub fn answer(&self, c: &mut Cluster, req: &Outgoing) -> HttpResponse {
        let (path, query) = req.path.split_once('?').unwrap_or((&req.path, ""));
        let Some(rest) = path.strip_prefix(self.prefix.trim_end_matches('/')) else {
            return text(404, "404 page not found\n");
        };
        let path = if rest.is_empty() { "/" } else { rest };
        let agent = req.headers.iter().find(|(k, _)| k.eq_ignore_ascii_case("User-Agent")).map_or("", |(_, v)| v.as_str());
        let pretty = match query.split('&').find_map(|kv| kv.strip_prefix("pretty=")) {
            Some(v) => matches!(v, "1" | "t" | "T" | "true" | "TRUE" | "True"),
            None => ["curl", "Wget", "Mozilla/5.0"].iter().any(|p| agent.starts_with(p)),
        };
        serve(c, path, pretty, req)
    }
}

fn text(code: u16, body: &str) -> HttpResponse {
    HttpResponse { status: code, reason: reason_phrase(code), headers: vec![("Content-Type".into(), "text/plain; charset=utf-8".into())], body: body.to_string() }
}

fn reason_phrase(code: u16) -> &'static str {
    match code {
        200 => "OK",
        400 => "Bad Request",
        404 => "Not Found",
        405 => "Method Not Allowed",
        503 => "Service Unavailable",
        _ => "Internal Server Error",
    }
}

/// `v` as the API server's encoder writes a value of Go type `ty`: compact, or
/// indented by two spaces for a pretty-printing client (`json.Indent`).
pub(super) fn json_response(code: u16, v: &Value, ty: Option<&str>, pretty: bool) -> HttpResponse {
    let mut text = typed_json(v, ty, pretty.then_some("  "));
    text.push('\n');
    HttpResponse { status: code, reason: reason_phrase(code), headers: vec![("Content-Type".into(), "application/json".into())], body: text }
}

/// A `metav1.Status` failure, as the API server writes errors; `details` is
/// omitted when the error has none (`omitempty` on a pointer: `NewBadRequest`,
/// `NewServiceUnavailable`), and is `{}` when it is set but empty.
pub(super) fn status(code: u16, reason: &str, message: &str, details: Option<Value>, pretty: bool) -> HttpResponse {
    let mut v = json!({"kind": "Status", "apiVersion": "v1", "metadata": {}, "status": "Failure", "message": message, "reason": reason, "code": code});
    if let (Some(d), Value::Object(m)) = (details, &mut v) {
        m.insert("details".into(), d);
    }
    json_response(code, &v, Some("meta.Status"), pretty)
}

fn no_such_path(pretty: bool) -> HttpResponse {
    status(404, "NotFound", "the server could not find the requested resource", Some(json!({})), pretty)
}

/// The API server's answer for `path` (after the proxy's prefix).
fn serve(c: &mut Cluster, path: &str, pretty: bool, req: &Outgoing) -> HttpResponse {
    let segs: Vec<&str> = path.split('/').filter(|s| !s.is_empty()).collect();
    match segs.as_slice() {
        ["api", "v1", rest @ ..] => resource(c, "", "v1", rest, pretty, req, path.ends_with('/')),
        ["apis", group, version, rest @ ..] => resource(c, group, version, rest, pretty, req, path.ends_with('/')),
        // Discovery and the other non-resource paths only read.
        _ if !reads(req) => method_not_allowed(pretty),
        [] => root_paths(pretty),
        ["version"] => {
            let info: serde_json::Map<String, Value> = super::server_version_fields().into_iter().map(|(k, v)| (k.to_string(), json!(v))).collect();
            json_response(200, &Value::Object(info), Some("version.Info"), pretty)
        }
        ["healthz"] | ["livez"] | ["readyz"] => text(200, "ok"),
        ["api"] => {
            let address = format!("{}:6443", control_plane_ip(c));
            let body = json!({"kind": "APIVersions", "versions": ["v1"], "serverAddressByClientCIDRs": [{"clientCIDR": "0.0.0.0/0", "serverAddress": address}]});
            json_response(200, &body, Some("meta.APIVersions"), pretty)
        }
        ["apis"] => json_response(200, &group_list(), Some("meta.APIGroupList"), pretty),
        _ => no_such_path(pretty),
    }
}

fn reads(req: &Outgoing) -> bool {
    matches!(req.method.as_str(), "GET" | "HEAD")
}

fn method_not_allowed(pretty: bool) -> HttpResponse {
    status(405, "MethodNotAllowed", "the server does not allow this method on the requested resource", Some(json!({})), pretty)
}

fn control_plane_ip(c: &Cluster) -> String {
    c.store.get::<k8s_openapi::api::core::v1::Node>("", CONSOLE_NODE).and_then(crate::controllers::kubelet::node_internal_ip).unwrap_or_default()
}

/// The served groups: `group/version` of every resource type.
fn group_versions() -> Vec<(&'static str, &'static str)> {
    let mut gv: Vec<(&str, &str)> = resources::RESOURCE_TYPES.iter().map(|rt| (rt.group, rt.version)).collect();
    crate::sorting::sort(&mut gv);
    gv.dedup();
    gv
}

fn root_paths(pretty: bool) -> HttpResponse {
    let mut paths: Vec<String> = vec!["/api".into(), "/api/v1".into(), "/apis".into(), "/apis/".into()];
    for (g, v) in group_versions().into_iter().filter(|(g, _)| !g.is_empty()) {
        paths.push(format!("/apis/{g}"));
        paths.push(format!("/apis/{g}/{v}"));
    }
    paths.extend(["/healthz", "/livez", "/metrics", "/openapi/v2", "/openapi/v3", "/openapi/v3/", "/readyz", "/version"].map(String::from));
    crate::sorting::sort(&mut paths);
    paths.dedup();
    json_response(200, &json!({"paths": paths}), Some("meta.RootPaths"), pretty)
}

fn group_list() -> Value {
    let groups: Vec<Value> = group_versions()
        .into_iter()
        .filter(|(g, _)| !g.is_empty())
        .map(|(g, v)| {
            let gv = json!({"groupVersion": format!("{g}/{v}"), "version": v});
            json!({"name": g, "versions": [gv.clone()], "preferredVersion": gv})
        })
        .collect();
    json!({"kind": "APIGroupList", "apiVersion": "v1", "groups": groups})
}

/// `…/[namespaces/NS/]PLURAL[/NAME[/proxy/…]]` of one group/version.
fn resource(c: &mut Cluster, group: &str, version: &str, rest: &[&str], pretty: bool, req: &Outgoing, trailing_slash: bool) -> HttpResponse {
    let (ns, rest) = match rest {
        ["namespaces", ns, more @ ..] if !more.is_empty() && group.is_empty() => (Some(*ns), more),
        ["namespaces", ns, more @ ..] if !more.is_empty() => (Some(*ns), more),
        _ => (None, rest),
    };
    let Some((plural, rest)) = rest.split_first() else { return no_such_path(pretty) };
    let Some(rt) = resources::RESOURCE_TYPES.iter().find(|rt| rt.plural == *plural && rt.group == group && rt.version == version) else {
        return no_such_path(pretty);
    };
    if ns.is_some() && !rt.namespaced {
        return no_such_path(pretty);
    }
    let not_found = |name: &str| {
        let mut details = json!({"name": name, "kind": rt.plural});
        if !group.is_empty() {
            details["group"] = json!(group);
        }
        status(404, "NotFound", &format!("{} \"{name}\" not found", rt.qualified()), Some(details), pretty)
    };
    let target = Target { rt, namespace: ns.unwrap_or(""), pretty };
    let writable = ns.is_some() || !rt.namespaced;
    match rest {
        [] if req.method == "POST" && writable => api_writes::create(c, &target, req),
        [name] if req.method == "PUT" && writable => api_writes::update(c, &target, name, req),
        [name] if req.method == "PATCH" && writable => api_writes::patch(c, &target, name, req),
        [name] if req.method == "DELETE" && writable => api_writes::delete(c, &target, name, req),
        [] | [_] if !reads(req) => method_not_allowed(pretty),
        [] => {
            // A list's items carry no kind/apiVersion of their own.
            let items: Vec<Value> = (rt.list)(c, if rt.namespaced { ns } else { None }, Want::CellsAndJson)
                .into_iter()
                .filter_map(|i| i.json)
                .map(|mut v| {
                    if let Value::Object(m) = &mut v {
                        m.remove("kind");
                        m.remove("apiVersion");
                    }
                    v
                })
                .collect();
            let body = json!({"kind": format!("{}List", rt.kind), "apiVersion": rt.api_version(), "metadata": {"resourceVersion": c.store.revision().to_string()}, "items": items});
            json_response(200, &body, type_of(&body), pretty)
        }
        [name] => match (rt.get)(c, ns.unwrap_or(""), name, Want::CellsAndJson) {
            Ok(item) => {
                let v = item.json.unwrap_or(Value::Null);
                json_response(200, &v, type_of(&v), pretty)
            }
            Err(_) => not_found(name),
        },
        [target, "proxy", tail @ ..] if matches!(rt.plural, "pods" | "services") => {
            let (name, port) = target.split_once(':').unwrap_or((target, ""));
            if (rt.get)(c, ns.unwrap_or(""), name, Want::Cells).is_err() {
                return not_found(name);
            }
            let mut path = format!("/{}", tail.join("/"));
            if trailing_slash && !tail.is_empty() {
                path.push('/');
            }
            proxy_to(c, rt.plural, ns.unwrap_or("default"), name, port, &path, req, pretty)
        }
        _ => no_such_path(pretty),
    }
}

/// `…/pods/NAME[:PORT]/proxy/PATH`, `…/services/NAME[:PORT]/proxy/PATH`: the API
/// server connects to the pod (or the Service) and hands the answer back.
#[allow(clippy::too_many_arguments)]
fn proxy_to(c: &mut Cluster, plural: &str, ns: &str, name: &str, port: &str, path: &str, req: &Outgoing, pretty: bool) -> HttpResponse {
    let (ip, port) = if plural == "pods" {
        let ip = c.store.get::<k8s_openapi::api::core::v1::Pod>(ns, name).and_then(|p| p.status.as_ref()?.pod_ip.clone()).unwrap_or_default();
        // pod.ResourceLocation: no (global unicast) IP yet is a BadRequest.
        if ip.parse::<std::net::Ipv4Addr>().is_err() {
            return status(400, "BadRequest", "address not allowed", None, pretty);
        }
        (ip, port.parse::<u16>().unwrap_or(80))
    } else {
        let svc = c.store.get::<k8s_openapi::api::core::v1::Service>(ns, name);
        let ip = svc.and_then(|s| s.spec.as_ref()?.cluster_ip.clone()).unwrap_or_default();
        let first = svc.and_then(|s| s.spec.as_ref()?.ports.as_ref()?.first().map(|p| p.port as u16)).unwrap_or(80);
        (ip, port.parse::<u16>().unwrap_or(first))
    };
    let inner = Outgoing { ip: ip.clone(), port, path: path.to_string(), ..req.clone() };
    match request::send(c, &Client::Node(CONSOLE_NODE.into()), &inner) {
        Ok(resp) => resp,
        Err(_) => status(
            503,
            "ServiceUnavailable",
            &format!("error trying to reach service: dial tcp {ip}:{port}: connect: connection refused"),
            None,
            pretty,
        ),
    }
}
