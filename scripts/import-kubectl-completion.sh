#!/usr/bin/env bash
# Imports the command tree's short descriptions from the real kubectl v1.34.5
# (`kubectl __complete PATH ""`), which is what Tab lists for commands and
# subcommands. Writes crates/kubeplay-core/src/kubectl/help/_commands.txt:
# one `PATH<TAB>NAME<TAB>SHORT` line per (sub)command; PATH is empty for the root.
set -euo pipefail
cd "$(dirname "$0")/.."
K=${KUBECTL:-tools/node/kubectl-oracle/kubectl}
OUT=crates/kubeplay-core/src/kubectl/help/_commands.txt
{
  { echo; grep -o '^    ("[^"]*"' crates/kubeplay-core/src/kubectl/help/index.rs | sed 's/^    ("//; s/"$//'; } | while IFS= read -r path; do
    # shellcheck disable=SC2086
    "$K" __complete $path "" 2>/dev/null | grep -v '^:' | grep -v '^-' | while IFS= read -r line; do
      printf '%s\t%s\n' "$path" "$line"
    done || true
  done
} > "$OUT.tmp"
# Only the lines that name a subcommand of PATH (argument completions need a server).
python3 - "$OUT.tmp" "$OUT" <<'PY'
import sys
paths = set()
lines = open(sys.argv[1]).read().splitlines()
import re
idx = open('crates/kubeplay-core/src/kubectl/help/index.rs').read()
paths = set(re.findall(r'^    \("([^"]*)"', idx, re.M))
out = []
for l in lines:
    parts = l.split('\t')
    if len(parts) < 2:
        continue
    path, name = parts[0], parts[1]
    full = (path + ' ' + name).strip()
    if full in paths or (path == '' and name in ('help', 'completion', 'options')):
        out.append(l)
open(sys.argv[2], 'w').write('\n'.join(out) + '\n')
PY
rm -f "$OUT.tmp"
