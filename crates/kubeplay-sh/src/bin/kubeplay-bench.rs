//! Native latency benchmark (not a test): how long `kubectl get pods` takes in the
//! default cluster and with 1,000 pods. Prints figures; asserts nothing.
//!
//! cargo run --release -p kubeplay-sh --bin kubeplay-bench

use std::time::Instant;

use kubeplay_core::controllers::bootstrap::add_worker;
use kubeplay_core::{ClusterConfig, Shell};

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

fn main() {
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
}
