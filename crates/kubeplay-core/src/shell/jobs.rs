//! Job control for commands that keep running: `kubectl proxy &`, `kubectl
//! port-forward svc/web 8080:80 &`, `sleep 100 &`. As in interactive bash: `&` prints
//! `[1] PID` and returns to the prompt; the job's output reaches the terminal while
//! other commands run; `jobs` lists it, `fg` brings it back to the foreground (where
//! Ctrl+C ends it), `kill %1` ends it; a job that ended is reported once, after the
//! next command (`[1]+  Done  …`, `[1]+  Terminated  …`).
//!
//! A job is the [`Foreground`] its command returned, polled whenever the clock moves
//! (the page on every tick, the headless runner after each jump), its output sent
//! through its own pipeline ([`super::stream`]). Its listeners (`kubectl proxy` on
//! 8001, a port-forward's local ports) answer `curl localhost:PORT` on the node.

use super::stream::StreamRoute;
use super::Shell;
use crate::foreground::Foreground;
use crate::network::loopback::Listener;
use crate::output::{Output, OutputLine, Stream};

/// The first PID a background job gets (the shell itself is `$$` = 4242).
const FIRST_PID: u32 = 4301;

#[derive(Clone, Debug)]
pub struct Job {
    pub number: u32,
    pub pid: u32,
    /// The command as `jobs` shows it (bash prints it from its parse, words joined).
    pub command: String,
    running: Option<Foreground>,
    route: Option<StreamRoute>,
    state: State,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum State {
    Running,
    Done(i32),
    /// Ended by a signal: its name as bash reports it (`Terminated`, `Killed`).
    Signalled(&'static str),
}

/// The background jobs of one shell.
#[derive(Clone, Debug, Default)]
pub struct Jobs {
    list: Vec<Job>,
    next_pid: u32,
    last_pid: Option<u32>,
}

impl Jobs {
    /// The number and PID the next job gets (bash prints them before it runs).
    pub(super) fn next_ids(&mut self) -> (u32, u32) {
        let number = self.list.iter().map(|j| j.number).max().unwrap_or(0) + 1;
        let pid = FIRST_PID.max(self.next_pid);
        self.next_pid = pid + 1;
        (number, pid)
    }

    /// Registers a job; `running: None` when it finished at once (with `status`).
    pub(super) fn add(&mut self, number: u32, pid: u32, command: String, running: Option<Foreground>, route: Option<StreamRoute>, status: i32) {
        let state = if running.is_some() { State::Running } else { State::Done(status) };
        self.last_pid = Some(pid);
        self.list.push(Job { number, pid, command, running, route, state });
    }

    /// `$!`
    pub fn last_pid(&self) -> Option<u32> {
        self.last_pid
    }

    pub fn is_empty(&self) -> bool {
        self.list.is_empty()
    }

    /// Whether a job still runs (the page keeps polling).
    pub fn any_running(&self) -> bool {
        self.list.iter().any(|j| j.state == State::Running)
    }

    /// `%N`, `%%`/`%+` (the current job), `%-`, `%string` (command starts with it),
    /// or a PID.
    fn find(&self, spec: &str) -> Option<usize> {
        let current = self.list.len().checked_sub(1);
        match spec {
            "%%" | "%+" | "%" => current,
            "%-" => self.list.len().checked_sub(2).or(current),
            s if s.starts_with('%') => {
                let rest = &s[1..];
                match rest.parse::<u32>() {
                    Ok(n) => self.list.iter().position(|j| j.number == n),
                    Err(_) => self.list.iter().rposition(|j| j.command.starts_with(rest)),
                }
            }
            s => s.parse::<u32>().ok().and_then(|pid| self.list.iter().position(|j| j.pid == pid)),
        }
    }

    /// `+` for the current job, `-` for the previous one.
    fn mark(&self, i: usize) -> char {
        let n = self.list.len();
        if i + 1 == n {
            '+'
        } else if i + 2 == n {
            '-'
        } else {
            ' '
        }
    }

    fn line(&self, i: usize) -> String {
        let j = &self.list[i];
        let (state, tail) = match j.state {
            State::Running => ("Running".to_string(), " &"),
            State::Done(0) => ("Done".to_string(), ""),
            State::Done(code) => (format!("Exit {code}"), ""),
            State::Signalled(name) => (name.to_string(), ""),
        };
        format!("[{}]{}  {state:<24}{}{tail}", j.number, self.mark(i), j.command)
    }

    /// kubectl's errors when `running` would listen on a port a job already holds.
    pub fn bind_errors(&self, running: &Foreground) -> Vec<String> {
        let taken: Vec<u16> = self.listeners().iter().map(Listener::port).collect();
        let mut errors = Vec::new();
        match running {
            Foreground::PortForward(pf) => {
                for (local, _) in pf.ports.iter().filter(|(l, _)| taken.contains(l)) {
                    errors.push(format!("Unable to listen on port {local}: Listeners failed to create with the following errors: [unable to create listener: Error listen tcp4 127.0.0.1:{local}: bind: address already in use unable to create listener: Error listen tcp6 [::1]:{local}: bind: address already in use]"));
                }
                if errors.len() == pf.ports.len() {
                    let ports: Vec<String> = pf.ports.iter().map(|(l, r)| format!("{{{l} {r}}}")).collect();
                    errors.push(format!("error: unable to listen on any of the requested ports: [{}]", ports.join(" ")));
                }
            }
            Foreground::Proxy(p) if taken.contains(&p.port) => errors.push(format!("error: listen tcp {}:{}: bind: address already in use", p.address, p.port)),
            _ => {}
        }
        errors
    }

    /// What the running jobs listen on (`curl localhost:PORT` reaches them).
    pub fn listeners(&self) -> Vec<Listener> {
        self.list.iter().filter(|j| j.state == State::Running).filter_map(|j| j.running.as_ref()).flat_map(Foreground::listeners).collect()
    }
}

impl Shell {
    /// Polls the background jobs after the clock moved: what they printed, sent
    /// through their pipelines; returns what reaches the terminal.
    pub fn poll_jobs(&mut self) -> Output {
        let mut lines: Vec<OutputLine> = Vec::new();
        for i in 0..self.jobs.list.len() {
            if self.jobs.list[i].state != State::Running {
                continue;
            }
            let Some(running) = self.jobs.list[i].running.as_mut() else { continue };
            let progress = running.poll(&self.cluster);
            let mut route = self.jobs.list[i].route.take();
            match &mut route {
                Some(r) => lines.extend(r.deliver(self, progress.out)),
                None => lines.extend(progress.out.lines),
            }
            if let Some(code) = progress.exit {
                let status = match route.take() {
                    Some(r) => {
                        let (status, more) = r.finish(self, code);
                        lines.extend(more);
                        status
                    }
                    None => code,
                };
                self.jobs.list[i].state = State::Done(status);
            }
            self.jobs.list[i].route = route;
        }
        Output { lines }
    }

    /// bash's notice before the prompt of each job that ended since the last one; the
    /// jobs reported are forgotten.
    pub(super) fn job_notices(&mut self) -> Vec<OutputLine> {
        let jobs = &mut self.jobs;
        let notices = (0..jobs.list.len()).filter(|&i| jobs.list[i].state != State::Running).map(|i| OutputLine { stream: Stream::Stdout, text: jobs.line(i) }).collect();
        jobs.list.retain(|j| j.state == State::Running);
        notices
    }

    /// `jobs`
    pub(super) fn jobs_listing(&self) -> Vec<String> {
        (0..self.jobs.list.len()).map(|i| self.jobs.line(i)).collect()
    }

    /// `fg [JOB]`: the job's command (printed) and its running part, now in the
    /// foreground with its pipeline.
    pub(super) fn take_job(&mut self, spec: &str) -> Result<(String, Option<Foreground>), String> {
        let i = self.jobs.find(spec).ok_or_else(|| format!("{spec}: no such job"))?;
        let job = self.jobs.list.remove(i);
        if job.state != State::Running {
            return Ok((job.command, None));
        }
        self.stream = job.route;
        Ok((job.command, job.running))
    }

    /// `kill [-SIG] JOB|PID`: ends the job; bash reports it before the next prompt.
    pub(super) fn signal_job(&mut self, spec: &str, signal: &'static str) -> Result<(), String> {
        let i = self.jobs.find(spec).ok_or_else(|| if spec.starts_with('%') { format!("{spec}: no such job") } else { format!("({spec}) - No such process") })?;
        let job = &mut self.jobs.list[i];
        if job.state == State::Running {
            job.state = State::Signalled(signal);
            job.route = None;
        }
        Ok(())
    }

    /// A job's number, if `spec` names one.
    pub(super) fn job_number(&self, spec: &str) -> Option<u32> {
        self.jobs.find(spec).map(|i| self.jobs.list[i].number)
    }

    /// The ports forwarded to pods right now: by `running` (the terminal's
    /// foreground command, which the page holds) or by a background job.
    pub fn forwarded_ports(&self, running: Option<&Foreground>) -> Vec<u16> {
        let mut ports: Vec<u16> = self.loopback(running).into_iter().filter(|l| matches!(l, Listener::Forward { .. })).map(|l| l.port()).collect();
        crate::sorting::sort(&mut ports);
        ports.dedup();
        ports
    }

    /// The page's preview of a forwarded port (see [`crate::network::loopback::preview`]).
    pub fn preview_port(&mut self, running: Option<&Foreground>, port: u16) -> Option<crate::network::loopback::Preview> {
        let listener = self.loopback(running).into_iter().find(|l| l.port() == port && matches!(l, Listener::Forward { .. }))?;
        Some(crate::network::loopback::preview(&mut self.cluster, &listener))
    }

    fn loopback(&self, running: Option<&Foreground>) -> Vec<Listener> {
        let mut all = running.map(Foreground::listeners).unwrap_or_default();
        all.extend(self.jobs.listeners());
        all
    }

    pub fn jobs(&self) -> &Jobs {
        &self.jobs
    }
}
