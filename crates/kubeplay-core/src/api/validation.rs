//! Name validation with the API server's exact messages
//! (apimachinery/pkg/util/validation/validation.go).

use super::errors::FieldError;

const DNS1123_LABEL_MSG: &str = "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')";
const DNS1123_SUBDOMAIN_MSG: &str = "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')";
const DNS1035_LABEL_MSG: &str = "a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character (e.g. 'my-name',  or 'abc-123', regex used for validation is '[a-z]([-a-z0-9]*[a-z0-9])?')";

fn is_label(s: &str) -> bool {
    let b = s.as_bytes();
    !b.is_empty()
        && b.iter().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || *c == b'-')
        && b[0] != b'-'
        && b[b.len() - 1] != b'-'
}

fn is_subdomain(s: &str) -> bool {
    !s.is_empty() && s.split('.').all(is_label)
}

fn invalid(field: &str, value: &str, detail: &str) -> FieldError {
    FieldError { field: field.to_string(), detail: format!("Invalid value: \"{value}\": {detail}") }
}

const ENV_VAR_NAME_MSG: &str = "a valid environment variable name must consist of alphabetic characters, digits, '_', '-', or '.', and must not start with a digit (e.g. 'my.env-name',  or 'MY_ENV.NAME',  or 'MyEnvName1', regex used for validation is '[-._a-zA-Z][-._a-zA-Z0-9]*')";

/// `IsEnvVarName` (what `kubectl set env` checks before sending anything).
pub fn env_var_name_errors(name: &str) -> Vec<String> {
    let mut errs = Vec::new();
    let mut chars = name.chars();
    let first_ok = chars.next().is_some_and(|c| c.is_ascii_alphabetic() || "-._".contains(c));
    if !first_ok || !chars.all(|c| c.is_ascii_alphanumeric() || "-._".contains(c)) {
        errs.push(ENV_VAR_NAME_MSG.to_string());
    }
    match name {
        "." => errs.push("must not be '.'".into()),
        ".." => errs.push("must not be '..'".into()),
        n if n.starts_with("..") => errs.push("must not start with '..'".into()),
        _ => {}
    }
    errs
}

/// DNS-1123 subdomain (pods, deployments, configmaps ...): max 253 characters.
pub fn dns1123_subdomain(field: &str, value: &str) -> Vec<FieldError> {
    let mut errs = Vec::new();
    if value.len() > 253 {
        errs.push(invalid(field, value, "must be no more than 253 characters"));
    }
    if !is_subdomain(value) {
        errs.push(invalid(field, value, DNS1123_SUBDOMAIN_MSG));
    }
    errs
}

/// DNS-1123 label (namespaces, container names): max 63, and no dots.
pub fn dns1123_label(field: &str, value: &str) -> Vec<FieldError> {
    let mut errs = Vec::new();
    if value.len() > 63 {
        errs.push(invalid(field, value, "must be no more than 63 characters"));
    }
    if !is_label(value) {
        if is_subdomain(value) {
            errs.push(invalid(field, value, "must not contain dots"));
        } else {
            errs.push(invalid(field, value, DNS1123_LABEL_MSG));
        }
    }
    errs
}

/// DNS-1035 label (service names): starts with a letter.
pub fn dns1035_label(field: &str, value: &str) -> Vec<FieldError> {
    let mut errs = Vec::new();
    if value.len() > 63 {
        errs.push(invalid(field, value, "must be no more than 63 characters"));
    }
    if !is_label(value) || !value.as_bytes()[0].is_ascii_lowercase() {
        errs.push(invalid(field, value, DNS1035_LABEL_MSG));
    }
    errs
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels_and_subdomains() {
        assert!(dns1123_subdomain("n", "web-1.example").is_empty());
        assert_eq!(dns1123_subdomain("n", "Bad_Name").len(), 1);
        assert!(dns1123_label("n", "my-ns").is_empty());
        let e = dns1123_label("metadata.name", "my.ns");
        assert_eq!(e[0].detail, "Invalid value: \"my.ns\": must not contain dots");
        assert!(!dns1035_label("n", "1abc").is_empty());
        let long = "a".repeat(64);
        assert_eq!(dns1123_label("n", &long)[0].detail, format!("Invalid value: \"{long}\": must be no more than 63 characters"));
    }
}
