//! `kubectl cluster-info`: the control plane's URL, then one line per service in
//! kube-system (or `-n`) labelled `kubernetes.io/cluster-service=true`, linked
//! through the API server's service proxy (kubectl/pkg/cmd/clusterinfo). Plain
//! text: v1.34 prints no colours. `cluster-info dump` is not simulated.

use k8s_openapi::api::core::v1::Service;

use super::flags::{self, flag, FlagDef, FlagKind};
use super::{config, usage_error, Io};
use crate::api::ApiKind;
use crate::cluster::Cluster;
use crate::output::Output;

const DUMP_FLAGS: &[FlagDef] = &[
    flag("all-namespaces", Some('A'), FlagKind::Bool),
    flag("namespaces", None, FlagKind::Value),
    flag("output", Some('o'), FlagKind::Value),
    flag("output-directory", None, FlagKind::Value),
    flag("pod-running-timeout", None, FlagKind::Value),
    flag("allow-missing-template-keys", None, FlagKind::Bool),
    flag("show-managed-fields", None, FlagKind::Bool),
    flag("template", None, FlagKind::Value),
];

pub fn run(cluster: &Cluster, args: &[String], io: &Io, out: &mut Output) -> i32 {
    let p = match flags::parse(args, DUMP_FLAGS, io.kubeconfig) {
        Ok(p) => p,
        Err(e) => return usage_error("cluster-info", e.message(), out),
    };
    if p.args.first().map(String::as_str) == Some("dump") {
        out.err("kubeplay: \"kubectl cluster-info dump\" is not simulated: it would print every object and every pod's logs; try kubectl get all -A or kubectl describe");
        return 1;
    }
    // Only the flag counts here, not the context's namespace (GetFlagString).
    let namespace = p.namespace_flag().unwrap_or("kube-system");
    out.out(&format!("Kubernetes control plane is running at {}", config::SERVER));
    let selected = Service::table(&cluster.store)
        .list(Some(namespace))
        .filter(|s| s.metadata.labels.as_ref().and_then(|l| l.get("kubernetes.io/cluster-service")).is_some_and(|v| v == "true"));
    for service in selected {
        let meta = &service.metadata;
        let name = meta.name.as_deref().unwrap_or_default();
        let ingress = service.status.as_ref().and_then(|s| s.load_balancer.as_ref()).and_then(|lb| lb.ingress.as_ref()).and_then(|i| i.first());
        let ports = service.spec.as_ref().and_then(|s| s.ports.as_deref()).unwrap_or_default();
        let link = match ingress {
            Some(ing) => {
                let ip = ing.ip.as_deref().filter(|ip| !ip.is_empty()).or(ing.hostname.as_deref()).unwrap_or_default();
                ports.iter().map(|p| format!("http://{ip}:{} ", p.port)).collect::<String>()
            }
            None => {
                let target = match ports.first() {
                    Some(port) => {
                        let port_name = port.name.as_deref().unwrap_or_default();
                        let https = port_name == "https" || port.port == 443;
                        join_scheme_name_port(if https { "https" } else { "" }, name, port_name)
                    }
                    None => name.to_string(),
                };
                let ns = meta.namespace.as_deref().unwrap_or_default();
                format!("{}/api/v1/namespaces/{ns}/services/{target}/proxy", config::SERVER)
            }
        };
        let shown = meta.labels.as_ref().and_then(|l| l.get("kubernetes.io/name")).filter(|n| !n.is_empty()).map_or(name, String::as_str);
        out.out(&format!("{shown} is running at {link}"));
    }
    out.out("\nTo further debug and diagnose cluster problems, use 'kubectl cluster-info dump'.");
    0
}

/// apimachinery's `net.JoinSchemeNamePort`: `scheme:name:port`, `name:port` or `name`.
fn join_scheme_name_port(scheme: &str, name: &str, port: &str) -> String {
    if !scheme.is_empty() {
        format!("{scheme}:{name}:{port}")
    } else if !port.is_empty() {
        format!("{name}:{port}")
    } else {
        name.to_string()
    }
}

#[cfg(test)]
mod tests {
    use crate::{ClusterConfig, Shell};

    #[test]
    fn default_cluster() {
        let mut sh = Shell::new(ClusterConfig::default());
        let text: String = sh.execute("kubectl cluster-info").lines.iter().map(|l| format!("{}\n", l.text)).collect();
        assert_eq!(
            text,
            "Kubernetes control plane is running at https://172.30.1.2:6443\n\
             CoreDNS is running at https://172.30.1.2:6443/api/v1/namespaces/kube-system/services/kube-dns:dns/proxy\n\
             \n\
             To further debug and diagnose cluster problems, use 'kubectl cluster-info dump'.\n"
        );
    }
}
