//! `create namespace`, `create configmap`, `create secret generic`, `create
//! serviceaccount` (kubectl/pkg/cmd/create/create_{namespace,configmap,secret,
//! serviceaccount}.go).

use std::collections::BTreeMap;

use k8s_openapi::api::core::v1::{ConfigMap, Namespace, Secret, ServiceAccount};
use k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta;
use k8s_openapi::ByteString;
use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use serde_json::json;

use super::{create_generated, dry_meta, meta};
use crate::cluster::Cluster;
use crate::kubectl::config::Kubeconfig;
use crate::kubectl::flags::{flag, FlagDef, FlagKind, Parsed};
use crate::output::Output;

const COMMON: &[FlagDef] = &[
    flag("output", Some('o'), FlagKind::Value),
    flag("dry-run", None, FlagKind::Value),
    flag("from-literal", None, FlagKind::Value),
    flag("from-file", None, FlagKind::Value),
    flag("from-env-file", None, FlagKind::Value),
    flag("type", None, FlagKind::Value),
    flag("save-config", None, FlagKind::Bool),
    flag("validate", None, FlagKind::Value),
    flag("append-hash", None, FlagKind::Bool),
];

/// Parses the flags and the one NAME argument; prints kubectl's error otherwise.
fn name_arg(sub: &str, args: &[String], kc: &Kubeconfig, out: &mut Output) -> Result<(Parsed, String), i32> {
    super::name_arg(sub, args, COMMON, kc, out)
}

/// `--from-literal=k=v` pairs in the order given (later wins), with kubectl's errors.
fn literals(p: &Parsed) -> Result<BTreeMap<String, String>, String> {
    let mut data = BTreeMap::new();
    for l in p.values("from-literal") {
        let Some((k, v)) = l.split_once('=') else {
            return Err(format!("error: invalid literal source {l}, expected key=value"));
        };
        if k.is_empty() {
            return Err(format!("error: invalid literal source {l}, expected key=value"));
        }
        if data.insert(k.to_string(), v.to_string()).is_some() {
            return Err(format!("error: cannot add key {k}, another key by that name already exists in Data for {}", "this object"));
        }
    }
    Ok(data)
}

pub fn namespace(c: &mut Cluster, args: &[String], kc: &Kubeconfig, out: &mut Output) -> i32 {
    let (p, name) = match name_arg("namespace", args, kc, out) {
        Ok(x) => x,
        Err(code) => return code,
    };
    let obj = Namespace { metadata: ObjectMeta { name: Some(name.clone()), ..Default::default() }, ..Default::default() };
    let dry = json!({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": name}, "spec": {}, "status": {}});
    create_generated(c, obj, dry, &p, None, out)
}

pub fn configmap(c: &mut Cluster, args: &[String], kc: &Kubeconfig, out: &mut Output) -> i32 {
    let (p, name) = match name_arg("configmap", args, kc, out) {
        Ok(x) => x,
        Err(code) => return code,
    };
    let data = match literals(&p) {
        Ok(d) => d,
        Err(e) => {
            out.err(&e);
            return 1;
        }
    };
    let mut dry = json!({"apiVersion": "v1", "kind": "ConfigMap", "metadata": dry_meta(&name, &p)});
    if !data.is_empty() {
        dry["data"] = json!(data);
    }
    let obj = ConfigMap { metadata: meta(&name, &p), data: (!data.is_empty()).then_some(data), ..Default::default() };
    create_generated(c, obj, dry, &p, Some("failed to create configmap: "), out)
}

pub fn secret(c: &mut Cluster, args: &[String], kc: &Kubeconfig, out: &mut Output) -> i32 {
    let Some(kind_at) = args.iter().position(|a| !a.starts_with('-')) else {
        // A bare command group prints its help, as cobra does.
        out.out(&crate::kubectl::help::text("create_secret").unwrap_or_default());
        return 0;
    };
    if args[kind_at] != "generic" {
        out.err(&format!("kubeplay: \"kubectl create secret {}\" is not simulated yet; try kubectl create secret generic", args[kind_at]));
        return 1;
    }
    let rest: Vec<String> = args[..kind_at].iter().chain(args[kind_at + 1..].iter()).cloned().collect();
    let (p, name) = match name_arg("secret generic", &rest, kc, out) {
        Ok(x) => x,
        Err(code) => return code,
    };
    let data = match literals(&p) {
        Ok(d) => d,
        Err(e) => {
            out.err(&e);
            return 1;
        }
    };
    let type_ = p.value("type").map(String::from);
    let encoded: BTreeMap<String, String> = data.iter().map(|(k, v)| (k.clone(), STANDARD.encode(v.as_bytes()))).collect();
    let mut dry = json!({"apiVersion": "v1", "kind": "Secret", "metadata": dry_meta(&name, &p)});
    if !encoded.is_empty() {
        dry["data"] = json!(encoded);
    }
    if let Some(t) = &type_ {
        dry["type"] = json!(t);
    }
    let obj = Secret {
        metadata: meta(&name, &p),
        data: (!data.is_empty()).then(|| data.iter().map(|(k, v)| (k.clone(), ByteString(v.as_bytes().to_vec()))).collect()),
        type_: Some(type_.unwrap_or_else(|| "Opaque".into())),
        ..Default::default()
    };
    create_generated(c, obj, dry, &p, Some("failed to create secret "), out)
}

pub fn serviceaccount(c: &mut Cluster, args: &[String], kc: &Kubeconfig, out: &mut Output) -> i32 {
    let (p, name) = match name_arg("serviceaccount", args, kc, out) {
        Ok(x) => x,
        Err(code) => return code,
    };
    let dry = json!({"apiVersion": "v1", "kind": "ServiceAccount", "metadata": dry_meta(&name, &p)});
    let obj = ServiceAccount { metadata: meta(&name, &p), ..Default::default() };
    create_generated(c, obj, dry, &p, Some("failed to create serviceaccount: "), out)
}
