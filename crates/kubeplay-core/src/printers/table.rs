//! Go's `text/tabwriter`, the engine under every kubectl table and `describe`.
//!
//! Written here rather than taken from the `tabwriter` crate because that port
//! applies `minwidth` before adding the padding (`max(minwidth, w) + padding`) and
//! measures display width, while Go computes `max(minwidth, w + padding)` and counts
//! runes; with kubectl's settings the crate would print `READY    ` where kubectl
//! prints `READY   `. Semantics copied from Go: a cell is tab-terminated, so the text
//! after a line's last tab is not a cell (never padded, never widens a column), and a
//! column is aligned only over a block of consecutive lines that have a cell in it.

/// `kubectl get` tables: minwidth 6, padding 3 (cli-runtime printers/tabwriter.go).
pub fn get_table(lines: &[String]) -> String {
    align(lines, 6, 3)
}

/// `describe` and other `tabbedString` output: minwidth 0, padding 2.
pub fn tabbed(lines: &[String]) -> String {
    align(lines, 0, 2)
}

/// Joins cells into one tab-separated row.
pub fn row<S: AsRef<str>>(cells: &[S]) -> String {
    cells.iter().map(AsRef::as_ref).collect::<Vec<_>>().join("\t")
}

struct Aligner<'a> {
    /// Each line split at tabs: all but the last part are cells.
    lines: Vec<Vec<&'a str>>,
    minwidth: usize,
    padding: usize,
    widths: Vec<usize>,
    out: String,
}

fn width(s: &str) -> usize {
    s.chars().count()
}

impl Aligner<'_> {
    fn cells(&self, line: usize) -> usize {
        self.lines[line].len() - 1
    }

    /// Go's `Writer.format`: find column blocks recursively, then write lines.
    fn format(&mut self, mut line0: usize, line1: usize) {
        let column = self.widths.len();
        let mut this = line0;
        while this < line1 {
            if column >= self.cells(this) {
                this += 1;
                continue;
            }
            self.write_lines(line0, this);
            line0 = this;
            let mut w = self.minwidth;
            while this < line1 && column < self.cells(this) {
                w = w.max(width(self.lines[this][column]) + self.padding);
                this += 1;
            }
            self.widths.push(w);
            self.format(line0, this);
            self.widths.pop();
            line0 = this;
        }
        self.write_lines(line0, line1);
    }

    fn write_lines(&mut self, from: usize, to: usize) {
        for i in from..to {
            let parts = &self.lines[i];
            for (j, cell) in parts.iter().enumerate() {
                self.out.push_str(cell);
                if j + 1 < parts.len() {
                    if let Some(&w) = self.widths.get(j) {
                        let pad = w.saturating_sub(width(cell));
                        self.out.extend(std::iter::repeat_n(' ', pad));
                    }
                }
            }
            self.out.push('\n');
        }
    }
}

fn align(lines: &[String], minwidth: usize, padding: usize) -> String {
    let split: Vec<Vec<&str>> = lines.iter().flat_map(|l| l.split('\n')).map(|l| l.split('\t').collect()).collect();
    let n = split.len();
    let mut a = Aligner { lines: split, minwidth, padding, widths: Vec::new(), out: String::new() };
    a.format(0, n);
    a.out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn last_column_is_not_padded_and_minwidth_applies_after_padding() {
        let out = get_table(&[row(&["NAME", "READY", "STATUS", "RESTARTS", "AGE"]), row(&["whoami", "1/1", "Running", "0", "5s"])]);
        assert_eq!(out, "NAME     READY   STATUS    RESTARTS   AGE\nwhoami   1/1     Running   0          5s\n");
    }

    #[test]
    fn short_columns_are_widened_to_minwidth() {
        assert_eq!(get_table(&[row(&["A", "B"]), row(&["x", "y"])]), "A     B\nx     y\n");
    }

    #[test]
    fn width_counts_runes() {
        let out = get_table(&[row(&["이름", "X"]), row(&["abcdefgh", "Y"])]);
        assert_eq!(out.lines().next().unwrap(), format!("이름{}X", " ".repeat(9)));
    }

    #[test]
    fn column_blocks_end_at_a_line_without_that_cell() {
        // describe-style: the line without a tab splits the blocks.
        let out = tabbed(&["Name:\tweb".into(), "Labels:\tapp=web".into(), "Containers:".into(), "  Image:\tnginx".into()]);
        assert_eq!(out, "Name:    web\nLabels:  app=web\nContainers:\n  Image:  nginx\n");
    }

    #[test]
    fn trailing_tab_makes_a_padded_cell() {
        // Conditions rows in describe end with "True \n": the cell before the last tab is padded.
        let out = tabbed(&["  Type\tStatus".into(), "  Ready\tTrue ".into()]);
        assert_eq!(out, "  Type   Status\n  Ready  True \n");
    }
}
