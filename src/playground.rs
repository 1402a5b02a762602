//! The page's one piece of shared state: the shell (which owns the cluster), the
//! console's scrollback and history, and the picture of the cluster derived from it.
//! Every change goes through [`Action`]; the model is only touched in `reduce`.

use std::cell::RefCell;
use std::rc::Rc;

use kubeplay_core::shell::PROMPT;
use kubeplay_core::time::SimTime;
use kubeplay_core::view::PhysicalView;
use kubeplay_core::foreground::Foreground;
use kubeplay_core::{ClusterConfig, Effect, Shell, Stream};
use yew::Reducible;

/// Scrollback kept in the console; older lines are dropped so a long session stays fast.
pub const MAX_LINES: usize = 5_000;

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

pub enum Action {
    /// The user pressed Enter on a command line.
    Submit(String),
    /// Ctrl+C: abandon the line being typed (bash prints it with `^C`).
    Interrupt(String),
    /// Ctrl+L or `clear`.
    ClearScreen,
    /// The page's clock: `real_ms` is the host's monotonic time in milliseconds.
    Tick { real_ms: f64 },
}

pub struct Playground {
    shell: Rc<RefCell<Shell>>,
    pub lines: Rc<Vec<ConsoleLine>>,
    pub history: Rc<Vec<String>>,
    pub view: Rc<PhysicalView>,
    /// Simulated time when the page started, and the host time it corresponds to.
    sim_origin: SimTime,
    real_origin: f64,
    /// The store revision `view` was derived from.
    revision: u64,
    /// While `sleep` runs, the prompt waits until the simulated clock reaches this.
    pub busy_until: Option<SimTime>,
    /// A command still running over simulated time (`kubectl delete` waiting ...).
    pub foreground: Option<Foreground>,
    pub now: SimTime,
}

impl PartialEq for Playground {
    fn eq(&self, other: &Self) -> bool {
        Rc::ptr_eq(&self.shell, &other.shell)
            && self.revision == other.revision
            && Rc::ptr_eq(&self.lines, &other.lines)
            && self.busy_until == other.busy_until
            && self.foreground == other.foreground
    }
}

impl Playground {
    /// `start_ms` is the wall-clock time at which the simulation starts (the page's
    /// `Date.now()`); `real_ms` the host's monotonic clock at that moment.
    pub fn new(seed: u64, start_ms: i64, real_ms: f64) -> Playground {
        let shell = Shell::new(ClusterConfig { seed, start: SimTime(start_ms) });
        let view = Rc::new(PhysicalView::of(&shell.cluster));
        let revision = shell.cluster.store.revision();
        let now = shell.cluster.now();
        Playground {
            shell: Rc::new(RefCell::new(shell)),
            lines: Rc::new(vec![ConsoleLine { kind: LineKind::Stdout, text: "kubeplay: Kubernetes v1.34 in your browser. Type `help`.".into() }]),
            history: Rc::new(Vec::new()),
            view,
            sim_origin: now,
            real_origin: real_ms,
            revision,
            busy_until: None,
            foreground: None,
            now,
        }
    }

    fn with_changes(&self, lines: Rc<Vec<ConsoleLine>>, history: Rc<Vec<String>>) -> Playground {
        let shell = self.shell.borrow();
        let revision = shell.cluster.store.revision();
        let view = if revision == self.revision { self.view.clone() } else { Rc::new(PhysicalView::of(&shell.cluster)) };
        Playground {
            shell: self.shell.clone(),
            lines,
            history,
            view,
            sim_origin: self.sim_origin,
            real_origin: self.real_origin,
            revision,
            busy_until: self.busy_until,
            foreground: self.foreground.clone(),
            now: shell.cluster.now(),
        }
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
            Action::Submit(command) => {
                let mut lines = (*self.lines).clone();
                let mut history = (*self.history).clone();
                push_capped(&mut lines, ConsoleLine { kind: LineKind::Prompt, text: format!("{PROMPT}{command}") });
                if !command.trim().is_empty() && history.last() != Some(&command) {
                    history.push(command.clone());
                }
                let result = self.shell.borrow_mut().execute(&command);
                for l in result.lines {
                    let kind = if l.stream == Stream::Stderr { LineKind::Stderr } else { LineKind::Stdout };
                    push_capped(&mut lines, ConsoleLine { kind, text: l.text });
                }
                let mut next = self.with_changes(Rc::new(lines), Rc::new(history));
                match result.effect {
                    Some(Effect::Clear) => next.lines = Rc::new(Vec::new()),
                    Some(Effect::Sleep(ms)) => next.busy_until = Some(next.now.plus_ms(ms)),
                    Some(Effect::Foreground(fg)) => next.foreground = Some(fg),
                    None => {}
                }
                Rc::new(next)
            }
            Action::Interrupt(partial) => {
                let mut lines = (*self.lines).clone();
                push_capped(&mut lines, ConsoleLine { kind: LineKind::Prompt, text: format!("{PROMPT}{partial}^C") });
                let mut next = self.with_changes(Rc::new(lines), self.history.clone());
                next.busy_until = None;
                next.foreground = None;
                Rc::new(next)
            }
            Action::ClearScreen => Rc::new(self.with_changes(Rc::new(Vec::new()), self.history.clone())),
            Action::Tick { real_ms } => {
                let elapsed = (real_ms - self.real_origin).max(0.0) as i64;
                let target = self.sim_origin.plus_ms(elapsed);
                self.shell.borrow_mut().cluster.advance_to(target);
                let revision = self.shell.borrow().cluster.store.revision();
                let sleep_over = self.busy_until.is_some_and(|t| target >= t);
                let mut foreground = self.foreground.clone();
                let progress = foreground.as_mut().map(|fg| fg.poll(&self.shell.borrow().cluster));
                let foreground_moved = progress.as_ref().is_some_and(|p| p.exit.is_some() || !p.out.lines.is_empty());
                if revision == self.revision && !sleep_over && !foreground_moved {
                    // Nothing visible changed: keep the same state so nothing re-renders.
                    return self;
                }
                let mut lines = self.lines.clone();
                if let Some(p) = &progress {
                    if !p.out.lines.is_empty() {
                        let mut l = (*lines).clone();
                        for o in &p.out.lines {
                            let kind = if o.stream == Stream::Stderr { LineKind::Stderr } else { LineKind::Stdout };
                            push_capped(&mut l, ConsoleLine { kind, text: o.text.clone() });
                        }
                        lines = Rc::new(l);
                    }
                    if p.exit.is_some() {
                        foreground = None;
                    }
                }
                let mut next = self.with_changes(lines, self.history.clone());
                next.foreground = foreground;
                if sleep_over {
                    next.busy_until = None;
                }
                Rc::new(next)
            }
        }
    }
}
