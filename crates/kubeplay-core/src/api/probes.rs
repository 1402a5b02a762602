//! Container probes as the API server takes them: the defaults it fills in
//! (k/k pkg/apis/core/v1/defaults.go `SetDefaults_Probe`, `SetDefaults_HTTPGetAction`)
//! and the validation it answers with (pkg/apis/core/validation/validation.go
//! `validateProbe`, `validateHandler`, and the liveness/startup rule that
//! `successThreshold` must be 1). The kubelet's prober ([`crate::controllers::prober`])
//! reads the defaulted fields, so `describe pod` and the timing agree.

use k8s_openapi::api::core::v1::{Container, Probe};
use k8s_openapi::apimachinery::pkg::util::intstr::IntOrString;

use super::errors::FieldError;

/// `SetDefaults_Probe`: a zero (or absent) field takes the default, as Go's zero
/// values do.
pub fn default_probe(p: &mut Probe) {
    fn zero_to(v: &mut Option<i32>, default: i32) {
        if v.unwrap_or(0) == 0 {
            *v = Some(default);
        }
    }
    zero_to(&mut p.timeout_seconds, 1);
    zero_to(&mut p.period_seconds, 10);
    zero_to(&mut p.success_threshold, 1);
    zero_to(&mut p.failure_threshold, 3);
    if let Some(h) = p.http_get.as_mut() {
        if h.path.as_deref().unwrap_or("").is_empty() {
            h.path = Some("/".into());
        }
        if h.scheme.as_deref().unwrap_or("").is_empty() {
            h.scheme = Some("HTTP".into());
        }
    }
}

/// Defaults every probe of a container.
pub fn default_container_probes(c: &mut Container) {
    for p in [&mut c.liveness_probe, &mut c.readiness_probe, &mut c.startup_probe].into_iter().flatten() {
        default_probe(p);
    }
}

fn err(field: String, detail: String) -> FieldError {
    FieldError { field, detail }
}

/// `ValidatePortNumOrName`: a number in range, or an IANA service name.
fn port_errors(port: &IntOrString, path: &str) -> Vec<FieldError> {
    match port {
        IntOrString::Int(n) if !(1..=65535).contains(n) => {
            vec![err(path.into(), format!("Invalid value: {n}: must be between 1 and 65535, inclusive"))]
        }
        IntOrString::Int(_) => Vec::new(),
        IntOrString::String(s) => port_name_errors(s).into_iter().map(|m| err(path.into(), format!("Invalid value: \"{s}\": {m}"))).collect(),
    }
}

/// `IsValidPortName` (apimachinery validation.go), in its order.
pub fn port_name_errors(name: &str) -> Vec<&'static str> {
    let mut errs = Vec::new();
    if name.is_empty() || name.len() > 15 {
        errs.push("must be no more than 15 characters");
    }
    if !name.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-') {
        errs.push("must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-)");
    }
    if name.contains("--") {
        errs.push("must not contain consecutive hyphens");
    }
    if !name.bytes().any(|b| b.is_ascii_lowercase()) {
        errs.push("must contain at least one letter (a-z)");
    }
    if name.starts_with('-') || name.ends_with('-') {
        errs.push("must not begin or end with a hyphen");
    }
    errs
}

/// `validateHandler` for a probe: exactly one of exec, httpGet, tcpSocket, grpc.
fn handler_errors(p: &Probe, path: &str) -> Vec<FieldError> {
    let mut errs = Vec::new();
    let mut handlers = 0;
    let mut one = |name: &str, errs: &mut Vec<FieldError>| {
        handlers += 1;
        if handlers > 1 {
            errs.push(err(format!("{path}.{name}"), "Forbidden: may not specify more than 1 handler type".into()));
            return false;
        }
        true
    };
    if let Some(e) = &p.exec {
        if one("exec", &mut errs) && e.command.as_ref().is_none_or(|c| c.is_empty()) {
            errs.push(err(format!("{path}.exec.command"), "Required value".into()));
        }
    }
    if let Some(h) = &p.http_get {
        if one("httpGet", &mut errs) {
            if h.path.as_deref().unwrap_or("").is_empty() {
                errs.push(err(format!("{path}.httpGet.path"), "Required value".into()));
            }
            errs.extend(port_errors(&h.port, &format!("{path}.httpGet.port")));
            let scheme = h.scheme.as_deref().unwrap_or("");
            if !matches!(scheme, "HTTP" | "HTTPS") {
                errs.push(err(format!("{path}.httpGet.scheme"), format!("Unsupported value: \"{scheme}\": supported values: \"HTTP\", \"HTTPS\"")));
            }
        }
    }
    if let Some(t) = &p.tcp_socket {
        if one("tcpSocket", &mut errs) {
            errs.extend(port_errors(&t.port, &format!("{path}.tcpSocket.port")));
        }
    }
    if let Some(g) = &p.grpc {
        if one("grpc", &mut errs) && !(1..=65535).contains(&g.port) {
            errs.push(err(format!("{path}.grpc.port"), format!("Invalid value: {}: must be between 1 and 65535, inclusive", g.port)));
        }
    }
    if handlers == 0 {
        errs.push(err(path.into(), "Required value: must specify a handler type".into()));
    }
    errs
}

/// `validateProbe`: the handler, then every count non-negative.
fn probe_errors(p: &Probe, path: &str) -> Vec<FieldError> {
    let mut errs = handler_errors(p, path);
    for (name, v) in [
        ("initialDelaySeconds", p.initial_delay_seconds),
        ("timeoutSeconds", p.timeout_seconds),
        ("periodSeconds", p.period_seconds),
        ("successThreshold", p.success_threshold),
        ("failureThreshold", p.failure_threshold),
    ] {
        if let Some(n) = v.filter(|n| *n < 0) {
            errs.push(err(format!("{path}.{name}"), format!("Invalid value: {n}: must be greater than or equal to 0")));
        }
    }
    if let Some(g) = p.termination_grace_period_seconds.filter(|g| *g <= 0) {
        errs.push(err(format!("{path}.terminationGracePeriodSeconds"), format!("Invalid value: {g}: must be greater than 0")));
    }
    errs
}

/// The probe errors of a regular container at `path` (`spec.containers[0]`):
/// liveness, readiness, startup, as `validateContainers` checks them.
pub fn container_probe_errors(c: &Container, path: &str) -> Vec<FieldError> {
    let mut errs = Vec::new();
    for (field, probe, must_succeed_once) in [
        ("livenessProbe", &c.liveness_probe, true),
        ("readinessProbe", &c.readiness_probe, false),
        ("startupProbe", &c.startup_probe, true),
    ] {
        let Some(p) = probe else { continue };
        let at = format!("{path}.{field}");
        errs.extend(probe_errors(p, &at));
        if must_succeed_once {
            let n = p.success_threshold.unwrap_or(0);
            if n != 1 {
                errs.push(err(format!("{at}.successThreshold"), format!("Invalid value: {n}: must be 1")));
            }
        } else if let Some(g) = p.termination_grace_period_seconds {
            errs.push(err(format!("{at}.terminationGracePeriodSeconds"), format!("Invalid value: {g}: must not be set for readinessProbes")));
        }
    }
    errs
}

#[cfg(test)]
mod tests {
    use super::*;
    use k8s_openapi::api::core::v1::{ExecAction, HTTPGetAction, TCPSocketAction};

    fn http(port: IntOrString) -> Probe {
        Probe { http_get: Some(HTTPGetAction { port, ..Default::default() }), ..Default::default() }
    }

    #[test]
    fn defaults_follow_set_defaults_probe() {
        let mut p = http(IntOrString::Int(8080));
        p.initial_delay_seconds = Some(3);
        p.period_seconds = Some(3);
        default_probe(&mut p);
        assert_eq!((p.timeout_seconds, p.period_seconds, p.success_threshold, p.failure_threshold), (Some(1), Some(3), Some(1), Some(3)));
        let h = p.http_get.unwrap();
        assert_eq!((h.path.as_deref(), h.scheme.as_deref()), (Some("/"), Some("HTTP")));
        assert_eq!(p.initial_delay_seconds, Some(3));
    }

    #[test]
    fn liveness_and_startup_must_succeed_once() {
        let mut p = Probe { exec: Some(ExecAction { command: Some(vec!["true".into()]) }), ..Default::default() };
        default_probe(&mut p);
        p.success_threshold = Some(2);
        let c = Container { name: "c".into(), liveness_probe: Some(p.clone()), readiness_probe: Some(p.clone()), startup_probe: Some(p), ..Default::default() };
        let errs: Vec<String> = container_probe_errors(&c, "spec.containers[0]").into_iter().map(|e| format!("{}: {}", e.field, e.detail)).collect();
        assert_eq!(
            errs,
            vec![
                "spec.containers[0].livenessProbe.successThreshold: Invalid value: 2: must be 1",
                "spec.containers[0].startupProbe.successThreshold: Invalid value: 2: must be 1",
            ]
        );
    }

    #[test]
    fn handlers_are_checked() {
        let mut none = Probe::default();
        default_probe(&mut none);
        let mut two = http(IntOrString::Int(70000));
        two.tcp_socket = Some(TCPSocketAction { port: IntOrString::String("HTTP".into()), ..Default::default() });
        default_probe(&mut two);
        let c = Container { name: "c".into(), readiness_probe: Some(none), liveness_probe: Some(two), ..Default::default() };
        let errs: Vec<String> = container_probe_errors(&c, "spec.containers[0]").into_iter().map(|e| format!("{}: {}", e.field, e.detail)).collect();
        assert_eq!(
            errs,
            vec![
                "spec.containers[0].livenessProbe.httpGet.port: Invalid value: 70000: must be between 1 and 65535, inclusive",
                "spec.containers[0].livenessProbe.tcpSocket: Forbidden: may not specify more than 1 handler type",
                "spec.containers[0].readinessProbe: Required value: must specify a handler type",
            ]
        );
    }
}
