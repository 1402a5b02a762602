//! What a verb acts on when it names a type: cli-runtime's `ResourceTypeOrNameArgs`
//! (`pods`, `pods,svc`, `pod/x`, `pods a b`, `all`) together with `-l`, `-n` and
//! `-A`. get, describe, delete, label/annotate, wait and the builder all read their
//! arguments this way; each keeps its own rules for what a bare type needs.

use std::collections::BTreeMap;

use super::flags::Parsed;
use super::resources::{self, Item, ResourceType, Want, ALL_CATEGORY};
use crate::api::selectors::{parse_selector, Requirement};
use crate::api::ObjectKey;
use crate::cluster::Cluster;

/// A bare type without `-l` or `--all`, where the verb needs one of them.
pub const NO_NAME_GIVEN: &str = "error: resource(s) were provided, but no name was specified";

/// The nodes whose labels `-l` accepts, by name: cordon, drain and taint select
/// nodes this way.
pub fn node_names(cluster: &Cluster, selector: &[Requirement]) -> Vec<String> {
    let unlabelled = BTreeMap::new();
    cluster
        .store
        .nodes
        .list(None)
        .filter(|n| selector.iter().all(|r| r.matches(n.metadata.labels.as_ref().unwrap_or(&unlabelled))))
        .filter_map(|n| n.metadata.name.clone())
        .collect()
}

/// One requested kind and, optionally, the names asked for.
pub struct Request {
    pub rt: &'static ResourceType,
    pub names: Vec<String>,
}

/// The requests with the flags that scope them.
pub struct Selection {
    pub requests: Vec<Request>,
    pub selector: Option<Vec<Requirement>>,
    pub namespace: String,
    pub all_namespaces: bool,
}

impl Selection {
    /// Reads `-l` first (its error wins, as the flag is checked before the
    /// arguments), then the type/name arguments. An `Err` is the text to print.
    pub fn parse(p: &Parsed, args: &[String]) -> Result<Selection, String> {
        let selector = p.value("selector").map(parse_selector).transpose().map_err(|m| format!("error: {m}"))?;
        let requests = if args.is_empty() { Vec::new() } else { parse_requests(args)? };
        Ok(Selection { requests, selector, namespace: p.namespace().to_string(), all_namespaces: p.bool("all-namespaces") })
    }

    /// Whether `-l` accepts these labels (no selector accepts everything).
    pub fn selects(&self, labels: &BTreeMap<String, String>) -> bool {
        self.selector.as_ref().is_none_or(|s| s.iter().all(|r| r.matches(labels)))
    }

    /// The objects of a bare type: listed in the namespace (every namespace with
    /// `-A`; cluster-scoped types have none) and filtered by `-l`.
    pub fn listed(&self, cluster: &Cluster, rt: &ResourceType, want: Want) -> Vec<Item> {
        let ns = if self.all_namespaces || !rt.namespaced { None } else { Some(self.namespace.as_str()) };
        let mut items = (rt.list)(cluster, ns, want);
        if self.selector.is_some() {
            items.retain(|i| self.selects(&i.labels));
        }
        items
    }

    /// Every object the requests name or select, in argument order: a bare type
    /// lists its objects, which needs `-l` or `all` (`--all`, or a verb for which
    /// a bare type means all) and otherwise is the builder's error.
    pub fn keys(&self, cluster: &Cluster, all: bool) -> Result<Vec<(&'static ResourceType, ObjectKey)>, String> {
        let mut keys = Vec::new();
        for req in &self.requests {
            if req.names.is_empty() {
                if self.selector.is_none() && !all {
                    return Err(NO_NAME_GIVEN.into());
                }
                keys.extend(self.listed(cluster, req.rt, Want::Cells).into_iter().map(|item| (req.rt, item.key)));
            } else {
                keys.extend(req.names.iter().map(|name| (req.rt, self.key(req.rt, name))));
            }
        }
        Ok(keys)
    }

    /// The key of a named object of this type in the selection's namespace.
    pub fn key(&self, rt: &ResourceType, name: &str) -> ObjectKey {
        ObjectKey::new(if rt.namespaced { &self.namespace } else { "" }, name)
    }
}

/// Parses `pods`, `pods,svc`, `pod/x`, `pods a b`, `all` into requests.
pub fn parse_requests(args: &[String]) -> Result<Vec<Request>, String> {
    let unknown = |t: &str| format!("error: the server doesn't have a resource type \"{t}\"");
    if args[0].contains('/') {
        let mut reqs: Vec<Request> = Vec::new();
        for a in args {
            let Some((t, name)) = a.split_once('/') else {
                return Err("error: there is no need to specify a resource type as a separate argument when passing arguments in resource/name form (e.g. 'kubectl get resource/<resource_name>' instead of 'kubectl get resource resource/<resource_name>'".into());
            };
            let rt = resources::resolve(t).ok_or_else(|| unknown(t))?;
            match reqs.iter_mut().find(|r| std::ptr::eq(r.rt, rt)) {
                Some(r) => r.names.push(name.to_string()),
                None => reqs.push(Request { rt, names: vec![name.to_string()] }),
            }
        }
        return Ok(reqs);
    }
    let mut reqs = Vec::new();
    for t in args[0].split(',').filter(|t| !t.is_empty()) {
        if t == "all" {
            reqs.extend(ALL_CATEGORY.iter().filter_map(|p| resources::by_plural(p)).map(|rt| Request { rt, names: Vec::new() }));
            continue;
        }
        let rt = resources::resolve(t).ok_or_else(|| unknown(t))?;
        reqs.push(Request { rt, names: Vec::new() });
    }
    if reqs.is_empty() {
        // `kubectl get ''` or `kubectl get ,`: the builder asks the server for a type
        // with an empty name.
        return Err(unknown(""));
    }
    let names: Vec<String> = args[1..].to_vec();
    if !names.is_empty() {
        if reqs.len() > 1 {
            return Err("error: arguments in resource/name form must have a single resource and name".into());
        }
        reqs[0].names = names;
    }
    Ok(reqs)
}
