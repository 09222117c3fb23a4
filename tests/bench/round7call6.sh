#!/bin/bash
# Round 7, call 6: the backward's next G and A tiles prefetched into L2
# (PINN_CUDA_TPF=0 off, a variant), the head's loss inputs into L1 (warp
# 0), on top of call 5's kernels; baseline d7cd723 (call 3's kernels);
# per-kernel durations; SASS counts of a backward and the head
root="$(cd "${0%/*}/../.." && pwd)"
final="${OUT:-/tmp/r7c6}"; mkdir -p "$final"
OUT="$final/perf" BASE_ARGS="--quick --steps 50 --cpu-steps 1" \
  "$root/tests/bench/perfCompare.sh" "- PINN_CUDA_TPF=0" "--quick --steps 50 --cpu-steps 1" > "$final/perf.txt" 2>&1
runNew() { ( . /tmp/rn/env.sh; export LD_LIBRARY_PATH="/tmp/rn/tree/build-gpu/lib:$LD_LIBRARY_PATH" PATH="/tmp/rn/tree/build-gpu/bin:$PATH"; "$@" ); }
for pr in poisson cavity; do
  runNew timeout 60 ncu --clock-control none -s 40 -c 12 --metrics gpu__time_duration.sum,smsp__inst_executed.sum,smsp__issue_active.avg.pct_of_peak_sustained_active \
    benchTrainStep --only $pr:100000 --steps 5 --cpu-steps 0 > "$final/ncu-$pr.txt" 2>&1
done
# SASS with per-instruction counts: a backward hidden layer, layer 2's forward, the head
for k in Backward:bwd Head:head; do
  runNew timeout 120 ncu --clock-control none -k regex:fused${k%%:*}Kernel -s 1 -c 1 --section SourceCounters --section InstructionStats -o "$final/${k##*:}" \
    benchTrainStep --only poisson:100000 --steps 1 --cpu-steps 0 > "$final/ncu-${k##*:}.log" 2>&1
done
for r in bwd head; do
  runNew ncu -i "$final/$r.ncu-rep" --page source --print-source sass --csv > "$final/sass-$r.csv" 2>&1
  runNew ncu -i "$final/$r.ncu-rep" --page details --section InstructionStats > "$final/mix-$r.txt" 2>&1
done
ls -la "$final"
for pr in poisson cavity; do
echo "== per-kernel $pr 100K (default)"
grep -E "^\s+(void|std)|gpu__time|inst_exec|issue_active" "$final/ncu-$pr.txt" | sed 's/(pinn::[^)]*)//' | awk '/void|std/{printf "\n%s ", $2; next} {printf "%s ", $NF}' | cut -c1-90; echo
done
echo "== compare"; grep -E "^(gpu|cpu)" "$final"/perf/bench-*.log /dev/null | sed 's/.*bench-//'
grep -E "cudaTests variant" "$final/perf.txt"
grep -hE -A3 "Failure" "$final"/perf/tests-*.log | head -40

