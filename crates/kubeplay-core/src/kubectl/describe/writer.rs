//! describe.go's `PrefixWriter` over `tabbedString`'s tab writer: text written at an
//! indentation level (two spaces per level), `Key:\tValue` cells aligned by Go's
//! `text/tabwriter` (minwidth 0, tabwidth 8, padding 2). `flush` ends the current
//! alignment run, as `w.Flush()` does before an events table.

use crate::printers::table::tabbed;

pub const LEVEL_0: usize = 0;
pub const LEVEL_1: usize = 1;
pub const LEVEL_2: usize = 2;
pub const LEVEL_3: usize = 3;

#[derive(Default)]
pub struct PrefixWriter {
    done: String,
    pending: String,
}

impl PrefixWriter {
    pub fn new() -> Self {
        Self::default()
    }

    /// `Write(level, format, ...)`: the already formatted `text`, indented.
    pub fn write(&mut self, level: usize, text: &str) {
        for _ in 0..level {
            self.pending.push_str("  ");
        }
        self.pending.push_str(text);
    }

    /// `WriteLine(a...)`: `text` and a newline, not indented.
    pub fn write_line(&mut self, text: &str) {
        self.pending.push_str(text);
        self.pending.push('\n');
    }

    /// Aligns and emits everything written so far; later cells align on their own.
    pub fn flush(&mut self) {
        if self.pending.is_empty() {
            return;
        }
        let body = self.pending.strip_suffix('\n').unwrap_or(&self.pending);
        let aligned = tabbed(&[body.to_string()]);
        // A final line without a newline stays open, as in the Go writer's buffer.
        if self.pending.ends_with('\n') {
            self.done.push_str(&aligned);
        } else {
            self.done.push_str(aligned.strip_suffix('\n').unwrap_or(&aligned));
        }
        self.pending.clear();
    }

    /// What was written, unaligned: `NewPrefixWriter` over a plain buffer, as
    /// `rollout history --revision` prints a pod template (tabs left as they are).
    pub fn raw(self) -> String {
        self.done + &self.pending
    }

    /// The finished text (`tabbedString`'s result).
    pub fn finish(mut self) -> String {
        self.flush();
        self.done
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn levels_and_blocks() {
        let mut w = PrefixWriter::new();
        w.write(LEVEL_0, "Name:\tweb\n");
        w.write(LEVEL_0, "Namespace:\tdefault\n");
        w.write(LEVEL_0, "Labels:\t");
        w.write_line("<none>");
        w.write(LEVEL_0, "Containers:\n");
        w.write(LEVEL_1, "web:\n");
        w.write(LEVEL_2, "Image:\tnginx\n");
        w.flush();
        w.write(LEVEL_0, "Events:\n");
        assert_eq!(w.finish(), "Name:       web\nNamespace:  default\nLabels:     <none>\nContainers:\n  web:\n    Image:  nginx\nEvents:\n");
    }
}
