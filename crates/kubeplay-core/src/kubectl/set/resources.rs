//! `kubectl set resources (-f FILE | TYPE NAME) [--limits=cpu=200m,memory=512Mi]
//! [--requests=…] [-c CONTAINER]` (kubectl/pkg/cmd/set/set_resources.go): merges
//! the quantities into each selected container's limits/requests. Prints
//! `deployment.apps/web resource requirements updated`.

use std::collections::BTreeMap;

use k8s_openapi::api::core::v1::{PodSpec, ResourceRequirements};
use k8s_openapi::apimachinery::pkg::api::resource::Quantity;

use super::{edit_all, edit_pod_spec, require_resources, selected};
use crate::cluster::Cluster;
use crate::kubectl::flags::{flag, FlagDef, FlagKind, Parsed};
use crate::kubectl::Io;
use crate::output::Output;
use crate::printers::quantity::Quantity as Parsed_;

pub const FLAGS: &[FlagDef] = set_flags!(
    flag("limits", None, FlagKind::Value),
    flag("requests", None, FlagKind::Value),
    flag("containers", Some('c'), FlagKind::Value),
    flag("record", None, FlagKind::Bool),
);

const QUANTITY_RULE: &str = "quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'";

/// `populateResourceListV1`: `cpu=200m,memory=512Mi`.
pub fn resource_list(spec: &str) -> Result<BTreeMap<String, Quantity>, String> {
    let mut list = BTreeMap::new();
    if spec.is_empty() {
        return Ok(list);
    }
    for statement in spec.split(',') {
        let parts: Vec<&str> = statement.split('=').collect();
        let [name, value] = parts.as_slice() else {
            return Err(format!("error: Invalid argument syntax {statement}, expected <resource>=<value>"));
        };
        let q = Parsed_::parse(value).ok_or_else(|| format!("error: {QUANTITY_RULE}"))?;
        list.insert(name.to_string(), Quantity(q.to_canonical()));
    }
    Ok(list)
}

pub fn set_resources(cluster: &mut Cluster, p: &Parsed, io: &Io, out: &mut Output, cause: Option<&str>) -> Result<(), String> {
    require_resources(&p.args, p)?;
    let infos = super::infos(cluster, p, &p.args, io)?;
    if p.bool("all") && p.value("selector").is_some() {
        return Err("error: cannot set --all and --selector at the same time".into());
    }
    let (limits, requests) = (p.value("limits").unwrap_or(""), p.value("requests").unwrap_or(""));
    if limits.is_empty() && requests.is_empty() {
        return Err("error: you must specify an update to requests or limits (in the form of --requests/--limits)".into());
    }
    let (limits, requests) = (resource_list(limits)?, resource_list(requests)?);
    let pattern = p.value("containers").unwrap_or("*").to_string();
    edit_all(cluster, &infos, p, out, "resource requirements updated", "failed to patch resources update to pod template ", cause, &mut |info, _, errors| {
        let mut missing = false;
        let edited = edit_pod_spec(info, &mut |spec: &mut PodSpec| {
            let containers = selected(spec, &pattern);
            missing = containers.is_empty();
            for c in containers {
                let r = c.resources.get_or_insert_with(ResourceRequirements::default);
                if !limits.is_empty() {
                    r.limits.get_or_insert_with(BTreeMap::new).extend(limits.clone());
                }
                if !requests.is_empty() {
                    r.requests.get_or_insert_with(BTreeMap::new).extend(requests.clone());
                }
            }
            Ok(())
        });
        if missing {
            errors.push(format!("error: unable to find container named {pattern}"));
        }
        edited
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn resource_lists_parse_as_the_generator_does() {
        let l = resource_list("cpu=200m,memory=512Mi").unwrap();
        assert_eq!(l["cpu"], Quantity("200m".into()));
        assert_eq!(l["memory"], Quantity("512Mi".into()));
        assert_eq!(resource_list("cpu").unwrap_err(), "error: Invalid argument syntax cpu, expected <resource>=<value>");
        assert!(resource_list("cpu=abc").unwrap_err().starts_with("error: quantities must match"));
    }
}
