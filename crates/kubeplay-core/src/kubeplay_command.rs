//! `kubeplay node ...`: the playground's own command for what a learner would do
//! to the machines themselves — stop or start a node's kubelet, join a new worker,
//! remove one. It is deliberately not a kubectl verb: real clusters do this outside
//! the API (systemctl, kubeadm, the cloud console), and the UI's fault buttons call
//! the same `Cluster` methods.

use crate::cluster::Cluster;
use crate::output::Output;

const USAGE: &str = "Usage: kubeplay node stop|start|remove NODE
       kubeplay node add

  stop NODE     stop the node's kubelet (the node turns NotReady after 50s)
  start NODE    start it again
  add           join a new worker node
  remove NODE   remove a node from the cluster";

/// Runs `kubeplay <args>`; returns the exit status.
pub fn run(cluster: &mut Cluster, args: &[String], out: &mut Output) -> i32 {
    let words: Vec<&str> = args.iter().map(String::as_str).collect();
    let result = match words.as_slice() {
        ["node", "stop", name] => cluster.stop_kubelet(name).map(|_| format!("kubelet on {name} stopped")),
        ["node", "start", name] => cluster.start_kubelet(name).map(|_| format!("kubelet on {name} started")),
        ["node", "remove", name] => cluster.remove_node(name).map(|_| format!("{name} removed from the cluster")),
        ["node", "add"] => Ok(format!("{} joined the cluster", cluster.add_node())),
        [] | ["help"] | ["-h"] | ["--help"] | ["node"] => {
            out.out(USAGE);
            return 0;
        }
        _ => {
            out.err(&format!("kubeplay: unknown command: {}", words.join(" ")));
            out.err(USAGE);
            return 2;
        }
    };
    match result {
        Ok(msg) => {
            out.out(&format!("kubeplay: {msg}"));
            0
        }
        Err(e) => {
            out.err(&format!("kubeplay: {e}"));
            1
        }
    }
}
