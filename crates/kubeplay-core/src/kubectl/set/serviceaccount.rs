//! `kubectl set serviceaccount (-f FILE | TYPE NAME) SERVICE_ACCOUNT`
//! (kubectl/pkg/cmd/set/set_serviceaccount.go): sets the pod template's
//! `serviceAccountName`. Unlike its siblings it prints `serviceaccount updated`
//! even when nothing changed (its Run does not skip empty patches).

use k8s_openapi::api::core::v1::PodSpec;

use super::{edit_all, edit_pod_spec, finish, infos, Edited};
use crate::cluster::Cluster;
use crate::kubectl::flags::{self, flag, FlagDef, FlagKind, Parsed};
use crate::kubectl::{usage_error, Io};
use crate::output::Output;

const FLAGS: &[FlagDef] = set_flags!(flag("record", None, FlagKind::Bool));

pub fn run(cluster: &mut Cluster, args: &[String], io: &mut Io, out: &mut Output) -> i32 {
    let p = match flags::parse(args, FLAGS, io.kubeconfig) {
        Ok(p) => p,
        Err(e) => return usage_error("set serviceaccount", e.message(), out),
    };
    let cause = super::super::record::recorder(&["set", "serviceaccount"], &p, out);
    let result = set_service_account(cluster, &p, io, out, cause.as_deref());
    finish(result, out)
}

fn set_service_account(cluster: &mut Cluster, p: &Parsed, io: &Io, out: &mut Output, cause: Option<&str>) -> Result<(), String> {
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
