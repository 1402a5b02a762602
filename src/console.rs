//! The console: scrollback and a bash-like prompt. Line editing keys follow bash
//! (Enter, Up/Down through history, Ctrl+C, Ctrl+L); text is always rendered as text.

use std::rc::Rc;

use kubeplay_core::shell::PROMPT;
use web_sys::HtmlInputElement;
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
}

pub enum PromptAction {
    Edit(String),
    Older(Rc<Vec<String>>),
    Newer(Rc<Vec<String>>),
    Reset,
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
        }
        Rc::new(s)
    }
}

#[derive(Properties, PartialEq)]
pub struct Props {
    pub lines: Rc<Vec<ConsoleLine>>,
    pub history: Rc<Vec<String>>,
    pub busy: bool,
    pub on_submit: Callback<String>,
    pub on_interrupt: Callback<String>,
    pub on_clear: Callback<()>,
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
        let busy = props.busy;
        Callback::from(move |e: KeyboardEvent| {
            let ctrl = e.ctrl_key() || e.meta_key();
            match (e.key().as_str(), ctrl) {
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
                    e.prevent_default();
                    on_interrupt.emit(prompt.text.clone());
                    prompt.dispatch(PromptAction::Reset);
                }
                ("l", true) => {
                    e.prevent_default();
                    on_clear.emit(());
                }
                _ => {}
            }
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
                    <label for="console-input" class="ps1">{ if props.busy { "" } else { PROMPT.trim_end() } }</label>
                    <input id="console-input" ref={input_ref} type="text" value={prompt.text.clone()}
                        {oninput} {onkeydown}
                        aria-busy={props.busy.to_string()}
                        data-ready="true"
                        autocomplete="off" autocapitalize="off" spellcheck="false"
                        aria-label={props.input_label.clone()} />
                </div>
            </div>
        </div>
    }
}
