#!/usr/bin/env bash
# Window-1 ratio of our client/server against the raw ping-pong, measured as alternating
# pairs of runs (the ping-pong, then ours, then the ping-pong...) so that both see the
# same machine state; a single criterion run compares two periods seconds apart, and on
# a shared VM the wake-up latency that dominates a window-1 round trip drifts between
# them. Prints each pair and the median ratio (ping-pong time / our time; 1.0 = as fast
# as the raw exchange).   Usage: scripts/window1-ratio.sh [pairs] [round trips per run]
set -euo pipefail
cd "$(dirname "$0")/.."
PAIRS=${1:-20}
N=${2:-20000}
cargo build -q --release -p smpp-benches --example loopback_ops
bin=target/release/examples/loopback_ops
secs() { # "1.23s" / "812.4ms" -> seconds
  case "$1" in
    *ms) awk -v v="${1%ms}" 'BEGIN { print v / 1000 }' ;;
    *s) echo "${1%s}" ;;
  esac
}
ratios=()
echo "| pair | ping-pong | ours | ratio |"
echo "|---:|---:|---:|---:|"
for i in $(seq "$PAIRS"); do
  a=$(secs "$("$bin" 1 "$N" ping-pong)")
  b=$(secs "$("$bin" 1 "$N")")
  r=$(awk -v a="$a" -v b="$b" 'BEGIN { printf "%.3f", a / b }')
  ratios+=("$r")
  echo "| $i | ${a} s | ${b} s | $r |"
done
printf '%s\n' "${ratios[@]}" | sort -n | awk '{ v[NR] = $1 } END {
  m = (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2
  printf "median ratio %.3f (min %.3f, max %.3f, %d pairs of %s round trips)\n", m, v[1], v[NR], NR, "'"$N"'"
}'
