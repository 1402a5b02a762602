//! `kubectl create deployment NAME --image=I [--image=J] [--replicas=N] [--port=P]
//! [-- COMMAND ARGS]` (kubectl/pkg/cmd/create/create_deployment.go): labels and
//! selector `app=NAME`, one container per image named after the image's last path
//! segment without tag or digest.

use std::collections::BTreeMap;

use k8s_openapi::api::apps::v1::{Deployment, DeploymentSpec, DeploymentStrategy};
use k8s_openapi::api::core::v1::{Container, ContainerPort, PodSpec, PodTemplateSpec, ResourceRequirements};
use k8s_openapi::apimachinery::pkg::apis::meta::v1::{LabelSelector, ObjectMeta};

use super::create::GENERATOR_FLAGS;
use super::flags::{self, flag, FlagDef, FlagKind};
use super::print_flags::{check_output, print_object, DryRun};
use super::{usage_error, Io};
use crate::api::Admit;
use crate::cluster::Cluster;
use crate::names::SimRng;
use crate::output::Output;
use crate::printers::go_json::to_go_json_compact;

/// `create deployment`'s own flags, beside the generators' common ones.
const FLAGS: &[FlagDef] = &[flag("port", None, FlagKind::Value), flag("replicas", Some('r'), FlagKind::Value)];

const LAST_APPLIED: &str = "kubectl.kubernetes.io/last-applied-configuration";

fn help_error(message: &str, out: &mut Output) -> i32 {
    out.err(&format!("error: {message}"));
    out.err("See 'kubectl create deployment -h' for help and examples");
    1
}

/// pflag's int32 flag: the value or its `strconv.ParseInt` error.
pub fn int32_flag(p: &flags::Parsed, long: &str, shown: &str, default: i32) -> Result<i32, String> {
    match p.value(long) {
        None => Ok(default),
        Some(v) => v.parse::<i32>().map_err(|_| {
            let why = if v.parse::<i64>().is_ok() { "value out of range" } else { "invalid syntax" };
            format!("invalid argument \"{v}\" for \"{shown}\" flag: strconv.ParseInt: parsing \"{v}\": {why}")
        }),
    }
}

/// `sanitizeAndUniquify`: `_` and `.` become `-`, plus a random suffix so that the
/// container name stays unique.
fn container_name(image: &str, rng: &mut SimRng) -> String {
    let last = image.rsplit('/').next().unwrap_or(image);
    let mut name = last.split(':').next().unwrap_or(last);
    name = name.split('@').next().unwrap_or(name);
    if name.contains(['_', '.']) {
        format!("{}-{}", name.replace(['_', '.'], "-"), rng.suffix(5))
    } else {
        name.to_string()
    }
}

/// The Deployment `create deployment` builds on the client.
fn build(name: &str, namespace: Option<String>, images: &[String], command: &[String], replicas: i32, port: i32, rng: &mut SimRng) -> Deployment {
    let labels: BTreeMap<String, String> = [("app".to_string(), name.to_string())].into();
    let mut containers: Vec<Container> = images
        .iter()
        .map(|image| Container {
            name: container_name(image, rng),
            image: Some(image.clone()),
            command: (!command.is_empty()).then(|| command.to_vec()),
            resources: Some(ResourceRequirements::default()),
            ..Default::default()
        })
        .collect();
    if port >= 0 {
        if let Some(c) = containers.first_mut() {
            c.ports = Some(vec![ContainerPort { container_port: port, ..Default::default() }]);
        }
    }
    Deployment {
        metadata: ObjectMeta { name: Some(name.into()), namespace, labels: Some(labels.clone()), ..Default::default() },
        spec: Some(DeploymentSpec {
            replicas: Some(replicas),
            selector: LabelSelector { match_labels: Some(labels.clone()), ..Default::default() },
            template: PodTemplateSpec {
                metadata: Some(ObjectMeta { labels: Some(labels), ..Default::default() }),
                spec: Some(PodSpec { containers, ..Default::default() }),
            },
            strategy: Some(DeploymentStrategy::default()),
            ..Default::default()
        }),
        status: Some(Default::default()),
    }
}

pub fn run(cluster: &mut Cluster, args: &[String], io: &Io, out: &mut Output) -> i32 {
    let p = match flags::parse(args, &[GENERATOR_FLAGS, FLAGS].concat(), io.kubeconfig) {
        Ok(p) => p,
        Err(e) => return usage_error("create deployment", e.message(), out),
    };
    let replicas = match int32_flag(&p, "replicas", "-r, --replicas", 1) {
        Ok(n) => n,
        Err(e) => return usage_error("create deployment", &e, out),
    };
    let port = match int32_flag(&p, "port", "--port", -1) {
        Ok(n) => n,
        Err(e) => return usage_error("create deployment", &e, out),
    };
    if !p.is_set("image") {
        out.err("error: required flag(s) \"image\" not set");
        return 1;
    }
    if p.args.len() != 1 {
        return help_error(&format!("exactly one NAME is required, got {}", p.args.len()), out);
    }
    let name = p.args[0].clone();
    // `--image` is a string slice: repeatable, and each value is a comma list.
    let images: Vec<String> = p.values("image").iter().flat_map(|v| v.split(',')).filter(|s| !s.is_empty()).map(String::from).collect();
    let command = p.after_dash.clone().unwrap_or_default();
    let dry_run = match DryRun::parse(p.value("dry-run")) {
        Ok(d) => d,
        Err(e) => {
            out.err(&format!("error: {e}"));
            return 1;
        }
    };
    let output = p.value("output");
    if let Err(e) = check_output(output) {
        out.err(&format!("error: {e}"));
        return 1;
    }
    if images.len() > 1 && !command.is_empty() {
        out.err("error: cannot specify multiple --image options and command");
        return 1;
    }
    let namespace = p.namespace_flag().map(String::from);
    let mut deploy = build(&name, namespace.clone(), &images, &command, replicas, port, cluster.rng());
    if p.bool("save-config") {
        let mut json = super::resources::to_json(&deploy);
        if let serde_json::Value::Object(m) = &mut json {
            m.entry("status").or_insert_with(|| serde_json::json!({}));
        }
        let applied = format!("{}\n", to_go_json_compact(&json));
        deploy.metadata.annotations = Some([(LAST_APPLIED.to_string(), applied)].into());
    }
    if dry_run == DryRun::Client {
        print_object(&deploy, output, "created", dry_run, out);
        return 0;
    }
    deploy.metadata.namespace = Some(p.namespace().to_string());
    deploy.status = None;
    if dry_run == DryRun::Server {
        let mut checked = deploy.clone();
        if let Err(e) = checked.validate_create() {
            out.err(&format!("error: failed to create deployment: {}", e.message));
            return 1;
        }
        checked.default_create(cluster.rng());
        print_object(&checked, output, "created", dry_run, out);
        return 0;
    }
    match cluster.create(deploy) {
        Ok(created) => {
            print_object(&created, output, "created", dry_run, out);
            cluster.settle();
            0
        }
        Err(e) => {
            out.err(&format!("error: failed to create deployment: {}", e.message));
            1
        }
    }
}
