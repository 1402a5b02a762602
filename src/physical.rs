//! The physical view: nodes as boxes, each pod drawn inside the node it runs on,
//! coloured by what `kubectl get pods` says about it.

use std::rc::Rc;

use kubeplay_core::view::{Health, PhysicalView, PodView};
use yew::prelude::*;

use crate::layout::{layout, short_name, PodBox, Rect, HEADER_H, PAD};

#[derive(Properties, PartialEq)]
pub struct Props {
    pub view: Rc<PhysicalView>,
    /// Width available, in CSS pixels (the SVG is drawn 1:1).
    pub width: f64,
}

fn health_class(h: Health) -> &'static str {
    match h {
        Health::Ready => "ready",
        Health::Starting => "starting",
        Health::Failing => "failing",
        Health::Terminating => "terminating",
        Health::Completed => "completed",
    }
}

fn pod_chip(b: &PodBox) -> Html {
    let p: &PodView = b.pod;
    let Rect { x, y, w, h } = b.rect;
    let system = p.namespace == "kube-system";
    let class = classes!("pod", health_class(p.health), system.then_some("system"));
    let tooltip = format!(
        "{}/{}\nSTATUS {}  READY {}  RESTARTS {}\nIP {}",
        p.namespace,
        p.name,
        p.status,
        p.ready,
        p.restarts,
        p.ip.clone().unwrap_or_else(|| "<none>".into())
    );
    html! {
        <g class={class} data-pod={p.name.clone()} data-namespace={p.namespace.clone()} data-status={p.status.clone()}
           transform={format!("translate({x},{y})")}>
            <title>{tooltip}</title>
            <rect class="pod-bg" width={w.to_string()} height={h.to_string()} rx="6" />
            <rect class="pod-bar" width="5" height={h.to_string()} rx="2" />
            <text class="pod-name" x="12" y="16">{short_name(&p.name, b.name_chars)}</text>
            <text class="pod-status" x="12" y="31">{format!("{} · {}", p.status, p.ready)}</text>
        </g>
    }
}

#[function_component(PhysicalViewSvg)]
pub fn physical_view(props: &Props) -> Html {
    let l = layout(&props.view, props.width);
    let nodes = l.nodes.iter().map(|n| {
        let Rect { x, y, w, h } = n.rect;
        let node = n.node;
        let role = if node.control_plane { "control-plane" } else { "worker" };
        let not_ready = !node.status.starts_with("Ready");
        let agents = if node.control_plane { "kubelet · containerd · static pods: API server, etcd, scheduler, controller manager" } else { "kubelet · kube-proxy · containerd" };
        html! {
            <g class={classes!("node", role, not_ready.then_some("not-ready"))} data-node={node.name.clone()} data-role={role}>
                <rect class="node-bg" x={x.to_string()} y={y.to_string()} width={w.to_string()} height={h.to_string()} rx="10" />
                <text class="node-name" x={(x + PAD).to_string()} y={(y + 20.0).to_string()}>{node.name.clone()}</text>
                <text class="node-meta" x={(x + w - PAD).to_string()} y={(y + 20.0).to_string()} text-anchor="end">
                    {format!("{} · {}", node.status, node.ip)}
                </text>
                <text class="node-agents" x={(x + PAD).to_string()} y={(y + HEADER_H - 14.0).to_string()}>
                    {if w > 520.0 || !node.control_plane { agents } else { "kubelet · containerd · control plane" }}
                </text>
                { for n.pods.iter().map(pod_chip) }
            </g>
        }
    });
    let pending = l.pending.as_ref().map(|(r, pods)| {
        html! {
            <g class="unscheduled">
                <rect class="pending-bg" x={r.x.to_string()} y={r.y.to_string()} width={r.w.to_string()} height={r.h.to_string()} rx="10" />
                <text class="node-agents" x={(r.x + PAD).to_string()} y={(r.y + 18.0).to_string()}>{"Waiting for the scheduler"}</text>
                { for pods.iter().map(pod_chip) }
            </g>
        }
    });
    html! {
        <svg id="physical-view" role="img" aria-label="Nodes of the cluster and the pods running on each"
             width={l.width.to_string()} height={l.height.to_string()}
             viewBox={format!("0 0 {} {}", l.width, l.height)}>
            { for pending }
            { for nodes }
        </svg>
    }
}
