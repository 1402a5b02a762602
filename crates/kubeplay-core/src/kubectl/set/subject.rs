//! `kubectl set subject (-f FILE | TYPE NAME) --user=U --group=G
//! --serviceaccount=NS:NAME` (kubectl/pkg/cmd/set/set_subject.go): adds subjects to
//! RoleBindings and ClusterRoleBindings. The simulated cluster serves no
//! rbac.authorization.k8s.io resources, so naming them fails as the builder fails
//! for any type the server does not have; every other kind is refused as kubectl
//! refuses it, and the flags are validated in kubectl's order (builder first).

use super::infos;
use crate::cluster::Cluster;
use crate::kubectl::flags::{flag, FlagDef, FlagKind, Parsed};
use crate::kubectl::Io;
use crate::output::Output;

pub const FLAGS: &[FlagDef] = set_flags!(
    flag("user", None, FlagKind::Value),
    flag("group", None, FlagKind::Value),
    flag("serviceaccount", None, FlagKind::Value),
);

pub fn set_subject(cluster: &mut Cluster, p: &Parsed, io: &Io, _out: &mut Output, _cause: Option<&str>) -> Result<(), String> {
    // Complete: the objects (the builder's errors come first).
    let infos = infos(cluster, p, &p.args, io)?;
    // Validate.
    if p.bool("all") && p.value("selector").is_some() {
        return Err("error: cannot set --all and --selector at the same time".into());
    }
    if p.values("user").is_empty() && p.values("group").is_empty() && p.values("serviceaccount").is_empty() {
        return Err("error: you must specify at least one value of user, group or serviceaccount".into());
    }
    for sa in p.values("serviceaccount") {
        let tokens: Vec<&str> = sa.split(':').collect();
        if tokens.len() != 2 || tokens[1].is_empty() {
            return Err("error: serviceaccount must be <namespace>:<name>".into());
        }
    }
    // Run: no object here is a binding (the kinds are not served).
    let errors: Vec<String> = infos.iter().map(|info| format!("error: {}\n setting subjects is only supported for RoleBinding/ClusterRoleBinding", info.object_name())).collect();
    match errors.is_empty() {
        true => Ok(()),
        false => Err(errors.join("\n")),
    }
}
