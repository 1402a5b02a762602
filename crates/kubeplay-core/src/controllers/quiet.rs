//! Skipping syncs that would change nothing, as the real controllers do by waiting
//! for their informers' events. A controller names what one object's sync reads as a
//! *fingerprint* (resourceVersions of the object and of the index parts it looks at,
//! see `api::index`); after a sync that wrote nothing, the fingerprint is noted, and
//! while it stays the same the sync is skipped. This is what keeps a settle round
//! cheap when 30,000 pods exist but only a few changed.
//!
//! Syncs that depend on the clock ask for a wake-up (`Cluster::wake_at`), and every
//! wake-up forgets all notes, so a skipped sync never misses a deadline. The notes
//! are a cache: a snapshot does not carry them and a restored cluster starts without.

use std::collections::BTreeMap;

use k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta;

use crate::cluster::Cluster;

#[derive(Clone, Debug, Default)]
pub struct Quiet {
    seen: BTreeMap<(&'static str, String), Vec<u64>>,
}

impl Quiet {
    /// Forgets every note: the clock reached a deadline someone asked for.
    pub fn forget_all(&mut self) {
        self.seen.clear();
    }

    /// Whether `controller` noted these inputs for object `uid` after a sync that
    /// wrote nothing.
    pub fn is_quiet(&self, controller: &'static str, uid: &str, fingerprint: &[u64]) -> bool {
        self.seen.get(&(controller, uid.to_string())).is_some_and(|f| f == fingerprint)
    }

    /// Notes that a sync of `uid` with these inputs wrote nothing.
    pub fn note(&mut self, controller: &'static str, uid: &str, fingerprint: Vec<u64>) {
        self.seen.insert((controller, uid.to_string()), fingerprint);
    }
}

/// An object's resourceVersion as a number, for fingerprints.
pub fn version(meta: &ObjectMeta) -> u64 {
    meta.resource_version.as_deref().and_then(|v| v.parse().ok()).unwrap_or(0)
}

/// Runs `sync` for the object `uid` of `controller` unless the inputs named by
/// `fingerprint` are as they were after its last sync that wrote nothing.
pub fn sync_unless_quiet(
    c: &mut Cluster,
    controller: &'static str,
    uid: &str,
    fingerprint: impl Fn(&Cluster) -> Vec<u64>,
    sync: impl FnOnce(&mut Cluster),
) {
    let before = fingerprint(c);
    if c.quiet.is_quiet(controller, uid, &before) {
        return;
    }
    let revision = c.store.revision();
    sync(c);
    if c.store.revision() == revision {
        c.quiet.note(controller, uid, before);
    }
}
