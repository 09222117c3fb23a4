#!/bin/bash
# Round 7, call 13: layer 1's input tile with its 8 points' coordinates loaded
# at once (firstLayerTile: forward layer 1 and backward layer 1); baseline
# b4268c1 in the same call; per-kernel durations
root="$(cd "${0%/*}/../.." && pwd)"
final="${OUT:-/tmp/r7c13}"; mkdir -p "$final"
OUT="$final/perf" BASE_ARGS="--quick --steps 50 --cpu-steps 1" \
  "$root/tests/bench/perfCompare.sh" "-" "--quick --steps 50 --cpu-steps 1" > "$final/perf.txt" 2>&1
runNew() { ( . /tmp/rn/env.sh; export LD_LIBRARY_PATH="/tmp/rn/tree/build-gpu/lib:$LD_LIBRARY_PATH" PATH="/tmp/rn/tree/build-gpu/bin:$PATH"; "$@" ); }
runBase() { ( . /tmp/rb/env.sh; export LD_LIBRARY_PATH="/tmp/rb/tree/build/lib:$LD_LIBRARY_PATH" PATH="/tmp/rb/tree/build/bin:$PATH"; "$@" ); }
for pr in poisson cavity; do
  runNew timeout 60 ncu --clock-control none -s 40 -c 12 --metrics gpu__time_duration.sum,smsp__inst_executed.sum,smsp__issue_active.avg.pct_of_peak_sustained_active \
    benchTrainStep --only $pr:100000 --steps 5 --cpu-steps 0 > "$final/ncu-$pr.txt" 2>&1
done
runBase timeout 60 ncu --clock-control none -s 40 -c 12 --metrics gpu__time_duration.sum,smsp__inst_executed.sum,smsp__issue_active.avg.pct_of_peak_sustained_active \
    benchTrainStep --only poisson:100000 --steps 5 --cpu-steps 0 > "$final/ncu-poisson-base.txt" 2>&1
for f in ncu-poisson-base ncu-poisson ncu-cavity; do
echo "== per-kernel $f 100K"
grep -E "^\s+(void|std)|gpu__time|inst_exec|issue_active" "$final/$f.txt" | sed 's/(pinn::[^)]*)//' | awk '/void|std/{printf "\n%s ", $2; next} {printf "%s ", $NF}' | cut -c1-90 | head -8; echo
done
echo "== compare"; grep -E "^(gpu|cpu)" "$final"/perf/bench-*.log /dev/null | sed 's/.*bench-//'
grep -E "cudaTests variant" "$final/perf.txt"
grep -hE -A3 "Failure" "$final"/perf/tests-*.log | head -40
