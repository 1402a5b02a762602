//! Native latency benchmark (not a test): how long `kubectl get pods` takes in the
//! default cluster and with 1,000 pods, then how the simulation scales: time to reach
//! steady state and the cost of one clock tick at 100 / 1,000 / 10,000 / 30,000 pods.
//! Prints figures; asserts nothing.
//!
//! cargo run --release -p kubeplay-sh --bin kubeplay-bench [-- --max-pods N | --scale N]
//!
//! `--scale N` runs only the scale point of N pods (for profiling one size).

use std::collections::BTreeMap;
use std::time::Instant;

use kubeplay_core::controllers::bootstrap::add_worker;
use kubeplay_core::cluster::Unit;
use kubeplay_core::{view, ClusterConfig, Shell};

fn median_micros(shell: &mut Shell, command: &str, runs: usize) -> (f64, usize) {
    let mut times = Vec::with_capacity(runs);
    let mut lines = 0;
    for _ in 0..runs {
        let t = Instant::now();
        let out = shell.execute(command);
        times.push(t.elapsed().as_secs_f64() * 1e6);
        lines = out.lines.len();
    }
    times.sort_by(|a, b| a.total_cmp(b));
    (times[runs / 2], lines)
}

/// Pods per Deployment in the scale runs, and pods the scheduler may put on a worker
/// (110 allowed, minus the per-node system pods and some slack).
const REPLICAS: usize = 100;
const PODS_PER_NODE: usize = 100;

/// One scale point: a fresh cluster with enough workers, `pods` pods in Deployments of
/// [`REPLICAS`]; prints the wall time until every pod runs and the cost of ticks.
fn scale(pods: usize) {
    let t = Instant::now();
    let mut shell = Shell::new(ClusterConfig::default());
    let workers = pods.div_ceil(PODS_PER_NODE);
    for _ in 2..workers {
        shell.cluster.add_node();
    }
    shell.cluster.advance_by(60_000);
    let nodes_ms = t.elapsed().as_secs_f64() * 1e3;
    let t = Instant::now();
    for d in 0..pods.div_ceil(REPLICAS) {
        let replicas = REPLICAS.min(pods - d * REPLICAS);
        shell.execute(&format!("kubectl create deployment d{d} --image=nginx --replicas={replicas}"));
    }
    let create_ms = t.elapsed().as_secs_f64() * 1e3;
    // Steady state: every pod of the Deployments Running and ready (checked each
    // simulated 5 s, for at most ten simulated minutes).
    let mut sim_s = 0;
    while sim_s < 600 {
        shell.cluster.advance_by(5_000);
        sim_s += 5;
        let running = shell
            .cluster
            .store
            .pods
            .list(Some("default"))
            .filter(|p| p.status.as_ref().and_then(|s| s.phase.as_deref()) == Some("Running"))
            .count();
        if running == pods {
            break;
        }
    }
    let steady_ms = t.elapsed().as_secs_f64() * 1e3;
    // The page advances the clock in small steps; time 20 ticks of 100 ms and 10 of 1 s.
    let tick = |shell: &mut Shell, ms: i64, n: u32| {
        let t = Instant::now();
        for _ in 0..n {
            shell.cluster.advance_by(ms);
        }
        t.elapsed().as_secs_f64() * 1e3 / n as f64
    };
    let tick_100 = tick(&mut shell, 100, 20);
    let tick_1s = tick(&mut shell, 1_000, 10);
    let t = Instant::now();
    let out = shell.execute("kubectl get pods -A");
    let get_ms = t.elapsed().as_secs_f64() * 1e3;
    // A node joining a cluster at this scale: its daemon pods created, scheduled and
    // started (the DaemonSets' syncs), averaged over 5 joins.
    let t = Instant::now();
    for _ in 0..5 {
        shell.cluster.add_node();
        shell.cluster.advance_by(30_000);
    }
    let join_ms = t.elapsed().as_secs_f64() * 1e3 / 5.0;
    println!(
        "{pods:>6} pods {workers:>4} workers: nodes {nodes_ms:>7.0} ms, create {create_ms:>7.0} ms, steady after {sim_s:>3} sim s in {steady_ms:>8.0} ms; tick 100 ms {tick_100:>7.2} ms, tick 1 s {tick_1s:>7.2} ms; get pods -A {get_ms:>6.0} ms ({} lines); join {join_ms:>6.1} ms",
        out.lines.len()
    );
}

/// The milliseconds this thread has run on a CPU (`CLOCK_THREAD_CPUTIME_ID`), so a
/// unit's figure does not grow while other processes have the machine (the figures
/// are taken on a shared one); elsewhere, wall time.
#[cfg(all(target_os = "linux", target_pointer_width = "64"))]
fn busy_ms() -> f64 {
    #[repr(C)]
    struct Timespec {
        sec: i64,
        nsec: i64,
    }
    extern "C" {
        fn clock_gettime(clock: i32, tp: *mut Timespec) -> i32;
    }
    const CLOCK_THREAD_CPUTIME_ID: i32 = 3;
    let mut t = Timespec { sec: 0, nsec: 0 };
    // SAFETY: clock_gettime only writes the timespec it is given (std links libc).
    if unsafe { clock_gettime(CLOCK_THREAD_CPUTIME_ID, &mut t) } != 0 {
        return 0.0;
    }
    t.sec as f64 * 1e3 + t.nsec as f64 / 1e6
}

#[cfg(not(all(target_os = "linux", target_pointer_width = "64")))]
fn busy_ms() -> f64 {
    thread_local!(static START: Instant = Instant::now());
    START.with(|t| t.elapsed().as_secs_f64() * 1e3)
}

/// What the page lives through (`tests/e2e/bench.mjs --frames`): the default cluster
/// (two workers), one `kubectl create deployment` of `pods` replicas — the command
/// with its settle — then the first simulated seconds of the kubelets' timed work,
/// advanced as the page does, in units (`Cluster::advance_within`): the page gives
/// the model 8 ms slices, so a unit much longer than that is a dropped frame. Prints
/// the slowest units by kind, then what deriving each picture costs at that size.
fn one_deployment(pods: usize) {
    let mut shell = Shell::new(ClusterConfig::default());
    let t = Instant::now();
    shell.execute(&format!("kubectl create deployment bench --image nginx --replicas {pods}"));
    let create_ms = t.elapsed().as_secs_f64() * 1e3;
    let mut worst: BTreeMap<Unit, (f64, u32, f64)> = BTreeMap::new();
    let t = Instant::now();
    let target = shell.cluster.now().plus_ms(10_000);
    let mut last = busy_ms();
    shell.cluster.advance_within(target, &mut |unit| {
        let now = busy_ms();
        let ms = now - last;
        let w = worst.entry(unit).or_default();
        w.0 = w.0.max(ms);
        w.1 += 1;
        w.2 += ms;
        last = busy_ms();
        false
    });
    let run_ms = t.elapsed().as_secs_f64() * 1e3;
    println!("one deployment of {pods:>5} pods (2 workers): create {create_ms:>8.1} ms; next 10 sim s {run_ms:>8.1} ms");
    let mut slowest: Vec<_> = worst.into_iter().collect();
    slowest.sort_by(|a, b| b.1 .0.total_cmp(&a.1 .0));
    let listed: Vec<String> = slowest.iter().take(5).map(|(u, (ms, n, sum))| format!("{u:?} {ms:.2} ms (of {n}, {sum:.0} ms in all)")).collect();
    println!("    slowest units (CPU time): {}", listed.join(", "));
    let c = &mut shell.cluster;
    let time = |f: &mut dyn FnMut()| {
        let t = busy_ms();
        f();
        busy_ms() - t
    };
    let physical = time(&mut || drop(view::PhysicalView::of(c)));
    let logical = time(&mut || drop(view::LogicalView::of(c)));
    let events = time(&mut || drop(view::events_tail(c, "", 200)));
    let traffic = time(&mut || drop(view::TrafficView::of(c, None)));
    println!("    pictures: physical {physical:.2} ms, logical {logical:.2} ms, events {events:.2} ms, traffic {traffic:.2} ms");
}

fn main() {
    if let Some(pods) = std::env::args().skip_while(|a| a != "--scale").nth(1).and_then(|n| n.parse().ok()) {
        scale(pods);
        return;
    }
    let max_pods = std::env::args()
        .skip_while(|a| a != "--max-pods")
        .nth(1)
        .and_then(|n| n.parse().ok())
        .unwrap_or(30_000);
    for pods in [30, 300, 3_000] {
        one_deployment(pods);
    }
    if std::env::args().any(|a| a == "--ui-only") {
        return;
    }
    let t = Instant::now();
    let mut shell = Shell::new(ClusterConfig::default());
    println!("cluster start (default cluster):        {:>9.0} µs", t.elapsed().as_secs_f64() * 1e6);
    shell.execute("kubectl run whoami --image subicura/whoami:1");
    shell.cluster.advance_by(15_000);
    for cmd in ["kubectl get pods", "kubectl get pods -A -o wide", "kubectl get nodes"] {
        let (us, lines) = median_micros(&mut shell, cmd, 200);
        println!("{cmd:<40} {us:>9.0} µs  ({lines} lines, median of 200)");
    }
    // 1,000 pods need more than two workers (110 pods each): add ten.
    for _ in 0..10 {
        add_worker(&mut shell.cluster);
    }
    let t = Instant::now();
    for i in 0..1_000 {
        shell.execute(&format!("kubectl run p{i} --image=nginx"));
    }
    shell.cluster.advance_by(60_000);
    println!("create 1,000 pods and run them:         {:>9.0} ms", t.elapsed().as_secs_f64() * 1e3);
    for cmd in ["kubectl get pods", "kubectl get pods -A -o wide", "kubectl get pod p500"] {
        let (us, lines) = median_micros(&mut shell, cmd, 20);
        println!("{cmd:<40} {us:>9.0} µs  ({lines} lines, 1,000 pods, median of 20)");
    }
    for pods in [100, 1_000, 10_000, 30_000] {
        if pods <= max_pods {
            scale(pods);
        }
    }
}
