//! `kubectl describe daemonset` (describe.go `describeDaemonSet`): selectors, the
//! five scheduling counts of the status, the phases of the pods it controls, its
//! pod template and events.

use k8s_openapi::api::apps::v1::DaemonSet;

use super::fields;
use super::pod_spec::pod_template;
use super::workload::{events, pods_status};
use super::writer::{PrefixWriter, LEVEL_0};
use super::{Settings, Target};
use crate::api::{ApiError, ApiKind};
use crate::cluster::Cluster;
use crate::kubectl::printers::apps::format_label_selector;
use crate::kubectl::printers::format_labels;

pub fn describe(cluster: &Cluster, t: &Target, settings: &Settings) -> Result<String, ApiError> {
    let ds = cluster.store.get::<DaemonSet>(t.namespace, t.name).ok_or_else(|| ApiError::not_found(&DaemonSet::qualified_resource(), t.name))?;
    let m = &ds.metadata;
    let spec = ds.spec.clone().unwrap_or_default();
    let status = ds.status.clone().unwrap_or_default();
    let mut w = PrefixWriter::new();
    w.write(LEVEL_0, &format!("Name:\t{}\n", t.name));
    w.write(LEVEL_0, &format!("Namespace:\t{}\n", t.namespace));
    w.write(LEVEL_0, &format!("Selector:\t{}\n", format_label_selector(Some(&spec.selector))));
    let node_selector = spec.template.spec.as_ref().and_then(|s| s.node_selector.as_ref());
    w.write(LEVEL_0, &format!("Node-Selector:\t{}\n", format_labels(node_selector)));
    fields::labels(&mut w, "Labels", m.labels.as_ref());
    fields::annotations(&mut w, "Annotations", m.annotations.as_ref());
    // No tab in these five lines: kubectl prints them unaligned.
    w.write(LEVEL_0, &format!("Desired Number of Nodes Scheduled: {}\n", status.desired_number_scheduled));
    w.write(LEVEL_0, &format!("Current Number of Nodes Scheduled: {}\n", status.current_number_scheduled));
    w.write(LEVEL_0, &format!("Number of Nodes Scheduled with Up-to-date Pods: {}\n", status.updated_number_scheduled.unwrap_or(0)));
    w.write(LEVEL_0, &format!("Number of Nodes Scheduled with Available Pods: {}\n", status.number_available.unwrap_or(0)));
    w.write(LEVEL_0, &format!("Number of Nodes Misscheduled: {}\n", status.number_misscheduled));
    pods_status(&mut w, cluster, m, &spec.selector);
    pod_template(&mut w, Some(&spec.template));
    events(&mut w, cluster, t, settings, "DaemonSet", m.uid.as_deref().unwrap_or(""));
    Ok(w.finish())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cluster::Cluster;
    use crate::kubectl::resources::by_plural;

    const DS: &str = "metadata: {name: agent, namespace: default, labels: {app: agent}}
spec:
  selector: {matchLabels: {app: agent}}
  template:
    metadata: {labels: {app: agent}}
    spec:
      nodeSelector: {kubernetes.io/os: linux}
      containers: [{name: agent, image: 'busybox:1.36'}]";

    fn text(c: &Cluster) -> String {
        let t = Target { rt: by_plural("daemonsets").unwrap(), namespace: "default", name: "agent" };
        describe(c, &t, &Settings { show_events: false }).unwrap()
    }

    #[test]
    fn counts_pods_and_template_generation() {
        let mut c = Cluster::new(Default::default());
        c.create(yaml_serde::from_str::<DaemonSet>(DS).unwrap()).unwrap();
        c.settle();
        c.advance_by(300_000);
        let out = text(&c);
        assert!(out.starts_with("Name:           agent\nNamespace:      default\nSelector:       app=agent\nNode-Selector:  kubernetes.io/os=linux\n"), "{out}");
        assert!(out.contains("Annotations:    deprecated.daemonset.template.generation: 1\nDesired Number of Nodes Scheduled: 2\n"), "{out}");
        assert!(out.contains("Number of Nodes Misscheduled: 0\nPods Status:  2 Running / 0 Waiting / 0 Succeeded / 0 Failed\n"), "{out}");
        assert!(out.ends_with("  Tolerations:     <none>\n"), "{out}");

        // A changed template bumps the template generation; a relabel does not.
        let key = crate::api::ObjectKey::new("default", "agent");
        c.update::<DaemonSet>(&key, |ds| ds.spec.as_mut().unwrap().template.spec.as_mut().unwrap().containers[0].image = Some("busybox:1.37".into())).unwrap();
        c.update::<DaemonSet>(&key, |ds| {
            ds.metadata.labels.as_mut().unwrap().insert("tier".into(), "infra".into());
        })
        .unwrap();
        assert!(text(&c).contains("Annotations:    deprecated.daemonset.template.generation: 2\n"), "{}", text(&c));
    }
}
