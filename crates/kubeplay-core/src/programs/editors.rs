//! `vi`, `vim` and `nano FILE`: open the file (a new one if it does not exist) in
//! the editor the terminal shows; the command waits until it is closed (see
//! [`crate::editor`]). Options (`-w`, `+N`, `-R` …) are accepted and ignored.

use crate::editor::{EditorProgram, EditorRequest};
use crate::shell::commands::Process;
use crate::vfs::VfsError;

pub fn vi(p: &mut Process, args: &[String]) -> i32 {
    open(p, EditorProgram::Vi, args)
}

pub fn vim(p: &mut Process, args: &[String]) -> i32 {
    open(p, EditorProgram::Vim, args)
}

pub fn nano(p: &mut Process, args: &[String]) -> i32 {
    open(p, EditorProgram::Nano, args)
}

fn open(p: &mut Process, program: EditorProgram, args: &[String]) -> i32 {
    let file = args.iter().find(|a| !a.starts_with('-') && !a.starts_with('+'));
    let request = match file {
        None => EditorRequest { program, path: None, shown_name: String::new(), text: String::new(), new_file: true },
        Some(name) => {
            let path = p.path(name);
            let (text, new_file) = match p.fs().read(&path) {
                Ok(t) => (t.to_string(), false),
                Err(VfsError::NotFound) => (String::new(), true),
                Err(_) => {
                    p.eprintln(&format!("\"{name}\" is a directory"));
                    return 1;
                }
            };
            EditorRequest { program, path: Some(path), shown_name: name.clone(), text, new_file }
        }
    };
    p.effect = Some(p.shell.open_editor(request));
    0
}
