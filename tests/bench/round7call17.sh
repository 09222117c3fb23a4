#!/bin/bash
# Round 7, call 17: after the review mends (beginPass helper, pointLoss
# without its dead nullptr branch, one store path in firstLayerTile, the
# head's shared-memory size in one place): cudaTests and the quick table,
# no change meant to the arithmetic
root="$(cd "${0%/*}/../.." && pwd)"
final="${OUT:-/tmp/r7c17}"; mkdir -p "$final"
mkdir -p /tmp/rn && tar xJf "$root/.device/perf/new.tar.xz" -C /tmp/rn
runNew() { ( . /tmp/rn/env.sh; export LD_LIBRARY_PATH="/tmp/rn/tree/build-gpu/lib:$LD_LIBRARY_PATH" PATH="/tmp/rn/tree/build-gpu/bin:$PATH"; "$@" ); }
nvidia-smi --query-gpu=name --format=csv,noheader | tee "$final/env.txt"
runNew cudaTests > "$final/tests.log" 2>&1; echo "cudaTests rc $? $(grep -E 'PASSED|FAILED' "$final/tests.log" | tr '\n' ' ')"
runNew benchTrainStep --quick --steps 50 --cpu-steps 1 > "$final/bench.log" 2>&1
grep -E "^(gpu|cpu)" "$final/bench.log"
