#!/bin/bash
# Round 7, call 11 (machine with 2 GPUs): b4268c1 under NCCL:
# cudaTests (incl. the 2-GPU test) and benchScaling at 1, 2, 4 GPUs
root="$(cd "${0%/*}/../.." && pwd)"
final="${OUT:-/tmp/r7c11}"; mkdir -p "$final"
nvidia-smi -L | tee "$final/gpus.txt"
mkdir -p /tmp/rn && tar xJf "$root/.device/perf/new.tar.xz" -C /tmp/rn
runNew() { ( . /tmp/rn/env.sh; export LD_LIBRARY_PATH="/tmp/rn/tree/build-gpu/lib:$LD_LIBRARY_PATH" PATH="/tmp/rn/tree/build-gpu/bin:$PATH"; "$@" ); }
n=$(nvidia-smi -L | wc -l); if [ "$n" -ge 4 ]; then g=1,2,4; else g=1,2; fi
runNew cudaTests --gtest_brief=1 > "$final/tests.log" 2>&1; echo "cudaTests rc $? $(grep -E 'PASSED|FAILED|SKIPPED' "$final/tests.log" | tr '\n' ' ')"
runNew timeout 150 benchScaling --points 1000000 --steps 20 --gpus $g > "$final/scaling-1M.txt" 2>&1; echo "== 1M rc $?"; grep -E "^\|" "$final/scaling-1M.txt"
runNew timeout 90 benchScaling --points 100000 --steps 30 --gpus $g > "$final/scaling-100K.txt" 2>&1; echo "== 100K rc $?"; grep -E "^\|" "$final/scaling-100K.txt"
