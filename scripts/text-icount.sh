#!/bin/sh
# Instruction counts (callgrind) per call of the text hot paths; repeatable on a noisy machine.
# Usage: scripts/text-icount.sh [N]   (default N = 200)
set -eu
N="${1:-200}"
cargo build --release -q -p smpp-benches --example text_ops
BIN=target/release/examples/text_ops
for op in encode decode encode_packed decode_packed ucs2_encode ucs2_decode split split_mixed; do
    f=$(mktemp)
    valgrind --tool=callgrind --callgrind-out-file="$f" --toggle-collect='text_ops::run_*' \
        "$BIN" "$op" "$N" >/dev/null 2>&1
    ir=$(callgrind_annotate "$f" 2>/dev/null | awk '/PROGRAM TOTALS/ {gsub(",", "", $1); print $1}')
    printf '%-14s %10s Ir/call\n' "$op" "$((ir / N))"
    rm -f "$f"
done
