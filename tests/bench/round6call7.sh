#!/bin/bash
# Round 6, call 7: the final build (pass start folded into layer 1's forward
# kernel): cudaTests, benchTrainStep of baseline and new, per-kernel
# durations at poisson 10K, the peers at 10K / 100K, the heatedPlate
# tutorial on the GPU (double and float)
root="$(cd "${0%/*}/../.." && pwd)"
final="${OUT:-/tmp/r6c7}"; mkdir -p "$final"
OUT="$final/perf" BASE_ARGS="--quick --steps 50 --cpu-steps 1" \
  "$root/tests/bench/perfCompare.sh" "-" "--quick --steps 50 --cpu-steps 1" > "$final/perf.txt" 2>&1
runNew() { ( . /tmp/rn/env.sh; export LD_LIBRARY_PATH="/tmp/rn/tree/build-gpu/lib:$LD_LIBRARY_PATH" PATH="/tmp/rn/tree/build-gpu/bin:$PATH"; "$@" ); }
runNew timeout 60 ncu --clock-control none -s 40 -c 8 --metrics gpu__time_duration.sum \
    benchTrainStep --only poisson:10000 --steps 5 --cpu-steps 0 > "$final/ncu10k.txt" 2>&1
PINN_BUILD=build-full OUT="$final/tutorial" timeout 120 bash "$root/tests/bench/gpuTutorial.sh" double float > "$final/tutorial.txt" 2>&1
cd "$root/tests/bench"
for pr in poisson cavity; do for n in 10000 100000; do for fw in jax-fwdlap torch; do
  PYTHONUNBUFFERED=1 timeout 60 python3 pinn_reference.py --framework $fw --problem $pr --points $n >> "$final/reference.log" 2>&1
done; done; done
echo "== per-kernel poisson 10K"
grep -E "^\s+(void|std)|gpu__time" "$final/ncu10k.txt" | sed 's/(pinn::[^)]*)//' | awk '/void|std/{printf "\n%s ", $2; next} {printf "%s ", $NF}' | cut -c1-60; echo
echo "== tutorial"; grep -E "==|vs analytic|first write|ms/iteration|^Backend" "$final/tutorial.txt"
echo "== compare"; grep -E "^(gpu|cpu)" "$final"/perf/bench-*.log /dev/null | sed 's/.*bench-//'
echo "== peers"; grep '^{' "$final/reference.log" | sed 's/"width": 64, "depth": 4, //'
grep -E "cudaTests variant" "$final/perf.txt"
grep -hE "Failure|rel. diff|gradient" "$final"/perf/tests-*.log | head -10
