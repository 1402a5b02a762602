//! `kubectl taint nodes NAME k=v:Effect ... [k:Effect-]` (kubectl/pkg/cmd/taint
//! taint.go, utils.go): the taint specs are parsed and validated client-side with
//! kubectl's messages, then merged into the node's taints the way
//! `reorganizeTaints` does (new ones first), printing `node/x tainted`,
//! `untainted` or `modified`. The API server stamps `timeAdded` on NoExecute
//! taints, which the taint-eviction controller counts from.

use k8s_openapi::api::core::v1::{Node, Taint};

use super::flags::{self, flag, FlagDef, FlagKind};
use super::selection::node_names;
use super::{usage_error, Io, Outcome};
use crate::api::selectors::parse_selector;
use crate::api::ObjectKey;
use crate::cluster::Cluster;
use crate::output::Output;

const FLAGS: &[FlagDef] = &[
    flag("overwrite", None, FlagKind::Bool),
    flag("all", None, FlagKind::Bool),
    flag("selector", Some('l'), FlagKind::Value),
    flag("dry-run", None, FlagKind::Value),
    flag("output", Some('o'), FlagKind::Value),
    flag("validate", None, FlagKind::Value),
    flag("field-manager", None, FlagKind::Value),
];

const NAME_MSG: &str = "name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')";
const VALUE_MSG: &str = "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')";

fn is_name_part(s: &str) -> bool {
    let b = s.as_bytes();
    !b.is_empty()
        && b.iter().all(|c| c.is_ascii_alphanumeric() || matches!(c, b'-' | b'_' | b'.'))
        && b[0].is_ascii_alphanumeric()
        && b[b.len() - 1].is_ascii_alphanumeric()
}

/// `validation.IsQualifiedName` (prefix `/` name), with its messages.
fn qualified_name_errors(key: &str) -> Vec<String> {
    let (prefix, name) = match key.split_once('/') {
        Some((p, n)) => (Some(p), n),
        None => (None, key),
    };
    let mut errs = Vec::new();
    if let Some(p) = prefix {
        if p.is_empty() {
            errs.push("prefix part must be non-empty".to_string());
        } else if !crate::api::validation::dns1123_subdomain("x", p).is_empty() {
            errs.push("prefix part a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')".into());
        }
    }
    if name.is_empty() {
        errs.push("name part must be non-empty".into());
    } else if name.len() > 63 {
        errs.push("name part must be no more than 63 characters".into());
    }
    if !is_name_part(name) {
        errs.push(NAME_MSG.into());
    }
    errs
}

/// `parseTaint`: `key=value:Effect`, `key:Effect` or `key`.
fn parse_taint(spec: &str) -> Result<Taint, String> {
    let parts: Vec<&str> = spec.split(':').collect();
    let (key, value, effect) = match parts.as_slice() {
        [key] => (key.to_string(), None, String::new()),
        [kv, effect] => {
            if !matches!(*effect, "NoSchedule" | "PreferNoSchedule" | "NoExecute") {
                return Err(format!("invalid taint effect: {effect}, unsupported taint effect"));
            }
            let kvs: Vec<&str> = kv.split('=').collect();
            match kvs.as_slice() {
                [k] => (k.to_string(), None, effect.to_string()),
                [k, v] => {
                    let valid = v.is_empty() || (v.len() <= 63 && is_name_part(v));
                    if !valid {
                        let detail = if v.len() > 63 { "must be no more than 63 characters".to_string() } else { VALUE_MSG.to_string() };
                        return Err(format!("invalid taint spec: {spec}, {detail}"));
                    }
                    (k.to_string(), Some(v.to_string()).filter(|v| !v.is_empty()), effect.to_string())
                }
                _ => return Err(format!("invalid taint spec: {spec}")),
            }
        }
        _ => return Err(format!("invalid taint spec: {spec}")),
    };
    let errs = qualified_name_errors(&key);
    if !errs.is_empty() {
        return Err(format!("invalid taint spec: {spec}, {}", errs.join("; ")));
    }
    Ok(Taint { key, value, effect, time_added: None })
}

/// `parseTaints`: additions (with an effect, unique by key+effect) and removals (`-`).
fn parse_taints(specs: &[String]) -> Result<(Vec<Taint>, Vec<Taint>), String> {
    let mut add: Vec<Taint> = Vec::new();
    let mut remove = Vec::new();
    for spec in specs {
        if let Some(r) = spec.strip_suffix('-') {
            remove.push(parse_taint(r)?);
        } else {
            let t = parse_taint(spec)?;
            if t.effect.is_empty() {
                return Err(format!("invalid taint spec: {spec}"));
            }
            if add.iter().any(|x| x.key == t.key && x.effect == t.effect) {
                return Err(format!("duplicated taints with the same key and effect: {}", go_taint(&t)));
            }
            add.push(t);
        }
    }
    Ok((add, remove))
}

/// `%v` of a `corev1.Taint` value: `{key value effect <nil>}`.
fn go_taint(t: &Taint) -> String {
    format!("{{{} {} {} <nil>}}", t.key, t.value.as_deref().unwrap_or(""), t.effect)
}

/// `Taint.ToString`: `key=value:Effect`, parts left out when empty.
fn taint_string(t: &Taint) -> String {
    let mut s = t.key.clone();
    if let Some(v) = t.value.as_deref().filter(|v| !v.is_empty()) {
        s = format!("{s}={v}");
    }
    if !t.effect.is_empty() {
        s = format!("{s}:{}", t.effect);
    }
    s
}

/// `reorganizeTaints`: the operation word and the node's new taints.
fn reorganize(old: &[Taint], add: &[Taint], remove: &[Taint], overwrite: bool) -> Result<(&'static str, Vec<Taint>), String> {
    let mut next: Vec<Taint> = add.to_vec();
    for o in old {
        if !next.iter().any(|t| t.key == o.key && t.effect == o.effect) {
            next.push(o.clone());
        }
    }
    let added = old.len() != next.len();
    let mut errs = Vec::new();
    let mut deleted = false;
    for r in remove {
        let before = next.len();
        next.retain(|t| !(t.key == r.key && (r.effect.is_empty() || t.effect == r.effect)));
        deleted = next.len() != before;
        if !deleted {
            errs.push(format!("taint \"{}\" not found", taint_string(r)));
        }
    }
    if !errs.is_empty() {
        return Err(if errs.len() == 1 { errs.remove(0) } else { format!("[{}]", errs.join(", ")) });
    }
    let op = if (added && deleted) || overwrite {
        "modified"
    } else if added {
        "tainted"
    } else {
        "untainted"
    };
    Ok((op, next))
}

pub fn run(c: &mut Cluster, args: &[String], io: &mut Io, out: &mut Output) -> Outcome {
    let p = match flags::parse(args, FLAGS, io.kubeconfig) {
        Ok(p) => p,
        Err(e) => return Outcome::code(usage_error("taint", e.message(), out)),
    };
    // Resources come first, then the taint changes (anything with `=`, `:` or a trailing `-`).
    let split = p.args.iter().position(|a| a.contains('=') || a.contains(':') || a.ends_with('-'));
    let (resources, specs) = p.args.split_at(split.unwrap_or(p.args.len()));
    if let Some(late) = specs.iter().find(|s| !(s.contains('=') || s.contains(':') || s.ends_with('-'))) {
        out.err(&format!("error: all resources must be specified before taint changes: {late}"));
        return Outcome::code(1);
    }
    if resources.is_empty() {
        out.err("error: one or more resources must be specified as <resource> <name>");
        return Outcome::code(1);
    }
    if specs.is_empty() {
        out.err("error: at least one taint update is required");
        return Outcome::code(1);
    }
    let (add, remove) = match parse_taints(specs) {
        Ok(x) => x,
        Err(e) => {
            out.err(&format!("error: {e}"));
            out.err("See 'kubectl taint -h' for help and examples");
            return Outcome::code(1);
        }
    };
    let (kind, mut names) = match resources[0].split_once('/') {
        Some((k, n)) => (k.to_string(), vec![n.to_string()]),
        None => (resources[0].clone(), resources[1..].to_vec()),
    };
    if !matches!(kind.as_str(), "node" | "nodes" | "no") {
        out.err(&format!("error: invalid resource type {kind}, only node types are supported"));
        return Outcome::code(1);
    }
    if p.bool("all") || p.is_set("selector") {
        let reqs = parse_selector(p.value("selector").unwrap_or("")).unwrap_or_default();
        names = node_names(c, &reqs);
    } else if names.is_empty() {
        out.err("error: at least one resource name must be specified since 'all' parameter is not set");
        return Outcome::code(1);
    }
    let dry = matches!(p.value("dry-run"), Some("client" | "server" | "true"));
    let mut code = 0;
    let now = c.now();
    for name in names {
        let Some(node) = c.store.get::<Node>("", &name) else {
            out.err(&format!("Error from server (NotFound): nodes \"{name}\" not found"));
            code = 1;
            continue;
        };
        let old = node.spec.as_ref().and_then(|s| s.taints.clone()).unwrap_or_default();
        if !p.bool("overwrite") {
            let exists: Vec<&str> = add.iter().filter(|t| old.iter().any(|o| o.key == t.key && o.effect == t.effect)).map(|t| t.key.as_str()).collect();
            if !exists.is_empty() {
                out.err(&format!("error: node {name} already has {} taint(s) with same effect(s) and --overwrite is false", exists.join(",")));
                code = 1;
                continue;
            }
        }
        let (op, mut next) = match reorganize(&old, &add, &remove, p.bool("overwrite")) {
            Ok(x) => x,
            Err(e) => {
                out.err(&format!("error: {e}"));
                code = 1;
                continue;
            }
        };
        for t in next.iter_mut().filter(|t| t.effect == "NoExecute" && t.time_added.is_none()) {
            t.time_added = Some(now.to_k8s());
        }
        if !dry {
            c.store.modify::<Node>(&ObjectKey::new("", &name), |n| {
                n.spec.get_or_insert_with(Default::default).taints = (!next.is_empty()).then_some(next.clone());
            });
        }
        let suffix = if dry { " (dry run)" } else { "" };
        match p.value("output") {
            Some("name") => out.out(&format!("node/{name}")),
            _ => out.out(&format!("node/{name} {op}{suffix}")),
        }
    }
    c.settle();
    Outcome::code(code)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn specs_parse_as_kubectl_does() {
        let t = parse_taint("dedicated=gpu:NoSchedule").unwrap();
        assert_eq!((t.key.as_str(), t.value.as_deref(), t.effect.as_str()), ("dedicated", Some("gpu"), "NoSchedule"));
        assert_eq!(parse_taint("k=v:Bad").unwrap_err(), "invalid taint effect: Bad, unsupported taint effect");
        assert!(parse_taint("=v:NoSchedule").unwrap_err().starts_with("invalid taint spec: =v:NoSchedule, name part must be non-empty; name part must consist"));
        assert_eq!(parse_taints(&["k".into()]).unwrap_err(), "invalid taint spec: k");
    }

    #[test]
    fn reorganize_reports_the_operation() {
        let cp = Taint { key: "node-role.kubernetes.io/control-plane".into(), effect: "NoSchedule".into(), ..Default::default() };
        let add = parse_taint("k=v:NoSchedule").unwrap();
        let (op, next) = reorganize(std::slice::from_ref(&cp), std::slice::from_ref(&add), &[], false).unwrap();
        assert_eq!((op, next.len()), ("tainted", 2));
        let rm = parse_taint("k:NoSchedule").unwrap();
        let (op, next) = reorganize(&next, &[], &[rm.clone()], false).unwrap();
        assert_eq!((op, next.len()), ("untainted", 1));
        assert_eq!(reorganize(&next, &[], &[rm], false).unwrap_err(), "taint \"k:NoSchedule\" not found");
    }
}
