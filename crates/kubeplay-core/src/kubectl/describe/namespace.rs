//! `kubectl describe namespace` (describe.go `describeNamespace`). kubeplay has no
//! ResourceQuota or LimitRange objects, so both sections report none, as an
//! API server with empty lists does.

use k8s_openapi::api::core::v1::Namespace;

use super::fields::{self, rfc1123z_or_zero};
use super::writer::{PrefixWriter, LEVEL_0, LEVEL_1};
use super::{Settings, Target};
use crate::api::{ApiError, ApiKind};
use crate::cluster::Cluster;

pub fn describe(cluster: &Cluster, t: &Target, _settings: &Settings) -> Result<String, ApiError> {
    let ns = cluster.store.get::<Namespace>("", t.name).ok_or_else(|| ApiError::not_found(&Namespace::qualified_resource(), t.name))?;
    let status = ns.status.clone().unwrap_or_default();
    let mut w = PrefixWriter::new();
    w.write(LEVEL_0, &format!("Name:\t{}\n", t.name));
    fields::labels(&mut w, "Labels", ns.metadata.labels.as_ref());
    fields::annotations(&mut w, "Annotations", ns.metadata.annotations.as_ref());
    w.write(LEVEL_0, &format!("Status:\t{}\n", status.phase.as_deref().unwrap_or("")));
    if let Some(conds) = status.conditions.as_ref().filter(|c| !c.is_empty()) {
        w.write(LEVEL_0, "Conditions:\n");
        w.write(LEVEL_1, "Type\tStatus\tLastTransitionTime\tReason\tMessage\n");
        w.write(LEVEL_1, "----\t------\t------------------\t------\t-------\n");
        for c in conds {
            w.write(
                LEVEL_1,
                &format!(
                    "{}\t{}\t{}\t{}\t{}\n",
                    c.type_,
                    c.status,
                    rfc1123z_or_zero(c.last_transition_time.as_ref()),
                    c.reason.as_deref().unwrap_or(""),
                    c.message.as_deref().unwrap_or("")
                ),
            );
        }
    }
    w.write(LEVEL_0, "\n");
    w.write(LEVEL_0, "No resource quota.\n");
    w.write(LEVEL_0, "\n");
    w.write(LEVEL_0, "No LimitRange resource.\n");
    Ok(w.finish())
}
