#!/bin/bash
# Round 6, call 6 (the figures of record): cudaTests (default; first layer
# computed by the kernel), benchTrainStep of baseline and new, the full
# benchTrainStep table of new, per-kernel durations at poisson 100K, the
# peers at 10K / 100K / 1M (same call) and the heatedPlate tutorial on the GPU
root="$(cd "${0%/*}/../.." && pwd)"
final="${OUT:-/tmp/r6c6}"; mkdir -p "$final"
OUT="$final/perf" BASE_ARGS="--quick --steps 50 --cpu-steps 1" \
  "$root/tests/bench/perfCompare.sh" "- PINN_CUDA_FIRST=0" "--quick --steps 50 --cpu-steps 1" > "$final/perf.txt" 2>&1
runNew() { ( . /tmp/rn/env.sh; export LD_LIBRARY_PATH="/tmp/rn/tree/build-gpu/lib:$LD_LIBRARY_PATH" PATH="/tmp/rn/tree/build-gpu/bin:$PATH"; "$@" ); }
runNew timeout 150 benchTrainStep --steps 30 --cpu-steps 3 > "$final/bench-full.log" 2>&1; echo "== full bench rc $?"
runNew timeout 60 ncu --clock-control none -s 40 -c 8 --metrics gpu__time_duration.sum,smsp__inst_executed.sum,smsp__issue_active.avg.pct_of_peak_sustained_active \
    benchTrainStep --only poisson:100000 --steps 5 --cpu-steps 0 > "$final/ncu100k.txt" 2>&1
runNew timeout 60 ncu --clock-control none -s 40 -c 11 --metrics gpu__time_duration.sum \
    benchTrainStep --only cavity:100000 --steps 5 --cpu-steps 0 > "$final/ncu100k-cavity.txt" 2>&1
PINN_BUILD=build-full OUT="$final/tutorial" timeout 90 bash "$root/tests/bench/gpuTutorial.sh" double float > "$final/tutorial.txt" 2>&1
cd "$root/tests/bench"
for pr in poisson cavity; do for n in 10000 100000; do for fw in jax-fwdlap torch; do
  PYTHONUNBUFFERED=1 timeout 60 python3 pinn_reference.py --framework $fw --problem $pr --points $n >> "$final/reference.log" 2>&1
done; done; done
for fw in jax-fwdlap torch; do PYTHONUNBUFFERED=1 timeout 90 python3 pinn_reference.py --framework $fw --problem poisson --points 1000000 >> "$final/reference.log" 2>&1; done
echo "== per-kernel poisson 100K"
grep -E "^\s+(void|std)|gpu__time|inst_exec|issue_active" "$final/ncu100k.txt" | sed 's/(pinn::[^)]*)//' | awk '/void|std/{printf "\n%s ", $2; next} {printf "%s ", $NF}' | cut -c1-90; echo
echo "== per-kernel cavity 100K"
grep -E "^\s+(void|std)|gpu__time" "$final/ncu100k-cavity.txt" | sed 's/(pinn::[^)]*)//' | awk '/void|std/{printf "\n%s ", $2; next} {printf "%s ", $NF}' | cut -c1-60; echo
echo "== tutorial"; grep -E "==|vs analytic|first write|ms/iteration" "$final/tutorial.txt"
echo "== full bench"; grep -E "^(gpu|cpu)" "$final/bench-full.log"
echo "== compare"; grep -E "^(gpu|cpu)" "$final"/perf/bench-*.log /dev/null | sed 's/.*bench-//'
echo "== peers"; grep '^{' "$final/reference.log" | sed 's/"width": 64, "depth": 4, //'
grep -E "cudaTests variant" "$final/perf.txt"
grep -hE "Failure|rel. diff|gradient" "$final"/perf/tests-*.log | head -10
