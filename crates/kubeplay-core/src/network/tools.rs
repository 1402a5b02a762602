//! The network tools a learner types: `curl` (curl 8.5 on the Ubuntu nodes and in
//! the images that ship it), `wget` (GNU on the nodes, BusyBox in busybox/alpine) and
//! `nslookup`. They parse their arguments, resolve the name as their host would
//! ([`super::dns`]), send through [`super::request::send`] and print what the real
//! tool prints, errors included.

use std::collections::BTreeMap;

use super::dns::{self, Resolver};
use super::request::{self, Client, Failure, Outgoing};
use super::servers::HttpResponse;
use crate::cluster::Cluster;
use crate::output::Output;

pub const CURL_AGENT: &str = "curl/8.5.0";

/// Whose userland the tool comes from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Flavour {
    /// Ubuntu's packages on the nodes, Debian's in nginx/httpd.
    Gnu,
    Busybox,
}

/// Where a tool runs.
#[derive(Clone, Debug)]
pub struct ToolEnv {
    pub client: Client,
    pub resolver: Resolver,
    pub flavour: Flavour,
    /// The client's own address.
    pub client_ip: String,
    /// What listens on the loopback interface (`kubectl proxy &`, a port-forward).
    pub loopback: Vec<super::loopback::Listener>,
    /// The files curl's command line uploads, read from the client's file system
    /// ([`super::upload::named_files`]).
    pub uploads: BTreeMap<String, String>,
}

/// A URL as curl and wget read it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Url {
    scheme: String,
    host: String,
    port: u16,
    path: String,
}

pub(crate) fn parse_url(raw: &str) -> Result<Url, String> {
    let (scheme, rest) = match raw.split_once("://") {
        Some((s, r)) => (s.to_lowercase(), r),
        None => ("http".to_string(), raw),
    };
    if scheme != "http" && scheme != "https" {
        return Err(format!("Protocol \"{scheme}\" not supported"));
    }
    let (authority, path) = match rest.find('/') {
        Some(i) => (&rest[..i], rest[i..].to_string()),
        None => (rest, "/".to_string()),
    };
    let authority = authority.rsplit('@').next().unwrap_or(authority);
    let default_port = if scheme == "https" { 443 } else { 80 };
    let (host, port) = match authority.rsplit_once(':') {
        Some((h, p)) => (h.to_string(), p.parse::<u16>().map_err(|_| "Port number was not a decimal number between 0 and 65535".to_string())?),
        None => (authority.to_string(), default_port),
    };
    if host.is_empty() {
        return Err("No host part in the URL".into());
    }
    Ok(Url { scheme, host, port, path })
}

pub(crate) fn host_header(u: &Url) -> String {
    let default = if u.scheme == "https" { 443 } else { 80 };
    if u.port == default { u.host.clone() } else { format!("{}:{}", u.host, u.port) }
}

/// What happened to one request, ready to print.
pub(crate) struct Fetched {
    ip: String,
    result: request::Delivery,
}

/// Resolves and sends; `Err(host)` when the name does not resolve.
pub(crate) fn fetch(c: &mut Cluster, env: &ToolEnv, u: &Url, method: &str, headers: Vec<(String, String)>, body: &str, resolve_override: Option<&str>) -> Result<Fetched, String> {
    let ip = match resolve_override {
        Some(ip) => ip.to_string(),
        None => match dns::resolve(c, &env.resolver, &u.host).and_then(|a| a.ips.first().cloned()) {
            Some(ip) => ip,
            None => {
                let rec = request::RequestRecord {
                    seq: 0,
                    at: c.now(),
                    client: env.client.label(),
                    url: format!("{}://{}{}", u.scheme, host_header(u), u.path),
                    hops: Vec::new(),
                    answered_by: None,
                    answered_by_uid: None,
                    status: None,
                    failure: Some(Failure::Resolve(u.host.clone())),
                };
                c.network.record(rec);
                return Err(u.host.clone());
            }
        },
    };
    let out = Outgoing {
        method: method.to_string(),
        ip: ip.clone(),
        port: u.port,
        path: u.path.clone(),
        headers,
        url: format!("{}://{}{}", u.scheme, host_header(u), u.path),
        client_ip: env.client_ip.clone(),
        body: body.to_string(),
    };
    let local = (ip == "127.0.0.1" || ip == "::1").then(|| env.loopback.iter().find(|l| l.port() == u.port)).flatten();
    if let Some(listener) = local {
        return Ok(Fetched { ip, result: listener.answer(c, &env.client, &out) });
    }
    let result = if u.scheme == "https" {
        // No simulated server speaks TLS: the handshake finds nobody.
        match request::send(c, &env.client, &out) {
            Ok(_) | Err(Failure::EmptyReply) => Err(Failure::EmptyReply),
            Err(e) => Err(e),
        }
    } else {
        request::send(c, &env.client, &out)
    };
    Ok(Fetched { ip, result })
}

/// curl's exit code and message for a request that got no answer (without
/// `--max-time`, a connection that nobody answers gives up after the kernel's SYN
/// retries).
pub fn curl_failure(failure: &Failure) -> (i32, String) {
    match failure {
        Failure::Refused { ip, port } => (7, format!("Failed to connect to {ip} port {port} after 0 ms: Couldn't connect to server")),
        Failure::Timeout { ip, port } => (28, format!("Failed to connect to {ip} port {port} after 135387 ms: Couldn't connect to server")),
        Failure::EmptyReply => (52, "Empty reply from server".to_string()),
        Failure::Resolve(h) => (6, format!("Could not resolve host: {h}")),
    }
}

/// curl's `-w` variables.
fn write_out(fmt: &str, resp: Option<&HttpResponse>, ip: &str) -> String {
    let code = resp.map(|r| format!("{:03}", r.status)).unwrap_or_else(|| "000".into());
    fmt.replace("%{http_code}", &code)
        .replace("%{response_code}", &code)
        .replace("%{remote_ip}", ip)
        .replace("%{size_download}", &resp.map(|r| r.body.len()).unwrap_or(0).to_string())
        .replace("\\n", "\n")
}

fn status_line(r: &HttpResponse) -> String {
    format!("HTTP/1.1 {} {}", r.status, r.reason)
}

/// `curl [options] URL...`
pub fn curl(c: &mut Cluster, env: &ToolEnv, args: &[String], out: &mut Output) -> i32 {
    let mut silent = false;
    let mut show_error = false;
    let mut head = false;
    let mut include = false;
    let mut verbose = false;
    let mut fail = false;
    let mut discard = false;
    let mut method: Option<String> = None;
    let mut extra: Vec<(String, String)> = Vec::new();
    let mut write_fmt: Option<String> = None;
    let mut timeout: Option<f64> = None;
    let mut resolve: Vec<String> = Vec::new();
    let mut body = super::upload::Body::default();
    let mut urls: Vec<String> = Vec::new();
    let mut i = 0;
    let value = |i: &mut usize, flag: &str, out: &mut Output| -> Option<String> {
        *i += 1;
        match args.get(*i) {
            Some(v) => Some(v.clone()),
            None => {
                out.err(&format!("curl: option {flag}: requires parameter"));
                out.err("curl: try 'curl --help' or 'curl --manual' for more information");
                None
            }
        }
    };
    while i < args.len() {
        let a = args[i].clone();
        match a.as_str() {
            "-s" | "--silent" => silent = true,
            "-S" | "--show-error" => show_error = true,
            "-I" | "--head" => head = true,
            "-i" | "--include" => include = true,
            "-v" | "--verbose" => verbose = true,
            "-f" | "--fail" => fail = true,
            "-L" | "--location" | "-k" | "--insecure" | "-4" | "-g" => {}
            "-H" | "--header" | "-o" | "--output" | "-w" | "--write-out" | "-X" | "--request" | "-m" | "--max-time" | "--connect-timeout" | "--resolve" | "-A" | "--user-agent" => {
                let Some(v) = value(&mut i, &a, out) else { return 2 };
                match a.as_str() {
                    "-H" | "--header" => {
                        if let Some((k, val)) = v.split_once(':') {
                            extra.push((k.trim().to_string(), val.trim().to_string()));
                        }
                    }
                    "-o" | "--output" => discard = true,
                    "-w" | "--write-out" => write_fmt = Some(v),
                    "-X" | "--request" => method = Some(v),
                    "--resolve" => resolve.push(v),
                    "-A" | "--user-agent" => extra.push(("User-Agent".into(), v)),
                    _ => timeout = v.parse().ok(),
                }
            }
            flag if super::upload::is_body_flag(flag) => {
                let Some(v) = value(&mut i, &a, out) else { return 2 };
                body.add(flag, &v, &env.uploads);
            }
            s if s.starts_with("--") => {
                out.err(&format!("curl: option {s}: is unknown"));
                out.err("curl: try 'curl --help' or 'curl --manual' for more information");
                return 2;
            }
            s if s.starts_with('-') && s.len() > 1 => {
                // Combined short flags: -sS, -sI, -sv.
                for ch in s[1..].chars() {
                    match ch {
                        's' => silent = true,
                        'S' => show_error = true,
                        'I' => head = true,
                        'i' => include = true,
                        'v' => verbose = true,
                        'f' => fail = true,
                        'L' | 'k' => {}
                        other => {
                            out.err(&format!("curl: option -{other}: is unknown"));
                            out.err("curl: try 'curl --help' or 'curl --manual' for more information");
                            return 2;
                        }
                    }
                }
            }
            _ => urls.push(a),
        }
        i += 1;
    }
    for w in &body.warnings {
        out.err(w);
    }
    if urls.is_empty() {
        out.err("curl: try 'curl --help' or 'curl --manual' for more information");
        return 2;
    }
    let mut code = 0;
    for raw in &urls {
        let report = |out: &mut Output, n: i32, msg: String| {
            if !silent || show_error {
                out.err(&format!("curl: ({n}) {msg}"));
            }
        };
        let u = match parse_url(raw) {
            Ok(u) => u,
            Err(msg) => {
                let n = if msg.starts_with("Protocol") { 1 } else { 3 };
                report(out, n, if n == 3 { format!("URL rejected: {msg}") } else { msg });
                code = n;
                continue;
            }
        };
        let method = method.clone().unwrap_or_else(|| match (head, body.upload, body.present()) {
            (true, _, _) => "HEAD".into(),
            (_, true, _) => "PUT".into(),
            (_, _, true) => "POST".into(),
            _ => "GET".into(),
        });
        let mut headers = vec![("Host".to_string(), host_header(&u)), ("User-Agent".to_string(), CURL_AGENT.to_string()), ("Accept".to_string(), "*/*".to_string())];
        if body.present() {
            headers.push(("Content-Length".into(), body.text().len().to_string()));
            if !body.upload {
                headers.push(("Content-Type".into(), "application/x-www-form-urlencoded".into()));
            }
        }
        for (k, v) in &extra {
            match headers.iter_mut().find(|(hk, _)| hk.eq_ignore_ascii_case(k)) {
                Some(slot) => slot.1 = v.clone(),
                None => headers.push((k.clone(), v.clone())),
            }
        }
        let override_ip = resolve.iter().find_map(|r| {
            let parts: Vec<&str> = r.splitn(3, ':').collect();
            (parts.len() == 3 && parts[0] == u.host && parts[1] == u.port.to_string()).then(|| parts[2].to_string())
        });
        let fetched = match fetch(c, env, &u, &method, headers.clone(), &body.text(), override_ip.as_deref()) {
            Ok(f) => f,
            Err(host) => {
                if verbose {
                    out.err(&format!("* Could not resolve host: {host}"));
                    out.err("* Closing connection");
                }
                report(out, 6, format!("Could not resolve host: {host}"));
                code = 6;
                continue;
            }
        };
        if verbose {
            out.err(&format!("*   Trying {}:{}...", fetched.ip, u.port));
        }
        match fetched.result {
            Ok(resp) => {
                if verbose {
                    out.err(&format!("* Connected to {} ({}) port {}", u.host, fetched.ip, u.port));
                    out.err(&format!("> {method} {} HTTP/1.1", u.path));
                    for (k, v) in &headers {
                        out.err(&format!("> {k}: {v}"));
                    }
                    out.err("> ");
                    out.err(&format!("< {}", status_line(&resp)));
                    for (k, v) in &resp.headers {
                        out.err(&format!("< {k}: {v}"));
                    }
                    out.err("< ");
                }
                if fail && resp.status >= 400 {
                    report(out, 22, format!("The requested URL returned error: {}", resp.status));
                    code = 22;
                    continue;
                }
                if !discard {
                    if head || include {
                        out.out(&status_line(&resp));
                        for (k, v) in &resp.headers {
                            out.out(&format!("{k}: {v}"));
                        }
                        out.out("");
                    }
                    if !head && !resp.body.is_empty() {
                        out.out(&resp.body);
                    }
                } else if !silent {
                    let n = resp.body.len();
                    out.err("  % Total    % Received % Xferd  Average Speed   Time    Time     Time  Current");
                    out.err("                                 Dload  Upload   Total   Spent    Left  Speed");
                    out.err(&format!("100 {n:>5}  100 {n:>5}    0     0   {:>4}k      0 --:--:-- --:--:-- --:--:-- {:>4}k", n / 2, n));
                }
                if verbose {
                    out.err(&format!("* Connection #0 to host {} left intact", u.host));
                }
                if let Some(f) = &write_fmt {
                    out.out(&write_out(f, Some(&resp), &fetched.ip));
                }
            }
            Err(failure) => {
                let (n, msg) = match (&failure, timeout) {
                    (Failure::Timeout { ip, port }, Some(t)) => (28, format!("Failed to connect to {ip} port {port} after {} ms: Timeout was reached", (t * 1000.0) as i64 + 1)),
                    _ => curl_failure(&failure),
                };
                if verbose {
                    out.err(&format!("* {msg}"));
                    out.err("* Closing connection");
                }
                if let Some(f) = &write_fmt {
                    out.out(&write_out(f, None, &fetched.ip));
                }
                report(out, n, msg);
                code = n;
            }
        }
    }
    code
}

/// `wget [-q] [-O FILE|-] URL`
pub fn wget(c: &mut Cluster, env: &ToolEnv, args: &[String], out: &mut Output) -> i32 {
    let mut quiet = false;
    let mut to_stdout = false;
    let mut spider = false;
    let mut urls = Vec::new();
    let mut extra: Vec<(String, String)> = Vec::new();
    let mut i = 0;
    while i < args.len() {
        let a = &args[i];
        match a.as_str() {
            "-q" | "--quiet" => quiet = true,
            "-qO-" | "-qO" | "-O-" => {
                quiet |= a.starts_with("-q");
                if a.ends_with('O') {
                    i += 1;
                    to_stdout = args.get(i).is_some_and(|v| v == "-");
                } else {
                    to_stdout = true;
                }
            }
            "-O" | "--output-document" => {
                i += 1;
                to_stdout = args.get(i).is_some_and(|v| v == "-");
            }
            "--spider" => spider = true,
            "-T" | "--timeout" => i += 1,
            "--header" => {
                i += 1;
                if let Some((k, v)) = args.get(i).and_then(|h| h.split_once(':')) {
                    extra.push((k.trim().to_string(), v.trim().to_string()));
                }
            }
            s if s.starts_with("--output-document=") => to_stdout = s.ends_with("=-"),
            s if s.starts_with('-') => {}
            _ => urls.push(a.clone()),
        }
        i += 1;
    }
    let busybox = env.flavour == Flavour::Busybox;
    let Some(raw) = urls.first() else {
        if busybox {
            out.err("BusyBox v1.37.0 (2024-09-26 21:31:42 UTC) multi-call binary.");
            out.err("");
            out.err("Usage: wget [-cqS] [--spider] [-O FILE] [-o LOGFILE] [--header STR]");
            out.err("\t[--post-data STR | --post-file FILE] [-Y on/off]");
            out.err("\t[-P DIR] [-U AGENT] [-T SEC] URL...");
        } else {
            out.err("wget: missing URL");
            out.err("Usage: wget [OPTION]... [URL]...");
            out.err("");
            out.err("Try `wget --help' for more options.");
        }
        return 1;
    };
    let u = match parse_url(raw) {
        Ok(u) => u,
        Err(_) => {
            out.err(&format!("{raw}: Invalid URL {raw}: Unsupported scheme"));
            return 1;
        }
    };
    let mut headers = if busybox {
        vec![("Host".to_string(), host_header(&u)), ("User-Agent".to_string(), "Wget".to_string()), ("Connection".to_string(), "close".to_string())]
    } else {
        vec![
            ("Host".to_string(), host_header(&u)),
            ("User-Agent".to_string(), "Wget/1.21.4".to_string()),
            ("Accept".to_string(), "*/*".to_string()),
            ("Accept-Encoding".to_string(), "identity".to_string()),
            ("Connection".to_string(), "Keep-Alive".to_string()),
        ]
    };
    for (k, v) in extra {
        match headers.iter_mut().find(|(hk, _)| hk.eq_ignore_ascii_case(&k)) {
            Some(slot) => slot.1 = v,
            None => headers.push((k, v)),
        }
    }
    let method = if spider { "HEAD" } else { "GET" };
    let fetched = match fetch(c, env, &u, method, headers, "", None) {
        Ok(f) => f,
        Err(host) => {
            if busybox {
                out.err(&format!("wget: bad address '{host}'"));
                return 1;
            }
            if !quiet {
                out.err(&format!("--{}--  {raw}", super::servers::http_date(c.now())));
                out.err(&format!("Resolving {host} ({host})... failed: Name or service not known."));
                out.err(&format!("wget: unable to resolve host address ‘{host}’"));
            }
            return 4;
        }
    };
    if busybox && !quiet {
        out.err(&format!("Connecting to {} ({}:{})", u.host, fetched.ip, u.port));
    }
    match fetched.result {
        Ok(resp) if resp.status < 400 => {
            if to_stdout {
                if busybox && !quiet {
                    out.err("writing to stdout");
                }
                out.out(&resp.body);
                if busybox && !quiet {
                    out.err(&format!("-                    100% |********************************| {:>5}  0:00:00 ETA", resp.body.len()));
                    out.err("written to stdout");
                }
            } else if !quiet {
                if busybox {
                    out.err("saving to 'index.html'");
                    out.err(&format!("index.html           100% |********************************| {:>5}  0:00:00 ETA", resp.body.len()));
                    out.err("'index.html' saved");
                } else {
                    out.err(&format!("HTTP request sent, awaiting response... {} {}", resp.status, resp.reason));
                    out.err("Saving to: ‘index.html’");
                }
            }
            0
        }
        Ok(resp) => {
            if busybox {
                out.err(&format!("wget: server returned error: {}", status_line(&resp)));
                1
            } else {
                if !quiet {
                    out.err(&format!("HTTP request sent, awaiting response... {} {}", resp.status, resp.reason));
                    out.err(&format!("{} ERROR {}: {}.", super::servers::http_date(c.now()), resp.status, resp.reason));
                }
                8
            }
        }
        Err(f) => {
            let (ip, port, why) = match f {
                Failure::Refused { ip, port } => (ip, port, "Connection refused"),
                Failure::Timeout { ip, port } => (ip, port, "Connection timed out"),
                _ => (fetched.ip.clone(), u.port, "Connection reset by peer"),
            };
            if busybox {
                out.err(&format!("wget: can't connect to remote host ({ip}): {why}"));
                1
            } else {
                if !quiet {
                    out.err(&format!("Connecting to {}:{port}... failed: {why}.", ip));
                }
                4
            }
        }
    }
}

/// `nslookup NAME [SERVER]`
pub fn nslookup(c: &mut Cluster, env: &ToolEnv, args: &[String], out: &mut Output) -> i32 {
    let words: Vec<&String> = args.iter().filter(|a| !a.starts_with('-')).collect();
    let Some(name) = words.first() else {
        out.err("Usage: nslookup [-type=QUERY_TYPE] [-debug] HOST [DNS_SERVER]");
        return 1;
    };
    let busybox = env.flavour == Flavour::Busybox;
    let server = words.get(1).map(|s| s.to_string());
    let (server_ip, resolver) = match (&server, &env.resolver) {
        (Some(s), _) => (s.clone(), if s == dns::CLUSTER_DNS_IP { Some(Resolver::Cluster { namespace: "default".into() }) } else { None }),
        (None, Resolver::Host) => ("127.0.0.53".to_string(), Some(Resolver::Host)),
        (None, r) => (dns::CLUSTER_DNS_IP.to_string(), Some(r.clone())),
    };
    let sep = if busybox { ":" } else { "#" };
    out.out(&format!("Server:\t\t{server_ip}"));
    out.out(&format!("Address:\t{server_ip}{sep}53"));
    out.out("");
    // An explicit server is asked for the name as given (no search path from here).
    let answer = match (&resolver, &server) {
        (Some(_), Some(_)) => dns::cluster_record(c, name),
        (Some(Resolver::Host), None) => dns::resolve(c, &Resolver::Host, name).filter(|_| !name.contains('.') || name.parse::<std::net::Ipv4Addr>().is_ok()),
        (Some(r), None) => dns::resolve(c, r, name),
        (None, _) => None,
    };
    match answer {
        Some(a) if !a.ips.is_empty() || a.cname.is_some() => {
            if let Some(cn) = &a.cname {
                out.out(&format!("{}\tcanonical name = {cn}.", a.fqdn));
            }
            for ip in &a.ips {
                out.out(&format!("Name:\t{}", a.fqdn));
                out.out(&format!("Address: {ip}"));
            }
            out.out("");
            0
        }
        _ => {
            let shown = match (&env.resolver, &server) {
                (Resolver::Cluster { namespace }, None) if !name.contains('.') => format!("{name}.{namespace}.svc.{}", dns::CLUSTER_DOMAIN),
                _ => name.to_string(),
            };
            out.out(&format!("** server can't find {shown}: NXDOMAIN"));
            out.out("");
            1
        }
    }
}

/// The console's host: the control-plane node.
pub const CONSOLE_NODE: &str = "controlplane";

/// Where the console's tools run: the control-plane node, its own resolver.
fn node_env(c: &Cluster) -> ToolEnv {
    let client_ip = c
        .store
        .get::<k8s_openapi::api::core::v1::Node>("", CONSOLE_NODE)
        .and_then(crate::controllers::kubelet::node_internal_ip)
        .unwrap_or_default();
    ToolEnv { client: Client::Node(CONSOLE_NODE.into()), resolver: Resolver::Host, flavour: Flavour::Gnu, client_ip, loopback: Vec::new(), uploads: BTreeMap::new() }
}

/// The files the command line uploads (curl's `-d @FILE`, `-T FILE`), from the
/// process's file system.
pub fn uploads(p: &crate::shell::commands::Process, args: &[String]) -> BTreeMap<String, String> {
    super::upload::named_files(args).into_iter().filter_map(|f| p.fs().read(&p.path(&f)).ok().map(|t| (f, t.to_string()))).collect()
}

/// Runs a tool in the console's shell and hands its output to the process.
fn on_node(p: &mut crate::shell::commands::Process, args: &[String], tool: fn(&mut Cluster, &ToolEnv, &[String], &mut Output) -> i32) -> i32 {
    let mut env = node_env(&p.shell.cluster);
    env.loopback = p.shell.jobs().listeners();
    env.uploads = uploads(p, args);
    let mut out = Output::default();
    let code = tool(&mut p.shell.cluster, &env, args, &mut out);
    p.print_output(&out);
    code
}

pub fn curl_on_node(p: &mut crate::shell::commands::Process, args: &[String]) -> i32 {
    on_node(p, args, curl)
}

pub fn wget_on_node(p: &mut crate::shell::commands::Process, args: &[String]) -> i32 {
    on_node(p, args, wget)
}

pub fn nslookup_on_node(p: &mut crate::shell::commands::Process, args: &[String]) -> i32 {
    on_node(p, args, nslookup)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls() {
        let u = parse_url("http://10.96.0.1:8080/x?y").unwrap();
        assert_eq!((u.host.as_str(), u.port, u.path.as_str()), ("10.96.0.1", 8080, "/x?y"));
        let u = parse_url("web").unwrap();
        assert_eq!((u.host.as_str(), u.port, u.path.as_str()), ("web", 80, "/"));
        assert!(parse_url("ftp://x").is_err());
        assert_eq!(host_header(&parse_url("http://a:80/").unwrap()), "a");
    }
}
