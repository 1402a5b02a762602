//! The physical view: nodes as boxes with their conditions and capacity bars, each
//! pod drawn inside the node it runs on, coloured by what `kubectl get pods` says
//! about it. Nodes and pods are buttons: they open the inspector.

use std::rc::Rc;

use kubeplay_core::view::{Capacity, Health, Hop, NodeView, ObjectRef, PhysicalView, PodView, Tone};
use yew::prelude::*;

use crate::i18n::{fill, Lang, Texts};
use crate::layout::{layout, short_name, ComponentBox, GroupBox, Layout, NodeBox, OwnerFrame, PodBox, Rect, HEALTH_ORDER, PAD};

/// The latest burst of control-plane activity to animate; `seq` changes with each
/// burst so its animation starts afresh.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Flow {
    pub seq: u64,
    pub hops: Vec<Hop>,
}

#[derive(Properties, PartialEq)]
pub struct Props {
    pub view: Rc<PhysicalView>,
    /// Width available, in CSS pixels (the SVG is drawn 1:1).
    pub width: f64,
    pub lang: Lang,
    pub selected: Option<ObjectRef>,
    pub on_inspect: Callback<ObjectRef>,
    pub flow: Rc<Flow>,
}

pub fn health_class(h: Health) -> &'static str {
    match h {
        Health::Ready => "ready",
        Health::NotReady => "not-ready",
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
            <text class="pod-status" x="12" y="31">{short_name(&status_line(p), status_chars(w))}</text>
        </g>
    }
}

/// `Running · 1/1`, with `↻ 3` when containers restarted.
fn status_line(p: &PodView) -> String {
    if p.restarts > 0 {
        format!("{} · {} · ↻ {}", p.status, p.ready, p.restarts)
    } else {
        format!("{} · {}", p.status, p.ready)
    }
}

/// Characters of the status line (10.5 px sans) that fit on a chip `w` wide.
fn status_chars(w: f64) -> usize {
    (((w - 18.0) / 6.2).floor() as usize).max(4)
}

/// Pods of one owner on one node as a box: the owner's name, how many pods, and a
/// bar split by health (drawn instead of chips above `AGGREGATE_ABOVE` pods).
fn group_chip(g: &GroupBox, t: &Texts, on_inspect: &Callback<ObjectRef>) -> Html {
    let Rect { x, y, w, h } = g.rect;
    let total = g.pods.len();
    let name = match g.owner {
        Some(o) => o.name.clone(),
        None => fill(t.standalone_in, &[("ns", g.namespace)]),
    };
    let parts: Vec<String> = HEALTH_ORDER
        .iter()
        .zip(g.counts)
        .filter(|(_, n)| *n > 0)
        .map(|(h, n)| format!("{n} {}", t.health_word(*h)))
        .collect();
    let summary = if total == 1 { t.pod_one.to_string() } else { fill(t.pods_n, &[("n", &total.to_string())]) };
    let tooltip = format!("{}{}\n{summary}: {}", g.owner.map(|o| format!("{}/", o.kind)).unwrap_or_default(), name, parts.join(", "));
    let target = g.owner.cloned().unwrap_or_else(|| ObjectRef::pod(g.namespace, &g.pods[0].name));
    let (onclick, onkeydown) = activate(target, on_inspect);
    let bar_w = w - 12.0;
    let mut bx = x + 6.0;
    let bar_y = y + h - 8.0;
    let segments: Vec<Html> = HEALTH_ORDER
        .iter()
        .zip(g.counts)
        .filter(|(_, n)| *n > 0)
        .map(|(health, n)| {
            let sw = bar_w * n as f64 / total.max(1) as f64;
            let seg = html! { <rect class={classes!("group-seg", health_class(*health))} x={bx.to_string()} y={bar_y.to_string()} width={sw.to_string()} height="4" /> };
            bx += sw;
            seg
        })
        .collect();
    html! {
        <g key={format!("group/{}/{}", g.namespace, name)} class={classes!("pod-group", (g.namespace == "kube-system").then_some("system"))}
           data-owner={name.clone()} data-count={total.to_string()} tabindex="0" role="button" aria-label={tooltip.clone()} {onclick} {onkeydown}>
            <title>{tooltip}</title>
            <rect class="pod-bg" x={x.to_string()} y={y.to_string()} width={w.to_string()} height={h.to_string()} rx="6" />
            <text class="pod-name" x={(x + 8.0).to_string()} y={(y + 15.0).to_string()}>{short_name(&name, g.name_chars)}</text>
            <text class="pod-status" x={(x + 8.0).to_string()} y={(y + 27.0).to_string()}>{short_name(&format!("{summary} · {}", parts.join(" · ")), status_chars(w))}</text>
            { for segments }
        </g>
    }
}

/// Keyed by where it is drawn, so a frame whose chips moved is drawn afresh and
/// fades in once the chips' move is over, instead of jumping ahead of them.
fn owner_frame(f: &OwnerFrame) -> Html {
    let at = f.rects.iter().map(|r| format!("{},{},{}", r.x, r.y, r.w)).collect::<Vec<_>>().join(";");
    html! {
        <g key={format!("{}/{}@{at}", f.owner.kind, f.owner.name)} class="owner-frame" data-owner={f.owner.name.clone()} aria-hidden="true">
            { for f.rects.iter().map(|r| html! {
                <rect x={r.x.to_string()} y={r.y.to_string()} width={r.w.to_string()} height={r.h.to_string()} rx="8" />
            }) }
        </g>
    }
}

fn component_box(c: &ComponentBox) -> Html {
    let Rect { x, y, w, h } = c.rect;
    let kind = c.id.split('@').next().unwrap_or("");
    html! {
        <g class={classes!("component", (kind == "kubectl").then_some("client"))} data-component={c.id.clone()}>
            <rect x={x.to_string()} y={y.to_string()} width={w.to_string()} height={h.to_string()} rx="4" />
            <text x={(x + w / 2.0).to_string()} y={(y + 12.5).to_string()} text-anchor="middle">{c.label}</text>
        </g>
    }
}

/// Where the segment from `r`'s centre towards (dx, dy) leaves `r`.
fn edge(r: &Rect, dx: f64, dy: f64) -> (f64, f64) {
    let (cx, cy) = (r.x + r.w / 2.0, r.y + r.h / 2.0);
    let tx = if dx.abs() > 1e-9 { (r.w / 2.0) / dx.abs() } else { f64::INFINITY };
    let ty = if dy.abs() > 1e-9 { (r.h / 2.0) / dy.abs() } else { f64::INFINITY };
    let t = tx.min(ty).min(1.0);
    (cx + dx * t, cy + dy * t)
}

/// A hop's way: an arc from the edge of one component to the edge of the other,
/// bowing upward so it passes over the boxes between them rather than through
/// their names.
fn hop_path(a: &Rect, b: &Rect) -> String {
    let (dx, dy) = (b.x + b.w / 2.0 - (a.x + a.w / 2.0), b.y + b.h / 2.0 - (a.y + a.h / 2.0));
    let (x1, y1) = edge(a, dx, dy);
    let (x2, y2) = edge(b, -dx, -dy);
    let len = (dx * dx + dy * dy).sqrt();
    let bow = (len * 0.15).clamp(8.0, 22.0);
    let (mx, my) = ((x1 + x2) / 2.0, (y1 + y2) / 2.0 - bow);
    format!("M{x1:.1} {y1:.1} Q{mx:.1} {my:.1} {x2:.1} {y2:.1}")
}

/// The latest burst of activity: each hop a line drawn from one component to the
/// next, in turn, and the receiving component lit. Hops whose ends are not drawn
/// (a node removed since) are left out.
fn flow_overlay(flow: &Flow, l: &Layout) -> Html {
    let find = |id: &str| l.nodes.iter().flat_map(|n| &n.components).find(|c| c.id == id).map(|c| c.rect);
    let hops = flow.hops.iter().filter_map(|h| Some((h, find(&h.from.id())?, find(&h.to.id())?)));
    if flow.hops.is_empty() {
        return Html::default();
    }
    html! {
        <g class="flow" key={flow.seq.to_string()} data-seq={flow.seq.to_string()} aria-hidden="true" mask={format!("url(#{FLOW_MASK})")}>
            { flow_mask(l) }
            { for hops.enumerate().map(|(i, (hop, a, b))| {
                let style = format!("--delay: {}ms", i * 320);
                html! {
                    <g class="hop" data-from={hop.from.id()} data-to={hop.to.id()} data-label={hop.label.clone()} style={style}>
                        <rect class="hop-glow" x={(b.x - 2.0).to_string()} y={(b.y - 2.0).to_string()} width={(b.w + 4.0).to_string()} height={(b.h + 4.0).to_string()} rx="5" />
                        <path class="hop-line" d={hop_path(&a, &b)} pathLength="1" />
                    </g>
                }
            }) }
        </g>
    }
}

/// The id of the mask that hides the flow's lines behind the cards.
const FLOW_MASK: &str = "flow-mask";

/// Where a hop's line is not drawn: over pod chips, owner boxes, components,
/// badges and the nodes' names. A hop from a worker's kubelet to the API server crosses the control
/// plane's pods; it passes behind them instead of through their names (the glow
/// around the receiving component lies outside its box, so it stays).
fn flow_mask(l: &Layout) -> Html {
    let pending = l.pending.iter().flat_map(|(_, pods)| pods.iter().map(|p| p.rect)).chain(l.pending_groups.iter().map(|g| g.rect));
    let cards = l
        .nodes
        .iter()
        .flat_map(|n| {
            let pods = n.pods.iter().map(|p| p.rect).chain(n.groups.iter().map(|g| g.rect));
            let header = n.components.iter().map(|c| c.rect).chain(n.badges.iter().map(|b| b.rect)).chain(n.header_texts());
            pods.chain(header)
        })
        .chain(pending);
    html! {
        <mask id={FLOW_MASK} maskUnits="userSpaceOnUse" x="0" y="0" width={l.width.to_string()} height={l.height.to_string()}>
            <rect x="0" y="0" width={l.width.to_string()} height={l.height.to_string()} fill="white" />
            { for cards.map(|r| html! {
                <rect class="card" x={r.x.to_string()} y={r.y.to_string()} width={r.w.to_string()} height={r.h.to_string()} rx="6" fill="black" />
            }) }
        </mask>
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
    let target = ObjectRef::node(&node.name);
    let is_selected = selected.as_ref() == Some(&target);
    let (onclick, onkeydown) = activate(target, on_inspect);
    let label = fill(t.node_label, &[("name", &node.name), ("status", &node.status)]);
    let half = (w - 2.0 * PAD - 16.0) / 2.0;
    let bars_y = n.bars_y;
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
                { for n.components.iter().map(component_box) }
                { capacity_bar(t.cpu, &node.cpu, x + PAD, bars_y, half, t, "cpu") }
                { capacity_bar(t.memory, &node.memory, x + PAD + half + 16.0, bars_y, half, t, "memory") }
            </g>
            { for n.frames.iter().map(owner_frame) }
            { for n.pods.iter().map(|p| pod_chip(p, t, selected, on_inspect)) }
            { for n.groups.iter().map(|g| group_chip(g, t, on_inspect)) }
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
                { for l.pending_groups.iter().map(|g| group_chip(g, t, &props.on_inspect)) }
            </g>
        }
    });
    let caption = flow_caption(&props.flow, &l);
    html! {
        <>
            <svg id="physical-view" role="group" aria-label={t.physical_svg_label}
                 class={classes!(l.aggregated.then_some("aggregated"))}
                 width={l.width.to_string()} height={l.height.to_string()}
                 viewBox={format!("0 0 {} {}", l.width, l.height)}>
                { for pending }
                { for nodes }
                { flow_overlay(&props.flow, &l) }
            </svg>
            if l.aggregated {
                <p class="view-note">{t.aggregated_note}</p>
            }
            <p class="flow-caption" aria-live="polite" data-seq={props.flow.seq.to_string()}>{caption}</p>
        </>
    }
}

/// The latest burst in words, for people who do not see the animation:
/// `kubectl → kube-apiserver: pod/web · kube-apiserver → etcd …`.
fn flow_caption(flow: &Flow, l: &Layout) -> String {
    let label = |id: String| {
        l.nodes.iter().flat_map(|n| &n.components).find(|c| c.id == id).map(|c| {
            match id.split_once('@') {
                Some((_, node)) => format!("{} ({node})", c.label),
                None => c.label.to_string(),
            }
        })
    };
    const SHOWN: usize = 6;
    let rest = flow.hops.len().saturating_sub(SHOWN);
    let mut parts: Vec<String> = flow
        .hops
        .iter()
        .take(SHOWN)
        .filter_map(|h| {
            let more = if h.more > 0 { format!(" +{}", h.more) } else { String::new() };
            Some(format!("{} → {}: {}{more}", label(h.from.id())?, label(h.to.id())?, h.label))
        })
        .collect();
    if rest > 0 {
        parts.push(format!("… +{rest}"));
    }
    parts.join(" · ")
}
