#!/usr/bin/env bash
# Prints kubeplay's size and speed figures against the budgets of design.md.
# A benchmark, not a test: it reports, it does not pass or fail on a budget.
# It exits non-zero only when a figure could not be measured.
#   a. first load: gzip -9 bytes of every file the browser fetches (budget 800 KB)
#   b. ready to type: navigation -> console input ready, median of 5 runs,
#      next to a minimal Yew page built the same way (budget < 1 s)
#   c. native latency of kubectl commands (kubeplay-sh's kubeplay-bench)
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

bash scripts/setup.sh

PATH="$ROOT/tools/node/node_modules/.bin:$HOME/.cargo/bin:$PATH"  # wasm-opt for trunk
status=0

# Both sites are built for the same sub-path as GitHub Pages serves them, so
# the figures are those of the deployed site.
echo "== building the release site (target/bench-dist) =="
trunk build --release --offline --public-url /kubeplay/ --dist target/bench-dist

# yew-minimal is its own workspace (bench/yew-minimal/Cargo.toml); its own
# target dir keeps its release profile from disturbing kubeplay's cache.
echo "== building the minimal Yew page (target/bench-minimal-dist) =="
(cd bench/yew-minimal &&
  CARGO_TARGET_DIR="$ROOT/target/bench-minimal" \
    trunk build --release --offline --public-url /kubeplay/ --dist "$ROOT/target/bench-minimal-dist")

echo
echo "== a, b. first load and ready time in headless Chromium =="
node tests/e2e/bench.mjs --runs 5 --base /kubeplay/ --frames \
  --site kubeplay=target/bench-dist \
  --site yew-minimal=target/bench-minimal-dist || status=1

echo
echo "== c. native kubectl latency (kubeplay-bench) =="
cargo run --release -q -p kubeplay-sh --bin kubeplay-bench || status=1

exit "$status"
