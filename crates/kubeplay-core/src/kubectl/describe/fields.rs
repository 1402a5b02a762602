//! The value formats describe.go shares between kinds: multi-line label and
//! annotation maps, taints and tolerations, RFC 1123 timestamps, `<none>`/`<unset>`.

use std::collections::BTreeMap;

use k8s_openapi::api::core::v1::{Taint, Toleration};
use k8s_openapi::apimachinery::pkg::apis::meta::v1::Time;

use super::writer::{PrefixWriter, LEVEL_0};

/// Annotations longer than this are printed on their own lines, cut to it.
const MAX_ANNOTATION_LEN: usize = 140;

/// `kubectl.kubernetes.io/last-applied-configuration` is never shown.
const SKIPPED_ANNOTATIONS: &[&str] = &["kubectl.kubernetes.io/last-applied-configuration"];

/// Go's `time.RFC1123Z` in UTC: `Mon, 22 Sep 2025 10:04:05 +0000`.
pub fn rfc1123z(t: &Time) -> String {
    t.0.strftime("%a, %d %b %Y %H:%M:%S +0000").to_string()
}

/// The RFC 1123 form, or Go's zero time when unset (`time.Time{}.Format`).
pub fn rfc1123z_or_zero(t: Option<&Time>) -> String {
    t.map(rfc1123z).unwrap_or_else(|| "Mon, 01 Jan 0001 00:00:00 +0000".into())
}

/// `stringOrNone`.
pub fn or_none(s: &str) -> &str {
    if s.is_empty() {
        "<none>"
    } else {
        s
    }
}

/// `printLabelsMultilineWithIndent`: `Title:<inner>k=v` then one `k=v` per line.
pub fn labels_with_indent(w: &mut PrefixWriter, initial: &str, title: &str, inner: &str, labels: Option<&BTreeMap<String, String>>) {
    w.write(LEVEL_0, &format!("{initial}{title}:{inner}"));
    let Some(labels) = labels.filter(|l| !l.is_empty()) else {
        w.write_line("<none>");
        return;
    };
    for (i, (k, v)) in labels.iter().enumerate() {
        if i != 0 {
            w.write(LEVEL_0, initial);
            w.write(LEVEL_0, inner);
        }
        w.write(LEVEL_0, &format!("{k}={v}\n"));
    }
}

/// `printLabelsMultiline`.
pub fn labels(w: &mut PrefixWriter, title: &str, labels: Option<&BTreeMap<String, String>>) {
    labels_with_indent(w, "", title, "\t", labels);
}

/// `printAnnotationsMultiline`.
pub fn annotations(w: &mut PrefixWriter, title: &str, annotations: Option<&BTreeMap<String, String>>) {
    w.write(LEVEL_0, &format!("{title}:\t"));
    let keys: Vec<(&String, &String)> = annotations.into_iter().flatten().filter(|(k, _)| !SKIPPED_ANNOTATIONS.contains(&k.as_str())).collect();
    if keys.is_empty() {
        w.write_line("<none>");
        return;
    }
    let indent = "\t";
    for (i, (key, value)) in keys.into_iter().enumerate() {
        if i != 0 {
            w.write(LEVEL_0, indent);
        }
        let value = value.strip_suffix('\n').unwrap_or(value);
        if value.len() + key.len() + 2 > MAX_ANNOTATION_LEN || value.contains('\n') {
            w.write(LEVEL_0, &format!("{key}:\n"));
            for s in value.split('\n') {
                w.write(LEVEL_0, &format!("{indent}  {}\n", shorten(s, MAX_ANNOTATION_LEN - 2)));
            }
        } else {
            w.write(LEVEL_0, &format!("{key}: {value}\n"));
        }
    }
}

/// `shorten`: byte-based, as Go slices strings.
fn shorten(s: &str, max: usize) -> String {
    if s.len() > max {
        let mut cut = max;
        while !s.is_char_boundary(cut) {
            cut -= 1;
        }
        format!("{}...", &s[..cut])
    } else {
        s.to_string()
    }
}

/// `Taint.ToString`: `key=value:Effect`, `key:Effect`.
pub fn taint_string(t: &Taint) -> String {
    let mut s = t.key.clone();
    if let Some(v) = t.value.as_deref().filter(|v| !v.is_empty()) {
        s.push('=');
        s.push_str(v);
    }
    if !t.effect.is_empty() {
        s.push(':');
        s.push_str(&t.effect);
    }
    s
}

/// `printTaintsMultilineWithIndent`: sorted by effect, then key.
pub fn taints(w: &mut PrefixWriter, title: &str, taints: Option<&Vec<Taint>>) {
    w.write(LEVEL_0, &format!("{title}:\t"));
    let mut list: Vec<&Taint> = taints.into_iter().flatten().collect();
    if list.is_empty() {
        w.write_line("<none>");
        return;
    }
    crate::sorting::sort_by_key(&mut list, |t| format!("{},{}", t.effect, t.key));
    for (i, t) in list.into_iter().enumerate() {
        if i != 0 {
            w.write(LEVEL_0, "\t");
        }
        w.write(LEVEL_0, &format!("{}\n", taint_string(t)));
    }
}

/// `printTolerationsMultilineWithIndent`: sorted by key.
pub fn tolerations_with_indent(w: &mut PrefixWriter, initial: &str, title: &str, inner: &str, tolerations: Option<&Vec<Toleration>>) {
    w.write(LEVEL_0, &format!("{initial}{title}:{inner}"));
    let mut list: Vec<&Toleration> = tolerations.into_iter().flatten().collect();
    if list.is_empty() {
        w.write_line("<none>");
        return;
    }
    crate::sorting::sort_by(&mut list, |a, b| a.key.cmp(&b.key));
    for (i, t) in list.into_iter().enumerate() {
        if i != 0 {
            w.write(LEVEL_0, initial);
            w.write(LEVEL_0, inner);
        }
        let key = t.key.as_deref().unwrap_or("");
        let value = t.value.as_deref().unwrap_or("");
        let effect = t.effect.as_deref().unwrap_or("");
        let mut s = key.to_string();
        if !value.is_empty() {
            s.push_str(&format!("={value}"));
        }
        if !effect.is_empty() {
            s.push_str(&format!(":{effect}"));
        }
        if t.operator.as_deref() == Some("Exists") && value.is_empty() {
            s.push_str(if !key.is_empty() || !effect.is_empty() { " op=Exists" } else { "op=Exists" });
        }
        if let Some(secs) = t.toleration_seconds {
            s.push_str(&format!(" for {secs}s"));
        }
        w.write(LEVEL_0, &format!("{s}\n"));
    }
}

/// `printPodTolerationsMultiline`.
pub fn tolerations(w: &mut PrefixWriter, title: &str, tolerations: Option<&Vec<Toleration>>) {
    tolerations_with_indent(w, "", title, "\t", tolerations);
}
