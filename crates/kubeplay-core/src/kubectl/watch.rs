//! `kubectl get -w` (cli-runtime printers/tableprinter.go with `RememberWidths`):
//! after the first table, one row per change of a watched object — added,
//! modified (a new resourceVersion, even when the row reads the same, as a real
//! watch does), or deleted (its last row) — aligned with the widths printed so
//! far. It never ends on its own: the page stops it with Ctrl+C; the headless
//! runner stops when the cluster has nothing more to do.

use std::collections::BTreeMap;

use super::get::TableLayout;
use super::resources::{by_plural, Item, Want};
use crate::api::selectors::parse_selector;
use crate::api::ObjectKey;
use crate::cluster::Cluster;
use crate::output::Output;
use crate::time::SimTime;

/// How long the headless runner lets a watch run while timers are still due.
pub const HEADLESS_LIMIT_MS: i64 = 5 * 60 * 1000;

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TableWatch {
    pub plural: &'static str,
    pub namespace: Option<String>,
    pub names: Vec<String>,
    pub selector: Option<String>,
    pub all_ns: bool,
    pub wide: bool,
    pub show_labels: bool,
    pub label_columns: Vec<String>,
    /// Column widths (cell + padding) remembered from everything printed so far.
    pub widths: Vec<usize>,
    /// Last resourceVersion and row per object.
    pub seen: BTreeMap<ObjectKey, (String, Vec<String>)>,
    pub started: SimTime,
    pub header_printed: bool,
}

impl TableWatch {
    pub(crate) fn new(layout: &TableLayout, namespace: Option<String>, names: Vec<String>, selector: Option<String>, started: SimTime) -> TableWatch {
        TableWatch {
            plural: layout.rt.plural,
            namespace,
            names,
            selector,
            all_ns: layout.all_ns,
            wide: layout.wide,
            show_labels: layout.show_labels,
            label_columns: layout.label_columns.clone(),
            widths: Vec::new(),
            seen: BTreeMap::new(),
            started,
            header_printed: false,
        }
    }

    fn layout(&self) -> Option<TableLayout> {
        let rt = by_plural(self.plural)?;
        Some(TableLayout { rt, all_ns: self.all_ns, wide: self.wide, show_labels: self.show_labels, label_columns: self.label_columns.clone(), multi_kind: false })
    }

    fn current(&self, cluster: &Cluster) -> Vec<Item> {
        let Some(rt) = by_plural(self.plural) else { return Vec::new() };
        let ns = self.namespace.clone().unwrap_or_default();
        let mut items: Vec<Item> = if self.names.is_empty() {
            (rt.list)(cluster, self.namespace.as_deref(), Want::Cells)
        } else {
            self.names.iter().filter_map(|n| (rt.get)(cluster, &ns, n, Want::Cells).ok()).collect()
        };
        if let Some(sel) = self.selector.as_deref().and_then(|s| parse_selector(s).ok()) {
            items.retain(|i| sel.iter().all(|r| r.matches(&i.labels)));
        }
        items
    }

    /// Records what the first table showed, so later rows line up with it.
    pub fn prime(&mut self, cluster: &Cluster, printed: &[Vec<String>]) {
        for cells in printed {
            self.remember(cells);
        }
        self.header_printed = !printed.is_empty();
        let Some(layout) = self.layout() else { return };
        for item in self.current(cluster) {
            let cells = layout.cells(&item);
            self.seen.insert(item.key.clone(), (item.resource_version.clone(), cells));
        }
    }

    fn remember(&mut self, cells: &[String]) {
        for (i, c) in cells.iter().enumerate().take(cells.len().saturating_sub(1)) {
            let w = (c.chars().count() + 3).max(6);
            if i >= self.widths.len() {
                self.widths.push(w);
            } else if w > self.widths[i] {
                self.widths[i] = w;
            }
        }
    }

    fn line(&mut self, cells: &[String]) -> String {
        self.remember(cells);
        let mut s = String::new();
        for (i, c) in cells.iter().enumerate() {
            s.push_str(c);
            if i + 1 < cells.len() {
                let pad = self.widths[i].saturating_sub(c.chars().count());
                s.extend(std::iter::repeat_n(' ', pad));
            }
        }
        s
    }

    /// Prints the rows of everything that changed since the last poll.
    pub fn poll(&mut self, cluster: &Cluster, out: &mut Output) {
        let Some(layout) = self.layout() else { return };
        let items = self.current(cluster);
        let mut rows: Vec<Vec<String>> = Vec::new();
        let mut live = std::collections::BTreeSet::new();
        for item in &items {
            live.insert(item.key.clone());
            let changed = self.seen.get(&item.key).is_none_or(|(rv, _)| *rv != item.resource_version);
            if changed {
                let cells = layout.cells(item);
                self.seen.insert(item.key.clone(), (item.resource_version.clone(), cells.clone()));
                rows.push(cells);
            }
        }
        let gone: Vec<ObjectKey> = self.seen.keys().filter(|k| !live.contains(*k)).cloned().collect();
        for k in gone {
            if let Some((_, cells)) = self.seen.remove(&k) {
                rows.push(cells);
            }
        }
        if rows.is_empty() {
            return;
        }
        if !self.header_printed {
            let header = layout.header();
            self.remember(&header);
            for r in &rows {
                self.remember(r);
            }
            let line = self.line(&header);
            out.out(&line);
            self.header_printed = true;
        }
        for r in rows {
            let line = self.line(&r);
            out.out(&line);
        }
    }
}
