//! `kubectl describe job` (describe.go `describeJob`): the selector the API
//! server generated, the spec's knobs (only those set, except `Completions`),
//! start/completion times and their duration, the status counts, the pod
//! template and events.

use k8s_openapi::api::batch::v1::Job;

use super::fields::{self, rfc1123z};
use super::pod_spec::pod_template;
use super::workload::{controlled_by, events};
use super::writer::{PrefixWriter, LEVEL_0};
use super::{Settings, Target};
use crate::api::{ApiError, ApiKind};
use crate::cluster::Cluster;
use crate::kubectl::printers::apps::format_label_selector;
use crate::printers::duration::human_duration;

/// `capIndexesListOrNone`: the completed indexes, cut after the first comma past
/// `soft_limit` bytes.
fn cap_indexes(indexes: &str, soft_limit: usize) -> String {
    if indexes.is_empty() {
        return "<none>".into();
    }
    match indexes.bytes().enumerate().skip(soft_limit).find(|(_, b)| *b == b',') {
        Some((ix, _)) => format!("{}...", &indexes[..=ix]),
        None => indexes.into(),
    }
}

pub fn describe(cluster: &Cluster, t: &Target, settings: &Settings) -> Result<String, ApiError> {
    let job = cluster.store.get::<Job>(t.namespace, t.name).ok_or_else(|| ApiError::not_found(&Job::qualified_resource(), t.name))?;
    let m = &job.metadata;
    let spec = job.spec.clone().unwrap_or_default();
    let status = job.status.clone().unwrap_or_default();
    let mut w = PrefixWriter::new();
    w.write(LEVEL_0, &format!("Name:\t{}\n", t.name));
    w.write(LEVEL_0, &format!("Namespace:\t{}\n", t.namespace));
    w.write(LEVEL_0, &format!("Selector:\t{}\n", format_label_selector(spec.selector.as_ref())));
    fields::labels(&mut w, "Labels", m.labels.as_ref());
    fields::annotations(&mut w, "Annotations", m.annotations.as_ref());
    controlled_by(&mut w, m);
    if let Some(p) = spec.parallelism {
        w.write(LEVEL_0, &format!("Parallelism:\t{p}\n"));
    }
    match spec.completions {
        Some(c) => w.write(LEVEL_0, &format!("Completions:\t{c}\n")),
        None => w.write(LEVEL_0, "Completions:\t<unset>\n"),
    }
    if let Some(mode) = spec.completion_mode.as_deref() {
        w.write(LEVEL_0, &format!("Completion Mode:\t{mode}\n"));
    }
    if let Some(s) = spec.suspend {
        w.write(LEVEL_0, &format!("Suspend:\t{s}\n"));
    }
    if let Some(b) = spec.backoff_limit {
        w.write(LEVEL_0, &format!("Backoff Limit:\t{b}\n"));
    }
    if let Some(ttl) = spec.ttl_seconds_after_finished {
        w.write(LEVEL_0, &format!("TTL Seconds After Finished:\t{ttl}\n"));
    }
    if let Some(start) = status.start_time.as_ref() {
        w.write(LEVEL_0, &format!("Start Time:\t{}\n", rfc1123z(start)));
    }
    if let Some(done) = status.completion_time.as_ref() {
        w.write(LEVEL_0, &format!("Completed At:\t{}\n", rfc1123z(done)));
    }
    if let (Some(start), Some(done)) = (status.start_time.as_ref(), status.completion_time.as_ref()) {
        let ms = done.0.as_millisecond() - start.0.as_millisecond();
        w.write(LEVEL_0, &format!("Duration:\t{}\n", human_duration(ms)));
    }
    if let Some(secs) = spec.active_deadline_seconds {
        w.write(LEVEL_0, &format!("Active Deadline Seconds:\t{secs}s\n"));
    }
    let (active, succeeded, failed) = (status.active.unwrap_or(0), status.succeeded.unwrap_or(0), status.failed.unwrap_or(0));
    match status.ready {
        None => w.write(LEVEL_0, &format!("Pods Statuses:\t{active} Active / {succeeded} Succeeded / {failed} Failed\n")),
        Some(ready) => w.write(LEVEL_0, &format!("Pods Statuses:\t{active} Active ({ready} Ready) / {succeeded} Succeeded / {failed} Failed\n")),
    }
    if spec.completion_mode.as_deref() == Some("Indexed") {
        w.write(LEVEL_0, &format!("Completed Indexes:\t{}\n", cap_indexes(status.completed_indexes.as_deref().unwrap_or(""), 50)));
    }
    pod_template(&mut w, Some(&spec.template));
    events(&mut w, cluster, t, settings, "Job", m.uid.as_deref().unwrap_or(""));
    Ok(w.finish())
}

#[cfg(test)]
mod tests {
    use super::cap_indexes;

    #[test]
    fn completed_indexes_are_capped_after_the_soft_limit() {
        assert_eq!(cap_indexes("", 50), "<none>");
        assert_eq!(cap_indexes("1-3,5", 50), "1-3,5");
        assert_eq!(cap_indexes("1,3,5,7", 2), "1,3,...");
    }
}
