#!/bin/bash
# Round 6, call 1 (on a machine with up to 4 GPUs):
#  1. cudaTests + benchTrainStep of baseline and new (default mode 6, and mode 7)
#  2. ncu of the new build at poisson 100K: stall reasons of the fused kernels,
#     per-kernel durations of one step at 100K
#  3. NCCL scaling at 1, 2, 4 GPUs (benchScaling), where the machine has them
root="$(cd "${0%/*}/../.." && pwd)"
final="${OUT:-/tmp/r6c1}"; mkdir -p "$final"
nvidia-smi -L > "$final/gpus.txt"; cat "$final/gpus.txt"
OUT="$final/perf" VARENV=PINN_CUDA_MMA BASE_ARGS="--quick --steps 50 --cpu-steps 1" \
  "$root/tests/bench/perfCompare.sh" "- 7" "--quick --steps 50 --cpu-steps 1"
runNew() { ( . /tmp/rn/env.sh; export LD_LIBRARY_PATH="/tmp/rn/tree/build-gpu/lib:$LD_LIBRARY_PATH" PATH="/tmp/rn/tree/build-gpu/bin:$PATH"; "$@" ); }
runBase() { ( . /tmp/rb/env.sh; export LD_LIBRARY_PATH="/tmp/rb/tree/build/lib:$LD_LIBRARY_PATH" PATH="/tmp/rb/tree/build/bin:$PATH"; "$@" ); }
# per-kernel durations of one step (100K), new and base
for b in New Base; do
  run$b timeout 60 ncu --clock-control none -s 40 -c 13 --metrics gpu__time_duration.sum \
    benchTrainStep --only poisson:100000 --steps 5 --cpu-steps 0 > "$final/ncu100k-$b.txt" 2>&1
  echo "== per-kernel 100K $b rc $?"
  grep -E "^\s+[a-zA-Z_].*\(|gpu__time_duration" "$final/ncu100k-$b.txt" | sed 's/(pinn::[^)]*)//' | paste - - | awk '{print $1, $(NF)}' | head -20
done
# stall reasons of the hidden layers (new build, FFMA forward = mode 6 and mma forward = mode 7)
for m in 6 7; do
  PINN_CUDA_MMA=$m runNew timeout 90 ncu --clock-control none --section SpeedOfLight --section WarpStateStats \
    --section SchedulerStats --section InstructionStats --section Occupancy \
    -k regex:"fused(Forward|Backward)Kernel" -s 8 -c 3 \
    benchTrainStep --only poisson:100000 --steps 2 --cpu-steps 0 > "$final/ncu-stall-mma$m.txt" 2>&1
  echo "== stalls mode $m rc $?"
  grep -E "fused(Forward|Backward)Kernel|Duration|Compute \(SM\) Thr|Issue Slots Busy|No Eligible|Warp Cycles Per Issued|Stall|Achieved Occ" "$final/ncu-stall-mma$m.txt" | head -60
done
n=$(nvidia-smi -L | wc -l)
if [ "$n" -ge 4 ]; then g=1,2,4; elif [ "$n" -ge 2 ]; then g=1,2; else g=1; fi
runNew timeout 150 benchScaling --points 1000000 --steps 20 --gpus $g > "$final/scaling-1M.txt" 2>&1; echo "== scaling 1M rc $?"; cat "$final/scaling-1M.txt" | tail -15
runNew timeout 60 benchScaling --points 100000 --steps 30 --gpus $g > "$final/scaling-100K.txt" 2>&1; echo "== scaling 100K rc $?"; tail -12 "$final/scaling-100K.txt"
