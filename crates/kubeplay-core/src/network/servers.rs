//! What the programs inside the catalogue's images do: the HTTP answer each server
//! gives (nginx's welcome page, httpd's "It works!", whoami's hostname and headers,
//! the bootcamp app's greeting), the access-log line it writes per request, and
//! the lines it prints when it starts — which is what `kubectl logs` shows.

use k8s_openapi::jiff::Timestamp;

use crate::images::ImageRef;
use crate::time::SimTime;

/// A request as a server receives it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct HttpRequest {
    pub method: String,
    pub path: String,
    /// Headers in the order the client sent them (`Host` first).
    pub headers: Vec<(String, String)>,
    /// The peer address the server sees (`ip:port`).
    pub remote: String,
}

impl HttpRequest {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.iter().find(|(k, _)| k.eq_ignore_ascii_case(name)).map(|(_, v)| v.as_str())
    }

    fn remote_ip(&self) -> &str {
        self.remote.rsplit_once(':').map(|(ip, _)| ip).unwrap_or(&self.remote)
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct HttpResponse {
    pub status: u16,
    pub reason: &'static str,
    pub headers: Vec<(String, String)>,
    pub body: String,
}

/// The server programs the catalogue knows.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Server {
    Nginx { version: &'static str, alpine: bool },
    Httpd,
    /// `subicura/whoami`: Sinatra answering with the host name.
    SinatraWhoami,
    /// `traefik/whoami`: echoes host, addresses and the request.
    TraefikWhoami,
    Bootcamp { v: u8 },
    /// `agnhost liveness`: `/healthz` answers 200 for the first 10 seconds after the
    /// server started, then 500 (the docs' `liveness-http` example).
    AgnhostLiveness,
    /// goproxy (elazarl/goproxy): an HTTP proxy refusing requests that are not for
    /// another host.
    GoProxy,
    /// Listens, but does not speak HTTP (redis, CoreDNS over TCP).
    NotHttp,
}

/// The server an image runs and the port it listens on.
pub fn server_of(image: &str) -> Option<(Server, u16)> {
    let r = ImageRef::parse(image);
    let repo = r.resolve()?;
    let port = repo.port?;
    let server = match repo.repository {
        "nginx" => Server::Nginx { version: nginx_version(&r.tag), alpine: r.tag.contains("alpine") },
        "httpd" => Server::Httpd,
        "subicura/whoami" => Server::SinatraWhoami,
        "traefik/whoami" => Server::TraefikWhoami,
        "gcr.io/google-samples/kubernetes-bootcamp" => Server::Bootcamp { v: 1 },
        "jocatalin/kubernetes-bootcamp" => Server::Bootcamp { v: if r.tag == "v2" { 2 } else { 1 } },
        "registry.k8s.io/goproxy" => Server::GoProxy,
        _ => Server::NotHttp,
    };
    Some((server, port))
}

/// The server a container runs and its port: the image's own when the pod gives no
/// command, or what a multi-purpose image's subcommand starts (`agnhost liveness`
/// listens on 8080). A command or arguments of the user's own replace the server.
pub fn server_of_container(ctr: &k8s_openapi::api::core::v1::Container) -> Option<(Server, u16)> {
    if ctr.command.as_ref().is_some_and(|c| !c.is_empty()) {
        return None;
    }
    let image = ctr.image.as_deref().unwrap_or_default();
    let r = ImageRef::parse(image);
    if r.resolve().is_some_and(|repo| repo.repository == "registry.k8s.io/e2e-test-images/agnhost") {
        let sub = ctr.args.as_ref().and_then(|a| a.first()).map(String::as_str);
        return (sub == Some("liveness")).then_some((Server::AgnhostLiveness, 8080));
    }
    if ctr.args.as_ref().is_some_and(|a| !a.is_empty()) {
        return None;
    }
    server_of(image)
}

/// The nginx release behind each tag of the catalogue.
fn nginx_version(tag: &str) -> &'static str {
    match tag.trim_end_matches("-alpine") {
        "1.25" => "1.25.5",
        "1.26" => "1.26.3",
        "1.27" => "1.27.5",
        "1.28" | "stable" => "1.28.0",
        "1.14.2" => "1.14.2",
        "1.16.1" => "1.16.1",
        "1.7.9" => "1.7.9",
        _ => "1.29.3",
    }
}

pub const NGINX_WELCOME: &str = "<!DOCTYPE html>
<html>
<head>
<title>Welcome to nginx!</title>
<style>
html { color-scheme: light dark; }
body { width: 35em; margin: 0 auto;
font-family: Tahoma, Verdana, Arial, sans-serif; }
</style>
</head>
<body>
<h1>Welcome to nginx!</h1>
<p>If you see this page, the nginx web server is successfully installed and
working. Further configuration is required.</p>

<p>For online documentation and support please refer to
<a href=\"http://nginx.org/\">nginx.org</a>.<br/>
Commercial support is available at
<a href=\"http://nginx.com/\">nginx.com</a>.</p>

<p><em>Thank you for using nginx.</em></p>
</body>
</html>
";

const HTTPD_IT_WORKS: &str = "<html><body><h1>It works!</h1></body></html>\n";

fn ts(at: SimTime, fmt: &str) -> String {
    Timestamp::from_millisecond(at.0).map(|t| t.strftime(fmt).to_string()).unwrap_or_default()
}

/// `Mon, 22 Sep 2025 10:05:00 GMT`, the HTTP `Date` header.
pub fn http_date(at: SimTime) -> String {
    ts(at, "%a, %d %b %Y %H:%M:%S GMT")
}

/// `22/Sep/2025:10:05:00 +0000`, the common log format's time.
fn clf_time(at: SimTime) -> String {
    ts(at, "%d/%b/%Y:%H:%M:%S +0000")
}

fn iso_millis(at: SimTime) -> String {
    ts(at, "%Y-%m-%dT%H:%M:%S%.3fZ")
}

fn h(k: &str, v: impl Into<String>) -> (String, String) {
    (k.to_string(), v.into())
}

/// The pod a server runs in, as far as its answers show it.
pub struct ServerContext<'a> {
    pub hostname: &'a str,
    pub pod_ip: &'a str,
    pub at: SimTime,
    /// Requests this container served before this one.
    pub served_before: usize,
    pub started_at: SimTime,
}

/// The answer and the access-log line (if the server writes one).
pub fn answer(server: &Server, req: &HttpRequest, ctx: &ServerContext) -> (HttpResponse, Option<String>) {
    let date = http_date(ctx.at);
    let agent = req.header("User-Agent").unwrap_or("-").to_string();
    let request_line = format!("{} {} HTTP/1.1", req.method, req.path);
    match server {
        Server::Nginx { version, .. } => {
            let found = matches!(req.path.as_str(), "/" | "/index.html");
            let (status, reason, body) = if found {
                (200, "OK", NGINX_WELCOME.to_string())
            } else {
                (404, "Not Found", format!("<html>\n<head><title>404 Not Found</title></head>\n<body>\n<center><h1>404 Not Found</h1></center>\n<hr><center>nginx/{version}</center>\n</body>\n</html>\n"))
            };
            let mut headers = vec![h("Server", format!("nginx/{version}")), h("Date", date), h("Content-Type", "text/html"), h("Content-Length", body.len().to_string())];
            if found {
                headers.push(h("Last-Modified", "Wed, 16 Apr 2025 12:01:11 GMT"));
            }
            headers.push(h("Connection", "keep-alive"));
            if found {
                headers.push(h("ETag", format!("\"67ff9c07-{:x}\"", body.len())));
                headers.push(h("Accept-Ranges", "bytes"));
            }
            let sent = if req.method == "HEAD" { 0 } else { body.len() };
            let log = format!("{} - - [{}] \"{request_line}\" {status} {sent} \"-\" \"{agent}\" \"-\"", req.remote_ip(), clf_time(ctx.at));
            (HttpResponse { status, reason, headers, body }, Some(log))
        }
        Server::Httpd => {
            let found = matches!(req.path.as_str(), "/" | "/index.html");
            let (status, reason, body) = if found {
                (200, "OK", HTTPD_IT_WORKS.to_string())
            } else {
                (404, "Not Found", "<!DOCTYPE HTML PUBLIC \"-//IETF//DTD HTML 2.0//EN\">\n<html><head>\n<title>404 Not Found</title>\n</head><body>\n<h1>Not Found</h1>\n<p>The requested URL was not found on this server.</p>\n</body></html>\n".to_string())
            };
            let mut headers = vec![h("Date", date), h("Server", "Apache/2.4.65 (Unix)")];
            if found {
                headers.push(h("Last-Modified", "Mon, 11 Jun 2007 18:53:14 GMT"));
                headers.push(h("ETag", "\"2d-432a5e4a73a80\""));
                headers.push(h("Accept-Ranges", "bytes"));
            }
            headers.push(h("Content-Length", body.len().to_string()));
            headers.push(h("Content-Type", if found { "text/html" } else { "text/html; charset=iso-8859-1" }));
            let sent = if req.method == "HEAD" { "-".to_string() } else { body.len().to_string() };
            let log = format!("{} - - [{}] \"{request_line}\" {status} {sent}", req.remote_ip(), clf_time(ctx.at));
            (HttpResponse { status, reason, headers, body }, Some(log))
        }
        Server::SinatraWhoami => {
            let body = ctx.hostname.to_string();
            let headers = vec![
                h("Content-Type", "text/html;charset=utf-8"),
                h("Content-Length", body.len().to_string()),
                h("X-Xss-Protection", "1; mode=block"),
                h("X-Content-Type-Options", "nosniff"),
                h("X-Frame-Options", "SAMEORIGIN"),
                h("Server", "WEBrick/1.3.1 (Ruby/2.3.1/2016-04-26)"),
                h("Date", date),
                h("Connection", "Keep-Alive"),
            ];
            let log = format!("{} - - [{}] \"{request_line}\" 200 {} 0.0006", req.remote_ip(), clf_time(ctx.at), body.len());
            (HttpResponse { status: 200, reason: "OK", headers, body }, Some(log))
        }
        Server::TraefikWhoami => {
            let mut body = format!("Hostname: {}\nIP: 127.0.0.1\nIP: ::1\nIP: {}\nRemoteAddr: {}\n{request_line}\n", ctx.hostname, ctx.pod_ip, req.remote);
            // Go's Request.Write: Host, User-Agent, then the other headers sorted.
            let mut rest: Vec<&(String, String)> = req.headers.iter().filter(|(k, _)| !k.eq_ignore_ascii_case("Host") && !k.eq_ignore_ascii_case("User-Agent")).collect();
            crate::sorting::sort_by(&mut rest, |a, b| a.0.cmp(&b.0));
            for key in ["Host", "User-Agent"] {
                if let Some(v) = req.header(key) {
                    body.push_str(&format!("{key}: {v}\n"));
                }
            }
            for (k, v) in rest {
                body.push_str(&format!("{k}: {v}\n"));
            }
            body.push('\n');
            let headers = vec![h("Date", date), h("Content-Length", body.len().to_string()), h("Content-Type", "text/plain; charset=utf-8")];
            (HttpResponse { status: 200, reason: "OK", headers, body }, None)
        }
        Server::Bootcamp { v } => {
            let body = format!("Hello Kubernetes bootcamp! | Running on: {} | v={v}\n", ctx.hostname);
            let headers = vec![h("Content-Type", "text/plain"), h("Date", date), h("Connection", "keep-alive"), h("Transfer-Encoding", "chunked")];
            let uptime = ctx.at.millis_since(ctx.started_at) as f64 / 1000.0;
            let log = format!(
                "Running On: {} | Total Requests: {} | App Uptime: {uptime} seconds | Log Time: {}",
                ctx.hostname,
                ctx.served_before + 1,
                iso_millis(ctx.at)
            );
            (HttpResponse { status: 200, reason: "OK", headers, body }, Some(log))
        }
        Server::AgnhostLiveness => {
            let up = ctx.at.millis_since(ctx.started_at);
            let (status, reason, body) = match req.path.split('?').next().unwrap_or("") {
                "/healthz" if up > 10_000 => (500, "Internal Server Error", format!("error: {}", go_float(up as f64 / 1000.0))),
                "/healthz" => (200, "OK", "ok".to_string()),
                "/started" => (200, "OK", crate::controllers::kubelet::go_duration(up)),
                _ => (404, "Not Found", "404 page not found\n".to_string()),
            };
            (go_text_response(status, reason, body, date, false), None)
        }
        Server::GoProxy => {
            let body = "This is a proxy server. Does not respond to non-proxy requests.\n".to_string();
            (go_text_response(500, "Internal Server Error", body, date, true), None)
        }
        Server::NotHttp => (HttpResponse { status: 0, reason: "", headers: Vec::new(), body: String::new() }, None),
    }
}

/// An answer of Go's net/http with a plain-text body (`http.Error` adds nosniff).
fn go_text_response(status: u16, reason: &'static str, body: String, date: String, error: bool) -> HttpResponse {
    let mut headers = vec![h("Content-Type", "text/plain; charset=utf-8")];
    if error {
        headers.push(h("X-Content-Type-Options", "nosniff"));
    }
    headers.extend([h("Date", date), h("Content-Length", body.len().to_string())]);
    HttpResponse { status, reason, headers, body }
}

/// How Go's `%v` prints a float64 (shortest form that reads back).
fn go_float(x: f64) -> String {
    format!("{x}")
}

/// What a container prints when it starts, by image and command (the lines
/// `kubectl logs` shows before any traffic).
pub fn startup_lines(image: &str, command: &[String], hostname: &str, pod_ip: &str, started: SimTime) -> Vec<String> {
    if !command.is_empty() {
        return script_output(command);
    }
    let Some((server, port)) = server_of(image) else { return Vec::new() };
    let t = ts(started, "%Y/%m/%d %H:%M:%S");
    match server {
        Server::Nginx { version, alpine } => {
            let gcc = match (alpine, version) {
                (true, _) => "built by gcc 14.2.0 (Alpine 14.2.0) ".to_string(),
                (false, "1.25.5") => "built by gcc 12.2.0 (Debian 12.2.0-14) ".to_string(),
                (false, "1.29.3") => "built by gcc 14.2.0 (Debian 14.2.0-19) ".to_string(),
                _ => "built by gcc 12.2.0 (Debian 12.2.0-14+deb12u1) ".to_string(),
            };
            let mut lines: Vec<String> = [
                "/docker-entrypoint.sh: /docker-entrypoint.d/ is not empty, will attempt to perform configuration",
                "/docker-entrypoint.sh: Looking for shell scripts in /docker-entrypoint.d/",
                "/docker-entrypoint.sh: Launching /docker-entrypoint.d/10-listen-on-ipv6-by-default.sh",
                "10-listen-on-ipv6-by-default.sh: info: Getting the checksum of /etc/nginx/conf.d/default.conf",
                "10-listen-on-ipv6-by-default.sh: info: Enabled listen on IPv6 in /etc/nginx/conf.d/default.conf",
                "/docker-entrypoint.sh: Sourcing /docker-entrypoint.d/15-local-resolvers.envsh",
                "/docker-entrypoint.sh: Launching /docker-entrypoint.d/20-envsubst-on-templates.sh",
                "/docker-entrypoint.sh: Launching /docker-entrypoint.d/30-tune-worker-processes.sh",
                "/docker-entrypoint.sh: Configuration complete; ready for start up",
            ]
            .iter()
            .map(|s| s.to_string())
            .collect();
            for notice in [
                "using the \"epoll\" event method".to_string(),
                format!("nginx/{version}"),
                gcc,
                "OS: Linux 6.8.0-79-generic".to_string(),
                "getrlimit(RLIMIT_NOFILE): 1048576:1048576".to_string(),
                "start worker processes".to_string(),
                "start worker process 29".to_string(),
                "start worker process 30".to_string(),
            ] {
                lines.push(format!("{t} [notice] 1#1: {notice}"));
            }
            lines
        }
        Server::Httpd => {
            let apache_t = ts(started, "%a %b %d %H:%M:%S%.6f %Y");
            let fqdn = format!("AH00558: httpd: Could not reliably determine the server's fully qualified domain name, using {pod_ip}. Set the 'ServerName' directive globally to suppress this message");
            vec![
                fqdn.clone(),
                fqdn,
                format!("[{apache_t}] [mpm_event:notice] [pid 1:tid 1] AH00489: Apache/2.4.65 (Unix) configured -- resuming normal operations"),
                format!("[{apache_t}] [core:notice] [pid 1:tid 1] AH00094: Command line: 'httpd -D FOREGROUND'"),
            ]
        }
        Server::SinatraWhoami => {
            let rt = ts(started, "%Y-%m-%d %H:%M:%S");
            vec![
                format!("[{rt}] INFO  WEBrick 1.3.1"),
                format!("[{rt}] INFO  ruby 2.3.1 (2016-04-26) [x86_64-linux]"),
                format!("== Sinatra (v1.4.7) has taken the stage on {port} for production with backup from WEBrick"),
                format!("[{rt}] INFO  WEBrick::HTTPServer#start: pid=1 port={port}"),
            ]
        }
        Server::TraefikWhoami => vec![format!("{t} Starting up on port {port}")],
        Server::Bootcamp { .. } => vec![format!("Kubernetes Bootcamp App Started At: {} | Running On:  {hostname} ", iso_millis(started)), String::new()],
        Server::AgnhostLiveness | Server::GoProxy | Server::NotHttp => Vec::new(),
    }
}

/// The output of a shell one-liner made of `echo`s (`sh -c 'echo hi; sleep 3600'`).
fn script_output(command: &[String]) -> Vec<String> {
    if let Some(n) = super::perl_pi::bpi_digits(command) {
        return vec![super::perl_pi::pi(n)];
    }
    let script = match command {
        [sh, flag, script, ..] if sh.ends_with("sh") && flag == "-c" => script.clone(),
        _ => command.join(" "),
    };
    if script.contains("while") {
        return Vec::new();
    }
    let mut out = Vec::new();
    for part in script.split([';', '\n']).flat_map(|p| p.split("&&")) {
        let words = shell_words::split(part.trim()).unwrap_or_default();
        if words.first().map(String::as_str) == Some("echo") {
            out.push(words[1..].join(" "));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn welcome_page_is_nginx_size() {
        assert_eq!(NGINX_WELCOME.len(), 615);
        assert_eq!(HTTPD_IT_WORKS.len(), 45);
    }

    #[test]
    fn echo_scripts() {
        let cmd: Vec<String> = vec!["sh".into(), "-c".into(), "echo hi; echo 'two words' && sleep 3".into()];
        assert_eq!(script_output(&cmd), vec!["hi", "two words"]);
    }

    #[test]
    fn dates() {
        assert_eq!(http_date(SimTime(1_758_535_200_000)), "Mon, 22 Sep 2025 10:00:00 GMT");
        assert_eq!(clf_time(SimTime(1_758_535_200_000)), "22/Sep/2025:10:00:00 +0000");
    }
}
