//! The API server's write verbs on one resource, as `kubectl proxy` passes them on
//! (`curl -X POST|PUT|PATCH|DELETE localhost:8001/api/v1/namespaces/NS/pods[/NAME]`):
//! create (201 and the stored object), update (the object), patch by its content
//! type (merge, JSON or strategic merge patch), delete (the object while a graceful
//! deletion or finalizers keep it, else a `Success` Status), and the failures as
//! `Status` objects with the API's codes and details. Writes settle the controllers
//! as any client's do.

use serde_json::{json, Value};

use super::apply::three_way;
use super::proxy::{json_response, status};
use super::resources::{ResourceType, Want};
use crate::api::deletion::{DeleteOptions, Deleted, Propagation};
use crate::api::{ApiError, Reason};
use crate::cluster::Cluster;
use crate::network::request::Outgoing;
use crate::network::servers::HttpResponse;
use crate::printers::go_json::type_of;

/// Where a write goes: the resource type and namespace from the URL.
pub struct Target<'a> {
    pub rt: &'static ResourceType,
    pub namespace: &'a str,
    pub pretty: bool,
}

/// `POST` to the collection.
pub fn create(c: &mut Cluster, t: &Target, req: &Outgoing) -> HttpResponse {
    let body = match decode_body(req, t) {
        Ok(v) => v,
        Err(resp) => return resp,
    };
    let name = body.pointer("/metadata/name").and_then(Value::as_str).unwrap_or("").to_string();
    match (t.rt.create)(c, t.namespace, &body) {
        Ok(created) => {
            c.settle();
            json_response(201, &created, type_of(&created), t.pretty)
        }
        Err(e) => failure(t, &name, &e),
    }
}

/// `PUT` of a whole object.
pub fn update(c: &mut Cluster, t: &Target, name: &str, req: &Outgoing) -> HttpResponse {
    let body = match decode_body(req, t) {
        Ok(v) => v,
        Err(resp) => return resp,
    };
    match body.pointer("/metadata/name").and_then(Value::as_str) {
        Some(n) if n == name => {}
        Some(n) => return status(400, "BadRequest", &format!("the name of the object ({n}) does not match the name on the URL ({name})"), None, t.pretty),
        None => return status(400, "BadRequest", "name is required", None, t.pretty),
    }
    store_update(c, t, name, &body)
}

/// `PATCH` of an object, by the patch's content type.
pub fn patch(c: &mut Cluster, t: &Target, name: &str, req: &Outgoing) -> HttpResponse {
    let media = content_type(req);
    let current = match (t.rt.get)(c, t.namespace, name, Want::CellsAndJson) {
        Ok(item) => item.json.unwrap_or(Value::Null),
        Err(e) => return failure(t, name, &e),
    };
    let parsed = |text: &str| serde_json::from_str::<Value>(text).map_err(|e| status(400, "BadRequest", &format!("error decoding patch: {e}"), None, t.pretty));
    let mut patched = current.clone();
    match media.as_str() {
        "application/merge-patch+json" | "application/strategic-merge-patch+json" => {
            let p = match parsed(&req.body) {
                Ok(p) => p,
                Err(resp) => return resp,
            };
            if media == "application/merge-patch+json" {
                json_patch::merge(&mut patched, &p);
            } else {
                three_way(&mut patched, None, &p);
            }
        }
        "application/json-patch+json" => {
            let ops: json_patch::Patch = match parsed(&req.body).and_then(|p| serde_json::from_value(p).map_err(|e| status(400, "BadRequest", &format!("error decoding patch: {e}"), None, t.pretty))) {
                Ok(ops) => ops,
                Err(resp) => return resp,
            };
            if let Err(e) = json_patch::patch(&mut patched, &ops) {
                return status(422, "Invalid", &e.to_string(), None, t.pretty);
            }
        }
        "application/apply-patch+yaml" => return status(400, "BadRequest", "kubeplay does not simulate server-side apply; use kubectl apply", None, t.pretty),
        _ => {
            let accepted = "application/json-patch+json, application/merge-patch+json, application/apply-patch+yaml, application/strategic-merge-patch+json";
            return unsupported_media(accepted, t.pretty);
        }
    }
    store_update(c, t, name, &patched)
}

/// `DELETE` of an object, with `DeleteOptions` from the body or the query.
pub fn delete(c: &mut Cluster, t: &Target, name: &str, req: &Outgoing) -> HttpResponse {
    let body: Value = serde_json::from_str(&req.body).unwrap_or(Value::Null);
    let query = req.path.split_once('?').map_or("", |(_, q)| q);
    let param = |key: &str| -> Option<String> {
        body.get(key).map(|v| v.as_str().map(String::from).unwrap_or_else(|| v.to_string())).or_else(|| query.split('&').find_map(|kv| kv.strip_prefix(key)?.strip_prefix('=').map(String::from)))
    };
    let propagation = match param("propagationPolicy").as_deref() {
        Some("Foreground") => Propagation::Foreground,
        Some("Orphan") => Propagation::Orphan,
        _ => Propagation::Background,
    };
    let opts = DeleteOptions { grace_seconds: param("gracePeriodSeconds").and_then(|g| g.parse().ok()), propagation };
    match (t.rt.delete)(c, t.namespace, name, opts) {
        Ok(Deleted::Pending { .. }) => {
            c.settle();
            match (t.rt.get)(c, t.namespace, name, Want::CellsAndJson).ok().and_then(|i| i.json) {
                Some(obj) => json_response(200, &obj, type_of(&obj), t.pretty),
                None => success(t, name, ""),
            }
        }
        Ok(Deleted::Gone { uid }) => {
            c.settle();
            success(t, name, &uid)
        }
        Err(e) => failure(t, name, &e),
    }
}

/// The update path shared by PUT and PATCH; answers with the stored object.
fn store_update(c: &mut Cluster, t: &Target, name: &str, value: &Value) -> HttpResponse {
    if let Err(e) = (t.rt.update)(c, t.namespace, name, value) {
        return failure(t, name, &e);
    }
    c.settle();
    match (t.rt.get)(c, t.namespace, name, Want::CellsAndJson) {
        Ok(item) => {
            let obj = item.json.unwrap_or(Value::Null);
            json_response(200, &obj, type_of(&obj), t.pretty)
        }
        Err(e) => failure(t, name, &e),
    }
}

/// A POST/PUT body: JSON or YAML, by its content type.
fn decode_body(req: &Outgoing, t: &Target) -> Result<Value, HttpResponse> {
    let media = content_type(req);
    let unrecognized = |why: String| status(400, "BadRequest", &format!("the object provided is unrecognized (must be of type {}): {why}", t.rt.kind), None, t.pretty);
    match media.as_str() {
        "application/json" => serde_json::from_str(&req.body).map_err(|e| unrecognized(format!("couldn't get version/kind; json parse error: {e}"))),
        "application/yaml" => yaml_serde::from_str(&req.body).map_err(|e| unrecognized(format!("couldn't get version/kind; yaml parse error: {e}"))),
        _ => Err(unsupported_media("application/json, application/yaml, application/vnd.kubernetes.protobuf, application/cbor", t.pretty)),
    }
}

/// The request's media type, without parameters (`; charset=utf-8`).
fn content_type(req: &Outgoing) -> String {
    let raw = req.headers.iter().find(|(k, _)| k.eq_ignore_ascii_case("Content-Type")).map_or("", |(_, v)| v.as_str());
    raw.split(';').next().unwrap_or("").trim().to_ascii_lowercase()
}

/// A body in a media type the endpoint does not decode (curl's `-d` sends
/// `application/x-www-form-urlencoded` unless told otherwise).
fn unsupported_media(accepted: &str, pretty: bool) -> HttpResponse {
    status(415, "UnsupportedMediaType", &format!("the body of the request was in an unknown format - accepted media types include: {accepted}"), None, pretty)
}

/// `status: Success` for an object that is gone.
fn success(t: &Target, name: &str, uid: &str) -> HttpResponse {
    let mut details = json!({"name": name, "kind": t.rt.plural});
    if !t.rt.group.is_empty() {
        details["group"] = json!(t.rt.group);
    }
    if !uid.is_empty() {
        details["uid"] = json!(uid);
    }
    let v = json!({"kind": "Status", "apiVersion": "v1", "metadata": {}, "status": "Success", "details": details});
    json_response(200, &v, Some("meta.Status"), t.pretty)
}

/// An [`ApiError`] as the Status the API server writes: code, reason, details.
fn failure(t: &Target, name: &str, e: &ApiError) -> HttpResponse {
    let code = match e.reason {
        Reason::NotFound => 404,
        Reason::AlreadyExists => 409,
        Reason::Invalid => 422,
        Reason::BadRequest => 400,
        Reason::Forbidden => 403,
    };
    let mut details = match (&e.invalid, e.reason) {
        (Some((kind, name, causes)), _) => {
            let causes: Vec<Value> = causes.iter().map(|c| json!({"reason": cause_reason(&c.detail), "message": c.detail, "field": c.field})).collect();
            json!({"name": name, "kind": kind.split('.').next().unwrap_or(kind), "causes": causes})
        }
        (None, Reason::BadRequest) => Value::Null,
        (None, _) => json!({"name": name, "kind": t.rt.plural}),
    };
    if !t.rt.group.is_empty() && details.is_object() {
        details["group"] = json!(t.rt.group);
    }
    status(code, e.reason.as_str(), &e.message, (!details.is_null()).then_some(details), t.pretty)
}

/// `field.ErrorType` of a cause, from the start of its detail.
fn cause_reason(detail: &str) -> &'static str {
    [
        ("Required value", "FieldValueRequired"),
        ("Unsupported value", "FieldValueNotSupported"),
        ("Duplicate value", "FieldValueDuplicate"),
        ("Forbidden", "FieldValueForbidden"),
        ("Too long", "FieldValueTooLong"),
        ("Too many", "FieldValueTooMany"),
        ("Not found", "FieldValueNotFound"),
    ]
    .iter()
    .find(|(prefix, _)| detail.starts_with(prefix))
    .map_or("FieldValueInvalid", |(_, r)| r)
}
