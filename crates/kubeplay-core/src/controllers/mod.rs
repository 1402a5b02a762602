//! The control loops. Each is a small reconcile function from observed state (the
//! store) to intended changes, as in Kubernetes; none writes status "because a command
//! said so".

pub mod bootstrap;
pub mod container_env;
pub mod container_files;
pub mod deletion_rank;
pub mod deployment;
pub mod garbage_collector;
pub mod history;
pub mod horizontal;
pub mod cron_schedule;
pub mod cronjob;
pub mod daemonset;
pub mod job;
pub mod kubelet;
pub mod local_path;
pub mod namespace_lifecycle;
pub mod node_lifecycle;
pub mod ownership;
pub mod persistent_volumes;
pub mod quiet;
pub mod pod_termination;
pub mod kubelet_probes;
pub mod process;
pub mod prober;
pub mod readiness;
pub mod replicaset;
pub mod resources;
pub mod scheduler;
pub mod statefulset;
pub mod volume_binding;
pub mod taint_eviction;

use crate::cluster::Cluster;

/// One reconcile step: reads the store, writes the changes it intends. Steps must be
/// idempotent — `Cluster::settle` runs them in this order, round after round, until a
/// round changes nothing.
pub type Reconcile = fn(&mut Cluster);

/// Every control loop of the simulated control plane and node agents, in the order a
/// settle round runs them. Add a controller by appending a line here.
pub const CONTROLLERS: &[(&str, Reconcile)] = &[
    ("scheduler", scheduler::reconcile),
    ("kubelet", kubelet::reconcile),
    ("pod-termination", pod_termination::reconcile),
    ("garbage-collector", garbage_collector::reconcile),
    ("namespace", namespace_lifecycle::reconcile),
    ("persistentvolume-controller", persistent_volumes::reconcile),
    ("local-path-provisioner", local_path::reconcile),
    ("statefulset-controller", statefulset::reconcile),
    ("horizontal-pod-autoscaler", horizontal::reconcile),
    ("node-lifecycle", node_lifecycle::reconcile),
    ("taint-eviction", taint_eviction::reconcile),
    ("daemonset", daemonset::reconcile),
    ("job-controller", job::reconcile),
    ("cronjob-controller", cronjob::reconcile),
    ("endpoints", crate::network::endpoints::reconcile),
    ("service-lb", crate::network::loadbalancer::reconcile),
    ("ingress-nginx", crate::network::ingress::reconcile),
    ("deployment", deployment::reconcile),
    ("replicaset", replicaset::reconcile),
];
