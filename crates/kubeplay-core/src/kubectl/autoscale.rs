//! `kubectl autoscale (TYPE NAME | TYPE/NAME) [--min=MINPODS] --max=MAXPODS
//! [--cpu=CPU] [--memory=MEMORY]` (kubectl/pkg/cmd/autoscale/autoscale.go, v1.34):
//! builds an autoscaling/v2 HorizontalPodAutoscaler for a scalable workload and
//! prints `horizontalpodautoscaler.autoscaling/<name> autoscaled`. `--cpu-percent`
//! still works but pflag warns that it is deprecated.

use k8s_openapi::api::autoscaling::v2::{
    CrossVersionObjectReference, HorizontalPodAutoscaler, HorizontalPodAutoscalerSpec, MetricSpec, MetricTarget,
    ResourceMetricSource,
};
use k8s_openapi::apimachinery::pkg::api::resource::Quantity;
use k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta;

use super::flags::{self, flag, FlagDef, FlagKind, Parsed};
use super::{resources, usage_error, Io};
use crate::cluster::Cluster;
use crate::output::Output;

const FLAGS: &[FlagDef] = &[
    flag("min", None, FlagKind::Value),
    flag("max", None, FlagKind::Value),
    flag("cpu-percent", None, FlagKind::Value),
    flag("cpu", None, FlagKind::Value),
    flag("memory", None, FlagKind::Value),
    flag("name", None, FlagKind::Value),
    flag("dry-run", None, FlagKind::Value),
    flag("output", Some('o'), FlagKind::Value),
    flag("save-config", None, FlagKind::Bool),
    flag("record", None, FlagKind::Bool),
    flag("field-manager", None, FlagKind::Value),
    flag("filename", Some('f'), FlagKind::Value),
];

const DEPRECATED_CPU_PERCENT: &str = "Flag --cpu-percent has been deprecated, Use --cpu with percentage or resource quantity format (e.g., '70%' for utilization or '500m' for milliCPU).";

/// A parsed `--cpu`/`--memory` value (`parseResourceInput`).
#[derive(Clone, Debug, PartialEq)]
pub enum Target {
    Utilization(i32),
    AverageValue(String),
}

/// `70%` → utilization; `500` → `500m` (CPU) or `500Mi` (memory); `2Gi` as is.
pub fn parse_target(input: &str, resource: &str) -> Result<Target, String> {
    let input = input.trim();
    if input.is_empty() {
        return Err("empty input".into());
    }
    if let Some(p) = input.strip_suffix('%') {
        return match p.parse::<i64>() {
            Ok(v) if (0..=i32::MAX as i64).contains(&v) => Ok(Target::Utilization(v as i32)),
            _ => Err(format!("invalid percentage value: {p}")),
        };
    }
    if let Ok(v) = input.parse::<f64>() {
        let unit = if resource == "cpu" { "m" } else { "Mi" };
        return Ok(Target::AverageValue(format!("{v}{unit}")));
    }
    let valid = crate::controllers::resources::bytes(&Quantity(input.to_string())).is_some();
    if valid {
        Ok(Target::AverageValue(input.to_string()))
    } else {
        Err(format!("invalid resource {resource} value: {input}"))
    }
}

fn int_flag(p: &Parsed, name: &str, out: &mut Output) -> Result<i32, i32> {
    match p.value(name) {
        None => Ok(-1),
        Some(v) => v.parse::<i32>().map_err(|_| {
            usage_error("autoscale", &format!("invalid argument \"{v}\" for \"--{name}\" flag: strconv.ParseInt: parsing \"{v}\": invalid syntax"), out)
        }),
    }
}

fn metric(resource: &str, target: Target) -> MetricSpec {
    let target = match target {
        Target::Utilization(u) => MetricTarget { type_: "Utilization".into(), average_utilization: Some(u), ..Default::default() },
        Target::AverageValue(v) => MetricTarget { type_: "AverageValue".into(), average_value: Some(Quantity(v)), ..Default::default() },
    };
    MetricSpec { type_: "Resource".into(), resource: Some(ResourceMetricSource { name: resource.into(), target }), ..Default::default() }
}

fn fail(out: &mut Output, msg: &str) -> i32 {
    out.err(&format!("error: {msg}"));
    1
}

pub fn run(cluster: &mut Cluster, args: &[String], io: &Io, out: &mut Output) -> i32 {
    let p = match flags::parse(args, FLAGS, io.kubeconfig) {
        Ok(p) => p,
        Err(e) => return usage_error("autoscale", e.message(), out),
    };
    if p.is_set("cpu-percent") {
        out.err(DEPRECATED_CPU_PERCENT);
    }
    if !p.is_set("max") {
        return fail(out, "required flag(s) \"max\" not set");
    }
    let (min, max, cpu_percent) = match (int_flag(&p, "min", out), int_flag(&p, "max", out), int_flag(&p, "cpu-percent", out)) {
        (Ok(a), Ok(b), Ok(c)) => (a, b, c),
        (Err(code), _, _) | (_, Err(code), _) | (_, _, Err(code)) => return code,
    };
    if max < 1 {
        return fail(out, &format!("--max=MAXPODS is required and must be at least 1, max: {max}"));
    }
    if max < min {
        return fail(out, &format!("--max=MAXPODS must be larger or equal to --min=MINPODS, max: {max}, min: {min}"));
    }
    let cpu = p.value("cpu").unwrap_or("").to_string();
    let memory = p.value("memory").unwrap_or("").to_string();
    if cpu_percent > 0 && !cpu.is_empty() {
        return fail(out, "--cpu-percent and --cpu are mutually exclusive");
    }
    let mut metrics = Vec::new();
    if cpu_percent > 0 {
        metrics.push(metric("cpu", Target::Utilization(cpu_percent)));
    }
    for (resource, value) in [("cpu", &cpu), ("memory", &memory)] {
        if value.is_empty() {
            continue;
        }
        match parse_target(value, resource) {
            Ok(t) => metrics.push(metric(resource, t)),
            Err(e) => return fail(out, &e),
        }
    }
    // TYPE NAME or TYPE/NAME.
    let (type_name, name) = match p.args.as_slice() {
        [one] if one.contains('/') => {
            let (t, n) = one.split_once('/').unwrap_or_default();
            (t.to_string(), n.to_string())
        }
        [t, n] => (t.clone(), n.clone()),
        [] => {
            out.err(super::NO_RESOURCES);
            return 1;
        }
        _ => return fail(out, "no objects passed to autoscale"),
    };
    let Some(rt) = resources::resolve(&type_name) else {
        return fail(out, &format!("the server doesn't have a resource type \"{type_name}\""));
    };
    let namespace = p.namespace().to_string();
    if !matches!(rt.kind, "Deployment" | "ReplicaSet" | "StatefulSet" | "ReplicationController") {
        let group = if rt.group.is_empty() { String::new() } else { rt.group.to_string() };
        return fail(out, &format!("cannot autoscale a {}: could not find scale subresource for {group}/{}, Resource={} in discovery information", rt.kind, rt.version, rt.plural));
    }
    if let Err(e) = (rt.get)(cluster, &namespace, &name, resources::Want::Cells) {
        out.err(&e.to_string());
        return 1;
    }
    let hpa_name = p.value("name").filter(|n| !n.is_empty()).unwrap_or(&name).to_string();
    let hpa = HorizontalPodAutoscaler {
        metadata: ObjectMeta { name: Some(hpa_name.clone()), namespace: Some(namespace.clone()), ..Default::default() },
        spec: Some(HorizontalPodAutoscalerSpec {
            scale_target_ref: CrossVersionObjectReference { api_version: Some(rt.api_version()), kind: rt.kind.to_string(), name: name.clone() },
            max_replicas: max,
            min_replicas: (min > 0).then_some(min),
            metrics: (!metrics.is_empty()).then_some(metrics),
            ..Default::default()
        }),
        status: None,
    };
    let prefix = "horizontalpodautoscaler.autoscaling";
    let dry_run = match p.value("dry-run").unwrap_or("none") {
        "none" | "false" => false,
        "client" | "server" | "true" => true,
        other => return fail(out, &format!("Invalid dry-run value ({other}). Must be \"none\", \"server\", or \"client\".")),
    };
    let (obj, verb) = if dry_run {
        (hpa, "created (dry run)")
    } else {
        match cluster.create(hpa) {
            Ok(created) => {
                cluster.settle();
                (created, "autoscaled")
            }
            Err(e) => {
                out.err(&e.to_string());
                return 1;
            }
        }
    };
    match p.value("output").unwrap_or("") {
        "" => out.out(&format!("{prefix}/{hpa_name} {verb}")),
        "name" => out.out(&format!("{prefix}/{hpa_name}")),
        fmt @ ("yaml" | "json") => super::get::print_structured(&resources::to_json(&obj), fmt, out),
        other => return fail(out, &format!("unable to match a printer suitable for the output format \"{other}\", allowed formats are: json,name,yaml")),
    }
    0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn resource_inputs_as_the_client_parses_them() {
        assert_eq!(parse_target("80%", "cpu"), Ok(Target::Utilization(80)));
        assert_eq!(parse_target("500", "cpu"), Ok(Target::AverageValue("500m".into())));
        assert_eq!(parse_target("200", "memory"), Ok(Target::AverageValue("200Mi".into())));
        assert_eq!(parse_target("500m", "cpu"), Ok(Target::AverageValue("500m".into())));
        assert_eq!(parse_target("abc", "cpu"), Err("invalid resource cpu value: abc".into()));
        assert_eq!(parse_target("x%", "cpu"), Err("invalid percentage value: x".into()));
    }
}
