//! The simulated cluster: the API store plus the simulated clock, the seeded RNG and the
//! queue of timed work (image pulls, container starts, back-offs).
//!
//! After every change the controllers *settle*: each reconcile step runs over the
//! observed state until none of them has anything left to do. Only work that takes
//! time in a real cluster waits in the timer queue for the clock to reach it.

use std::collections::{BTreeMap, BTreeSet};

use crate::api::{Admit, ApiError, ObjectKey, Store};
use crate::controllers::kubelet;
use crate::names::SimRng;
use crate::time::SimTime;

mod sliced;
pub use sliced::{OutOfTime, Unit};

/// What starts a cluster: everything that would otherwise come from the host.
#[derive(Clone, Copy, Debug)]
pub struct ClusterConfig {
    pub seed: u64,
    /// The simulated wall-clock time at which the session starts.
    pub start: SimTime,
}

impl Default for ClusterConfig {
    fn default() -> Self {
        // 2025-09-22T10:00:00Z: a fixed instant, so headless runs are reproducible.
        ClusterConfig { seed: 1, start: SimTime(1_758_535_200_000) }
    }
}

/// Work that becomes due at a simulated instant.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum TimedWork {
    Kubelet(kubelet::PodStep),
    Termination(crate::controllers::pod_termination::TerminationStep),
    /// A controller asked to look again at this instant ([`Cluster::wake_at`]):
    /// an eviction deadline, a node-monitor tick, a Job back-off, a cron tick.
    Wake,
    Network(crate::network::loadbalancer::NetworkStep),
    /// A steady stream of requests sends what is due ([`crate::network::traffic`]).
    Traffic(u32),
}

impl TimedWork {
    /// A kubelet probe worker's tick.
    /// The kind of work, named for the benchmark's list of slow units.
    fn kind(&self) -> &'static str {
        match self {
            TimedWork::Kubelet(step) if matches!(step.stage, kubelet::Stage::Probe { .. }) => "probe",
            TimedWork::Kubelet(_) => "kubelet",
            TimedWork::Termination(_) => "termination",
            TimedWork::Wake => "wake",
            TimedWork::Network(_) => "network",
            TimedWork::Traffic(_) => "traffic",
        }
    }

    fn is_probe_tick(&self) -> bool {
        matches!(self, TimedWork::Kubelet(step) if matches!(step.stage, kubelet::Stage::Probe { .. }))
    }
}

/// The API server keeps events for an hour (`--event-ttl=1h`).
const EVENT_TTL_MS: i64 = 60 * 60 * 1000;

/// The upper bound of reconcile rounds per settle; a guard against a controller bug
/// turning into a frozen page. Real work needs only a handful of rounds.
const MAX_SETTLE_ROUNDS: usize = 1_000;

#[derive(Clone, Debug, serde::Serialize, serde::Deserialize)]
pub struct Cluster {
    pub store: Store,
    now: SimTime,
    pub(crate) rng: SimRng,
    #[serde(with = "crate::snapshot::pairs")]
    timers: BTreeMap<(SimTime, u64), TimedWork>,
    timer_seq: u64,
    /// Last pod IP host part handed out per node (host-local IPAM goes round the range).
    pub(crate) ipam_last: BTreeMap<String, u8>,
    /// Uids of the pods whose kubelet has begun stopping them.
    pub(crate) terminating: std::collections::BTreeSet<String>,
    /// `Store::deletions` when the garbage collector last looked.
    pub(crate) gc_seen: u64,
    /// `Store::deletions` when the pod GC last looked for pods of deleted nodes.
    pub(crate) orphans_seen: u64,
    /// Instants some controller has asked to be woken at (one timer each).
    wakeups: BTreeSet<SimTime>,
    /// The node agents' side of the machines: whose kubelet is stopped.
    pub(crate) machines: crate::controllers::node_lifecycle::Machines,
    /// Requests per second arriving at each Service (`add_load`), which the metrics
    /// pipeline turns into CPU use of the pods behind it.
    #[serde(with = "crate::snapshot::pairs")]
    pub(crate) load: BTreeMap<crate::api::ObjectKey, f64>,
    /// Images the registry no longer serves (`kubeplay image unpullable`), canonical names.
    pub(crate) unpullable_images: BTreeSet<String>,
    /// What the data plane has seen: requests, per-pod traffic, access logs.
    pub network: crate::network::NetworkState,
    /// The HPA controller's memory: last sync and recent recommendations.
    pub(crate) autoscaler: crate::controllers::horizontal::Memory,
    /// The environment each running container was created with (the kubelet's).
    #[serde(default)]
    pub container_env: crate::controllers::container_env::ResolvedEnv,
    /// Each container instance's files as sessions and its main process left them.
    #[serde(default)]
    pub container_files: crate::controllers::container_files::ContainerFiles,
    /// The kubelets' probe workers (results in a row, on hold).
    #[serde(default)]
    pub(crate) probes: crate::controllers::prober::Workers,
    /// Where the scheduler's next search for feasible nodes begins (its
    /// `nextStartNodeIndex`); moves only in clusters of 100 nodes or more.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub(crate) next_start_node_index: usize,
    /// Syncs known to change nothing until their inputs move (a cache, not state).
    #[serde(skip)]
    pub(crate) quiet: crate::controllers::quiet::Quiet,
    /// The store revision up to which the kubelets compared running containers with
    /// their pods' specs (a cache, not state).
    #[serde(skip)]
    pub(crate) redefined_seen: u64,
    /// An advance the host has not let finish yet (see `cluster/sliced.rs`).
    #[serde(skip)]
    advancing: Option<sliced::Advance>,
    /// The scheduler's cache: node usage, the unschedulable queue (derived, not state).
    #[serde(skip)]
    pub(crate) scheduler: crate::controllers::scheduler::Cache,
}

fn is_zero(n: &usize) -> bool {
    *n == 0
}

impl Cluster {
    /// The default cluster of the design: a kubeadm v1.34 control plane and two workers.
    pub fn new(config: ClusterConfig) -> Cluster {
        let mut cluster = Cluster::empty(config);
        crate::controllers::bootstrap::default_cluster(&mut cluster);
        cluster.settle();
        cluster
    }

    /// A cluster with no objects at all (for tests that build their own).
    pub fn empty(config: ClusterConfig) -> Cluster {
        Cluster {
            store: Store::default(),
            now: config.start,
            rng: SimRng::seeded(config.seed),
            timers: BTreeMap::new(),
            timer_seq: 0,
            ipam_last: BTreeMap::new(),
            terminating: Default::default(),
            gc_seen: 0,
            orphans_seen: 0,
            wakeups: BTreeSet::new(),
            machines: Default::default(),
            load: BTreeMap::new(),
            unpullable_images: BTreeSet::new(),
            network: Default::default(),
            autoscaler: Default::default(),
            container_env: Default::default(),
            container_files: Default::default(),
            probes: Default::default(),
            quiet: Default::default(),
            redefined_seen: 0,
            next_start_node_index: 0,
            scheduler: Default::default(),
            advancing: None,
        }
    }

    /// What a restored snapshot must satisfy beyond its types: instants on a
    /// calendar (so clock arithmetic cannot overflow) and a resourceVersion counter
    /// ahead of every stored object's.
    pub(crate) fn check_consistent(&self) -> Result<(), String> {
        const LAST_INSTANT: i64 = 253_402_300_799_999; // 9999-12-31T23:59:59.999Z
        let on_calendar = |t: SimTime| (0..=LAST_INSTANT).contains(&t.0);
        if !on_calendar(self.now) || !self.timers.keys().all(|(t, _)| on_calendar(*t)) {
            return Err("the clock or a timer is outside years 1970-9999".into());
        }
        if self.timers.keys().any(|(_, seq)| *seq > self.timer_seq) {
            return Err("a timer is numbered beyond the timer counter".into());
        }
        let newest = self.store.newest_object_version();
        if newest > self.store.revision() {
            return Err(format!("an object has resourceVersion {newest}, beyond the store's {}", self.store.revision()));
        }
        Ok(())
    }

    /// Sets the request rate arriving at Service `namespace/service` (0 removes it):
    /// the hook through which traffic drives CPU use, `kubectl top` and the HPA.
    pub fn add_load(&mut self, namespace: &str, service: &str, rps: f64) {
        let key = crate::api::ObjectKey::new(namespace, service);
        if rps > 0.0 && rps.is_finite() {
            self.load.insert(key, rps);
        } else {
            self.load.remove(&key);
        }
    }

    pub fn now(&self) -> SimTime {
        self.now
    }

    pub fn rng(&mut self) -> &mut SimRng {
        &mut self.rng
    }

    /// Creates an object as the API server would: defaulting, validation, then
    /// admission and allocation ([`Admit`]), then the store. Controllers and kubectl both use it.
    /// Does not settle: the caller decides when the controllers react.
    pub fn create<K: Admit>(&mut self, mut obj: K) -> Result<K, ApiError> {
        // The server assigns the uid; one sent by the client is ignored.
        obj.metadata_mut().uid = None;
        // As the API server: decoding defaults the object, then it is validated.
        obj.default_create(&mut self.rng);
        obj.validate_create()?;
        obj.admit(&self.store, &mut self.rng)?;
        self.store.create(obj, self.now, &mut self.rng)
    }

    /// Updates a stored object as the API server does: `change` is the client's edit,
    /// then defaulting, update validation and the strategy's `PrepareForUpdate`
    /// (generation bumps). Status writes of controllers use `store.modify` instead,
    /// as they go to the status subresource.
    pub fn update<K: Admit + PartialEq>(&mut self, key: &ObjectKey, change: impl FnOnce(&mut K)) -> Result<K, ApiError> {
        let Some(old) = K::table(&self.store).get(key).cloned() else {
            return Err(ApiError::not_found(&K::qualified_resource(), &key.name));
        };
        let mut new = old.clone();
        change(&mut new);
        new.default_update();
        self.admit_update(&mut new, &old)?;
        self.store.modify::<K>(key, |stored| *stored = new);
        Ok(K::table(&self.store).get(key).cloned().unwrap_or(old))
    }

    /// What the API server does to a decoded update before storing it: the kind's
    /// update validation; `rest.BeforeUpdate`, which puts the old generation back
    /// (a client cannot set it) before the strategy's `PrepareForUpdate` decides
    /// whether this is a new one; then the allocators.
    pub fn admit_update<K: Admit>(&mut self, new: &mut K, old: &K) -> Result<(), ApiError> {
        new.validate_update(old)?;
        new.metadata_mut().generation = old.metadata().generation;
        new.prepare_for_update(old);
        new.admit_update(old, &self.store, &mut self.rng)
    }

    /// Queues `work` to run when the clock reaches `at`.
    pub fn schedule(&mut self, at: SimTime, work: TimedWork) {
        self.timer_seq += 1;
        self.timers.insert((at, self.timer_seq), work);
    }

    /// Asks for a settle at `at`: controllers are level-triggered, so a wake-up is
    /// all a deadline needs. Several requests for one instant share one timer.
    pub fn wake_at(&mut self, at: SimTime) {
        if at > self.now && self.wakeups.insert(at) {
            self.schedule(at, TimedWork::Wake);
        }
    }

    /// When the next timed work is due, if any.
    pub fn next_due(&self) -> Option<SimTime> {
        self.timers.keys().next().map(|(t, _)| *t)
    }

    /// Moves the clock forward by `ms`, running every timer that falls due on the way,
    /// each at its own instant, and settling the controllers after each.
    pub fn advance_by(&mut self, ms: i64) {
        let target = self.now.plus_ms(ms.max(0));
        self.advance_to(target);
    }

    /// Moves the clock to `target`, running every timer due on the way at its own
    /// instant with a settle after each (the page cuts the same work into slices:
    /// `advance_within` in `cluster/sliced.rs`).
    pub fn advance_to(&mut self, target: SimTime) {
        self.advance_within(target, &mut |_| false);
    }

    /// Runs the other probe ticks due at `at` before the settle: the workers of a
    /// Deployment's pods tick together and none needs another's result to decide,
    /// so a hundred ticks cost one settle rather than a hundred.
    fn run_probe_ticks_due(&mut self, at: SimTime) {
        while let Some((&key, work)) = self.timers.iter().next() {
            if key.0 != at || !work.is_probe_tick() {
                return;
            }
            let work = self.timers.remove(&key).expect("key just seen");
            self.run(work);
        }
    }

    fn run(&mut self, work: TimedWork) {
        match work {
            TimedWork::Kubelet(step) => kubelet::run_step(self, step),
            TimedWork::Termination(step) => crate::controllers::pod_termination::run_step(self, step),
            TimedWork::Wake => {
                self.wakeups.remove(&self.now);
                // A deadline: syncs skipped as unchanged may now decide otherwise.
                self.quiet.forget_all();
            }
            TimedWork::Network(step) => crate::network::loadbalancer::run_step(self, step),
            TimedWork::Traffic(id) => crate::network::traffic::run_step(self, id),
        }
    }

    /// Runs the reconcile steps until none changes anything (after finishing an
    /// advance the page left unfinished, so nothing interleaves with it).
    pub fn settle(&mut self) {
        self.finish_advance();
        sliced::Settle::begin(self).run(self, &mut |_| false);
    }
}
