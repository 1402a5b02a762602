//! `kubeplay snapshot save|load FILE`: the session (cluster and shell) to a file of
//! the node's file system and back, in the versioned format of [`crate::snapshot`].
//! The UI's save and share links use the same snapshot.

use super::Outcome;
use crate::shell::Shell;
use crate::vfs::Vfs;

/// Runs `snapshot save|load FILE` against the whole shell (a load replaces it).
pub fn snapshot(shell: &mut Shell, args: &[&str]) -> Option<Outcome> {
    let outcome = match args {
        ["save", file] => {
            let path = Vfs::resolve(&shell.cwd, file);
            let text = shell.snapshot();
            let bytes = text.len();
            shell.fs.write(&path, text).map(|_| format!("snapshot saved to {file} ({bytes} bytes)")).map_err(|e| format!("{file}: {e}"))
        }
        ["load", file] => {
            let path = Vfs::resolve(&shell.cwd, file);
            match shell.fs.read(&path).map(str::to_string) {
                Err(e) => Err(format!("{file}: {e}")),
                Ok(text) => Shell::restore(&text).map(|mut restored| {
                    // The saved session predates its own file; the file stays on disk.
                    let _ = restored.fs.write(&path, text);
                    *shell = restored;
                    format!("snapshot loaded from {file}")
                })
                .map_err(|e| format!("{file}: {e}")),
            }
        }
        _ => return None,
    };
    Some(outcome)
}
