//! Same seed and same commands give the same cluster: the transcript of a session that
//! exercises the scheduler's random tie-breaks, generated names and uids, pulls,
//! failures and back-off must match the recorded one byte for byte. The wasm build
//! runs the same session against the same file (tests/wasm.rs at the repository
//! root), which proves native and wasm agree.
//!
//! To re-record after an intended change: KUBEPLAY_RECORD=1 cargo test -p kubeplay-core --test determinism

use kubeplay_core::script::transcript;
use kubeplay_core::{ClusterConfig, Shell};

const SCRIPT: &str = include_str!("data/determinism.sh");
const EXPECTED_PATH: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data/determinism.expected");

fn session(seed: u64) -> String {
    let mut shell = Shell::new(ClusterConfig { seed, ..ClusterConfig::default() });
    transcript(&mut shell, SCRIPT)
}

#[test]
fn same_seed_same_transcript_as_recorded() {
    let actual = session(42);
    if std::env::var_os("KUBEPLAY_RECORD").is_some() {
        std::fs::write(EXPECTED_PATH, &actual).expect("write golden");
    }
    let expected = std::fs::read_to_string(EXPECTED_PATH).expect("golden transcript exists");
    assert_eq!(actual, expected);
}

#[test]
fn another_seed_gives_other_names() {
    assert_ne!(session(42), session(43));
}
