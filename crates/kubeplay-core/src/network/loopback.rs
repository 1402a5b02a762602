//! The node's loopback listeners: what a running `kubectl proxy` or `kubectl
//! port-forward` (in the background, `&`) opened on `127.0.0.1`. `curl
//! localhost:8001/…` from the console reaches the API server through the proxy;
//! `curl localhost:8080` reaches the forwarded pod's port, as the page's preview of
//! a forwarded port does. Nothing listens there otherwise (connection refused).

use super::request::{self, Client, Delivery, Outgoing};
use crate::api::ObjectKey;
use crate::cluster::Cluster;

/// One listening socket on the node's loopback interface.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Listener {
    /// `kubectl proxy`.
    ApiProxy(crate::kubectl::proxy::ApiProxy),
    /// `kubectl port-forward`: `local` → the pod's `remote` port.
    Forward { local: u16, pod: ObjectKey, remote: u16 },
}

impl Listener {
    pub fn port(&self) -> u16 {
        match self {
            Listener::ApiProxy(p) => p.port,
            Listener::Forward { local, .. } => *local,
        }
    }

    /// Answers a request that reached this listener.
    pub fn answer(&self, c: &mut Cluster, client: &Client, req: &Outgoing) -> Delivery {
        match self {
            Listener::ApiProxy(p) => Ok(p.answer(c, req)),
            Listener::Forward { pod, remote, .. } => forward(c, client, req, pod, *remote),
        }
    }
}

/// A request through a port-forward: kubectl's stream to the kubelet, which
/// connects to the port inside the pod's network namespace.
pub fn forward(c: &mut Cluster, client: &Client, req: &Outgoing, pod: &ObjectKey, remote: u16) -> Delivery {
    let ip = c
        .store
        .get::<k8s_openapi::api::core::v1::Pod>(&pod.namespace, &pod.name)
        .and_then(|p| p.status.as_ref()?.pod_ip.clone())
        .unwrap_or_default();
    let inner = Outgoing { ip, port: remote, ..req.clone() };
    request::send(c, client, &inner)
}

/// What the page's preview of a forwarded port shows: one GET of `/` as a browser
/// on the learner's machine sends it to `http://localhost:PORT/`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Preview {
    pub url: String,
    /// `200 OK`, or why nothing answered (curl's words).
    pub status: String,
    /// The body is HTML (drawn in a sandboxed frame) rather than text.
    pub html: bool,
    pub body: String,
}

/// Sends the preview's request through `listener`. It is a real request of the
/// model: the pod serves (and logs) it, and the port-forward prints `Handling
/// connection for PORT`.
pub fn preview(c: &mut Cluster, listener: &Listener) -> Preview {
    let port = listener.port();
    let url = format!("http://localhost:{port}/");
    let client = Client::Node(crate::network::tools::CONSOLE_NODE.into());
    let req = Outgoing {
        method: "GET".into(),
        ip: "127.0.0.1".into(),
        port,
        path: "/".into(),
        headers: vec![
            ("Host".into(), format!("localhost:{port}")),
            ("User-Agent".into(), "Mozilla/5.0 (kubeplay preview)".into()),
            ("Accept".into(), "text/html,*/*".into()),
        ],
        url: url.clone(),
        client_ip: "127.0.0.1".into(),
        body: String::new(),
    };
    match listener.answer(c, &client, &req) {
        Ok(resp) => {
            let html = resp.headers.iter().any(|(k, v)| k.eq_ignore_ascii_case("Content-Type") && v.starts_with("text/html"));
            Preview { url, status: format!("{} {}", resp.status, resp.reason), html, body: resp.body }
        }
        Err(failure) => Preview { url, status: super::tools::curl_failure(&failure).1, html: false, body: String::new() },
    }
}
