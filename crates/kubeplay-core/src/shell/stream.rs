//! A pipeline whose command keeps running: `kubectl logs -f POD | grep GET`,
//! `kubectl get pods -w | awk '{print $1}'`. In bash the commands after the pipe
//! read each line as it is written, so a filter prints as lines arrive, and Ctrl+C
//! ends the whole pipeline. Here the running command is a [`Foreground`] polled by
//! the page or the headless runner; what each poll prints is handed to
//! [`StreamRoute::deliver`], which sends it where the command's descriptors point
//! (the pipe, a file, the terminal) and runs the rest of the pipeline over it.
//!
//! Every command is a function of its whole input, so the rest of the pipeline is
//! run again over everything written to the pipe so far and only what it prints
//! beyond the previous run reaches its destination. That is exact for the filters
//! that print as they read (grep, cut, tr, head, cat, tee, sed, awk without `END`);
//! every other command (sort, wc, tail, jq, kubectl …) reads to the end of its input
//! first, so it runs once, when the running command ends, as in bash — and never
//! when Ctrl+C ends them all. A filter writing into another pipe fills stdio's
//! 4 KiB buffer before the next command sees anything (`grep --line-buffered` and
//! `sed -u` flush per line), which is why `… | grep x | awk …` shows nothing for a
//! while in a real terminal too.
//!
//! [`Foreground`]: crate::foreground::Foreground

use super::exec::{self, Prepared, Sink, Target};
use super::Shell;
use crate::output::{Output, OutputLine, Stream};

/// stdio's buffer for a pipe (glibc uses the pipe's `st_blksize`, a page).
const PIPE_BUFFER: usize = 4096;

/// Beyond this much text in the pipe, the oldest lines are dropped (the filters are
/// re-run over it, so it must stay bounded on an endless `logs -f`).
const KEPT_INPUT: usize = 256 * 1024;

/// Where a running command's later output goes, and the commands after it.
#[derive(Clone, Debug)]
pub struct StreamRoute {
    /// The running command's descriptors (after its redirections).
    head: [Target; 3],
    /// What it has written into the pipe so far (the part kept).
    input: String,
    stages: Vec<Stage>,
    /// `! cmd | …`
    negate: bool,
}

/// One command after the pipe.
#[derive(Clone, Debug)]
struct Stage {
    /// `Err(status)`: its expansion or a redirection failed; it reads nothing.
    cmd: Result<Option<Prepared>, i32>,
    /// Bytes of its stdout and stderr already sent on (a re-run prints them again).
    sent: [usize; 2],
}

impl Stage {
    fn words(&self) -> &[String] {
        match &self.cmd {
            Ok(Some(p)) => &p.words,
            _ => &[],
        }
    }

    /// Whether the command prints while its input is still open.
    fn prints_as_it_reads(&self) -> bool {
        let Some((name, args)) = self.words().split_first() else { return true };
        match name.as_str() {
            "grep" | "egrep" | "fgrep" => !args.iter().any(|a| is_flag(a, &["c", "l", "L", "q"], &["--count", "--files-with-matches", "--files-without-match", "--quiet", "--silent"])),
            "awk" => !args.iter().any(|a| a.contains("END")),
            "cut" | "tr" | "head" | "cat" | "tee" | "sed" => true,
            _ => false,
        }
    }

    /// Whether what it writes into a pipe waits in stdio's buffer until it is full.
    fn block_buffered(&self) -> bool {
        let Some((name, args)) = self.words().split_first() else { return false };
        match name.as_str() {
            "grep" | "egrep" | "fgrep" => !args.iter().any(|a| a == "--line-buffered"),
            "sed" => !args.iter().any(|a| is_flag(a, &["u"], &["--unbuffered"])),
            "awk" | "cut" | "tr" | "head" => true,
            _ => false,
        }
    }
}

/// Whether `arg` is one of the short flags (alone or bundled: `-ic`) or long ones.
fn is_flag(arg: &str, short: &[&str], long: &[&str]) -> bool {
    if arg.starts_with("--") {
        return long.contains(&arg);
    }
    arg.strip_prefix('-').is_some_and(|bundle| !bundle.is_empty() && bundle.chars().all(|c| c.is_ascii_alphabetic()) && short.iter().any(|s| bundle.contains(s)))
}

impl StreamRoute {
    /// `head`: the running command's descriptors; `input`: what it wrote into the pipe
    /// before it started waiting; `stages`: the commands after it, prepared.
    pub(super) fn new(head: [Target; 3], input: String, stages: Vec<Result<Option<Prepared>, i32>>, negate: bool) -> StreamRoute {
        let stages = stages.into_iter().map(|cmd| Stage { cmd, sent: [0, 0] }).collect();
        StreamRoute { head, input, stages, negate }
    }

    /// Runs the commands after the pipe over what the command printed at once.
    pub(super) fn start(&mut self, sh: &mut Shell, sink: &mut Sink) {
        self.run(sh, false, sink);
    }

    /// Sends a poll's output on; returns what reaches the terminal.
    pub(super) fn deliver(&mut self, sh: &mut Shell, out: Output) -> Vec<OutputLine> {
        let mut sink = Sink { terminal: true, ..Sink::default() };
        let before = self.input.len();
        for line in out.lines {
            let text = format!("{}\n", line.text);
            let mut pipe = std::mem::take(&mut self.input);
            exec::route(sh, &self.head, line.stream, &text, &mut sink, &mut pipe);
            self.input = pipe;
        }
        if self.input.len() != before {
            if self.input.len() > KEPT_INPUT {
                self.forget_oldest(sh);
            }
            self.run(sh, false, &mut sink);
        }
        sink.into_lines()
    }

    /// The running command ended: the commands after it read the end of their input
    /// and finish. Returns the pipeline's status and what reached the terminal.
    pub(super) fn finish(mut self, sh: &mut Shell, head_status: i32) -> (i32, Vec<OutputLine>) {
        let mut sink = Sink { terminal: true, ..Sink::default() };
        let status = if self.stages.is_empty() { head_status } else { self.run(sh, true, &mut sink) };
        let status = if self.negate { i32::from(status == 0) } else { status };
        (status, sink.into_lines())
    }

    /// Drops the oldest whole lines of the pipe's text, then re-runs the commands
    /// over the rest without sending anything, so they go on from there.
    fn forget_oldest(&mut self, sh: &mut Shell) {
        let excess = self.input.len() - KEPT_INPUT / 2;
        let cut = self.input[excess..].find('\n').map_or(self.input.len(), |i| excess + i + 1);
        self.input.drain(..cut);
        for stage in &mut self.stages {
            stage.sent = [usize::MAX, usize::MAX];
        }
        let mut quiet = Sink::default();
        self.run(sh, false, &mut quiet);
    }

    /// Runs the stages in order over the pipe's text, each over what the previous one
    /// wrote into its pipe; sends only new output. `at_end`: their input has ended.
    /// Returns the last stage's status.
    fn run(&mut self, sh: &mut Shell, at_end: bool, sink: &mut Sink) -> i32 {
        let mut input = Some(self.input.clone());
        let mut status = 0;
        for stage in &mut self.stages {
            if !at_end && !stage.prints_as_it_reads() {
                break;
            }
            let pipe_text = input.take().unwrap_or_default();
            let cmd = match &stage.cmd {
                Ok(Some(cmd)) => cmd,
                Ok(None) => {
                    status = 0;
                    continue;
                }
                Err(code) => {
                    status = *code;
                    continue;
                }
            };
            let stdin = if cmd.fds[0] == Target::Pipe { Some(pipe_text) } else { exec::stdin_of(sh, &cmd.fds) };
            let (code, output, _) = exec::invoke(sh, cmd, stdin, true);
            status = code;
            let fds = cmd.fds.clone();
            let mut pipe_out = String::new();
            let mut seen = [0usize; 2];
            let resync = stage.sent[0] == usize::MAX;
            for (stream, text) in output {
                let i = usize::from(stream == Stream::Stderr);
                let start = seen[i];
                seen[i] += text.len();
                if fds[i + 1] == Target::Pipe {
                    // The next command reads the whole of it again.
                    exec::route(sh, &fds, stream, &text, sink, &mut pipe_out);
                } else if !resync && seen[i] > stage.sent[i] {
                    let from = stage.sent[i].saturating_sub(start);
                    if let Some(new) = text.get(from..) {
                        exec::route(sh, &fds, stream, new, sink, &mut pipe_out);
                    }
                }
            }
            stage.sent = if resync { seen } else { [seen[0].max(stage.sent[0]), seen[1].max(stage.sent[1])] };
            if !at_end && stage.block_buffered() {
                let full = pipe_out.len() / PIPE_BUFFER * PIPE_BUFFER;
                pipe_out.truncate(full);
            }
            input = Some(pipe_out);
        }
        status
    }
}

impl Shell {
    /// Output a running command ([`super::Effect::Foreground`]) printed since the last
    /// poll, sent where its pipeline and redirections say; returns what the terminal
    /// shows. Callers pass every poll's output through here.
    pub fn deliver(&mut self, out: Output) -> Output {
        match self.stream.take() {
            Some(mut route) => {
                let lines = route.deliver(self, out);
                self.stream = Some(route);
                Output { lines }
            }
            None => out,
        }
    }

    /// The running command ended with `status`: the rest of its pipeline finishes.
    pub(super) fn finish_stream(&mut self, status: i32) -> Vec<OutputLine> {
        match self.stream.take() {
            Some(route) => {
                let (code, lines) = route.finish(self, status);
                self.last_status = code;
                lines
            }
            None => Vec::new(),
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::cluster::ClusterConfig;
    use crate::foreground::Foreground;
    use crate::shell::{Effect, Shell};

    fn text(lines: &[crate::OutputLine]) -> String {
        lines.iter().map(|l| format!("{}\n", l.text)).collect()
    }

    /// Starts `command`, which must keep running; returns it and what it printed at once.
    fn start(sh: &mut Shell, command: &str) -> (Foreground, String) {
        let out = sh.execute(command);
        match out.effect {
            Some(Effect::Foreground(fg)) => (fg, text(&out.lines)),
            other => panic!("{command}: expected a running command, got {other:?}"),
        }
    }

    /// Moves the clock `ms` on and returns what the terminal shows from the poll.
    fn poll(sh: &mut Shell, fg: &mut Foreground, ms: i64) -> String {
        sh.cluster.advance_by(ms);
        let p = fg.poll(&sh.cluster);
        text(&sh.deliver(p.out).lines)
    }

    fn counter(sh: &mut Shell) {
        sh.execute("kubectl run counter --image=busybox -- sh -c 'i=0; while true; do echo \"$i: tick\"; i=$((i+1)); sleep 1; done'");
        sh.cluster.advance_by(10_000);
    }

    #[test]
    fn a_filter_prints_each_line_as_it_arrives() {
        let mut sh = Shell::new(ClusterConfig::default());
        let (mut fg, first) = start(&mut sh, "kubectl get pods -w | grep Running");
        assert_eq!(first, "");
        // Another terminal creates a pod while the watch runs.
        let args: Vec<String> = ["run", "web", "--image=nginx:1.27"].map(String::from).to_vec();
        let mut io = crate::kubectl::Io { stdin: None, fs: &sh.fs, cwd: &sh.cwd, kubeconfig: &mut sh.kubeconfig };
        crate::kubectl::run(&mut sh.cluster, &args, &mut io, &mut crate::output::Output::default());
        let mut seen = String::new();
        for _ in 0..10 {
            seen.push_str(&poll(&mut sh, &mut fg, 1_000));
        }
        assert!(seen.starts_with("web    1/1     Running"), "{seen}");
        assert_eq!(seen.lines().count(), 1, "only the Running row passes: {seen}");
    }

    #[test]
    fn awk_fields_stream_and_ctrl_c_ends_the_pipeline() {
        let mut sh = Shell::new(ClusterConfig::default());
        counter(&mut sh);
        let (mut fg, first) = start(&mut sh, "kubectl logs -f counter | awk '{print $1}'");
        assert!(first.starts_with("0:\n1:\n"), "{first}");
        assert_eq!(poll(&mut sh, &mut fg, 1_000), "10:\n");
        assert_eq!(poll(&mut sh, &mut fg, 2_000), "11:\n12:\n");
        sh.interrupt();
        assert_eq!(text(&sh.resume().lines), "", "Ctrl+C ends the filter too");
    }

    #[test]
    fn sort_and_wc_wait_for_the_end_of_their_input() {
        let mut sh = Shell::new(ClusterConfig::default());
        counter(&mut sh);
        let (mut fg, first) = start(&mut sh, "kubectl logs -f counter | wc -l");
        assert_eq!(first, "");
        assert_eq!(poll(&mut sh, &mut fg, 3_000), "");
        // The command ends (as `timeout` ends it): wc reads its end of input.
        sh.last_status = 124;
        let out = sh.resume();
        assert_eq!(text(&out.lines), "13\n");
        assert_eq!(out.exit_code, 0, "the pipeline's status is wc's");
    }

    #[test]
    fn a_filter_into_another_pipe_fills_its_buffer_first() {
        let mut sh = Shell::new(ClusterConfig::default());
        counter(&mut sh);
        let (mut fg, first) = start(&mut sh, "kubectl logs -f counter | grep tick | cat");
        assert_eq!(first, "", "grep's 4 KiB stdio buffer is not full yet");
        assert_eq!(poll(&mut sh, &mut fg, 1_000), "");
        let (mut fg, first) = start(&mut sh, "kubectl logs -f counter | grep --line-buffered tick | cat");
        assert!(first.starts_with("0: tick\n"), "{first}");
        assert_eq!(poll(&mut sh, &mut fg, 1_000), "11: tick\n");
    }

    #[test]
    fn redirected_output_goes_to_its_file_as_it_arrives() {
        let mut sh = Shell::new(ClusterConfig::default());
        counter(&mut sh);
        let (mut fg, first) = start(&mut sh, "kubectl logs -f counter | grep tick > /tmp/ticks");
        assert_eq!(first, "");
        assert_eq!(poll(&mut sh, &mut fg, 1_000), "");
        assert_eq!(sh.fs.read("/tmp/ticks").map(|s| s.lines().count()), Ok(11));
    }
}
