#!/bin/bash
# Round 7, call 9: programmatic dependent launch of the step's kernels after
# the first (weights into shared memory while the previous kernel drains,
# then griddepcontrol.wait); PINN_CUDA_PDL=0 (ordinary launches) as the
# variant in the same call; baseline d7cd723
root="$(cd "${0%/*}/../.." && pwd)"
final="${OUT:-/tmp/r7c9}"; mkdir -p "$final"
OUT="$final/perf" BASE_ARGS="--quick --steps 50 --cpu-steps 1" \
  "$root/tests/bench/perfCompare.sh" "- PINN_CUDA_PDL=0" "--quick --steps 50 --cpu-steps 1" > "$final/perf.txt" 2>&1
runNew() { ( . /tmp/rn/env.sh; export LD_LIBRARY_PATH="/tmp/rn/tree/build-gpu/lib:$LD_LIBRARY_PATH" PATH="/tmp/rn/tree/build-gpu/bin:$PATH"; "$@" ); }
# the whole table once more with each setting (chunked passes, 1M, 10M)
runNew benchTrainStep --steps 20 --cpu-steps 0 > "$final/full-pdl.txt" 2>&1
PINN_CUDA_PDL=0 runNew benchTrainStep --steps 20 --cpu-steps 0 > "$final/full-nopdl.txt" 2>&1
echo "== compare"; grep -E "^(gpu|cpu)" "$final"/perf/bench-*.log /dev/null | sed 's/.*bench-//'
echo "== full, PDL"; grep -E "^gpu" "$final/full-pdl.txt"
echo "== full, no PDL"; grep -E "^gpu" "$final/full-nopdl.txt"
grep -E "cudaTests variant" "$final/perf.txt"
grep -hE -A3 "Failure" "$final"/perf/tests-*.log | head -40
