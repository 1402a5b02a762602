//! Objects of one kind grouped by their controller's uid, plus the orphans of each
//! namespace: what an informer's `controllerUID` index gives the real controllers.
//! Built once per reconcile round in one pass, so a controller finds its pods
//! without scanning every pod for every owner (30,000 pods stay linear).

use std::collections::{BTreeMap, HashMap};

use super::ownership::controller_of;
use crate::api::{ApiKind, Table};

pub struct OwnerIndex<'a, K> {
    by_owner: HashMap<&'a str, Vec<&'a K>>,
    orphans: BTreeMap<&'a str, Vec<&'a K>>,
}

impl<'a, K: ApiKind> OwnerIndex<'a, K> {
    pub fn build(table: &'a Table<K>) -> OwnerIndex<'a, K> {
        let mut by_owner: HashMap<&str, Vec<&K>> = HashMap::new();
        let mut orphans: BTreeMap<&str, Vec<&K>> = BTreeMap::new();
        for obj in table.list(None) {
            let meta = obj.metadata();
            match controller_of(meta) {
                Some(owner) => by_owner.entry(owner.uid.as_str()).or_default().push(obj),
                None => orphans.entry(meta.namespace.as_deref().unwrap_or("")).or_default().push(obj),
            }
        }
        OwnerIndex { by_owner, orphans }
    }

    /// The objects whose controller has this uid, in list order.
    pub fn owned(&self, owner_uid: &str) -> &[&'a K] {
        self.by_owner.get(owner_uid).map(Vec::as_slice).unwrap_or(&[])
    }

    /// The objects of `namespace` that have no controller, in list order.
    pub fn orphans(&self, namespace: &str) -> &[&'a K] {
        self.orphans.get(namespace).map(Vec::as_slice).unwrap_or(&[])
    }
}
