//! The versioned object store: what etcd and the API server's registry are to a real
//! cluster. Every write bumps one cluster-wide `resourceVersion`, so observers (the
//! controllers, the UI) can tell cheaply whether anything changed.

use std::collections::BTreeMap;

use k8s_openapi::api::apps::v1::{ControllerRevision, DaemonSet, Deployment, ReplicaSet, StatefulSet};
use k8s_openapi::api::autoscaling::v2::HorizontalPodAutoscaler;
use k8s_openapi::api::batch::v1::{CronJob, Job};
use k8s_openapi::api::core::v1::{
    ConfigMap, Endpoints, Event, EventSource, Namespace, Node, ObjectReference, PersistentVolume,
    PersistentVolumeClaim, Pod, Secret, Service, ServiceAccount,
};
use k8s_openapi::api::discovery::v1::EndpointSlice;
use k8s_openapi::api::networking::v1::{Ingress, IngressClass};
use k8s_openapi::api::storage::v1::StorageClass;
use k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta;

use super::errors::ApiError;
use super::index::{Flag, Keys, TableIndex};
use super::kinds::ApiKind;
use crate::names::{generate_name, SimRng};
use crate::time::SimTime;

/// Where an object lives: namespace (empty for cluster-scoped kinds) and name.
/// Ordered by namespace then name, which is the order list calls return.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize, serde::Deserialize)]
pub struct ObjectKey {
    pub namespace: String,
    pub name: String,
}

impl ObjectKey {
    pub fn new(namespace: &str, name: &str) -> ObjectKey {
        ObjectKey { namespace: namespace.to_string(), name: name.to_string() }
    }

    pub fn of(meta: &ObjectMeta) -> ObjectKey {
        ObjectKey {
            namespace: meta.namespace.clone().unwrap_or_default(),
            name: meta.name.clone().unwrap_or_default(),
        }
    }
}

/// Above one key per this many objects of the table, [`Table::resolve`] walks.
const WALK_RATIO: usize = 16;

/// Objects found from a sorted set of keys: searched one by one, or met walking
/// the table alongside the keys.
enum Resolved<'a, K> {
    Lookup { keys: std::collections::btree_set::Iter<'a, ObjectKey>, items: &'a BTreeMap<ObjectKey, K> },
    Walk { keys: std::collections::btree_set::Iter<'a, ObjectKey>, items: std::iter::Peekable<std::collections::btree_map::Range<'a, ObjectKey, K>> },
}

impl<'a, K> Iterator for Resolved<'a, K> {
    type Item = &'a K;

    fn next(&mut self) -> Option<&'a K> {
        match self {
            Resolved::Lookup { keys, items } => keys.find_map(|k| items.get(k)),
            Resolved::Walk { keys, items } => {
                'keys: for wanted in keys.by_ref() {
                    while let Some((key, _)) = items.peek() {
                        match (*key).cmp(wanted) {
                            std::cmp::Ordering::Less => {
                                items.next();
                            }
                            std::cmp::Ordering::Equal => return items.next().map(|(_, v)| v),
                            // Not in the table (indexes never say so; skip it).
                            std::cmp::Ordering::Greater => continue 'keys,
                        }
                    }
                    return None;
                }
                None
            }
        }
    }
}

/// All objects of one kind, ordered by key, with their secondary indexes.
#[derive(Clone, Debug)]
pub struct Table<K> {
    items: BTreeMap<ObjectKey, K>,
    index: TableIndex,
}

impl<K> Default for Table<K> {
    fn default() -> Self {
        Table { items: BTreeMap::new(), index: TableIndex::default() }
    }
}

impl<K: ApiKind> Table<K> {
    pub fn get(&self, key: &ObjectKey) -> Option<&K> {
        self.items.get(key)
    }

    /// Stores `obj` under `key`, written at resourceVersion `rv`. Every write goes
    /// through here or [`Table::take`], which keeps the indexes true.
    fn put(&mut self, key: ObjectKey, obj: K, rv: u64) {
        match self.items.get(&key) {
            Some(old) => self.index.update(&key, &old.facets(), &obj.facets(), rv),
            None => self.index.add(&key, &obj.facets(), rv),
        }
        self.items.insert(key, obj);
    }

    fn take(&mut self, key: &ObjectKey, rv: u64) -> Option<K> {
        let old = self.items.remove(key)?;
        self.index.remove(key, &old.facets(), rv);
        Some(old)
    }

    /// The indexes, and when each part of the table last changed.
    pub fn index(&self) -> &TableIndex {
        &self.index
    }

    /// The objects under a set of keys from the index, in list order.
    fn resolve<'a>(&'a self, keys: Option<&'a Keys>) -> Resolved<'a, K> {
        let Some(keys) = keys.filter(|k| !k.is_empty()) else { return Resolved::Lookup { keys: Default::default(), items: &self.items } };
        // A search costs some log2(n) comparisons of keys; walking the table next to
        // the keys costs one per object passed. Many keys (a ReplicaSet's 3,000 pods
        // among 3,050) are met by the walk, few by searches.
        if keys.len() * WALK_RATIO >= self.items.len() {
            let first = keys.first().expect("not empty");
            Resolved::Walk { keys: keys.iter(), items: self.items.range(first..).peekable() }
        } else {
            Resolved::Lookup { keys: keys.iter(), items: &self.items }
        }
    }

    /// The objects whose controller has this uid, in list order.
    pub fn controlled_by<'a>(&'a self, uid: &str) -> impl Iterator<Item = &'a K> + 'a {
        self.resolve(self.index.controlled_set(uid))
    }

    /// The objects of `namespace` without a controller, in list order.
    pub fn orphans<'a>(&'a self, namespace: &str) -> impl Iterator<Item = &'a K> + 'a {
        self.resolve(self.index.orphan_set(namespace))
    }

    /// The pods bound to `node`, in list order.
    pub fn on_node<'a>(&'a self, node: &str) -> impl Iterator<Item = &'a K> + 'a {
        self.resolve(self.index.node_set(node))
    }

    /// The objects whose `status.podIP` is `ip` (pods).
    pub fn with_pod_ip<'a>(&'a self, ip: &str) -> impl Iterator<Item = &'a K> + 'a {
        self.resolve(self.index.pod_ip_set(ip))
    }

    /// The objects in one of the states of [`Flag`], in list order.
    pub fn flagged(&self, flag: Flag) -> impl Iterator<Item = &K> {
        self.resolve(Some(self.index.flagged(flag)))
    }

    /// The objects of `namespace` that may match a Service-style `selector` (all of
    /// its labels), narrowed by the label index; every object of the namespace for an
    /// empty selector. Callers still apply their own selector semantics.
    pub fn labelled<'a>(&'a self, namespace: &'a str, selector: Option<&BTreeMap<String, String>>) -> Box<dyn Iterator<Item = &'a K> + 'a> {
        match selector.and_then(|s| self.index.labelled(namespace, s)) {
            Some(keys) => Box::new(keys.into_iter().filter_map(|k| self.items.get(k))),
            None => self.list(Some(namespace)),
        }
    }

    pub fn len(&self) -> usize {
        self.items.len()
    }

    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }

    /// Every object, or those of one namespace, in list order (namespace, then name).
    pub fn list<'a>(&'a self, namespace: Option<&'a str>) -> Box<dyn Iterator<Item = &'a K> + 'a> {
        match namespace {
            None => Box::new(self.items.values()),
            // Keys sort by namespace first, so one namespace is one contiguous range:
            // listing a small namespace costs nothing however many pods others hold.
            Some(ns) => Box::new(
                self.items
                    .range(ObjectKey::new(ns, "")..)
                    .take_while(move |(k, _)| k.namespace == ns)
                    .map(|(_, v)| v),
            ),
        }
    }

    pub fn keys(&self) -> impl Iterator<Item = &ObjectKey> {
        self.items.keys()
    }
}

/// A table is stored in a snapshot as the list of its objects; the indexes are
/// rebuilt on restore.
impl<K: ApiKind> serde::Serialize for Table<K> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_seq(self.items.values())
    }
}

impl<'de, K: ApiKind + serde::de::DeserializeOwned> serde::Deserialize<'de> for Table<K> {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Table<K>, D::Error> {
        let mut table = Table::default();
        for obj in Vec::<K>::deserialize(d)? {
            let meta = obj.metadata();
            let key = ObjectKey::new(if K::NAMESPACED { meta.namespace.as_deref().unwrap_or("") } else { "" }, meta.name.as_deref().unwrap_or(""));
            let rv = meta.resource_version.as_deref().and_then(|v| v.parse().ok()).unwrap_or(0);
            table.put(key, obj, rv);
        }
        Ok(table)
    }
}

/// One write in the audit log: its resourceVersion, verb and object.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Write {
    pub rv: u64,
    /// `create`, `update`, `delete`.
    pub verb: &'static str,
    pub kind: &'static str,
    pub namespace: String,
    pub name: String,
}

/// How many writes the audit log keeps.
const AUDIT_LEN: usize = 1024;

/// The cluster's API objects.
#[derive(Clone, Debug, Default, serde::Serialize, serde::Deserialize)]
pub struct Store {
    pub pods: Table<Pod>,
    pub nodes: Table<Node>,
    pub namespaces: Table<Namespace>,
    pub services: Table<Service>,
    pub events: Table<Event>,
    pub configmaps: Table<ConfigMap>,
    pub serviceaccounts: Table<ServiceAccount>,
    pub secrets: Table<Secret>,
    pub endpoints: Table<Endpoints>,
    pub endpointslices: Table<EndpointSlice>,
    pub persistentvolumes: Table<PersistentVolume>,
    pub persistentvolumeclaims: Table<PersistentVolumeClaim>,
    pub storageclasses: Table<StorageClass>,
    pub deployments: Table<Deployment>,
    pub replicasets: Table<ReplicaSet>,
    pub daemonsets: Table<DaemonSet>,
    pub statefulsets: Table<StatefulSet>,
    /// DaemonSet and StatefulSet history (apps/v1 ControllerRevision). Defaulted so
    /// snapshots written before the kind was stored still load.
    #[serde(default)]
    pub controllerrevisions: Table<ControllerRevision>,
    pub jobs: Table<Job>,
    pub cronjobs: Table<CronJob>,
    pub horizontalpodautoscalers: Table<HorizontalPodAutoscaler>,
    pub ingresses: Table<Ingress>,
    pub ingressclasses: Table<IngressClass>,
    resource_version: u64,
    /// The newest writes (not events), as the API server's audit log records them:
    /// the physical view shows what a command wrote from here. Bounded; not part
    /// of a snapshot.
    #[serde(skip)]
    audit: std::collections::VecDeque<Write>,
    /// Counts removals and deletion marks: the garbage collector and namespace
    /// controller only need to look again when it moved.
    deletions: u64,
    /// For each object and instant events were named at (`<object>.<nanos>`), the
    /// first suffix not known to be taken: every name between is. Forgotten when an
    /// event goes, so names come out as probing from the instant would give them
    /// (a cache, not state).
    #[serde(skip)]
    event_names: BTreeMap<(String, String, u64), u64>,
}

/// How many (object, instant) name slots [`Store::record_event`] remembers.
const EVENT_NAME_SLOTS: usize = 4096;

impl Store {
    /// The newest resourceVersion: changes whenever any object changes.
    pub fn revision(&self) -> u64 {
        self.resource_version
    }

    /// The highest resourceVersion any stored object carries.
    pub fn newest_object_version(&self) -> u64 {
        let mut newest = 0;
        macro_rules! scan {
            ($ty:ty) => {
                newest = newest.max(<$ty as ApiKind>::table(self).index().revision());
            };
        }
        crate::for_each_kind!(scan);
        newest
    }

    fn next_rv(&mut self) -> String {
        self.resource_version += 1;
        self.resource_version.to_string()
    }

    /// Notes the write that took the newest resourceVersion (events are not audited).
    fn audit<K: ApiKind>(&mut self, verb: &'static str, key: &ObjectKey) {
        if K::KIND == "Event" {
            return;
        }
        if self.audit.len() == AUDIT_LEN {
            self.audit.pop_front();
        }
        let write = Write { rv: self.resource_version, verb, kind: K::KIND, namespace: key.namespace.clone(), name: key.name.clone() };
        self.audit.push_back(write);
    }

    /// The audited writes after resourceVersion `rv`, oldest first (as far back as
    /// the log reaches).
    pub fn writes_since(&self, rv: u64) -> impl Iterator<Item = &Write> {
        self.audit.iter().filter(move |w| w.rv > rv)
    }

    pub fn get<K: ApiKind>(&self, namespace: &str, name: &str) -> Option<&K> {
        let ns = if K::NAMESPACED { namespace } else { "" };
        K::table(self).get(&ObjectKey::new(ns, name))
    }

    /// Creates an object as the API server does: checks the namespace exists, resolves
    /// `generateName`, rejects duplicates, and fills uid, resourceVersion and
    /// creationTimestamp.
    pub fn create<K: ApiKind>(
        &mut self,
        mut obj: K,
        now: SimTime,
        rng: &mut SimRng,
    ) -> Result<K, ApiError> {
        let meta = obj.metadata_mut();
        if K::NAMESPACED {
            let ns = meta.namespace.get_or_insert_with(|| "default".to_string()).clone();
            match self.namespaces.get(&ObjectKey::new("", &ns)) {
                None => return Err(ApiError::not_found("namespaces", &ns)),
                Some(n) if n.metadata.deletion_timestamp.is_some() && K::KIND != "Event" => {
                    let name = meta.name.clone().or(meta.generate_name.clone()).unwrap_or_default();
                    return Err(ApiError::forbidden(
                        &K::qualified_resource(),
                        &name,
                        &format!("unable to create new content in namespace {ns} because it is being terminated"),
                    ));
                }
                Some(_) => {}
            }
        } else {
            meta.namespace = None;
        }
        if meta.name.as_deref().unwrap_or("").is_empty() {
            if let Some(base) = meta.generate_name.clone() {
                // Retry on the (rare) collision, as the API server's generator does.
                loop {
                    let candidate = generate_name(&base, rng);
                    let key = ObjectKey::new(meta.namespace.as_deref().unwrap_or(""), &candidate);
                    if K::table(self).get(&key).is_none() {
                        meta.name = Some(candidate);
                        break;
                    }
                }
            }
        }
        let meta = obj.metadata_mut();
        let key = ObjectKey::of(meta);
        if K::table(self).get(&key).is_some() {
            return Err(ApiError::already_exists(&K::qualified_resource(), &key.name));
        }
        // Admission may have assigned the uid already (a Job's selector carries it).
        meta.uid.get_or_insert_with(|| rng.uuid());
        meta.creation_timestamp.get_or_insert_with(|| now.to_k8s());
        meta.generation = K::tracks_generation().then_some(1);
        let rv = self.next_rv();
        obj.metadata_mut().resource_version = Some(rv);
        self.audit::<K>("create", &key);
        let rv = self.resource_version;
        K::table_mut(self).put(key, obj.clone(), rv);
        Ok(obj)
    }

    /// Applies `change` to a stored object; bumps its resourceVersion only if it changed.
    /// Returns whether the object existed.
    pub fn modify<K: ApiKind + PartialEq>(
        &mut self,
        key: &ObjectKey,
        change: impl FnOnce(&mut K),
    ) -> bool {
        let Some(current) = K::table(self).items.get(key) else { return false };
        let mut next = current.clone();
        change(&mut next);
        if &next != current {
            next.metadata_mut().resource_version = Some(self.next_rv());
            self.audit::<K>("update", key);
            let rv = self.resource_version;
            K::table_mut(self).put(key.clone(), next, rv);
        }
        true
    }

    /// Replaces a stored object with a new desired state (a user's write: apply,
    /// replace, scale, set image, edit). Keeps what the server owns (uid,
    /// creationTimestamp); `metadata.generation` is as the kind's
    /// `PrepareForUpdate` left it (see `Admit::prepare_for_update`, which the
    /// caller runs after putting the old generation back). Returns whether
    /// anything changed.
    pub fn update<K: ApiKind + PartialEq>(&mut self, mut obj: K) -> Result<bool, ApiError> {
        let key = ObjectKey::of(obj.metadata());
        let key = if K::NAMESPACED { key } else { ObjectKey::new("", &key.name) };
        let Some(current) = K::table(self).items.get(&key) else {
            return Err(ApiError::not_found(&K::qualified_resource(), &key.name));
        };
        let cur = current.metadata().clone();
        {
            let m = obj.metadata_mut();
            m.uid = cur.uid.clone();
            m.creation_timestamp = cur.creation_timestamp.clone();
            m.resource_version = cur.resource_version.clone();
            m.deletion_timestamp = cur.deletion_timestamp.clone();
            m.namespace = cur.namespace.clone();
        }
        if &obj == current {
            return Ok(false);
        }
        obj.metadata_mut().resource_version = Some(self.next_rv());
        self.audit::<K>("update", &key);
        let rv = self.resource_version;
        K::table_mut(self).put(key, obj, rv);
        Ok(true)
    }

    /// Removes an object at once (after any graceful termination is over).
    pub fn remove<K: ApiKind>(&mut self, key: &ObjectKey) -> Option<K> {
        let rv = self.resource_version + 1;
        let removed = K::table_mut(self).take(key, rv);
        if K::KIND == "Event" {
            self.event_names.clear();
        }
        if removed.is_some() {
            self.resource_version = rv;
            self.deletions += 1;
            self.audit::<K>("delete", key);
        }
        removed
    }

    /// Records that an object was marked for deletion.
    pub fn note_deletion(&mut self) {
        self.deletions += 1;
    }

    /// How many removals and deletion marks there have been.
    pub fn deletions(&self) -> u64 {
        self.deletions
    }

    /// Deletes events last seen before `cutoff`, as etcd's lease on them expires.
    pub fn expire_events(&mut self, cutoff: SimTime) {
        let expired: Vec<ObjectKey> = self.events.index.older_than(cutoff.0).cloned().collect();
        if expired.is_empty() {
            return;
        }
        self.resource_version += 1;
        let rv = self.resource_version;
        self.event_names.clear();
        for key in expired {
            self.events.take(&key, rv);
        }
    }

    /// Records an event the way client-go's event recorder + correlator do: an
    /// identical event (same object, reason, message, source) bumps `count` and
    /// `lastTimestamp` instead of adding a row.
    pub fn record_event(&mut self, now: SimTime, ev: NewEvent) {
        let ns = ev.involved.namespace.clone().unwrap_or_else(|| "default".to_string());
        let about = ev.involved.uid.as_deref().or(ev.involved.name.as_deref()).unwrap_or("");
        let subject = super::index::aggregation_key(about, ev.reason, &ev.message);
        let existing = self.events.resolve(self.events.index.subject_set(subject)).find(|e| {
            e.metadata.namespace.as_deref() == Some(ns.as_str())
                && e.involved_object.uid == ev.involved.uid
                && e.involved_object.name == ev.involved.name
                && e.reason.as_deref() == Some(ev.reason)
                && e.message.as_deref() == Some(ev.message.as_str())
                && e.source.as_ref().and_then(|s| s.component.as_deref()) == Some(ev.component)
        });
        if let Some(e) = existing {
            let key = ObjectKey::of(&e.metadata);
            self.modify::<Event>(&key, |e| {
                e.count = Some(e.count.unwrap_or(1) + 1);
                e.last_timestamp = Some(now.to_k8s());
            });
            return;
        }
        // Event names are `<object>.<unix nanos in hex>`, unique per object and instant.
        let base = ev.involved.name.clone().unwrap_or_default();
        let first = now.0.max(0) as u64 * 1_000_000;
        let slot = (ns.clone(), base.clone(), first);
        let mut nanos = self.event_names.get(&slot).copied().unwrap_or(first);
        while self.events.get(&ObjectKey::new(&ns, &format!("{base}.{nanos:x}"))).is_some() {
            nanos += 1;
        }
        if self.event_names.len() >= EVENT_NAME_SLOTS {
            self.event_names.clear();
        }
        self.event_names.insert(slot, nanos + 1);
        let event = Event {
            metadata: ObjectMeta {
                name: Some(format!("{base}.{nanos:x}")),
                namespace: Some(ns.clone()),
                creation_timestamp: Some(now.to_k8s()),
                resource_version: Some(self.next_rv()),
                ..Default::default()
            },
            involved_object: ev.involved,
            reason: Some(ev.reason.to_string()),
            message: Some(ev.message),
            type_: Some(ev.type_.to_string()),
            count: Some(1),
            first_timestamp: Some(now.to_k8s()),
            last_timestamp: Some(now.to_k8s()),
            source: Some(EventSource {
                component: Some(ev.component.to_string()),
                host: ev.host,
            }),
            reporting_component: Some(ev.component.to_string()),
            reporting_instance: Some(String::new()),
            ..Default::default()
        };
        let key = ObjectKey::of(&event.metadata);
        let rv = self.resource_version;
        self.events.put(key, event, rv);
    }
}

/// What a component reports in an event.
pub struct NewEvent {
    pub involved: ObjectReference,
    pub type_: &'static str,
    pub reason: &'static str,
    pub message: String,
    pub component: &'static str,
    pub host: Option<String>,
}

/// An `ObjectReference` to a stored object, as events carry it.
pub fn reference_to<K: ApiKind>(obj: &K) -> ObjectReference {
    let m = obj.metadata();
    ObjectReference {
        api_version: Some(K::API_VERSION.to_string()),
        kind: Some(K::KIND.to_string()),
        name: m.name.clone(),
        namespace: m.namespace.clone(),
        uid: m.uid.clone(),
        resource_version: m.resource_version.clone(),
        ..Default::default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ns(name: &str) -> Namespace {
        Namespace {
            metadata: ObjectMeta { name: Some(name.into()), ..Default::default() },
            ..Default::default()
        }
    }

    #[test]
    fn create_fills_metadata_and_rejects_duplicates() {
        let mut s = Store::default();
        let mut rng = SimRng::seeded(1);
        s.create(ns("default"), SimTime(0), &mut rng).unwrap();
        let pod = Pod {
            metadata: ObjectMeta { name: Some("a".into()), ..Default::default() },
            ..Default::default()
        };
        let created = s.create(pod.clone(), SimTime(5000), &mut rng).unwrap();
        assert_eq!(created.metadata.namespace.as_deref(), Some("default"));
        assert_eq!(created.metadata.resource_version.as_deref(), Some("2"));
        assert!(created.metadata.uid.is_some());
        let err = s.create(pod, SimTime(6000), &mut rng).unwrap_err();
        assert_eq!(err.to_string(), "Error from server (AlreadyExists): pods \"a\" already exists");
    }

    #[test]
    fn create_in_missing_namespace_is_not_found() {
        let mut s = Store::default();
        let pod = Pod {
            metadata: ObjectMeta {
                name: Some("a".into()),
                namespace: Some("dev".into()),
                ..Default::default()
            },
            ..Default::default()
        };
        let err = s.create(pod, SimTime(0), &mut SimRng::seeded(1)).unwrap_err();
        assert_eq!(err.to_string(), "Error from server (NotFound): namespaces \"dev\" not found");
    }

    #[test]
    fn modify_bumps_version_only_on_change() {
        let mut s = Store::default();
        let mut rng = SimRng::seeded(1);
        s.create(ns("x"), SimTime(0), &mut rng).unwrap();
        let key = ObjectKey::new("", "x");
        let before = s.revision();
        s.modify::<Namespace>(&key, |_| {});
        assert_eq!(s.revision(), before);
        s.modify::<Namespace>(&key, |n| n.metadata.labels = Some(Default::default()));
        assert_eq!(s.revision(), before + 1);
    }

    /// Many keys are met walking the table, few are searched: the same pods either way.
    #[test]
    fn index_sets_resolve_to_the_same_objects_dense_or_sparse() {
        let mut s = Store::default();
        let mut rng = SimRng::seeded(1);
        s.create(ns("default"), SimTime(0), &mut rng).unwrap();
        let owner = |uid: &str| k8s_openapi::apimachinery::pkg::apis::meta::v1::OwnerReference {
            uid: uid.into(),
            controller: Some(true),
            ..Default::default()
        };
        for i in 0..200 {
            // Every twentieth pod belongs to "few" (searched), the others to "many" (walked).
            let uid = if i % 20 == 0 { "few" } else { "many" };
            let meta = ObjectMeta { name: Some(format!("p{i:03}")), owner_references: Some(vec![owner(uid)]), ..Default::default() };
            s.create(Pod { metadata: meta, ..Default::default() }, SimTime(0), &mut rng).unwrap();
        }
        for uid in ["few", "many", "none"] {
            let found: Vec<&str> = s.pods.controlled_by(uid).filter_map(|p| p.metadata.name.as_deref()).collect();
            let listed: Vec<&str> = s
                .pods
                .list(None)
                .filter(|p| p.metadata.owner_references.as_ref().is_some_and(|o| o[0].uid == uid))
                .filter_map(|p| p.metadata.name.as_deref())
                .collect();
            assert_eq!(found, listed, "{uid}");
        }
        assert_eq!(s.pods.controlled_by("few").count(), 10);
    }
}
