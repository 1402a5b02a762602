//! Running parsed commands: and-or lists, pipelines (each command's stdout is the
//! next one's stdin), redirections as bash applies them (left to right over a table
//! of file descriptors), `NAME=value` prefixes, and `$?`.
//!
//! Commands run one after the other and their output is routed once they finish;
//! nothing here needs real concurrency because every command is simulated. The one
//! exception, a command that keeps running (`kubectl logs -f | grep GET`), hands
//! the rest of its pipeline to [`super::stream`], which feeds it as output arrives.

use std::collections::BTreeMap;

use super::commands::{self, Process};
use super::expand;
use super::syntax::{self, AndOr, Connector, ParseError, Pipeline, RedirectOp, SimpleCommand};
use super::{CommandOutput, Effect, Shell};
use crate::output::{OutputLine, Stream};

/// Where a file descriptor writes (or, for fd 0, reads).
#[derive(Clone, Debug, PartialEq, Eq)]
pub(super) enum Target {
    /// The caller's stream: the terminal, or the capture of `$(…)`.
    Inherit(Stream),
    /// The pipe to the next command.
    Pipe,
    File(String),
    Null,
    /// fd 0 only: this text.
    Input(String),
    Closed,
}

/// What a line still had to run when a `sleep` in it made it wait.
#[derive(Clone, Debug)]
pub(super) struct Suspended {
    rest: Vec<(Connector, Pipeline)>,
    items: Vec<AndOr>,
}

/// Output collected for the caller, both streams in print order.
#[derive(Default)]
pub(super) struct Sink {
    pub chunks: Vec<(Stream, String)>,
    /// The terminal itself (not the capture of `$(…)`).
    pub terminal: bool,
}

impl Sink {
    pub fn push(&mut self, stream: Stream, text: &str) {
        match self.chunks.last_mut() {
            Some((s, t)) if *s == stream => t.push_str(text),
            _ => self.chunks.push((stream, text.to_string())),
        }
    }

    pub fn err_line(&mut self, text: &str) {
        self.push(Stream::Stderr, text);
        self.push(Stream::Stderr, "\n");
    }

    /// Lines as the terminal shows them; a last line without newline still counts.
    pub fn into_lines(self) -> Vec<OutputLine> {
        let mut lines = Vec::new();
        let mut current: Option<(Stream, String)> = None;
        for (stream, text) in self.chunks {
            for (i, piece) in text.split('\n').enumerate() {
                if i > 0 {
                    let (s, t) = current.take().unwrap_or((stream, String::new()));
                    lines.push(OutputLine { stream: s, text: t });
                }
                if !piece.is_empty() {
                    current.get_or_insert((stream, String::new())).1.push_str(piece);
                }
            }
        }
        if let Some((stream, text)) = current {
            lines.push(OutputLine { stream, text });
        }
        lines
    }
}

/// How running a list ended.
enum Flow {
    Done,
    /// `sleep` with more to run afterwards.
    Suspend(Suspended),
    /// `exit`, or `watch`: the rest of the line does not run.
    Stop,
}

pub(super) fn run_text(sh: &mut Shell, text: &str) -> CommandOutput {
    let mut sink = Sink { terminal: true, ..Sink::default() };
    if syntax::nesting_depth(text) > syntax::MAX_NESTING {
        sink.err_line("bash: maximum nesting level exceeded");
        sh.last_status = 2;
        return CommandOutput { lines: sink.into_lines(), effect: None, exit_code: 2 };
    }
    let program = match syntax::parse(text, &sh.aliases, true) {
        Ok(p) => p,
        Err(e) => {
            report_parse_error(&e, &mut sink);
            sh.last_status = 2;
            return CommandOutput { lines: sink.into_lines(), effect: None, exit_code: 2 };
        }
    };
    for w in &program.warnings {
        sink.err_line(w);
    }
    let mut effect = None;
    let flow = run_list(sh, program.items, Vec::new(), &mut sink, &mut effect, true);
    finish(sh, sink, effect, flow)
}

pub(super) fn resume(sh: &mut Shell, s: Suspended) -> CommandOutput {
    let mut sink = Sink { terminal: true, ..Sink::default() };
    let mut effect = None;
    let flow = run_list(sh, s.items, s.rest, &mut sink, &mut effect, true);
    finish(sh, sink, effect, flow)
}

fn finish(sh: &mut Shell, sink: Sink, effect: Option<Effect>, flow: Flow) -> CommandOutput {
    if let Flow::Suspend(s) = flow {
        sh.suspended = Some(s);
    }
    CommandOutput { lines: sink.into_lines(), effect, exit_code: sh.last_status }
}

fn report_parse_error(e: &ParseError, sink: &mut Sink) {
    match e {
        ParseError::Syntax(m) => sink.err_line(&format!("bash: {m}")),
        ParseError::Incomplete => sink.err_line("bash: syntax error: unexpected end of file"),
        ParseError::Unsupported(kw) => sink.err_line(&format!(
            "kubeplay: `{kw}' compound commands are not simulated; run the commands one by one"
        )),
    }
}

/// Runs `rest` (the remainder of an and-or list) and then `items`. `top`: effects may
/// suspend or stop the list (not inside `$(…)`).
fn run_list(
    sh: &mut Shell,
    items: Vec<AndOr>,
    rest: Vec<(Connector, Pipeline)>,
    sink: &mut Sink,
    effect: &mut Option<Effect>,
    top: bool,
) -> Flow {
    let mut queue: Vec<(Option<Connector>, Pipeline)> = rest.into_iter().map(|(c, p)| (Some(c), p)).collect();
    let mut items = items.into_iter();
    loop {
        if queue.is_empty() {
            match items.next() {
                Some(item) if item.background && top => {
                    run_background(sh, item, sink);
                    continue;
                }
                Some(item) => {
                    queue.push((None, item.first));
                    queue.extend(item.rest.into_iter().map(|(c, p)| (Some(c), p)));
                }
                None => return Flow::Done,
            }
        }
        let (conn, pipeline) = queue.remove(0);
        let run = match conn {
            None => true,
            Some(Connector::And) => sh.last_status == 0,
            Some(Connector::Or) => sh.last_status != 0,
        };
        if !run {
            continue;
        }
        let mut own_effect = None;
        let stop = run_pipeline(sh, &pipeline, sink, &mut own_effect, top);
        if !top {
            if stop {
                return Flow::Stop;
            }
            continue;
        }
        match own_effect {
            Some(Effect::Clear) => {
                sink.chunks.clear();
                *effect = Some(Effect::Clear);
            }
            Some(e @ (Effect::Sleep(_) | Effect::Foreground(_))) => {
                *effect = Some(e);
                let rest = queue.into_iter().map(|(c, p)| (c.unwrap_or(Connector::And), p)).collect::<Vec<_>>();
                let items: Vec<AndOr> = items.collect();
                if rest.is_empty() && items.is_empty() {
                    return Flow::Done;
                }
                return Flow::Suspend(Suspended { rest, items });
            }
            Some(e @ Effect::Watch { .. }) => {
                *effect = Some(e);
                return Flow::Stop;
            }
            None => {}
        }
        if stop {
            return Flow::Stop;
        }
    }
}

/// Runs a pipeline; true when `exit` asked the shell to stop. `top`: a command that
/// keeps running may take the rest of the pipeline along ([`super::stream`]).
fn run_pipeline(sh: &mut Shell, pipeline: &Pipeline, sink: &mut Sink, effect: &mut Option<Effect>, top: bool) -> bool {
    let mut pipe_in: Option<String> = None;
    let mut status = 0;
    let mut stop = false;
    let last = pipeline.commands.len() - 1;
    for (i, cmd) in pipeline.commands.iter().enumerate() {
        let stdin = match pipe_in.take() {
            Some(text) => Target::Input(text),
            None => Target::Inherit(Stream::Stdout),
        };
        let mut pipe_out = String::new();
        let (code, e, fds) = run_simple(sh, cmd, stage_fds(pipeline, i, stdin), sink, &mut pipe_out);
        status = code;
        match e {
            Some(CommandEffect::Stop) => stop = true,
            Some(CommandEffect::Effect(Effect::Foreground(fg))) if top && sh.stream.is_some() => {
                // `fg`: the job came back with its own pipeline.
                *effect = Some(Effect::Foreground(fg));
                break;
            }
            Some(CommandEffect::Effect(Effect::Foreground(fg))) if top => {
                // It keeps running: what it prints later goes where its descriptors
                // point, through the commands after it, as it arrives.
                let stages = (i + 1..=last).map(|j| prepare(sh, &pipeline.commands[j], stage_fds(pipeline, j, Target::Pipe), sink)).collect();
                let mut route = super::stream::StreamRoute::new(fds, pipe_out, stages, pipeline.negate);
                route.start(sh, sink);
                sh.stream = Some(route);
                *effect = Some(Effect::Foreground(fg));
                break;
            }
            Some(CommandEffect::Effect(eff)) => *effect = Some(eff),
            None => {}
        }
        pipe_in = Some(pipe_out);
    }
    if pipeline.negate {
        status = i32::from(status == 0);
    }
    sh.last_status = status;
    stop
}

/// `LIST &`: bash prints `[N] PID` and goes on; what keeps running (a command's
/// [`Effect::Foreground`], a `sleep`) becomes the job, with its pipeline.
fn run_background(sh: &mut Shell, item: AndOr, sink: &mut Sink) {
    let (number, pid) = sh.jobs.next_ids();
    sink.err_line(&format!("[{number}] {pid}"));
    let command = command_text(&item);
    let mut effect = None;
    let mut running = None;
    let mut pipelines = std::iter::once((None, item.first)).chain(item.rest.into_iter().map(|(c, p)| (Some(c), p)));
    for (conn, pipeline) in pipelines.by_ref() {
        let go = match conn {
            None => true,
            Some(Connector::And) => sh.last_status == 0,
            Some(Connector::Or) => sh.last_status != 0,
        };
        if !go {
            continue;
        }
        run_pipeline(sh, &pipeline, sink, &mut effect, true);
        match effect.take() {
            Some(Effect::Foreground(fg)) => running = Some(fg),
            Some(Effect::Sleep(ms)) => running = Some(crate::foreground::Foreground::Sleep { until: sh.cluster.now().plus_ms(ms) }),
            _ => continue,
        }
        break;
    }
    let route = sh.stream.take();
    sh.jobs.add(number, pid, command, running, route, sh.last_status);
    sh.last_status = 0;
}

/// A job's command as `jobs` shows it: bash prints it from its parse.
fn command_text(item: &AndOr) -> String {
    let pipeline = |p: &Pipeline| {
        let cmds: Vec<String> = p
            .commands
            .iter()
            .map(|c| {
                let mut parts: Vec<String> = c.assignments.iter().map(|(k, v)| format!("{k}={}", syntax_text(v))).collect();
                parts.extend(c.words.iter().map(syntax_text));
                for r in &c.redirects {
                    let op = match &r.op {
                        RedirectOp::Out => ">",
                        RedirectOp::Append => ">>",
                        RedirectOp::In => "<",
                        RedirectOp::Dup => ">&",
                        RedirectOp::OutErr { append: false } => "&>",
                        RedirectOp::OutErr { append: true } => "&>>",
                        RedirectOp::HereDoc { .. } => "<<",
                        RedirectOp::HereString => "<<<",
                    };
                    let fd = match (&r.op, r.fd) {
                        (RedirectOp::In | RedirectOp::HereDoc { .. } | RedirectOp::HereString, 0) | (RedirectOp::Out | RedirectOp::Append | RedirectOp::Dup, 1) | (RedirectOp::OutErr { .. }, _) => String::new(),
                        (_, n) => n.to_string(),
                    };
                    parts.push(format!("{fd}{op} {}", syntax_text(&r.target)).replace(">& ", ">&"));
                }
                parts.join(" ")
            })
            .collect();
        format!("{}{}", if p.negate { "! " } else { "" }, cmds.join(" | "))
    };
    let mut text = pipeline(&item.first);
    for (c, p) in &item.rest {
        text.push_str(if *c == Connector::And { " && " } else { " || " });
        text.push_str(&pipeline(p));
    }
    text
}

/// The descriptors bash gives the `i`th command of a pipeline before its own
/// redirections: the pipe between commands, `|&` piping stderr too.
fn stage_fds(pipeline: &Pipeline, i: usize, stdin: Target) -> [Target; 3] {
    let stdout = if i == pipeline.commands.len() - 1 { Target::Inherit(Stream::Stdout) } else { Target::Pipe };
    let stderr = if pipeline.stderr_piped.get(i) == Some(&true) { Target::Pipe } else { Target::Inherit(Stream::Stderr) };
    [stdin, stdout, stderr]
}

/// What a simple command asks of the list around it.
pub(super) enum CommandEffect {
    Effect(Effect),
    Stop,
}


/// A simple command ready to run: its words expanded, its redirections applied.
#[derive(Clone, Debug)]
pub(super) struct Prepared {
    pub words: Vec<String>,
    pub env: BTreeMap<String, String>,
    pub fds: [Target; 3],
}

/// Expands a command and applies its redirections, as bash does before running it.
/// `Ok(None)`: only assignments, now set; `Err(status)`: an expansion or redirection
/// failed (reported).
pub(super) fn prepare(sh: &mut Shell, cmd: &SimpleCommand, mut fds: [Target; 3], sink: &mut Sink) -> Result<Option<Prepared>, i32> {
    let words = expand::words(sh, &cmd.words, sink).map_err(|message| {
        sink.err_line(&message);
        1
    })?;
    let mut assignments = Vec::new();
    for (name, value) in &cmd.assignments {
        match expand::single(sh, value, sink) {
            Ok(v) => assignments.push((name.clone(), v)),
            Err(message) => {
                sink.err_line(&message);
                return Err(1);
            }
        }
    }
    let mut extra: Vec<(u32, Target)> = Vec::new();
    for r in &cmd.redirects {
        if let Err(message) = apply_redirect(sh, r, &mut fds, &mut extra, sink) {
            sink.err_line(&message);
            return Err(1);
        }
    }
    if words.is_empty() {
        // Only assignments (and redirections): they set shell variables.
        for (k, v) in assignments {
            sh.set_var(&k, v);
        }
        return Ok(None);
    }
    let mut env = crate::sorting::btree_map(sh.vars.iter().filter(|(_, v)| v.exported).map(|(k, v)| (k.clone(), v.value.clone())));
    env.extend(assignments);
    Ok(Some(Prepared { words, env, fds }))
}

/// Runs a prepared command with `stdin` (`None`: the terminal). `terminal`: its
/// inherited stdout is the terminal, not the capture of `$(…)`.
pub(super) fn invoke(
    sh: &mut Shell,
    cmd: &Prepared,
    stdin: Option<String>,
    terminal: bool,
) -> (i32, Vec<(Stream, String)>, Option<CommandEffect>) {
    let name = &cmd.words[0];
    match commands::find(sh, name) {
        Some(c) => {
            let tty = terminal && cmd.fds[1] == Target::Inherit(Stream::Stdout);
            let env = cmd.env.clone();
            let mut p = Process { shell: sh, stdin, env, output: Vec::new(), effect: None, tty, exit: false };
            let code = (c.run)(&mut p, &cmd.words[1..]);
            let effect = if p.exit { Some(CommandEffect::Stop) } else { p.effect.take().map(CommandEffect::Effect) };
            (code, p.output, effect)
        }
        None if name.contains('/') => {
            let path = crate::vfs::Vfs::resolve(&sh.cwd, name);
            let why = if sh.fs.is_dir(&path) { "Is a directory" } else if sh.fs.is_file(&path) { "Permission denied" } else { "No such file or directory" };
            (if why == "Permission denied" || why == "Is a directory" { 126 } else { 127 }, vec![(Stream::Stderr, format!("bash: {name}: {why}\n"))], None)
        }
        None => (127, vec![(Stream::Stderr, format!("{}\n", sh.command_not_found(name)))], None),
    }
}

/// What fd 0 of a prepared command reads.
pub(super) fn stdin_of(sh: &Shell, fds: &[Target; 3]) -> Option<String> {
    match &fds[0] {
        Target::Input(text) => Some(text.clone()),
        Target::File(path) => sh.fs.read(path).ok().map(str::to_string),
        _ => None,
    }
}

/// Sends what a command printed on `stream` where its descriptor points.
pub(super) fn route(sh: &mut Shell, fds: &[Target; 3], stream: Stream, text: &str, sink: &mut Sink, pipe_out: &mut String) {
    let fd = if stream == Stream::Stdout { 1 } else { 2 };
    match &fds[fd] {
        Target::Inherit(s) => sink.push(*s, text),
        Target::Pipe => pipe_out.push_str(text),
        Target::File(path) => {
            let _ = sh.fs.append(path, text);
        }
        Target::Null | Target::Closed | Target::Input(_) => {}
    }
}

/// Runs one simple command; returns its status, what it asks of the list, and its
/// descriptors after its redirections.
fn run_simple(
    sh: &mut Shell,
    cmd: &SimpleCommand,
    fds: [Target; 3],
    sink: &mut Sink,
    pipe_out: &mut String,
) -> (i32, Option<CommandEffect>, [Target; 3]) {
    let prepared = match prepare(sh, cmd, fds.clone(), sink) {
        Ok(Some(p)) => p,
        Ok(None) => return (0, None, fds),
        Err(code) => return (code, None, fds),
    };
    let stdin = stdin_of(sh, &prepared.fds);
    let (code, output, effect) = invoke(sh, &prepared, stdin, sink.terminal);
    if sink.terminal {
        // A background job reacts at once (a port-forward's `Handling connection`
        // for this curl) and prints before the command's own output is shown.
        for l in sh.poll_jobs().lines {
            sink.push(l.stream, &format!("{}\n", l.text));
        }
    }
    for (stream, text) in output {
        route(sh, &prepared.fds, stream, &text, sink, pipe_out);
    }
    (code, effect, prepared.fds)
}

/// Applies one redirection to the descriptor table, creating or truncating files
/// as bash does before the command runs.
fn apply_redirect(
    sh: &mut Shell,
    r: &syntax::Redirect,
    fds: &mut [Target; 3],
    extra: &mut Vec<(u32, Target)>,
    sink: &mut Sink,
) -> Result<(), String> {
    let new = match &r.op {
        RedirectOp::HereDoc { body, expand: true } => Target::Input(expand::heredoc(sh, body, sink)?),
        RedirectOp::HereDoc { body, expand: false } => Target::Input(body.clone()),
        op => {
            let words = expand::words(sh, std::slice::from_ref(&r.target), sink)?;
            let raw = syntax_text(&r.target);
            let [word] = words.as_slice() else { return Err(format!("bash: {raw}: ambiguous redirect")) };
            match op {
                RedirectOp::HereString => Target::Input(format!("{word}\n")),
                RedirectOp::Dup => {
                    if word == "-" {
                        Target::Closed
                    } else {
                        match word.parse::<usize>() {
                            Ok(n) if n < 3 => fds[n].clone(),
                            Ok(n) => match extra.iter().find(|(fd, _)| *fd as usize == n) {
                                Some((_, t)) => t.clone(),
                                None => return Err(format!("bash: {n}: Bad file descriptor")),
                            },
                            Err(_) => return Err(format!("bash: {word}: ambiguous redirect")),
                        }
                    }
                }
                RedirectOp::In => {
                    let path = sh_path(sh, word);
                    match sh.fs.read(&path) {
                        Ok(s) => Target::Input(s.to_string()),
                        Err(e) => return Err(format!("bash: {word}: {e}")),
                    }
                }
                RedirectOp::Out | RedirectOp::Append | RedirectOp::OutErr { .. } => {
                    let append = matches!(op, RedirectOp::Append | RedirectOp::OutErr { append: true });
                    let target = open_for_writing(sh, word, append)?;
                    if matches!(op, RedirectOp::OutErr { .. }) {
                        fds[2] = target.clone();
                    }
                    target
                }
                RedirectOp::HereDoc { .. } => unreachable!("handled above"),
            }
        }
    };
    match r.fd {
        n @ 0..=2 => fds[n as usize] = new,
        n => extra.push((n, new)),
    }
    Ok(())
}

fn sh_path(sh: &Shell, word: &str) -> String {
    crate::vfs::Vfs::resolve(&sh.cwd, word)
}

fn open_for_writing(sh: &mut Shell, word: &str, append: bool) -> Result<Target, String> {
    if word == "/dev/null" {
        return Ok(Target::Null);
    }
    if word == "/dev/stdout" {
        return Ok(Target::Inherit(Stream::Stdout));
    }
    if word == "/dev/stderr" {
        return Ok(Target::Inherit(Stream::Stderr));
    }
    let path = sh_path(sh, word);
    let result = if append && sh.fs.is_file(&path) { Ok(()) } else { sh.fs.write(&path, String::new()) };
    match result {
        Ok(()) => Ok(Target::File(path)),
        Err(e) => Err(format!("bash: {word}: {e}")),
    }
}

/// A word as typed, for messages.
fn syntax_text(word: &syntax::Word) -> String {
    use syntax::Part;
    word.iter()
        .map(|p| match p {
            Part::Lit(s) | Part::Quoted(s) => s.clone(),
            Part::Param(p) => format!("${}", p.name),
            Part::Tilde => "~".into(),
            Part::Double(inner) => syntax_text(inner),
            Part::Command(c) => format!("$({c})"),
            Part::Arith(a) => format!("$(({a}))"),
        })
        .collect()
}

/// `$(…)`: runs `text` and returns its stdout with trailing newlines removed; its
/// stderr goes to the caller's terminal.
pub(super) fn capture(sh: &mut Shell, text: &str, sink: &mut Sink) -> String {
    let mut inner = Sink::default();
    match syntax::parse(text, &sh.aliases, true) {
        Ok(p) => {
            let mut effect = None;
            run_list(sh, p.items, Vec::new(), &mut inner, &mut effect, false);
        }
        Err(e) => {
            report_parse_error(&e, &mut inner);
            sh.last_status = 2;
        }
    }
    let mut out = String::new();
    for (stream, text) in inner.chunks {
        match stream {
            Stream::Stdout => out.push_str(&text),
            Stream::Stderr => sink.push(Stream::Stderr, &text),
        }
    }
    let trimmed = out.trim_end_matches('\n').len();
    out.truncate(trimmed);
    out
}

/// Runs `text` as a whole command of its own (what `watch` shows), effects ignored,
/// and returns everything it printed.
pub(super) fn run_nested(sh: &mut Shell, text: &str) -> Vec<OutputLine> {
    let mut sink = Sink { terminal: true, ..Sink::default() };
    match syntax::parse(text, &sh.aliases, true) {
        Ok(p) => {
            let mut effect = None;
            run_list(sh, p.items, Vec::new(), &mut sink, &mut effect, false);
        }
        Err(e) => report_parse_error(&e, &mut sink),
    }
    sink.into_lines()
}
