//! Time controls: pause/resume, step, speed, and the simulated clock (UTC time of
//! day and time elapsed since the page opened). They only dispatch; the reducer owns
//! the mapping from host time to simulated time.

use kubeplay_core::time::SimTime;
use yew::prelude::*;

use crate::clock::{elapsed, utc_clock, PageClock, SPEEDS};
use crate::i18n::{fill, Lang};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TimeCommand {
    Pause,
    Resume,
    Step,
    Speed(u32),
}

/// Icons drawn inline (a font may lack ⏸ and ⏭, and icons must not need one).
fn icon(path: &'static str) -> Html {
    html! {
        <svg class="icon" viewBox="0 0 16 16" width="14" height="14" aria-hidden="true" focusable="false">
            <path d={path} />
        </svg>
    }
}

const PLAY: &str = "M4 2.5v11l9.5-5.5z";
const PAUSE: &str = "M3 2h3.5v12H3zM9.5 2H13v12H9.5z";
const STEP: &str = "M2.5 2.5v11l8-5.5zM11.5 2.5H14v11h-2.5z";

#[derive(Properties, PartialEq)]
pub struct Props {
    pub clock: PageClock,
    pub now: SimTime,
    pub started: SimTime,
    pub lang: Lang,
    pub on_command: Callback<TimeCommand>,
}

#[function_component(TimeControls)]
pub fn time_controls(props: &Props) -> Html {
    let t = props.lang.texts();
    let send = |c: TimeCommand| {
        let cb = props.on_command.clone();
        Callback::from(move |_: MouseEvent| cb.emit(c))
    };
    let paused = props.clock.paused;
    html! {
        <div class="time-controls" role="group" aria-label={t.time_controls} data-paused={paused.to_string()} data-speed={props.clock.speed.to_string()}>
            if paused {
                <button type="button" id="time-pause" class="icon-button" aria-label={t.resume} title={t.resume} aria-pressed="true"
                    onclick={send(TimeCommand::Resume)}>{icon(PLAY)}</button>
            } else {
                <button type="button" id="time-pause" class="icon-button" aria-label={t.pause} title={t.pause} aria-pressed="false"
                    onclick={send(TimeCommand::Pause)}>{icon(PAUSE)}</button>
            }
            <button type="button" id="time-step" class="text-button" aria-label={t.step_hint} title={t.step_hint}
                onclick={send(TimeCommand::Step)}>{icon(STEP)}<span>{t.step}</span></button>
            <div class="speeds" role="group" aria-label={t.speed}>
                { for SPEEDS.iter().map(|&s| {
                    let active = props.clock.speed == s;
                    html! {
                        <button type="button" class={classes!("speed", active.then_some("active"))} data-speed={s.to_string()}
                            aria-pressed={active.to_string()} aria-label={format!("{} {}", t.speed, fill(t.speed_n, &[("n", &s.to_string())]))}
                            onclick={send(TimeCommand::Speed(s))}>{fill(t.speed_n, &[("n", &s.to_string())])}</button>
                    }
                }) }
            </div>
            <span class="sim-time">
                <output id="sim-clock" aria-label={t.simulated_time} title={t.simulated_time}>{format!("{} UTC", utc_clock(props.now))}</output>
                <span id="sim-elapsed" aria-label={t.elapsed} title={t.elapsed}>{elapsed(props.now.millis_since(props.started))}</span>
                if paused { <span class="paused-badge">{t.paused_badge}</span> }
            </span>
        </div>
    }
}
