//! The page: a top bar (time controls, language, theme), the console with the event
//! stream below it, the cluster views (physical, logical, traffic) beside them, and
//! the inspector when something is open; stacked on narrow screens. Also the clock
//! that lets simulated time run with real time.

use gloo::events::EventListener;
use gloo::timers::callback::{Interval, Timeout};
use kubeplay_core::view::ObjectRef;
use wasm_bindgen::JsCast;
use web_sys::HtmlSelectElement;
use yew::prelude::*;

use crate::console::Console;
use crate::editor_panel::EditorPanel;
use crate::event_stream::EventStream;
use crate::i18n::{Lang, Texts};
use crate::inspector::Inspector;
use crate::logical::LogicalViewPanel;
use crate::physical::PhysicalViewSvg;
use crate::playground::{Action, InspectorVerb, Playground, ViewTab};
use crate::port_preview::PortPreview;
use crate::prefs::{self, Theme};
use crate::time_controls::{TimeCommand, TimeControls};
use crate::traffic::TrafficPanel;

/// The view tabs in order, with their element ids.
const VIEW_TABS: [(ViewTab, &str); 3] =
    [(ViewTab::Physical, "tab-physical"), (ViewTab::Logical, "tab-logical"), (ViewTab::Traffic, "tab-traffic")];

/// How often the simulated clock catches up with real time.
const TICK_MS: u32 = 200;

fn real_now() -> f64 {
    web_sys::window().and_then(|w| w.performance()).map(|p| p.now()).unwrap_or(0.0)
}

/// `?seed=N` fixes the cluster's randomness (tests, shared sessions); anything else,
/// or no parameter, gets a fresh seed.
fn seed_from_url() -> u64 {
    let search = web_sys::window().and_then(|w| w.location().search().ok()).unwrap_or_default();
    search
        .trim_start_matches('?')
        .split('&')
        .filter_map(|kv| kv.split_once('='))
        .find(|(k, _)| *k == "seed")
        .and_then(|(_, v)| v.parse().ok())
        .unwrap_or_else(|| (js_sys::Math::random() * 1e15) as u64)
}

/// Gives the focus back to an element (HTML or SVG) that had it.
fn refocus(el: &web_sys::Element) {
    if let Ok(f) = js_sys::Reflect::get(el, &"focus".into()) {
        if let Some(f) = f.dyn_ref::<js_sys::Function>() {
            let _ = f.call0(el);
        }
    }
}

fn legend(t: &Texts) -> Html {
    html! {
        <ul class="legend" aria-label={t.legend}>
            <li class="ready">{t.legend_ready}</li>
            <li class="not-ready">{t.legend_not_ready}</li>
            <li class="starting">{t.legend_starting}</li>
            <li class="failing">{t.legend_failing}</li>
            <li class="terminating">{t.legend_terminating}</li>
            <li class="completed">{t.legend_completed}</li>
        </ul>
    }
}

#[function_component(App)]
pub fn app() -> Html {
    let state = use_reducer(|| {
        Playground::new(seed_from_url(), js_sys::Date::now() as i64, real_now())
            .with_history(crate::history_store::load())
            .with_host_clock(std::rc::Rc::new(real_now))
    });
    // Shell history survives a reload.
    use_effect_with(state.history.clone(), |history| crate::history_store::save(history));
    let lang = use_state(prefs::load_lang);
    let theme = use_state(prefs::load_theme);
    let panel_ref = use_node_ref();
    let width = use_state(|| 640.0);
    // What had the focus when the inspector opened, to return to on close.
    let opener = use_mut_ref(|| None::<web_sys::Element>);
    let t: &'static Texts = lang.texts();

    {
        let lang = *lang;
        use_effect_with(lang, move |l| prefs::apply_lang(*l, false));
        let _ = lang;
    }
    {
        use_effect_with(*theme, move |th| prefs::apply_theme(*th, false));
    }
    // The clock.
    {
        let dispatch = state.dispatcher();
        use_effect_with((), move |_| {
            let interval = Interval::new(TICK_MS, move || dispatch.dispatch(Action::Tick { real_ms: real_now() }));
            move || drop(interval)
        });
    }
    // kubectl's documentation arrives when a command first needs it.
    use_effect(crate::docs_fetch::start_if_wanted);
    // While the model catches up, one slice of its work per animation frame: the
    // browser draws and takes input in between. The slice runs in a task of its own
    // posted from the frame's callback, so it starts once the frame is painted
    // instead of holding the paint back by its length.
    {
        let dispatch = state.dispatcher();
        use_effect_with((state.catching_up, state.slices), move |(catching_up, _)| {
            let frame = catching_up.then(|| {
                gloo::render::request_animation_frame(move |_| {
                    Timeout::new(0, move || dispatch.dispatch(Action::Slice { real_ms: real_now() })).forget();
                })
            });
            move || drop(frame)
        });
    }
    // Draw the cluster at the panel's real width: again when the window resizes and
    // when the inspector opens or closes (the columns change).
    let inspector_open = state.inspection.is_some();
    {
        let panel_ref = panel_ref.clone();
        let width = width.clone();
        use_effect_with((inspector_open, state.tab), move |_| {
            let measure = move || {
                if let Some(el) = panel_ref.cast::<web_sys::Element>() {
                    let w = el.client_width() as f64;
                    if w > 0.0 {
                        width.set(w - 2.0);
                    }
                }
            };
            measure();
            let window = web_sys::window();
            let listener = window.map(|w| EventListener::new(&w, "resize", move |_| measure()));
            move || drop(listener)
        });
    }

    // Callbacks are made once (use_callback), so the views' props stay equal and
    // they skip re-rendering on the clock's ticks.
    let on_submit = {
        let d = state.dispatcher();
        use_callback((), move |line: String, _| d.dispatch(Action::Submit(line)))
    };
    let on_paste = {
        let d = state.dispatcher();
        Callback::from(move |lines: Vec<String>| d.dispatch(Action::Paste(lines)))
    };
    let on_interrupt = {
        let d = state.dispatcher();
        use_callback((), move |line: String, _| d.dispatch(Action::Interrupt(line)))
    };
    let on_clear = {
        let d = state.dispatcher();
        use_callback((), move |_: (), _| d.dispatch(Action::ClearScreen))
    };
    let on_editor_close = {
        let d = state.dispatcher();
        use_callback((), move |saved: Option<String>, _| d.dispatch(Action::CloseEditor(saved)))
    };
    // Tab: the shell completes against the live session (the shell is shared by
    // every state, so an older handle completes the same way).
    let on_complete = {
        let st = state.clone();
        use_callback((), move |(line, cursor, listing): (String, usize, bool), _| st.complete(&line, cursor, listing))
    };
    let on_completions = {
        let d = state.dispatcher();
        use_callback((), move |(typed, listing): (String, Vec<String>), _| d.dispatch(Action::ShowCompletions { typed, listing }))
    };
    let on_time = {
        let d = state.dispatcher();
        use_callback((), move |c: TimeCommand, _| {
            let real_ms = real_now();
            d.dispatch(match c {
                TimeCommand::Pause => Action::Pause { real_ms },
                TimeCommand::Resume => Action::Resume { real_ms },
                TimeCommand::Step => Action::Step { real_ms },
                TimeCommand::Speed(speed) => Action::SetSpeed { speed, real_ms },
            })
        })
    };
    let on_inspect = {
        let d = state.dispatcher();
        let opener = opener.clone();
        use_callback((), move |target: ObjectRef, _| {
            let active = web_sys::window().and_then(|w| w.document()).and_then(|d| d.active_element());
            if active.as_ref().is_some_and(|a| a.closest("#inspector").ok().flatten().is_none()) {
                *opener.borrow_mut() = active;
            }
            d.dispatch(Action::Inspect(target))
        })
    };
    let on_close = {
        let d = state.dispatcher();
        let opener = opener.clone();
        use_callback((), move |_: (), _| {
            d.dispatch(Action::CloseInspector);
            if let Some(el) = opener.borrow_mut().take() {
                refocus(&el);
            }
        })
    };
    let on_command = {
        let d = state.dispatcher();
        use_callback((), move |(verb, target): (InspectorVerb, ObjectRef), _| d.dispatch(Action::Command(verb, target)))
    };
    let on_run = {
        let d = state.dispatcher();
        use_callback((), move |command: String, _| d.dispatch(Action::Run(command)))
    };
    let on_preview = {
        let d = state.dispatcher();
        use_callback((), move |port: u16, _| d.dispatch(Action::Preview(port)))
    };
    let on_preview_close = {
        let d = state.dispatcher();
        use_callback((), move |_: (), _| d.dispatch(Action::ClosePreview))
    };
    let on_filter = {
        let d = state.dispatcher();
        use_callback((), move |filter: String, _| d.dispatch(Action::FilterEvents(filter)))
    };
    let on_focus = {
        let d = state.dispatcher();
        use_callback((), move |focus, _| d.dispatch(Action::FocusTraffic(focus)))
    };
    let on_lang = {
        let lang = lang.clone();
        Callback::from(move |e: Event| {
            let select: HtmlSelectElement = e.target_unchecked_into();
            let l = if select.value() == "ko" { Lang::Ko } else { Lang::En };
            prefs::apply_lang(l, true);
            lang.set(l);
        })
    };
    let on_theme = {
        let theme = theme.clone();
        Callback::from(move |e: Event| {
            let select: HtmlSelectElement = e.target_unchecked_into();
            let th = Theme::parse(&select.value()).unwrap_or(Theme::System);
            prefs::apply_theme(th, true);
            theme.set(th);
        })
    };
    let tab_button = |tab: ViewTab, label: &'static str| {
        let d = state.dispatcher();
        let selected = state.tab == tab;
        let onclick = Callback::from(move |_| d.dispatch(Action::ShowView(tab)));
        let id = VIEW_TABS.iter().find(|(t, _)| *t == tab).map(|(_, id)| *id).unwrap_or("");
        html! {
            <button type="button" role="tab" id={id} class={classes!("tab", selected.then_some("active"))}
                aria-selected={selected.to_string()} aria-controls="view-body" {onclick}>{label}</button>
        }
    };
    let selected = state.inspection.as_ref().map(|i| i.target.clone());
    let view_body = match state.tab {
        ViewTab::Physical => html! {
            <>
                <h2 class="panel-title">{t.physical_title}</h2>
                <PhysicalViewSvg view={state.physical.clone()} width={*width} lang={*lang}
                    selected={selected.clone()} on_inspect={on_inspect.clone()} flow={state.flow.clone()} />
                { legend(t) }
            </>
        },
        ViewTab::Logical => html! {
            <>
                <h2 class="panel-title">{t.logical_title}</h2>
                <LogicalViewPanel view={state.logical.clone()} lang={*lang} selected={selected.clone()} on_inspect={on_inspect.clone()} />
                { legend(t) }
            </>
        },
        ViewTab::Traffic => html! {
            <TrafficPanel view={state.traffic.clone()} width={*width} lang={*lang} busy={state.busy()}
                namespace={AttrValue::from(state.current_namespace())} {on_run} {on_focus} on_inspect={on_inspect.clone()} />
        },
    };

    html! {
        <>
            <header class="topbar">
                <span class="brand"><span class="logo">{"kubeplay"}</span><span class="tagline">{t.tagline}</span></span>
                <TimeControls clock={state.clock} now={state.now} started={state.started} lang={*lang} on_command={on_time} />
                <span class="prefs">
                    <select id="lang-select" aria-label={t.language} title={t.language} onchange={on_lang}>
                        <option value="en" selected={*lang == Lang::En}>{"English"}</option>
                        <option value="ko" selected={*lang == Lang::Ko}>{"한국어"}</option>
                    </select>
                    <select id="theme-select" aria-label={t.theme} title={t.theme} onchange={on_theme}>
                        <option value="system" selected={*theme == Theme::System}>{format!("◐ {}", t.theme_system)}</option>
                        <option value="light" selected={*theme == Theme::Light}>{format!("☀ {}", t.theme_light)}</option>
                        <option value="dark" selected={*theme == Theme::Dark}>{format!("☾ {}", t.theme_dark)}</option>
                    </select>
                </span>
            </header>
            <main id="playground" class={classes!(inspector_open.then_some("inspecting"))} data-catching-up={state.catching_up.to_string()}>
                <section id="console-panel" aria-label={t.console}>
                    // An editor takes the terminal over, as vi and nano do; the
                    // console stays (hidden) with its scrollback and typed line.
                    if let Some((seq, request)) = state.editor.clone() {
                        <EditorPanel key={seq} {request} lang={*lang} on_close={on_editor_close} />
                    }
                    <div class="console-host" hidden={state.editor.is_some()}>
                        <Console lines={state.lines.clone()} history={state.history.clone()} busy={state.busy()}
                            prompt={AttrValue::from(state.prompt.clone())} {on_submit} {on_paste} {on_interrupt} {on_clear} {on_complete} {on_completions}
                            output_label={t.console_output} input_label={t.command_line} />
                        <PortPreview ports={state.forwarded_ports()} preview={state.preview.clone()} lang={*lang}
                            on_open={on_preview} on_close={on_preview_close} />
                    </div>
                </section>
                <section id="cluster-panel" aria-label={t.cluster_views} ref={panel_ref} data-view={format!("{:?}", state.tab).to_lowercase()}>
                    <div class="tabs view-tabs" role="tablist" aria-label={t.cluster_views}>
                        {tab_button(ViewTab::Physical, t.view_physical)}
                        {tab_button(ViewTab::Logical, t.view_logical)}
                        {tab_button(ViewTab::Traffic, t.view_traffic)}
                    </div>
                    <div id="view-body" role="tabpanel">{view_body}</div>
                </section>
                if let Some(i) = state.inspection.clone() {
                    <section id="inspector-panel" aria-label={t.inspector}>
                        <Inspector inspection={i} lang={*lang} busy={state.busy()} {on_close} {on_command} />
                    </section>
                }
                <section id="events-panel" aria-label={t.events}>
                    <EventStream events={state.events.clone()} filter={AttrValue::from(state.events_filter.clone())} {on_filter}
                        lang={*lang} on_inspect={on_inspect.clone()} />
                </section>
            </main>
        </>
    }
}
