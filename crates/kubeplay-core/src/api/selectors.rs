//! Label selectors: the string form users type (`-l app=web,tier in (a,b)`,
//! apimachinery/pkg/labels/selector.go) and the structured `LabelSelector` that
//! controllers, Services and `matchExpressions` carry. Both reduce to requirements.

use std::collections::BTreeMap;

use k8s_openapi::apimachinery::pkg::apis::meta::v1::LabelSelector;

/// One requirement of a label selector.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Requirement {
    Equals(String, String),
    NotEquals(String, String),
    In(String, Vec<String>),
    NotIn(String, Vec<String>),
    Exists(String),
    NotExists(String),
}

impl Requirement {
    pub fn matches(&self, labels: &BTreeMap<String, String>) -> bool {
        match self {
            Requirement::Equals(k, v) => labels.get(k) == Some(v),
            Requirement::NotEquals(k, v) => labels.get(k) != Some(v),
            Requirement::In(k, vs) => labels.get(k).is_some_and(|v| vs.contains(v)),
            Requirement::NotIn(k, vs) => labels.get(k).is_none_or(|v| !vs.contains(v)),
            Requirement::Exists(k) => labels.contains_key(k),
            Requirement::NotExists(k) => !labels.contains_key(k),
        }
    }
}

/// Whether every requirement holds for `labels`.
pub fn all_match(reqs: &[Requirement], labels: &BTreeMap<String, String>) -> bool {
    reqs.iter().all(|r| r.matches(labels))
}

/// Parses `a=b,c!=d,e in (x,y),!f` (apimachinery/pkg/labels/selector.go).
pub fn parse_selector(s: &str) -> Result<Vec<Requirement>, String> {
    let mut parts = Vec::new();
    let mut depth = 0;
    let mut cur = String::new();
    for ch in s.chars() {
        match ch {
            '(' => depth += 1,
            ')' => depth -= 1,
            ',' if depth == 0 => {
                parts.push(std::mem::take(&mut cur));
                continue;
            }
            _ => {}
        }
        cur.push(ch);
    }
    parts.push(cur);
    let mut reqs = Vec::new();
    for part in parts.iter().map(|p| p.trim()).filter(|p| !p.is_empty()) {
        let set = |rest: &str| -> Vec<String> {
            rest.trim().trim_start_matches('(').trim_end_matches(')').split(',').map(|v| v.trim().to_string()).collect()
        };
        if let Some(k) = part.strip_prefix('!') {
            reqs.push(Requirement::NotExists(k.trim().into()));
        } else if let Some((k, v)) = part.split_once("!=") {
            reqs.push(Requirement::NotEquals(k.trim().into(), v.trim().into()));
        } else if let Some((k, v)) = part.split_once("==") {
            reqs.push(Requirement::Equals(k.trim().into(), v.trim().into()));
        } else if let Some((k, v)) = part.split_once('=') {
            reqs.push(Requirement::Equals(k.trim().into(), v.trim().into()));
        } else if let Some((k, v)) = part.split_once(" notin ") {
            reqs.push(Requirement::NotIn(k.trim().into(), set(v)));
        } else if let Some((k, v)) = part.split_once(" in ") {
            reqs.push(Requirement::In(k.trim().into(), set(v)));
        } else if part.chars().all(|c| c.is_ascii_alphanumeric() || "-_./".contains(c)) {
            reqs.push(Requirement::Exists(part.into()));
        } else {
            return Err(format!("unable to parse requirement: found '{part}', expected: '=', '!=', '==', 'in', notin'"));
        }
    }
    Ok(reqs)
}

/// `metav1.LabelSelectorAsSelector`: matchLabels and matchExpressions as requirements.
/// An empty selector matches everything; `None` matches nothing (as for a Service
/// without a selector, whose endpoints are managed by hand).
pub fn from_label_selector(sel: &LabelSelector) -> Vec<Requirement> {
    let mut reqs: Vec<Requirement> =
        sel.match_labels.iter().flatten().map(|(k, v)| Requirement::Equals(k.clone(), v.clone())).collect();
    for e in sel.match_expressions.iter().flatten() {
        let values = e.values.clone().unwrap_or_default();
        reqs.push(match e.operator.as_str() {
            "In" => Requirement::In(e.key.clone(), values),
            "NotIn" => Requirement::NotIn(e.key.clone(), values),
            "Exists" => Requirement::Exists(e.key.clone()),
            _ => Requirement::NotExists(e.key.clone()),
        });
    }
    reqs
}

/// Whether a structured selector selects an object with these labels.
pub fn selects(sel: &LabelSelector, labels: Option<&BTreeMap<String, String>>) -> bool {
    Compiled::of(sel).selects(labels)
}

/// A structured selector reduced to requirements once, for a controller that tests
/// it against every pod it owns.
pub struct Compiled(Vec<Requirement>);

impl Compiled {
    pub fn of(sel: &LabelSelector) -> Compiled {
        Compiled(from_label_selector(sel))
    }

    pub fn selects(&self, labels: Option<&BTreeMap<String, String>>) -> bool {
        match labels {
            Some(l) => all_match(&self.0, l),
            None => all_match(&self.0, &BTreeMap::new()),
        }
    }
}

/// Whether a Service-style selector (`spec.selector`, a plain map) selects these
/// labels. An empty or absent map selects nothing, as the endpoints controller does.
pub fn map_selects(sel: Option<&BTreeMap<String, String>>, labels: Option<&BTreeMap<String, String>>) -> bool {
    match sel {
        Some(sel) if !sel.is_empty() => {
            let labels = match labels {
                Some(l) => l,
                None => return false,
            };
            sel.iter().all(|(k, v)| labels.get(k) == Some(v))
        }
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use k8s_openapi::apimachinery::pkg::apis::meta::v1::LabelSelectorRequirement;

    #[test]
    fn string_selectors() {
        let labels: BTreeMap<String, String> = [("app".into(), "web".into()), ("tier".into(), "fe".into())].into();
        let ok = |s: &str| all_match(&parse_selector(s).unwrap(), &labels);
        assert!(ok("app=web"));
        assert!(ok("app==web,tier in (fe,be)"));
        assert!(!ok("app!=web"));
        assert!(ok("!missing"));
        assert!(!ok("tier notin (fe)"));
    }

    #[test]
    fn structured_selectors() {
        let labels: BTreeMap<String, String> = [("app".into(), "web".into())].into();
        let sel = LabelSelector {
            match_labels: Some([("app".into(), "web".into())].into()),
            match_expressions: Some(vec![LabelSelectorRequirement {
                key: "env".into(),
                operator: "DoesNotExist".into(),
                values: None,
            }]),
        };
        assert!(selects(&sel, Some(&labels)));
        assert!(selects(&LabelSelector::default(), None));
        assert!(!map_selects(None, Some(&labels)));
        assert!(map_selects(Some(&[("app".into(), "web".into())].into()), Some(&labels)));
    }
}
