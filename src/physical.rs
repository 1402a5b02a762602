//! The physical view: nodes as boxes with their conditions and capacity bars, each
//! pod drawn inside the node it runs on, coloured by what `kubectl get pods` says
//! about it. Nodes and pods are buttons: they open the inspector.

use std::rc::Rc;

use kubeplay_core::view::{Capacity, Health, NodeView, ObjectRef, PhysicalView, PodView, Tone};
use yew::prelude::*;

use crate::i18n::{fill, Lang, Texts};
use crate::layout::{layout, short_name, NodeBox, PodBox, Rect, PAD};

#[derive(Properties, PartialEq)]
pub struct Props {
    pub view: Rc<PhysicalView>,
    /// Width available, in CSS pixels (the SVG is drawn 1:1).
    pub width: f64,
    pub lang: Lang,
    pub selected: Option<ObjectRef>,
    pub on_inspect: Callback<ObjectRef>,
}

pub fn health_class(h: Health) -> &'static str {
    match h {
        Health::Ready => "ready",
        Health::Starting => "starting",
        Health::Failing => "failing",
        Health::Terminating => "terminating",
        Health::Completed => "completed",
    }
}

fn tone_class(t: Tone) -> &'static str {
    match t {
        Tone::Good => "good",
        Tone::Warning => "warning",
        Tone::Bad => "bad",
    }
}

/// Click, Enter or Space on a drawn object opens the inspector on it.
pub fn activate(target: ObjectRef, on_inspect: &Callback<ObjectRef>) -> (Callback<MouseEvent>, Callback<KeyboardEvent>) {
    let click = {
        let (t, cb) = (target.clone(), on_inspect.clone());
        Callback::from(move |e: MouseEvent| {
            e.stop_propagation();
            cb.emit(t.clone());
        })
    };
    let key = {
        let cb = on_inspect.clone();
        Callback::from(move |e: KeyboardEvent| {
            if e.key() == "Enter" || e.key() == " " {
                e.prevent_default();
                e.stop_propagation();
                cb.emit(target.clone());
            }
        })
    };
    (click, key)
}

fn pod_chip(b: &PodBox, t: &Texts, selected: &Option<ObjectRef>, on_inspect: &Callback<ObjectRef>) -> Html {
    let p: &PodView = b.pod;
    let Rect { x, y, w, h } = b.rect;
    let target = ObjectRef::pod(&p.namespace, &p.name);
    let is_selected = selected.as_ref() == Some(&target);
    let system = p.namespace == "kube-system";
    let class = classes!("pod", health_class(p.health), system.then_some("system"), is_selected.then_some("selected"));
    let tooltip = format!(
        "{}/{}\nSTATUS {}  READY {}  RESTARTS {}\nIP {}",
        p.namespace,
        p.name,
        p.status,
        p.ready,
        p.restarts,
        p.ip.clone().unwrap_or_else(|| "<none>".into())
    );
    let label = fill(t.pod_label, &[("name", &p.name), ("status", &p.status)]);
    let (onclick, onkeydown) = activate(target, on_inspect);
    html! {
        <g key={format!("{}/{}", p.namespace, p.name)} class={class} data-pod={p.name.clone()} data-namespace={p.namespace.clone()} data-status={p.status.clone()}
           transform={format!("translate({x},{y})")} tabindex="0" role="button" aria-label={label}
           {onclick} {onkeydown}>
            <title>{tooltip}</title>
            <rect class="pod-bg" width={w.to_string()} height={h.to_string()} rx="6" />
            <rect class="pod-bar" width="5" height={h.to_string()} rx="2" />
            <text class="pod-name" x="12" y="16">{short_name(&p.name, b.name_chars)}</text>
            <text class="pod-status" x="12" y="31">{format!("{} · {}", p.status, p.ready)}</text>
        </g>
    }
}

/// One capacity bar: `CPU 25%` then a bar filling the rest of its half of the row.
fn capacity_bar(what: &str, c: &Capacity, x: f64, y: f64, w: f64, t: &Texts, class: &'static str) -> Html {
    let label = format!("{what} {}%", c.percent);
    let label_w = crate::layout::text_width(&label, 6.4) + 6.0;
    let bar_x = x + label_w;
    let bar_w = (w - label_w).max(12.0);
    let fill_w = bar_w * (c.percent.clamp(0, 100) as f64 / 100.0);
    let title = fill(
        t.requests_of,
        &[("what", what), ("req", &c.requested_text), ("alloc", &c.allocatable_text), ("pct", &c.percent.to_string())],
    );
    let level = if c.percent >= 90 { "full" } else if c.percent >= 70 { "high" } else { "ok" };
    html! {
        <g class={classes!("capacity", class, level)} role="img" aria-label={title.clone()}>
            <title>{title}</title>
            <text class="capacity-label" x={x.to_string()} y={(y + 8.0).to_string()}>{label}</text>
            <rect class="capacity-track" x={bar_x.to_string()} y={(y + 1.0).to_string()} width={bar_w.to_string()} height="7" rx="3.5" />
            <rect class="capacity-fill" x={bar_x.to_string()} y={(y + 1.0).to_string()} width={fill_w.to_string()} height="7" rx="3.5" />
        </g>
    }
}

fn node_group(n: &NodeBox, t: &Texts, selected: &Option<ObjectRef>, on_inspect: &Callback<ObjectRef>) -> Html {
    let Rect { x, y, w, h } = n.rect;
    let node: &NodeView = n.node;
    let role = if node.control_plane { "control-plane" } else { "worker" };
    let not_ready = !node.status.starts_with("Ready");
    let cordoned = node.status.contains("SchedulingDisabled");
    let agents = if !node.control_plane {
        t.worker_agents
    } else if w > 560.0 {
        t.control_plane_agents
    } else {
        t.control_plane_agents_short
    };
    let target = ObjectRef::node(&node.name);
    let is_selected = selected.as_ref() == Some(&target);
    let (onclick, onkeydown) = activate(target, on_inspect);
    let label = fill(t.node_label, &[("name", &node.name), ("status", &node.status)]);
    let extra = n.header_h - crate::layout::HEADER_H;
    let half = (w - 2.0 * PAD - 16.0) / 2.0;
    let bars_y = y + 50.0 + extra;
    html! {
        <g key={node.name.clone()} class={classes!("node", role, not_ready.then_some("not-ready"), cordoned.then_some("cordoned"), is_selected.then_some("selected"))}
           data-node={node.name.clone()} data-role={role} data-status={node.status.clone()}>
            <rect class="node-bg" x={x.to_string()} y={y.to_string()} width={w.to_string()} height={h.to_string()} rx="10" />
            <g class="node-header" tabindex="0" role="button" aria-label={label} {onclick} {onkeydown}>
                <title>{format!("{} · {} · {}", node.name, node.roles, node.ip)}</title>
                <rect class="node-hit" x={x.to_string()} y={y.to_string()} width={w.to_string()} height={n.header_h.to_string()} rx="10" />
                <text class="node-name" x={(x + PAD).to_string()} y={(y + 20.0).to_string()}>{node.name.clone()}</text>
                { for n.badges.iter().map(|b| {
                    let r = b.rect;
                    html! {
                        <g class={classes!("badge", tone_class(b.badge.tone))} data-badge={b.badge.label.clone()}>
                            <rect x={r.x.to_string()} y={r.y.to_string()} width={r.w.to_string()} height={r.h.to_string()} rx="8" />
                            <text x={(r.x + r.w / 2.0).to_string()} y={(r.y + 11.5).to_string()} text-anchor="middle">{b.badge.label.clone()}</text>
                        </g>
                    }
                }) }
                if n.show_ip {
                    <text class="node-meta" x={(x + w - PAD).to_string()} y={(y + 20.0).to_string()} text-anchor="end">{node.ip.clone()}</text>
                }
                <text class="node-agents" x={(x + PAD).to_string()} y={(y + 40.0 + extra).to_string()}>{agents}</text>
                { capacity_bar(t.cpu, &node.cpu, x + PAD, bars_y, half, t, "cpu") }
                { capacity_bar(t.memory, &node.memory, x + PAD + half + 16.0, bars_y, half, t, "memory") }
            </g>
            { for n.pods.iter().map(|p| pod_chip(p, t, selected, on_inspect)) }
        </g>
    }
}

#[function_component(PhysicalViewSvg)]
pub fn physical_view(props: &Props) -> Html {
    let t = props.lang.texts();
    let l = layout(&props.view, props.width);
    let nodes = l.nodes.iter().map(|n| node_group(n, t, &props.selected, &props.on_inspect));
    let pending = l.pending.as_ref().map(|(r, pods)| {
        html! {
            <g class="unscheduled">
                <rect class="pending-bg" x={r.x.to_string()} y={r.y.to_string()} width={r.w.to_string()} height={r.h.to_string()} rx="10" />
                <text class="node-agents" x={(r.x + PAD).to_string()} y={(r.y + 18.0).to_string()}>{t.waiting_for_scheduler}</text>
                { for pods.iter().map(|p| pod_chip(p, t, &props.selected, &props.on_inspect)) }
            </g>
        }
    });
    html! {
        <svg id="physical-view" role="group" aria-label={t.physical_svg_label}
             width={l.width.to_string()} height={l.height.to_string()}
             viewBox={format!("0 0 {} {}", l.width, l.height)}>
            { for pending }
            { for nodes }
        </svg>
    }
}
