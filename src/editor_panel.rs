//! The editor panel: what `vi`, `vim`, `nano` and `kubectl edit` open in place of
//! the terminal. A monospace text area; vi's command line after Esc (`:wq`, `:x`,
//! `:q`, `:q!`, `:%s/…` — run by the core's line mode) or nano's Ctrl+O / Ctrl+X;
//! Ctrl+S and the Save button save and close, Cancel quits without saving. The
//! panel only edits text: saving hands it to the playground, which gives it to the
//! shell. Text is always a text node or a form value, never HTML.

use std::rc::Rc;

use kubeplay_core::editor::ex::{ExBuffer, ExOutcome};
use kubeplay_core::editor::{EditorProgram, EditorRequest};
use web_sys::{HtmlInputElement, HtmlTextAreaElement};
use yew::prelude::*;

use crate::i18n::{fill, EditorTexts, Lang};

/// Where the keyboard is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Mode {
    /// Typing in the text (vi's insert mode; nano always).
    Text,
    /// vi after Esc: its `:` command line.
    Command,
    /// nano's "Save modified buffer?" after Ctrl+X.
    ConfirmExit,
}

/// How the editor ended.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Closing {
    /// Write this text and close.
    Save(String),
    /// Close; `Some`: what `:w` / Ctrl+O wrote before.
    Quit(Option<String>),
}

/// The message line under the text.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Message {
    None,
    /// vi's own words (E37, E486 …), shown as they are.
    Vi(String),
    /// nano's `[ Wrote N lines ]`.
    Wrote(usize),
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EditorState {
    pub program: EditorProgram,
    pub text: String,
    /// What the file holds: the text as opened, or as last written.
    pub saved_text: String,
    /// What `:w` / Ctrl+O wrote (closing without saving keeps it).
    pub written: Option<String>,
    pub mode: Mode,
    pub command: String,
    pub message: Message,
    pub closing: Option<Closing>,
}

pub enum EditorAction {
    Edit(String),
    /// Esc in the text: vi's command line; nano cancels.
    Escape,
    CommandEdit(String),
    /// Enter on vi's command line.
    RunCommand,
    /// Esc on the command line: back to the text.
    BackToText,
    Save,
    Cancel,
    /// nano's Ctrl+O.
    WriteOut,
    /// nano's Ctrl+X.
    Exit,
    /// The answer to nano's question (`None`: Ctrl+C, back to the text).
    Answer(Option<bool>),
}

impl EditorState {
    pub fn new(request: &EditorRequest) -> EditorState {
        EditorState {
            program: request.program,
            text: request.text.clone(),
            saved_text: request.text.clone(),
            written: None,
            mode: Mode::Text,
            command: String::new(),
            message: Message::None,
            closing: None,
        }
    }

    fn modified(&self) -> bool {
        self.text != self.saved_text
    }

    /// vi's command line, run by the core's line mode over the current text.
    fn run_command(&mut self) {
        let command = std::mem::take(&mut self.command);
        let typed = command.trim();
        if typed.is_empty() || typed == "i" || typed == "a" {
            self.mode = Mode::Text;
            return;
        }
        let mut buffer = ExBuffer::resumed(&self.text, self.modified(), self.written.clone());
        match buffer.line(typed) {
            ExOutcome::Close(Some(text)) => self.closing = Some(Closing::Save(text)),
            ExOutcome::Close(None) => self.closing = Some(Closing::Quit(self.written.clone())),
            ExOutcome::Continue(message) => {
                if buffer.written() != self.written.as_deref() {
                    self.written = buffer.written().map(str::to_string);
                    self.saved_text = self.text.clone();
                } else if buffer.modified() && buffer.text() != kubeplay_core::editor::file_text(&self.text) {
                    self.text = buffer.text();
                }
                self.message = message.map_or(Message::None, Message::Vi);
                self.mode = if self.message == Message::None { Mode::Text } else { Mode::Command };
            }
        }
    }
}

impl Reducible for EditorState {
    type Action = EditorAction;

    fn reduce(self: Rc<Self>, action: EditorAction) -> Rc<Self> {
        let mut s = (*self).clone();
        match action {
            EditorAction::Edit(text) => {
                s.text = text;
                if matches!(s.message, Message::Wrote(_)) {
                    s.message = Message::None;
                }
            }
            EditorAction::Escape => match s.program {
                EditorProgram::Nano => s.closing = Some(Closing::Quit(s.written.clone())),
                _ => {
                    s.mode = Mode::Command;
                    s.message = Message::None;
                }
            },
            EditorAction::CommandEdit(c) => s.command = c,
            EditorAction::RunCommand => s.run_command(),
            EditorAction::BackToText => {
                s.mode = Mode::Text;
                s.command.clear();
            }
            EditorAction::Save => s.closing = Some(Closing::Save(s.text.clone())),
            EditorAction::Cancel => s.closing = Some(Closing::Quit(s.written.clone())),
            EditorAction::WriteOut => {
                s.written = Some(s.text.clone());
                s.saved_text = s.text.clone();
                s.message = Message::Wrote(s.text.lines().count());
            }
            EditorAction::Exit => {
                if s.modified() {
                    s.mode = Mode::ConfirmExit;
                } else {
                    s.closing = Some(Closing::Quit(s.written.clone()));
                }
            }
            EditorAction::Answer(Some(true)) => s.closing = Some(Closing::Save(s.text.clone())),
            EditorAction::Answer(Some(false)) => s.closing = Some(Closing::Quit(s.written.clone())),
            EditorAction::Answer(None) => s.mode = Mode::Text,
        }
        Rc::new(s)
    }
}

#[derive(Properties, PartialEq)]
pub struct Props {
    pub request: Rc<EditorRequest>,
    pub lang: Lang,
    /// The editor closed: the text to write, or `None` to leave the file as it is.
    pub on_close: Callback<Option<String>>,
}

#[function_component(EditorPanel)]
pub fn editor_panel(props: &Props) -> Html {
    let state = use_reducer({
        let request = props.request.clone();
        move || EditorState::new(&request)
    });
    let t: &EditorTexts = props.lang.texts().editor;
    let text_ref = use_node_ref();
    let command_ref = use_node_ref();

    // Opened at the top, as vi and nano open a file on its first line.
    {
        let text_ref = text_ref.clone();
        use_effect_with((), move |_| {
            if let Some(a) = text_ref.cast::<HtmlTextAreaElement>() {
                let _ = a.set_selection_range(0, 0);
                a.set_scroll_top(0);
            }
        });
    }
    // The keyboard goes where the mode says: the text, or vi's command line.
    {
        let (text_ref, command_ref) = (text_ref.clone(), command_ref.clone());
        use_effect_with(state.mode, move |mode| {
            if *mode == Mode::Command {
                if let Some(i) = command_ref.cast::<HtmlInputElement>() {
                    let _ = i.focus();
                }
            } else if let Some(a) = text_ref.cast::<HtmlTextAreaElement>() {
                let _ = a.focus();
            }
        });
    }
    // Closing is decided by the reducer; the playground hears of it here.
    {
        let on_close = props.on_close.clone();
        use_effect_with(state.closing.clone(), move |closing| match closing {
            Some(Closing::Save(text)) => on_close.emit(Some(text.clone())),
            Some(Closing::Quit(written)) => on_close.emit(written.clone()),
            None => {}
        });
    }

    let oninput = {
        let state = state.clone();
        Callback::from(move |e: InputEvent| {
            let area: HtmlTextAreaElement = e.target_unchecked_into();
            state.dispatch(EditorAction::Edit(area.value()));
        })
    };
    let program = state.program;
    let mode = state.mode;
    let onkeydown = {
        let state = state.clone();
        Callback::from(move |e: KeyboardEvent| {
            let ctrl = e.ctrl_key() || e.meta_key();
            let key = e.key();
            let action = match (key.as_str(), ctrl, program, mode) {
                ("s", true, _, _) => Some(EditorAction::Save),
                ("o", true, EditorProgram::Nano, _) => Some(EditorAction::WriteOut),
                ("x", true, EditorProgram::Nano, _) => Some(EditorAction::Exit),
                ("c", true, EditorProgram::Nano, Mode::ConfirmExit) => Some(EditorAction::Answer(None)),
                ("y" | "Y", false, _, Mode::ConfirmExit) => Some(EditorAction::Answer(Some(true))),
                ("n" | "N", false, _, Mode::ConfirmExit) => Some(EditorAction::Answer(Some(false))),
                ("Escape", _, _, Mode::Text) => Some(EditorAction::Escape),
                ("Escape", _, _, _) => Some(EditorAction::BackToText),
                (_, _, _, Mode::ConfirmExit) => {
                    e.prevent_default();
                    None
                }
                _ => None,
            };
            if let Some(a) = action {
                e.prevent_default();
                e.stop_propagation();
                state.dispatch(a);
            }
        })
    };
    let command_input = {
        let state = state.clone();
        Callback::from(move |e: InputEvent| {
            let input: HtmlInputElement = e.target_unchecked_into();
            state.dispatch(EditorAction::CommandEdit(input.value()));
        })
    };
    let command_keydown = {
        let state = state.clone();
        Callback::from(move |e: KeyboardEvent| match e.key().as_str() {
            "Enter" => {
                e.prevent_default();
                state.dispatch(EditorAction::RunCommand);
            }
            "Escape" => {
                e.prevent_default();
                e.stop_propagation();
                state.dispatch(EditorAction::BackToText);
            }
            "s" if e.ctrl_key() || e.meta_key() => {
                e.prevent_default();
                state.dispatch(EditorAction::Save);
            }
            _ => {}
        })
    };
    let on_save = {
        let state = state.clone();
        Callback::from(move |_: MouseEvent| state.dispatch(EditorAction::Save))
    };
    let on_cancel = {
        let state = state.clone();
        Callback::from(move |_: MouseEvent| state.dispatch(EditorAction::Cancel))
    };

    let name = if props.request.shown_name.is_empty() { t.unnamed.to_string() } else { props.request.shown_name.clone() };
    let title = match program {
        EditorProgram::Nano => format!("GNU nano 7.2    {name}"),
        _ if props.request.new_file => format!("\"{name}\" {}", t.new_file),
        _ => format!("\"{name}\""),
    };
    let status = match (&state.message, mode, program) {
        (_, Mode::ConfirmExit, _) => t.nano_confirm.to_string(),
        (Message::Vi(m), _, _) => m.clone(),
        (Message::Wrote(n), _, _) => fill(t.nano_wrote, &[("n", &n.to_string())]),
        (Message::None, Mode::Command, _) => t.vi_normal.to_string(),
        (Message::None, _, EditorProgram::Nano) => t.nano_keys.to_string(),
        (Message::None, _, _) => t.vi_insert.to_string(),
    };
    let region = fill(t.region, &[("name", &name), ("program", program.name())]);

    html! {
        <section class="editor" role="region" aria-label={region} data-program={program.name()} data-mode={format!("{mode:?}").to_lowercase()}>
            <div class="editor-title" aria-hidden="true">{title}</div>
            <label for="editor-text" class="visually-hidden">{t.text_label}</label>
            <textarea id="editor-text" ref={text_ref} value={state.text.clone()} {oninput} onkeydown={onkeydown.clone()}
                spellcheck="false" autocapitalize="off" autocomplete="off" wrap="off" />
            <div class="editor-status" role="status" aria-live="polite">{status}</div>
            if mode == Mode::Command {
                <div class="editor-cmdline">
                    <label for="editor-command" class="visually-hidden">{t.command_label}</label>
                    <input id="editor-command" ref={command_ref} type="text" value={state.command.clone()}
                        placeholder={t.command_placeholder} oninput={command_input} onkeydown={command_keydown}
                        autocomplete="off" autocapitalize="off" spellcheck="false" />
                </div>
            }
            <div class="editor-actions">
                <button type="button" id="editor-save" class="text-button" onclick={on_save}>{t.save}</button>
                <button type="button" id="editor-cancel" class="text-button" onclick={on_cancel}>{t.cancel}</button>
            </div>
        </section>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn open(program: EditorProgram, text: &str) -> Rc<EditorState> {
        Rc::new(EditorState::new(&EditorRequest { program, path: Some("/root/f".into()), shown_name: "f".into(), text: text.into(), new_file: false }))
    }

    fn command(s: Rc<EditorState>, c: &str) -> Rc<EditorState> {
        s.reduce(EditorAction::Escape).reduce(EditorAction::CommandEdit(c.into())).reduce(EditorAction::RunCommand)
    }

    #[test]
    fn vi_command_line_saves_quits_and_substitutes() {
        let s = open(EditorProgram::Vi, "replicas: 1\n").reduce(EditorAction::Edit("replicas: 2\n".into()));
        let refused = command(s.clone(), ":q");
        assert_eq!(refused.message, Message::Vi("E37: No write since last change (add ! to override)".into()));
        assert_eq!(refused.closing, None);
        assert_eq!(command(s.clone(), ":q!").closing, Some(Closing::Quit(None)));
        assert_eq!(command(s.clone(), ":wq").closing, Some(Closing::Save("replicas: 2\n".into())));
        let sub = command(s, ":%s/2/5/");
        assert_eq!((sub.text.as_str(), sub.mode), ("replicas: 5\n", Mode::Text));
        let written = command(sub, ":w");
        // `:q` after `:w` closes with what was written.
        assert_eq!(command(written, ":q").closing, Some(Closing::Save("replicas: 5\n".into())));
    }

    #[test]
    fn nano_writes_out_and_asks_before_exit() {
        let s = open(EditorProgram::Nano, "a\n").reduce(EditorAction::Edit("b\n".into()));
        let asking = s.clone().reduce(EditorAction::Exit);
        assert_eq!(asking.mode, Mode::ConfirmExit);
        assert_eq!(asking.clone().reduce(EditorAction::Answer(Some(true))).closing, Some(Closing::Save("b\n".into())));
        assert_eq!(asking.reduce(EditorAction::Answer(Some(false))).closing, Some(Closing::Quit(None)));
        let wrote = s.reduce(EditorAction::WriteOut);
        assert_eq!(wrote.message, Message::Wrote(1));
        assert_eq!(wrote.reduce(EditorAction::Exit).closing, Some(Closing::Quit(Some("b\n".into()))));
        assert_eq!(open(EditorProgram::Nano, "").reduce(EditorAction::Escape).closing, Some(Closing::Quit(None)));
    }
}
