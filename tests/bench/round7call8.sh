#!/bin/bash
# Round 7, call 8 (final figures): cudaTests, the full benchTrainStep table,
# the peers (pinn_reference.py --all), per-kernel durations at 100K, and
# (with GPU_TUTORIAL=1) the heatedPlate tutorial end to end, (REPEAT_10K=1)
# jax-fwdlap at 10K twice more, all of this
# tree's build (.device/perf/new.tar.xz; .device/pinnFoam.tar.xz of
# build-full for the tutorial) in one call
root="$(cd "${0%/*}/../.." && pwd)"
final="${OUT:-/tmp/r7c8}"; mkdir -p "$final"
mkdir -p /tmp/rn && tar xJf "$root/.device/perf/new.tar.xz" -C /tmp/rn
runNew() { ( . /tmp/rn/env.sh; export LD_LIBRARY_PATH="/tmp/rn/tree/build-gpu/lib:$LD_LIBRARY_PATH" PATH="/tmp/rn/tree/build-gpu/bin:$PATH"; "$@" ); }
{ date -u; nvidia-smi --query-gpu=name,memory.total,driver_version,clocks.max.sm --format=csv; } > "$final/env.txt"
runNew cudaTests > "$final/tests.log" 2>&1; echo "cudaTests rc $?"
runNew benchTrainStep --steps 30 --cpu-steps 3 > "$final/bench.log" 2>&1; echo "bench rc $?"
for pr in poisson cavity; do
  runNew timeout 60 ncu --clock-control none -s 40 -c 12 --metrics gpu__time_duration.sum,smsp__inst_executed.sum,smsp__issue_active.avg.pct_of_peak_sustained_active \
    benchTrainStep --only $pr:100000 --steps 5 --cpu-steps 0 > "$final/ncu-$pr.txt" 2>&1
done
(cd "$root/tests/bench" && PYTHONUNBUFFERED=1 timeout 300 python3 pinn_reference.py --all > "$final/reference.log" 2>&1); echo "reference rc $?"
# (REPEAT_10K=1) jax-fwdlap at 10K twice more: its run-to-run spread
if [ "${REPEAT_10K:-0}" = 1 ]; then
  for r in 1 2; do for pr in poisson cavity; do
    (cd "$root/tests/bench" && PYTHONUNBUFFERED=1 timeout 60 python3 pinn_reference.py --framework jax-fwdlap --problem $pr --points 10000 >> "$final/reference-10k.log" 2>&1)
  done; done
fi
if [ "${GPU_TUTORIAL:-0}" = 1 ]; then
  OUT="$final/tutorial" PINN_BUILD=build-full bash "$root/tests/bench/gpuTutorial.sh" double float > "$final/tutorial.txt" 2>&1
  echo "tutorial rc $?"; tail -6 "$final/tutorial.txt"
fi
cat "$final/env.txt"
for pr in poisson cavity; do
echo "== per-kernel $pr 100K"
grep -E "^\s+(void|std)|gpu__time|inst_exec|issue_active" "$final/ncu-$pr.txt" | sed 's/(pinn::[^)]*)//' | awk '/void|std/{printf "\n%s ", $2; next} {printf "%s ", $NF}' | cut -c1-90; echo
done
echo "== bench"; grep -E "^(gpu|cpu)" "$final/bench.log"
echo "== peers"; grep -h '^{' "$final/reference.log" "$final/reference-10k.log" 2>/dev/null | sed 's/"width": 64, "depth": 4, //'
grep -E "PASSED|FAILED" "$final/tests.log"
