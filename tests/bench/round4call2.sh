#!/bin/bash
# Round 4, call 2: ncu of the baseline's fused forward, FFMA (mode 6) vs 3xTF32 (mode 7)
root="$(cd "${0%/*}/../.." && pwd)"
mkdir -p /tmp/rb && tar xJf "$root/.device/perf/base.tar.xz" -C /tmp/rb
final="${OUT:-/tmp}"
for m in 6 7; do
  ( . /tmp/rb/env.sh; export LD_LIBRARY_PATH="/tmp/rb/tree/build/lib:$LD_LIBRARY_PATH"
    PINN_CUDA_MMA=$m timeout 50 ncu --clock-control none --section SpeedOfLight --section Occupancy \
      --section LaunchStats -k regex:fusedForward -c 4 /tmp/rb/tree/build/bin/benchTrainStep \
      --only poisson:100000 --steps 2 --cpu-steps 0 ) > "$final/ncu-base-mma$m.log" 2>&1
  echo "== mode $m rc $?"
  grep -E "fusedForward|Duration|Compute \(SM\) Throughput|Memory Throughput|DRAM Throughput|Achieved Occupancy|Registers Per|No kernels" "$final/ncu-base-mma$m.log" | head -40
done
