//! `kubectl describe configmap` (describe.go `ConfigMapDescriber`): the data keys
//! sorted, each value after a `----` line, binary data as byte counts.

use k8s_openapi::api::core::v1::ConfigMap;

use super::events::{describe_events, search, EventQuery};
use super::fields;
use super::writer::{PrefixWriter, LEVEL_0};
use super::{Settings, Target};
use crate::api::{ApiError, ApiKind};
use crate::cluster::Cluster;

pub fn describe(cluster: &Cluster, t: &Target, settings: &Settings) -> Result<String, ApiError> {
    let cm = cluster.store.get::<ConfigMap>(t.namespace, t.name).ok_or_else(|| ApiError::not_found(&ConfigMap::qualified_resource(), t.name))?;
    let mut w = PrefixWriter::new();
    w.write(LEVEL_0, &format!("Name:\t{}\n", t.name));
    w.write(LEVEL_0, &format!("Namespace:\t{}\n", t.namespace));
    fields::labels(&mut w, "Labels", cm.metadata.labels.as_ref());
    fields::annotations(&mut w, "Annotations", cm.metadata.annotations.as_ref());
    w.write(LEVEL_0, "\nData\n====\n");
    for (k, v) in cm.data.iter().flatten() {
        w.write(LEVEL_0, &format!("{k}:\n----\n"));
        w.write(LEVEL_0, &format!("{v}\n"));
        w.write(LEVEL_0, "\n");
    }
    w.write(LEVEL_0, "\nBinaryData\n====\n");
    for (k, v) in cm.binary_data.iter().flatten() {
        w.write(LEVEL_0, &format!("{k}: {} bytes\n", v.0.len()));
    }
    w.write(LEVEL_0, "\n");
    if settings.show_events {
        let uid = cm.metadata.uid.clone().unwrap_or_default();
        let events = search(cluster, &EventQuery { name: t.name, namespace: t.namespace, kind: Some("ConfigMap"), uid: &uid });
        describe_events(&mut w, &events, cluster.now());
    }
    Ok(w.finish())
}
