#!/bin/bash
# Round 6, call 4: cudaTests (default, head/fold off) and benchTrainStep of
# baseline and new (truncating 3xTF32 split, warp-per-column tile loads),
# per-kernel instruction counts and durations at poisson 100K
root="$(cd "${0%/*}/../.." && pwd)"
final="${OUT:-/tmp/r6c4}"; mkdir -p "$final"
OUT="$final/perf" BASE_ARGS="--quick --steps 50 --cpu-steps 1" \
  "$root/tests/bench/perfCompare.sh" "- PINN_CUDA_HEAD=0 PINN_CUDA_ZPF=1" "--quick --steps 50 --cpu-steps 1" > "$final/perf.txt" 2>&1
runNew() { ( . /tmp/rn/env.sh; export LD_LIBRARY_PATH="/tmp/rn/tree/build-gpu/lib:$LD_LIBRARY_PATH" PATH="/tmp/rn/tree/build-gpu/bin:$PATH"; "$@" ); }
runNew timeout 60 ncu --clock-control none -s 40 -c 9 --metrics gpu__time_duration.sum,smsp__inst_executed.sum,smsp__issue_active.avg.pct_of_peak_sustained_active \
    benchTrainStep --only poisson:100000 --steps 5 --cpu-steps 0 > "$final/ncu100k.txt" 2>&1
echo "== per-kernel 100K rc $?"
grep -E "^\s+(void|std)|gpu__time|inst_exec|issue_active" "$final/ncu100k.txt" | sed 's/(pinn::[^)]*)//' | awk '/void|std/{printf "\n%s ", $2; next} {printf "%s ", $NF}' | cut -c1-90; echo
grep -E "^(gpu|cpu)" "$final"/perf/bench-*.log /dev/null | sed 's/.*bench-//'
grep -E "cudaTests variant" "$final/perf.txt"
grep -hE "FAILED|Failure|rel. diff" "$final"/perf/tests-*.log | head -20
