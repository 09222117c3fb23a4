#!/bin/bash
# Round 7, call 15 (asked for an H200, served with an H100): the round's last commit (08e0fe9) against the
# peers at 10K and 100K in the same call, and cudaTests
root="$(cd "${0%/*}/../.." && pwd)"
final="${OUT:-/tmp/r7c15}"; mkdir -p "$final"
mkdir -p /tmp/rn && tar xJf "$root/.device/perf/new.tar.xz" -C /tmp/rn
runNew() { ( . /tmp/rn/env.sh; export LD_LIBRARY_PATH="/tmp/rn/tree/build-gpu/lib:$LD_LIBRARY_PATH" PATH="/tmp/rn/tree/build-gpu/bin:$PATH"; "$@" ); }
{ date -u; nvidia-smi --query-gpu=name,memory.total,driver_version,clocks.max.sm --format=csv; } > "$final/env.txt"
runNew cudaTests > "$final/tests.log" 2>&1; echo "cudaTests rc $? $(grep -E 'PASSED|FAILED' "$final/tests.log" | tr '\n' ' ')"
runNew benchTrainStep --quick --steps 50 --cpu-steps 1 > "$final/bench.log" 2>&1
cd "$root/tests/bench"
for pr in poisson cavity; do for n in 10000 100000; do for fw in jax-fwdlap torch; do
  PYTHONUNBUFFERED=1 timeout 60 python3 pinn_reference.py --framework $fw --problem $pr --points $n >> "$final/reference.log" 2>&1
done; done; done
cat "$final/env.txt"
echo "== bench"; grep -E "^(gpu|cpu)" "$final/bench.log"
echo "== peers"; grep '^{' "$final/reference.log" | sed 's/"width": 64, "depth": 4, //'
