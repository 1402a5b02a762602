//! The cluster's events as a stream in time order, each naming the object it is
//! about, for the page's event panel and the inspector.

use k8s_openapi::api::core::v1::Event;

use super::ObjectRef;
use crate::cluster::Cluster;
use crate::time::SimTime;

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EventView {
    /// When it was last seen (`lastTimestamp`, as `kubectl get events` sorts).
    pub at: SimTime,
    /// `Normal` or `Warning`.
    pub type_: String,
    pub reason: String,
    pub message: String,
    /// How many times the recorder saw it (aggregated repeats).
    pub count: i32,
    pub object: ObjectRef,
    /// The component that reported it (`default-scheduler`, `kubelet`).
    pub source: String,
    /// The event's own name, unique within its namespace.
    pub name: String,
}

fn seen_at(e: &Event) -> SimTime {
    e.last_timestamp
        .as_ref()
        .or(e.first_timestamp.as_ref())
        .or(e.metadata.creation_timestamp.as_ref())
        .map(SimTime::from_k8s)
        .or_else(|| e.event_time.as_ref().map(|t| SimTime(t.0.as_millisecond())))
        .unwrap_or_default()
}

/// The object an event is about.
fn subject(e: &Event) -> ObjectRef {
    let o = &e.involved_object;
    ObjectRef::new(o.kind.as_deref().unwrap_or(""), o.namespace.as_deref().unwrap_or(""), o.name.as_deref().unwrap_or(""))
}

fn view(e: &Event) -> EventView {
    EventView {
        at: seen_at(e),
        type_: e.type_.clone().unwrap_or_default(),
        reason: e.reason.clone().unwrap_or_default(),
        message: e.message.clone().unwrap_or_default(),
        count: e.count.unwrap_or(1),
        object: subject(e),
        source: e
            .source
            .as_ref()
            .and_then(|s| s.component.clone())
            .or_else(|| e.reporting_component.clone())
            .unwrap_or_default(),
        name: e.metadata.name.clone().unwrap_or_default(),
    }
}

/// When the event was last seen and the store's revision of it: the order of the
/// stream (events seen in the same second keep the order the store last wrote them).
fn order_key(e: &Event) -> (SimTime, u64) {
    let rv = e.metadata.resource_version.as_deref().and_then(|r| r.parse().ok()).unwrap_or(0);
    (seen_at(e), rv)
}

/// Orders by when each event was last seen; events seen in the same second keep the
/// order in which the store last wrote them.
fn in_time_order<'a>(evs: impl Iterator<Item = &'a Event>) -> Vec<EventView> {
    let mut v: Vec<((SimTime, u64), &Event)> = evs.map(|e| (order_key(e), e)).collect();
    crate::sorting::sort_by_key(&mut v, |(key, _)| *key);
    v.into_iter().map(|(_, e)| view(e)).collect()
}

/// What the event panel shows: the newest events that match its filter, oldest
/// first, and how many match in all.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct EventTail {
    pub events: Vec<EventView>,
    pub matching: usize,
}

/// Whether `object`'s name, or `kind/name` as the panel writes it (`pod/web-1`),
/// contains `filter`, in any case; an empty filter matches everything.
pub fn names_match(object: &ObjectRef, filter: &str) -> bool {
    let f = filter.trim().to_lowercase();
    f.is_empty() || object.name.to_lowercase().contains(&f) || object.display_name().to_lowercase().contains(&f)
}

/// The newest `limit` events about objects [`names_match`] `filter` picks, oldest
/// first. Only those are turned into views: thousands of pods leave tens of thousands
/// of events, and the panel is derived again after every change.
pub fn events_tail(c: &Cluster, filter: &str, limit: usize) -> EventTail {
    let filter = filter.trim();
    let mut keyed: Vec<((SimTime, u64), &Event)> = c
        .store
        .events
        .list(None)
        .filter(|e| filter.is_empty() || names_match(&subject(e), filter))
        .map(|e| (order_key(e), e))
        .collect();
    let matching = keyed.len();
    if matching > limit {
        // The newest `limit` (keys are unique: the revision tells apart equal times).
        keyed.select_nth_unstable_by_key(matching - limit, |(key, _)| *key);
        keyed.drain(..matching - limit);
    }
    crate::sorting::sort_by_key(&mut keyed, |(key, _)| *key);
    EventTail { events: keyed.into_iter().map(|(_, e)| view(e)).collect(), matching }
}

/// The events about one object, oldest first (what `describe` lists under Events).
pub fn events_for(c: &Cluster, target: &ObjectRef) -> Vec<EventView> {
    in_time_order(c.store.events.list(None).filter(|e| {
        let o = &e.involved_object;
        o.kind.as_deref() == Some(target.kind.as_str())
            && o.name.as_deref() == Some(target.name.as_str())
            && o.namespace.as_deref().unwrap_or("") == target.namespace
    }))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{ClusterConfig, Shell};

    #[test]
    fn a_pods_events_come_in_the_order_they_happened() {
        let mut sh = Shell::new(ClusterConfig::default());
        sh.execute("kubectl run whoami --image subicura/whoami:1");
        sh.cluster.advance_by(30_000);
        let evs = events_for(&sh.cluster, &ObjectRef::pod("default", "whoami"));
        let reasons: Vec<&str> = evs.iter().map(|e| e.reason.as_str()).collect();
        assert_eq!(reasons.first(), Some(&"Scheduled"), "{reasons:?}");
        assert!(reasons.contains(&"Pulling") && reasons.contains(&"Started"), "{reasons:?}");
        let started = reasons.iter().position(|r| *r == "Started").unwrap();
        let pulling = reasons.iter().position(|r| *r == "Pulling").unwrap();
        assert!(pulling < started);
        assert!(evs.windows(2).all(|w| w[0].at <= w[1].at));
        assert_eq!(evs[0].object.display_name(), "pod/whoami");
        assert_eq!(evs[0].source, "default-scheduler");
        let all = events_tail(&sh.cluster, "", usize::MAX);
        assert!(all.events.len() >= evs.len() && all.matching == all.events.len());
        assert!(all.events.windows(2).all(|w| w[0].at <= w[1].at));
        // The newest few, in the same order as the whole stream's end.
        let tail = events_tail(&sh.cluster, "", 3);
        assert_eq!(tail.matching, all.matching);
        assert_eq!(tail.events[..], all.events[all.events.len() - 3..]);
        let filtered = events_tail(&sh.cluster, " POD/who ", 2);
        assert_eq!(filtered.matching, evs.len());
        assert_eq!(filtered.events[..], evs[evs.len() - 2..]);
    }

    #[test]
    fn the_filter_matches_name_or_kind_slash_name() {
        let pod = ObjectRef::pod("default", "whoami");
        assert!(names_match(&pod, ""));
        assert!(names_match(&pod, "WHO"));
        assert!(names_match(&pod, "pod/who"));
        assert!(!names_match(&pod, "nginx"));
    }
}
