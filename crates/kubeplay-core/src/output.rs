//! What a command prints: lines on stdout or stderr, in the order they were printed
//! (kubectl flushes each error line, so the merged order is the real one).

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Stream {
    Stdout,
    Stderr,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OutputLine {
    pub stream: Stream,
    pub text: String,
}

/// Collects a command's output.
#[derive(Clone, Debug, Default)]
pub struct Output {
    pub lines: Vec<OutputLine>,
}

impl Output {
    fn push(&mut self, stream: Stream, text: &str) {
        let text = text.strip_suffix('\n').unwrap_or(text);
        for line in text.split('\n') {
            self.lines.push(OutputLine { stream, text: line.to_string() });
        }
    }

    /// Prints `text` (one or more lines; a single trailing newline is implied).
    pub fn out(&mut self, text: &str) {
        self.push(Stream::Stdout, text);
    }

    pub fn err(&mut self, text: &str) {
        self.push(Stream::Stderr, text);
    }

    /// Everything as one string, a newline after each line.
    pub fn text(&self) -> String {
        self.lines.iter().map(|l| format!("{}\n", l.text)).collect()
    }
}
