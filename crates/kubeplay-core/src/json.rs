//! Typed values to `serde_json::Value` through the JSON text.
//!
//! Every k8s-openapi type's `Serialize` is compiled once per serializer it meets.
//! Hashes of pod templates (`template_hash`, `revision_name`) and snapshots need the
//! JSON text in the structs' field order, so the text serializer is always there;
//! `serde_json::to_value` would add a second, `Value`-building copy of every kind's
//! serializer (about 150 KB of wasm before wasm-opt). Going through the text keeps
//! one. The result is the same `Value` (maps are ordered by key either way).

use serde::Serialize;
use serde_json::Value;

/// `serde_json::to_value`, by writing the JSON text and reading it back.
pub fn to_value<T: Serialize>(value: T) -> serde_json::Result<Value> {
    serde_json::from_str(&serde_json::to_string(&value)?)
}

#[cfg(test)]
mod tests {
    use super::*;
    use k8s_openapi::api::core::v1::{Container, Pod, PodSpec};

    #[test]
    fn same_value_as_serde_json_to_value() {
        let pod = Pod {
            metadata: k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta { name: Some("web".into()), ..Default::default() },
            spec: Some(PodSpec {
                containers: vec![Container { name: "nginx".into(), image: Some("nginx:1.27".into()), ..Default::default() }],
                termination_grace_period_seconds: Some(30),
                ..Default::default()
            }),
            ..Default::default()
        };
        assert_eq!(to_value(&pod).unwrap(), serde_json::to_value(&pod).unwrap());
        assert_eq!(to_value(&1.5f64).unwrap(), serde_json::json!(1.5));
        assert_eq!(to_value("a\"b").unwrap(), serde_json::json!("a\"b"));
    }
}
