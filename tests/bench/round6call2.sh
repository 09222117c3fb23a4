#!/bin/bash
# Round 6, call 2: cudaTests + benchTrainStep of baseline and new (fused head,
# layer 0 folded into layer 1's backward, and each of them off), per-kernel
# durations at poisson 100K, then the peers at 10K and 100K (same call)
root="$(cd "${0%/*}/../.." && pwd)"
final="${OUT:-/tmp/r6c2}"; mkdir -p "$final"
OUT="$final/perf" VARENV=PINN_CUDA_MMA BASE_ARGS="--quick --steps 50 --cpu-steps 1" \
  "$root/tests/bench/perfCompare.sh" "- PINN_CUDA_HEAD=0 PINN_CUDA_FOLD0=0 PINN_CUDA_HEAD=0,PINN_CUDA_FOLD0=0 7" "--quick --steps 50 --cpu-steps 1"
runNew() { ( . /tmp/rn/env.sh; export LD_LIBRARY_PATH="/tmp/rn/tree/build-gpu/lib:$LD_LIBRARY_PATH" PATH="/tmp/rn/tree/build-gpu/bin:$PATH"; "$@" ); }
runNew timeout 60 ncu --clock-control none -s 40 -c 12 --metrics gpu__time_duration.sum \
    benchTrainStep --only poisson:100000 --steps 5 --cpu-steps 0 > "$final/ncu100k-New.txt" 2>&1
echo "== per-kernel 100K new rc $?"
grep -E "^\s+(void|std)|gpu__time_duration" "$final/ncu100k-New.txt" | sed 's/(pinn::[^)]*)//' | paste - - | awk '{print $2, $(NF)}' | cut -c1-60
cd "$root/tests/bench"
for pr in poisson cavity; do for n in 10000 100000; do for fw in jax-fwdlap torch; do
  PYTHONUNBUFFERED=1 timeout 60 python3 pinn_reference.py --framework $fw --problem $pr --points $n >> "$final/reference.log" 2>&1
done; done; done
grep '^{' "$final/reference.log"
