//! The logical view: namespaces as regions; in each, owners (Deployment →
//! ReplicaSet → pods, whatever chain `ownerReferences` make) as nested boxes, pods
//! without an owner, and Services with the pods their selector picks. Drawn as
//! HTML boxes that wrap with the width, so nothing overlaps on a phone.

use std::rc::Rc;

use kubeplay_core::view::{ConfigView, Health, IngressView, LogicalView, NamespaceView, ObjectRef, OwnerView, PodView, ServiceView};
use yew::prelude::*;

use crate::i18n::{fill, Lang, Texts};
use crate::layout::{AGGREGATE_ABOVE, HEALTH_ORDER};
use crate::physical::{activate, health_class};

#[derive(Properties, PartialEq)]
pub struct Props {
    pub view: Rc<LogicalView>,
    pub lang: Lang,
    pub selected: Option<ObjectRef>,
    pub on_inspect: Callback<ObjectRef>,
}

struct Ctx<'a> {
    t: &'static Texts,
    /// Above `AGGREGATE_ABOVE` pods, lists of pods become counts per health.
    aggregated: bool,
    selected: &'a Option<ObjectRef>,
    on_inspect: &'a Callback<ObjectRef>,
}

fn pod_pill(p: &PodView, cx: &Ctx) -> Html {
    let target = ObjectRef::pod(&p.namespace, &p.name);
    let selected = cx.selected.as_ref() == Some(&target);
    let (onclick, _) = activate(target, cx.on_inspect);
    let label = fill(cx.t.pod_label, &[("name", &p.name), ("status", &p.status)]);
    html! {
        <li key={format!("{}/{}", p.namespace, p.name)}>
            <button type="button" class={classes!("pod-pill", health_class(p.health), selected.then_some("selected"))}
                data-pod={p.name.clone()} data-namespace={p.namespace.clone()} data-status={p.status.clone()}
                aria-label={label} {onclick}>
                <span class="pill-name">{p.name.clone()}</span>
                <span class="pill-status">{format!("{} · {}", p.status, p.ready)}</span>
            </button>
        </li>
    }
}

fn pods(list: &[PodView], cx: &Ctx) -> Html {
    if list.is_empty() {
        return html! {};
    }
    if cx.aggregated {
        return pod_counts(list, cx);
    }
    html! { <ul class="pod-pills">{ for list.iter().map(|p| pod_pill(p, cx)) }</ul> }
}

/// Pods as one count per health (`118 ready`, `2 starting`): a large cluster.
fn pod_counts(list: &[PodView], cx: &Ctx) -> Html {
    let count = |h: Health| list.iter().filter(|p| p.health == h).count();
    html! {
        <ul class="pod-pills counts" data-count={list.len().to_string()}>
            { for HEALTH_ORDER.iter().map(|h| (*h, count(*h))).filter(|(_, n)| *n > 0).map(|(h, n)| html! {
                <li key={health_class(h)} class={classes!("pod-count", health_class(h))} data-count={n.to_string()}>
                    {format!("{n} {}", cx.t.health_word(h))}
                </li>
            }) }
        </ul>
    }
}

fn object_button(object: &ObjectRef, detail: String, cx: &Ctx) -> Html {
    let selected = cx.selected.as_ref() == Some(object);
    let (onclick, _) = activate(object.clone(), cx.on_inspect);
    let label = fill(cx.t.open_in_inspector, &[("object", &object.display_name())]);
    html! {
        <button type="button" class={classes!("object-head", selected.then_some("selected"))} aria-label={label} {onclick}>
            <span class="kind">{object.kind.clone()}</span>
            <span class="object-name">{object.name.clone()}</span>
            if !detail.is_empty() { <span class="detail">{detail}</span> }
        </button>
    }
}

fn owner_box(o: &OwnerView, cx: &Ctx) -> Html {
    let mut detail: Vec<String> = Vec::new();
    if let Some(r) = &o.revision {
        detail.push(fill(cx.t.revision, &[("n", r)]));
    }
    if let Some((ready, desired)) = o.replicas {
        detail.push(fill(cx.t.ready_of, &[("ready", &ready.to_string()), ("desired", &desired.to_string())]));
    }
    if !o.images.is_empty() {
        detail.push(o.images.join(", "));
    }
    let idle = o.replicas.is_some_and(|(_, desired)| desired == 0);
    html! {
        <div key={format!("{}/{}", o.object.kind, o.object.name)} class={classes!("owner", idle.then_some("idle"))}
             data-kind={o.object.kind.clone()} data-name={o.object.name.clone()} data-revision={o.revision.clone()}>
            { object_button(&o.object, detail.join(" · "), cx) }
            { for o.owners.iter().map(|c| owner_box(c, cx)) }
            { pods(&o.pods, cx) }
        </div>
    }
}

fn service_box(s: &ServiceView, ns: &str, cx: &Ctx) -> Html {
    let object = ObjectRef::new("Service", ns, &s.name);
    let detail = format!("{} · {} · {}", s.type_, s.cluster_ip, s.ports);
    let selector = if s.selector.is_empty() { cx.t.no_selector.to_string() } else { format!("{} {}", cx.t.selector, s.selector) };
    html! {
        <div class="service" data-service={s.name.clone()}>
            { object_button(&object, detail, cx) }
            <div class="selector"><code>{selector}</code>
                if !s.selector.is_empty() && s.pods.is_empty() { <span class="muted">{format!(" → {}", cx.t.selects_no_pods)}</span> }
            </div>
            if let Some(ep) = &s.endpoints {
                <div class="endpoints">{format!("{} ", cx.t.endpoints)}<code>{ep.clone()}</code></div>
            }
            { pods(&s.pods, cx) }
        </div>
    }
}

/// An Ingress and its routes: `host/path → Service:port`, each Service a button.
fn ingress_box(i: &IngressView, ns: &str, cx: &Ctx) -> Html {
    let object = ObjectRef::new("Ingress", ns, &i.name);
    let detail = [i.class.clone(), i.address.clone()].into_iter().flatten().collect::<Vec<_>>().join(" · ");
    html! {
        <div key={i.name.clone()} class="ingress" data-ingress={i.name.clone()}>
            { object_button(&object, detail, cx) }
            <ul class="routes">
                { for i.routes.iter().map(|r| {
                    let from = if r.path.is_empty() { cx.t.default_backend.to_string() } else { format!("{}{}", r.host, r.path) };
                    html! {
                        <li class="route" data-service={r.service.clone()}>
                            <code>{from}</code>{" → "}
                            { link(&ObjectRef::new("Service", ns, &r.service), cx) }
                            if !r.port.is_empty() { <code>{format!(":{}", r.port)}</code> }
                        </li>
                    }
                }) }
            </ul>
        </div>
    }
}

/// A small button naming an object (`service/web`), opening it in the inspector.
fn link(object: &ObjectRef, cx: &Ctx) -> Html {
    let (onclick, _) = activate(object.clone(), cx.on_inspect);
    let label = fill(cx.t.open_in_inspector, &[("object", &object.display_name())]);
    html! {
        <button type="button" class="object-link" data-kind={object.kind.clone()} data-name={object.name.clone()} aria-label={label} {onclick}>
            {object.display_name()}
        </button>
    }
}

/// A ConfigMap, Secret or claim with the workloads whose pods use it.
fn config_box(c: &ConfigView, cx: &Ctx) -> Html {
    html! {
        <div key={format!("{}/{}", c.object.kind, c.object.name)} class="config" data-kind={c.object.kind.clone()} data-name={c.object.name.clone()}>
            { object_button(&c.object, c.detail.clone(), cx) }
            <div class="used-by">
                if c.used_by.is_empty() {
                    <span class="muted">{cx.t.not_used}</span>
                } else {
                    <span class="muted">{format!("{} ", cx.t.used_by)}</span>
                    { for c.used_by.iter().map(|u| link(u, cx)) }
                }
            </div>
        </div>
    }
}

fn namespace_body(n: &NamespaceView, cx: &Ctx) -> Html {
    let empty = n.owners.is_empty() && n.pods.is_empty() && n.services.is_empty() && n.ingresses.is_empty() && n.config.is_empty();
    html! {
        <div class="ns-body">
            if empty { <p class="muted">{cx.t.empty_namespace}</p> }
            { for n.owners.iter().map(|o| owner_box(o, cx)) }
            if !n.pods.is_empty() {
                <div class="standalone">
                    <h4>{cx.t.standalone_pods}</h4>
                    { pods(&n.pods, cx) }
                </div>
            }
            if !n.ingresses.is_empty() {
                <div class="ingresses">
                    <h4>{cx.t.ingresses}</h4>
                    { for n.ingresses.iter().map(|i| ingress_box(i, &n.name, cx)) }
                </div>
            }
            if !n.services.is_empty() {
                <div class="services">
                    <h4>{cx.t.services}</h4>
                    { for n.services.iter().map(|s| service_box(s, &n.name, cx)) }
                </div>
            }
            if !n.config.is_empty() {
                <div class="config-list">
                    <h4>{cx.t.config_storage}</h4>
                    { for n.config.iter().map(|c| config_box(c, cx)) }
                </div>
            }
        </div>
    }
}

/// Every pod of a namespace, owned or not.
fn pod_total(n: &NamespaceView) -> usize {
    fn owned(o: &OwnerView) -> usize {
        o.pods.len() + o.owners.iter().map(owned).sum::<usize>()
    }
    n.pods.len() + n.owners.iter().map(owned).sum::<usize>()
}

#[function_component(LogicalViewPanel)]
pub fn logical_view(props: &Props) -> Html {
    let total: usize = props.view.namespaces.iter().map(pod_total).sum();
    let cx = Ctx { t: props.lang.texts(), aggregated: total > AGGREGATE_ABOVE, selected: &props.selected, on_inspect: &props.on_inspect };
    html! {
        <div id="logical-view">
            if cx.aggregated { <p class="view-note">{cx.t.aggregated_note_logical}</p> }
            { for props.view.namespaces.iter().map(|n| {
                let title = html! { <><span class="kind">{cx.t.namespace}</span><span class="object-name">{n.name.clone()}</span></> };
                if n.system {
                    // The cluster's own namespaces start folded: they are busy and rarely the point.
                    html! {
                        <details class="ns-region system" data-namespace={n.name.clone()}>
                            <summary>{title}<span class="detail">{cx.t.system_namespace}</span></summary>
                            { namespace_body(n, &cx) }
                        </details>
                    }
                } else {
                    html! {
                        <section class="ns-region" data-namespace={n.name.clone()} aria-label={format!("{} {}", cx.t.namespace, n.name)}>
                            <h3 class="ns-title">{title}</h3>
                            { namespace_body(n, &cx) }
                        </section>
                    }
                }
            }) }
        </div>
    }
}
