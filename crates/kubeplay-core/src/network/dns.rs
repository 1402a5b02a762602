//! Name resolution as a client sees it. A pod with `dnsPolicy: ClusterFirst` asks
//! CoreDNS (`10.96.0.10`) with the search path of its `/etc/resolv.conf`
//! (`<ns>.svc.cluster.local svc.cluster.local cluster.local`, `ndots:5`); a node
//! asks its own resolver, which knows `localhost` and the node names of
//! `/etc/hosts` but nothing of the cluster's names.

use std::net::Ipv4Addr;

use k8s_openapi::api::core::v1::Service;

use crate::cluster::Cluster;

pub const CLUSTER_DOMAIN: &str = "cluster.local";
pub const CLUSTER_DNS_IP: &str = "10.96.0.10";

/// Who is asking.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Resolver {
    /// A pod's resolver: cluster DNS with the namespace's search path.
    Cluster { namespace: String },
    /// A node's resolver (systemd-resolved and /etc/hosts).
    Host,
    /// A machine outside the cluster: public DNS knows none of its names.
    Public,
}

/// A successful lookup.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Answer {
    /// The name that matched (after the search path).
    pub fqdn: String,
    pub ips: Vec<String>,
    /// An ExternalName Service answers with a CNAME.
    pub cname: Option<String>,
}

/// The `/etc/resolv.conf` of a pod in `namespace`.
pub fn pod_resolv_conf(namespace: &str) -> String {
    format!("search {namespace}.svc.{CLUSTER_DOMAIN} svc.{CLUSTER_DOMAIN} {CLUSTER_DOMAIN}\nnameserver {CLUSTER_DNS_IP}\noptions ndots:5")
}

/// The names a lookup tries, in order (glibc/musl search-list rules with ndots:5).
pub fn candidates(resolver: &Resolver, name: &str) -> Vec<String> {
    if let Some(abs) = name.strip_suffix('.') {
        return vec![abs.to_string()];
    }
    match resolver {
        Resolver::Cluster { namespace } => {
            let search = [format!("{namespace}.svc.{CLUSTER_DOMAIN}"), format!("svc.{CLUSTER_DOMAIN}"), CLUSTER_DOMAIN.to_string()];
            let mut out: Vec<String> = Vec::new();
            let dots = name.matches('.').count();
            if dots >= 5 {
                out.push(name.to_string());
            }
            out.extend(search.iter().map(|s| format!("{name}.{s}")));
            if dots < 5 {
                out.push(name.to_string());
            }
            out
        }
        Resolver::Host | Resolver::Public => vec![name.to_string()],
    }
}

fn service_ips(c: &Cluster, svc: &Service) -> (Vec<String>, Option<String>) {
    let spec = svc.spec.clone().unwrap_or_default();
    if spec.type_.as_deref() == Some("ExternalName") {
        return (Vec::new(), spec.external_name);
    }
    match spec.cluster_ip.as_deref() {
        Some("None") => {
            let mut ips: Vec<String> = super::endpoints::service_endpoints(c, svc).into_iter().filter(|e| e.ready).map(|e| e.ip).collect();
            crate::sorting::sort_by_key(&mut ips, |ip| ip.parse::<Ipv4Addr>().map(u32::from).unwrap_or(0));
            ips.dedup();
            (ips, None)
        }
        Some(ip) if !ip.is_empty() => (vec![ip.to_string()], None),
        _ => (Vec::new(), None),
    }
}

/// What CoreDNS answers for one fully qualified name.
pub fn cluster_record(c: &Cluster, fqdn: &str) -> Option<Answer> {
    let fqdn = fqdn.trim_end_matches('.').to_lowercase();
    let rest = fqdn.strip_suffix(&format!(".{CLUSTER_DOMAIN}"))?;
    let labels: Vec<&str> = rest.split('.').collect();
    let answer = |ips: Vec<String>, cname: Option<String>| Answer { fqdn: fqdn.clone(), ips, cname };
    match labels.as_slice() {
        [svc, ns, "svc"] => {
            let s = c.store.get::<Service>(ns, svc)?;
            let (ips, cname) = service_ips(c, s);
            (!ips.is_empty() || cname.is_some()).then(|| answer(ips, cname))
        }
        [host, svc, ns, "svc"] => {
            let s = c.store.get::<Service>(ns, svc)?;
            let ip = super::endpoints::service_endpoints(c, s).into_iter().find(|e| e.hostname.as_deref() == Some(host))?.ip;
            Some(answer(vec![ip], None))
        }
        [dashed, ns, "pod"] => {
            let ip = dashed.replace('-', ".");
            ip.parse::<Ipv4Addr>().ok()?;
            c.store.get::<k8s_openapi::api::core::v1::Namespace>("", ns)?;
            Some(answer(vec![ip], None))
        }
        _ => None,
    }
}

fn node_address(c: &Cluster, name: &str) -> Option<String> {
    c.store.get::<k8s_openapi::api::core::v1::Node>("", name).and_then(crate::controllers::kubelet::node_internal_ip)
}

/// Resolves `name` as `resolver` would; `None` is "Could not resolve host".
pub fn resolve(c: &Cluster, resolver: &Resolver, name: &str) -> Option<Answer> {
    if name.parse::<Ipv4Addr>().is_ok() {
        return Some(Answer { fqdn: name.to_string(), ips: vec![name.to_string()], cname: None });
    }
    if name == "localhost" {
        return Some(Answer { fqdn: name.to_string(), ips: vec!["127.0.0.1".into()], cname: None });
    }
    match resolver {
        Resolver::Host => node_address(c, name).map(|ip| Answer { fqdn: name.to_string(), ips: vec![ip], cname: None }),
        Resolver::Cluster { .. } => candidates(resolver, name).iter().find_map(|n| cluster_record(c, n)),
        Resolver::Public => None,
    }
}
