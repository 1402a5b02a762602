//! The inspector's texts for one object, made by running kubectl itself
//! (`get -o yaml`, `describe`), so the panel shows exactly what the console would.

use super::{events_for, EventView, ObjectRef};
use crate::cluster::Cluster;
use crate::kubectl::{self, Io, Kubeconfig};
use crate::output::{Output, Stream};
use crate::vfs::Vfs;

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Inspection {
    pub target: ObjectRef,
    /// Whether the object is still in the store (a deleted pod keeps its panel open,
    /// saying so, rather than vanishing under the learner's cursor).
    pub exists: bool,
    /// `kubectl get <kind> <name> -o yaml`, or its error.
    pub yaml: String,
    /// `kubectl describe <kind> <name>`; `None` while this simulation has no
    /// `describe` verb.
    pub describe: Option<String>,
    pub events: Vec<EventView>,
}

/// Runs one kubectl command line against the cluster with a client of its own (the
/// learner's kubeconfig and files are not involved: every object is named fully).
fn kubectl_text(cluster: &mut Cluster, args: Vec<String>) -> (i32, String, String) {
    let fs = Vfs::default();
    let mut kubeconfig = Kubeconfig::default();
    let mut io = Io { stdin: None, fs: &fs, cwd: crate::vfs::HOME, kubeconfig: &mut kubeconfig };
    let mut out = Output::default();
    let code = kubectl::run(cluster, &args, &mut io, &mut out).exit_code;
    let pick = |s: Stream| out.lines.iter().filter(|l| l.stream == s).map(|l| l.text.as_str()).collect::<Vec<_>>().join("\n");
    (code, pick(Stream::Stdout), pick(Stream::Stderr))
}

/// Everything the inspector shows about `target`, as of now.
pub fn inspect(cluster: &mut Cluster, target: &ObjectRef) -> Inspection {
    let words = target.kubectl_words();
    let get: Vec<String> = ["get".to_string()].into_iter().chain(words.iter().cloned()).chain(["-o".into(), "yaml".into()]).collect();
    let (code, yaml, err) = kubectl_text(cluster, get);
    let exists = code == 0;
    let yaml = if exists { yaml } else { err };
    let describe_args: Vec<String> = ["describe".to_string()].into_iter().chain(words).collect();
    let (code, text, err) = kubectl_text(cluster, describe_args);
    let describe = if code == 0 {
        Some(text)
    } else if err.starts_with("kubeplay: \"kubectl describe\" is not simulated") {
        None
    } else {
        Some(err)
    };
    Inspection { target: target.clone(), exists, yaml, describe, events: events_for(cluster, target) }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{ClusterConfig, Shell};

    #[test]
    fn a_pod_shows_the_yaml_kubectl_prints_and_its_events() {
        let mut sh = Shell::new(ClusterConfig::default());
        sh.execute("kubectl run whoami --image subicura/whoami:1");
        sh.cluster.advance_by(10_000);
        let expected = sh.execute("kubectl get pod whoami -o yaml");
        let target = ObjectRef::pod("default", "whoami");
        let i = inspect(&mut sh.cluster, &target);
        assert!(i.exists);
        let printed: Vec<&str> = expected.lines.iter().map(|l| l.text.as_str()).collect();
        assert_eq!(i.yaml, printed.join("\n"));
        assert!(i.yaml.contains("name: whoami"));
        assert!(i.events.iter().any(|e| e.reason == "Scheduled"));
    }

    #[test]
    fn a_missing_object_says_not_found() {
        let mut sh = Shell::new(ClusterConfig::default());
        let i = inspect(&mut sh.cluster, &ObjectRef::pod("default", "gone"));
        assert!(!i.exists);
        assert_eq!(i.yaml, "Error from server (NotFound): pods \"gone\" not found");
        assert!(i.events.is_empty());
    }

    #[test]
    fn nodes_are_named_without_a_namespace() {
        let mut sh = Shell::new(ClusterConfig::default());
        let i = inspect(&mut sh.cluster, &ObjectRef::node("node01"));
        assert!(i.exists, "{}", i.yaml);
        assert!(i.yaml.contains("kind: Node"));
    }
}
