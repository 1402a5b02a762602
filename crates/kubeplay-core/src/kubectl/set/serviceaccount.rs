//! `kubectl set serviceaccount (-f FILE | TYPE NAME) SERVICE_ACCOUNT`
//! (kubectl/pkg/cmd/set/set_serviceaccount.go): sets the pod template's
//! `serviceAccountName`. Unlike its siblings it prints `serviceaccount updated`
//! even when nothing changed (its Run does not skip empty patches).

use k8s_openapi::api::core::v1::PodSpec;

use super::{edit_all, edit_pod_spec, infos, Edited};
use crate::cluster::Cluster;
use crate::kubectl::flags::{flag, FlagDef, FlagKind, Parsed};
use crate::kubectl::Io;
use crate::output::Output;

pub const FLAGS: &[FlagDef] = set_flags!(flag("record", None, FlagKind::Bool));

pub fn set_service_account(cluster: &mut Cluster, p: &Parsed, io: &Io, out: &mut Output, cause: Option<&str>) -> Result<(), String> {
    let Some((account, resources)) = p.args.split_last() else {
        return Err("error: serviceaccount is required".into());
    };
    super::require_resources(resources, p)?;
    let infos = infos(cluster, p, resources, io)?;
    edit_all(cluster, &infos, p, out, "serviceaccount updated", "failed to patch ServiceAccountName ", cause, &mut |info, _, _| {
        let edited = edit_pod_spec(info, &mut |spec: &mut PodSpec| {
            spec.service_account_name = Some(account.clone());
            Ok(())
        })?;
        // The patch is sent (and the object printed) even when it is empty.
        Ok(match edited {
            Edited::Unchanged => Edited::Changed(info.json.clone()),
            changed => changed,
        })
    })
}
