//! The event stream: the cluster's events in time order (newest at the bottom, as a
//! log reads), filterable by object name; each row's object opens the inspector.

use std::rc::Rc;

use kubeplay_core::view::{EventTail, ObjectRef};
use web_sys::HtmlInputElement;
use yew::prelude::*;

use crate::clock::utc_clock;
use crate::i18n::{fill, Lang};

#[derive(Properties, PartialEq)]
pub struct Props {
    /// The newest events the filter matches (the reducer derives them).
    pub events: Rc<EventTail>,
    pub filter: AttrValue,
    pub on_filter: Callback<String>,
    pub lang: Lang,
    pub on_inspect: Callback<ObjectRef>,
}

#[function_component(EventStream)]
pub fn event_stream(props: &Props) -> Html {
    let t = props.lang.texts();
    let list_ref = use_node_ref();
    // Follow new events while the reader is at the bottom; stay put once they scroll up.
    let stick = use_mut_ref(|| true);
    let shown = &props.events.events;
    let total_matching = props.events.matching;
    {
        let list_ref = list_ref.clone();
        let stick = stick.clone();
        use_effect_with(props.events.clone(), move |_| {
            if *stick.borrow() {
                if let Some(el) = list_ref.cast::<web_sys::Element>() {
                    el.set_scroll_top(el.scroll_height());
                }
            }
        });
    }
    let onscroll = {
        let stick = stick.clone();
        let list_ref = list_ref.clone();
        Callback::from(move |_: Event| {
            if let Some(el) = list_ref.cast::<web_sys::Element>() {
                *stick.borrow_mut() = el.scroll_height() - el.scroll_top() - el.client_height() < 24;
            }
        })
    };
    let oninput = {
        let on_filter = props.on_filter.clone();
        Callback::from(move |e: InputEvent| {
            let input: HtmlInputElement = e.target_unchecked_into();
            on_filter.emit(input.value());
        })
    };
    html! {
        <div class="event-stream">
            <div class="panel-head">
                <h2 class="panel-title" id="events-title">{t.events}</h2>
                if total_matching > shown.len() {
                    <span class="muted small">{fill(t.events_showing, &[("n", &shown.len().to_string()), ("total", &total_matching.to_string())])}</span>
                }
                <input id="events-filter" type="search" value={props.filter.clone()} {oninput}
                    placeholder={t.events_filter_placeholder} aria-label={t.events_filter}
                    autocomplete="off" spellcheck="false" />
            </div>
            <ol class="events" ref={list_ref} {onscroll} aria-labelledby="events-title" tabindex="0">
                if shown.is_empty() { <li class="muted empty">{t.events_none}</li> }
                { for shown.iter().map(|e| {
                    let warning = e.type_ == "Warning";
                    let (onclick, _) = crate::physical::activate(e.object.clone(), &props.on_inspect);
                    html! {
                        <li class={classes!("event", warning.then_some("warning"))} data-reason={e.reason.clone()} data-object={e.object.display_name()}>
                            <time class="event-time">{utc_clock(e.at)}</time>
                            <span class="event-reason">{e.reason.clone()}</span>
                            <button type="button" class="event-object" {onclick}
                                aria-label={fill(t.open_in_inspector, &[("object", &e.object.display_name())])}>
                                {e.object.display_name()}
                            </button>
                            if e.count > 1 { <span class="event-count">{format!("×{}", e.count)}</span> }
                            <span class="event-message">{e.message.clone()}</span>
                        </li>
                    }
                }) }
            </ol>
        </div>
    }
}
