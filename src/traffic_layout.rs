//! Pure geometry of the traffic picture: the stations of the core's
//! [`TrafficView`] in tiers from top to bottom (client, load balancer/DNS, node,
//! Service, pods), each tier's boxes in rows that wrap to the width, and the points
//! a request's dot passes. Tested natively: boxes never overlap and stay inside.

use std::collections::BTreeMap;

use kubeplay_core::view::{Column, Station, TrafficView};

use crate::layout::Rect;

pub const PAD: f64 = 12.0;
/// The caption above each tier.
pub const CAPTION_H: f64 = 18.0;
const GAP: f64 = 10.0;
const TIER_GAP: f64 = 22.0;
const BOX_H: f64 = 40.0;
const POD_H: f64 = 52.0;
const MIN_W: f64 = 138.0;
const MAX_W: f64 = 230.0;

/// One tier: its column, the caption's baseline, its boxes.
pub struct Tier<'a> {
    pub column: Column,
    pub caption_y: f64,
    pub boxes: Vec<(&'a Station, Rect)>,
}

pub struct TrafficLayout<'a> {
    pub width: f64,
    pub height: f64,
    pub tiers: Vec<Tier<'a>>,
    /// Box of each station id.
    pub rects: BTreeMap<&'a str, Rect>,
}

impl TrafficLayout<'_> {
    /// The centre of a station's box, where a request's dot passes.
    pub fn anchor(&self, id: &str) -> Option<(f64, f64)> {
        self.rects.get(id).map(|r| (r.x + r.w / 2.0, r.y + r.h / 2.0))
    }

    /// The points of a path, skipping stations not drawn.
    pub fn points(&self, path: &[String]) -> Vec<(f64, f64)> {
        path.iter().filter_map(|id| self.anchor(id)).collect()
    }
}

/// How many characters of 12px text fit in a box `w` wide (after its padding).
pub fn chars_for(w: f64, reserved: f64) -> usize {
    (((w - 20.0 - reserved) / 6.8).floor().max(4.0)) as usize
}

pub fn layout(view: &TrafficView, width: f64) -> TrafficLayout<'_> {
    let width = width.max(300.0);
    let inner = width - 2.0 * PAD;
    let mut tiers = Vec::new();
    let mut rects = BTreeMap::new();
    let mut y = PAD;
    for column in [Column::Client, Column::Entry, Column::Node, Column::Service, Column::Pod] {
        let stations: Vec<&Station> = view.stations.iter().filter(|s| s.column == column).collect();
        if stations.is_empty() {
            continue;
        }
        let caption_y = y + 12.0;
        y += CAPTION_H;
        let per_row = (((inner + GAP) / (MIN_W + GAP)).floor() as usize).max(1);
        let cols = stations.len().min(per_row);
        let w = ((inner - GAP * (cols as f64 - 1.0)) / cols as f64).min(MAX_W);
        let h = if column == Column::Pod { POD_H } else { BOX_H };
        let row_w = w * cols as f64 + GAP * (cols as f64 - 1.0);
        let x0 = PAD + (inner - row_w) / 2.0;
        let mut boxes = Vec::new();
        for (i, s) in stations.into_iter().enumerate() {
            let (row, col) = (i / cols, i % cols);
            let r = Rect { x: x0 + col as f64 * (w + GAP), y: y + row as f64 * (h + GAP), w, h };
            rects.insert(s.id.as_str(), r);
            boxes.push((s, r));
        }
        let rows = boxes.len().div_ceil(cols);
        y += rows as f64 * h + (rows as f64 - 1.0) * GAP + TIER_GAP;
        tiers.push(Tier { column, caption_y, boxes });
    }
    TrafficLayout { width, height: y - TIER_GAP + PAD, tiers, rects }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn station(id: &str, column: Column) -> Station {
        Station { id: id.into(), column, label: id.into(), detail: String::new(), served: None, ready: true }
    }

    #[test]
    fn boxes_fit_and_never_overlap() {
        let mut stations = vec![station("client:outside", Column::Client), station("lb:1", Column::Entry), station("svc:default/web", Column::Service)];
        stations.extend((0..9).map(|i| station(&format!("pod:default/web-{i}"), Column::Pod)));
        let view = TrafficView { stations, ..Default::default() };
        for width in [300.0, 390.0, 640.0, 1000.0] {
            let l = layout(&view, width);
            let all: Vec<Rect> = l.rects.values().copied().collect();
            assert_eq!(all.len(), 12);
            for (i, a) in all.iter().enumerate() {
                assert!(a.x >= 0.0 && a.x + a.w <= l.width + 0.01 && a.y + a.h <= l.height, "{width}: {a:?}");
                for b in &all[i + 1..] {
                    let apart = a.x + a.w <= b.x || b.x + b.w <= a.x || a.y + a.h <= b.y || b.y + b.h <= a.y;
                    assert!(apart, "{width}: {a:?} {b:?}");
                }
            }
            assert_eq!(l.points(&["client:outside".into(), "nowhere".into(), "pod:default/web-3".into()]).len(), 2);
        }
    }
}
