//! Where things go in the physical view, computed from the cluster picture and the
//! width available. Pure geometry, no cluster logic and no browser calls, so it is
//! tested natively: nothing overlaps, everything fits the width.

use kubeplay_core::view::{NodeBadge, NodeView, PhysicalView, PodView};

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
/// Node name and badges, the agents (kubelet, container runtime), and the capacity
/// bars, when the badges fit on the name's row.
pub const HEADER_H: f64 = 74.0;
/// One more row of badges when they do not fit beside the name.
pub const BADGE_ROW_H: f64 = 20.0;
pub const BADGE_H: f64 = 16.0;
/// Narrowest a worker gets before workers wrap onto the next row: wide enough for
/// the agents line and two capacity bars.
pub const MIN_NODE_W: f64 = 236.0;
/// Width of one character of a pod name (11 px monospace).
const CHAR_W: f64 = 6.7;
/// Width of one character of a node name (15 px bold) and of a badge (10.5 px).
const NODE_CHAR_W: f64 = 9.6;
const BADGE_CHAR_W: f64 = 6.4;
/// Width of one character of the node's IP (12 px monospace).
const IP_CHAR_W: f64 = 7.3;

#[derive(Clone, Debug, PartialEq)]
pub struct PodBox<'a> {
    pub pod: &'a PodView,
    pub rect: Rect,
    /// How many characters of the name fit on this chip.
    pub name_chars: usize,
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
    /// Height of the header (name, badges, agents, bars) above the pods.
    pub header_h: f64,
    /// Whether the node's IP fits at the right end of the name's row.
    pub show_ip: bool,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Layout<'a> {
    pub width: f64,
    pub height: f64,
    pub nodes: Vec<NodeBox<'a>>,
    /// Pods no node has accepted yet, shown above the nodes.
    pub pending: Option<(Rect, Vec<PodBox<'a>>)>,
}

/// User workloads first, then the cluster's own pods; within each, pods of one
/// owner side by side, then by name.
fn ordered(pods: &[PodView]) -> Vec<&PodView> {
    let mut v: Vec<&PodView> = pods.iter().collect();
    v.sort_by(|a, b| {
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

/// Chips in rows inside a box of width `w` starting at (x, y); returns the boxes and
/// the height they take.
fn grid<'a>(pods: &[&'a PodView], x: f64, y: f64, w: f64) -> (Vec<PodBox<'a>>, f64) {
    let inner = w - 2.0 * PAD;
    let per_row = (((inner + GAP) / (MIN_CHIP_W + GAP)).floor() as usize).max(1);
    let chip_w = ((inner - (per_row - 1) as f64 * GAP) / per_row as f64).max(MIN_CHIP_W.min(inner));
    let name_chars = (((chip_w - 18.0) / CHAR_W).floor() as usize).max(4);
    let boxes: Vec<PodBox<'a>> = pods
        .iter()
        .enumerate()
        .map(|(i, pod)| PodBox {
            pod,
            rect: Rect {
                x: x + PAD + (i % per_row) as f64 * (chip_w + GAP),
                y: y + (i / per_row) as f64 * (CHIP_H + GAP),
                w: chip_w,
                h: CHIP_H,
            },
            name_chars,
        })
        .collect();
    let rows = pods.len().div_ceil(per_row);
    let h = if rows == 0 { 0.0 } else { rows as f64 * (CHIP_H + GAP) - GAP };
    (boxes, h)
}

fn node_box<'a>(node: &'a NodeView, x: f64, y: f64, w: f64) -> NodeBox<'a> {
    let pods = ordered(&node.pods);
    let (badge_boxes, extra_rows) = badges(node, x, y, w);
    let header_h = HEADER_H + extra_rows as f64 * BADGE_ROW_H;
    let badges_end = badge_boxes.last().map(|b| b.rect.x + b.rect.w).unwrap_or(x + PAD);
    let ip_w = node.ip.chars().count() as f64 * IP_CHAR_W;
    let show_ip = extra_rows == 0 && !node.ip.is_empty() && badges_end + 12.0 + ip_w <= x + w - PAD;
    let (boxes, h) = grid(&pods, x, y + header_h, w);
    let h = header_h + h.max(CHIP_H) + PAD;
    NodeBox { node, rect: Rect { x, y, w, h }, pods: boxes, badges: badge_boxes, header_h, show_ip }
}

/// Lays out the cluster in `width` pixels: the control plane across the top, workers
/// side by side below it (wrapping when narrow).
pub fn layout(view: &PhysicalView, width: f64) -> Layout<'_> {
    let width = width.max(MIN_CHIP_W + 2.0 * PAD + 2.0 * GAP);
    let inner = width - 2.0 * GAP;
    let mut y = GAP;
    let mut pending = None;
    if !view.unscheduled.is_empty() {
        let pods: Vec<&PodView> = view.unscheduled.iter().collect();
        let (boxes, h) = grid(&pods, GAP, y + 28.0, inner);
        let rect = Rect { x: GAP, y, w: inner, h: 28.0 + h + PAD };
        y += rect.h + GAP;
        pending = Some((rect, boxes));
    }
    let mut nodes = Vec::new();
    let (control, workers): (Vec<&NodeView>, Vec<&NodeView>) = view.nodes.iter().partition(|n| n.control_plane);
    for n in control {
        let b = node_box(n, GAP, y, inner);
        y += b.rect.h + GAP;
        nodes.push(b);
    }
    if !workers.is_empty() {
        let per_row = (((inner + GAP) / (MIN_NODE_W + GAP)).floor() as usize).clamp(1, workers.len());
        let w = (inner - (per_row - 1) as f64 * GAP) / per_row as f64;
        for row in workers.chunks(per_row) {
            let boxes: Vec<NodeBox> =
                row.iter().enumerate().map(|(i, n)| node_box(n, GAP + i as f64 * (w + GAP), y, w)).collect();
            // Workers in a row share one height, so the row reads as a row.
            let h = boxes.iter().map(|b| b.rect.h).fold(0.0, f64::max);
            for mut b in boxes {
                b.rect.h = h;
                nodes.push(b);
            }
            y += h + GAP;
        }
    }
    Layout { width, height: y, nodes, pending }
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
            for (i, a) in n.badges.iter().enumerate() {
                for b in &n.badges[i + 1..] {
                    assert!(!a.rect.overlaps(&b.rect), "badges {} and {} overlap", a.badge.label, b.badge.label);
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
