//! `kubectl describe cronjob` (describe.go `describeCronJob`): schedule and
//! policies (`<unset>` where the spec leaves them), the job template
//! (`describeJobTemplate`), the last schedule time, the active Jobs and events.

use k8s_openapi::api::batch::v1::{CronJob, JobTemplateSpec};

use super::fields::{self, rfc1123z};
use super::pod_spec::pod_template;
use super::workload::events;
use super::writer::{PrefixWriter, LEVEL_0};
use super::{Settings, Target};
use crate::api::{ApiError, ApiKind};
use crate::cluster::Cluster;
use crate::kubectl::printers::apps::format_label_selector;

/// A number, or `<unset>`, with kubectl's unit suffix.
fn or_unset<T: std::fmt::Display>(v: Option<T>, suffix: &str) -> String {
    v.map(|v| format!("{v}{suffix}")).unwrap_or_else(|| "<unset>".into())
}

/// `printBoolPtr`: `True`, `False` or `<unset>`.
fn bool_ptr(v: Option<bool>) -> &'static str {
    match v {
        Some(true) => "True",
        Some(false) => "False",
        None => "<unset>",
    }
}

/// `describeJobTemplate`.
fn job_template(w: &mut PrefixWriter, t: &JobTemplateSpec) {
    let spec = t.spec.clone().unwrap_or_default();
    let selector = spec.selector.as_ref().map(|s| format_label_selector(Some(s))).unwrap_or_else(|| "<unset>".into());
    w.write(LEVEL_0, &format!("Selector:\t{selector}\n"));
    w.write(LEVEL_0, &format!("Parallelism:\t{}\n", or_unset(spec.parallelism, "")));
    w.write(LEVEL_0, &format!("Completions:\t{}\n", or_unset(spec.completions, "")));
    if let Some(secs) = spec.active_deadline_seconds {
        w.write(LEVEL_0, &format!("Active Deadline Seconds:\t{secs}s\n"));
    }
    pod_template(w, Some(&spec.template));
}

pub fn describe(cluster: &Cluster, t: &Target, settings: &Settings) -> Result<String, ApiError> {
    let cj = cluster.store.get::<CronJob>(t.namespace, t.name).ok_or_else(|| ApiError::not_found(&CronJob::qualified_resource(), t.name))?;
    let m = &cj.metadata;
    let spec = cj.spec.clone().unwrap_or_default();
    let status = cj.status.clone().unwrap_or_default();
    let mut w = PrefixWriter::new();
    w.write(LEVEL_0, &format!("Name:\t{}\n", t.name));
    w.write(LEVEL_0, &format!("Namespace:\t{}\n", t.namespace));
    fields::labels(&mut w, "Labels", m.labels.as_ref());
    fields::annotations(&mut w, "Annotations", m.annotations.as_ref());
    w.write(LEVEL_0, &format!("Schedule:\t{}\n", spec.schedule));
    w.write(LEVEL_0, &format!("Concurrency Policy:\t{}\n", spec.concurrency_policy.as_deref().unwrap_or("")));
    w.write(LEVEL_0, &format!("Suspend:\t{}\n", bool_ptr(spec.suspend)));
    w.write(LEVEL_0, &format!("Successful Job History Limit:\t{}\n", or_unset(spec.successful_jobs_history_limit, "")));
    w.write(LEVEL_0, &format!("Failed Job History Limit:\t{}\n", or_unset(spec.failed_jobs_history_limit, "")));
    w.write(LEVEL_0, &format!("Starting Deadline Seconds:\t{}\n", or_unset(spec.starting_deadline_seconds, "s")));
    job_template(&mut w, &spec.job_template);
    w.write(LEVEL_0, &format!("Last Schedule Time:\t{}\n", or_unset(status.last_schedule_time.as_ref().map(rfc1123z), "")));
    // printActiveJobs
    let active: Vec<&str> = status.active.iter().flatten().map(|r| r.name.as_deref().unwrap_or("")).collect();
    w.write(LEVEL_0, "Active Jobs:\t");
    w.write_line(if active.is_empty() { "<none>".into() } else { active.join(", ") }.as_str());
    events(&mut w, cluster, t, settings, "CronJob", m.uid.as_deref().unwrap_or(""));
    Ok(w.finish())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::kubectl::resources::by_plural;

    const CJ: &str = "metadata: {name: hello, namespace: default}
spec:
  schedule: '* * * * *'
  jobTemplate:
    spec:
      template:
        spec:
          containers: [{name: hello, image: 'busybox:1.28', command: [/bin/sh, -c, date]}]
          restartPolicy: OnFailure";

    #[test]
    fn schedule_policies_and_unset_template_fields() {
        let mut c = Cluster::new(Default::default());
        c.create(yaml_serde::from_str::<CronJob>(CJ).unwrap()).unwrap();
        let t = Target { rt: by_plural("cronjobs").unwrap(), namespace: "default", name: "hello" };
        let out = describe(&c, &t, &Settings { show_events: false }).unwrap();
        let head = "Name:                          hello\nNamespace:                     default\nLabels:                        <none>\nAnnotations:                   <none>\nSchedule:                      * * * * *\nConcurrency Policy:            Allow\nSuspend:                       False\nSuccessful Job History Limit:  3\nFailed Job History Limit:      1\nStarting Deadline Seconds:     <unset>\nSelector:                      <unset>\nParallelism:                   <unset>\nCompletions:                   <unset>\nPod Template:\n";
        assert!(out.starts_with(head), "{out}");
        assert!(out.ends_with("Last Schedule Time:  <unset>\nActive Jobs:         <none>\n"), "{out}");
    }
}
