#!/bin/bash
# Round 8, calls 6, 7, 9, 10 and 12: a candidate build (.device/perf/new.tar.xz)
# against a baseline (.device/perf/base.tar.xz) on the same card: cudaTests,
# step times at 7680 / 10K / 100K (twice, alternating), warm per-kernel
# durations and stall reasons at 7680. Call 6: sinDerivs against 688fd41's
# kernels; 7: + the head's loop over points (dd2541e) against the same; 9:
# the backward's first tile ahead of its weights, 10: its slice through
# shared memory, 12: the backward's and forward's epilogues by loops, each
# against dd2541e
root="$(cd "${0%/*}/../.." && pwd)"
final="${OUT:-/tmp/r8c6}"; mkdir -p "$final"
mkdir -p /tmp/rn /tmp/rb; tar xJf "$root/.device/perf/new.tar.xz" -C /tmp/rn; tar xJf "$root/.device/perf/base.tar.xz" -C /tmp/rb
runNew() { ( . /tmp/rn/env.sh; export LD_LIBRARY_PATH="/tmp/rn/tree/build-gpu/lib:$LD_LIBRARY_PATH" PATH="/tmp/rn/tree/build-gpu/bin:$PATH"; "$@" ); }
runBase() { ( . /tmp/rb/env.sh; export LD_LIBRARY_PATH="/tmp/rb/tree/build-gpu/lib:$LD_LIBRARY_PATH" PATH="/tmp/rb/tree/build-gpu/bin:$PATH"; "$@" ); }
nvidia-smi --query-gpu=name,clocks.max.sm --format=csv > "$final/env.txt"
runNew timeout 300 cudaTests > "$final/tests.log" 2>&1; echo "cudaTests rc $?"; grep -E "^\[  (PASSED|FAILED) |FAILED  \]" "$final/tests.log"
for rep in 1 2; do for b in base new; do for pr in poisson cavity; do for n in 7680 10000 100000; do
  if [ $b = base ]; then r=runBase; else r=runNew; fi
  $r benchTrainStep --only $pr:$n --steps 300 --cpu-steps 0 2>&1 | grep -E '^gpu' | cut -c1-80 | sed "s/^/$b /"
done; done; done; done | tee "$final/bench.txt"
for b in base new; do
  if [ $b = base ]; then r=runBase; else r=runNew; fi
  $r timeout 120 ncu --cache-control none --clock-control none -s 40 -c 7 --metrics 'gpu__time_duration.sum,regex:smsp__average_warps_issue_stalled_(no_instruction|long_scoreboard|barrier)_per_issue_active\.ratio' \
    benchTrainStep --only poisson:7680 --steps 5 --cpu-steps 0 > "$final/ncu-$b-7680.txt" 2>&1
  echo "== ncu warm poisson 7680 $b (us, barrier, long sb, no_instruction)"
  grep -E "^\s+(void|std)|gpu__time|stalled" "$final/ncu-$b-7680.txt" | sed 's/(pinn::[^)]*)//' | awk '/void|std/{printf "\n%s ", $2; next} {printf "%s ", $NF}' | cut -c1-90 | head -8; echo
done
