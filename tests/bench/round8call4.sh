#!/bin/bash
# Round 8, call 4: one graph per 8 (32) training steps against one graph per
# step (benchTrainStep's last column against its ms/step column); warm
# per-kernel durations (ncu --cache-control none) at one and two rounds of
# tiles; cudaTests
root="$(cd "${0%/*}/../.." && pwd)"
final="${OUT:-/tmp/r8c4}"; mkdir -p "$final"
mkdir -p /tmp/rn; tar xJf "$root/.device/perf/new.tar.xz" -C /tmp/rn
runNew() { ( . /tmp/rn/env.sh; export LD_LIBRARY_PATH="/tmp/rn/tree/build-gpu/lib:$LD_LIBRARY_PATH" PATH="/tmp/rn/tree/build-gpu/bin:$PATH"; "$@" ); }
nvidia-smi --query-gpu=name,clocks.max.sm --format=csv > "$final/env.txt"
runNew timeout 300 cudaTests > "$final/tests.log" 2>&1; echo "cudaTests rc $?"; grep -E "^\[  (PASSED|FAILED) |FAILED  \]" "$final/tests.log"
for gs in 8 32; do for pr in poisson cavity; do for n in 7680 10000 100000; do
  PINN_CUDA_GRAPH_STEPS=$gs runNew benchTrainStep --only $pr:$n --steps 400 --cpu-steps 0 2>&1 | grep -E '^gpu' | sed "s/^/K=$gs /"
done; done; done | tee "$final/bench.txt"
for n in 7680 10000; do
  runNew timeout 120 ncu --cache-control none --clock-control none -s 40 -c 7 --metrics gpu__time_duration.sum \
    benchTrainStep --only poisson:$n --steps 5 --cpu-steps 0 > "$final/ncu-warm-$n.txt" 2>&1
  echo "== ncu warm poisson $n (us)"
  grep -E "^\s+(void|std)|gpu__time" "$final/ncu-warm-$n.txt" | sed 's/(pinn::[^)]*)//' | awk '/void|std/{printf "\n%s ", $2; next} {printf "%s ", $NF}' | cut -c1-80 | head -8; echo
done
