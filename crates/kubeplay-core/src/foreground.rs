//! Commands that keep running over simulated time: `kubectl delete` waiting until
//! its objects are gone, and (added by their verbs) `rollout status`, `wait`,
//! `get -w`, `logs -f`. A shell command that cannot finish at once returns a
//! [`Foreground`] in its `Effect`; whoever drives the clock — the page on every
//! tick, the headless runner by jumping from timer to timer — polls it until it
//! reports an exit status. Ctrl+C in the page simply drops it.
//!
//! Foreground work is plain data (no closures) so a session stays cloneable and
//! serialisable, and it only *reads* the cluster: the change it waits for was
//! already written when the command ran.

use crate::api::kinds::exists_with_uid;
use crate::api::ObjectKey;
use crate::cluster::Cluster;
use crate::output::Output;
use crate::time::SimTime;

/// An object being waited for, named as the store knows it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Awaited {
    /// The resource's plural (`pods`, `deployments`).
    pub plural: &'static str,
    pub key: ObjectKey,
    pub uid: String,
}

/// A command still running.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Foreground {
    /// `kubectl delete` (with the default `--wait=true`): returns once every object
    /// is gone from the store (or replaced by a namesake with another uid).
    AwaitDeletion { objects: Vec<Awaited>, deadline: SimTime },
    /// `kubectl get -w`: prints a row per change until interrupted.
    Watch(Box<crate::kubectl::watch::TableWatch>),
    /// `kubectl drain`: prints `pod/x evicted` as evicted pods go, node by node.
    Drain(crate::kubectl::drain::DrainWait),
    /// `kubectl wait --for=...`: one object after another, each with its timeout.
    Wait(crate::kubectl::wait::WaitFor),
    /// `kubectl rollout status`: a line per change of each object until its rollout is done.
    RolloutStatus(Box<crate::kubectl::rollout::status::RolloutWatch>),
    /// `kubectl exec`: a process in a container, which the terminal's shell runs
    /// (an interactive shell keeps the terminal until `exit`); never polled.
    Exec(crate::shell::container::ExecRequest),
    /// `kubectl cp`: the terminal's shell copies between the node and the container;
    /// never polled.
    Copy(crate::kubectl::cp::CopyRequest),
    /// `kubectl run -i`: waits for the pod's container to run, then attaches.
    Attach(crate::kubectl::run::AttachWait),
    /// `kubectl logs -f`: the containers' new lines until they stop.
    Logs(crate::kubectl::logs::LogFollow),
    /// `kubectl port-forward`: listening until Ctrl+C or the pod goes away.
    PortForward(crate::kubectl::port_forward::PortForward),
    /// `kubectl edit`: its loop, which the terminal's shell runs (it launches the
    /// editor); never polled.
    Edit(Box<crate::kubectl::edit::EditSession>),
    /// An editor (`vi`, `nano`, or the one `kubectl edit` opened) waiting for the
    /// person at the terminal: the page shows it, the headless shell feeds it lines;
    /// it ends through `Shell::close_editor`, never by polling.
    Editor(crate::editor::EditorRequest),
    /// `kubectl proxy`: serving until Ctrl+C.
    Proxy(crate::kubectl::proxy::ApiProxy),
    /// `sleep N &`: a background job that ends at `until`.
    Sleep { until: SimTime },
    /// `timeout DURATION CMD`: the command, ended with status 124 at `until`.
    Timeout { inner: Box<Foreground>, until: SimTime },
    /// `kubectl CMD --help`, `explain` … before the page has loaded kubectl's
    /// documentation ([`crate::docs`]): prints once it is here.
    AwaitDocs(crate::kubectl::DocsWait),
}

/// What one poll produced: lines to print, and the exit status once finished.
#[derive(Debug, Default)]
pub struct Progress {
    pub out: Output,
    pub exit: Option<i32>,
}

impl Foreground {
    /// Looks at the cluster as it is now; prints what happened since the last poll.
    pub fn poll(&mut self, cluster: &Cluster) -> Progress {
        let mut progress = Progress::default();
        match self {
            Foreground::AwaitDeletion { objects, deadline } => {
                objects.retain(|o| exists_with_uid(&cluster.store, o.plural, &o.key, &o.uid));
                if objects.is_empty() {
                    progress.exit = Some(0);
                } else if cluster.now() >= *deadline {
                    let o = &objects[0];
                    progress.out.err(&format!(
                        "error: timed out waiting for the condition on {}/{}",
                        o.plural, o.key.name
                    ));
                    progress.exit = Some(1);
                }
            }
            Foreground::Watch(w) => w.poll(cluster, &mut progress.out),
            Foreground::Drain(wait) => progress.exit = wait.poll(cluster, &mut progress.out),
            Foreground::Wait(wait) => progress.exit = wait.poll(cluster, &mut progress.out),
            Foreground::RolloutStatus(w) => progress.exit = w.poll(cluster, &mut progress.out),
            Foreground::Exec(_) | Foreground::Copy(_) | Foreground::Edit(_) => progress.exit = Some(0),
            Foreground::Editor(_) => {}
            Foreground::Attach(wait) => progress.exit = wait.poll(cluster, &mut progress.out),
            Foreground::Logs(follow) => progress.exit = follow.poll(cluster, &mut progress.out),
            Foreground::PortForward(pf) => progress.exit = pf.poll(cluster, &mut progress.out),
            Foreground::Proxy(_) => {}
            Foreground::Sleep { until } => progress.exit = (cluster.now() >= *until).then_some(0),
            Foreground::AwaitDocs(wait) => progress.exit = wait.poll(&mut progress.out),
            Foreground::Timeout { inner, until } => {
                progress = inner.poll(cluster);
                if progress.exit.is_none() && cluster.now() >= *until {
                    progress.exit = Some(124);
                }
            }
        }
        progress
    }

    /// The latest instant worth running the clock to while nothing else is due.
    pub fn deadline(&self) -> SimTime {
        match self {
            Foreground::AwaitDeletion { deadline, .. } => *deadline,
            Foreground::Watch(w) => w.started.plus_ms(crate::kubectl::watch::HEADLESS_LIMIT_MS),
            Foreground::Drain(wait) => wait.deadline(),
            Foreground::Wait(wait) => wait.deadline(),
            Foreground::RolloutStatus(w) => w.deadline(),
            Foreground::Exec(_) | Foreground::Copy(_) | Foreground::Edit(_) | Foreground::Editor(_) => SimTime::default(),
            Foreground::Attach(wait) => wait.deadline,
            Foreground::Logs(f) => f.started.plus_ms(crate::kubectl::watch::HEADLESS_LIMIT_MS),
            Foreground::PortForward(pf) => pf.started.plus_ms(crate::kubectl::watch::HEADLESS_LIMIT_MS),
            Foreground::Proxy(_) | Foreground::AwaitDocs(_) => SimTime::default(),
            Foreground::Sleep { until } => *until,
            Foreground::Timeout { inner, until } => inner.deadline().min(*until),
        }
    }

    /// What it listens on while it runs (`kubectl proxy`, `port-forward`): the node's
    /// `curl localhost:PORT` reaches these.
    pub fn listeners(&self) -> Vec<crate::network::loopback::Listener> {
        use crate::network::loopback::Listener;
        match self {
            Foreground::Proxy(p) => vec![Listener::ApiProxy(p.clone())],
            Foreground::PortForward(pf) => pf.ports.iter().map(|(l, r)| Listener::Forward { local: *l, pod: pf.pod.clone(), remote: *r }).collect(),
            Foreground::Timeout { inner, .. } => inner.listeners(),
            _ => Vec::new(),
        }
    }

    /// Where the headless runner moves the clock next while the command runs: the
    /// next due timer, else its deadline; `None` for a watch with nothing more to
    /// show once nothing is due (it stops as Ctrl+C would).
    pub fn next_advance(&self, cluster: &Cluster) -> Option<SimTime> {
        let endless = match self {
            // Simulated time brings no documentation (the headless shell has it compiled in).
            Foreground::Watch(_) | Foreground::Logs(_) | Foreground::PortForward(_) | Foreground::Proxy(_) | Foreground::AwaitDocs(_) => true,
            Foreground::RolloutStatus(w) => w.endless(),
            _ => false,
        };
        match cluster.next_due() {
            Some(t) if t <= self.deadline() => Some(t),
            _ if endless => None,
            _ => Some(self.deadline()),
        }
    }
}
