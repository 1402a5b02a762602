//! `kubectl describe serviceaccount` (describe.go `describeServiceAccount`): image
//! pull secrets, mountable secrets and token secrets, each `<none>` when empty and
//! `(not found)` for a named secret that does not exist.

use k8s_openapi::api::core::v1::{Secret, ServiceAccount};

use super::events::{describe_events, search, EventQuery};
use super::fields;
use super::writer::{PrefixWriter, LEVEL_0};
use super::{Settings, Target};
use crate::api::{ApiError, ApiKind};
use crate::cluster::Cluster;

pub fn describe(cluster: &Cluster, t: &Target, settings: &Settings) -> Result<String, ApiError> {
    let sa = cluster.store.get::<ServiceAccount>(t.namespace, t.name).ok_or_else(|| ApiError::not_found(&ServiceAccount::qualified_resource(), t.name))?;
    let uid = sa.metadata.uid.clone().unwrap_or_default();
    let secrets: Vec<&Secret> = cluster.store.secrets.list(Some(t.namespace)).collect();
    let exists = |name: &str| secrets.iter().any(|s| s.metadata.name.as_deref() == Some(name));
    let tokens: Vec<String> = secrets
        .iter()
        .filter(|s| s.type_.as_deref() == Some("kubernetes.io/service-account-token"))
        .filter(|s| {
            let a = s.metadata.annotations.clone().unwrap_or_default();
            a.get("kubernetes.io/service-account.name").map(String::as_str) == Some(t.name) && a.get("kubernetes.io/service-account.uid") == Some(&uid)
        })
        .filter_map(|s| s.metadata.name.clone())
        .collect();
    let pull: Vec<String> = sa.image_pull_secrets.iter().flatten().map(|r| r.name.clone()).collect();
    let mount: Vec<String> = sa.secrets.iter().flatten().filter_map(|r| r.name.clone()).collect();
    let mut w = PrefixWriter::new();
    w.write(LEVEL_0, &format!("Name:\t{}\n", t.name));
    w.write(LEVEL_0, &format!("Namespace:\t{}\n", t.namespace));
    fields::labels(&mut w, "Labels", sa.metadata.labels.as_ref());
    fields::annotations(&mut w, "Annotations", sa.metadata.annotations.as_ref());
    const EMPTY_HEADER: &str = "                   ";
    // The headers sorted, as describe.go iterates a sorted key set.
    for (header, names, check) in [("Image pull secrets:", &pull, true), ("Mountable secrets: ", &mount, true), ("Tokens:            ", &tokens, false)] {
        if names.is_empty() {
            w.write(LEVEL_0, &format!("{header}\t<none>\n"));
            continue;
        }
        let mut prefix = header;
        for name in names {
            if check && !exists(name) {
                w.write(LEVEL_0, &format!("{prefix}\t{name} (not found)\n"));
            } else {
                w.write(LEVEL_0, &format!("{prefix}\t{name}\n"));
            }
            prefix = EMPTY_HEADER;
        }
    }
    if settings.show_events {
        let events = search(cluster, &EventQuery { name: t.name, namespace: t.namespace, kind: Some("ServiceAccount"), uid: &uid });
        describe_events(&mut w, &events, cluster.now());
    }
    Ok(w.finish())
}
