//! The event stream: the cluster's events in time order (newest at the bottom, as a
//! log reads), filterable by object name; each row's object opens the inspector.

use std::rc::Rc;

use kubeplay_core::view::{EventView, ObjectRef};
use web_sys::HtmlInputElement;
use yew::prelude::*;

use crate::clock::utc_clock;
use crate::i18n::{fill, Lang};

/// Rows drawn at most; older matches stay in the store and in `kubectl get events`.
const MAX_ROWS: usize = 200;

#[derive(Properties, PartialEq)]
pub struct Props {
    pub events: Rc<Vec<EventView>>,
    pub lang: Lang,
    pub on_inspect: Callback<ObjectRef>,
}

/// Whether an event is about an object whose name (or `kind/name`) contains `filter`.
pub fn matches(e: &EventView, filter: &str) -> bool {
    let f = filter.trim().to_lowercase();
    f.is_empty() || e.object.name.to_lowercase().contains(&f) || e.object.display_name().to_lowercase().contains(&f)
}

#[function_component(EventStream)]
pub fn event_stream(props: &Props) -> Html {
    let t = props.lang.texts();
    let filter = use_state(String::new);
    let list_ref = use_node_ref();
    // Follow new events while the reader is at the bottom; stay put once they scroll up.
    let stick = use_mut_ref(|| true);
    let shown: Vec<&EventView> = {
        let all: Vec<&EventView> = props.events.iter().filter(|e| matches(e, &filter)).collect();
        let skip = all.len().saturating_sub(MAX_ROWS);
        all[skip..].to_vec()
    };
    let total_matching = props.events.iter().filter(|e| matches(e, &filter)).count();
    {
        let list_ref = list_ref.clone();
        let stick = stick.clone();
        use_effect_with((props.events.len(), (*filter).clone()), move |_| {
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
        let filter = filter.clone();
        Callback::from(move |e: InputEvent| {
            let input: HtmlInputElement = e.target_unchecked_into();
            filter.set(input.value());
        })
    };
    html! {
        <div class="event-stream">
            <div class="panel-head">
                <h2 class="panel-title" id="events-title">{t.events}</h2>
                if total_matching > MAX_ROWS {
                    <span class="muted small">{fill(t.events_showing, &[("n", &MAX_ROWS.to_string()), ("total", &total_matching.to_string())])}</span>
                }
                <input id="events-filter" type="search" value={(*filter).clone()} {oninput}
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

#[cfg(test)]
mod tests {
    use super::*;
    use kubeplay_core::time::SimTime;

    #[test]
    fn filter_matches_name_or_kind_slash_name() {
        let e = EventView {
            at: SimTime(0),
            type_: "Normal".into(),
            reason: "Scheduled".into(),
            message: String::new(),
            count: 1,
            object: ObjectRef::pod("default", "whoami"),
            source: "default-scheduler".into(),
            name: "whoami.1".into(),
        };
        assert!(matches(&e, ""));
        assert!(matches(&e, "WHO"));
        assert!(matches(&e, "pod/who"));
        assert!(!matches(&e, "nginx"));
    }
}
