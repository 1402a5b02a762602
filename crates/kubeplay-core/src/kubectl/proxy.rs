//! `kubectl proxy` (kubectl/pkg/cmd/proxy): serves the API server on
//! `127.0.0.1:8001` until Ctrl+C; run with `&` it stays in the background and
//! `curl localhost:8001/...` on the node reaches it. What it answers is the API
//! server's REST interface over the store ([`serve`]): discovery roots, `/version`,
//! health checks, lists (`PodList` with the list's resourceVersion, items without
//! kind/apiVersion), single objects, `Status` objects for what is missing, and the
//! pod/service proxy (`…/pods/NAME:PORT/proxy/PATH`) the "Explore your app"
//! tutorial uses. JSON is pretty-printed for curl, wget and browsers
//! (`isPrettyPrint`), compact otherwise.

use serde_json::{json, Value};

use super::flags::{self, flag, FlagDef, FlagKind};
use super::resources::{self, Want};
use super::{usage_error, Outcome};
use crate::cluster::Cluster;
use crate::foreground::Foreground;
use crate::network::request::{self, Client, Outgoing};
use crate::network::tools::CONSOLE_NODE;
use crate::network::servers::HttpResponse;
use crate::output::Output;
use crate::printers::go_format;

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
        if req.method != "GET" && req.method != "HEAD" {
            return status(405, "MethodNotAllowed", "the server does not allow this method on the requested resource", Some(J::Obj(Vec::new())), pretty);
        }
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

/// JSON with the key order Go gives it: structs write their fields in declaration
/// order (the store's values sort their keys, so the order is given here for the
/// levels a reader sees first: the object, its metadata, Status and List).
enum J {
    Raw(Value),
    Obj(Vec<(String, J)>),
    Arr(Vec<J>),
}

fn obj(fields: Vec<(&str, J)>) -> J {
    J::Obj(fields.into_iter().map(|(k, v)| (k.to_string(), v)).collect())
}

fn raw(v: Value) -> J {
    J::Raw(v)
}

impl J {
    /// `encoding/json` (HTML-escaped, as the API server's encoder), then
    /// `json.Indent(…, "", "  ")` when pretty.
    fn write(&self, pretty: bool, depth: usize, out: &mut String) {
        match self {
            J::Raw(v) if pretty => out.push_str(&go_format::marshal_indent(v, "  ").replace('\n', &format!("\n{}", "  ".repeat(depth)))),
            J::Raw(v) => out.push_str(&go_format::marshal(v)),
            J::Obj(fields) if fields.is_empty() => out.push_str("{}"),
            J::Arr(items) if items.is_empty() => out.push_str("[]"),
            J::Arr(items) => {
                out.push('[');
                for (i, item) in items.iter().enumerate() {
                    if i > 0 {
                        out.push(',');
                    }
                    if pretty {
                        out.push('\n');
                        out.push_str(&"  ".repeat(depth + 1));
                    }
                    item.write(pretty, depth + 1, out);
                }
                if pretty {
                    out.push('\n');
                    out.push_str(&"  ".repeat(depth));
                }
                out.push(']');
            }
            J::Obj(fields) => {
                out.push('{');
                for (i, (k, v)) in fields.iter().enumerate() {
                    if i > 0 {
                        out.push(',');
                    }
                    if pretty {
                        out.push('\n');
                        out.push_str(&"  ".repeat(depth + 1));
                    }
                    out.push_str(&go_format::json_string(k));
                    out.push_str(if pretty { ": " } else { ":" });
                    v.write(pretty, depth + 1, out);
                }
                if pretty {
                    out.push('\n');
                    out.push_str(&"  ".repeat(depth));
                }
                out.push('}');
            }
        }
    }
}

fn json_response(code: u16, body: J, pretty: bool) -> HttpResponse {
    let mut text = String::new();
    body.write(pretty, 0, &mut text);
    text.push('\n');
    HttpResponse { status: code, reason: reason_phrase(code), headers: vec![("Content-Type".into(), "application/json".into())], body: text }
}

/// A `metav1.Status` failure, as the API server writes errors; `details` is
/// omitted when the error has none (`omitempty` on a pointer: `NewBadRequest`,
/// `NewServiceUnavailable`), and is `{}` when it is set but empty.
fn status(code: u16, reason: &str, message: &str, details: Option<J>, pretty: bool) -> HttpResponse {
    let mut fields = vec![
        ("kind", raw(json!("Status"))),
        ("apiVersion", raw(json!("v1"))),
        ("metadata", J::Obj(Vec::new())),
        ("status", raw(json!("Failure"))),
        ("message", raw(json!(message))),
        ("reason", raw(json!(reason))),
    ];
    if let Some(d) = details {
        fields.push(("details", d));
    }
    fields.push(("code", raw(json!(code))));
    json_response(code, obj(fields), pretty)
}

fn no_such_path(pretty: bool) -> HttpResponse {
    status(404, "NotFound", "the server could not find the requested resource", Some(J::Obj(Vec::new())), pretty)
}

/// An object's keys in Go's order: the type's, then its metadata's; below, sorted.
fn object(v: Value, with_type: bool) -> J {
    const TOP: &[&str] = &["kind", "apiVersion", "metadata", "spec", "status"];
    const META: &[&str] = &[
        "name", "generateName", "namespace", "selfLink", "uid", "resourceVersion", "generation", "creationTimestamp",
        "deletionTimestamp", "deletionGracePeriodSeconds", "labels", "annotations", "ownerReferences", "finalizers", "managedFields",
    ];
    let Value::Object(mut map) = v else { return J::Raw(v) };
    if !with_type {
        map.remove("kind");
        map.remove("apiVersion");
    }
    let mut fields = Vec::new();
    for k in TOP {
        if let Some(v) = map.remove(*k) {
            let v = match (*k, v) {
                ("metadata", Value::Object(mut meta)) => {
                    let mut m: Vec<(String, J)> = META.iter().filter_map(|k| meta.remove(*k).map(|v| (k.to_string(), J::Raw(v)))).collect();
                    m.extend(meta.into_iter().map(|(k, v)| (k, J::Raw(v))));
                    J::Obj(m)
                }
                (_, v) => J::Raw(v),
            };
            fields.push((k.to_string(), v));
        }
    }
    fields.extend(map.into_iter().map(|(k, v)| (k, J::Raw(v))));
    J::Obj(fields)
}

/// The API server's answer for `path` (after the proxy's prefix).
fn serve(c: &mut Cluster, path: &str, pretty: bool, req: &Outgoing) -> HttpResponse {
    let segs: Vec<&str> = path.split('/').filter(|s| !s.is_empty()).collect();
    match segs.as_slice() {
        [] => root_paths(pretty),
        ["version"] => {
            let fields = super::server_version_fields().into_iter().map(|(k, v)| (k, raw(json!(v)))).collect();
            json_response(200, obj(fields), pretty)
        }
        ["healthz"] | ["livez"] | ["readyz"] => text(200, "ok"),
        ["api"] => {
            let address = format!("{}:6443", control_plane_ip(c));
            let body = obj(vec![
                ("kind", raw(json!("APIVersions"))),
                ("versions", raw(json!(["v1"]))),
                ("serverAddressByClientCIDRs", raw(json!([{"clientCIDR": "0.0.0.0/0", "serverAddress": address}]))),
            ]);
            json_response(200, body, pretty)
        }
        ["apis"] => json_response(200, group_list(), pretty),
        ["api", "v1", rest @ ..] => resource(c, "", "v1", rest, pretty, req, path.ends_with('/')),
        ["apis", group, version, rest @ ..] => resource(c, group, version, rest, pretty, req, path.ends_with('/')),
        _ => no_such_path(pretty),
    }
}

fn control_plane_ip(c: &Cluster) -> String {
    c.store.get::<k8s_openapi::api::core::v1::Node>("", CONSOLE_NODE).and_then(crate::controllers::kubelet::node_internal_ip).unwrap_or_default()
}

/// The served groups: `group/version` of every resource type.
fn group_versions() -> Vec<(&'static str, &'static str)> {
    let mut gv: Vec<(&str, &str)> = resources::RESOURCE_TYPES.iter().map(|rt| (rt.group, rt.version)).collect();
    gv.sort();
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
    paths.sort();
    paths.dedup();
    json_response(200, obj(vec![("paths", raw(json!(paths)))]), pretty)
}

fn group_list() -> J {
    let groups = group_versions()
        .into_iter()
        .filter(|(g, _)| !g.is_empty())
        .map(|(g, v)| {
            let gv = || obj(vec![("groupVersion", raw(json!(format!("{g}/{v}")))), ("version", raw(json!(v)))]);
            obj(vec![("name", raw(json!(g))), ("versions", J::Arr(vec![gv()])), ("preferredVersion", gv())])
        })
        .collect();
    obj(vec![("kind", raw(json!("APIGroupList"))), ("apiVersion", raw(json!("v1"))), ("groups", J::Arr(groups))])
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
        let mut details = vec![("name", raw(json!(name)))];
        if !group.is_empty() {
            details.push(("group", raw(json!(group))));
        }
        details.push(("kind", raw(json!(rt.plural))));
        status(404, "NotFound", &format!("{} \"{name}\" not found", rt.qualified()), Some(obj(details)), pretty)
    };
    match rest {
        [] => {
            let items = (rt.list)(c, if rt.namespaced { ns } else { None }, Want::CellsAndJson).into_iter().filter_map(|i| i.json).map(|v| object(v, false)).collect();
            let body = obj(vec![
                ("kind", raw(json!(format!("{}List", rt.kind)))),
                ("apiVersion", raw(json!(rt.api_version()))),
                ("metadata", obj(vec![("resourceVersion", raw(json!(c.store.revision().to_string())))])),
                ("items", J::Arr(items)),
            ]);
            json_response(200, body, pretty)
        }
        [name] => match (rt.get)(c, ns.unwrap_or(""), name, Want::CellsAndJson) {
            Ok(item) => json_response(200, object(item.json.unwrap_or(Value::Null), true), pretty),
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
