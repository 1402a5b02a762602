//! `kubectl set image (-f FILE | TYPE NAME) CONTAINER_NAME_1=CONTAINER_IMAGE_1 …`
//! (kubectl/pkg/cmd/set/set_image.go): `*` names every container; a container
//! that is not there is an error after the others were updated. Prints
//! `deployment.apps/nginx image updated`.

use std::collections::BTreeMap;

use k8s_openapi::api::core::v1::{Container, PodSpec};

use super::{edit_all, edit_pod_spec, infos, require_resources, resources_and_pairs};
use crate::kubectl::flags::{flag, FlagDef, FlagKind, Parsed};
use crate::kubectl::Io;
use crate::cluster::Cluster;
use crate::output::Output;

pub const FLAGS: &[FlagDef] = set_flags!(flag("record", None, FlagKind::Bool));

/// `ParsePairs(…, "image", false)`: `NAME=IMAGE` only.
fn parse_images(pairs: &[String]) -> Result<BTreeMap<String, String>, String> {
    let invalid: Vec<&str> = pairs.iter().filter(|p| !p.contains('=') || p.starts_with('=')).map(String::as_str).collect();
    if !invalid.is_empty() {
        return Err(format!("error: invalid image format: {}", invalid.join(", ")));
    }
    Ok(crate::sorting::btree_map(pairs.iter().filter_map(|p| p.split_once('=')).map(|(k, v)| (k.to_string(), v.to_string()))))
}

/// `setImage`: whether the name (or `*`) matched a container.
fn set_in(containers: &mut [Container], name: &str, image: &str) -> bool {
    let mut found = false;
    for c in containers.iter_mut().filter(|c| name == "*" || c.name == name) {
        c.image = Some(image.to_string());
        found = true;
    }
    found
}

pub fn set_image(cluster: &mut Cluster, p: &Parsed, io: &Io, out: &mut Output, cause: Option<&str>) -> Result<(), String> {
    let (resources, pairs) = resources_and_pairs(&p.args, "image")?;
    let images = parse_images(&pairs)?;
    require_resources(&resources, p)?;
    let infos = infos(cluster, p, &resources, io)?;
    // Validate: every complaint, one per line.
    let mut invalid = Vec::new();
    if p.bool("all") && p.value("selector").is_some() {
        invalid.push("cannot set --all and --selector at the same time");
    }
    if images.is_empty() {
        invalid.push("at least one image update is required");
    } else if images.len() > 1 && images.contains_key("*") {
        invalid.push("all containers are already specified by *, but saw more than one container_name=container_image pairs");
    }
    match invalid.as_slice() {
        [] => {}
        [one] => return Err(format!("error: {one}")),
        many => return Err(many.join("\n")),
    }
    edit_all(cluster, &infos, p, out, "image updated", "failed to patch image update to pod template: ", cause, &mut |info, _, errors| {
        edit_pod_spec(info, &mut |spec: &mut PodSpec| {
            for (name, image) in &images {
                let in_init = spec.init_containers.as_mut().is_some_and(|cs| set_in(cs, name, image));
                let in_main = set_in(&mut spec.containers, name, image);
                if !in_init && !in_main {
                    errors.push(format!("error: unable to find container named \"{name}\""));
                }
            }
            Ok(())
        })
    })
}
