//! The virtual file system of the control-plane node: the learner's home directory
//! (`/root`, shown as `~`) with example manifests, files written by redirection and
//! here-documents, and what `kubectl apply -f FILE|DIR` reads.
//!
//! Paths are absolute, `/`-separated and normalised (no `.`/`..`, no trailing `/`).
//! It is plain data so it can be saved with the rest of the session.

use std::collections::{BTreeMap, BTreeSet};

/// Why a file operation failed, in the words coreutils would use after `cmd: path: `.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum VfsError {
    NotFound,
    IsADirectory,
    NotADirectory,
}

impl std::fmt::Display for VfsError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            VfsError::NotFound => "No such file or directory",
            VfsError::IsADirectory => "Is a directory",
            VfsError::NotADirectory => "Not a directory",
        })
    }
}

pub const HOME: &str = "/root";

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Vfs {
    files: BTreeMap<String, String>,
    dirs: BTreeSet<String>,
}

impl Default for Vfs {
    fn default() -> Self {
        let mut dirs = BTreeSet::new();
        for d in ["/", "/root", "/tmp", "/etc"] {
            dirs.insert(d.to_string());
        }
        Vfs { files: BTreeMap::new(), dirs }
    }
}

impl Vfs {
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
        let set: BTreeSet<String> = children.collect();
        Ok(set.into_iter().collect())
    }

    pub fn mkdir(&mut self, abs: &str) -> Result<(), VfsError> {
        if !self.dirs.contains(parent_of(abs)) {
            return Err(VfsError::NotFound);
        }
        self.dirs.insert(abs.to_string());
        Ok(())
    }

    pub fn remove_file(&mut self, abs: &str) -> Result<(), VfsError> {
        match self.files.remove(abs) {
            Some(_) => Ok(()),
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
