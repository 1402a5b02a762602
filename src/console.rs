//! The console: scrollback and a bash-like prompt. Line editing keys follow bash's
//! readline (Enter, Up/Down through history, Ctrl+R reverse search, Ctrl+A/E/U/K/W,
//! Ctrl+C, Ctrl+L, Tab completion — on an empty line Tab moves the focus on);
//! pasting several lines runs them in order; text is always rendered as text.

use std::rc::Rc;

use web_sys::HtmlInputElement;
use wasm_bindgen::JsCast;
use yew::prelude::*;

use crate::playground::{ConsoleLine, LineKind};

/// The prompt's own state: what is typed and where we are in the history.
#[derive(Clone, Default, PartialEq)]
pub struct PromptState {
    pub text: String,
    /// Index into the history while browsing it with Up/Down; `None` when editing.
    pub browsing: Option<usize>,
    /// What was typed before browsing began, restored when Down goes past the end.
    pub draft: String,
    /// Ctrl+R: the reverse incremental search under way.
    pub search: Option<Search>,
}

/// readline's reverse-i-search: what is typed, and the history entry it found.
#[derive(Clone, Default, PartialEq)]
pub struct Search {
    pub query: String,
    pub found: Option<usize>,
    /// The line as it was before the search, restored by Ctrl+G / Ctrl+C.
    pub original: String,
}

impl Search {
    /// The newest entry at or before `from` that contains the query.
    fn find(&self, history: &[String], from: usize) -> Option<usize> {
        (0..=from.min(history.len().checked_sub(1)?)).rev().find(|&i| history[i].contains(&self.query))
    }

    /// The label readline shows instead of the prompt.
    pub fn label(&self) -> String {
        let failed = if self.found.is_none() && !self.query.is_empty() { "failed " } else { "" };
        format!("({failed}reverse-i-search)`{}': ", self.query)
    }
}

pub enum PromptAction {
    Edit(String),
    Older(Rc<Vec<String>>),
    Newer(Rc<Vec<String>>),
    Reset,
    /// Ctrl+R: start searching, or find the next older match.
    SearchOlder(Rc<Vec<String>>),
    /// A character typed, or Backspace (`None`), while searching.
    SearchType(Option<char>, Rc<Vec<String>>),
    /// Leave the search keeping the found line (Escape, arrows, Enter).
    SearchAccept,
    /// Ctrl+G: leave the search, restoring the line.
    SearchCancel,
}

impl Reducible for PromptState {
    type Action = PromptAction;

    fn reduce(self: Rc<Self>, action: PromptAction) -> Rc<Self> {
        let mut s = (*self).clone();
        match action {
            PromptAction::Edit(text) => {
                s.text = text;
                s.browsing = None;
            }
            PromptAction::Older(history) => {
                if history.is_empty() {
                    return self;
                }
                let i = match s.browsing {
                    None => {
                        s.draft = s.text.clone();
                        history.len() - 1
                    }
                    Some(i) => i.saturating_sub(1),
                };
                s.browsing = Some(i);
                s.text = history[i].clone();
            }
            PromptAction::Newer(history) => match s.browsing {
                None => return self,
                Some(i) if i + 1 < history.len() => {
                    s.browsing = Some(i + 1);
                    s.text = history[i + 1].clone();
                }
                Some(_) => {
                    s.browsing = None;
                    s.text = std::mem::take(&mut s.draft);
                }
            },
            PromptAction::Reset => s = PromptState::default(),
            PromptAction::SearchOlder(history) => match s.search.as_mut() {
                None => {
                    let search = Search { original: s.text.clone(), ..Search::default() };
                    s.search = Some(search);
                }
                Some(search) => {
                    let from = match search.found {
                        Some(0) => return self,
                        Some(i) => i - 1,
                        None => history.len(),
                    };
                    if let Some(i) = search.find(&history, from) {
                        search.found = Some(i);
                        s.text = history[i].clone();
                    }
                }
            },
            PromptAction::SearchType(c, history) => {
                let Some(search) = s.search.as_mut() else { return self };
                match c {
                    Some(c) => search.query.push(c),
                    None => {
                        search.query.pop();
                    }
                }
                let from = if c.is_some() { search.found.unwrap_or(history.len()) } else { history.len() };
                search.found = search.find(&history, from);
                s.text = match search.found {
                    Some(i) => history[i].clone(),
                    None if search.query.is_empty() => search.original.clone(),
                    None => s.text.clone(),
                };
            }
            PromptAction::SearchAccept => s.search = None,
            PromptAction::SearchCancel => {
                if let Some(search) = s.search.take() {
                    s.text = search.original;
                }
            }
        }
        Rc::new(s)
    }
}

#[derive(Properties, PartialEq)]
pub struct Props {
    pub lines: Rc<Vec<ConsoleLine>>,
    pub history: Rc<Vec<String>>,
    pub busy: bool,
    /// `controlplane:~$ `, or `> ` while a command needs more lines.
    pub prompt: AttrValue,
    pub on_submit: Callback<String>,
    /// Several lines pasted at once (the text after the last newline stays typed).
    pub on_paste: Callback<Vec<String>>,
    pub on_interrupt: Callback<String>,
    pub on_clear: Callback<()>,
    /// Tab: `(line, cursor, second Tab in a row)` → the completed line.
    pub on_complete: Callback<(String, usize, bool), kubeplay_core::shell::complete::TabResult>,
    /// A second Tab's list of candidates: `(line as typed, listing)`.
    pub on_completions: Callback<(String, Vec<String>)>,
    /// Accessible names, in the page's language.
    #[prop_or(AttrValue::Static("Console output"))]
    pub output_label: AttrValue,
    #[prop_or(AttrValue::Static("Command line: type kubectl commands and press Enter"))]
    pub input_label: AttrValue,
}

#[function_component(Console)]
pub fn console(props: &Props) -> Html {
    let prompt = use_reducer(PromptState::default);
    let input_ref = use_node_ref();
    // Whether the previous key was Tab (readline lists on the second one).
    let last_tab = use_mut_ref(|| false);
    let scroll_ref = use_node_ref();

    // Keep the newest line in view.
    {
        let scroll_ref = scroll_ref.clone();
        use_effect_with(props.lines.len(), move |_| {
            if let Some(el) = scroll_ref.cast::<web_sys::Element>() {
                el.set_scroll_top(el.scroll_height());
            }
        });
    }
    // Give the prompt focus back once a waiting command (sleep) is over.
    {
        let input_ref = input_ref.clone();
        use_effect_with(props.busy, move |busy| {
            if !busy {
                if let Some(input) = input_ref.cast::<HtmlInputElement>() {
                    let _ = input.focus();
                }
            }
        });
    }

    let oninput = {
        let prompt = prompt.clone();
        Callback::from(move |e: InputEvent| {
            let input: HtmlInputElement = e.target_unchecked_into();
            prompt.dispatch(PromptAction::Edit(input.value()));
        })
    };
    let onkeydown = {
        let prompt = prompt.clone();
        let history = props.history.clone();
        let on_submit = props.on_submit.clone();
        let on_interrupt = props.on_interrupt.clone();
        let on_clear = props.on_clear.clone();
        let input_ref = input_ref.clone();
        let busy = props.busy;
        let on_complete = props.on_complete.clone();
        let on_completions = props.on_completions.clone();
        let last_tab = last_tab.clone();
        Callback::from(move |e: KeyboardEvent| {
            let ctrl = e.ctrl_key() || e.meta_key();
            let key = e.key();
            let second_tab = std::mem::replace(&mut *last_tab.borrow_mut(), key == "Tab");
            // Tab completes what is typed; on an empty prompt it moves the focus on,
            // so keyboard users can leave the console.
            if key == "Tab" && !ctrl && !e.shift_key() && !prompt.text.is_empty() {
                e.prevent_default();
                if busy || prompt.search.is_some() {
                    return;
                }
                let input = input_ref.cast::<HtmlInputElement>();
                let cursor = input.as_ref().and_then(|i| i.selection_start().ok().flatten()).unwrap_or(0) as usize;
                let done = on_complete.emit((prompt.text.clone(), cursor, second_tab));
                if done.line != prompt.text {
                    if let Some(i) = &input {
                        i.set_value(&done.line);
                        let _ = i.set_selection_range(done.cursor as u32, done.cursor as u32);
                    }
                    prompt.dispatch(PromptAction::Edit(done.line));
                } else if !done.listing.is_empty() {
                    on_completions.emit((prompt.text.clone(), done.listing));
                }
                return;
            }
            if prompt.search.is_some() {
                match (key.as_str(), ctrl) {
                    ("r", true) => {
                        e.prevent_default();
                        prompt.dispatch(PromptAction::SearchOlder(history.clone()));
                        return;
                    }
                    ("g", true) => {
                        e.prevent_default();
                        prompt.dispatch(PromptAction::SearchCancel);
                        return;
                    }
                    ("Backspace", false) => {
                        e.prevent_default();
                        prompt.dispatch(PromptAction::SearchType(None, history.clone()));
                        return;
                    }
                    (k, false) if k.chars().count() == 1 => {
                        e.prevent_default();
                        prompt.dispatch(PromptAction::SearchType(k.chars().next(), history.clone()));
                        return;
                    }
                    ("Escape" | "ArrowLeft" | "ArrowRight" | "Home" | "End", _) => {
                        prompt.dispatch(PromptAction::SearchAccept);
                        return;
                    }
                    ("Enter", _) | ("c", true) => prompt.dispatch(PromptAction::SearchAccept),
                    _ => {}
                }
            }
            let input = input_ref.cast::<HtmlInputElement>();
            let cursor = input.as_ref().and_then(|i| i.selection_start().ok().flatten()).unwrap_or(0) as usize;
            // readline's kill commands: cut the text around the cursor.
            let edit = |before: &str, after: &str, at: usize| {
                let text = format!("{before}{after}");
                if let Some(i) = &input {
                    i.set_value(&text);
                    let _ = i.set_selection_range(at as u32, at as u32);
                }
                prompt.dispatch(PromptAction::Edit(text));
            };
            let chars: Vec<char> = prompt.text.chars().collect();
            let cursor = cursor.min(chars.len());
            let (before, after): (String, String) = (chars[..cursor].iter().collect(), chars[cursor..].iter().collect());
            match (key.as_str(), ctrl) {
                // While a command waits (sleep), only Ctrl+C gets through, as in bash.
                ("Enter", _) if busy => e.prevent_default(),
                ("Enter", _) => {
                    e.prevent_default();
                    on_submit.emit(prompt.text.clone());
                    prompt.dispatch(PromptAction::Reset);
                }
                ("ArrowUp", _) => {
                    e.prevent_default();
                    prompt.dispatch(PromptAction::Older(history.clone()));
                }
                ("ArrowDown", _) => {
                    e.prevent_default();
                    prompt.dispatch(PromptAction::Newer(history.clone()));
                }
                ("c", true) => {
                    // Copying a selection stays possible; otherwise Ctrl+C interrupts.
                    let selected = input.as_ref().is_some_and(|i| i.selection_start().ok().flatten() != i.selection_end().ok().flatten());
                    if !selected {
                        e.prevent_default();
                        on_interrupt.emit(prompt.text.clone());
                        prompt.dispatch(PromptAction::Reset);
                    }
                }
                ("l", true) => {
                    e.prevent_default();
                    on_clear.emit(());
                }
                ("r", true) => {
                    e.prevent_default();
                    prompt.dispatch(PromptAction::SearchOlder(history.clone()));
                }
                ("a", true) => {
                    e.prevent_default();
                    edit("", &prompt.text, 0);
                }
                ("e", true) => {
                    e.prevent_default();
                    edit(&prompt.text, "", chars.len());
                }
                ("u", true) => {
                    e.prevent_default();
                    edit("", &after, 0);
                }
                ("k", true) => {
                    e.prevent_default();
                    edit(&before, "", cursor);
                }
                ("w", true) => {
                    e.prevent_default();
                    // unix-word-rubout: the blanks before the cursor, then the word.
                    let kept = before.trim_end_matches([' ', '\t']);
                    let kept = kept.trim_end_matches(|c: char| c != ' ' && c != '\t');
                    edit(kept, &after, kept.chars().count());
                }
                _ => {}
            }
        })
    };
    let onpaste = {
        let prompt = prompt.clone();
        let on_paste = props.on_paste.clone();
        let input_ref = input_ref.clone();
        Callback::from(move |e: Event| {
            let Ok(e) = e.dyn_into::<web_sys::ClipboardEvent>() else { return };
            let Some(text) = e.clipboard_data().and_then(|d| d.get_data("text").ok()) else { return };
            if !text.contains('\n') {
                return;
            }
            e.prevent_default();
            let text = text.replace("\r\n", "\n");
            let mut lines: Vec<String> = format!("{}{text}", prompt.text).split('\n').map(str::to_string).collect();
            let rest = lines.pop().unwrap_or_default();
            if let Some(i) = input_ref.cast::<HtmlInputElement>() {
                i.set_value(&rest);
            }
            prompt.dispatch(PromptAction::Edit(rest));
            on_paste.emit(lines);
        })
    };
    let focus_input = {
        let input_ref = input_ref.clone();
        Callback::from(move |_: MouseEvent| {
            // Clicking the console focuses the prompt, unless the user is selecting text.
            let selecting = web_sys::window()
                .and_then(|w| w.get_selection().ok().flatten())
                .is_some_and(|s| !s.is_collapsed());
            if !selecting {
                if let Some(input) = input_ref.cast::<HtmlInputElement>() {
                    let _ = input.focus();
                }
            }
        })
    };

    html! {
        <div class="console" onclick={focus_input}>
            <div id="console-output" ref={scroll_ref} role="log" aria-live="polite" aria-label={props.output_label.clone()}>
                { for props.lines.iter().map(|l| {
                    let class = match l.kind {
                        LineKind::Prompt => "line prompt",
                        LineKind::Stdout => "line",
                        LineKind::Stderr => "line stderr",
                    };
                    html! { <div class={class}>{ l.text.clone() }</div> }
                }) }
                <div class="prompt-line">
                    <label for="console-input" class="ps1">{
                        match &prompt.search {
                            Some(search) => search.label(),
                            None if props.busy => String::new(),
                            None => props.prompt.trim_end().to_string(),
                        }
                    }</label>
                    <input id="console-input" ref={input_ref} type="text" value={prompt.text.clone()}
                        {oninput} {onkeydown} {onpaste}
                        aria-busy={props.busy.to_string()}
                        data-ready="true"
                        autocomplete="off" autocapitalize="off" spellcheck="false"
                        aria-label={props.input_label.clone()} />
                </div>
            </div>
        </div>
    }
}
