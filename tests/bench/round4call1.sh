#!/bin/bash
# Round 4, call 1: tests + benchmarks of baseline and new, then ncu of the mma forward
root="$(cd "${0%/*}/../.." && pwd)"
out=/tmp/pc; final="${OUT:-/tmp}"
OUT="$out" VARENV=PINN_CUDA_MMA BASE_ARGS="--quick --steps 50 --cpu-steps 1" \
  "$root/tests/bench/perfCompare.sh" "- PINN_CUDA_TILE=32 6 15" "--quick --steps 50 --cpu-steps 1"
( . /tmp/rn/env.sh; export LD_LIBRARY_PATH="/tmp/rn/tree/build-gpu/lib:$LD_LIBRARY_PATH"
  PINN_CUDA_MMA=15 timeout 40 ncu --clock-control none --section SpeedOfLight --section Occupancy \
    -k regex:fusedForward -c 3 /tmp/rn/tree/build-gpu/bin/benchTrainStep --only poisson:100K --steps 2 --cpu-steps 0 ) \
  > "$out/ncu-fwd15.log" 2>&1
echo "ncu rc $?"; grep -E "fusedForward|Duration|Compute \(SM\) Thr|Memory Thr|Achieved Occ|Registers|Issue" "$out/ncu-fwd15.log" | head -40
tar czf "$final/round4-call1.tgz" -C /tmp pc
