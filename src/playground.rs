//! The page's one piece of shared state: the shell (which owns the cluster), the
//! console's scrollback and history, the page clock that maps host time onto
//! simulated time, which view is shown and what the inspector looks at, and the
//! pictures of the cluster derived from it. Every change goes through [`Action`]; the
//! model is only touched in `reduce`.

use std::cell::RefCell;
use std::collections::VecDeque;
use std::rc::Rc;

use kubeplay_core::editor::EditorRequest;
use kubeplay_core::foreground::Foreground;
use kubeplay_core::shell::{CommandOutput, CONTINUATION_PROMPT};
use kubeplay_core::time::SimTime;
use kubeplay_core::api::ObjectKey;
use kubeplay_core::view::{self, EventTail, Inspection, LogicalView, ObjectRef, PhysicalView, TrafficView};
use kubeplay_core::{ClusterConfig, Effect, Shell, Stream};
use yew::Reducible;

use crate::clock::PageClock;
use crate::physical::Flow;

/// Rows of the event panel (older matches stay in the store and in `kubectl get events`).
pub const EVENT_ROWS: usize = 200;

/// Scrollback kept in the console; older lines are dropped so a long session stays fast.
pub const MAX_LINES: usize = 5_000;

/// Host milliseconds of model work per slice: a frame keeps the rest for drawing
/// and input while the cluster catches up.
pub const SLICE_MS: f64 = 8.0;
/// While the cluster catches up, the pictures are derived again at most this often
/// (host ms), not after every slice.
const CATCH_UP_DRAW_MS: f64 = 250.0;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LineKind {
    /// The echoed `controlplane:~$ command` line.
    Prompt,
    Stdout,
    Stderr,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ConsoleLine {
    pub kind: LineKind,
    pub text: String,
}

/// The three lenses on the cluster.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ViewTab {
    Physical,
    Logical,
    Traffic,
}

/// What the inspector's buttons do; each becomes the kubectl command a learner
/// would type.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum InspectorVerb {
    DeletePod,
    Cordon,
    Uncordon,
    /// Stop or start the node's kubelet (`kubeplay node stop|start`).
    StopNode,
    StartNode,
    /// Faults (`kubeplay …`): remove the node; kill a pod's container; make a pod's
    /// image unpullable; send load to a Service or stop it.
    RemoveNode,
    KillContainer,
    ImageUnpullable,
    AddLoad,
    StopLoad,
}

/// The load the inspector's button sends to a Service (requests per second).
pub const LOAD_RPS: u32 = 50;
/// The width bash lays completion lists out in (the console wraps longer lines).
const COMPLETION_COLUMNS: usize = 80;

pub enum Action {
    /// The user pressed Enter on a command line.
    Submit(String),
    /// Several lines pasted at once: they run in order, each waiting for the one
    /// before (a `sleep` in the paste holds the rest).
    Paste(Vec<String>),
    /// Ctrl+C: abandon the line being typed (bash prints it with `^C`).
    Interrupt(String),
    /// Ctrl+L or `clear`.
    ClearScreen,
    /// The page's clock: `real_ms` is the host's monotonic time in milliseconds.
    Tick { real_ms: f64 },
    /// A frame while the cluster catches up: the next slice of its work, or a
    /// redraw of the pictures ([`CATCH_UP_DRAW_MS`] apart).
    Slice { real_ms: f64 },
    /// Stop simulated time (commands still run; timed work waits).
    Pause { real_ms: f64 },
    Resume { real_ms: f64 },
    /// Simulated seconds per real second.
    SetSpeed { speed: u32, real_ms: f64 },
    /// Pause, then run until the next timed work is due (or one second if none is).
    Step { real_ms: f64 },
    ShowView(ViewTab),
    /// The event panel's filter changed.
    FilterEvents(String),
    Inspect(ObjectRef),
    CloseInspector,
    /// An inspector button: the equivalent kubectl command, echoed and run as if typed.
    Command(InspectorVerb, ObjectRef),
    /// A button whose console command is already written (the traffic view's): echoed
    /// and run as if typed, unless a command is still running.
    Run(String),
    /// The Service the traffic view's target points at (its pods are drawn).
    FocusTraffic(Option<ObjectKey>),
    /// A second Tab over several candidates: bash prints the line, then the list.
    ShowCompletions { typed: String, listing: Vec<String> },
    /// The editor panel closed: the text saved (`None`: quit without saving).
    CloseEditor(Option<String>),
    /// The preview panel: open `http://localhost:PORT/` of a forwarded port.
    Preview(u16),
    ClosePreview,
}

#[derive(Clone)]
pub struct Playground {
    shell: Rc<RefCell<Shell>>,
    pub lines: Rc<Vec<ConsoleLine>>,
    pub history: Rc<Vec<String>>,
    pub tab: ViewTab,
    pub physical: Rc<PhysicalView>,
    pub logical: Rc<LogicalView>,
    /// The event panel's rows: the newest events its filter matches.
    pub events: Rc<EventTail>,
    /// The event panel's filter (an object's name or `kind/name`).
    pub events_filter: String,
    pub traffic: Rc<TrafficView>,
    pub traffic_focus: Option<ObjectKey>,
    /// The control plane's latest burst of activity, animated on the physical view.
    pub flow: Rc<Flow>,
    /// The store revision the flow has been read up to.
    flow_rev: u64,
    /// Set while a typed command runs: the revision before it, so its own write
    /// starts the flow (kubectl → API server).
    command_rev: Option<u64>,
    pub inspection: Option<Rc<Inspection>>,
    pub clock: PageClock,
    /// When the session began, for the elapsed time shown.
    pub started: SimTime,
    /// The store revision each derived picture reflects.
    physical_rev: u64,
    logical_rev: u64,
    events_rev: u64,
    /// Store revision, requests recorded, simulated second and focus the traffic
    /// picture reflects (requests change no API object; the recent ones age).
    traffic_rev: Option<(u64, u64, i64, Option<ObjectKey>)>,
    /// While `sleep` runs, the prompt waits until the simulated clock reaches this.
    pub busy_until: Option<SimTime>,
    /// A command still running over simulated time (`kubectl delete` waiting ...).
    pub foreground: Option<Foreground>,
    /// `watch`: its screen is redrawn on the simulated clock until Ctrl+C.
    pub watching: Option<Watching>,
    /// An editor open on a file (`vi`, `kubectl edit`); the command waits for it.
    /// The number counts editors opened, so a reopened one starts afresh.
    pub editor: Option<(u64, Rc<EditorRequest>)>,
    editors_opened: u64,
    /// Pasted lines not yet run because a command before them is still running.
    queued: VecDeque<String>,
    /// A line typed while the cluster catches up: echoed at once (the console feels
    /// instant), run when the cluster is at rest, its output following the echo.
    typed_ahead: Option<String>,
    /// The prompt the console shows: `controlplane:~$ `, or `> ` inside a command
    /// that needs more lines (a here-document).
    pub prompt: String,
    pub now: SimTime,
    /// Set while the model works through an advance slice by slice ([`SLICE_MS`] per
    /// frame): the page asks for the next slice ([`Action::Slice`]) on the next
    /// animation frame; a typed command is echoed and runs when it is done.
    pub catching_up: bool,
    /// Frames of catching up so far (each one a new state, so the page asks for the next).
    pub slices: u64,
    /// Host time when the pictures were last derived during a catch-up.
    drawn_at: f64,
    /// The host's monotonic clock in ms (`performance.now()`), which bounds a slice.
    host_ms: Rc<dyn Fn() -> f64>,
    /// The last answer of a forwarded port, shown in the preview panel.
    pub preview: Option<Rc<kubeplay_core::network::loopback::Preview>>,
}

/// A running `watch`: what it shows, how often, and where its screen starts in the
/// scrollback (each redraw replaces the lines from there on).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Watching {
    pub command: String,
    pub interval_ms: i64,
    pub next_at: SimTime,
    pub frame_start: usize,
}

impl PartialEq for Playground {
    fn eq(&self, other: &Self) -> bool {
        Rc::ptr_eq(&self.shell, &other.shell)
            && Rc::ptr_eq(&self.lines, &other.lines)
            && Rc::ptr_eq(&self.physical, &other.physical)
            && Rc::ptr_eq(&self.logical, &other.logical)
            && Rc::ptr_eq(&self.events, &other.events)
            && Rc::ptr_eq(&self.traffic, &other.traffic)
            && Rc::ptr_eq(&self.flow, &other.flow)
            && self.inspection == other.inspection
            && self.tab == other.tab
            && self.clock == other.clock
            && self.busy_until == other.busy_until
            && self.foreground == other.foreground
            && self.watching == other.watching
            && self.editor == other.editor
            && self.queued == other.queued
            && self.events_filter == other.events_filter
            && self.typed_ahead == other.typed_ahead
            && self.prompt == other.prompt
            && self.now == other.now
            && self.catching_up == other.catching_up
            && self.slices == other.slices
            && self.preview == other.preview
    }
}

/// The kubectl command an inspector button stands for, as a learner would type it:
/// `-n` only when the object is outside the current context's namespace.
pub fn command_for(verb: InspectorVerb, target: &ObjectRef, current_namespace: &str) -> String {
    let ns = if target.namespace.is_empty() || target.namespace == current_namespace {
        String::new()
    } else {
        format!(" -n {}", target.namespace)
    };
    match verb {
        InspectorVerb::DeletePod => format!("kubectl delete pod {}{ns}", target.name),
        InspectorVerb::Cordon => format!("kubectl cordon {}", target.name),
        InspectorVerb::Uncordon => format!("kubectl uncordon {}", target.name),
        InspectorVerb::StopNode => format!("kubeplay node stop {}", target.name),
        InspectorVerb::StartNode => format!("kubeplay node start {}", target.name),
        InspectorVerb::RemoveNode => format!("kubeplay node remove {}", target.name),
        InspectorVerb::KillContainer => format!("kubeplay container kill {}{ns}", target.name),
        // The image is filled in by the reducer, which can read the pod.
        InspectorVerb::ImageUnpullable => "kubeplay image unpullable".to_string(),
        InspectorVerb::AddLoad => format!("kubeplay load {} {LOAD_RPS}{ns}", target.name),
        InspectorVerb::StopLoad => format!("kubeplay load {} 0{ns}", target.name),
    }
}

impl Playground {
    /// `start_ms` is the wall-clock time at which the simulation starts (the page's
    /// `Date.now()`); `real_ms` the host's monotonic clock at that moment.
    pub fn new(seed: u64, start_ms: i64, real_ms: f64) -> Playground {
        let shell = Shell::new(ClusterConfig { seed, start: SimTime(start_ms) });
        let now = shell.cluster.now();
        let mut p = Playground {
            shell: Rc::new(RefCell::new(shell)),
            lines: Rc::new(vec![ConsoleLine { kind: LineKind::Stdout, text: "kubeplay: Kubernetes v1.34 in your browser. Type `help`.".into() }]),
            history: Rc::new(Vec::new()),
            tab: ViewTab::Physical,
            physical: Rc::new(PhysicalView { nodes: Vec::new(), unscheduled: Vec::new() }),
            logical: Rc::new(LogicalView { namespaces: Vec::new() }),
            events: Rc::new(EventTail::default()),
            events_filter: String::new(),
            traffic: Rc::new(TrafficView::default()),
            traffic_focus: None,
            traffic_rev: None,
            flow: Rc::new(Flow::default()),
            flow_rev: u64::MAX,
            command_rev: None,
            inspection: None,
            clock: PageClock::new(now, real_ms),
            started: now,
            physical_rev: u64::MAX,
            logical_rev: u64::MAX,
            events_rev: u64::MAX,
            busy_until: None,
            foreground: None,
            preview: None,
            watching: None,
            editor: None,
            editors_opened: 0,
            queued: VecDeque::new(),
            typed_ahead: None,
            prompt: String::new(),
            now,
            catching_up: false,
            slices: 0,
            drawn_at: real_ms,
            host_ms: Rc::new(|| 0.0),
        };
        p.refresh();
        p
    }

    /// Re-derives whatever the cluster's changes made stale: only the view on show
    /// (the other is derived when its tab opens), the event stream, and the
    /// inspector's texts.
    fn refresh(&mut self) {
        let mut shell = self.shell.borrow_mut();
        let c = &mut shell.cluster;
        let revision = c.store.revision();
        // The physical picture reads only nodes and pods: events and other writes
        // (most of a busy cluster's) leave it as it is.
        let physical_rev = c.store.pods.index().revision().max(c.store.nodes.index().revision());
        if self.tab == ViewTab::Physical && self.physical_rev != physical_rev {
            self.physical = Rc::new(PhysicalView::of(c));
            self.physical_rev = physical_rev;
        }
        if self.tab == ViewTab::Logical && self.logical_rev != revision {
            self.logical = Rc::new(LogicalView::of(c));
            self.logical_rev = revision;
        }
        let traffic_key = (revision, c.network.seq, c.now().0 / 1000, self.traffic_focus.clone());
        if self.tab == ViewTab::Traffic && self.traffic_rev.as_ref() != Some(&traffic_key) {
            self.traffic = Rc::new(TrafficView::of(c, self.traffic_focus.as_ref()));
            self.traffic_rev = Some(traffic_key);
        }
        if self.events_rev != revision {
            self.events = Rc::new(view::events_tail(c, &self.events_filter, EVENT_ROWS));
            self.events_rev = revision;
        }
        // What the control plane did since the last look, drawn only while the
        // physical view is on show (the first look just takes the revision).
        if self.flow_rev != revision {
            let command = self.command_rev.take();
            let since = command.unwrap_or(self.flow_rev);
            if self.tab == ViewTab::Physical && since != u64::MAX {
                let hops = view::activity(c, since, command.is_some());
                if !hops.is_empty() {
                    self.flow = Rc::new(Flow { seq: self.flow.seq + 1, hops });
                }
            }
            self.flow_rev = revision;
        }
        self.command_rev = None;
        // The inspector runs kubectl, which waits for the cluster to be at rest.
        if let Some(i) = self.inspection.as_ref().filter(|_| c.catching_up_to().is_none()) {
            let fresh = view::inspect(c, &i.target);
            if fresh != **i {
                self.inspection = Some(Rc::new(fresh));
            }
        }
        self.now = c.now();
        self.prompt = if shell.needs_more_input() { CONTINUATION_PROMPT.to_string() } else { shell.prompt() };
    }

    /// Bounds each slice of model work by the host's clock (the page passes
    /// `performance.now`); without it an advance runs in one go.
    pub fn with_host_clock(mut self, host_ms: Rc<dyn Fn() -> f64>) -> Playground {
        self.host_ms = host_ms;
        self
    }

    /// Starts with the history a previous visit left (the page keeps it in
    /// localStorage), so Up and Ctrl+R reach it.
    pub fn with_history(mut self, history: Vec<String>) -> Playground {
        self.shell.borrow_mut().history = history.clone();
        self.history = Rc::new(history);
        self
    }

    /// Tab at `cursor` (a char index) of the typed line; `listing`: a second Tab.
    pub fn complete(&self, line: &str, cursor: usize, listing: bool) -> kubeplay_core::shell::complete::TabResult {
        self.shell.borrow().complete(line, cursor, listing, COMPLETION_COLUMNS)
    }

    /// A command is still running (`sleep`, `kubectl delete` waiting) or waits for
    /// the cluster to catch up: the prompt and the inspector's buttons wait.
    pub fn busy(&self) -> bool {
        self.busy_until.is_some() || self.foreground.is_some() || self.watching.is_some() || self.editor.is_some() || self.typed_ahead.is_some()
    }

    fn revision(&self) -> u64 {
        self.shell.borrow().cluster.store.revision()
    }

    /// Requests recorded so far (they change no API object).
    fn requests_seen(&self) -> u64 {
        self.shell.borrow().cluster.network.seq
    }

    /// The image of a pod's first container, for `kubeplay image unpullable`.
    fn pod_image(&self, target: &ObjectRef) -> Option<String> {
        let shell = self.shell.borrow();
        let pod = shell.cluster.store.pods.get(&ObjectKey::new(&target.namespace, &target.name))?;
        pod.spec.as_ref()?.containers.first()?.image.clone()
    }

    /// The local ports a running `kubectl port-forward` (in the foreground or as a
    /// job) forwards: the preview panel offers them.
    pub fn forwarded_ports(&self) -> Vec<u16> {
        self.shell.borrow().forwarded_ports(self.foreground.as_ref())
    }

    /// The namespace commands use when none is given (`kubectl config set-context`).
    pub fn current_namespace(&self) -> String {
        self.shell.borrow().kubeconfig.namespace().unwrap_or("default").to_string()
    }

    /// Moves the simulation towards where the page clock says it should be at
    /// `real_ms`, for at most [`SLICE_MS`] of host time: an unfinished advance is
    /// carried on first (its target stays: simulated time does not run ahead of the
    /// work left). True while work is left.
    fn catch_up(&self, real_ms: f64) -> bool {
        let mut shell = self.shell.borrow_mut();
        let c = &mut shell.cluster;
        let Some(target) = c.catching_up_to().or_else(|| self.clock.target(real_ms)) else { return false };
        let host_ms = self.host_ms.clone();
        let deadline = host_ms() + SLICE_MS;
        !c.advance_within(target, &mut |_| host_ms() > deadline)
    }

    /// Runs a typed line now, or after the cluster has caught up: then it is echoed
    /// at once and runs when the cluster is at rest (lines pasted behind others, and
    /// a recalled multi-line command, simply wait their turn).
    fn submit_or_queue(&self, command: &str) -> Playground {
        if !self.catching_up {
            return self.submit(command);
        }
        let mut next = self.clone();
        if self.typed_ahead.is_none() && self.queued.is_empty() && !command.contains('\n') {
            next.echo(command);
            next.typed_ahead = Some(command.to_string());
        } else {
            next.queued.push_back(command.to_string());
        }
        next
    }

    /// A new state after the clock or cluster moved: re-derived, with a finished
    /// `sleep` released and a running command's new output printed.
    fn next(&self) -> Playground {
        let mut next = self.clone();
        next.refresh();
        if next.catching_up {
            // Commands, sleeps and watches go on once the cluster is at rest.
            return next;
        }
        if next.busy_until.is_some_and(|t| next.now >= t) {
            next.busy_until = None;
            // What followed the `sleep` on its line runs now.
            let result = self.shell.borrow_mut().resume();
            next.show(result);
        }
        // Background jobs (`kubectl proxy &`) print while other commands run.
        let from_jobs = self.shell.borrow_mut().poll_jobs();
        if !from_jobs.lines.is_empty() {
            let mut lines = (*next.lines).clone();
            push_output(&mut lines, from_jobs.lines);
            next.lines = Rc::new(lines);
        }
        if let Some(fg) = next.foreground.as_mut() {
            let progress = fg.poll(&self.shell.borrow().cluster);
            // Through its pipeline and redirections (`logs -f | grep GET`).
            let shown = self.shell.borrow_mut().deliver(progress.out);
            if !shown.lines.is_empty() {
                let mut lines = (*next.lines).clone();
                for o in shown.lines {
                    let kind = if o.stream == Stream::Stderr { LineKind::Stderr } else { LineKind::Stdout };
                    push_capped(&mut lines, ConsoleLine { kind, text: o.text });
                }
                next.lines = Rc::new(lines);
            }
            if let Some(code) = progress.exit {
                next.foreground = None;
                let result = {
                    let mut shell = self.shell.borrow_mut();
                    shell.last_status = code;
                    shell.resume()
                };
                next.show(result);
            }
        }
        if let Some(w) = next.watching.clone().filter(|w| next.now >= w.next_at) {
            let frame = self.shell.borrow_mut().watch_frame(&w.command, w.interval_ms);
            let mut lines = (*next.lines).clone();
            lines.truncate(w.frame_start.min(lines.len()));
            push_output(&mut lines, frame.lines);
            next.lines = Rc::new(lines);
            next.watching = Some(Watching { next_at: w.next_at.plus_ms(w.interval_ms).max(next.now), ..w });
        }
        next.run_queued();
        next
    }

    /// Prints a command's output and takes on its effect (clear, wait, watch).
    fn show(&mut self, result: CommandOutput) {
        let mut lines = if result.effect == Some(Effect::Clear) { Vec::new() } else { (*self.lines).clone() };
        let frame_start = lines.len();
        push_output(&mut lines, result.lines);
        self.lines = Rc::new(lines);
        self.refresh();
        match result.effect {
            Some(Effect::Sleep(ms)) => self.busy_until = Some(self.now.plus_ms(ms)),
            Some(Effect::Foreground(Foreground::Editor(request))) => {
                self.editors_opened += 1;
                self.editor = Some((self.editors_opened, Rc::new(request)));
            }
            Some(Effect::Foreground(fg)) => self.foreground = Some(fg),
            Some(Effect::Watch { command, interval_ms }) => {
                self.watching = Some(Watching { command, interval_ms, next_at: self.now.plus_ms(interval_ms), frame_start });
            }
            Some(Effect::Clear) | None => {}
        }
    }

    /// Runs the line typed ahead, then pasted lines while nothing is running.
    fn run_queued(&mut self) {
        if self.catching_up {
            return;
        }
        if let Some(line) = self.typed_ahead.take() {
            *self = self.run_echoed(&line);
        }
        while !self.busy() {
            let Some(line) = self.queued.pop_front() else { return };
            *self = self.submit(&line);
        }
    }

    /// One line entered at the prompt: echoed after the prompt it was typed at and fed
    /// to the shell, which runs the command once it is complete.
    fn submit(&self, command: &str) -> Playground {
        if command.contains('\n') {
            // A recalled multi-line command (a here-document): its lines in order.
            let mut next = self.clone();
            next.queued.extend(command.split('\n').map(str::to_string));
            next.run_queued();
            return next;
        }
        let mut next = self.clone();
        next.echo(command);
        next.run_echoed(command)
    }

    /// Prints `prompt + line` as the terminal echoes what is typed.
    fn echo(&mut self, line: &str) {
        let mut lines = (*self.lines).clone();
        push_capped(&mut lines, ConsoleLine { kind: LineKind::Prompt, text: format!("{}{line}", self.prompt) });
        self.lines = Rc::new(lines);
    }

    /// Feeds an echoed line to the shell and shows what it printed.
    fn run_echoed(&self, command: &str) -> Playground {
        let before = self.revision();
        let result = self.shell.borrow_mut().feed(command);
        let mut next = self.clone();
        next.command_rev = Some(before);
        next.history = Rc::new(self.shell.borrow().history.clone());
        match result {
            Some(result) => next.show(result),
            None => next.refresh(),
        }
        next
    }
    /// The clock moved on (an interval tick, or a frame while catching up): a slice
    /// of model work towards where the page clock says the cluster should be.
    fn advance(self: Rc<Self>, real_ms: f64) -> Rc<Self> {
        let before = self.revision();
        let requests_before = self.requests_seen();
        if self.catch_up(real_ms) {
            // Work is left: the pictures wait for a frame of their own (`Slice`).
            let mut next = (*self).clone();
            next.catching_up = true;
            next.slices += 1;
            return Rc::new(next);
        }
        let now = self.shell.borrow().cluster.now();
        if self.catching_up {
            // Caught up: simulated time goes on from here, without a jump.
            let mut next = (*self).clone();
            next.catching_up = false;
            next.clock = self.clock.anchored(now, real_ms);
            return Rc::new(next.next());
        }
        let sleep_over = self.busy_until.is_some_and(|t| now >= t);
        // Nothing visible changed (the clock shows whole seconds) and no
        // command is waiting: keep the same state so nothing re-renders.
        let redraw = self.watching.as_ref().is_some_and(|w| now >= w.next_at);
        let new_requests = self.tab == ViewTab::Traffic && self.requests_seen() != requests_before;
        if self.revision() == before && !new_requests && !sleep_over && !redraw && self.foreground.is_none() && !self.shell.borrow().jobs().any_running() && now.0 / 1000 == self.now.0 / 1000 {
            return self;
        }
        Rc::new(self.next())
    }
}

fn push_output(lines: &mut Vec<ConsoleLine>, output: Vec<kubeplay_core::OutputLine>) {
    for l in output {
        let kind = if l.stream == Stream::Stderr { LineKind::Stderr } else { LineKind::Stdout };
        push_capped(lines, ConsoleLine { kind, text: l.text });
    }
}

fn push_capped(lines: &mut Vec<ConsoleLine>, line: ConsoleLine) {
    lines.push(line);
    if lines.len() > MAX_LINES {
        let excess = lines.len() - MAX_LINES;
        lines.drain(..excess);
    }
}

impl Reducible for Playground {
    type Action = Action;

    fn reduce(self: Rc<Self>, action: Action) -> Rc<Self> {
        match action {
            Action::Submit(command) => Rc::new(self.submit_or_queue(&command)),
            Action::Paste(lines) => {
                let mut next = (*self).clone();
                next.queued.extend(lines);
                next.run_queued();
                Rc::new(next)
            }
            Action::Interrupt(partial) => {
                // Ctrl+C ends whatever runs (sleep, a waiting command, watch) and
                // forgets a half-entered command and pasted lines not yet run.
                let shown_prompt = if self.busy() { String::new() } else { self.prompt.clone() };
                self.shell.borrow_mut().interrupt();
                let mut next = (*self).clone();
                next.busy_until = None;
                next.foreground = None;
                next.watching = None;
                next.editor = None;
                next.queued.clear();
                next.typed_ahead = None;
                let mut lines = (*self.lines).clone();
                push_capped(&mut lines, ConsoleLine { kind: LineKind::Prompt, text: format!("{shown_prompt}{partial}^C") });
                next.lines = Rc::new(lines);
                Rc::new(next.next())
            }
            Action::CloseEditor(saved) => {
                if self.editor.is_none() {
                    return self;
                }
                let before = self.revision();
                let result = self.shell.borrow_mut().close_editor(saved);
                let mut next = (*self).clone();
                next.editor = None;
                next.command_rev = Some(before);
                next.show(result);
                next.run_queued();
                Rc::new(next)
            }
            Action::ShowCompletions { typed, listing } => {
                let mut next = (*self).clone();
                let mut lines = (*self.lines).clone();
                push_capped(&mut lines, ConsoleLine { kind: LineKind::Prompt, text: format!("{}{typed}", self.prompt) });
                for l in listing {
                    push_capped(&mut lines, ConsoleLine { kind: LineKind::Stdout, text: l });
                }
                next.lines = Rc::new(lines);
                Rc::new(next)
            }
            Action::Preview(port) => {
                let preview = self.shell.borrow_mut().preview_port(self.foreground.as_ref(), port);
                let mut next = self.next();
                next.preview = preview.map(Rc::new);
                Rc::new(next)
            }
            Action::ClosePreview => {
                let mut next = (*self).clone();
                next.preview = None;
                Rc::new(next)
            }
            Action::ClearScreen => {
                let mut next = self.next();
                next.lines = Rc::new(Vec::new());
                Rc::new(next)
            }
            // While the cluster catches up the frame loop (`Slice`) drives it.
            Action::Tick { real_ms } if !self.catching_up => self.advance(real_ms),
            Action::Tick { .. } => self,
            Action::Slice { real_ms } if self.catching_up => {
                if real_ms - self.drawn_at < CATCH_UP_DRAW_MS {
                    return self.advance(real_ms);
                }
                // A frame that draws the pictures does no model work: the drawing is
                // its share of the frame.
                let mut next = (*self).clone();
                next.slices += 1;
                next.drawn_at = real_ms;
                next.refresh();
                Rc::new(next)
            }
            Action::Slice { .. } => self,
            Action::Pause { real_ms } => {
                let mut next = (*self).clone();
                next.catching_up = self.catch_up(real_ms);
                let mut next = next.next();
                next.clock = self.clock.paused_at(next.now, real_ms);
                Rc::new(next)
            }
            Action::Resume { real_ms } => {
                let mut next = self.next();
                next.clock = self.clock.resumed_at(next.now, real_ms);
                Rc::new(next)
            }
            Action::SetSpeed { speed, real_ms } => {
                let mut next = (*self).clone();
                next.catching_up = self.catch_up(real_ms);
                let mut next = next.next();
                next.clock = self.clock.with_speed(speed, next.now, real_ms);
                Rc::new(next)
            }
            Action::Step { real_ms } => {
                // A step runs to the next timed work in one go (finishing a catch-up).
                {
                    let mut shell = self.shell.borrow_mut();
                    if shell.cluster.catching_up_to().is_some() {
                        shell.cluster.finish_advance();
                    } else if let Some(target) = self.clock.target(real_ms) {
                        shell.cluster.advance_to(target);
                    }
                    let now = shell.cluster.now();
                    let target = shell.cluster.next_due().filter(|t| *t > now).unwrap_or(now.plus_ms(SimTime::SECOND));
                    shell.cluster.advance_to(target);
                }
                let mut next = (*self).clone();
                next.catching_up = false;
                let mut next = next.next();
                next.clock = self.clock.paused_at(next.now, real_ms);
                Rc::new(next)
            }
            Action::ShowView(tab) => {
                if tab == self.tab {
                    return self;
                }
                let mut next = (*self).clone();
                next.tab = tab;
                next.refresh();
                Rc::new(next)
            }
            Action::FilterEvents(filter) => {
                if filter == self.events_filter {
                    return self;
                }
                let mut next = (*self).clone();
                next.events_filter = filter;
                next.events_rev = u64::MAX;
                next.refresh();
                Rc::new(next)
            }
            Action::Inspect(target) => {
                let inspection = view::inspect(&mut self.shell.borrow_mut().cluster, &target);
                let mut next = (*self).clone();
                next.inspection = Some(Rc::new(inspection));
                Rc::new(next)
            }
            Action::CloseInspector => {
                let mut next = (*self).clone();
                next.inspection = None;
                Rc::new(next)
            }
            Action::Command(verb, target) => {
                if self.busy() {
                    return self;
                }
                let mut command = command_for(verb, &target, &self.current_namespace());
                if verb == InspectorVerb::ImageUnpullable {
                    let Some(image) = self.pod_image(&target) else { return self };
                    command = format!("{command} {}", shell_words::quote(&image));
                }
                Rc::new(self.submit_or_queue(&command))
            }
            Action::Run(command) => {
                if self.busy() {
                    return self;
                }
                Rc::new(self.submit_or_queue(&command))
            }
            Action::FocusTraffic(focus) => {
                if focus == self.traffic_focus {
                    return self;
                }
                let mut next = (*self).clone();
                next.traffic_focus = focus;
                next.refresh();
                Rc::new(next)
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn start() -> Rc<Playground> {
        Rc::new(Playground::new(7, 1_758_535_200_000, 0.0))
    }

    fn pod_status(p: &Playground, name: &str) -> Option<String> {
        p.physical.nodes.iter().flat_map(|n| n.pods.iter()).chain(p.physical.unscheduled.iter()).find(|x| x.name == name).map(|x| x.status.clone())
    }

    /// A busy cluster is advanced a slice per tick: the clock stays at the work's
    /// own instants, a typed command is echoed at once and runs at the end, and the cluster ends as one
    /// unsliced advance leaves it.
    #[test]
    fn a_busy_cluster_catches_up_in_slices() {
        let create = "kubectl create deployment web --image nginx --replicas 120";
        // A host clock that moves 1 ms per look: a slice is a few units of work.
        let ticks = Rc::new(std::cell::Cell::new(0.0));
        let host = ticks.clone();
        let sliced = Playground::new(7, 1_758_535_200_000, 0.0).with_host_clock(Rc::new(move || {
            host.set(host.get() + 1.0);
            host.get()
        }));
        let mut p = Rc::new(sliced).reduce(Action::Submit(create.into()));
        p = p.reduce(Action::Tick { real_ms: 20_000.0 });
        assert!(p.catching_up, "20 s of 120 pods' work is more than one slice");
        assert!(p.now < SimTime(1_758_535_200_000 + 20_000));
        p = p.reduce(Action::Submit("kubectl get deploy web".into()));
        assert_eq!(texts(&p).last().map(String::as_str), Some("controlplane:~$ kubectl get deploy web"), "echoed at once");
        assert!(p.busy(), "the prompt waits for the command's turn");
        assert!(!texts(&p).iter().any(|l| l.starts_with("NAME")), "the command itself waits");
        let mut slices = 1;
        while p.catching_up {
            p = p.reduce(Action::Slice { real_ms: 20_000.0 + slices as f64 });
            slices += 1;
            assert!(slices < 10_000);
        }
        assert!(slices > 3, "{slices} slices");
        let echoes = texts(&p).iter().filter(|l| l.ends_with("kubectl get deploy web")).count();
        assert_eq!(echoes, 1, "echoed once, not again when it ran");
        assert!(!p.busy());
        assert!(p.lines.iter().any(|l| l.text.starts_with("web ") && l.text.contains("120/120")), "{:?}", p.lines.iter().rev().take(3).collect::<Vec<_>>());
        let whole = start().reduce(Action::Submit(create.into())).reduce(Action::Tick { real_ms: 20_000.0 });
        let (a, b) = (whole.shell.borrow().cluster.snapshot(), p.shell.borrow().cluster.snapshot());
        assert!(a == b, "sliced and whole clusters differ");
    }

    #[test]
    fn pause_stops_time_and_resume_goes_on_from_there() {
        let p = start().reduce(Action::Submit("kubectl run web --image nginx".into()));
        let p = p.reduce(Action::Pause { real_ms: 100.0 });
        assert!(p.clock.paused);
        let at = p.now;
        let p = p.reduce(Action::Tick { real_ms: 60_000.0 });
        assert_eq!(p.now, at, "paused: a minute of host time moves nothing");
        assert_eq!(pod_status(&p, "web").as_deref(), Some("ContainerCreating"));
        let p = p.reduce(Action::Resume { real_ms: 60_000.0 });
        let p = p.reduce(Action::Tick { real_ms: 61_000.0 });
        assert_eq!(p.now, at.plus_ms(1_000), "resumed from where it stopped, without a jump");
    }

    #[test]
    fn speed_multiplies_and_step_runs_to_the_next_due_work() {
        let p = start().reduce(Action::SetSpeed { speed: 60, real_ms: 0.0 });
        let t0 = p.now;
        let p = p.reduce(Action::Tick { real_ms: 1_000.0 });
        assert_eq!(p.now, t0.plus_ms(60_000));
        // Nothing pending: a step is one second.
        let p = p.reduce(Action::Step { real_ms: 1_000.0 });
        assert!(p.clock.paused);
        assert_eq!(p.now, t0.plus_ms(61_000));
        // A pod waiting on its sandbox: a step goes straight to that moment.
        let p = p.reduce(Action::Submit("kubectl run web --image nginx".into()));
        let before = p.now;
        let mut p = p;
        let mut steps = 0;
        while pod_status(&p, "web").as_deref() != Some("Running") && steps < 20 {
            p = p.reduce(Action::Step { real_ms: 1_000.0 });
            steps += 1;
        }
        assert_eq!(pod_status(&p, "web").as_deref(), Some("Running"), "after {steps} steps");
        assert!(steps >= 2, "sandbox, pull and start are separate steps ({steps})");
        assert!(p.now > before);
    }

    #[test]
    fn inspector_follows_the_object_and_its_buttons_type_commands() {
        let p = start().reduce(Action::Submit("kubectl run web --image nginx".into()));
        let p = p.reduce(Action::Inspect(ObjectRef::pod("default", "web")));
        let i = p.inspection.clone().expect("inspecting");
        assert!(i.yaml.contains("name: web"));
        let p = p.reduce(Action::Tick { real_ms: 30_000.0 });
        let later = p.inspection.clone().expect("still inspecting");
        assert!(later.yaml.contains("phase: Running"), "the YAML follows the pod");
        let p = p.reduce(Action::Command(InspectorVerb::DeletePod, ObjectRef::pod("default", "web")));
        let echoed: Vec<&str> = p.lines.iter().filter(|l| l.kind == LineKind::Prompt).map(|l| l.text.as_str()).collect();
        assert_eq!(echoed.last(), Some(&"controlplane:~$ kubectl delete pod web"));
        assert_eq!(p.history.last().map(String::as_str), Some("kubectl delete pod web"));
        let p = p.reduce(Action::CloseInspector);
        assert!(p.inspection.is_none());
    }

    #[test]
    fn commands_name_the_namespace_only_when_needed() {
        let pod = ObjectRef::pod("kube-system", "etcd-controlplane");
        assert_eq!(command_for(InspectorVerb::DeletePod, &pod, "default"), "kubectl delete pod etcd-controlplane -n kube-system");
        assert_eq!(command_for(InspectorVerb::DeletePod, &pod, "kube-system"), "kubectl delete pod etcd-controlplane");
        assert_eq!(command_for(InspectorVerb::Cordon, &ObjectRef::node("node01"), "default"), "kubectl cordon node01");
        assert_eq!(command_for(InspectorVerb::Uncordon, &ObjectRef::node("node01"), "dev"), "kubectl uncordon node01");
        assert_eq!(command_for(InspectorVerb::StopNode, &ObjectRef::node("node02"), "dev"), "kubeplay node stop node02");
        assert_eq!(command_for(InspectorVerb::StartNode, &ObjectRef::node("node02"), "dev"), "kubeplay node start node02");
    }

    #[test]
    fn the_logical_view_is_derived_when_its_tab_opens() {
        let p = start().reduce(Action::Submit("kubectl run web --image nginx".into()));
        assert!(p.logical.namespaces.is_empty(), "not derived while hidden");
        let p = p.reduce(Action::ShowView(ViewTab::Logical));
        assert_eq!(p.logical.namespaces[0].pods[0].name, "web");
    }

    #[test]
    fn the_traffic_view_follows_requests_and_fault_buttons_type_kubeplay() {
        let p = start().reduce(Action::Submit("kubectl run web --image nginx --labels app=web".into()));
        let p = p.reduce(Action::Submit("kubectl expose pod web --port 80".into()));
        let p = p.reduce(Action::Tick { real_ms: 20_000.0 }).reduce(Action::ShowView(ViewTab::Traffic));
        let p = p.reduce(Action::FocusTraffic(Some(ObjectKey::new("default", "web"))));
        assert!(p.traffic.stations.iter().any(|s| s.id == "pod:default/web"));
        let p = p.reduce(Action::Run("kubeplay traffic --rate 5 http://web.default.svc.cluster.local".into()));
        let p = p.reduce(Action::Tick { real_ms: 21_000.0 });
        assert_eq!(p.traffic.streams.len(), 1);
        assert!(p.traffic.requests.len() >= 4, "{:?}", p.traffic.requests.len());
        let p = p.reduce(Action::Command(InspectorVerb::ImageUnpullable, ObjectRef::pod("default", "web")));
        assert!(texts(&p).iter().any(|l| l == "kubeplay: docker.io/library/nginx:latest can no longer be pulled; the next pull of it fails with ErrImagePull"), "{:?}", texts(&p));
        assert_eq!(command_for(InspectorVerb::KillContainer, &ObjectRef::pod("demo", "web"), "default"), "kubeplay container kill web -n demo");
        assert_eq!(command_for(InspectorVerb::AddLoad, &ObjectRef::new("Service", "default", "web"), "default"), "kubeplay load web 50");
    }

    fn texts(p: &Playground) -> Vec<String> {
        p.lines.iter().map(|l| l.text.clone()).collect()
    }

    #[test]
    fn a_here_document_typed_line_by_line_shows_the_continuation_prompt() {
        let p = start().reduce(Action::Submit("cat <<EOF | wc -l".into()));
        assert_eq!(p.prompt, "> ");
        let p = p.reduce(Action::Submit("a".into())).reduce(Action::Submit("b".into()));
        let p = p.reduce(Action::Submit("EOF".into()));
        assert_eq!(p.prompt, "controlplane:~$ ");
        assert_eq!(texts(&p)[1..], ["controlplane:~$ cat <<EOF | wc -l", "> a", "> b", "> EOF", "2"]);
        assert_eq!(p.history.last().map(String::as_str), Some("cat <<EOF | wc -l\na\nb\nEOF"));
        // Recalled from history and run again: the same lines in order.
        let p = p.reduce(Action::Submit("cat <<EOF | wc -l\na\nb\nEOF".into()));
        assert_eq!(texts(&p).last().map(String::as_str), Some("2"));
    }

    #[test]
    fn pasted_lines_wait_for_a_sleep_before_them() {
        let p = start().reduce(Action::Paste(vec!["echo one".into(), "sleep 2; echo two".into(), "echo three".into()]));
        assert!(p.busy());
        assert_eq!(texts(&p)[1..], ["controlplane:~$ echo one", "one", "controlplane:~$ sleep 2; echo two"]);
        let p = p.reduce(Action::Tick { real_ms: 2_100.0 });
        assert!(!p.busy());
        assert_eq!(texts(&p)[4..], ["two", "controlplane:~$ echo three", "three"]);
    }

    #[test]
    fn watch_redraws_on_the_clock_until_ctrl_c() {
        let p = start().reduce(Action::Submit("watch -n 1 'kubectl get pods --no-headers | wc -l'".into()));
        assert!(p.busy());
        let first = texts(&p);
        assert!(first[2].starts_with("Every 1.0s: kubectl get pods --no-head..."), "{first:?}");
        assert_eq!(first.last().map(String::as_str), Some("0"));
        let at = p.now;
        let p = p.reduce(Action::Tick { real_ms: 1_500.0 });
        assert!(p.now > at);
        let redrawn = texts(&p);
        assert_eq!(redrawn.len(), first.len(), "the screen is replaced, not appended");
        let p = p.reduce(Action::Interrupt(String::new()));
        assert!(!p.busy());
        assert_eq!(texts(&p).last().map(String::as_str), Some("^C"));
    }

    #[test]
    fn ctrl_c_abandons_a_half_entered_here_document() {
        let p = start().reduce(Action::Submit("cat <<EOF".into())).reduce(Action::Submit("x".into()));
        let p = p.reduce(Action::Interrupt("y".into()));
        assert_eq!(p.prompt, "controlplane:~$ ");
        assert_eq!(texts(&p).last().map(String::as_str), Some("> y^C"));
    }


    #[test]
    fn an_editor_holds_the_prompt_until_it_closes() {
        let p = start().reduce(Action::Submit("vi notes.txt; cat notes.txt".into()));
        let (_, request) = p.editor.clone().expect("vi opened the editor");
        assert_eq!(request.shown_name, "notes.txt");
        assert!(p.busy());
        let p = p.reduce(Action::CloseEditor(Some("hello".into())));
        assert!(p.editor.is_none() && !p.busy());
        assert_eq!(texts(&p).last().map(String::as_str), Some("hello"), "the rest of the line ran after saving");
        let p = p.reduce(Action::Submit("kubectl create deployment web --image=nginx".into()));
        let p = p.reduce(Action::Submit("kubectl edit deployment/web".into()));
        let (first, request) = p.editor.clone().expect("kubectl edit opened the editor");
        let p = p.reduce(Action::CloseEditor(Some(request.text.replace("replicas: 1", "replicas: -1"))));
        let (second, again) = p.editor.clone().expect("reopened after the invalid save");
        assert!(second > first && again.text.contains("# * spec.replicas: Invalid value: -1"));
        let p = p.reduce(Action::CloseEditor(Some(again.text.replace("replicas: -1", "replicas: 3"))));
        assert!(p.editor.is_none());
        assert_eq!(texts(&p).last().map(String::as_str), Some("deployment.apps/web edited"));
    }
}
