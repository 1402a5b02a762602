//! `kubectl exec POD -- CMD` (kubectl/pkg/cmd/exec/exec.go): runs one command in a
//! container, following the image — busybox has `wget` and `nslookup` but no
//! `curl`, nginx has `curl`, traefik/whoami has no shell at all. The environment
//! carries the Service link variables the kubelet injects
//! (`KUBERNETES_SERVICE_HOST=10.96.0.1` ...), `/etc/resolv.conf` the pod's DNS
//! search path. Interactive `-it ... sh` runs its command line once (a container
//! shell with its own prompt is not simulated yet).

use std::collections::BTreeMap;

use k8s_openapi::api::core::v1::{Pod, Service};

use super::flags::{self, flag, FlagDef, FlagKind};
use super::usage_error;
use crate::api::{ApiError, ObjectKey};
use crate::cluster::Cluster;
use crate::images::ImageRef;
use crate::network::dns::{pod_resolv_conf, Resolver};
use crate::network::request::Client;
use crate::network::tools::{self, Flavour, ToolEnv};
use crate::output::Output;

const FLAGS: &[FlagDef] = &[
    flag("container", Some('c'), FlagKind::Value),
    flag("stdin", Some('i'), FlagKind::Bool),
    flag("tty", Some('t'), FlagKind::Bool),
    flag("quiet", Some('q'), FlagKind::Bool),
    flag("filename", Some('f'), FlagKind::Value),
    flag("pod-running-timeout", None, FlagKind::Value),
];

/// `<NAME>_SERVICE_HOST`, `<NAME>_PORT_80_TCP` ...: the docker-links variables of
/// every Service of the namespace (kubelet `getServiceEnvVarMap`), sorted.
pub fn service_link_env(c: &Cluster, namespace: &str) -> BTreeMap<String, String> {
    let mut env = BTreeMap::new();
    let mut services: Vec<&Service> = c.store.services.list(Some(namespace)).collect();
    if namespace != "default" {
        services.extend(c.store.get::<Service>("default", "kubernetes"));
    }
    for s in services {
        let spec = s.spec.clone().unwrap_or_default();
        let Some(ip) = spec.cluster_ip.clone().filter(|ip| !ip.is_empty() && ip != "None") else { continue };
        let name = s.metadata.name.clone().unwrap_or_default().to_uppercase().replace('-', "_");
        let ports = spec.ports.unwrap_or_default();
        let Some(first) = ports.first() else { continue };
        env.insert(format!("{name}_SERVICE_HOST"), ip.clone());
        env.insert(format!("{name}_SERVICE_PORT"), first.port.to_string());
        for p in &ports {
            if let Some(pn) = p.name.as_ref().filter(|n| !n.is_empty()) {
                env.insert(format!("{name}_SERVICE_PORT_{}", pn.to_uppercase().replace('-', "_")), p.port.to_string());
            }
        }
        let proto = first.protocol.clone().unwrap_or_else(|| "TCP".into());
        env.insert(format!("{name}_PORT"), format!("{}://{ip}:{}", proto.to_lowercase(), first.port));
        for p in &ports {
            let proto = p.protocol.clone().unwrap_or_else(|| "TCP".into());
            let base = format!("{name}_PORT_{}_{}", p.port, proto.to_uppercase());
            env.insert(base.clone(), format!("{}://{ip}:{}", proto.to_lowercase(), p.port));
            env.insert(format!("{base}_PROTO"), proto.to_lowercase());
            env.insert(format!("{base}_PORT"), p.port.to_string());
            env.insert(format!("{base}_ADDR"), ip.clone());
        }
    }
    env
}

/// What a shell in the container sees.
struct Container<'a> {
    pod: &'a Pod,
    name: String,
    binaries: Vec<&'static str>,
    flavour: Flavour,
    env: Vec<(String, String)>,
}

fn image_env(repo: &str, tag: &str) -> Vec<(String, String)> {
    match repo {
        "nginx" => {
            let v = crate::network::servers::server_of(&format!("nginx:{tag}")).map(|(s, _)| match s {
                crate::network::servers::Server::Nginx { version, .. } => version,
                _ => "1.29.3",
            });
            vec![("NGINX_VERSION".into(), v.unwrap_or("1.29.3").into()), ("NJS_VERSION".into(), "0.9.1".into()), ("PKG_RELEASE".into(), "1~bookworm".into())]
        }
        "httpd" => vec![("HTTPD_PREFIX".into(), "/usr/local/apache2".into()), ("HTTPD_VERSION".into(), "2.4.65".into())],
        _ => Vec::new(),
    }
}

fn container_env(c: &Cluster, pod: &Pod, name: &str, image: &str) -> Vec<(String, String)> {
    let r = ImageRef::parse(image);
    let hostname = pod.spec.as_ref().and_then(|s| s.hostname.clone()).unwrap_or_else(|| pod.metadata.name.clone().unwrap_or_default());
    let mut env = vec![("PATH".to_string(), "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin".to_string()), ("HOSTNAME".to_string(), hostname)];
    env.extend(image_env(&r.repository, &r.tag));
    let ctr = pod.spec.as_ref().and_then(|s| s.containers.iter().find(|c| c.name == name));
    for e in ctr.and_then(|c| c.env.clone()).unwrap_or_default() {
        env.push((e.name, e.value.unwrap_or_default()));
    }
    if pod.spec.as_ref().and_then(|s| s.enable_service_links) != Some(false) {
        env.extend(service_link_env(c, pod.metadata.namespace.as_deref().unwrap_or("default")));
    } else if let Some(k) = c.store.get::<Service>("default", "kubernetes") {
        let _ = k;
        env.extend(service_link_env(c, "default").into_iter().filter(|(k, _)| k.starts_with("KUBERNETES_")));
    }
    env.push(("HOME".into(), "/root".into()));
    env
}

fn hosts_file(pod: &Pod) -> String {
    let ip = pod.status.as_ref().and_then(|s| s.pod_ip.clone()).unwrap_or_default();
    let name = pod.metadata.name.clone().unwrap_or_default();
    format!("# Kubernetes-managed hosts file.\n127.0.0.1\tlocalhost\n::1\tlocalhost ip6-localhost ip6-loopback\nfe00::0\tip6-localnet\nfe00::0\tip6-mcastprefix\nfe00::1\tip6-allnodes\nfe00::2\tip6-allrouters\n{ip}\t{name}")
}

/// `$NAME` and `${NAME}` from the container's environment (unset: empty).
fn expand_vars(script: &str, env: &[(String, String)]) -> String {
    let mut out = String::new();
    let mut chars = script.chars().peekable();
    while let Some(ch) = chars.next() {
        if ch != '$' {
            out.push(ch);
            continue;
        }
        let braced = chars.peek() == Some(&'{');
        if braced {
            chars.next();
        }
        let mut name = String::new();
        while let Some(&n) = chars.peek() {
            if n.is_ascii_alphanumeric() || n == '_' {
                name.push(n);
                chars.next();
            } else {
                break;
            }
        }
        if braced && chars.peek() == Some(&'}') {
            chars.next();
        }
        if name.is_empty() {
            out.push('$');
        } else {
            out.push_str(env.iter().find(|(k, _)| *k == name).map(|(_, v)| v.as_str()).unwrap_or(""));
        }
    }
    out
}

/// Runs one command line inside the container; returns its exit status.
fn run_in(c: &mut Cluster, ctr: &Container, words: &[String], out: &mut Output) -> i32 {
    let Some(cmd) = words.first() else { return 0 };
    let prog = cmd.rsplit('/').next().unwrap_or(cmd).to_string();
    let not_found = |out: &mut Output| {
        out.err(&format!("error: Internal error occurred: Internal error occurred: error executing command in container: failed to exec in container: failed to start exec \"{}\": OCI runtime exec failed: exec failed: unable to start container process: exec: \"{cmd}\": executable file not found in $PATH: unknown", crate::images::made_up_sha256(&format!("{cmd}{}", ctr.name))));
        1
    };
    let has = |p: &str| ctr.binaries.contains(&p) || (ctr.binaries.contains(&"sh") && matches!(p, "echo" | "cat" | "env" | "hostname" | "ls" | "true" | "false" | "exit" | "whoami" | "date"));
    if !has(&prog) && prog != "sh" && prog != "bash" {
        return not_found(out);
    }
    if (prog == "sh" || prog == "bash") && !ctr.binaries.contains(&prog.as_str()) {
        return not_found(out);
    }
    let args = &words[1..];
    match prog.as_str() {
        "sh" | "bash" => match args {
            [flag, script, ..] if flag == "-c" => {
                let mut code = 0;
                let script = expand_vars(script, &ctr.env);
                for part in script.split(';').flat_map(|p| p.split("&&")) {
                    let w = shell_words::split(part.trim()).unwrap_or_default();
                    if !w.is_empty() {
                        code = run_in(c, ctr, &w, out);
                    }
                }
                code
            }
            // An interactive shell without a terminal reads nothing and exits.
            _ => 0,
        },
        "echo" => {
            out.out(&args.join(" "));
            0
        }
        "hostname" => {
            out.out(&ctr.env.iter().find(|(k, _)| k == "HOSTNAME").map(|(_, v)| v.clone()).unwrap_or_default());
            0
        }
        "whoami" => {
            out.out("root");
            0
        }
        "true" => 0,
        "false" => 1,
        "exit" => args.first().and_then(|a| a.parse().ok()).unwrap_or(0),
        "env" | "printenv" => {
            for (k, v) in &ctr.env {
                out.out(&format!("{k}={v}"));
            }
            0
        }
        "cat" => {
            let mut code = 0;
            for f in args {
                match f.as_str() {
                    "/etc/resolv.conf" => out.out(&pod_resolv_conf(ctr.pod.metadata.namespace.as_deref().unwrap_or("default"))),
                    "/etc/hosts" => out.out(&hosts_file(ctr.pod)),
                    "/etc/hostname" => out.out(&ctr.pod.metadata.name.clone().unwrap_or_default()),
                    other => {
                        out.err(&format!("cat: {other}: No such file or directory"));
                        code = 1;
                    }
                }
            }
            code
        }
        "curl" | "wget" | "nslookup" => {
            let key = ObjectKey::of(&ctr.pod.metadata);
            let env = ToolEnv {
                client: Client::Pod(key),
                resolver: Resolver::Cluster { namespace: ctr.pod.metadata.namespace.clone().unwrap_or_default() },
                flavour: ctr.flavour,
                client_ip: ctr.pod.status.as_ref().and_then(|s| s.pod_ip.clone()).unwrap_or_default(),
            };
            match prog.as_str() {
                "curl" => tools::curl(c, &env, args, out),
                "wget" => tools::wget(c, &env, args, out),
                _ => tools::nslookup(c, &env, args, out),
            }
        }
        "ls" => {
            out.out("bin   dev   etc   home  lib   proc  root  sys   tmp   usr   var");
            0
        }
        "date" => {
            out.out(&crate::network::servers::http_date(c.now()).replace(" GMT", " UTC"));
            0
        }
        _ => {
            out.err(&format!("{prog}: not simulated in kubeplay"));
            127
        }
    }
}

pub fn run(cluster: &mut Cluster, args: &[String], io: &super::Io, out: &mut Output) -> i32 {
    let p = match flags::parse(args, FLAGS, io.kubeconfig) {
        Ok(p) => p,
        Err(e) => return usage_error("exec", e.message(), out),
    };
    let help = |out: &mut Output, msg: &str| {
        out.err(&format!("error: {msg}"));
        out.err("See 'kubectl exec -h' for help and examples");
        1
    };
    let Some(target) = p.args.first().cloned() else {
        return help(out, "pod, type/name or --filename must be specified");
    };
    if p.args.len() > 1 {
        return help(out, "exec [POD] [COMMAND] is not supported anymore. Use exec [POD] -- [COMMAND] instead");
    }
    let command = p.after_dash.clone().unwrap_or_default();
    if command.is_empty() {
        out.err("error: you must specify at least one command for the container");
        return 1;
    }
    let ns = p.namespace().to_string();
    let name = target.strip_prefix("pod/").or_else(|| target.strip_prefix("pods/")).unwrap_or(&target).to_string();
    let Some(pod) = cluster.store.get::<Pod>(&ns, &name).cloned() else {
        out.err(&ApiError::not_found("pods", &name).to_string());
        return 1;
    };
    let phase = pod.status.as_ref().and_then(|s| s.phase.clone()).unwrap_or_default();
    if phase == "Succeeded" || phase == "Failed" {
        out.err(&format!("error: cannot exec into a container in a completed pod; current phase is {phase}"));
        return 1;
    }
    let container = match super::logs::pick_container(&pod, p.value("container"), out) {
        Ok(c) => c,
        Err(e) => {
            out.err(&e);
            return 1;
        }
    };
    let running = pod
        .status
        .as_ref()
        .and_then(|s| s.container_statuses.as_ref())
        .and_then(|cs| cs.iter().find(|s| s.name == container))
        .is_some_and(|s| s.state.as_ref().is_some_and(|st| st.running.is_some()));
    if !running {
        out.err(&format!("error: unable to upgrade connection: container not found (\"{container}\")"));
        return 1;
    }
    let image = pod.spec.as_ref().and_then(|s| s.containers.iter().find(|c| c.name == container)).and_then(|c| c.image.clone()).unwrap_or_default();
    let repo = ImageRef::parse(&image).resolve();
    let binaries: Vec<&'static str> = repo.map(|r| r.binaries.to_vec()).unwrap_or_default();
    let flavour = if repo.is_some_and(|r| matches!(r.repository, "busybox" | "alpine")) { Flavour::Busybox } else { Flavour::Gnu };
    let env = container_env(cluster, &pod, &container, &image);
    let ctr = Container { pod: &pod, name: container, binaries, flavour, env };
    let code = run_in(cluster, &ctr, &command, out);
    if code != 0 && !out.lines.last().is_some_and(|l| l.text.starts_with("error: Internal error")) {
        out.err(&format!("command terminated with exit code {code}"));
    }
    code
}
