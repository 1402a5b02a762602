//! The simulated cloud load balancer (what kube-controller-manager's service
//! controller does with a cloud provider, or MetalLB on bare metal): a
//! `type: LoadBalancer` Service shows `<pending>` until the provider has set up a
//! balancer, a few seconds later, and then gets an address from the pool.
//!
//! The pool is `172.30.255.200`–`172.30.255.250`: inside the nodes' network
//! (`172.30.0.0/16`, nodes at `172.30.N.2`) but clear of any node, as a MetalLB
//! layer-2 pool would be. The lowest free address is handed out first.

use std::net::Ipv4Addr;

use k8s_openapi::api::core::v1::{LoadBalancerIngress, LoadBalancerStatus, Service};

use crate::api::store::{reference_to, NewEvent};
use crate::api::ObjectKey;
use crate::cluster::{Cluster, TimedWork};

pub const POOL_FIRST: Ipv4Addr = Ipv4Addr::new(172, 30, 255, 200);
pub const POOL_LAST: Ipv4Addr = Ipv4Addr::new(172, 30, 255, 250);
/// How long the provider takes to set up a balancer.
pub const PROVISION_MS: i64 = 5_000;
const COMPONENT: &str = "service-controller";

/// Timed work of the network's controllers.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum NetworkStep {
    /// The cloud finished provisioning the balancer of this Service.
    LoadBalancerReady { service: ObjectKey, uid: String },
    /// The ingress controller writes the address into this Ingress's status.
    IngressAddress { ingress: ObjectKey, uid: String },
}

fn lb_ips(svc: &Service) -> Vec<String> {
    svc.status
        .as_ref()
        .and_then(|s| s.load_balancer.as_ref())
        .and_then(|lb| lb.ingress.as_ref())
        .map(|i| i.iter().filter_map(|x| x.ip.clone()).collect())
        .unwrap_or_default()
}

fn is_lb(svc: &Service) -> bool {
    svc.spec.as_ref().and_then(|s| s.type_.as_deref()) == Some("LoadBalancer")
}

fn event(c: &mut Cluster, svc: &Service, reason: &'static str, message: &str) {
    let now = c.now();
    let mut involved = reference_to(svc);
    involved.resource_version = None;
    c.store.record_event(now, NewEvent { involved, type_: "Normal", reason, message: message.into(), component: COMPONENT, host: None });
}

/// Starts provisioning for new LoadBalancer Services; releases the address of a
/// Service that stopped being one.
pub fn reconcile(c: &mut Cluster) {
    let services: Vec<Service> = c.store.services.list(None).cloned().collect();
    for svc in services {
        let uid = svc.metadata.uid.clone().unwrap_or_default();
        let key = ObjectKey::of(&svc.metadata);
        if is_lb(&svc) {
            if lb_ips(&svc).is_empty() && c.network.pending_load_balancers.insert(uid.clone()) {
                event(c, &svc, "EnsuringLoadBalancer", "Ensuring load balancer");
                let at = c.now().plus_ms(PROVISION_MS);
                c.schedule(at, TimedWork::Network(NetworkStep::LoadBalancerReady { service: key, uid }));
            }
        } else if !lb_ips(&svc).is_empty() {
            c.store.modify::<Service>(&key, |s| {
                if let Some(st) = s.status.as_mut() {
                    st.load_balancer = Some(LoadBalancerStatus::default());
                }
            });
        }
    }
}

/// The lowest pool address no Service holds.
fn free_address(c: &Cluster) -> Option<String> {
    let used: std::collections::BTreeSet<String> = c.store.services.list(None).flat_map(lb_ips).collect();
    (u32::from(POOL_FIRST)..=u32::from(POOL_LAST)).map(|n| Ipv4Addr::from(n).to_string()).find(|ip| !used.contains(ip))
}

pub fn run_step(c: &mut Cluster, step: NetworkStep) {
    match step {
        NetworkStep::LoadBalancerReady { service, uid } => {
            c.network.pending_load_balancers.remove(&uid);
            let Some(svc) = c.store.services.get(&service).cloned() else { return };
            if svc.metadata.uid.as_deref() != Some(uid.as_str()) || !is_lb(&svc) || !lb_ips(&svc).is_empty() {
                return;
            }
            let Some(ip) = free_address(c) else { return };
            c.store.modify::<Service>(&service, |s| {
                s.status.get_or_insert_with(Default::default).load_balancer = Some(LoadBalancerStatus {
                    ingress: Some(vec![LoadBalancerIngress { ip: Some(ip.clone()), ip_mode: Some("VIP".into()), ..Default::default() }]),
                });
            });
            event(c, &svc, "EnsuredLoadBalancer", "Ensured load balancer");
        }
        NetworkStep::IngressAddress { ingress, uid } => super::ingress::publish_address(c, &ingress, &uid),
    }
}

/// The Service a LoadBalancer address belongs to.
pub fn service_of_address<'a>(c: &'a Cluster, ip: &str) -> Option<&'a Service> {
    c.store.services.list(None).find(|s| is_lb(s) && lb_ips(s).iter().any(|x| x == ip))
}
