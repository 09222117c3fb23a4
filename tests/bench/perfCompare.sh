#!/bin/bash
#------------------------------------------------------------------------------
# On the GPU machine: cudaTests and benchTrainStep of two builds in one call,
# so that their timings come from the same card.
#   .device/perf/base.tar.xz  device-pack of the baseline (build/bin, build/lib)
#   .device/perf/new.tar.xz   device-pack of this tree (build-gpu/bin, build-gpu/lib)
# usage: [BASE_ARGS=...] [VARENV=...] tests/bench/perfCompare.sh "VARIANTS" "BENCH ARGS"
#   (logs under $OUT; each variant v runs with $VARENV=v, VARENV defaulting to
#   PINN_CUDA_FWD_VARIANT; e.g. VARENV=PINN_CUDA_MMA for the tensor-core modes;
#   a variant holding '=' is a comma-separated list of NAME=VALUE settings
#   instead, e.g. "PINN_CUDA_MMA=15,PINN_CUDA_TILE=32"; "-" = no setting)
#------------------------------------------------------------------------------
set -u
root="$(cd "${0%/*}/../.." && pwd)"
out="${OUT:-$root/perfCompare.out}"
variants="${1:-0}"
args="${2:---quick --steps 50}"
baseArgs="${BASE_ARGS:-$args}"
varEnv="${VARENV:-PINN_CUDA_FWD_VARIANT}"
mkdir -p "$out" /tmp/rb /tmp/rn
tar xJf "$root/.device/perf/base.tar.xz" -C /tmp/rb
tar xJf "$root/.device/perf/new.tar.xz" -C /tmp/rn
{ date -u; nvidia-smi --query-gpu=name,memory.total,driver_version,clocks.max.sm --format=csv; } > "$out/env.txt"
cat "$out/env.txt"
runNew() { ( . /tmp/rn/env.sh; export LD_LIBRARY_PATH="/tmp/rn/tree/build-gpu/lib:$LD_LIBRARY_PATH" PATH="/tmp/rn/tree/build-gpu/bin:$PATH"; "$@" ); }
runBase() { ( . /tmp/rb/env.sh; export LD_LIBRARY_PATH="/tmp/rb/tree/build/lib:$LD_LIBRARY_PATH"; "$@" ); }
setVar() { case "$1" in -) ;; *=*) local a; for a in ${1//,/ }; do export "$a"; done ;; *) export "$varEnv=$1" ;; esac; }
for v in $variants; do
    t="${v//[^A-Za-z0-9._-]/_}"
    ( setVar "$v"; runNew cudaTests ) > "$out/tests-v$t.log" 2>&1
    echo "cudaTests variant $v: rc $? $(grep -E 'PASSED|FAILED' "$out/tests-v$t.log" | tr '\n' ' ')"
done
runBase benchTrainStep $baseArgs > "$out/bench-base.log" 2>&1; echo "base bench rc $?"
for v in $variants; do
    t="${v//[^A-Za-z0-9._-]/_}"
    ( setVar "$v"; runNew benchTrainStep $args ) > "$out/bench-v$t.log" 2>&1; echo "new v$v bench rc $?"
done
for f in "$out"/bench-*.log; do echo "== $f"; grep -E '^(gpu|cpu)' "$f"; done
for f in "$out"/bench-*.log; do echo "== $f"; grep -A12 'poisson N=100K chunk=all (eager' "$f" | grep -E 'fused|total'; done
