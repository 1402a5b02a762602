//! Text editors on the node: `vi`, `vim` and `nano` open a file for the person at
//! the terminal, and `kubectl edit` opens its temporary file in one of them.
//!
//! The protocol: the command sets [`crate::shell::Shell`]'s open editor and returns
//! [`crate::foreground::Foreground::Editor`] with an [`EditorRequest`] (the file's
//! text and which editor). The command waits in the foreground until the terminal
//! calls [`crate::shell::Shell::close_editor`] with the saved text (or `None`
//! for quitting without saving); then the file is written, whatever waited on the
//! editor (`kubectl edit`'s loop) goes on, and the rest of the line runs. The page
//! shows an editor panel; the headless shell feeds the following input lines to
//! [`ex::ExBuffer`], vi's line-mode commands (`:%s/a/b/`, `a` … `.`, `:wq`, `:q!`).

pub mod ex;

/// The editor the person asked for: the page draws vi's command line or nano's
/// shortcuts accordingly.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum EditorProgram {
    Vi,
    Vim,
    Nano,
}

impl EditorProgram {
    /// The program a command name starts, if it is an editor (`/usr/bin/vim` too).
    pub fn from_command(name: &str) -> Option<EditorProgram> {
        match name.rsplit('/').next().unwrap_or(name) {
            "vi" => Some(EditorProgram::Vi),
            "vim" | "vim.basic" | "vim.tiny" => Some(EditorProgram::Vim),
            "nano" => Some(EditorProgram::Nano),
            _ => None,
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            EditorProgram::Vi => "vi",
            EditorProgram::Vim => "vim",
            EditorProgram::Nano => "nano",
        }
    }
}

/// A file open in an editor, as the terminal needs it to show it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EditorRequest {
    pub program: EditorProgram,
    /// Absolute path on the node (`None`: `vi` without a file name).
    pub path: Option<String>,
    /// The name as given on the command line, for the editor's title.
    pub shown_name: String,
    pub text: String,
    /// The file does not exist yet (vi shows `[New]`).
    pub new_file: bool,
}

/// What happens once the editor closes.
#[derive(Clone, Debug)]
pub enum AfterEdit {
    /// `vi FILE`: nothing more; the command ends with status 0.
    Nothing,
    /// `kubectl edit`: its loop reads the file and goes on.
    KubectlEdit(Box<crate::kubectl::edit::EditSession>),
}

/// The open editor a shell waits on.
#[derive(Clone, Debug)]
pub struct OpenEditor {
    pub request: EditorRequest,
    pub then: AfterEdit,
    /// The headless shell's line-mode buffer over the same text.
    pub ex: ex::ExBuffer,
}

impl OpenEditor {
    pub fn new(request: EditorRequest) -> OpenEditor {
        let ex = ex::ExBuffer::new(&request.text);
        OpenEditor { request, then: AfterEdit::Nothing, ex }
    }
}

/// What an editor writes for a buffer: vi and nano end a non-empty file with a
/// newline (vim's `fixendofline`, nano without `--nonewlines`).
pub fn file_text(buffer: &str) -> String {
    if buffer.is_empty() || buffer.ends_with('\n') {
        buffer.to_string()
    } else {
        format!("{buffer}\n")
    }
}
