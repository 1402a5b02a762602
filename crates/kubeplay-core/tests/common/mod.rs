//! What the robustness tests share.

use std::sync::{Arc, Mutex};
use std::time::Duration;

/// A frozen input would hang the test run instead of failing it: a thread watches
/// that the inputs keep moving and, when one has run for a minute, names it and
/// ends the process. (A debug build on a busy machine takes well under a second.)
/// It stops watching when dropped, so the other tests of the binary may run on.
pub struct Watchdog {
    state: Arc<Mutex<Watched>>,
}

#[derive(Default)]
struct Watched {
    inputs: usize,
    input: String,
    done: bool,
}

impl Watchdog {
    pub fn start() -> Watchdog {
        let state = Arc::new(Mutex::new(Watched::default()));
        let watched = Arc::clone(&state);
        std::thread::spawn(move || {
            let mut last = usize::MAX;
            loop {
                std::thread::sleep(Duration::from_secs(60));
                let w = watched.lock().unwrap_or_else(|e| e.into_inner());
                if w.done {
                    return;
                }
                if w.inputs == last {
                    eprintln!("input froze the shell: {:?}", w.input);
                    std::process::exit(101);
                }
                last = w.inputs;
            }
        });
        Watchdog { state }
    }

    /// The next input is about to run.
    pub fn input(&self, input: &str) {
        let mut w = self.state.lock().unwrap_or_else(|e| e.into_inner());
        w.inputs += 1;
        w.input = input.to_string();
    }
}

impl Drop for Watchdog {
    fn drop(&mut self) {
        self.state.lock().unwrap_or_else(|e| e.into_inner()).done = true;
    }
}
