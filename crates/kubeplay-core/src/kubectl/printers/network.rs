//! Columns of Endpoints, EndpointSlice, Ingress and IngressClass (printers.go
//! `printEndpoints`, `printEndpointSlice`, `printIngress`, `printIngressClass`).

use k8s_openapi::api::core::v1::Endpoints;
use k8s_openapi::api::discovery::v1::EndpointSlice;
use k8s_openapi::api::networking::v1::{Ingress, IngressClass};

use super::{created, name_of, Column, Printable};
use crate::time::SimTime;

/// At most three items, then ` + N more...` (printers.go's `formatEndpoints` style).
fn first_three(items: &[String]) -> String {
    if items.len() > 3 {
        format!("{} + {} more...", items[..3].join(","), items.len() - 3)
    } else {
        items.join(",")
    }
}

impl Printable for Endpoints {
    const COLUMNS: &'static [Column] = &[("NAME", false), ("ENDPOINTS", false), ("AGE", false)];

    fn cells(&self, now: SimTime) -> Vec<String> {
        let subsets = self.subsets.clone().unwrap_or_default();
        let cell = if subsets.is_empty() {
            "<none>".to_string()
        } else {
            let mut list = Vec::new();
            // Port-major, as printers.go `formatEndpoints` walks a subset.
            for ss in &subsets {
                let ports = ss.ports.clone().unwrap_or_default();
                if ports.is_empty() {
                    list.extend(ss.addresses.iter().flatten().map(|a| a.ip.clone()));
                }
                for p in &ports {
                    list.extend(ss.addresses.iter().flatten().map(|a| format!("{}:{}", a.ip, p.port)));
                }
            }
            first_three(&list)
        };
        vec![name_of(&self.metadata), cell, created(&self.metadata, now)]
    }
}

impl Printable for EndpointSlice {
    const COLUMNS: &'static [Column] =
        &[("NAME", false), ("ADDRESSTYPE", false), ("PORTS", false), ("ENDPOINTS", false), ("AGE", false)];

    fn cells(&self, now: SimTime) -> Vec<String> {
        let ports: Vec<String> =
            self.ports.iter().flatten().filter_map(|p| p.port).map(|p| p.to_string()).collect();
        let addrs: Vec<String> = self.endpoints.iter().flat_map(|e| e.addresses.iter().cloned()).collect();
        let or_unset = |v: &[String]| if v.is_empty() { "<unset>".to_string() } else { first_three(v) };
        vec![
            name_of(&self.metadata),
            self.address_type.clone(),
            or_unset(&ports),
            or_unset(&addrs),
            created(&self.metadata, now),
        ]
    }
}

impl Printable for Ingress {
    const COLUMNS: &'static [Column] =
        &[("NAME", false), ("CLASS", false), ("HOSTS", false), ("ADDRESS", false), ("PORTS", false), ("AGE", false)];

    fn cells(&self, now: SimTime) -> Vec<String> {
        let spec = self.spec.clone().unwrap_or_default();
        let hosts: Vec<String> =
            spec.rules.iter().flatten().filter_map(|r| r.host.clone()).filter(|h| !h.is_empty()).collect();
        let hosts_cell = if hosts.is_empty() {
            "*".to_string()
        } else if hosts.len() > 3 {
            format!("{} + {} more...", hosts[..3].join(","), hosts.len() - 3)
        } else {
            hosts.join(",")
        };
        let address: Vec<String> = self
            .status
            .as_ref()
            .and_then(|s| s.load_balancer.as_ref())
            .and_then(|lb| lb.ingress.as_ref())
            .map(|ing| ing.iter().filter_map(|i| i.ip.clone().or(i.hostname.clone())).collect())
            .unwrap_or_default();
        let ports = if spec.tls.as_ref().is_some_and(|t| !t.is_empty()) { "80, 443" } else { "80" };
        vec![
            name_of(&self.metadata),
            spec.ingress_class_name.clone().unwrap_or_else(|| "<none>".into()),
            hosts_cell,
            address.join(","),
            ports.into(),
            created(&self.metadata, now),
        ]
    }
}

impl Printable for IngressClass {
    const COLUMNS: &'static [Column] = &[("NAME", false), ("CONTROLLER", false), ("PARAMETERS", false), ("AGE", false)];

    fn cells(&self, now: SimTime) -> Vec<String> {
        let spec = self.spec.clone().unwrap_or_default();
        let params = match spec.parameters {
            Some(p) => {
                let group = p.api_group.map(|g| format!(".{g}")).unwrap_or_default();
                format!("{}{group}/{}", p.kind, p.name)
            }
            None => "<none>".into(),
        };
        vec![
            name_of(&self.metadata),
            spec.controller.unwrap_or_default(),
            params,
            created(&self.metadata, now),
        ]
    }
}
