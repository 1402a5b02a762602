//! Friendly hints: after kubectl's own (unchanged) error, one extra line marked
//! `kubeplay hint:` for mistakes learners make all the time — most of them
//! because tutorials were written for older kubectl versions. Real kubectl has
//! no such lines, so they are easy to switch off: `export KUBEPLAY_HINTS=off`.

use crate::api::ObjectKey;
use crate::cluster::Cluster;
use crate::output::Output;

pub const PREFIX: &str = "kubeplay hint:";
const OFF: &str = "(hints off: export KUBEPLAY_HINTS=off)";

/// Hints for what `kubectl <args>` just printed into `out`.
pub fn for_output(cluster: &Cluster, args: &[String], out: &Output) -> Vec<String> {
    let mut hints = Vec::new();
    for line in out.lines.iter().map(|l| l.text.as_str()) {
        if let Some(name) = not_found_pod(line) {
            hints.extend(pod_name_hint(cluster, name));
            if hints.is_empty() {
                hints.extend(other_namespace_hint(cluster, name, args));
            }
        }
        if line == "error: unknown flag: --replicas" && args.first().is_some_and(|a| a == "run") {
            hints.push(format!("{PREFIX} since v1.18 \"kubectl run\" only creates a Pod; for replicas use: kubectl create deployment NAME --image=IMAGE --replicas=N {OFF}"));
        }
    }
    let wants_deployments = args.iter().any(|a| matches!(a.as_str(), "deploy" | "deployment" | "deployments"));
    let none_found = out.lines.iter().any(|l| l.text.starts_with("No resources found"));
    if wants_deployments && none_found && !cluster.store.pods.is_empty() {
        let bare = cluster.store.pods.list(Some("default")).find(|p| p.metadata.owner_references.is_none());
        if let Some(p) = bare {
            let name = p.metadata.name.clone().unwrap_or_default();
            hints.push(format!("{PREFIX} \"kubectl run {name}\" made a bare Pod, not a Deployment; see it with: kubectl get pods {OFF}"));
        }
    }
    hints
}

/// After `bash: NAME: command not found` on the node: the tutorials' `minikube ip`
/// has no minikube here; a worker's address does what it stands for.
pub fn for_missing_command(cluster: &Cluster, name: &str) -> Option<String> {
    if name != "minikube" {
        return None;
    }
    let worker = cluster.store.nodes.list(None).find(|n| n.metadata.name.as_deref() != Some(crate::network::tools::CONSOLE_NODE));
    let ip = worker.and_then(crate::controllers::kubelet::node_internal_ip)?;
    Some(format!("{PREFIX} this cluster is not minikube; for $(minikube ip) use a node's INTERNAL-IP from \"kubectl get nodes -o wide\", e.g. {ip} {OFF}"))
}

/// `Error from server (NotFound): pods "whoami-5f7d9" not found` → `whoami-5f7d9`.
fn not_found_pod(line: &str) -> Option<&str> {
    let rest = line.strip_prefix("Error from server (NotFound): pods \"")?;
    rest.strip_suffix("\" not found")
}

/// The notes' `whoami-<xxxx>` after `kubectl run whoami`: the pod has no suffix.
fn pod_name_hint(cluster: &Cluster, typed: &str) -> Option<String> {
    let (base, _) = typed.rsplit_once('-')?;
    let exists = cluster.store.pods.get(&ObjectKey::new("default", base)).is_some();
    exists.then(|| format!("{PREFIX} since v1.18 \"kubectl run {base}\" creates one Pod named exactly \"{base}\" (no random suffix); try: kubectl get pod {base} {OFF}"))
}

/// The pod exists, but in another namespace than the one asked.
fn other_namespace_hint(cluster: &Cluster, name: &str, args: &[String]) -> Option<String> {
    if args.iter().any(|a| a == "-A" || a == "--all-namespaces") {
        return None;
    }
    let pod = cluster.store.pods.list(None).find(|p| p.metadata.name.as_deref() == Some(name))?;
    let ns = pod.metadata.namespace.clone().unwrap_or_default();
    Some(format!("{PREFIX} pod \"{name}\" is in namespace \"{ns}\"; add: -n {ns} {OFF}"))
}

#[cfg(test)]
mod tests {
    use crate::{ClusterConfig, Shell};

    fn run(sh: &mut Shell, line: &str) -> String {
        sh.execute(line).lines.iter().map(|l| format!("{}\n", l.text)).collect()
    }

    #[test]
    fn hints_follow_the_real_error_and_can_be_switched_off() {
        let mut sh = Shell::new(ClusterConfig::default());
        run(&mut sh, "kubectl run whoami --image=subicura/whoami:1");
        assert_eq!(
            run(&mut sh, "kubectl get pod whoami-7d9f8"),
            "Error from server (NotFound): pods \"whoami-7d9f8\" not found\nkubeplay hint: since v1.18 \"kubectl run whoami\" creates one Pod named exactly \"whoami\" (no random suffix); try: kubectl get pod whoami (hints off: export KUBEPLAY_HINTS=off)\n"
        );
        assert!(run(&mut sh, "kubectl get pod etcd-controlplane").contains("kubeplay hint: pod \"etcd-controlplane\" is in namespace \"kube-system\"; add: -n kube-system"));
        assert!(run(&mut sh, "kubectl run web --image=nginx --replicas=3").contains("kubeplay hint: since v1.18 \"kubectl run\" only creates a Pod"));
        run(&mut sh, "export KUBEPLAY_HINTS=off");
        assert_eq!(run(&mut sh, "kubectl get pod whoami-7d9f8"), "Error from server (NotFound): pods \"whoami-7d9f8\" not found\n");
    }
}
