//! `kubectl set env RESOURCE/NAME KEY_1=VAL_1 … KEY_N-` (kubectl/pkg/cmd/set/
//! set_env.go, env/env_parse.go): sets and removes variables in the selected
//! containers (`-c`, default all), `-e KEY=VAL`, `--from=configmap/x|secret/x`
//! (each key upper-cased into a reference), `--prefix`, `--overwrite=false`, and
//! `--list` (`# Deployment web, container nginx` then `KEY=VALUE` lines).
//! Prints `deployment.apps/web env updated`.

use k8s_openapi::api::core::v1::{
    ConfigMap, ConfigMapKeySelector, EnvVar, EnvVarSource, PodSpec, Secret, SecretKeySelector,
};

use super::{edit_all, edit_pod_spec, selected, Edited};
use crate::api::validation;
use crate::cluster::Cluster;
use crate::kubectl::builder::Info;
use crate::kubectl::flags::{flag, FlagDef, FlagKind, Parsed};
use crate::kubectl::Io;
use crate::output::Output;

pub const FLAGS: &[FlagDef] = set_flags!(
    flag("containers", Some('c'), FlagKind::Value),
    flag("from", None, FlagKind::Value),
    flag("prefix", None, FlagKind::Value),
    flag("env", Some('e'), FlagKind::Value),
    flag("keys", None, FlagKind::Value),
    flag("list", None, FlagKind::Bool),
    flag("resolve", None, FlagKind::Bool),
    flag("overwrite", None, FlagKind::Bool),
);

/// `argumentEnvironment` (`^(.+)=(.*)$`) or a removal `KEY-`.
fn is_env_argument(s: &str) -> bool {
    s.find('=').is_some_and(|i| i > 0) || s.ends_with('-')
}

/// `SplitEnvironmentFromResources`.
fn split(args: &[String]) -> Option<(Vec<String>, Vec<String>)> {
    let at = args.iter().position(|a| is_env_argument(a)).unwrap_or(args.len());
    let (resources, env) = args.split_at(at);
    env.iter().all(|a| is_env_argument(a)).then(|| (resources.to_vec(), env.to_vec()))
}

/// `ParseEnv`: variables to set and names to remove.
pub fn parse_env(specs: &[String]) -> Result<(Vec<EnvVar>, Vec<String>), String> {
    let mut env = Vec::new();
    let mut remove = Vec::new();
    for spec in specs {
        if let Some((name, value)) = spec.split_once('=') {
            let errs = validation::env_var_name_errors(name);
            if !errs.is_empty() {
                return Err(format!("error: \"{name}\" is not a valid key name: {}", errs.join(";")));
            }
            env.push(EnvVar { name: name.into(), value: Some(value.into()), value_from: None });
        } else if let Some(name) = spec.strip_suffix('-') {
            remove.push(name.to_string());
        } else if spec == "-" {
            return Err("error: when '-' is used, STDIN must be open".into());
        } else {
            return Err(format!("error: unknown environment variable: {spec}"));
        }
    }
    if remove.iter().any(|r| env.iter().any(|e| &e.name == r)) {
        return Err("error: can not both modify and remove the same environment variable in the same command".into());
    }
    Ok((env, remove))
}

/// set/helper.go `updateEnv`: a set variable replaces every namesake in place;
/// a removal wins over a set.
pub fn update_env(existing: &[EnvVar], env: &[EnvVar], remove: &[String]) -> Vec<EnvVar> {
    let mut covered: Vec<String> = remove.to_vec();
    let mut out = Vec::new();
    for e in existing {
        if covered.contains(&e.name) {
            continue;
        }
        match env.iter().find(|n| n.name == e.name) {
            Some(newer) => {
                covered.push(e.name.clone());
                out.push(newer.clone());
            }
            None => out.push(e.clone()),
        }
    }
    for e in env {
        if !covered.contains(&e.name) {
            covered.push(e.name.clone());
            out.push(e.clone());
        }
    }
    out
}

/// `keyToEnvName`: `[^a-zA-Z0-9_]` → `_`, upper case.
fn key_to_env_name(key: &str) -> String {
    key.chars().map(|c| if c.is_ascii_alphanumeric() || c == '_' { c } else { '_' }).collect::<String>().to_uppercase()
}

/// `--from=configmap/NAME|secret/NAME`: one reference per data key (sorted; Go's
/// map order is random), filtered by `--keys`.
fn from_source(cluster: &Cluster, p: &Parsed, from: &str) -> Result<Vec<EnvVar>, String> {
    let keys: Vec<&str> = p.value("keys").map(|k| k.split(',').collect()).unwrap_or_default();
    let wanted = |k: &str| keys.is_empty() || keys.contains(&k);
    let ns = p.namespace();
    let (kind, name) = from.split_once('/').ok_or_else(|| "error: unsupported resource specified in --from".to_string())?;
    let rt = crate::kubectl::resources::resolve(kind).ok_or_else(|| format!("error: the server doesn't have a resource type \"{kind}\""))?;
    let reference = |key: &str, source: EnvVarSource| EnvVar { name: key_to_env_name(key), value: None, value_from: Some(source) };
    match rt.kind {
        "ConfigMap" => {
            let cm = cluster.store.get::<ConfigMap>(ns, name).ok_or_else(|| format!("Error from server (NotFound): configmaps \"{name}\" not found"))?;
            Ok(cm.data.iter().flatten().map(|(k, _)| k).filter(|k| wanted(k)).map(|k| {
                let sel = ConfigMapKeySelector { name: name.into(), key: k.clone(), optional: None };
                reference(k, EnvVarSource { config_map_key_ref: Some(sel), ..Default::default() })
            }).collect())
        }
        "Secret" => {
            let s = cluster.store.get::<Secret>(ns, name).ok_or_else(|| format!("Error from server (NotFound): secrets \"{name}\" not found"))?;
            Ok(s.data.iter().flatten().map(|(k, _)| k).filter(|k| wanted(k)).map(|k| {
                let sel = SecretKeySelector { name: name.into(), key: k.clone(), optional: None };
                reference(k, EnvVarSource { secret_key_ref: Some(sel), ..Default::default() })
            }).collect())
        }
        _ => Err("error: unsupported resource specified in --from".into()),
    }
}

/// `GetEnvVarRefString`.
fn ref_string(from: &EnvVarSource) -> String {
    if let Some(r) = &from.config_map_key_ref {
        return format!("configmap {}, key {}", r.name, r.key);
    }
    if let Some(r) = &from.secret_key_ref {
        return format!("secret {}, key {}", r.name, r.key);
    }
    if let Some(r) = &from.field_ref {
        return format!("field path {}", r.field_path);
    }
    if let Some(r) = &from.resource_field_ref {
        let prefix = r.container_name.as_deref().filter(|c| !c.is_empty()).map(|c| format!("{c}/")).unwrap_or_default();
        return format!("resource field {prefix}{}", r.resource);
    }
    "invalid valueFrom".into()
}

fn list(info: &Info, spec: &PodSpec, pattern: &str, out: &mut Output) {
    let mut spec = spec.clone();
    for c in selected(&mut spec, pattern) {
        out.out(&format!("# {} {}, container {}", info.rt.kind, info.key.name, c.name));
        for e in c.env.iter().flatten() {
            match &e.value_from {
                None => out.out(&format!("{}={}", e.name, e.value.as_deref().unwrap_or(""))),
                Some(from) => out.out(&format!("# {} from {}", e.name, ref_string(from))),
            }
        }
    }
}

/// `set env` has no `--record`: `_cause` is always `None`.
pub fn set_env(cluster: &mut Cluster, p: &Parsed, io: &Io, out: &mut Output, _cause: Option<&str>) -> Result<(), String> {
    if p.bool("all") && p.value("selector").is_some() {
        return Err("error: cannot set --all and --selector at the same time".into());
    }
    let (resources, env_args) = split(&p.args).ok_or_else(|| format!("error: all resources must be specified before environment changes: {}", p.args.join(" ")))?;
    if p.values("filename").is_empty() && resources.is_empty() {
        return Err("error: one or more resources must be specified as <resource> <name> or <resource>/<name>".into());
    }
    if p.bool("list") && p.value("output").is_some() {
        return Err("error: --list and --output may not be specified together".into());
    }
    if p.value("keys").is_some() && p.value("from").is_none() {
        return Err("error: when specifying --keys, a configmap or secret must be provided with --from".into());
    }
    let specs: Vec<String> = p.values("env").iter().chain(env_args.iter()).cloned().collect();
    let (mut env, remove) = parse_env(&specs)?;
    if let Some(from) = p.value("from") {
        env.extend(from_source(cluster, p, from)?);
    }
    if let Some(prefix) = p.value("prefix") {
        env.iter_mut().for_each(|e| e.name = format!("{prefix}{}", e.name));
    }
    let infos = super::infos(cluster, p, &resources, io)?;
    let pattern = p.value("containers").unwrap_or("*").to_string();
    let overwrite = !p.is_set("overwrite") || p.bool("overwrite");
    let listing = p.bool("list");
    let result = edit_all(cluster, &infos, p, out, "env updated", "failed to patch env update to pod template: ", None, &mut |info, out, _| {
        let edited = edit_pod_spec(info, &mut |spec: &mut PodSpec| {
            let containers = selected(spec, &pattern);
            if containers.is_empty() {
                out.err(&format!("Warning: {}/{} does not have any containers matching \"{pattern}\"", info.rt.kind, info.key.name));
                return Ok(());
            }
            for c in containers {
                let current = c.env.clone().unwrap_or_default();
                if !overwrite {
                    if let Some(clash) = env.iter().find_map(|e| current.iter().find(|cur| cur.name == e.name && cur.value != e.value)) {
                        return Err(format!("error: {}\n '{}' already has a value ({}), and --overwrite is false", info.object_name(), clash.name, clash.value.as_deref().unwrap_or("")));
                    }
                }
                let updated = update_env(&current, &env, &remove);
                c.env = (!updated.is_empty()).then_some(updated);
            }
            if listing {
                list(info, spec, &pattern, out);
            }
            Ok(())
        });
        // `--list` shows the variables (with the changes asked for) and writes nothing.
        if listing { Ok(Edited::Unchanged) } else { edited }
    });
    result
}

#[cfg(test)]
mod tests {
    use super::*;

    fn var(n: &str, v: &str) -> EnvVar {
        EnvVar { name: n.into(), value: Some(v.into()), value_from: None }
    }

    #[test]
    fn set_replaces_in_place_and_removal_wins() {
        let existing = vec![var("A", "1"), var("B", "2")];
        let updated = update_env(&existing, &[var("A", "9"), var("C", "3")], &["B".to_string()]);
        assert_eq!(updated, vec![var("A", "9"), var("C", "3")]);
    }

    #[test]
    fn env_arguments_split_from_resources() {
        let args: Vec<String> = ["deployment/web", "A=1", "B-"].iter().map(|s| s.to_string()).collect();
        assert_eq!(split(&args), Some((vec!["deployment/web".to_string()], vec!["A=1".to_string(), "B-".to_string()])));
        let bad: Vec<String> = ["deployment/web", "A=1", "foo"].iter().map(|s| s.to_string()).collect();
        assert_eq!(split(&bad), None);
        assert_eq!(parse_env(&["1A=x".to_string()]).unwrap_err().split(':').next(), Some("error"));
    }
}
