//! `kubectl set selector (-f FILE | TYPE NAME) EXPRESSIONS` (kubectl/pkg/cmd/set/
//! set_selector.go): replaces a Service's selector with the given labels
//! (`app=web,tier=front`), so the Service's endpoints follow other pods at once.
//! Every other kind is refused; set-based expressions are not supported. Like
//! `set serviceaccount` it prints `selector updated` even without a change.

use std::collections::BTreeMap;

use serde_json::Value;

use super::{write_and_print};
use crate::api::selectors::{parse_selector, Requirement};
use crate::cluster::Cluster;
use crate::kubectl::flags::{flag, FlagDef, FlagKind, Parsed};
use crate::kubectl::Io;
use crate::output::Output;

pub const FLAGS: &[FlagDef] = set_flags!(flag("record", None, FlagKind::Bool), flag("resource-version", None, FlagKind::Value));

/// `ParseToLabelSelector` then `copyOldSelector`: only `key=value` terms.
fn selector_labels(text: &str) -> Result<BTreeMap<String, String>, String> {
    let mut labels = BTreeMap::new();
    // The expressions as Go prints `[]metav1.LabelSelectorRequirement` with %v.
    let mut expressions = Vec::new();
    for req in parse_selector(text).map_err(|e| format!("error: {e}"))? {
        match req {
            Requirement::Equals(k, v) => {
                labels.insert(k, v);
            }
            Requirement::NotEquals(k, v) => expressions.push(format!("{{{k} NotIn [{v}]}}")),
            Requirement::In(k, vs) => expressions.push(format!("{{{k} In [{}]}}", vs.join(" "))),
            Requirement::NotIn(k, vs) => expressions.push(format!("{{{k} NotIn [{}]}}", vs.join(" "))),
            Requirement::Exists(k) => expressions.push(format!("{{{k} Exists []}}")),
            Requirement::NotExists(k) => expressions.push(format!("{{{k} DoesNotExist []}}")),
        }
    }
    if !expressions.is_empty() {
        return Err(format!("error: match expression [{}] not supported on this object", expressions.join(" ")));
    }
    Ok(labels)
}

pub fn set_selector(cluster: &mut Cluster, p: &Parsed, io: &Io, out: &mut Output, cause: Option<&str>) -> Result<(), String> {
    let Some((expression, resources)) = p.args.split_last() else {
        return Err("error: one selector is required".into());
    };
    // A syntax error stops the command at once; unsupported expressions only
    // when an object is updated (`updateSelectorForObject`).
    parse_selector(expression).map_err(|e| format!("error: {e}"))?;
    super::require_resources(resources, p)?;
    let found = crate::kubectl::builder::visit(cluster, p, resources, io, crate::kubectl::builder::EmptySelector::NeedsAll)?;
    for info in &found.infos {
        if info.rt.kind != "Service" {
            return Err("error: setting a selector is only supported for Services".into());
        }
        let labels = selector_labels(expression)?;
        let mut value = info.json.clone();
        value["spec"]["selector"] = crate::json::to_value(&labels).unwrap_or(Value::Null);
        if let Some(cause) = cause {
            crate::kubectl::record::record(&mut value, cause);
        }
        write_and_print(cluster, info, value, "selector updated", p, out)?;
    }
    match found.error_text() {
        Some(e) => Err(e),
        None => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_equality_terms_make_a_service_selector() {
        let labels = selector_labels("app=web,tier=front").unwrap();
        assert_eq!(labels.len(), 2);
        assert_eq!(selector_labels("tier in (a,b)").unwrap_err(), "error: match expression [{tier In [a b]}] not supported on this object");
    }
}
