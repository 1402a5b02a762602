//! Field selectors (`--field-selector status.phase=Pending,spec.nodeName!=node01`):
//! `=`, `==` and `!=` on the few fields the API server indexes for each kind
//! (k/k pkg/apis/*/v1/conversion.go `AddFieldLabelConversionFunc`s); any other
//! field is refused as the server refuses it.

use serde_json::Value;

/// One `field=value` or `field!=value` term.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FieldRequirement {
    pub field: String,
    pub value: String,
    pub equal: bool,
}

/// `fields.ParseSelector`: comma-separated terms.
pub fn parse_field_selector(text: &str) -> Result<Vec<FieldRequirement>, String> {
    let mut reqs = Vec::new();
    for term in text.split(',').filter(|t| !t.is_empty()) {
        let (field, value, equal) = if let Some((f, v)) = term.split_once("!=") {
            (f, v, false)
        } else if let Some((f, v)) = term.split_once("==") {
            (f, v, true)
        } else if let Some((f, v)) = term.split_once('=') {
            (f, v, true)
        } else {
            return Err(format!("invalid selector: '{text}'; can't understand '{term}'"));
        };
        reqs.push(FieldRequirement { field: field.trim().to_string(), value: value.trim().to_string(), equal });
    }
    Ok(reqs)
}

/// The fields a kind can be selected by, besides `metadata.name` and `metadata.namespace`.
fn kind_fields(kind: &str) -> &'static [&'static str] {
    match kind {
        "Pod" => &[
            "spec.nodeName",
            "spec.restartPolicy",
            "spec.schedulerName",
            "spec.serviceAccountName",
            "spec.hostNetwork",
            "status.phase",
            "status.podIP",
            "status.nominatedNodeName",
        ],
        "Node" => &["spec.unschedulable"],
        "Namespace" => &["status.phase"],
        "Secret" => &["type"],
        "Service" => &["spec.clusterIP", "spec.type"],
        "ReplicaSet" => &["status.replicas"],
        "Job" => &["status.successful"],
        "Event" => &[
            "involvedObject.kind",
            "involvedObject.namespace",
            "involvedObject.name",
            "involvedObject.uid",
            "involvedObject.apiVersion",
            "involvedObject.resourceVersion",
            "involvedObject.fieldPath",
            "reason",
            "reportingComponent",
            "source",
            "type",
        ],
        _ => &[],
    }
}

/// Checks that every field is selectable for `kind`; the server's refusal
/// otherwise (kinds with their own conversion function say `field label not
/// supported`, the others the generic `DefaultMetaV1FieldSelectorConversion` text).
pub fn check_fields(kind: &str, reqs: &[FieldRequirement]) -> Result<(), String> {
    for r in reqs {
        let known = matches!(r.field.as_str(), "metadata.name" | "metadata.namespace") || kind_fields(kind).contains(&r.field.as_str());
        if known {
            continue;
        }
        return Err(if kind_fields(kind).is_empty() {
            format!("\"{}\" is not a known field selector: only \"metadata.name\", \"metadata.namespace\"", r.field)
        } else {
            format!("field label not supported: {}", r.field)
        });
    }
    Ok(())
}

/// The field's value as the server's field set renders it (absent → empty string).
fn field_value(kind: &str, json: &Value, field: &str) -> String {
    let pointer = match (kind, field) {
        ("Event", "source") => "/source/component".to_string(),
        _ => format!("/{}", field.replace('.', "/")),
    };
    match json.pointer(&pointer) {
        Some(Value::String(s)) => s.clone(),
        Some(Value::Bool(b)) => b.to_string(),
        Some(Value::Number(n)) => n.to_string(),
        // Unset booleans and counts read as their zero values.
        _ if matches!(field, "spec.hostNetwork" | "spec.unschedulable") => "false".into(),
        _ if matches!(field, "status.replicas" | "status.successful") => "0".into(),
        _ => String::new(),
    }
}

pub fn matches(kind: &str, json: &Value, reqs: &[FieldRequirement]) -> bool {
    reqs.iter().all(|r| (field_value(kind, json, &r.field) == r.value) == r.equal)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn terms_select_on_indexed_fields() {
        let pod = serde_json::json!({"metadata": {"name": "a", "namespace": "default"}, "status": {"phase": "Pending"}, "spec": {"nodeName": "node01"}});
        let reqs = parse_field_selector("status.phase=Pending,spec.nodeName!=node02").unwrap();
        assert!(check_fields("Pod", &reqs).is_ok());
        assert!(matches("Pod", &pod, &reqs));
        assert!(!matches("Pod", &pod, &parse_field_selector("status.phase==Running").unwrap()));
        assert!(matches("Pod", &pod, &parse_field_selector("spec.hostNetwork=false").unwrap()));
        assert_eq!(check_fields("Pod", &parse_field_selector("foo=x").unwrap()).unwrap_err(), "field label not supported: foo");
        assert_eq!(
            check_fields("Deployment", &parse_field_selector("status.phase=x").unwrap()).unwrap_err(),
            "\"status.phase\" is not a known field selector: only \"metadata.name\", \"metadata.namespace\""
        );
        assert!(parse_field_selector("foo").is_err());
    }
}
