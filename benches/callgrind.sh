#!/usr/bin/env bash
# Instruction counts of the codec benches under callgrind (exact and repeatable, unlike
# wall-clock time on a shared machine). Prints a Markdown table; raw callgrind outputs go
# to target/callgrind/.
#
# Usage: benches/callgrind.sh [pdu ...]   (default: all four PDUs)
#        benches/callgrind.sh session [window ...]   (default: 1 10 100)
#
# Each (operation, pdu, implementation) runs twice under
#   valgrind --tool=callgrind --collect-atstart=no --toggle-collect='*::cg_*'
# with 1 and with N+1 iterations; (Ir(N+1) - Ir(1)) / N is the steady-state instruction
# count of one measured call (first-call effects such as allocator set-up cancel out).
set -euo pipefail
cd "$(dirname "$0")/.."

N=${N:-1000}

if [ "${1:-}" = session ]; then
  # Round trips through two in-memory sessions (benches/benches/session_callgrind.rs):
  # runs with N and 2N round trips after a warm-up; (Ir(2N) - Ir(N)) / N is the
  # steady-state instruction count of one submit_sm -> submit_sm_resp round trip.
  shift
  WINDOWS=("$@")
  [ ${#WINDOWS[@]} -eq 0 ] && WINDOWS=(1 10 100)
  bin=$(cargo bench -p smpp-benches --bench session_callgrind --no-run 2>&1 |
    sed -n 's/.*Executable .*(\(.*session_callgrind-[0-9a-f]*\)).*/\1/p' | tail -1)
  [ -x "$bin" ] || { echo "session_callgrind binary not found" >&2; exit 1; }
  out=target/callgrind
  mkdir -p "$out"
  sir() { # window round-trips -> total Ir of cg_round_trips
    local f="$out/session.w$1.$2.out"
    valgrind --tool=callgrind --collect-atstart=no --toggle-collect='*::cg_*' \
      --callgrind-out-file="$f" "$bin" "$1" "$2" >/dev/null 2>"$f.log"
    awk '/^(summary|totals):/ {print $2; exit}' "$f"
  }
  echo "| window | instructions per round trip |"
  echo "|---:|---:|"
  for w in "${WINDOWS[@]}"; do
    a=$(sir "$w" "$N")
    b=$(sir "$w" $((2 * N)))
    awk -v w="$w" -v a="$a" -v b="$b" -v n="$N" 'BEGIN {printf "| %s | %.1f |\n", w, (b - a) / n}'
  done
  echo
  echo "Annotate: callgrind_annotate --inclusive=yes $out/session.w100.$((2 * N)).out"
  exit 0
fi

PDUS=("$@")
[ ${#PDUS[@]} -eq 0 ] && PDUS=(submit_sm deliver_sm_receipt submit_sm_resp enquire_link)
read -r -a IMPLS <<<"${IMPLS:-smpp-proto rusmpp smpp34}"

bin=$(cargo bench -p smpp-benches --bench codec_callgrind --no-run 2>&1 |
  sed -n 's/.*Executable .*(\(.*codec_callgrind-[0-9a-f]*\)).*/\1/p' | tail -1)
[ -x "$bin" ] || { echo "codec_callgrind binary not found" >&2; exit 1; }
out=target/callgrind
mkdir -p "$out"

ir() { # op pdu impl iterations -> total Ir of the cg_* functions
  local f="$out/$1.$2.$3.$4.out"
  valgrind --tool=callgrind --collect-atstart=no --toggle-collect='*::cg_*' \
    --callgrind-out-file="$f" "$bin" "$1" "$2" "$3" "$4" >/dev/null 2>"$f.log"
  awk '/^(summary|totals):/ {print $2; exit}' "$f"
}

echo "| operation | pdu | smpp-proto | rusmpp | smpp34 | rusmpp / ours | smpp34 / ours |"
echo "|---|---|---:|---:|---:|---:|---:|"
for op in decode encode; do
  for pdu in "${PDUS[@]}"; do
    declare -A per=()
    for imp in "${IMPLS[@]}"; do
      a=$(ir "$op" "$pdu" "$imp" 1)
      b=$(ir "$op" "$pdu" "$imp" $((N + 1)))
      per[$imp]=$(awk -v a="$a" -v b="$b" -v n="$N" 'BEGIN {printf "%.1f", (b - a) / n}')
    done
    awk -v op="$op" -v pdu="$pdu" -v o="${per[smpp-proto]:-1}" -v r="${per[rusmpp]:-0}" \
      -v s="${per[smpp34]:-0}" \
      'BEGIN {printf "| %s | %s | %s | %s | %s | %.2f | %.2f |\n", op, pdu, o, r, s, r / o, s / o}'
    unset per
  done
done
