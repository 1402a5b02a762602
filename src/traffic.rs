//! The traffic view: pick a target (a Service by ClusterIP, DNS name, NodePort,
//! LoadBalancer or Ingress rule) and a client, send one request or a steady rate,
//! and watch each request travel the path the core's request model recorded, with
//! per-pod counters and failures listed with their reason. Buttons type their
//! console command (`curl`, `kubeplay traffic`, `kubeplay load`, `kubeplay node`),
//! so the learner sees the command form; this module routes nothing itself.

use std::rc::Rc;

use kubeplay_core::api::ObjectKey;
use kubeplay_core::network::request::Client;
use kubeplay_core::network::traffic::Outcome;
use kubeplay_core::view::{traffic_command, Column, ObjectRef, RequestView, Station, TargetKind, TrafficClient, TrafficTarget, TrafficView};
use web_sys::HtmlSelectElement;
use yew::prelude::*;

use crate::i18n::{fill, Lang, Texts, TrafficTexts};
use crate::layout::{short_name, Rect};
use crate::physical::activate;
use crate::playground::{command_for, InspectorVerb, LOAD_RPS};
use crate::traffic_layout::{chars_for, layout, TrafficLayout};

/// The steady rates offered (requests per simulated second).
const RATES: [u32; 2] = [1, 5];
/// The client chosen until the learner picks another: the console's node, whose
/// requests are typed as plain `curl`.
const DEFAULT_CLIENT: &str = "node/controlplane";

/// The commands the empty view suggests: a Service with three whoami pods.
const EXAMPLE_SERVICE: [&str; 2] =
    ["kubectl create deployment web --image=traefik/whoami --replicas=3", "kubectl expose deployment web --port 80"];

/// A command as text, one line of its own that wraps only between words: a line
/// broken after a flag's `--` reads as two commands.
fn command_text(command: &str) -> Html {
    let words = command.split(' ').enumerate().map(|(i, w)| {
        html! { <>{ if i > 0 { " " } else { "" } }<span class="word">{w.to_string()}</span></> }
    });
    html! { <code class="command">{ for words }</code> }
}
/// Simulated seconds a dot takes per hop (real seconds at 1×; the animation is CSS).
const HOP_S: f64 = 0.45;

#[derive(Properties, PartialEq)]
pub struct Props {
    pub view: Rc<TrafficView>,
    /// Width available, in CSS pixels.
    pub width: f64,
    pub lang: Lang,
    /// A command is still running: buttons wait.
    pub busy: bool,
    /// The current context's namespace (commands name others with `-n`).
    pub namespace: AttrValue,
    pub on_run: Callback<String>,
    pub on_focus: Callback<Option<ObjectKey>>,
    pub on_inspect: Callback<ObjectRef>,
}

/// The learner's choices in the form (ids into the view's lists).
#[derive(Clone, Debug, Default, PartialEq)]
struct Form {
    target: Option<String>,
    client: Option<String>,
    node: Option<String>,
}

enum FormAction {
    Target(String),
    Client(String),
    Node(String),
}

impl Reducible for Form {
    type Action = FormAction;

    fn reduce(self: Rc<Self>, action: FormAction) -> Rc<Self> {
        let mut next = (*self).clone();
        match action {
            FormAction::Target(id) => next.target = Some(id),
            FormAction::Client(id) => next.client = Some(id),
            FormAction::Node(id) => next.node = Some(id),
        }
        Rc::new(next)
    }
}

fn kind_text(k: TargetKind, tt: &TrafficTexts) -> &'static str {
    match k {
        TargetKind::ClusterIp => tt.kind_cluster_ip,
        TargetKind::DnsName => tt.kind_dns,
        TargetKind::NodePort => tt.kind_node_port,
        TargetKind::LoadBalancer => tt.kind_load_balancer,
        TargetKind::Ingress => tt.kind_ingress,
    }
}

fn target_text(t: &TrafficTarget, tt: &TrafficTexts) -> String {
    let host = t.host.as_ref().map(|h| format!(" (Host: {h})")).unwrap_or_default();
    format!("{} · {} · {}{host}", kind_text(t.kind, tt), t.service.name, t.url)
}

fn client_text(c: &TrafficClient, tt: &TrafficTexts) -> String {
    if c.client == Client::External { tt.outside.to_string() } else { c.label.clone() }
}

/// Why a request failed, in the learner's language.
pub fn outcome_text(o: Outcome, tt: &TrafficTexts) -> String {
    match o {
        Outcome::Answered(s) => fill(tt.http_error, &[("status", &s.to_string())]),
        Outcome::NoEndpoints => tt.no_endpoints.into(),
        Outcome::Refused => tt.refused.into(),
        Outcome::Unresolved => tt.unresolved.into(),
        Outcome::Timeout => tt.timeout.into(),
        Outcome::EmptyReply => tt.empty_reply.into(),
    }
}

fn outcome_key(o: Outcome) -> String {
    match o {
        Outcome::Answered(s) => format!("http-{s}"),
        other => format!("{other:?}"),
    }
}

fn tier_caption(c: Column, tt: &TrafficTexts) -> &'static str {
    match c {
        Column::Client => tt.tier_client,
        Column::Entry => tt.tier_entry,
        Column::Node => tt.tier_node,
        Column::Service => tt.tier_service,
        Column::Pod => tt.tier_pod,
    }
}

/// A select whose change becomes a form action.
fn select(id: &'static str, label: &'static str, options: Vec<(String, String)>, chosen: &str, form: &UseReducerHandle<Form>, make: fn(String) -> FormAction) -> Html {
    let form = form.clone();
    let onchange = Callback::from(move |e: Event| {
        let el: HtmlSelectElement = e.target_unchecked_into();
        form.dispatch(make(el.value()));
    });
    html! {
        <label class="traffic-field">
            <span class="traffic-field-label">{label}</span>
            <select {id} {onchange}>
                { for options.into_iter().map(|(value, text)| {
                    let selected = value == chosen;
                    html! { <option {value} {selected}>{text}</option> }
                }) }
            </select>
        </label>
    }
}

/// A button that types `command` into the console.
fn command_button(label: String, aria: Option<String>, command: Option<String>, data: &'static str, busy: bool, on_run: &Callback<String>) -> Html {
    let disabled = busy || command.is_none();
    let on_run = on_run.clone();
    let onclick = Callback::from(move |_| {
        if let Some(c) = &command {
            on_run.emit(c.clone());
        }
    });
    html! { <button type="button" class="action" data-action={data} aria-label={aria} {disabled} {onclick}>{label}</button> }
}

/// A name cut in the middle to `max` characters: pods of one ReplicaSet differ
/// only in their ends (`web-5dc…47sv4`).
fn middle_name(name: &str, max: usize) -> String {
    let chars: Vec<char> = name.chars().collect();
    if chars.len() <= max || max < 5 {
        return short_name(name, max);
    }
    let tail = (max - 1) / 2;
    let head = max - 1 - tail;
    format!("{}…{}", chars[..head].iter().collect::<String>(), chars[chars.len() - tail..].iter().collect::<String>())
}

fn station_box(s: &Station, r: Rect, max_served: u64, failed_here: bool, tt: &TrafficTexts, on_inspect: &Callback<ObjectRef>) -> Html {
    let Rect { x, y, w, h } = r;
    let pod = s.column == Column::Pod;
    let served = s.served.unwrap_or(0);
    let count = served.to_string();
    let reserved = if pod { 8.0 * count.len() as f64 + 10.0 } else { 0.0 };
    let name = middle_name(&s.label, chars_for(w, reserved));
    let detail = short_name(&s.detail, chars_for(w, 0.0) + 2);
    let class = classes!("station", format!("{:?}", s.column).to_lowercase(), (!s.ready).then_some("not-ready"), failed_here.then_some("failed-here"));
    let body = html! {
        <>
            <title>{format!("{}\n{}", s.label, s.detail)}</title>
            <rect class="station-bg" width={w.to_string()} height={h.to_string()} rx="8" />
            <text class="station-name" x="10" y={if s.detail.is_empty() && !pod { "25" } else { "17" }}>{name}</text>
            <text class="station-detail" x="10" y="32">{detail}</text>
            if pod {
                <text class="served" x={(w - 10.0).to_string()} y="19" text-anchor="end">{count}</text>
                <rect class="share-track" x="10" y={(h - 11.0).to_string()} width={(w - 20.0).to_string()} height="5" rx="2.5" />
                <rect class="share-fill" x="10" y={(h - 11.0).to_string()} width={((w - 20.0) * served as f64 / max_served.max(1) as f64).to_string()} height="5" rx="2.5" />
            }
            if failed_here {
                <text class="fail-mark" x={(w - 10.0).to_string()} y={if pod { (h - 16.0).to_string() } else { "25".to_string() }} text-anchor="end" aria-hidden="true">{"✕"}</text>
            }
        </>
    };
    let transform = format!("translate({x},{y})");
    if pod {
        let (ns, name) = s.id.trim_start_matches("pod:").split_once('/').unwrap_or(("", &s.label));
        let (onclick, onkeydown) = activate(ObjectRef::pod(ns, name), on_inspect);
        let label = fill(tt.served_label, &[("pod", &s.label), ("n", &served.to_string())]);
        html! {
            <g key={s.id.clone()} {class} data-station={s.id.clone()} data-pod={s.label.clone()} data-served={served.to_string()} {transform}
               tabindex="0" role="button" aria-label={label} {onclick} {onkeydown}>{body}</g>
        }
    } else {
        html! { <g key={s.id.clone()} {class} data-station={s.id.clone()} {transform}>{body}</g> }
    }
}

/// One request's dot, travelling its path by a CSS animation of its own (a keyframe
/// per station), then fading; `prefers-reduced-motion` shows it at its end.
fn request_dot(r: &RequestView, l: &TrafficLayout) -> Option<Html> {
    let pts = l.points(&r.path);
    let (&last, _) = pts.split_last()?;
    let segments = (pts.len() - 1).max(1) as f64;
    let name = format!("req-{}", r.seq);
    let mut frames = String::new();
    for (i, (x, y)) in pts.iter().enumerate() {
        let pct = if pts.len() == 1 { 0.0 } else { 85.0 * i as f64 / segments };
        frames.push_str(&format!("{pct:.1}%{{transform:translate({x:.1}px,{y:.1}px);opacity:1}}"));
    }
    frames.push_str(&format!("100%{{transform:translate({:.1}px,{:.1}px);opacity:0}}", last.0, last.1));
    let css = format!("@keyframes {name}{{{frames}}}");
    let dur = HOP_S * segments + 0.5;
    let style = format!("animation:{name} {dur:.2}s ease-in-out forwards;transform:translate({:.1}px,{:.1}px)", last.0, last.1);
    let failed = r.outcome.is_failure();
    Some(html! {
        <g key={r.seq.to_string()} class={classes!("request", if failed { "failed" } else { "ok" })} data-seq={r.seq.to_string()}
           data-outcome={outcome_key(r.outcome)} data-pod={r.answered_by.clone()} data-path={r.path.join(" ")} aria-hidden="true">
            <style>{css}</style>
            <circle class="req-dot" r="5" {style} />
        </g>
    })
}

fn picture(view: &TrafficView, width: f64, t: &Texts, on_inspect: &Callback<ObjectRef>) -> Html {
    let tt = t.traffic;
    let l = layout(view, width);
    let mut edges: Vec<(String, String)> = view.requests.iter().flat_map(|r| r.path.windows(2).map(|w| (w[0].clone(), w[1].clone()))).collect();
    kubeplay_core::sorting::sort(&mut edges);
    edges.dedup();
    let ends_failed: std::collections::BTreeSet<&str> = view.requests.iter().filter(|r| r.outcome.is_failure()).filter_map(|r| r.path.last().map(String::as_str)).collect();
    let max_served = view.stations.iter().filter_map(|s| s.served).max().unwrap_or(0);
    let edge_lines = edges.iter().filter_map(|(a, b)| {
        let (ra, rb) = (l.rects.get(a.as_str())?, l.rects.get(b.as_str())?);
        let (x1, y1) = (ra.x + ra.w / 2.0, ra.y + ra.h);
        let (x2, y2) = (rb.x + rb.w / 2.0, rb.y);
        Some(html! { <line class="traffic-edge" x1={x1.to_string()} y1={y1.to_string()} x2={x2.to_string()} y2={y2.to_string()} /> })
    });
    let tiers = l.tiers.iter().map(|tier| {
        html! {
            <g class="tier" data-column={format!("{:?}", tier.column).to_lowercase()}>
                <text class="tier-caption" x={crate::traffic_layout::PAD.to_string()} y={tier.caption_y.to_string()}>{tier_caption(tier.column, tt)}</text>
                { for tier.boxes.iter().map(|(s, r)| station_box(s, *r, max_served, ends_failed.contains(s.id.as_str()), tt, on_inspect)) }
            </g>
        }
    });
    let dots = view.requests.iter().filter_map(|r| request_dot(r, &l));
    html! {
        <svg id="traffic-svg" role="group" aria-label={tt.svg_label} width={l.width.to_string()} height={l.height.to_string()}
             viewBox={format!("0 0 {} {}", l.width, l.height)}>
            <g class="edges">{ for edge_lines }</g>
            { for tiers }
            <g class="requests">{ for dots }</g>
        </svg>
    }
}

fn failures(view: &TrafficView, tt: &TrafficTexts) -> Html {
    html! {
        <section class="traffic-failures" aria-labelledby="traffic-failures-title">
            <h3 id="traffic-failures-title" class="traffic-subtitle">{tt.failures}</h3>
            if view.failures.is_empty() {
                <p class="muted small">{tt.no_failures}</p>
            } else {
                <ol>
                    { for view.failures.iter().map(|f| html! {
                        <li class="failure" data-outcome={outcome_key(f.outcome)} data-seq={f.seq.to_string()}>
                            <span class="failure-reason">{outcome_text(f.outcome, tt)}</span>
                            <code class="failure-request">{format!("{} → {}", f.client, f.url)}</code>
                            <span class="failure-detail">{f.detail.clone()}</span>
                        </li>
                    }) }
                </ol>
            }
        </section>
    }
}

#[function_component(TrafficPanel)]
pub fn traffic_panel(props: &Props) -> Html {
    let t = props.lang.texts();
    let tt = t.traffic;
    let view = &props.view;
    let form = use_reducer(Form::default);
    let target = form.target.as_ref().and_then(|id| view.targets.iter().find(|x| &x.id == id)).or(view.targets.first()).cloned();
    let client = form
        .client
        .as_deref()
        .or(Some(DEFAULT_CLIENT))
        .and_then(|id| view.clients.iter().find(|c| c.id == id))
        .or(view.clients.first())
        .cloned();
    // The page draws the pods behind the chosen target's Service.
    {
        let on_focus = props.on_focus.clone();
        use_effect_with(target.as_ref().map(|x| x.service.clone()), move |svc| on_focus.emit(svc.clone()));
    }
    let ns = props.namespace.to_string();
    let send = |rate: Option<u32>| match (&client, &target) {
        (Some(c), Some(x)) => Some(traffic_command(c, x, rate, &ns)),
        _ => None,
    };
    let busy = props.busy;
    let on_run = &props.on_run;

    let target_options: Vec<(String, String)> = view.targets.iter().map(|x| (x.id.clone(), target_text(x, tt))).collect();
    let client_options: Vec<(String, String)> = view.clients.iter().map(|c| (c.id.clone(), client_text(c, tt))).collect();
    let nodes: Vec<String> = view.clients.iter().filter_map(|c| if let Client::Node(n) = &c.client { Some(n.clone()) } else { None }).collect();
    let node = form.node.clone().filter(|n| nodes.contains(n)).or_else(|| nodes.iter().find(|n| n.as_str() != "controlplane").cloned()).or_else(|| nodes.first().cloned());
    let node_ref = node.as_ref().map(|n| ObjectRef::node(n));
    let node_command = |verb: InspectorVerb| node_ref.as_ref().map(|r| command_for(verb, r, &ns));
    let service_ref = target.as_ref().map(|x| ObjectRef::new("Service", &x.service.namespace, &x.service.name));
    let service_command = |verb: InspectorVerb| service_ref.as_ref().map(|r| command_for(verb, r, &ns));

    html! {
        <div id="traffic-view" data-requests={view.seq.to_string()}>
            <h2 class="panel-title">{tt.title}</h2>
            <div class="traffic-controls" role="group" aria-label={tt.controls}>
                if view.targets.is_empty() {
                    <div class="muted small traffic-empty">
                        <p>{tt.no_targets}</p>
                        { for EXAMPLE_SERVICE.iter().map(|c| command_text(c)) }
                    </div>
                } else {
                    { select("traffic-target", tt.to, target_options, target.as_ref().map(|x| x.id.as_str()).unwrap_or(""), &form, FormAction::Target) }
                }
                { select("traffic-client", tt.from, client_options, client.as_ref().map(|c| c.id.as_str()).unwrap_or(""), &form, FormAction::Client) }
                <div class="traffic-buttons">
                    { command_button(tt.send_one.to_string(), None, send(None), "send", busy, on_run) }
                    { for RATES.iter().map(|r| command_button(fill(tt.rate_n, &[("n", &r.to_string())]), Some(fill(tt.rate_label, &[("n", &r.to_string())])), send(Some(*r)), "rate", busy, on_run)) }
                    { command_button(tt.stop_all.to_string(), None, (!view.streams.is_empty()).then(|| "kubeplay traffic stop".to_string()), "stop-all", busy, on_run) }
                </div>
            </div>
            if !view.streams.is_empty() {
                <ul class="traffic-streams" aria-label={tt.streams}>
                    { for view.streams.iter().map(|s| html! {
                        <li data-stream={s.id.to_string()}>
                            <span>{fill(tt.stream_row, &[("id", &s.id.to_string()), ("rate", &s.rate.to_string()), ("client", &s.client), ("url", &s.url)])}</span>
                            { command_button("✕".into(), Some(fill(tt.stop_stream, &[("id", &s.id.to_string())])), Some(format!("kubeplay traffic stop {}", s.id)), "stop-stream", busy, on_run) }
                        </li>
                    }) }
                </ul>
            }
            { picture(view, props.width, t, &props.on_inspect) }
            if view.requests.is_empty() && !view.targets.is_empty() {
                <p class="muted small traffic-note">{tt.no_requests}</p>
            }
            if view.pods_hidden > 0 {
                <p class="muted small traffic-note">{fill(tt.pods_hidden, &[("n", &view.pods_hidden.to_string())])}</p>
            }
            <ul class="legend traffic-legend">
                <li class="ready">{tt.legend_ok}</li>
                <li class="failing">{tt.legend_failed}</li>
            </ul>
            { failures(view, tt) }
            <div class="traffic-faults" role="group" aria-labelledby="traffic-faults-title">
                <h3 id="traffic-faults-title" class="traffic-subtitle">{tt.faults}</h3>
                <div class="traffic-buttons">
                    { command_button(fill(tt.add_load, &[("n", &LOAD_RPS.to_string())]), None, service_command(InspectorVerb::AddLoad), "add-load", busy, on_run) }
                    { command_button(tt.stop_load.to_string(), None, service_command(InspectorVerb::StopLoad), "stop-load", busy, on_run) }
                </div>
                <div class="traffic-buttons">
                    { select("fault-node", tt.node, nodes.iter().map(|n| (n.clone(), n.clone())).collect(), node.as_deref().unwrap_or(""), &form, FormAction::Node) }
                    { command_button(t.action_stop_node.to_string(), None, node_command(InspectorVerb::StopNode), "stop-node", busy, on_run) }
                    { command_button(t.action_start_node.to_string(), None, node_command(InspectorVerb::StartNode), "start-node", busy, on_run) }
                    { command_button(tt.action_remove_node.to_string(), None, node_command(InspectorVerb::RemoveNode), "remove-node", busy, on_run) }
                    { command_button(tt.add_node.to_string(), None, Some("kubeplay node add".to_string()), "add-node", busy, on_run) }
                </div>
                <p class="muted small">{tt.hint}</p>
            </div>
        </div>
    }
}

#[cfg(test)]
mod tests {
    use super::middle_name;

    #[test]
    fn names_keep_both_ends() {
        assert_eq!(middle_name("web-5dcd9bdcdf-47sv4", 12), "web-5d…47sv4");
        assert_eq!(middle_name("web", 12), "web");
        assert_eq!(middle_name("web-5dcd9bdcdf-47sv4", 12).chars().count(), 12);
    }
}
