//! `kubeplay-sh`: the kubeplay shell without a browser. Reads commands from standard
//! input (or a file), one per line, and prints `$ <command>` followed by what the
//! command printed — stdout lines on stdout, kubectl's errors on stderr, each line
//! flushed so that `2>&1` keeps the real order. `sleep N` advances the simulated
//! clock by N seconds; `--seed N` fixes the randomness.

use std::io::{Read, Write};
use std::process::ExitCode;

use kubeplay_core::{script::run_script, ClusterConfig, Shell, Stream};

const USAGE: &str = "usage: kubeplay-sh [--seed N] [FILE]\n\nRuns kubeplay shell commands headless: from FILE, or standard input.";

fn main() -> ExitCode {
    let mut seed: u64 = ClusterConfig::default().seed;
    let mut file: Option<String> = None;
    let mut args = std::env::args().skip(1);
    while let Some(a) = args.next() {
        match a.as_str() {
            "--seed" => match args.next().and_then(|v| v.parse().ok()) {
                Some(s) => seed = s,
                None => {
                    eprintln!("kubeplay-sh: --seed needs a number\n{USAGE}");
                    return ExitCode::from(2);
                }
            },
            s if s.starts_with("--seed=") => match s["--seed=".len()..].parse() {
                Ok(v) => seed = v,
                Err(_) => {
                    eprintln!("kubeplay-sh: --seed needs a number\n{USAGE}");
                    return ExitCode::from(2);
                }
            },
            "-h" | "--help" => {
                println!("{USAGE}");
                return ExitCode::SUCCESS;
            }
            _ if file.is_none() => file = Some(a),
            _ => {
                eprintln!("kubeplay-sh: unexpected argument '{a}'\n{USAGE}");
                return ExitCode::from(2);
            }
        }
    }
    let script = match &file {
        Some(path) => match std::fs::read_to_string(path) {
            Ok(s) => s,
            Err(e) => {
                eprintln!("kubeplay-sh: {path}: {e}");
                return ExitCode::from(2);
            }
        },
        None => {
            let mut s = String::new();
            if let Err(e) = std::io::stdin().read_to_string(&mut s) {
                eprintln!("kubeplay-sh: reading standard input: {e}");
                return ExitCode::from(2);
            }
            s
        }
    };
    let config = ClusterConfig { seed, ..ClusterConfig::default() };
    let mut shell = Shell::new(config);
    let stdout = std::io::stdout();
    let stderr = std::io::stderr();
    run_script(&mut shell, &script, |stream, line| {
        // A closed pipe (e.g. `| head`) is not an error worth reporting.
        let _ = match stream {
            Stream::Stdout => writeln!(stdout.lock(), "{line}").and_then(|_| stdout.lock().flush()),
            Stream::Stderr => writeln!(stderr.lock(), "{line}").and_then(|_| stderr.lock().flush()),
        };
    });
    ExitCode::SUCCESS
}
