#!/bin/bash
# Round 7, call 7: the backward's weight-gradient product before the data
# gradient (PINN_CUDA_WFIRST=1, a variant), so that the Z values the data
# gradient's epilogue reads have had the weight product's time to reach L2
# (prefetched at the tile's start); kernels of call 5 otherwise (call 6's
# prefetches removed); baseline d7cd723 (call 3's kernels)
root="$(cd "${0%/*}/../.." && pwd)"
final="${OUT:-/tmp/r7c7}"; mkdir -p "$final"
OUT="$final/perf" BASE_ARGS="--quick --steps 50 --cpu-steps 1" \
  "$root/tests/bench/perfCompare.sh" "- PINN_CUDA_WFIRST=1" "--quick --steps 50 --cpu-steps 1" > "$final/perf.txt" 2>&1
runNew() { ( . /tmp/rn/env.sh; export LD_LIBRARY_PATH="/tmp/rn/tree/build-gpu/lib:$LD_LIBRARY_PATH" PATH="/tmp/rn/tree/build-gpu/bin:$PATH"; "$@" ); }
for v in 0 1; do
  PINN_CUDA_WFIRST=$v runNew timeout 60 ncu --clock-control none -s 40 -c 12 --metrics gpu__time_duration.sum,smsp__inst_executed.sum,smsp__issue_active.avg.pct_of_peak_sustained_active \
    benchTrainStep --only poisson:100000 --steps 5 --cpu-steps 0 > "$final/ncu-poisson-w$v.txt" 2>&1
done
for v in 0 1; do
echo "== per-kernel poisson 100K, PINN_CUDA_WFIRST=$v"
grep -E "^\s+(void|std)|gpu__time|inst_exec|issue_active" "$final/ncu-poisson-w$v.txt" | sed 's/(pinn::[^)]*)//' | awk '/void|std/{printf "\n%s ", $2; next} {printf "%s ", $NF}' | cut -c1-90; echo
done
echo "== compare"; grep -E "^(gpu|cpu)" "$final"/perf/bench-*.log /dev/null | sed 's/.*bench-//'
grep -E "cudaTests variant" "$final/perf.txt"
grep -hE -A3 "Failure" "$final"/perf/tests-*.log | head -40
