//! Each running container's own files (its writable layer), per container instance:
//! what the image ships and the kubelet mounts ([`image_view::container_fs`]), plus
//! what the main process did so far ([`super::process`]), plus what `kubectl exec`
//! sessions changed. One copy serves everyone who looks in — a shell in the
//! container, an exec probe — so `rm /tmp/healthy` in a shell fails the probe and
//! the process's own `rm` 30 s in shows in the shell.
//!
//! A layer is only kept once a session wrote to it; until then it is derived on
//! demand from the image and the process's marks up to now. A new instance of the
//! container (a restart) starts from the image again.

use std::collections::BTreeMap;

use k8s_openapi::api::core::v1::Pod;
use serde::{Deserialize, Serialize};

use super::process;
use crate::api::store::Store;
use crate::api::ObjectKey;
use crate::cluster::Cluster;
use crate::shell::container::image_view::{container_fs, started_at, ImageView};
use crate::vfs::Vfs;

/// The kept layers, by [`instance_key`].
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct ContainerFiles {
    layers: BTreeMap<String, Layer>,
    /// `Store::deletions` when layers of deleted pods were last dropped.
    pruned_at: u64,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
struct Layer {
    pod: ObjectKey,
    uid: String,
    files: Vfs,
}

/// One instance of a container (its files last until it restarts): pod uid,
/// container name, container ID.
pub fn instance_key(pod: &Pod, container: &str) -> String {
    let id = container_id(pod, container).unwrap_or_default();
    format!("{}/{container}/{id}", pod.metadata.uid.clone().unwrap_or_default())
}

/// The current container ID of `container` in `pod`.
pub fn container_id(pod: &Pod, container: &str) -> Option<String> {
    pod.status.as_ref()?.container_statuses.as_ref()?.iter().find(|c| c.name == container)?.container_id.clone()
}

/// The container's command line (command then args).
pub fn command_line(pod: &Pod, container: &str) -> Vec<String> {
    let Some(ctr) = pod.spec.as_ref().and_then(|s| s.containers.iter().find(|c| c.name == container)) else { return Vec::new() };
    let mut words = ctr.command.clone().unwrap_or_default();
    words.extend(ctr.args.clone().unwrap_or_default());
    words
}

impl ContainerFiles {
    /// The container's files now.
    pub fn current(c: &Cluster, pod: &Pod, container: &str) -> Vfs {
        if let Some(layer) = c.container_files.layers.get(&instance_key(pod, container)) {
            return layer.files.clone();
        }
        let image = pod.spec.as_ref().and_then(|s| s.containers.iter().find(|x| x.name == container)).and_then(|x| x.image.clone()).unwrap_or_default();
        let mut fs = container_fs(c, pod, container, &ImageView::of(&image));
        if let Some(started) = started_at(pod, container) {
            let elapsed = c.now().millis_since(started);
            for mark in process::marks(&command_line(pod, container)).iter().filter(|m| m.at_ms <= elapsed) {
                fs.now = started.plus_ms(mark.at_ms);
                process::apply(&mut fs, &mark.effect);
            }
        }
        fs.now = c.now();
        fs
    }

    /// Keeps what a session left in the files of container instance `key` (an
    /// [`instance_key`]) of `pod`.
    pub fn keep(&mut self, key: String, pod: ObjectKey, files: Vfs) {
        let uid = key.split('/').next().unwrap_or_default().to_string();
        self.layers.insert(key, Layer { pod, uid, files });
    }

    /// The main process's step `mark` happens now to a kept layer (a derived one
    /// already includes it).
    pub fn apply(&mut self, pod: &Pod, container: &str, effect: &process::Effect, now: crate::time::SimTime) {
        if let Some(layer) = self.layers.get_mut(&instance_key(pod, container)) {
            layer.files.now = now;
            process::apply(&mut layer.files, effect);
        }
    }

    /// Forgets the layers of pods that are gone; only looks when something was deleted.
    pub fn prune(&mut self, store: &Store) {
        if store.deletions() == self.pruned_at {
            return;
        }
        self.pruned_at = store.deletions();
        self.layers.retain(|_, l| store.pods.get(&l.pod).is_some_and(|p| p.metadata.uid.as_deref() == Some(l.uid.as_str())));
    }
}
