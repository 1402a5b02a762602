//! Tests compiled to wasm and run in headless Chromium (wasm-bindgen-test):
//! the core behaves exactly as natively, and the app mounts and draws the cluster.
//!
//! Run: cargo test --target wasm32-unknown-unknown -p kubeplay --test wasm
#![cfg(target_arch = "wasm32")]

use kubeplay_core::script::transcript;
use kubeplay_core::{ClusterConfig, Shell};
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

const SCRIPT: &str = include_str!("../crates/kubeplay-core/tests/data/determinism.sh");
const EXPECTED: &str = include_str!("../crates/kubeplay-core/tests/data/determinism.expected");

#[wasm_bindgen_test]
fn wasm_transcript_matches_the_native_recording() {
    let mut shell = Shell::new(ClusterConfig { seed: 42, ..ClusterConfig::default() });
    let actual = transcript(&mut shell, SCRIPT);
    assert_eq!(actual, EXPECTED);
}

#[wasm_bindgen_test]
fn whoami_runs_within_ten_seconds_in_wasm() {
    let mut shell = Shell::new(ClusterConfig::default());
    let out = transcript(&mut shell, "kubectl run whoami --image subicura/whoami:1\nsleep 10\nkubectl get pods\n");
    assert!(out.contains("pod/whoami created"), "{out}");
    assert!(out.contains("\nwhoami   1/1     Running   0          10s\n"), "{out}");
}

/// Lets the browser run queued tasks (Yew renders asynchronously), without waiting on time.
async fn next_tick() {
    let promise = js_sys::Promise::new(&mut |resolve, _| {
        let window = web_sys::window().expect("window");
        let _ = window.set_timeout_with_callback_and_timeout_and_arguments_0(&resolve, 0);
    });
    let _ = wasm_bindgen_futures::JsFuture::from(promise).await;
}

#[wasm_bindgen_test]
async fn app_mounts_and_draws_three_nodes_with_their_pods() {
    let document = web_sys::window().unwrap().document().unwrap();
    let root = document.create_element("div").unwrap();
    document.body().unwrap().append_child(&root).unwrap();
    yew::Renderer::<kubeplay::App>::with_root(root.clone()).render();
    let mut nodes = 0;
    for _ in 0..200 {
        next_tick().await;
        nodes = root.query_selector_all("svg#physical-view g.node").unwrap().length();
        if nodes > 0 {
            break;
        }
    }
    assert_eq!(nodes, 3);
    let cp = root.query_selector("g.node[data-node=controlplane]").unwrap().expect("controlplane drawn");
    assert_eq!(cp.get_attribute("data-role").as_deref(), Some("control-plane"));
    assert!(cp.query_selector("g.pod[data-pod=etcd-controlplane]").unwrap().is_some(), "etcd drawn inside the control plane");
    let input = root.query_selector("input#console-input").unwrap().expect("console input");
    assert_eq!(input.get_attribute("data-ready").as_deref(), Some("true"));
}
