//! The two-way strategic merge patch `kubectl edit` sends (apimachinery
//! strategicpatch `CreateTwoWayMergePatch`): what changed from the original to the
//! edited object, with `null` for removed fields; lists that have a merge key
//! (containers by name, container ports by containerPort, …) diffed item by item,
//! sorted by the key, removed items as `{"$patch":"delete"}` and the new order in
//! `$setElementOrder/<list>`; other lists replaced whole. `edit --output-patch`
//! prints it.

use serde_json::{json, Map, Value};

/// The merge key of a list field, as the API types' `patchMergeKey` tags give it.
fn merge_key(field: &str, items: &[Value]) -> Option<&'static str> {
    match field {
        "containers" | "initContainers" | "ephemeralContainers" | "env" | "volumes" | "imagePullSecrets" => Some("name"),
        "volumeMounts" => Some("mountPath"),
        "volumeDevices" => Some("devicePath"),
        "hostAliases" => Some("ip"),
        "conditions" => Some("type"),
        "ownerReferences" => Some("uid"),
        // A container's ports merge by containerPort, a Service's by port.
        "ports" if items.iter().any(|i| i.get("containerPort").is_some()) => Some("containerPort"),
        "ports" => Some("port"),
        _ => None,
    }
}

/// The patch from `original` to `modified` (two objects).
pub fn two_way(original: &Value, modified: &Value) -> Value {
    Value::Object(diff_maps(original.as_object().cloned().unwrap_or_default(), modified.as_object().cloned().unwrap_or_default()))
}

fn diff_maps(original: Map<String, Value>, modified: Map<String, Value>) -> Map<String, Value> {
    let mut patch = Map::new();
    for (key, m) in &modified {
        let Some(o) = original.get(key) else {
            patch.insert(key.clone(), m.clone());
            continue;
        };
        match (o, m) {
            (Value::Object(oo), Value::Object(mm)) => {
                let d = diff_maps(oo.clone(), mm.clone());
                if !d.is_empty() {
                    patch.insert(key.clone(), Value::Object(d));
                }
            }
            (Value::Array(oa), Value::Array(ma)) if o != m => match merge_key(key, ma).filter(|k| keyed(oa, k) && keyed(ma, k)) {
                Some(k) => {
                    let (list, order) = diff_keyed_lists(oa, ma, k);
                    if !list.is_empty() {
                        patch.insert(format!("$setElementOrder/{key}"), Value::Array(order));
                        patch.insert(key.clone(), Value::Array(list));
                    }
                }
                None => {
                    patch.insert(key.clone(), m.clone());
                }
            },
            _ if o != m => {
                patch.insert(key.clone(), m.clone());
            }
            _ => {}
        }
    }
    for key in original.keys().filter(|k| !modified.contains_key(*k)) {
        patch.insert(key.clone(), Value::Null);
    }
    patch
}

/// Every item is an object carrying the merge key.
fn keyed(items: &[Value], key: &str) -> bool {
    items.iter().all(|i| i.get(key).is_some())
}

/// `diffListsOfMaps`: changed and added items (in merge-key order, each with its
/// key), then the deletions; and `$setElementOrder`, the modified list's keys.
fn diff_keyed_lists(original: &[Value], modified: &[Value], key: &str) -> (Vec<Value>, Vec<Value>) {
    let sort_key = |v: &Value| v.get(key).map(|k| k.as_str().map(String::from).unwrap_or_else(|| k.to_string())).unwrap_or_default();
    let mut sorted: Vec<&Value> = modified.iter().collect();
    crate::sorting::sort_by(&mut sorted, |a, b| compare_keys(a.get(key), b.get(key)).then_with(|| sort_key(a).cmp(&sort_key(b))));
    let mut list = Vec::new();
    for m in sorted {
        match original.iter().find(|o| o.get(key) == m.get(key)) {
            None => list.push(m.clone()),
            Some(o) => {
                let mut d = diff_maps(o.as_object().cloned().unwrap_or_default(), m.as_object().cloned().unwrap_or_default());
                if !d.is_empty() {
                    d.insert(key.to_string(), m[key].clone());
                    list.push(Value::Object(d));
                }
            }
        }
    }
    let mut gone: Vec<&Value> = original.iter().filter(|o| !modified.iter().any(|m| m.get(key) == o.get(key))).collect();
    crate::sorting::sort_by(&mut gone, |a, b| compare_keys(a.get(key), b.get(key)));
    list.extend(gone.into_iter().map(|o| json!({"$patch": "delete", key: o[key].clone()})));
    let order = modified.iter().map(|m| json!({key: m[key].clone()})).collect();
    (list, order)
}

/// Merge keys sort as numbers when they are numbers (ports), else as text.
fn compare_keys(a: Option<&Value>, b: Option<&Value>) -> std::cmp::Ordering {
    match (a.and_then(Value::as_f64), b.and_then(Value::as_f64)) {
        (Some(x), Some(y)) => x.total_cmp(&y),
        _ => a.map(|v| v.to_string()).cmp(&b.map(|v| v.to_string())),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scalars_maps_and_keyed_lists() {
        let original = json!({"metadata": {"labels": {"app": "web", "old": "x"}}, "spec": {"replicas": 1, "template": {"spec": {"containers": [{"name": "web", "image": "nginx:1.27", "ports": [{"containerPort": 80}]}, {"name": "side", "image": "busybox"}]}}}});
        let modified = json!({"metadata": {"labels": {"app": "web", "tier": "fe"}}, "spec": {"replicas": 3, "template": {"spec": {"containers": [{"name": "web", "image": "nginx:1.28", "ports": [{"containerPort": 80}]}]}}}});
        let patch = two_way(&original, &modified);
        assert_eq!(
            crate::printers::go_format::marshal(&patch),
            r#"{"metadata":{"labels":{"old":null,"tier":"fe"}},"spec":{"replicas":3,"template":{"spec":{"$setElementOrder/containers":[{"name":"web"}],"containers":[{"image":"nginx:1.28","name":"web"},{"$patch":"delete","name":"side"}]}}}}"#
        );
        assert_eq!(two_way(&original, &original), json!({}));
    }
}
