//! `kubectl cp` carried out: kubectl runs `tar` in the container through exec and
//! unpacks or packs the other end locally. Here the node's files and the
//! container's (kept per container instance, like an exec session's) meet in one
//! place; the container needs a `tar` (scratch images have none), and `tar` says
//! what it says about leading slashes and missing files.

use super::image_view::Userland;
use super::ExecRequest;
use crate::kubectl::cp::{CopyRequest, Direction};
use crate::output::Output;
use crate::shell::Shell;
use crate::vfs::Vfs;

/// Copies a file, or a directory with everything below it, from one file system to
/// another. `to` is the path the source becomes.
fn copy_tree(from: &Vfs, src: &str, to: &mut Vfs, dest: &str) -> Result<(), String> {
    let base = |p: &str| p.trim_end_matches('/').to_string();
    if let Ok(text) = from.read(src) {
        return to.write(dest, text.to_string()).map_err(|e| format!("{dest}: {e}"));
    }
    if !to.is_dir(dest) {
        to.mkdir(dest).map_err(|e| format!("{dest}: {e}"))?;
    }
    for p in from.descendants(src) {
        let target = format!("{}{}", base(dest), &p[base(src).len()..]);
        match from.read(&p) {
            Ok(text) => to.write(&target, text.to_string()).map_err(|e| format!("{target}: {e}"))?,
            Err(_) if !to.is_dir(&target) => to.mkdir(&target).map_err(|e| format!("{target}: {e}"))?,
            Err(_) => {}
        }
    }
    Ok(())
}

/// Where a copy lands: inside `dest` when it is a directory (or ends with `/`).
fn landing(fs: &Vfs, dest: &str, typed: &str, src: &str) -> String {
    let name = src.trim_end_matches('/').rsplit('/').next().unwrap_or(src);
    if typed.ends_with('/') || fs.is_dir(dest) { Vfs::resolve(dest, name) } else { dest.to_string() }
}

impl Shell {
    /// Runs a checked `kubectl cp`; prints tar's and kubectl's messages.
    pub fn copy(&mut self, req: &CopyRequest, out: &mut Output) -> i32 {
        let exec = ExecRequest { pod: req.pod.clone(), container: req.container.clone(), command: vec!["tar".into()], stdin: false, tty: false, attach: false, remove_on_exit: false };
        if let Err(lines) = self.enter_container(&exec) {
            for l in lines {
                out.err(&l);
            }
            return 1;
        }
        let gnu = self.container().is_some_and(|c| c.view.userland == Userland::Debian);
        let code = match self.container.as_deref_mut() {
            None => 1,
            Some(session) => {
                let remote = Vfs::resolve("/", &req.remote);
                let node = &mut session.node.fs;
                let ctr = &mut self.fs;
                match req.direction {
                    Direction::ToPod => {
                        let dest = landing(ctr, &remote, &req.remote, &req.local);
                        report(copy_tree(node, &req.local, ctr, &dest), gnu, out)
                    }
                    Direction::FromPod if !ctr.is_file(&remote) && !ctr.is_dir(&remote) => {
                        let member = remote.trim_start_matches('/');
                        if gnu {
                            out.err("tar: Removing leading `/' from member names");
                            out.err(&format!("tar: {member}: Cannot stat: No such file or directory"));
                            out.err("tar: Exiting with failure status due to previous errors");
                        } else {
                            out.err("tar: removing leading '/' from member names");
                            out.err(&format!("tar: {remote}: No such file or directory"));
                        }
                        1
                    }
                    Direction::FromPod => {
                        out.err(if gnu { "tar: Removing leading `/' from member names" } else { "tar: removing leading '/' from member names" });
                        let dest = landing(node, &req.local, &req.local, &remote);
                        report(copy_tree(ctr, &remote, node, &dest), gnu, out)
                    }
                }
            }
        };
        let _ = self.restore_node();
        code
    }
}

fn report(result: Result<(), String>, gnu: bool, out: &mut Output) -> i32 {
    match result {
        Ok(()) => 0,
        Err(e) => {
            out.err(&if gnu { format!("tar: {e}") } else { format!("tar: can't create {e}") });
            1
        }
    }
}
