#!/bin/bash
# Round 6, call 13: the two backward loops of pass() made one (head or
# not): cudaTests, benchTrainStep of baseline and new
root="$(cd "${0%/*}/../.." && pwd)"
final="${OUT:-/tmp/r6c13}"; mkdir -p "$final"
OUT="$final/perf" BASE_ARGS="--quick --steps 50 --cpu-steps 1" \
  "$root/tests/bench/perfCompare.sh" "- PINN_CUDA_HEAD=0,PINN_CUDA_FOLD0=0,PINN_CUDA_FIRST=0" "--quick --steps 50 --cpu-steps 1" > "$final/perf.txt" 2>&1
echo "== compare"; grep -E "^(gpu|cpu)" "$final"/perf/bench-*.log /dev/null | sed 's/.*bench-//'
grep -E "cudaTests variant" "$final/perf.txt"
grep -hE "Failure|rel. diff|gradient" "$final"/perf/tests-*.log | head -10
