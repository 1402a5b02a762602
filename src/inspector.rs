//! The inspector: `describe`, YAML and events of the object the learner clicked,
//! with buttons that run the equivalent kubectl command in the console (so the
//! learner sees the command form). The texts come from the core's kubectl.

use std::rc::Rc;

use kubeplay_core::view::{Inspection, ObjectRef};
use web_sys::HtmlElement;
use yew::prelude::*;

use crate::clock::utc_clock;
use crate::i18n::Lang;
use crate::playground::InspectorVerb;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Tab {
    Describe,
    Yaml,
    Events,
}

#[derive(Properties, PartialEq)]
pub struct Props {
    pub inspection: Rc<Inspection>,
    pub lang: Lang,
    /// A command is still running (sleep): buttons wait.
    pub busy: bool,
    pub on_close: Callback<()>,
    pub on_command: Callback<(InspectorVerb, ObjectRef)>,
}

#[function_component(Inspector)]
pub fn inspector(props: &Props) -> Html {
    let t = props.lang.texts();
    let i = &props.inspection;
    let tab = use_state(|| None::<Tab>);
    let close_ref = use_node_ref();
    // A new subject takes the focus, so keyboard users land in the panel.
    {
        let close_ref = close_ref.clone();
        use_effect_with(i.target.clone(), move |_| {
            if let Some(el) = close_ref.cast::<HtmlElement>() {
                let _ = el.focus();
            }
        });
    }
    let current = tab.unwrap_or(if i.describe.is_some() { Tab::Describe } else { Tab::Yaml });
    let tab_button = |which: Tab, label: &'static str, id: &'static str| {
        let tab = tab.clone();
        let selected = current == which;
        html! {
            <button type="button" role="tab" id={id} class={classes!("tab", selected.then_some("active"))}
                aria-selected={selected.to_string()} aria-controls="inspector-body"
                onclick={Callback::from(move |_| tab.set(Some(which)))}>{label}</button>
        }
    };
    let onkeydown = {
        let on_close = props.on_close.clone();
        Callback::from(move |e: KeyboardEvent| {
            if e.key() == "Escape" {
                e.prevent_default();
                on_close.emit(());
            }
        })
    };
    let command = |verb: InspectorVerb, label: &str| {
        let on_command = props.on_command.clone();
        let target = i.target.clone();
        html! {
            <button type="button" class="action" disabled={props.busy || !i.exists} data-action={format!("{verb:?}")}
                onclick={Callback::from(move |_| on_command.emit((verb, target.clone())))}>{label.to_string()}</button>
        }
    };
    let actions = match i.target.kind.as_str() {
        "Pod" => html! {
            <>
                {command(InspectorVerb::DeletePod, t.action_delete_pod)}
                {command(InspectorVerb::KillContainer, t.traffic.action_kill_container)}
                {command(InspectorVerb::ImageUnpullable, t.traffic.action_image_unpullable)}
            </>
        },
        "Node" => html! {
            <>
                {command(InspectorVerb::Cordon, t.action_cordon)}
                {command(InspectorVerb::Uncordon, t.action_uncordon)}
                {command(InspectorVerb::StopNode, t.action_stop_node)}
                {command(InspectorVerb::StartNode, t.action_start_node)}
                {command(InspectorVerb::RemoveNode, t.traffic.action_remove_node)}
            </>
        },
        "Service" => html! {
            <>
                {command(InspectorVerb::AddLoad, &crate::i18n::fill(t.traffic.add_load, &[("n", &crate::playground::LOAD_RPS.to_string())]))}
                {command(InspectorVerb::StopLoad, t.traffic.stop_load)}
            </>
        },
        _ => html! {},
    };
    let has_actions = matches!(i.target.kind.as_str(), "Pod" | "Node" | "Service");
    let body = match current {
        Tab::Describe => match &i.describe {
            Some(text) => html! { <pre class="inspector-text" data-tab="describe">{text.clone()}</pre> },
            None => html! { <p class="muted" data-tab="describe">{t.describe_not_yet}</p> },
        },
        Tab::Yaml => html! { <pre class="inspector-text" data-tab="yaml">{i.yaml.clone()}</pre> },
        Tab::Events => {
            if i.events.is_empty() {
                html! { <p class="muted" data-tab="events">{t.no_events}</p> }
            } else {
                html! {
                    <ol class="events inspector-events" data-tab="events">
                        { for i.events.iter().map(|e| html! {
                            <li class={classes!("event", (e.type_ == "Warning").then_some("warning"))} data-reason={e.reason.clone()}>
                                <time class="event-time">{utc_clock(e.at)}</time>
                                <span class="event-reason">{e.reason.clone()}</span>
                                if e.count > 1 { <span class="event-count">{format!("×{}", e.count)}</span> }
                                <span class="event-source">{e.source.clone()}</span>
                                <span class="event-message">{e.message.clone()}</span>
                            </li>
                        }) }
                    </ol>
                }
            }
        }
    };
    html! {
        <aside id="inspector" aria-labelledby="inspector-title" {onkeydown} data-kind={i.target.kind.clone()} data-name={i.target.name.clone()}>
            <div class="inspector-head">
                <h2 id="inspector-title">
                    <span class="kind">{i.target.kind.clone()}</span>
                    <span class="object-name">{i.target.name.clone()}</span>
                    if !i.target.namespace.is_empty() { <span class="detail">{i.target.namespace.clone()}</span> }
                </h2>
                <button type="button" class="icon-button" ref={close_ref} aria-label={t.close}
                    onclick={let c = props.on_close.clone(); Callback::from(move |_| c.emit(()))}>{"✕"}</button>
            </div>
            if !i.exists { <p class="gone">{t.object_gone}</p> }
            if has_actions {
                <div class="inspector-actions" role="group" aria-label={t.actions}>
                    {actions}
                    <span class="muted small">{t.actions_hint}</span>
                </div>
            }
            <div class="tabs" role="tablist" aria-label={t.inspector}>
                {tab_button(Tab::Describe, t.tab_describe, "inspector-tab-describe")}
                {tab_button(Tab::Yaml, t.tab_yaml, "inspector-tab-yaml")}
                {tab_button(Tab::Events, t.tab_events, "inspector-tab-events")}
            </div>
            <div id="inspector-body" role="tabpanel" tabindex="0">{body}</div>
        </aside>
    }
}
