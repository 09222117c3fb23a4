#!/bin/bash
# Round 8, call 1 (diagnosis, no kernel change): where the 10K step goes.
# (1) step time against the number of 32-point tiles (264 resident blocks on
#     an H100: 8448 points = 264 tiles = one round); (2) per-kernel durations
#     and active-SM cycles at 10K (ncu); (3) graph-node gaps (nsys); (4) the
#     forward variants (3 and 4 blocks per SM) at 10K
root="$(cd "${0%/*}/../.." && pwd)"
final="${OUT:-/tmp/r8c1}"; mkdir -p "$final"
mkdir -p /tmp/rn; tar xJf "$root/.device/perf/new.tar.xz" -C /tmp/rn
runNew() { ( . /tmp/rn/env.sh; export LD_LIBRARY_PATH="/tmp/rn/tree/build-gpu/lib:$LD_LIBRARY_PATH" PATH="/tmp/rn/tree/build-gpu/bin:$PATH"; "$@" ); }
nvidia-smi --query-gpu=name,clocks.max.sm --format=csv > "$final/env.txt"
echo "== step vs N (poisson, cavity; tiles = ceil(1.1 N / 32))"
for pr in poisson cavity; do for n in 2560 5120 7680 8000 9000 10000 11520 12800 15360 20000 23040; do
  runNew benchTrainStep --only $pr:$n --steps 200 --cpu-steps 0 2>&1 | grep -E '^gpu' | awk -v n=$n '{printf "%s N=%d tiles=%d ms=%s min=%s\n", $2, n, int((n*1.1+31)/32), $6, $7}'
done; done | tee "$final/steps-vs-n.txt"
echo "== forward variants at 10K"
for v in 0 1 2; do for pr in poisson cavity; do
  PINN_CUDA_FWD_VARIANT=$v runNew benchTrainStep --only $pr:10000 --steps 200 --cpu-steps 0 2>&1 | grep -E '^gpu' | sed "s/^/v$v /"
done; done | tee "$final/variants.txt"
echo "== head off at 10K"
for pr in poisson cavity; do PINN_CUDA_HEAD=0 runNew benchTrainStep --only $pr:10000 --steps 200 --cpu-steps 0 2>&1 | grep -E '^gpu'; done
for pr in poisson cavity; do for n in 10000 7680; do
  runNew timeout 90 ncu --clock-control none -s 40 -c 8 --metrics gpu__time_duration.sum,sm__cycles_active.avg,sm__cycles_elapsed.avg,smsp__issue_active.avg.pct_of_peak_sustained_active,launch__grid_size \
    benchTrainStep --only $pr:$n --steps 5 --cpu-steps 0 > "$final/ncu-$pr-$n.txt" 2>&1
  echo "== per-kernel $pr $n (us, active cycles, elapsed cycles, issue %, grid)"
  grep -E "^\s+(void|std)|gpu__time|cycles_active|cycles_elapsed|issue_active|grid_size" "$final/ncu-$pr-$n.txt" | sed 's/(pinn::[^)]*)//' | awk '/void|std/{printf "\n%s ", $2; next} {printf "%s ", $NF}' | cut -c1-110 | head -9; echo
done; done
if command -v nsys >/dev/null; then
  runNew timeout 120 nsys profile -o "$final/nsys10k" --cuda-graph-trace=node --force-overwrite true benchTrainStep --only poisson:10000 --steps 20 --cpu-steps 0 > "$final/nsys.log" 2>&1
  runNew timeout 120 nsys stats --report cuda_gpu_trace --format csv "$final/nsys10k.nsys-rep" > "$final/nsys-trace.csv" 2>>"$final/nsys.log"
  echo "== nsys: last 16 kernels (start ns, duration ns, name)"
  grep -v '^$' "$final/nsys-trace.csv" | tail -16 | awk -F, '{print $1, $2, $NF}' | cut -c1-120
  rm -f "$final"/nsys10k.nsys-rep "$final"/*.sqlite
else echo "no nsys"; fi
