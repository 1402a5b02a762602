//! Where things go in the physical view, computed from the cluster picture and the
//! width available. Pure geometry, no cluster logic and no browser calls, so it is
//! tested natively: nothing overlaps, everything fits the width.

use kubeplay_core::view::{Health, NodeBadge, NodeView, ObjectRef, PhysicalView, PodView};

#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Rect {
    pub x: f64,
    pub y: f64,
    pub w: f64,
    pub h: f64,
}

impl Rect {
    pub fn contains(&self, o: &Rect) -> bool {
        o.x >= self.x && o.y >= self.y && o.x + o.w <= self.x + self.w && o.y + o.h <= self.y + self.h
    }

    pub fn overlaps(&self, o: &Rect) -> bool {
        self.x < o.x + o.w && o.x < self.x + self.w && self.y < o.y + o.h && o.y < self.y + self.h
    }
}

/// Chips stretch to fill their row but are never narrower than this.
pub const MIN_CHIP_W: f64 = 150.0;
pub const CHIP_H: f64 = 40.0;
pub const GAP: f64 = 8.0;
pub const PAD: f64 = 12.0;
/// Node name and badges, one row of components (kubelet, container runtime …), and
/// the capacity bars, when the badges and components each fit on one row.
pub const HEADER_H: f64 = 79.0;
/// One more row of badges when they do not fit beside the name.
pub const BADGE_ROW_H: f64 = 20.0;
pub const BADGE_H: f64 = 16.0;
/// A component box (`kube-apiserver`) and the row it takes.
pub const COMPONENT_H: f64 = 18.0;
pub const COMPONENT_ROW_H: f64 = 23.0;
/// Narrowest a worker gets before workers wrap onto the next row: wide enough for
/// its three components and two capacity bars.
pub const MIN_NODE_W: f64 = 236.0;
/// Above this many pods the picture shows one box per owner on each node, with
/// counts, instead of one chip per pod: it stays readable and fast.
pub const AGGREGATE_ABOVE: usize = 300;
/// Width of one character of a pod name (11 px monospace).
const CHAR_W: f64 = 6.7;
/// Width of one character of a node name (15 px bold) and of a badge (10.5 px).
const NODE_CHAR_W: f64 = 9.6;
const BADGE_CHAR_W: f64 = 6.4;
/// Width of one character of the node's IP (12 px monospace).
const IP_CHAR_W: f64 = 7.3;
/// Width of one character of a component's name (10.5 px monospace).
const COMPONENT_CHAR_W: f64 = 6.3;

/// The processes the notes draw on a node: the control plane's own, then every
/// node's agents. `(id, label)`; the id is what activity hops name.
pub const CONTROL_PLANE_COMPONENTS: &[(&str, &str)] = &[
    ("kubectl", "kubectl"),
    ("apiserver", "kube-apiserver"),
    ("etcd", "etcd"),
    ("scheduler", "kube-scheduler"),
    ("controller-manager", "kube-controller-manager"),
];
pub const NODE_AGENTS: &[(&str, &str)] = &[("kubelet", "kubelet"), ("kube-proxy", "kube-proxy"), ("runtime", "containerd")];

#[derive(Clone, Debug, PartialEq)]
pub struct PodBox<'a> {
    pub pod: &'a PodView,
    pub rect: Rect,
    /// How many characters of the name fit on this chip.
    pub name_chars: usize,
}

/// Pods of one owner on one node, drawn as one box with counts (above
/// [`AGGREGATE_ABOVE`] pods).
#[derive(Clone, Debug, PartialEq)]
pub struct GroupBox<'a> {
    pub owner: Option<&'a ObjectRef>,
    pub namespace: &'a str,
    pub pods: Vec<&'a PodView>,
    /// Pods per health, in [`HEALTH_ORDER`].
    pub counts: [usize; 6],
    pub rect: Rect,
    pub name_chars: usize,
}

/// The order health counts are kept and drawn in.
pub const HEALTH_ORDER: [Health; 6] = [Health::Ready, Health::NotReady, Health::Starting, Health::Failing, Health::Terminating, Health::Completed];

/// A process box in a node's header (`kube-apiserver`, `kubelet`).
#[derive(Clone, Debug, PartialEq)]
pub struct ComponentBox {
    /// `apiserver`, `kubelet@node01`: as activity hops name it.
    pub id: String,
    pub label: &'static str,
    pub rect: Rect,
}

/// A frame around the chips of one owner with several pods on a node: the
/// grouping by owner, seen at a glance. One rect per row the chips take.
#[derive(Clone, Debug, PartialEq)]
pub struct OwnerFrame<'a> {
    pub owner: &'a ObjectRef,
    pub rects: Vec<Rect>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct BadgeBox<'a> {
    pub badge: &'a NodeBadge,
    pub rect: Rect,
}

#[derive(Clone, Debug, PartialEq)]
pub struct NodeBox<'a> {
    pub node: &'a NodeView,
    pub rect: Rect,
    pub pods: Vec<PodBox<'a>>,
    pub badges: Vec<BadgeBox<'a>>,
    pub components: Vec<ComponentBox>,
    /// Owner boxes instead of pod chips, when the cluster is large.
    pub groups: Vec<GroupBox<'a>>,
    pub frames: Vec<OwnerFrame<'a>>,
    /// Height of the header (name, badges, components, bars) above the pods.
    pub header_h: f64,
    /// Where the capacity bars' row starts.
    pub bars_y: f64,
    /// Whether the node's IP fits at the right end of the name's row.
    pub show_ip: bool,
}

impl NodeBox<'_> {
    /// The boxes of the header's words — the node's name, and its IP when shown —
    /// which lines drawn across the node must leave readable.
    pub fn header_texts(&self) -> Vec<Rect> {
        let Rect { x, y, w, .. } = self.rect;
        // The width is an estimate (bold digits run wider): the box takes the gap
        // before the first badge too (badges start 12 px after the estimate).
        let mut texts = vec![Rect { x: x + PAD - 2.0, y: y + 5.0, w: text_width(&self.node.name, NODE_CHAR_W) + 10.0, h: 20.0 }];
        if self.show_ip {
            let ip_w = self.node.ip.chars().count() as f64 * IP_CHAR_W;
            texts.push(Rect { x: x + w - PAD - ip_w - 2.0, y: y + 7.0, w: ip_w + 4.0, h: 17.0 });
        }
        texts
    }
}

#[derive(Clone, Debug, PartialEq)]
pub struct Layout<'a> {
    pub width: f64,
    pub height: f64,
    pub nodes: Vec<NodeBox<'a>>,
    /// Pods no node has accepted yet, shown above the nodes.
    pub pending: Option<(Rect, Vec<PodBox<'a>>)>,
    /// Pending pods as owner boxes, when the cluster is large.
    pub pending_groups: Vec<GroupBox<'a>>,
    /// Whether pods are drawn as owner boxes with counts.
    pub aggregated: bool,
}

/// User workloads first, then the cluster's own pods; within each, pods of one
/// owner side by side, then by name.
fn ordered<'a>(pods: &'a [PodView]) -> Vec<&'a PodView> {
    let mut v: Vec<&PodView> = pods.iter().collect();
    kubeplay_core::sorting::sort_by(&mut v, |a, b| {
        (a.namespace == "kube-system")
            .cmp(&(b.namespace == "kube-system"))
            .then_with(|| a.owner.cmp(&b.owner))
            .then_with(|| a.name.cmp(&b.name))
    });
    v
}

/// Approximate drawn width of `text` when an ASCII character is `ascii_w` wide;
/// Hangul and other wide characters take about 1.6 times that.
pub fn text_width(text: &str, ascii_w: f64) -> f64 {
    text.chars().map(|c| if c.is_ascii() { ascii_w } else { ascii_w * 1.6 }).sum()
}

/// Badges flow after the node's name and wrap onto rows of their own when the
/// node is narrow. Returns the boxes and how many extra rows they took.
fn badges<'a>(node: &'a NodeView, x: f64, y: f64, w: f64) -> (Vec<BadgeBox<'a>>, usize) {
    let right = x + w - PAD;
    let mut bx = x + PAD + text_width(&node.name, NODE_CHAR_W) + 12.0;
    let mut row = 0;
    let mut out = Vec::new();
    for b in &node.badges {
        let bw = text_width(&b.label, BADGE_CHAR_W) + 14.0;
        if bx + bw > right && bx > x + PAD {
            row += 1;
            bx = x + PAD;
        }
        let by = y + 7.0 + row as f64 * BADGE_ROW_H;
        out.push(BadgeBox { badge: b, rect: Rect { x: bx, y: by, w: bw.min(w - 2.0 * PAD), h: BADGE_H } });
        bx += bw + 6.0;
    }
    (out, row)
}

/// Where `n` chips go in rows inside a box of width `w` starting at (x, y): their
/// rects, how many name characters fit, and the height they take.
fn cells(n: usize, x: f64, y: f64, w: f64) -> (Vec<Rect>, usize, f64) {
    let inner = w - 2.0 * PAD;
    let per_row = (((inner + GAP) / (MIN_CHIP_W + GAP)).floor() as usize).max(1);
    let chip_w = ((inner - (per_row - 1) as f64 * GAP) / per_row as f64).max(MIN_CHIP_W.min(inner));
    let name_chars = (((chip_w - 18.0) / CHAR_W).floor() as usize).max(4);
    let rects = (0..n)
        .map(|i| Rect {
            x: x + PAD + (i % per_row) as f64 * (chip_w + GAP),
            y: y + (i / per_row) as f64 * (CHIP_H + GAP),
            w: chip_w,
            h: CHIP_H,
        })
        .collect();
    let rows = n.div_ceil(per_row);
    let h = if rows == 0 { 0.0 } else { rows as f64 * (CHIP_H + GAP) - GAP };
    (rects, name_chars, h)
}

/// Chips in rows inside a box of width `w` starting at (x, y); returns the boxes and
/// the height they take.
fn grid<'a>(pods: &[&'a PodView], x: f64, y: f64, w: f64) -> (Vec<PodBox<'a>>, f64) {
    let (rects, name_chars, h) = cells(pods.len(), x, y, w);
    (pods.iter().zip(rects).map(|(pod, rect)| PodBox { pod, rect, name_chars }).collect(), h)
}

/// Pods by owner (standalone pods by namespace), in drawing order, as boxes with
/// counts per health.
fn groups<'a>(pods: &[&'a PodView], x: f64, y: f64, w: f64) -> (Vec<GroupBox<'a>>, f64) {
    let mut by_owner: Vec<(Option<&'a ObjectRef>, &'a str, Vec<&'a PodView>)> = Vec::new();
    for p in pods {
        match by_owner.last_mut() {
            Some((o, ns, v)) if *o == p.owner.as_ref() && *ns == p.namespace => v.push(p),
            _ => by_owner.push((p.owner.as_ref(), &p.namespace, vec![p])),
        }
    }
    let (rects, name_chars, h) = cells(by_owner.len(), x, y, w);
    let boxes = by_owner
        .into_iter()
        .zip(rects)
        .map(|((owner, namespace, pods), rect)| {
            let mut counts = [0; 6];
            for p in &pods {
                counts[HEALTH_ORDER.iter().position(|h| *h == p.health).unwrap_or(0)] += 1;
            }
            GroupBox { owner, namespace, pods, counts, rect, name_chars }
        })
        .collect();
    (boxes, h)
}

/// Frames around each run of chips that share an owner (two pods or more): one
/// rect per row, drawn in the gap around the chips so no two frames touch.
fn frames<'a>(boxes: &[PodBox<'a>]) -> Vec<OwnerFrame<'a>> {
    const M: f64 = 3.0;
    let mut out: Vec<OwnerFrame<'a>> = Vec::new();
    let mut i = 0;
    while i < boxes.len() {
        let owner = boxes[i].pod.owner.as_ref();
        let mut j = i + 1;
        while j < boxes.len() && boxes[j].pod.owner.as_ref() == owner && boxes[j].pod.namespace == boxes[i].pod.namespace {
            j += 1;
        }
        // Static pods all belong to their Node: a frame would say nothing.
        if let Some(owner) = owner.filter(|o| j - i >= 2 && o.kind != "Node") {
            let mut rects: Vec<Rect> = Vec::new();
            for b in &boxes[i..j] {
                let r = b.rect;
                match rects.last_mut() {
                    Some(last) if (last.y - (r.y - M)).abs() < 0.01 => last.w = r.x + r.w + M - last.x,
                    _ => rects.push(Rect { x: r.x - M, y: r.y - M, w: r.w + 2.0 * M, h: r.h + 2.0 * M }),
                }
            }
            out.push(OwnerFrame { owner, rects });
        }
        i = j;
    }
    out
}

/// The node's processes flowing in rows below the name; returns the boxes and the
/// rows they take.
fn components(node: &NodeView, x: f64, y: f64, w: f64) -> (Vec<ComponentBox>, usize) {
    let list: Vec<&(&str, &str)> = if node.control_plane {
        CONTROL_PLANE_COMPONENTS.iter().chain(NODE_AGENTS).collect()
    } else {
        NODE_AGENTS.iter().collect()
    };
    let right = x + w - PAD;
    let (mut cx, mut row) = (x + PAD, 0);
    let mut out = Vec::new();
    for (id, label) in list {
        let cw = (label.len() as f64 * COMPONENT_CHAR_W + 10.0).min(w - 2.0 * PAD);
        if cx + cw > right && cx > x + PAD {
            row += 1;
            cx = x + PAD;
        }
        let id = if NODE_AGENTS.iter().any(|(a, _)| a == id) { format!("{id}@{}", node.name) } else { id.to_string() };
        out.push(ComponentBox { id, label, rect: Rect { x: cx, y: y + row as f64 * COMPONENT_ROW_H, w: cw, h: COMPONENT_H } });
        cx += cw + 6.0;
    }
    (out, row + 1)
}

fn node_box<'a>(node: &'a NodeView, x: f64, y: f64, w: f64, aggregate: bool) -> NodeBox<'a> {
    let pods = ordered(&node.pods);
    let (badge_boxes, extra_rows) = badges(node, x, y, w);
    let components_y = y + 32.0 + extra_rows as f64 * BADGE_ROW_H;
    let (component_boxes, component_rows) = components(node, x, components_y, w);
    let bars_y = components_y + component_rows as f64 * COMPONENT_ROW_H + 4.0;
    let header_h = bars_y + 20.0 - y;
    let badges_end = badge_boxes.last().map(|b| b.rect.x + b.rect.w).unwrap_or(x + PAD);
    let ip_w = node.ip.chars().count() as f64 * IP_CHAR_W;
    let show_ip = extra_rows == 0 && !node.ip.is_empty() && badges_end + 12.0 + ip_w <= x + w - PAD;
    let (boxes, group_boxes, h) = if aggregate {
        let (g, h) = groups(&pods, x, y + header_h, w);
        (Vec::new(), g, h)
    } else {
        let (b, h) = grid(&pods, x, y + header_h, w);
        (b, Vec::new(), h)
    };
    let h = header_h + h.max(CHIP_H) + PAD;
    NodeBox {
        node,
        rect: Rect { x, y, w, h },
        frames: frames(&boxes),
        pods: boxes,
        groups: group_boxes,
        badges: badge_boxes,
        components: component_boxes,
        header_h,
        bars_y,
        show_ip,
    }
}

/// Lays out the cluster in `width` pixels: the control plane across the top, workers
/// side by side below it (wrapping when narrow).
pub fn layout(view: &PhysicalView, width: f64) -> Layout<'_> {
    let width = width.max(MIN_CHIP_W + 2.0 * PAD + 2.0 * GAP);
    let inner = width - 2.0 * GAP;
    let total = view.unscheduled.len() + view.nodes.iter().map(|n| n.pods.len()).sum::<usize>();
    let aggregated = total > AGGREGATE_ABOVE;
    let mut y = GAP;
    let mut pending = None;
    let mut pending_groups = Vec::new();
    if !view.unscheduled.is_empty() {
        let pods = ordered(&view.unscheduled);
        let (boxes, h) = if aggregated {
            let (g, h) = groups(&pods, GAP, y + 28.0, inner);
            pending_groups = g;
            (Vec::new(), h)
        } else {
            grid(&pods, GAP, y + 28.0, inner)
        };
        let rect = Rect { x: GAP, y, w: inner, h: 28.0 + h + PAD };
        y += rect.h + GAP;
        pending = Some((rect, boxes));
    }
    let mut nodes = Vec::new();
    let (control, workers): (Vec<&NodeView>, Vec<&NodeView>) = view.nodes.iter().partition(|n| n.control_plane);
    for n in control {
        let b = node_box(n, GAP, y, inner, aggregated);
        y += b.rect.h + GAP;
        nodes.push(b);
    }
    if !workers.is_empty() {
        let per_row = (((inner + GAP) / (MIN_NODE_W + GAP)).floor() as usize).clamp(1, workers.len());
        let w = (inner - (per_row - 1) as f64 * GAP) / per_row as f64;
        for row in workers.chunks(per_row) {
            let boxes: Vec<NodeBox> =
                row.iter().enumerate().map(|(i, n)| node_box(n, GAP + i as f64 * (w + GAP), y, w, aggregated)).collect();
            // Workers in a row share one height, so the row reads as a row.
            let h = boxes.iter().map(|b| b.rect.h).fold(0.0, f64::max);
            for mut b in boxes {
                b.rect.h = h;
                nodes.push(b);
            }
            y += h + GAP;
        }
    }
    Layout { width, height: y, nodes, pending, pending_groups, aggregated }
}

/// A pod name cut to `max` characters, with an ellipsis when cut.
pub fn short_name(name: &str, max: usize) -> String {
    if name.chars().count() <= max {
        name.to_string()
    } else {
        let head: String = name.chars().take(max.saturating_sub(1)).collect();
        format!("{head}…")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use kubeplay_core::{ClusterConfig, Shell};

    fn view_with(pods: usize) -> PhysicalView {
        let mut sh = Shell::new(ClusterConfig::default());
        for i in 0..pods {
            sh.execute(&format!("kubectl run p{i} --image=nginx"));
        }
        sh.cluster.advance_by(30_000);
        PhysicalView::of(&sh.cluster)
    }

    fn check(l: &Layout) {
        let mut all: Vec<Rect> = Vec::new();
        for n in &l.nodes {
            assert!(n.rect.x >= 0.0 && n.rect.x + n.rect.w <= l.width + 0.01, "node inside width");
            for p in &n.pods {
                assert!(n.rect.contains(&p.rect), "{} inside {}", p.pod.name, n.node.name);
                assert!(p.rect.y >= n.rect.y + n.header_h, "{} below the header of {}", p.pod.name, n.node.name);
                all.push(p.rect);
            }
            for b in &n.badges {
                assert!(n.rect.contains(&b.rect), "badge {} inside {}", b.badge.label, n.node.name);
                assert!(b.rect.y + b.rect.h <= n.rect.y + n.header_h, "badge {} in the header", b.badge.label);
            }
            for t in n.header_texts() {
                assert!(n.rect.contains(&t), "{}'s header texts inside it", n.node.name);
                for b in &n.badges {
                    assert!(!t.overlaps(&b.rect), "{}'s name or IP overlaps badge {}", n.node.name, b.badge.label);
                }
                for c in &n.components {
                    assert!(!t.overlaps(&c.rect), "{}'s name or IP overlaps component {}", n.node.name, c.id);
                }
            }
            for (i, a) in n.badges.iter().enumerate() {
                for b in &n.badges[i + 1..] {
                    assert!(!a.rect.overlaps(&b.rect), "badges {} and {} overlap", a.badge.label, b.badge.label);
                }
            }
            for (i, c) in n.components.iter().enumerate() {
                assert!(n.rect.contains(&c.rect), "component {} inside {}", c.id, n.node.name);
                assert!(c.rect.y + c.rect.h <= n.bars_y, "component {} above the bars", c.id);
                for b in &n.badges {
                    assert!(!c.rect.overlaps(&b.rect), "component {} overlaps badge {}", c.id, b.badge.label);
                }
                for d in &n.components[i + 1..] {
                    assert!(!c.rect.overlaps(&d.rect), "components {} and {} overlap", c.id, d.id);
                }
            }
            for g in &n.groups {
                assert!(n.rect.contains(&g.rect), "group inside {}", n.node.name);
                assert!(g.rect.y >= n.rect.y + n.header_h, "group below the header of {}", n.node.name);
                all.push(g.rect);
            }
            let framed: Vec<Rect> = n.frames.iter().flat_map(|f| f.rects.clone()).collect();
            for (i, a) in framed.iter().enumerate() {
                assert!(n.rect.contains(a), "frame inside {}", n.node.name);
                for b in &framed[i + 1..] {
                    assert!(!a.overlaps(b), "owner frames overlap in {}", n.node.name);
                }
            }
        }
        for (i, a) in l.nodes.iter().enumerate() {
            for b in &l.nodes[i + 1..] {
                assert!(!a.rect.overlaps(&b.rect), "{} overlaps {}", a.node.name, b.node.name);
            }
        }
        for (i, a) in all.iter().enumerate() {
            for b in &all[i + 1..] {
                assert!(!a.overlaps(b), "chips overlap");
            }
        }
    }

    #[test]
    fn default_cluster_fits_wide_and_narrow() {
        let v = view_with(0);
        for width in [360.0, 640.0, 1280.0] {
            let l = layout(&v, width);
            assert_eq!(l.nodes.len(), 3);
            assert_eq!(l.nodes[0].node.name, "controlplane");
            check(&l);
        }
        // Wide: the two workers share a row; narrow: they stack.
        let wide = layout(&v, 1280.0);
        assert_eq!(wide.nodes[1].rect.y, wide.nodes[2].rect.y);
        let narrow = layout(&v, 360.0);
        assert!(narrow.nodes[2].rect.y > narrow.nodes[1].rect.y);
    }

    #[test]
    fn badges_wrap_below_the_name_on_a_narrow_node() {
        let mut v = view_with(0);
        let n1 = v.nodes.iter_mut().find(|n| n.name == "node01").unwrap();
        n1.badges.push(NodeBadge { label: "SchedulingDisabled".into(), tone: kubeplay_core::view::Tone::Warning });
        let l = layout(&v, 500.0);
        check(&l);
        let n1 = l.nodes.iter().find(|n| n.node.name == "node01").unwrap();
        let n2 = l.nodes.iter().find(|n| n.node.name == "node02").unwrap();
        assert_eq!(n1.rect.y, n2.rect.y, "two workers side by side at 500 px");
        assert_eq!(n1.header_h, HEADER_H + BADGE_ROW_H, "the second badge wrapped");
        assert!(!n1.show_ip);
        let wide = layout(&v, 1280.0);
        check(&wide);
        let n1 = wide.nodes.iter().find(|n| n.node.name == "node01").unwrap();
        assert_eq!(n1.header_h, HEADER_H, "room for both badges beside the name");
    }

    #[test]
    fn many_pods_do_not_overlap() {
        check(&layout(&view_with(25), 700.0));
    }

    #[test]
    fn control_plane_shows_its_components_and_every_node_its_agents() {
        let v = view_with(0);
        for width in [360.0, 1280.0] {
            let l = layout(&v, width);
            check(&l);
            let ids: Vec<&str> = l.nodes[0].components.iter().map(|c| c.id.as_str()).collect();
            assert_eq!(
                ids,
                ["kubectl", "apiserver", "etcd", "scheduler", "controller-manager", "kubelet@controlplane", "kube-proxy@controlplane", "runtime@controlplane"]
            );
            let n1 = l.nodes.iter().find(|n| n.node.name == "node01").unwrap();
            let ids: Vec<&str> = n1.components.iter().map(|c| c.id.as_str()).collect();
            assert_eq!(ids, ["kubelet@node01", "kube-proxy@node01", "runtime@node01"]);
        }
        // Wide: the control plane's eight fit on one row; narrow: they wrap.
        assert_eq!(layout(&v, 1280.0).nodes[0].header_h, HEADER_H);
        assert!(layout(&v, 360.0).nodes[0].header_h > HEADER_H);
    }

    #[test]
    fn pods_of_one_owner_are_framed_together() {
        let mut sh = Shell::new(ClusterConfig::default());
        sh.execute("kubectl create deployment web --image nginx --replicas 6");
        sh.cluster.advance_by(30_000);
        let v = PhysicalView::of(&sh.cluster);
        let l = layout(&v, 700.0);
        check(&l);
        let framed: usize = l.nodes.iter().flat_map(|n| &n.frames).filter(|f| f.owner.name.starts_with("web-")).count();
        assert!(framed >= 1, "web's pods framed on the nodes running two or more");
        assert!(!l.aggregated);
    }

    #[test]
    fn above_three_hundred_pods_owners_are_counted_not_drawn_one_by_one() {
        let mut sh = Shell::new(ClusterConfig::default());
        sh.execute("kubectl create deployment big --image nginx --replicas 320");
        sh.cluster.advance_by(60_000);
        let v = PhysicalView::of(&sh.cluster);
        for width in [360.0, 1280.0] {
            let l = layout(&v, width);
            check(&l);
            assert!(l.aggregated);
            assert!(l.nodes.iter().all(|n| n.pods.is_empty()), "no pod chips when aggregated");
            let counted: usize = l.nodes.iter().flat_map(|n| &n.groups).map(|g| g.pods.len()).sum::<usize>()
                + l.pending_groups.iter().map(|g| g.pods.len()).sum::<usize>();
            let total = v.nodes.iter().map(|n| n.pods.len()).sum::<usize>() + v.unscheduled.len();
            assert_eq!(counted, total, "every pod counted once");
            let big: usize = l.nodes.iter().flat_map(|n| &n.groups).chain(&l.pending_groups)
                .filter(|g| g.owner.is_some_and(|o| o.name.starts_with("big-")))
                .map(|g| g.counts.iter().sum::<usize>())
                .sum();
            assert_eq!(big, 320);
            assert!(l.nodes.iter().map(|n| n.groups.len()).sum::<usize>() < 40, "a handful of boxes");
        }
    }

    #[test]
    fn hangul_counts_wider_than_ascii() {
        assert_eq!(text_width("CPU", 10.0), 30.0);
        assert_eq!(text_width("메모리", 10.0), 48.0);
    }

    #[test]
    fn names_are_shortened_with_an_ellipsis() {
        assert_eq!(short_name("whoami", 20), "whoami");
        let s = short_name("calico-kube-controllers-5d89656f79-779zl", 20);
        assert_eq!(s.chars().count(), 20);
        assert!(s.ends_with('…'));
    }
}
