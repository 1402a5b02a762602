//! The virtual file system of the control-plane node: the learner's home directory
//! (`/root`, shown as `~`) with example manifests, files written by redirection and
//! here-documents, and what `kubectl apply -f FILE|DIR` reads.
//!
//! Paths are absolute, `/`-separated and normalised (no `.`/`..`, no trailing `/`).
//! It is plain data so it can be saved with the rest of the session.

use std::collections::{BTreeMap, BTreeSet};

use crate::time::SimTime;

/// Why a file operation failed, in the words coreutils would use after `cmd: path: `.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum VfsError {
    NotFound,
    IsADirectory,
    NotADirectory,
    Exists,
    NotEmpty,
}

impl std::fmt::Display for VfsError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            VfsError::NotFound => "No such file or directory",
            VfsError::IsADirectory => "Is a directory",
            VfsError::NotADirectory => "Not a directory",
            VfsError::Exists => "File exists",
            VfsError::NotEmpty => "Directory not empty",
        })
    }
}

pub const HOME: &str = "/root";

#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Vfs {
    files: BTreeMap<String, String>,
    dirs: BTreeSet<String>,
    /// Last modification of files and directories (for `ls -l`).
    mtimes: BTreeMap<String, SimTime>,
    /// The simulated time stamped on what is written now (the shell sets it).
    pub now: SimTime,
}

impl Default for Vfs {
    fn default() -> Self {
        let mut dirs = BTreeSet::new();
        for d in ["/", "/root", "/tmp", "/etc", "/dev"] {
            dirs.insert(d.to_string());
        }
        Vfs { files: BTreeMap::new(), dirs, mtimes: BTreeMap::new(), now: SimTime::default() }
    }
}

/// Example manifests in the home directory, as the official Kubernetes docs show
/// them (`controllers/nginx-deployment.yaml` of the "Deployments" page,
/// `service/nginx-service.yaml`, `pods/simple-pod.yaml`), so `ls` has something to
/// show and `kubectl apply -f` something to apply.
pub const EXAMPLES: &[(&str, &str)] = &[
    ("nginx-deployment.yaml", include_str!("vfs/nginx-deployment.yaml")),
    ("nginx-service.yaml", include_str!("vfs/nginx-service.yaml")),
    ("simple-pod.yaml", include_str!("vfs/simple-pod.yaml")),
];

impl Vfs {
    /// The file system of a fresh session: the example manifests in `/root`.
    pub fn with_examples(now: SimTime) -> Vfs {
        let mut fs = Vfs { now, ..Vfs::default() };
        for d in fs.dirs.clone() {
            fs.touch(&d);
        }
        for (name, text) in EXAMPLES {
            let _ = fs.write(&format!("{HOME}/{name}"), text.to_string());
        }
        fs
    }

    /// When a file or directory was last modified (the start of the session for the
    /// ones it began with).
    pub fn mtime(&self, abs: &str) -> SimTime {
        self.mtimes.get(abs).copied().unwrap_or_default()
    }

    /// Appends to an existing file (output redirected with `>>`, or after `>`).
    pub fn append(&mut self, abs: &str, text: &str) -> Result<(), VfsError> {
        match self.files.get_mut(abs) {
            Some(content) => {
                content.push_str(text);
                self.mtimes.insert(abs.to_string(), self.now);
                Ok(())
            }
            None => {
                let mut content = String::new();
                content.push_str(text);
                self.write(abs, content)
            }
        }
    }

    /// Sets a file's or directory's modification time to now (`touch`).
    pub fn touch(&mut self, abs: &str) {
        self.mtimes.insert(abs.to_string(), self.now);
    }

    /// Removes an empty directory.
    pub fn remove_dir(&mut self, abs: &str) -> Result<(), VfsError> {
        if !self.dirs.contains(abs) {
            return Err(if self.files.contains_key(abs) { VfsError::NotADirectory } else { VfsError::NotFound });
        }
        if !self.list(abs)?.is_empty() {
            return Err(VfsError::NotEmpty);
        }
        self.dirs.remove(abs);
        self.mtimes.remove(abs);
        Ok(())
    }

    /// Removes a directory and everything below it.
    pub fn remove_tree(&mut self, abs: &str) {
        let prefix = format!("{}/", abs.trim_end_matches('/'));
        self.files.retain(|p, _| !p.starts_with(&prefix));
        self.dirs.retain(|p| p != abs && !p.starts_with(&prefix));
        self.mtimes.retain(|p, _| p != abs && !p.starts_with(&prefix));
    }

    /// Every file and directory strictly below `abs`, sorted (for `cp -r`, `mv`).
    pub fn descendants(&self, abs: &str) -> Vec<String> {
        let prefix = if abs == "/" { "/".to_string() } else { format!("{abs}/") };
        let mut all: Vec<String> = self.dirs.iter().chain(self.files.keys()).filter(|p| p.starts_with(&prefix) && p.as_str() != abs).cloned().collect();
        crate::sorting::sort(&mut all);
        all
    }
    /// `path` made absolute against `cwd`, with `~`, `.` and `..` resolved.
    pub fn resolve(cwd: &str, path: &str) -> String {
        let joined = if path == "~" {
            HOME.to_string()
        } else if let Some(rest) = path.strip_prefix("~/") {
            format!("{HOME}/{rest}")
        } else if path.starts_with('/') {
            path.to_string()
        } else {
            format!("{cwd}/{path}")
        };
        let mut parts: Vec<&str> = Vec::new();
        for p in joined.split('/') {
            match p {
                "" | "." => {}
                ".." => {
                    parts.pop();
                }
                p => parts.push(p),
            }
        }
        format!("/{}", parts.join("/"))
    }

    pub fn is_dir(&self, abs: &str) -> bool {
        self.dirs.contains(abs)
    }

    pub fn is_file(&self, abs: &str) -> bool {
        self.files.contains_key(abs)
    }

    pub fn read(&self, abs: &str) -> Result<&str, VfsError> {
        match self.files.get(abs) {
            Some(s) => Ok(s),
            None if self.dirs.contains(abs) => Err(VfsError::IsADirectory),
            None => Err(VfsError::NotFound),
        }
    }

    /// Writes (or replaces) a file; its directory must exist.
    pub fn write(&mut self, abs: &str, content: String) -> Result<(), VfsError> {
        if self.dirs.contains(abs) {
            return Err(VfsError::IsADirectory);
        }
        let parent = parent_of(abs);
        if !self.dirs.contains(parent) {
            return Err(if self.files.contains_key(parent) { VfsError::NotADirectory } else { VfsError::NotFound });
        }
        self.files.insert(abs.to_string(), content);
        self.mtimes.insert(abs.to_string(), self.now);
        Ok(())
    }

    /// The entries directly inside a directory (names only), sorted.
    pub fn list(&self, abs: &str) -> Result<Vec<String>, VfsError> {
        if !self.dirs.contains(abs) {
            return Err(if self.files.contains_key(abs) { VfsError::NotADirectory } else { VfsError::NotFound });
        }
        let children = self
            .files
            .keys()
            .chain(self.dirs.iter())
            .filter(|p| p.as_str() != abs && parent_of(p) == abs)
            .map(|p| p.rsplit('/').next().unwrap_or_default().to_string());
        let set = crate::sorting::btree_set(children);
        Ok(set.into_iter().collect())
    }

    pub fn mkdir(&mut self, abs: &str) -> Result<(), VfsError> {
        if !self.dirs.contains(parent_of(abs)) {
            return Err(VfsError::NotFound);
        }
        if self.files.contains_key(abs) || self.dirs.contains(abs) {
            return Err(VfsError::Exists);
        }
        self.dirs.insert(abs.to_string());
        self.mtimes.insert(abs.to_string(), self.now);
        Ok(())
    }

    pub fn remove_file(&mut self, abs: &str) -> Result<(), VfsError> {
        match self.files.remove(abs) {
            Some(_) => {
                self.mtimes.remove(abs);
                Ok(())
            }
            None if self.dirs.contains(abs) => Err(VfsError::IsADirectory),
            None => Err(VfsError::NotFound),
        }
    }
}

fn parent_of(abs: &str) -> &str {
    match abs.rfind('/') {
        Some(0) | None => "/",
        Some(i) => &abs[..i],
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn resolves_relative_home_and_dots() {
        assert_eq!(Vfs::resolve("/root", "a.yaml"), "/root/a.yaml");
        assert_eq!(Vfs::resolve("/tmp", "~/x"), "/root/x");
        assert_eq!(Vfs::resolve("/root", "../etc/./hosts"), "/etc/hosts");
        assert_eq!(Vfs::resolve("/", ".."), "/");
    }

    #[test]
    fn write_read_list() {
        let mut fs = Vfs::default();
        fs.write("/root/a.yaml", "x".into()).unwrap();
        assert_eq!(fs.read("/root/a.yaml"), Ok("x"));
        assert_eq!(fs.read("/root"), Err(VfsError::IsADirectory));
        assert_eq!(fs.write("/nope/a", String::new()), Err(VfsError::NotFound));
        assert_eq!(fs.list("/root").unwrap(), vec!["a.yaml".to_string()]);
    }
}
