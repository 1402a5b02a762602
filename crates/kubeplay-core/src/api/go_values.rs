//! Bad values as the API server prints them in field errors: `field.Invalid` falls back
//! to Go's `%#v` for structs and maps (apimachinery/pkg/util/validation/field
//! errors.go `ErrorBody`), e.g. `map[string]string{"app":"web"}` or
//! `v1.LabelSelector{MatchLabels:map[string]string{"app":"web"}, MatchExpressions:[]v1.LabelSelectorRequirement(nil)}`.

use std::collections::BTreeMap;

use k8s_openapi::apimachinery::pkg::apis::meta::v1::LabelSelector;
use k8s_openapi::apimachinery::pkg::util::intstr::IntOrString;

/// Go's `%q` for the strings that appear in API objects.
pub fn quoted(s: &str) -> String {
    format!("{s:?}")
}

/// `%#v` of a `map[string]string` (Go prints map keys sorted).
pub fn string_map(m: Option<&BTreeMap<String, String>>) -> String {
    match m {
        None => "map[string]string(nil)".into(),
        Some(m) => {
            let items: Vec<String> = m.iter().map(|(k, v)| format!("{}:{}", quoted(k), quoted(v))).collect();
            format!("map[string]string{{{}}}", items.join(", "))
        }
    }
}

/// `%#v` of a `metav1.LabelSelector` value.
pub fn label_selector(sel: &LabelSelector) -> String {
    let exprs = match &sel.match_expressions {
        None => "[]v1.LabelSelectorRequirement(nil)".to_string(),
        Some(es) => {
            let items: Vec<String> = es
                .iter()
                .map(|e| {
                    let values = match &e.values {
                        None => "[]string(nil)".to_string(),
                        Some(vs) => format!("[]string{{{}}}", vs.iter().map(|v| quoted(v)).collect::<Vec<_>>().join(", ")),
                    };
                    format!("v1.LabelSelectorRequirement{{Key:{}, Operator:{}, Values:{values}}}", quoted(&e.key), quoted(&e.operator))
                })
                .collect();
            format!("[]v1.LabelSelectorRequirement{{{}}}", items.join(", "))
        }
    };
    format!("v1.LabelSelector{{MatchLabels:{}, MatchExpressions:{exprs}}}", string_map(sel.match_labels.as_ref()))
}

/// `%#v` of an `intstr.IntOrString` value.
pub fn int_or_string(v: &IntOrString) -> String {
    match v {
        IntOrString::Int(i) => format!("intstr.IntOrString{{Type:0, IntVal:{i}, StrVal:\"\"}}"),
        IntOrString::String(s) => format!("intstr.IntOrString{{Type:1, IntVal:0, StrVal:{}}}", quoted(s)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn go_syntax() {
        let m: BTreeMap<String, String> = [("app".into(), "web".into()), ("a".into(), "b".into())].into();
        assert_eq!(string_map(Some(&m)), r#"map[string]string{"a":"b", "app":"web"}"#);
        let sel = LabelSelector { match_labels: Some([("app".into(), "web2".into())].into()), match_expressions: None };
        assert_eq!(
            label_selector(&sel),
            r#"v1.LabelSelector{MatchLabels:map[string]string{"app":"web2"}, MatchExpressions:[]v1.LabelSelectorRequirement(nil)}"#
        );
        assert_eq!(int_or_string(&IntOrString::Int(0)), r#"intstr.IntOrString{Type:0, IntVal:0, StrVal:""}"#);
    }
}
