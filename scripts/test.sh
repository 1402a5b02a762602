#!/usr/bin/env bash
# Runs every test layer of kubeplay and fails if any layer fails or cannot
# start (a layer that ran no test counts as failed, never as skipped):
#   a. cargo test --workspace, natively (core, kubectl printers, shell, app)
#   b. the transcript tests of kubeplay-sh (run as part of a, reported apart)
#   c. wasm-bindgen-test in headless Chromium (tests/wasm.rs)
#   d. end-to-end tests with Playwright against the release build served
#      under /kubeplay/, as GitHub Pages serves a project site
# Every layer runs even when an earlier one failed, so one run shows all
# problems. Logs: target/test-logs/. Screenshots: target/screenshots/.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
started=$(date +%s)

bash scripts/setup.sh

PATH="$ROOT/tools/node/node_modules/.bin:$HOME/.cargo/bin:$PATH"  # wasm-opt for trunk
LOGS="$ROOT/target/test-logs"
mkdir -p "$LOGS"

summary=()
total_passed=0
total_failed=0
any_failed=0
layer_breaks=0

# Runs a command with its output both shown and kept in a log; returns the
# command's own exit status.
logged() {
  local log="$1"; shift
  set +e
  "$@" 2>&1 | tee "$log"
  local status=${PIPESTATUS[0]}
  set -e
  return "$status"
}

# Adds up the "test result: ok. N passed; M failed; ..." lines that cargo's
# test harness and wasm-bindgen-test both print; echoes "PASSED FAILED".
count_results() {
  grep -aE '^test result: ' "$1" |
    sed -E 's/.* ([0-9]+) passed; ([0-9]+) failed.*/\1 \2/' |
    awk '{p += $1; f += $2} END {print p + 0, f + 0}'
}

record() {  # record LAYER STATUS PASSED FAILED NOTE
  local layer="$1" status="$2" passed="$3" failed="$4" note="${5:-}"
  if [ "$status" != ok ]; then
    any_failed=1
    # A layer that broke before its tests could report (a compile error, a
    # browser that did not start) still counts once in the total, so the
    # closing line agrees with the exit status.
    if [ "$failed" -eq 0 ]; then layer_breaks=$((layer_breaks + 1)); fi
  fi
  summary+=("$(printf '%-52s %-6s %s passed, %s failed%s' "$layer" "$status" "$passed" "$failed" "${note:+  ($note)}")")
}

banner() { printf '\n===== %s =====\n' "$*"; }

# --- a. native cargo test ----------------------------------------------------
# --no-fail-fast: a failing test binary must not stop the others (including
# the transcripts) from running and reporting.
banner "a. cargo test --workspace (native)"
a_status=ok
logged "$LOGS/a-cargo-test.log" cargo test --workspace --no-fail-fast || a_status=FAILED
read -r a_passed a_failed < <(count_results "$LOGS/a-cargo-test.log")
a_note=""
if [ "$a_status" = ok ] && [ $((a_passed + a_failed)) -eq 0 ]; then a_status=FAILED; a_note="no test ran"; fi
[ "$a_failed" -gt 0 ] && a_status=FAILED
record "a. cargo test --workspace (native)" "$a_status" "$a_passed" "$a_failed" "$a_note"
total_passed=$((total_passed + a_passed))
total_failed=$((total_failed + a_failed))

# --- b. transcript tests (part of a) -----------------------------------------
# Picks the transcripts binary's own result out of a's log, so a missing or
# renamed transcript test shows up as a failure instead of vanishing.
b_line=$(awk '/Running .*transcripts/ {seen = 1} seen && /^test result: / {print; exit}' "$LOGS/a-cargo-test.log")
if [ -n "$b_line" ]; then
  b_passed=$(sed -E 's/.* ([0-9]+) passed;.*/\1/' <<<"$b_line")
  b_failed=$(sed -E 's/.* ([0-9]+) failed;.*/\1/' <<<"$b_line")
  b_status=ok
  if [ "$b_failed" -gt 0 ] || [ "$b_passed" -eq 0 ]; then b_status=FAILED; fi
  record "b. transcripts (kubeplay-sh, counted in a)" "$b_status" "$b_passed" "$b_failed"
else
  record "b. transcripts (kubeplay-sh, counted in a)" FAILED 0 0 "the transcripts test did not run"
fi

# --- c. wasm-bindgen-test in headless Chromium --------------------------------
# The runner (set in .cargo/config.toml) starts ChromeDriver, which starts
# Chromium with the flags in webdriver.json. WASM_BINDGEN_USE_BROWSER makes a
# test file without run_in_browser run in the browser too, not in Node.
banner "c. wasm-bindgen-test (headless Chromium)"
c_status=ok
CHROMEDRIVER=/usr/bin/chromedriver \
WASM_BINDGEN_USE_BROWSER=1 \
WASM_BINDGEN_TEST_TIMEOUT=120 \
  logged "$LOGS/c-wasm-test.log" cargo test --target wasm32-unknown-unknown -p kubeplay --test wasm || c_status=FAILED
read -r c_passed c_failed < <(count_results "$LOGS/c-wasm-test.log")
echo "$c_passed passed, $c_failed failed"
c_note=""
if ! grep -aq 'headless tests in' "$LOGS/c-wasm-test.log"; then c_status=FAILED; c_note="did not run in headless Chromium"; fi
if [ $((c_passed + c_failed)) -eq 0 ]; then c_status=FAILED; c_note="${c_note:-no test ran}"; fi
[ "$c_failed" -gt 0 ] && c_status=FAILED
record "c. wasm-bindgen-test (headless Chromium)" "$c_status" "$c_passed" "$c_failed" "$c_note"
total_passed=$((total_passed + c_passed))
total_failed=$((total_failed + c_failed))

# --- d. end-to-end in Chromium with Playwright --------------------------------
# Built with the same public URL GitHub Pages gives a project site, so an
# asset path that ignores the sub-path fails here as it would there.
banner "d. end-to-end (Playwright, Chromium, /kubeplay/)"
d_status=ok
d_note=""
d_passed=0
d_failed=0
if logged "$LOGS/d-trunk-build.log" trunk build --release --offline --public-url /kubeplay/ --dist target/e2e-dist; then
  mkdir -p target/screenshots
  logged "$LOGS/d-e2e.log" node tests/e2e/run.mjs --dir target/e2e-dist --base /kubeplay/ || d_status=FAILED
  d_line=$(grep -aE '^[0-9]+ passed, [0-9]+ failed$' "$LOGS/d-e2e.log" | tail -n1 || true)
  if [ -n "$d_line" ]; then
    read -r d_passed _ d_failed _ <<<"${d_line//,/}"
  else
    d_status=FAILED; d_note="the e2e runner printed no result"
  fi
  if [ $((d_passed + d_failed)) -eq 0 ]; then d_status=FAILED; d_note="${d_note:-no test ran}"; fi
else
  d_status=FAILED; d_note="trunk build failed"
fi
[ "$d_failed" -gt 0 ] && d_status=FAILED
record "d. end-to-end (Playwright, /kubeplay/)" "$d_status" "$d_passed" "$d_failed" "$d_note"
total_passed=$((total_passed + d_passed))
total_failed=$((total_failed + d_failed))

# --- summary -----------------------------------------------------------------
elapsed=$(( $(date +%s) - started ))
banner "summary ($((elapsed / 60))m $((elapsed % 60))s; logs in target/test-logs/, screenshots in target/screenshots/)"
printf '%s\n' "${summary[@]}"
# b's counts are part of a's, so the total adds up a, c and d only.
if [ "$any_failed" -ne 0 ]; then
  echo "FAILED: see the layers marked FAILED above and their logs"
  echo "total: $total_passed passed, $((total_failed + layer_breaks)) failed"
  exit 1
fi
echo "total: $total_passed passed, $total_failed failed"
