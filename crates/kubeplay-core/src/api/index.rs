//! A table's secondary indexes, kept up to date on every write: what an informer's
//! indexers give the real controllers. With them a controller finds "the pods of this
//! ReplicaSet", "the pods on this node", "the pods this Service selects", "the pods
//! waiting for the scheduler" without scanning every pod, so reconciling 30,000 pods
//! stays linear. They are derived data: rebuilt from the objects, never serialised.
//!
//! Each index also remembers *when* (resourceVersion) its part last changed, so a
//! controller can tell cheaply that nothing it reads has moved (see
//! `controllers::quiet`).

use std::collections::{BTreeMap, BTreeSet};

use super::store::ObjectKey;

/// What the indexes need to know about one object; computed by `ApiKind::facets`.
#[derive(Default)]
pub struct Facets<'a> {
    pub namespace: &'a str,
    pub uid: Option<&'a str>,
    /// The uid of the owner reference marked `controller: true`.
    pub controller: Option<&'a str>,
    pub labels: Option<&'a BTreeMap<String, String>>,
    /// `spec.nodeName` (pods).
    pub node: Option<&'a str>,
    /// [`aggregation_key`] of an event's object, reason and message.
    pub subject: Option<u64>,
    /// `lastTimestamp` in ms (events: expiry order).
    pub time: Option<i64>,
    /// `status.podIP` (pods): which addresses a node's IPAM has handed out.
    pub pod_ip: Option<&'a str>,
    /// Which [`Flag`] sets the object belongs to.
    pub flags: u8,
}

/// Sets of objects in a state some controller polls for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Flag {
    /// A pod not bound to a node and not being deleted: the scheduler's queue.
    Unbound = 0,
    /// A pod bound to a node whose kubelet has not started it (no `startTime`).
    Unstarted = 1,
    /// An object with a `deletionTimestamp`.
    Deleting = 2,
}

const FLAGS: usize = 3;

impl Flag {
    pub fn bit(self) -> u8 {
        1 << self as u8
    }
}

pub(crate) type Keys = BTreeSet<ObjectKey>;

/// What the event recorder aggregates on — the object (uid, or name), reason and
/// message — as one number (FNV-1a, the same on every platform), so recording the
/// 3,000th `Created pod` event of a ReplicaSet does not compare it with the other
/// 2,999. Equal keys are compared field by field.
pub fn aggregation_key(about: &str, reason: &str, message: &str) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for part in [about, reason, message] {
        for b in part.bytes().chain([0xff]) {
            h ^= u64::from(b);
            h = h.wrapping_mul(0x0100_0000_01b3);
        }
    }
    h
}

#[derive(Clone, Debug, Default)]
pub struct TableIndex {
    /// The resourceVersion of the last write to the table.
    revision: u64,
    by_controller: BTreeMap<String, Keys>,
    controller_rev: Revisions<String>,
    /// Objects without a controller, per namespace.
    orphans: BTreeMap<String, Keys>,
    orphan_rev: Revisions<String>,
    /// Live objects: when each was last written, and which key has which uid.
    key_rev: Revisions<ObjectKey>,
    by_uid: BTreeMap<String, ObjectKey>,
    by_node: BTreeMap<String, Keys>,
    node_rev: Revisions<String>,
    by_subject: BTreeMap<u64, Keys>,
    by_time: BTreeSet<(i64, ObjectKey)>,
    /// (namespace, label key, label value) → objects.
    by_label: BTreeMap<(String, String, String), Keys>,
    namespace_rev: BTreeMap<String, u64>,
    flagged: [Keys; FLAGS],
    by_pod_ip: BTreeMap<String, Keys>,
}

/// When each item last changed, and the items by the revision they changed at, so
/// "what changed since resourceVersion N" costs only what changed.
#[derive(Clone, Debug)]
struct Revisions<T: Ord + Clone> {
    at: BTreeMap<T, u64>,
    order: BTreeMap<u64, BTreeSet<T>>,
}

impl<T: Ord + Clone> Default for Revisions<T> {
    fn default() -> Self {
        Revisions { at: BTreeMap::new(), order: BTreeMap::new() }
    }
}

impl<T: Ord + Clone> Revisions<T> {
    fn touch(&mut self, item: &T, rv: u64) {
        self.forget(item);
        self.at.insert(item.clone(), rv);
        self.order.entry(rv).or_default().insert(item.clone());
    }

    fn forget(&mut self, item: &T) {
        if let Some(old) = self.at.remove(item) {
            if let Some(items) = self.order.get_mut(&old) {
                items.remove(item);
                if items.is_empty() {
                    self.order.remove(&old);
                }
            }
        }
    }

    fn get<Q: Ord + ?Sized>(&self, item: &Q) -> u64
    where
        T: std::borrow::Borrow<Q>,
    {
        self.at.get(item).copied().unwrap_or(0)
    }

    fn since(&self, rv: u64) -> impl Iterator<Item = &T> {
        self.order.range(rv + 1..).flat_map(|(_, items)| items)
    }
}

fn add_to(map: &mut BTreeMap<String, Keys>, at: &str, key: &ObjectKey) {
    map.entry(at.to_string()).or_default().insert(key.clone());
}

fn remove_from(map: &mut BTreeMap<String, Keys>, at: &str, key: &ObjectKey) {
    if let Some(keys) = map.get_mut(at) {
        keys.remove(key);
        if keys.is_empty() {
            map.remove(at);
        }
    }
}

/// Which parts of an object's entries a write moves: all of them when it is added
/// or removed; only those whose facet changed when it is written again, so a
/// kubelet's status post does not take a pod out of and back into every index.
#[derive(Clone, Copy)]
struct Parts {
    uid: bool,
    owner: bool,
    node: bool,
    subject: bool,
    time: bool,
    labels: bool,
    pod_ip: bool,
    /// The [`Flag`] bits whose set membership moves.
    flags: u8,
}

impl Parts {
    const ALL: Parts = Parts { uid: true, owner: true, node: true, subject: true, time: true, labels: true, pod_ip: true, flags: u8::MAX };

    fn changed(old: &Facets, new: &Facets) -> Parts {
        let namespace = old.namespace != new.namespace;
        Parts {
            uid: old.uid != new.uid,
            owner: namespace || old.controller != new.controller,
            node: old.node != new.node,
            subject: old.subject != new.subject,
            time: old.time != new.time,
            labels: namespace || old.labels != new.labels,
            pod_ip: old.pod_ip != new.pod_ip,
            flags: old.flags ^ new.flags,
        }
    }
}

impl TableIndex {
    /// Indexes an object written at `rv`.
    pub fn add(&mut self, key: &ObjectKey, f: &Facets, rv: u64) {
        self.touch(f, rv);
        self.key_rev.touch(key, rv);
        self.touch_node(f, rv);
        self.link(key, f, Parts::ALL);
    }

    /// Drops an object's entries (on removal at `rv`).
    pub fn remove(&mut self, key: &ObjectKey, f: &Facets, rv: u64) {
        self.touch(f, rv);
        self.key_rev.forget(key);
        self.touch_node(f, rv);
        self.unlink(key, f, Parts::ALL);
    }

    /// Re-indexes an object written again at `rv`: the same as [`TableIndex::remove`]
    /// of `old` then [`TableIndex::add`] of `new`, moving only the entries that differ.
    pub fn update(&mut self, key: &ObjectKey, old: &Facets, new: &Facets, rv: u64) {
        self.touch(old, rv);
        self.touch(new, rv);
        self.key_rev.touch(key, rv);
        self.touch_node(old, rv);
        self.touch_node(new, rv);
        let parts = Parts::changed(old, new);
        self.unlink(key, old, parts);
        self.link(key, new, parts);
    }

    fn touch_node(&mut self, f: &Facets, rv: u64) {
        if let Some(node) = f.node {
            self.node_rev.touch(&node.to_string(), rv);
        }
    }

    fn link(&mut self, key: &ObjectKey, f: &Facets, parts: Parts) {
        if let Some(uid) = f.uid.filter(|_| parts.uid) {
            self.by_uid.insert(uid.to_string(), key.clone());
        }
        if parts.owner {
            match f.controller {
                Some(uid) => add_to(&mut self.by_controller, uid, key),
                None => add_to(&mut self.orphans, f.namespace, key),
            }
        }
        if let Some(node) = f.node.filter(|_| parts.node) {
            add_to(&mut self.by_node, node, key);
        }
        if let Some(subject) = f.subject.filter(|_| parts.subject) {
            self.by_subject.entry(subject).or_default().insert(key.clone());
        }
        if let Some(t) = f.time.filter(|_| parts.time) {
            self.by_time.insert((t, key.clone()));
        }
        if parts.labels {
            for (k, v) in f.labels.into_iter().flatten() {
                self.by_label.entry((f.namespace.to_string(), k.clone(), v.clone())).or_default().insert(key.clone());
            }
        }
        if let Some(ip) = f.pod_ip.filter(|_| parts.pod_ip) {
            add_to(&mut self.by_pod_ip, ip, key);
        }
        for (i, set) in self.flagged.iter_mut().enumerate() {
            if f.flags & parts.flags & (1 << i) != 0 {
                set.insert(key.clone());
            }
        }
    }

    fn unlink(&mut self, key: &ObjectKey, f: &Facets, parts: Parts) {
        if let Some(uid) = f.uid.filter(|_| parts.uid) {
            self.by_uid.remove(uid);
        }
        if parts.owner {
            match f.controller {
                Some(uid) => remove_from(&mut self.by_controller, uid, key),
                None => remove_from(&mut self.orphans, f.namespace, key),
            }
        }
        if let Some(node) = f.node.filter(|_| parts.node) {
            remove_from(&mut self.by_node, node, key);
        }
        if let Some(subject) = f.subject.filter(|_| parts.subject) {
            if let Some(keys) = self.by_subject.get_mut(&subject) {
                keys.remove(key);
                if keys.is_empty() {
                    self.by_subject.remove(&subject);
                }
            }
        }
        if let Some(t) = f.time.filter(|_| parts.time) {
            self.by_time.remove(&(t, key.clone()));
        }
        if parts.labels {
            for (k, v) in f.labels.into_iter().flatten() {
                let at = (f.namespace.to_string(), k.clone(), v.clone());
                if let Some(keys) = self.by_label.get_mut(&at) {
                    keys.remove(key);
                    if keys.is_empty() {
                        self.by_label.remove(&at);
                    }
                }
            }
        }
        if let Some(ip) = f.pod_ip.filter(|_| parts.pod_ip) {
            remove_from(&mut self.by_pod_ip, ip, key);
        }
        for (i, set) in self.flagged.iter_mut().enumerate() {
            if parts.flags & (1 << i) != 0 {
                set.remove(key);
            }
        }
    }

    fn touch(&mut self, f: &Facets, rv: u64) {
        self.revision = self.revision.max(rv);
        match f.controller {
            Some(uid) => self.controller_rev.touch(&uid.to_string(), rv),
            None => self.orphan_rev.touch(&f.namespace.to_string(), rv),
        }
        self.namespace_rev.insert(f.namespace.to_string(), rv);
    }

    pub fn revision(&self) -> u64 {
        self.revision
    }

    /// When an object controlled by `uid` was last written or removed.
    pub fn controller_revision(&self, uid: &str) -> u64 {
        self.controller_rev.get(uid)
    }

    /// When an object without a controller in `namespace` was last written or removed.
    pub fn orphan_revision(&self, namespace: &str) -> u64 {
        self.orphan_rev.get(namespace)
    }

    /// When an object of `namespace` was last written or removed.
    pub fn namespace_revision(&self, namespace: &str) -> u64 {
        self.namespace_rev.get(namespace).copied().unwrap_or(0)
    }

    /// Controller uids whose objects were written or removed after `rv`.
    pub fn controllers_changed_since(&self, rv: u64) -> impl Iterator<Item = &String> {
        self.controller_rev.since(rv)
    }

    /// Namespaces whose objects without a controller changed after `rv`.
    pub fn orphans_changed_since(&self, rv: u64) -> impl Iterator<Item = &String> {
        self.orphan_rev.since(rv)
    }

    /// Nodes whose pods were written, bound or removed after `rv`.
    pub fn nodes_changed_since(&self, rv: u64) -> impl Iterator<Item = &String> {
        self.node_rev.since(rv)
    }

    /// When the live object under `key` was last written (0: not stored).
    pub fn key_revision(&self, key: &ObjectKey) -> u64 {
        self.key_rev.get(key)
    }

    /// Live objects written after `rv`.
    pub fn keys_changed_since(&self, rv: u64) -> impl Iterator<Item = &ObjectKey> {
        self.key_rev.since(rv)
    }

    /// The key of the live object with this uid.
    pub fn key_of_uid(&self, uid: &str) -> Option<&ObjectKey> {
        self.by_uid.get(uid)
    }

    pub fn controlled_by(&self, uid: &str) -> impl Iterator<Item = &ObjectKey> {
        self.controlled_set(uid).into_iter().flatten()
    }

    pub fn orphans(&self, namespace: &str) -> impl Iterator<Item = &ObjectKey> {
        self.orphan_set(namespace).into_iter().flatten()
    }

    pub fn on_node(&self, node: &str) -> impl Iterator<Item = &ObjectKey> {
        self.node_set(node).into_iter().flatten()
    }

    /// The sets behind [`TableIndex::controlled_by`], [`TableIndex::orphans`] and
    /// [`TableIndex::on_node`] (the table resolves them by their size).
    pub(crate) fn controlled_set(&self, uid: &str) -> Option<&Keys> {
        self.by_controller.get(uid)
    }

    pub(crate) fn orphan_set(&self, namespace: &str) -> Option<&Keys> {
        self.orphans.get(namespace)
    }

    pub(crate) fn node_set(&self, node: &str) -> Option<&Keys> {
        self.by_node.get(node)
    }

    /// The pods whose `status.podIP` is `ip`.
    pub fn with_pod_ip(&self, ip: &str) -> impl Iterator<Item = &ObjectKey> {
        self.pod_ip_set(ip).into_iter().flatten()
    }

    pub(crate) fn pod_ip_set(&self, ip: &str) -> Option<&Keys> {
        self.by_pod_ip.get(ip)
    }

    /// The events whose [`aggregation_key`] is `subject` (collisions included).
    pub fn about(&self, subject: u64) -> impl Iterator<Item = &ObjectKey> {
        self.subject_set(subject).into_iter().flatten()
    }

    pub(crate) fn subject_set(&self, subject: u64) -> Option<&Keys> {
        self.by_subject.get(&subject)
    }

    /// Objects whose time facet is before `cutoff`, oldest first.
    pub fn older_than(&self, cutoff: i64) -> impl Iterator<Item = &ObjectKey> {
        self.by_time.iter().take_while(move |(t, _)| *t < cutoff).map(|(_, k)| k)
    }

    pub fn flagged(&self, flag: Flag) -> &Keys {
        &self.flagged[flag as usize]
    }

    /// The objects of `namespace` carrying every label of `selector`, from the
    /// smallest of the per-label sets; `None` for an empty selector (no narrowing).
    pub fn labelled(&self, namespace: &str, selector: &BTreeMap<String, String>) -> Option<Vec<&ObjectKey>> {
        let mut sets: Vec<&Keys> = Vec::with_capacity(selector.len());
        for (k, v) in selector {
            match self.by_label.get(&(namespace.to_string(), k.clone(), v.clone())) {
                Some(keys) => sets.push(keys),
                None => return (!selector.is_empty()).then(Vec::new),
            }
        }
        crate::sorting::sort_by_key(&mut sets, |s| s.len());
        let (first, rest) = sets.split_first()?;
        Some(first.iter().filter(|k| rest.iter().all(|s| s.contains(*k))).collect())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labelled_intersects_and_removal_forgets() {
        let mut ix = TableIndex::default();
        let a = ObjectKey::new("ns", "a");
        let b = ObjectKey::new("ns", "b");
        let la: BTreeMap<String, String> = [("app".to_string(), "web".to_string()), ("tier".into(), "fe".into())].into();
        let lb: BTreeMap<String, String> = [("app".to_string(), "web".to_string())].into();
        let fa = Facets { namespace: "ns", labels: Some(&la), node: Some("n1"), flags: Flag::Unbound.bit(), ..Default::default() };
        let fb = Facets { namespace: "ns", labels: Some(&lb), controller: Some("u1"), ..Default::default() };
        ix.add(&a, &fa, 1);
        ix.add(&b, &fb, 2);
        assert_eq!(ix.labelled("ns", &lb).unwrap(), vec![&a, &b]);
        assert_eq!(ix.labelled("ns", &la).unwrap(), vec![&a]);
        assert_eq!(ix.labelled("other", &lb).unwrap(), Vec::<&ObjectKey>::new());
        assert!(ix.labelled("ns", &BTreeMap::new()).is_none());
        assert_eq!(ix.controller_revision("u1"), 2);
        assert_eq!(ix.orphan_revision("ns"), 1);
        assert_eq!(ix.flagged(Flag::Unbound).len(), 1);
        ix.remove(&a, &fa, 3);
        assert_eq!(ix.labelled("ns", &lb).unwrap(), vec![&b]);
        assert_eq!(ix.on_node("n1").count(), 0);
        assert!(ix.flagged(Flag::Unbound).is_empty());
        assert_eq!((ix.orphan_revision("ns"), ix.revision()), (3, 3));
        assert_eq!(ix.keys_changed_since(1).collect::<Vec<_>>(), vec![&b]);
        assert_eq!(ix.controllers_changed_since(1).collect::<Vec<_>>(), vec!["u1"]);
        assert_eq!(ix.orphans_changed_since(2).collect::<Vec<_>>(), vec!["ns"]);
    }

    /// A write moving only the parts that changed leaves the indexes exactly as
    /// removing the old version and adding the new one does.
    #[test]
    fn update_is_remove_then_add() {
        let key = ObjectKey::new("ns", "p");
        let web: BTreeMap<String, String> = [("app".to_string(), "web".to_string())].into();
        let api: BTreeMap<String, String> = [("app".to_string(), "api".to_string())].into();
        let versions = [
            Facets { namespace: "ns", uid: Some("u"), labels: Some(&web), flags: Flag::Unbound.bit(), ..Default::default() },
            Facets { namespace: "ns", uid: Some("u"), labels: Some(&web), node: Some("n1"), flags: Flag::Unstarted.bit(), ..Default::default() },
            Facets { namespace: "ns", uid: Some("u"), labels: Some(&web), node: Some("n1"), pod_ip: Some("10.0.0.2"), ..Default::default() },
            Facets { namespace: "ns", uid: Some("u"), controller: Some("rs"), labels: Some(&api), node: Some("n1"), pod_ip: Some("10.0.0.2"), subject: Some(7), time: Some(5), ..Default::default() },
            Facets { namespace: "ns", uid: Some("u"), node: Some("n2"), flags: Flag::Deleting.bit(), ..Default::default() },
        ];
        let (mut moved, mut rebuilt) = (TableIndex::default(), TableIndex::default());
        moved.add(&key, &versions[0], 1);
        rebuilt.add(&key, &versions[0], 1);
        for (rv, pair) in (2..).zip(versions.windows(2)) {
            moved.update(&key, &pair[0], &pair[1], rv);
            rebuilt.remove(&key, &pair[0], rv);
            rebuilt.add(&key, &pair[1], rv);
            assert_eq!(format!("{moved:?}"), format!("{rebuilt:?}"), "at {rv}");
        }
        assert_eq!(moved.with_pod_ip("10.0.0.2").count(), 0);
        assert_eq!(moved.on_node("n2").collect::<Vec<_>>(), vec![&key]);
    }
}
