//! Advancing the clock in slices. `advance_to` runs every due timer, each followed by
//! a settle, in one go; with thousands of pods that is seconds of work, which on the
//! page would freeze the tab. Here the same work is cut into units — one timer, one
//! controller's reconcile — and the host says after each unit whether it wants its
//! thread back (`out_of_time`), then calls again to carry on. The units run in the
//! same order whatever the cuts, so the cluster ends exactly where `advance_to`
//! leaves it: slicing changes when the host gives the model CPU, never what the
//! model does. The clock never runs ahead of the work: `now` is the instant of the
//! last timer run until the last one due is done.
//!
//! While an advance is unfinished nothing else may change the cluster: a command
//! or a plain `settle` first finishes it ([`Cluster::finish_advance`]).

use super::{Cluster, EVENT_TTL_MS, MAX_SETTLE_ROUNDS};
use crate::time::SimTime;

/// The unit of work just done, as the host's `out_of_time` hears of it: the page
/// ignores it; the benchmark names the slow ones.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Unit {
    /// A timer ran (with the probe ticks due at its instant): its kind.
    Timer(&'static str),
    /// One controller's reconcile, by its name in `CONTROLLERS`.
    Reconcile(&'static str),
    /// Events older than the API server's TTL were dropped after a settle.
    ExpireEvents,
}

/// What the host asks after each unit: true to have its thread back.
pub type OutOfTime<'a> = dyn FnMut(Unit) -> bool + 'a;

/// Where an unfinished advance stands (progress, not state: a snapshot is only ever
/// taken of a cluster that finished it).
#[derive(Clone, Debug)]
pub(crate) struct Advance {
    target: SimTime,
    /// The settle under way, after a timer or at the target.
    settle: Option<Settle>,
    /// The last timer due has run: the settle under way is the one at the target.
    at_target: bool,
}

/// A settle between two controllers.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Settle {
    round: usize,
    /// The index in `CONTROLLERS` of the next reconcile to run.
    next: usize,
    /// The store revision when the round began.
    before: u64,
}

impl Settle {
    pub(crate) fn begin(c: &Cluster) -> Settle {
        Settle { round: 0, next: 0, before: c.store.revision() }
    }

    /// Runs reconciles until a round changes nothing (or the round limit), asking
    /// `out_of_time` after each; true when the settle is over.
    pub(crate) fn run(&mut self, c: &mut Cluster, out_of_time: &mut OutOfTime) -> bool {
        let controllers = crate::controllers::CONTROLLERS;
        loop {
            if self.next == controllers.len() {
                if c.store.revision() == self.before || self.round + 1 >= MAX_SETTLE_ROUNDS {
                    return true;
                }
                *self = Settle { round: self.round + 1, next: 0, before: c.store.revision() };
            }
            let (name, reconcile) = controllers[self.next];
            reconcile(c);
            self.next += 1;
            if out_of_time(Unit::Reconcile(name)) {
                return false;
            }
        }
    }
}

impl Cluster {
    /// Works towards `target` as [`Cluster::advance_to`] does, handing the thread
    /// back whenever `out_of_time` (asked after each unit of work) says so. True once
    /// the cluster is where `advance_to(target)` would have left it; false: call
    /// again (with the same target, or a later one: the unfinished advance is
    /// completed first, as two `advance_to` calls would).
    pub fn advance_within(&mut self, target: SimTime, out_of_time: &mut OutOfTime) -> bool {
        loop {
            let mut job = self.advancing.take().unwrap_or(Advance { target, settle: None, at_target: false });
            if !self.work_on(&mut job, out_of_time) {
                self.advancing = Some(job);
                return false;
            }
            if job.target == target {
                return true;
            }
        }
    }

    /// The target of an unfinished advance (the model is catching up), if any.
    pub fn catching_up_to(&self) -> Option<SimTime> {
        self.advancing.as_ref().map(|a| a.target)
    }

    /// Completes an unfinished advance at once.
    pub fn finish_advance(&mut self) {
        if let Some(target) = self.catching_up_to() {
            self.advance_within(target, &mut |_| false);
        }
    }

    /// Runs `job` to its end or until `out_of_time`; true when it is over.
    fn work_on(&mut self, job: &mut Advance, out_of_time: &mut OutOfTime) -> bool {
        loop {
            if let Some(settle) = job.settle.as_mut() {
                if !settle.run(self, out_of_time) {
                    return false;
                }
                job.settle = None;
                self.store.expire_events(self.now.plus_ms(-EVENT_TTL_MS));
                if job.at_target {
                    return true;
                }
                if out_of_time(Unit::ExpireEvents) {
                    return false;
                }
            }
            match self.timers.keys().next().copied().filter(|(at, _)| *at <= job.target) {
                Some((at, seq)) => {
                    let work = self.timers.remove(&(at, seq)).expect("key just seen");
                    self.now = self.now.max(at);
                    let probing = work.is_probe_tick();
                    let kind = work.kind();
                    self.run(work);
                    if probing {
                        self.run_probe_ticks_due(at);
                    }
                    job.settle = Some(Settle::begin(self));
                    if out_of_time(Unit::Timer(kind)) {
                        return false;
                    }
                    continue;
                }
                None => {
                    self.now = self.now.max(job.target);
                    job.at_target = true;
                }
            }
            job.settle = Some(Settle::begin(self));
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::{ClusterConfig, Shell};

    /// However the work is cut, the cluster ends where one `advance_to` leaves it.
    #[test]
    fn slices_end_where_one_advance_ends() {
        let script = |shell: &mut Shell| {
            shell.execute("kubectl create deployment web --image nginx --replicas 40");
            shell.execute("kubectl create deployment bad --image nginx:nope --replicas 3");
        };
        let mut whole = Shell::new(ClusterConfig::default());
        script(&mut whole);
        whole.cluster.advance_by(45_000);
        for cut in [1, 2, 7, 50] {
            let mut sliced = Shell::new(ClusterConfig::default());
            script(&mut sliced);
            let target = sliced.cluster.now().plus_ms(45_000);
            let mut calls = 0;
            let mut units = 0;
            while !sliced.cluster.advance_within(target, &mut |_| {
                units += 1;
                units % cut == 0
            }) {
                calls += 1;
                assert!(sliced.cluster.now() <= target);
            }
            assert!(cut > 40 || calls > 10, "cut {cut}: {calls} calls");
            assert_eq!(sliced.cluster.catching_up_to(), None);
            assert_eq!(sliced.cluster.now(), whole.cluster.now());
            let (a, b) = (serde_json::to_string(&whole.cluster).unwrap(), serde_json::to_string(&sliced.cluster).unwrap());
            assert!(a == b, "cut {cut}: the sliced cluster differs");
            assert_eq!(whole.execute("kubectl get events -A").lines, sliced.execute("kubectl get events -A").lines);
        }
    }
}
