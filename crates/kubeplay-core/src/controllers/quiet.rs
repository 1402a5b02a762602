//! Looking only at what changed, as the real controllers do by queueing the objects
//! their informers' events name. A controller remembers the store revision up to
//! which it has looked at every change; next round it syncs only the objects written
//! since, and the owners of dependents written since (found through the tables'
//! indexes, see `api::index`). This is what keeps a settle round cheap when 30,000
//! pods exist but only a few changed.
//!
//! Syncs that depend on the clock ask for a wake-up (`Cluster::wake_at`), and every
//! wake-up — like a machine fault — forgets what was seen, so the next round looks at
//! everything again and no deadline is missed. This is a cache: a snapshot does not
//! carry it and a restored cluster starts by looking at everything.

use std::collections::{BTreeMap, BTreeSet};

use crate::api::index::TableIndex;
use k8s_openapi::api::core::v1::Node;

use crate::api::{ApiKind, ObjectKey, Table};

#[derive(Clone, Debug, Default)]
pub struct Quiet {
    seen: BTreeMap<&'static str, u64>,
    /// Per controller, what placement read of each node when it last looked
    /// ([`Quiet::placement_moved`]).
    placements: BTreeMap<&'static str, BTreeMap<String, u64>>,
}

impl Quiet {
    /// Forgets what every controller has seen: a deadline came, or something outside
    /// the store (a machine) changed.
    pub fn forget_all(&mut self) {
        self.seen.clear();
        self.placements.clear();
    }

    /// Whether a node was added or removed, or its labels, taints or
    /// unschedulable flag changed, since revision `since` (true when `since` is 0):
    /// what decides which pods belong on which node. A kubelet's status post (a
    /// heartbeat, a condition) is a node write that moves no pod.
    pub fn placement_moved(&mut self, controller: &'static str, nodes: &Table<Node>, since: u64) -> bool {
        let prints = self.placements.entry(controller).or_default();
        if since == 0 || prints.is_empty() {
            *prints = nodes.list(None).map(|n| (n.metadata.name.clone().unwrap_or_default(), placement(n))).collect();
            return true;
        }
        if nodes.index().revision() <= since {
            return false;
        }
        let mut moved = false;
        for key in nodes.index().keys_changed_since(since) {
            let Some(node) = nodes.get(key) else { continue };
            let print = placement(node);
            moved |= prints.insert(key.name.clone(), print) != Some(print);
        }
        if prints.len() != nodes.len() {
            prints.retain(|name, _| nodes.get(&ObjectKey::new("", name)).is_some());
            moved = true;
        }
        moved
    }

    /// The revision up to which `controller` has looked at every change (0: look at
    /// everything), and marks everything up to `current` as looked at.
    pub fn advance(&mut self, controller: &'static str, current: u64) -> u64 {
        self.seen.insert(controller, current).unwrap_or(0)
    }
}

/// A fingerprint (FNV-1a) of what placement reads of a node.
fn placement(node: &Node) -> u64 {
    let spec = node.spec.as_ref();
    fingerprint(&format!("{:?}{:?}{:?}", node.metadata.labels, spec.map(|s| &s.taints), spec.map(|s| s.unschedulable)))
}

/// FNV-1a of `text`: what a controller read of an object, to tell whether it moved.
pub(crate) fn fingerprint(text: &str) -> u64 {
    text.bytes().fold(0xcbf2_9ce4_8422_2325, |h, b| (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3))
}

/// The owners (objects of `owners`) to sync after revision `since`: those written
/// since, those whose dependents (in the tables of `dependents`, by controller uid)
/// changed since, and every owner of a namespace whose orphans changed (it may adopt
/// them). `None` when `since` is 0: everything.
pub fn dirty_owners<O: ApiKind>(owners: &Table<O>, dependents: &[&TableIndex], since: u64) -> Option<BTreeSet<ObjectKey>> {
    if since == 0 {
        return None;
    }
    let index = owners.index();
    let mut dirty: BTreeSet<ObjectKey> = index.keys_changed_since(since).cloned().collect();
    for dep in dependents {
        dirty.extend(dep.controllers_changed_since(since).filter_map(|uid| index.key_of_uid(uid)).cloned());
        for ns in dep.orphans_changed_since(since) {
            dirty.extend(owners.list(Some(ns)).map(|o| ObjectKey::of(o.metadata())));
        }
    }
    Some(dirty)
}

/// The keys to sync: the dirty ones, or every key of the table.
pub fn keys_to_sync<O: ApiKind>(owners: &Table<O>, dirty: Option<BTreeSet<ObjectKey>>) -> Vec<ObjectKey> {
    match dirty {
        Some(keys) => keys.into_iter().collect(),
        None => owners.keys().cloned().collect(),
    }
}
