//! Versioned snapshots of a whole session, for save, share links and export: the
//! cluster (every API object, the clock, the RNG's position, the timer queue, the
//! controllers' and node agents' private memory, the network's counters and logs)
//! and, for a shell, its files, variables, aliases, kubeconfig and history.
//!
//! The format is JSON: `{"kubeplay_snapshot": 1, "cluster": {…}, "shell": {…}}`.
//! Restoring gives a cluster that behaves exactly as the saved one would have: the
//! same further commands print the same output and lead to the same snapshot. The
//! tables' indexes and the controllers' "already seen" notes are derived data,
//! rebuilt rather than stored. A snapshot that is not JSON, not a kubeplay snapshot,
//! of another version or inconsistent is refused with an error, never a panic.

use std::collections::BTreeMap;
use std::fmt;

use serde::de::DeserializeOwned;
use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::cluster::Cluster;
use crate::shell::Shell;

/// The version this build writes and reads. Bump it when the format changes in a
/// way older snapshots cannot be read as.
pub const SNAPSHOT_VERSION: u64 = 1;

const TAG: &str = "kubeplay_snapshot";

/// Why a snapshot could not be restored.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SnapshotError {
    /// Not JSON, or JSON without the `kubeplay_snapshot` tag.
    NotASnapshot,
    /// A snapshot of a version this build cannot read.
    UnsupportedVersion(String),
    /// The tag is right but the content does not make a cluster.
    Corrupt(String),
}

impl fmt::Display for SnapshotError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SnapshotError::NotASnapshot => write!(f, "not a kubeplay snapshot"),
            SnapshotError::UnsupportedVersion(v) => {
                write!(f, "unsupported snapshot version {v} (this kubeplay reads version {SNAPSHOT_VERSION})")
            }
            SnapshotError::Corrupt(why) => write!(f, "corrupt snapshot: {why}"),
        }
    }
}

impl std::error::Error for SnapshotError {}

/// What a shell adds to its cluster. A command still being typed or sleeping is not
/// part of it: a snapshot is taken at the node's prompt. Background jobs (`kubectl
/// proxy &`, port-forwards, `sleep N &`) and an open container shell are processes
/// of the terminal, not state: as in a new terminal on the same machine, a restored
/// session starts without them (inside a container shell, the node's own files and
/// variables are what is saved).
#[derive(Serialize, Deserialize)]
struct ShellState {
    fs: crate::vfs::Vfs,
    cwd: String,
    vars: BTreeMap<String, crate::shell::Var>,
    aliases: BTreeMap<String, String>,
    kubeconfig: crate::kubectl::config::Kubeconfig,
    history: Vec<String>,
    last_status: i32,
}

#[derive(Serialize)]
struct Written<'a> {
    kubeplay_snapshot: u64,
    cluster: &'a Cluster,
    #[serde(skip_serializing_if = "Option::is_none")]
    shell: Option<ShellState>,
}

#[derive(Deserialize)]
struct Read {
    cluster: Cluster,
    #[serde(default)]
    shell: Option<ShellState>,
}

fn write(cluster: &Cluster, shell: Option<ShellState>) -> String {
    let doc = Written { kubeplay_snapshot: SNAPSHOT_VERSION, cluster, shell };
    // Every part is plain data with string map keys; serialising it cannot fail.
    serde_json::to_string(&doc).unwrap_or_default()
}

fn read(text: &str) -> Result<Read, SnapshotError> {
    let value: serde_json::Value = serde_json::from_str(text).map_err(|_| SnapshotError::NotASnapshot)?;
    let version = value.get(TAG).ok_or(SnapshotError::NotASnapshot)?;
    if version.as_u64() != Some(SNAPSHOT_VERSION) {
        return Err(SnapshotError::UnsupportedVersion(version.to_string()));
    }
    let read: Read = serde_json::from_value(value).map_err(|e| SnapshotError::Corrupt(e.to_string()))?;
    read.cluster.check_consistent().map_err(SnapshotError::Corrupt)?;
    Ok(read)
}

impl Cluster {
    /// The whole cluster as a versioned snapshot.
    pub fn snapshot(&self) -> String {
        write(self, None)
    }

    /// The cluster a snapshot (of a cluster or a shell) describes.
    pub fn restore(text: &str) -> Result<Cluster, SnapshotError> {
        read(text).map(|r| r.cluster)
    }
}

impl Shell {
    /// The cluster and the shell session on it as a versioned snapshot.
    pub fn snapshot(&self) -> String {
        let (fs, cwd, vars, aliases) = self.node_state();
        let shell = ShellState {
            fs: fs.clone(),
            cwd: cwd.to_string(),
            vars: vars.clone(),
            aliases: aliases.clone(),
            kubeconfig: self.kubeconfig.clone(),
            history: self.history.clone(),
            last_status: self.last_status,
        };
        write(&self.cluster, Some(shell))
    }

    /// A shell from a snapshot; a cluster-only snapshot gets a fresh login's shell.
    pub fn restore(text: &str) -> Result<Shell, SnapshotError> {
        let read = read(text)?;
        let mut shell = Shell::with_cluster(read.cluster);
        if let Some(s) = read.shell {
            shell.fs = s.fs;
            shell.cwd = s.cwd;
            shell.vars = s.vars;
            shell.aliases = s.aliases;
            shell.kubeconfig = s.kubeconfig;
            shell.history = s.history;
            shell.last_status = s.last_status;
        }
        Ok(shell)
    }
}

/// Maps whose keys are not strings (a JSON object cannot carry them), written as a
/// list of `[key, value]` pairs: `#[serde(with = "crate::snapshot::pairs")]`.
pub mod pairs {
    use super::*;

    pub fn serialize<K: Serialize, V: Serialize, S: Serializer>(map: &BTreeMap<K, V>, s: S) -> Result<S::Ok, S::Error> {
        s.collect_seq(map.iter())
    }

    pub fn deserialize<'de, K: DeserializeOwned + Ord, V: DeserializeOwned, D: Deserializer<'de>>(d: D) -> Result<BTreeMap<K, V>, D::Error> {
        let list: Vec<(K, V)> = Vec::deserialize(d)?;
        Ok(crate::sorting::btree_map(list))
    }
}
