#!/bin/bash
# Round 7, call 1 (H100, the card of the issue's peer figures): cudaTests of
# e11014f (the helper refactor never run on a GPU), benchTrainStep of the
# baseline b255660 and of e11014f, the full table of e11014f, the peers
# (--all), per-kernel durations at poisson and cavity 100K
root="$(cd "${0%/*}/../.." && pwd)"
final="${OUT:-/tmp/r7c1}"; mkdir -p "$final"
OUT="$final/perf" BASE_ARGS="--quick --steps 50 --cpu-steps 1" \
  "$root/tests/bench/perfCompare.sh" "-" "--quick --steps 50 --cpu-steps 1" > "$final/perf.txt" 2>&1
runNew() { ( . /tmp/rn/env.sh; export LD_LIBRARY_PATH="/tmp/rn/tree/build-gpu/lib:$LD_LIBRARY_PATH" PATH="/tmp/rn/tree/build-gpu/bin:$PATH"; "$@" ); }
runNew benchTrainStep --steps 30 --cpu-steps 3 > "$final/full.txt" 2>&1
for pr in poisson cavity; do
  runNew timeout 60 ncu --clock-control none -s 40 -c 12 --metrics gpu__time_duration.sum,smsp__inst_executed.sum,smsp__issue_active.avg.pct_of_peak_sustained_active \
    benchTrainStep --only $pr:100000 --steps 5 --cpu-steps 0 > "$final/ncu-$pr.txt" 2>&1
done
cd "$root/tests/bench"
PYTHONUNBUFFERED=1 timeout 240 python3 pinn_reference.py --all > "$final/reference.log" 2>&1
for pr in poisson cavity; do
echo "== per-kernel $pr 100K"
grep -E "^\s+(void|std)|gpu__time|inst_exec|issue_active" "$final/ncu-$pr.txt" | sed 's/(pinn::[^)]*)//' | awk '/void|std/{printf "\n%s ", $2; next} {printf "%s ", $NF}' | cut -c1-90; echo
done
echo "== compare"; grep -E "^(gpu|cpu)" "$final"/perf/bench-*.log /dev/null | sed 's/.*bench-//'
echo "== full"; grep -E "^(gpu|cpu)" "$final/full.txt"
echo "== peers"; grep '^{' "$final/reference.log" | sed 's/"width": 64, "depth": 4, //'
grep -E "cudaTests variant" "$final/perf.txt"
grep -hE "Failure|rel. diff|gradient" "$final"/perf/tests-*.log | head -10
