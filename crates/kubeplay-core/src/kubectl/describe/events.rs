//! The `Events:` section: the events about one object (describe.go `searchEvents`,
//! a field selector on the involved object) printed as `DescribeEvents` does.

use k8s_openapi::api::core::v1::Event;

use super::writer::{PrefixWriter, LEVEL_0, LEVEL_1};
use crate::cluster::Cluster;
use crate::kubectl::printers::age;
use crate::time::SimTime;

/// Which object the events must be about: `involvedObject.{name,namespace,kind,uid}`.
/// `kind: None` leaves the kind open, as describePod does (its reference has no kind).
pub struct EventQuery<'a> {
    pub name: &'a str,
    pub namespace: &'a str,
    pub kind: Option<&'a str>,
    pub uid: &'a str,
}

/// `searchEvents`: the matching events in store (name) order.
pub fn search<'c>(cluster: &'c Cluster, q: &EventQuery) -> Vec<&'c Event> {
    // Events of cluster-scoped objects may live in any namespace.
    cluster
        .store
        .events
        .list(None)
        .filter(|e| q.namespace.is_empty() || e.metadata.namespace.as_deref() == Some(q.namespace))
        .filter(|e| {
            let o = &e.involved_object;
            o.name.as_deref().unwrap_or("") == q.name
                && o.namespace.as_deref().unwrap_or("") == q.namespace
                && q.kind.is_none_or(|k| o.kind.as_deref().unwrap_or("") == k)
                && o.uid.as_deref().unwrap_or("") == q.uid
        })
        .collect()
}

/// `DescribeEvents`: `Events:\t<none>`, or a table of its own (the writer is flushed
/// first) sorted by last timestamp.
pub fn describe_events(w: &mut PrefixWriter, events: &[&Event], now: SimTime) {
    if events.is_empty() {
        w.write(LEVEL_0, "Events:\t<none>\n");
        return;
    }
    w.flush();
    let mut sorted: Vec<&Event> = events.to_vec();
    let last = |e: &Event| e.last_timestamp.as_ref().map(|t| t.0.as_second()).unwrap_or(i64::MIN);
    crate::printers::go_sort::sort_by_less(&mut sorted, |a, b| last(a) < last(b));
    w.write(LEVEL_0, "Events:\n  Type\tReason\tAge\tFrom\tMessage\n");
    w.write(LEVEL_1, "----\t------\t----\t----\t-------\n");
    for e in sorted {
        let first = age(now, e.first_timestamp.as_ref());
        let interval = match e.count {
            Some(n) if n > 1 => format!("{} (x{n} over {first})", age(now, e.last_timestamp.as_ref())),
            _ => first,
        };
        let source = e.source.as_ref().and_then(|s| s.component.clone()).filter(|c| !c.is_empty()).or_else(|| e.reporting_component.clone()).unwrap_or_default();
        w.write(
            LEVEL_1,
            &format!(
                "{}\t{}\t{interval}\t{source}\t{}\n",
                e.type_.as_deref().unwrap_or(""),
                e.reason.as_deref().unwrap_or(""),
                e.message.as_deref().unwrap_or("").trim()
            ),
        );
    }
}
