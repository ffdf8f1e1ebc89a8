#!/usr/bin/env bash
# User-space instructions per submit round trip over TCP loopback (client + server,
# tokio included, kernel excluded), exact and repeatable unlike wall-clock time:
# runs benches/examples/loopback_ops.rs under callgrind with N and 2N submits and
# prints (Ir(2N) - Ir(N)) / N.   Usage: scripts/loopback-icount.sh [window ...]
set -euo pipefail
cd "$(dirname "$0")/.."
N=${N:-20000}
WINDOWS=("$@")
[ ${#WINDOWS[@]} -eq 0 ] && WINDOWS=(1 10 100)
cargo build -q --release -p smpp-benches --example loopback_ops
bin=target/release/examples/loopback_ops
out=target/callgrind
mkdir -p "$out"
ir() {
  local f="$out/loopback.w$1.$2.out"
  valgrind --tool=callgrind --callgrind-out-file="$f" "$bin" "$1" "$2" >/dev/null 2>"$f.log"
  awk '/^(summary|totals):/ {print $2; exit}' "$f"
}
echo "| window | user-space instructions per submit round trip |"
echo "|---:|---:|"
for w in "${WINDOWS[@]}"; do
  a=$(ir "$w" "$N")
  b=$(ir "$w" $((2 * N)))
  echo "| $w | $(( (b - a) / N )) |"
done
