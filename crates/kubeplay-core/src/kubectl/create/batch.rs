//! `create job` and `create cronjob` (kubectl/pkg/cmd/create/create_job.go,
//! create_cronjob.go): the container is named after the Job/CronJob, the words
//! after `--` are its command; a Job restarts `Never`, a CronJob's pods
//! `OnFailure` unless `--restart` says otherwise. `create job --from=cronjob/x`
//! copies the CronJob's job template, marked `cronjob.kubernetes.io/instantiate: manual`.

use k8s_openapi::api::batch::v1::{CronJob, CronJobSpec, Job, JobSpec, JobTemplateSpec};
use k8s_openapi::api::core::v1::{Container, PodSpec, PodTemplateSpec};
use k8s_openapi::apimachinery::pkg::apis::meta::v1::{ObjectMeta, OwnerReference};
use serde_json::json;

use super::{create_generated, dry_meta, meta, GENERATOR_FLAGS};
use crate::cluster::Cluster;
use crate::kubectl::config::Kubeconfig;
use crate::kubectl::flags::{flag, FlagDef, FlagKind, Parsed};
use crate::output::Output;

fn parse(sub: &str, args: &[String], extra: &[FlagDef], kc: &Kubeconfig, out: &mut Output) -> Result<(Parsed, String), i32> {
    let defs: Vec<FlagDef> = GENERATOR_FLAGS.iter().chain(extra).copied().collect();
    super::name_arg(sub, args, &defs, kc, out)
}

/// The pod template both generators build, and its client-side JSON.
fn template(name: &str, image: &str, command: &[String], restart: &str) -> (PodTemplateSpec, serde_json::Value) {
    let container = Container {
        name: name.to_string(),
        image: Some(image.to_string()),
        command: (!command.is_empty()).then(|| command.to_vec()),
        ..Default::default()
    };
    let mut c = json!({"name": name, "image": image, "resources": {}});
    if !command.is_empty() {
        c["command"] = json!(command);
    }
    let spec = PodSpec { containers: vec![container], restart_policy: Some(restart.to_string()), ..Default::default() };
    let t = PodTemplateSpec { metadata: Some(ObjectMeta::default()), spec: Some(spec) };
    (t, json!({"metadata": {}, "spec": {"containers": [c], "restartPolicy": restart}}))
}

pub fn job(c: &mut Cluster, args: &[String], kc: &Kubeconfig, out: &mut Output) -> i32 {
    let (p, name) = match parse("job", args, &[flag("from", None, FlagKind::Value)], kc, out) {
        Ok(x) => x,
        Err(code) => return code,
    };
    let image = p.value("image").unwrap_or("");
    let from = p.value("from").unwrap_or("");
    let command = p.after_dash.clone().unwrap_or_default();
    if image.is_empty() && from.is_empty() {
        out.err("error: either --image or --from must be specified");
        return 1;
    }
    if !image.is_empty() && !from.is_empty() {
        out.err("error: --image and --from cannot be specified together");
        return 1;
    }
    if !from.is_empty() && !command.is_empty() {
        out.err("error: cannot specify --from and command");
        return 1;
    }
    if !from.is_empty() {
        return job_from_cronjob(c, &p, &name, from, out);
    }
    let (t, t_json) = template(&name, image, &command, "Never");
    let dry = json!({"kind": "Job", "apiVersion": "batch/v1", "metadata": dry_meta(&name, &p), "spec": {"template": t_json}, "status": {}});
    let obj = Job { metadata: meta(&name, &p), spec: Some(JobSpec { template: t, ..Default::default() }), status: None };
    create_generated(c, obj, dry, &p, Some("failed to create job: "), out)
}

/// `createJobFromCronJob`: the CronJob's job template, its labels and annotations,
/// plus `cronjob.kubernetes.io/instantiate: manual` and a controller reference.
fn job_from_cronjob(c: &mut Cluster, p: &Parsed, name: &str, from: &str, out: &mut Output) -> i32 {
    let (kind, cj_name) = from.split_once('/').unwrap_or(("", from));
    if !matches!(kind, "cronjob" | "cronjobs" | "cj" | "cronjob.batch" | "cronjobs.batch") {
        out.err(&format!("error: from must be an existing cronjob: {from}"));
        return 1;
    }
    let Some(cj) = c.store.get::<CronJob>(p.namespace(), cj_name).cloned() else {
        out.err(&format!("Error from server (NotFound): cronjobs.batch \"{cj_name}\" not found"));
        return 1;
    };
    let tmpl = cj.spec.clone().unwrap_or_default().job_template;
    let tm = tmpl.metadata.clone().unwrap_or_default();
    let mut annotations = std::collections::BTreeMap::from([("cronjob.kubernetes.io/instantiate".to_string(), "manual".to_string())]);
    annotations.extend(tm.annotations.clone().unwrap_or_default());
    let owner = OwnerReference {
        api_version: "batch/v1".into(),
        kind: "CronJob".into(),
        name: cj_name.to_string(),
        uid: cj.metadata.uid.clone().unwrap_or_default(),
        controller: Some(true),
        block_owner_deletion: None,
    };
    let obj = Job {
        metadata: ObjectMeta {
            annotations: Some(annotations),
            labels: tm.labels.clone(),
            owner_references: Some(vec![owner]),
            ..meta(name, p)
        },
        spec: tmpl.spec.clone(),
        status: None,
    };
    let mut dry = crate::kubectl::resources::to_json(&obj);
    dry["status"] = json!({});
    create_generated(c, obj, dry, p, Some("failed to create job: "), out)
}

pub fn cronjob(c: &mut Cluster, args: &[String], kc: &Kubeconfig, out: &mut Output) -> i32 {
    let extra = [flag("schedule", None, FlagKind::Value), flag("restart", None, FlagKind::Value)];
    let (p, name) = match parse("cronjob", args, &extra, kc, out) {
        Ok(x) => x,
        Err(code) => return code,
    };
    if !p.is_set("image") {
        out.err("error: required flag(s) \"image\" not set");
        return 1;
    }
    if !p.is_set("schedule") {
        out.err("error: required flag(s) \"schedule\" not set");
        return 1;
    }
    let image = p.value("image").unwrap_or("");
    let schedule = p.value("schedule").unwrap_or("");
    let restart = p.value("restart").filter(|r| !r.is_empty()).unwrap_or("OnFailure");
    let command = p.after_dash.clone().unwrap_or_default();
    let (t, t_json) = template(&name, image, &command, restart);
    let dry = json!({
        "kind": "CronJob",
        "apiVersion": "batch/v1",
        "metadata": dry_meta(&name, &p),
        "spec": {"schedule": schedule, "jobTemplate": {"metadata": {"name": name}, "spec": {"template": t_json}}},
        "status": {},
    });
    let obj = CronJob {
        metadata: meta(&name, &p),
        spec: Some(CronJobSpec {
            schedule: schedule.to_string(),
            job_template: JobTemplateSpec {
                metadata: Some(ObjectMeta { name: Some(name.clone()), ..Default::default() }),
                spec: Some(JobSpec { template: t, ..Default::default() }),
            },
            ..Default::default()
        }),
        status: None,
    };
    create_generated(c, obj, dry, &p, Some("failed to create cronjob: "), out)
}
