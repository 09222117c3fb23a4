#!/bin/bash
# Round 6, call 8: why the float heatedPlate run got slower (8.9 s, 2.70
# ms per L-BFGS iteration, vs 0.41 ms with the kernels of bdba713): the
# tutorial in float with the truncating 3xTF32 split (.device/trunc), with
# FFMA only, with the new kernels off, and with the rounded split (the
# bundle's own library); then benchTrainStep with either split
root="$(cd "${0%/*}/../.." && pwd)"
final="${OUT:-/tmp/r6c8}"; mkdir -p "$final"
tut() {   # name, extra lib dir, settings
  local t=$1 lib=$2 v=$3
  ( case "$v" in -) ;; *) for a in ${v//,/ }; do export "$a"; done ;; esac
    PINN_EXTRA_LIB="$lib" PINN_BUILD=build-full OUT="$final/tut-$t" timeout 60 bash "$root/tests/bench/gpuTutorial.sh" float > "$final/tut-$t.txt" 2>&1 )
  echo "== $t ($v)"; grep -E "==|vs analytic:|first write|ms/iteration|^Backend" "$final/tut-$t.txt" | grep -v Comparison
  grep -E "^ExecutionTime" "$final/tut-$t/log.pinnFoam.float" | tail -1
}
tut trunc "$root/.device/trunc" -
tut trunc-ffma "$root/.device/trunc" PINN_CUDA_MMA=0
tut trunc-off "$root/.device/trunc" PINN_CUDA_HEAD=0,PINN_CUDA_FIRST=0,PINN_CUDA_FOLD0=0
tut rounded "" -
tut rounded-off "" PINN_CUDA_HEAD=0,PINN_CUDA_FIRST=0,PINN_CUDA_FOLD0=0
mkdir -p /tmp/rn && tar xJf "$root/.device/perf/new.tar.xz" -C /tmp/rn
for lib in trunc rounded; do
  ( . /tmp/rn/env.sh; export LD_LIBRARY_PATH="$root/.device/$lib:/tmp/rn/tree/build-gpu/lib:$LD_LIBRARY_PATH"
    /tmp/rn/tree/build-gpu/bin/cudaTests --gtest_brief=1 > "$final/tests-$lib.log" 2>&1; echo "cudaTests $lib rc $? $(grep -E 'PASSED|FAILED' "$final/tests-$lib.log" | tr '\n' ' ')"
    /tmp/rn/tree/build-gpu/bin/benchTrainStep --quick --steps 50 --cpu-steps 0 > "$final/bench-$lib.log" 2>&1 )
  echo "== bench $lib"; grep -E "^gpu" "$final/bench-$lib.log"
done
tar czf "$final/logs.tgz" -C "$final" $(cd "$final" && ls -d tut-*) && rm -rf "$final"/tut-*
