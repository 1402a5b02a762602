//! The page: console and cluster view side by side (stacked on narrow screens), and
//! the clock that lets simulated time run with real time.

use gloo::events::EventListener;
use gloo::timers::callback::Interval;
use yew::prelude::*;

use crate::console::Console;
use crate::physical::PhysicalViewSvg;
use crate::playground::{Action, Playground};

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

#[function_component(App)]
pub fn app() -> Html {
    let state = use_reducer(|| Playground::new(seed_from_url(), js_sys::Date::now() as i64, real_now()));
    let panel_ref = use_node_ref();
    let width = use_state(|| 640.0);

    // The clock.
    {
        let dispatch = state.dispatcher();
        use_effect_with((), move |_| {
            let interval = Interval::new(TICK_MS, move || dispatch.dispatch(Action::Tick { real_ms: real_now() }));
            move || drop(interval)
        });
    }
    // Draw the cluster at the panel's real width, and again when the window resizes.
    {
        let panel_ref = panel_ref.clone();
        let width = width.clone();
        use_effect_with((), move |_| {
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

    let on_submit = {
        let d = state.dispatcher();
        Callback::from(move |line: String| d.dispatch(Action::Submit(line)))
    };
    let on_interrupt = {
        let d = state.dispatcher();
        Callback::from(move |line: String| d.dispatch(Action::Interrupt(line)))
    };
    let on_clear = {
        let d = state.dispatcher();
        Callback::from(move |_| d.dispatch(Action::ClearScreen))
    };

    html! {
        <>
            <header class="topbar">
                <span class="logo">{"kubeplay"}</span>
                <span class="tagline">{"a Kubernetes v1.34 cluster in your browser"}</span>
            </header>
            <main id="playground">
                <section id="console-panel" aria-label="Console">
                    <Console lines={state.lines.clone()} history={state.history.clone()} busy={state.busy_until.is_some() || state.foreground.is_some()}
                        {on_submit} {on_interrupt} {on_clear} />
                </section>
                <section id="cluster-panel" aria-label="Cluster: physical view" ref={panel_ref}>
                    <h2 class="panel-title">{"Nodes and pods"}</h2>
                    <PhysicalViewSvg view={state.view.clone()} width={*width} />
                    <ul class="legend" aria-label="Pod colours">
                        <li class="ready">{"Running and ready"}</li>
                        <li class="starting">{"Starting"}</li>
                        <li class="failing">{"Failing"}</li>
                        <li class="terminating">{"Terminating"}</li>
                        <li class="completed">{"Completed"}</li>
                    </ul>
                </section>
            </main>
        </>
    }
}
