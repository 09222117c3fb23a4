#!/bin/bash
# Round 8, call 3: the backward layers in one cooperative launch (chain) against
# one launch per layer (PINN_CUDA_CHAIN=0), same build, same card: cudaTests
# (with the new bitwise test), step times at 7680 / 10K / 100K, per-kernel ncu
root="$(cd "${0%/*}/../.." && pwd)"
final="${OUT:-/tmp/r8c3}"; mkdir -p "$final"
mkdir -p /tmp/rn; tar xJf "$root/.device/perf/new.tar.xz" -C /tmp/rn
runNew() { ( . /tmp/rn/env.sh; export LD_LIBRARY_PATH="/tmp/rn/tree/build-gpu/lib:$LD_LIBRARY_PATH" PATH="/tmp/rn/tree/build-gpu/bin:$PATH"; "$@" ); }
nvidia-smi --query-gpu=name,clocks.max.sm --format=csv > "$final/env.txt"
runNew timeout 300 cudaTests > "$final/tests.log" 2>&1; echo "cudaTests rc $?"; grep -E "^\[  (PASSED|FAILED) |FAILED  \]|tests ran" "$final/tests.log"
grep -B2 -A6 "Failure" "$final/tests.log" | head -30
for rep in 1 2; do for c in 1 0; do for pr in poisson cavity; do for n in 7680 10000 100000; do
  PINN_CUDA_CHAIN=$c runNew benchTrainStep --only $pr:$n --steps 200 --cpu-steps 0 2>&1 | grep -E '^gpu' | sed "s/^/chain=$c /"
done; done; done; done | tee "$final/bench.txt"
for n in 7680 100000; do
  runNew timeout 120 ncu --clock-control none -s 30 -c 6 --metrics 'gpu__time_duration.sum,smsp__inst_executed.sum,regex:smsp__average_warps_issue_stalled_(no_instruction|long_scoreboard|barrier|wait)_per_issue_active\.ratio' \
    benchTrainStep --only poisson:$n --steps 5 --cpu-steps 0 > "$final/ncu-$n.txt" 2>&1
  echo "== ncu poisson $n"
  grep -E "^\s+(void|std)|gpu__time|inst_exec|stalled" "$final/ncu-$n.txt" | sed 's/(pinn::[^)]*)//' | awk '/void|std/{printf "\n%s ", $2; next} {printf "%s ", $NF}' | cut -c1-120 | head -8; echo
done
