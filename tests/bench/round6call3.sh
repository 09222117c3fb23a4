#!/bin/bash
# Round 6, call 3: cudaTests of the new build in 3 settings (results printed
# last), benchTrainStep of baseline and new (+ Z prefetch, head off), and the
# stall reasons of the backward and head kernels at poisson 100K
root="$(cd "${0%/*}/../.." && pwd)"
final="${OUT:-/tmp/r6c3}"; mkdir -p "$final"
OUT="$final/perf" BASE_ARGS="--quick --steps 50 --cpu-steps 0" \
  "$root/tests/bench/perfCompare.sh" "- PINN_CUDA_ZPF=1 PINN_CUDA_HEAD=0,PINN_CUDA_FOLD0=0" "--quick --steps 50 --cpu-steps 0" > "$final/perf.txt" 2>&1
runNew() { ( . /tmp/rn/env.sh; export LD_LIBRARY_PATH="/tmp/rn/tree/build-gpu/lib:$LD_LIBRARY_PATH" PATH="/tmp/rn/tree/build-gpu/bin:$PATH"; "$@" ); }
for k in fusedBackwardKernel fusedHeadKernel fusedForwardKernel; do
  runNew timeout 60 ncu --clock-control none -k regex:$k -s 2 -c 1 \
    --metrics "regex:smsp__average_warps_issue_stalled_.*_per_issue_active\.ratio,smsp__issue_active.avg.pct_of_peak_sustained_active,gpu__time_duration.sum,smsp__inst_executed.sum" \
    benchTrainStep --only poisson:100000 --steps 2 --cpu-steps 0 > "$final/stall-$k.txt" 2>&1
  echo "== stalls $k rc $?"
  grep -E "ratio|pct|duration|inst_executed" "$final/stall-$k.txt" | awk '$NF+0 >= 0.2 || /pct|duration|inst/' | sed 's/smsp__average_warps_issue_stalled_//; s/_per_issue_active.ratio//' | awk '{print $1, $NF}' | tr '\n' ';'; echo
done
grep -E "^(gpu|cpu)" "$final"/perf/bench-*.log /dev/null | sed 's/.*bench-//'
grep -E "cudaTests variant" "$final/perf.txt"
grep -hE "FAILED|Failure|rel. diff" "$final"/perf/tests-*.log | head -20
