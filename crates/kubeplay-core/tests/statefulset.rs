//! The StatefulSet controller with storage, end to end through `Cluster`: the
//! official docs' `web` example (headless Service `nginx`, StatefulSet `web` with
//! `volumeClaimTemplates` `www`).

use k8s_openapi::api::apps::v1::StatefulSet;
use k8s_openapi::api::core::v1::{PersistentVolume, PersistentVolumeClaim, Pod};
use kubeplay_core::{Cluster, ClusterConfig};

const WEB: &str = r#"{
  "apiVersion": "apps/v1", "kind": "StatefulSet",
  "metadata": {"name": "web"},
  "spec": {
    "selector": {"matchLabels": {"app": "nginx"}},
    "serviceName": "nginx",
    "replicas": 2,
    "minReadySeconds": 10,
    "template": {
      "metadata": {"labels": {"app": "nginx"}},
      "spec": {
        "terminationGracePeriodSeconds": 10,
        "containers": [{"name": "nginx", "image": "registry.k8s.io/nginx-slim:0.24",
          "ports": [{"containerPort": 80, "name": "web"}],
          "volumeMounts": [{"name": "www", "mountPath": "/usr/share/nginx/html"}]}]
      }
    },
    "volumeClaimTemplates": [{
      "metadata": {"name": "www"},
      "spec": {"accessModes": ["ReadWriteOnce"], "storageClassName": "local-path", "resources": {"requests": {"storage": "1Gi"}}}
    }]
  }
}"#;

fn pod_names(c: &Cluster) -> Vec<String> {
    c.store.pods.list(Some("default")).map(|p| p.metadata.name.clone().unwrap_or_default()).collect()
}

#[test]
fn web_pods_come_up_in_order_with_their_claims() {
    let mut c = Cluster::new(ClusterConfig::default());
    let set: StatefulSet = serde_json::from_str(WEB).unwrap();
    c.create(set).unwrap();
    c.settle();
    assert_eq!(pod_names(&c), vec!["web-0"]);
    let pvc = c.store.get::<PersistentVolumeClaim>("default", "www-web-0").expect("claim made before the pod");
    assert_eq!(pvc.status.as_ref().unwrap().phase.as_deref(), Some("Bound"));
    let pv_name = pvc.spec.as_ref().unwrap().volume_name.clone().unwrap();
    assert!(pv_name.starts_with("pvc-"));
    assert!(c.store.get::<PersistentVolume>("", &pv_name).is_some());
    let pod = c.store.get::<Pod>("default", "web-0").unwrap();
    let spec = pod.spec.as_ref().unwrap();
    assert_eq!(spec.hostname.as_deref(), Some("web-0"));
    assert_eq!(spec.subdomain.as_deref(), Some("nginx"));
    assert!(spec.node_name.is_some(), "scheduled once the claim is bound");
    c.advance_by(30_000);
    assert_eq!(pod_names(&c), vec!["web-0", "web-1"]);
    c.advance_by(30_000);
    let set = c.store.get::<StatefulSet>("default", "web").unwrap();
    assert_eq!(set.status.as_ref().unwrap().ready_replicas, Some(2));
    // Scale down: web-1 goes, its claim stays.
    c.store.modify::<StatefulSet>(&kubeplay_core::api::ObjectKey::new("default", "web"), |s| s.spec.as_mut().unwrap().replicas = Some(1));
    c.settle();
    assert!(c.store.get::<Pod>("default", "web-1").unwrap().metadata.deletion_timestamp.is_some());
    c.advance_by(15_000);
    assert_eq!(pod_names(&c), vec!["web-0"]);
    assert!(c.store.get::<PersistentVolumeClaim>("default", "www-web-1").is_some());
}
