#!/usr/bin/env bash
# Builds the release site and serves it locally: the first command of the
# README. Set PORT to use another port than 8080. Ctrl+C stops the server.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

bash scripts/setup.sh

PATH="$ROOT/tools/node/node_modules/.bin:$HOME/.cargo/bin:$PATH"  # wasm-opt for trunk
PORT="${PORT:-8080}"

# --offline: trunk must use the pinned wasm-bindgen and wasm-opt installed by
# setup.sh, never try to download its own.
trunk build --release --offline

# A plain static server (the same one the e2e tests use) rather than
# `trunk serve`, which would build a second time and watch files.
exec node tests/e2e/serve.mjs --dir dist --base / --host 127.0.0.1 --port "$PORT" --name kubeplay
