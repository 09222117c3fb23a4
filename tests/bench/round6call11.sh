#!/bin/bash
# Round 6, call 11: the tile loader without a division per element (the
# SASS of call 10: ~50 instructions per 16-byte copy, most of them index
# arithmetic): cudaTests, benchTrainStep of baseline and new, per-kernel
# instruction counts at poisson 100K, the peers at 10K / 100K
root="$(cd "${0%/*}/../.." && pwd)"
final="${OUT:-/tmp/r6c11}"; mkdir -p "$final"
OUT="$final/perf" BASE_ARGS="--quick --steps 50 --cpu-steps 1" \
  "$root/tests/bench/perfCompare.sh" "-" "--quick --steps 50 --cpu-steps 1" > "$final/perf.txt" 2>&1
runNew() { ( . /tmp/rn/env.sh; export LD_LIBRARY_PATH="/tmp/rn/tree/build-gpu/lib:$LD_LIBRARY_PATH" PATH="/tmp/rn/tree/build-gpu/bin:$PATH"; "$@" ); }
runNew timeout 60 ncu --clock-control none -s 40 -c 8 --metrics gpu__time_duration.sum,smsp__inst_executed.sum,smsp__issue_active.avg.pct_of_peak_sustained_active \
    benchTrainStep --only poisson:100000 --steps 5 --cpu-steps 0 > "$final/ncu100k.txt" 2>&1
cd "$root/tests/bench"
for pr in poisson cavity; do for n in 10000 100000; do for fw in jax-fwdlap torch; do
  PYTHONUNBUFFERED=1 timeout 60 python3 pinn_reference.py --framework $fw --problem $pr --points $n >> "$final/reference.log" 2>&1
done; done; done
echo "== per-kernel poisson 100K"
grep -E "^\s+(void|std)|gpu__time|inst_exec|issue_active" "$final/ncu100k.txt" | sed 's/(pinn::[^)]*)//' | awk '/void|std/{printf "\n%s ", $2; next} {printf "%s ", $NF}' | cut -c1-90; echo
echo "== compare"; grep -E "^(gpu|cpu)" "$final"/perf/bench-*.log /dev/null | sed 's/.*bench-//'
echo "== peers"; grep '^{' "$final/reference.log" | sed 's/"width": 64, "depth": 4, //'
grep -E "cudaTests variant" "$final/perf.txt"
grep -hE "Failure|rel. diff|gradient" "$final"/perf/tests-*.log | head -10
