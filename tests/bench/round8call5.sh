#!/bin/bash
# Round 8, call 5: where the head kernel's one-tile time goes (poisson 7680:
# one tile per block; 51 us against 23 for a forward layer, warm). ncu source
# counters per SASS instruction (warm caches), also at 100K for comparison
root="$(cd "${0%/*}/../.." && pwd)"
final="${OUT:-/tmp/r8c5}"; mkdir -p "$final"
mkdir -p /tmp/rn; tar xJf "$root/.device/perf/new.tar.xz" -C /tmp/rn
runNew() { ( . /tmp/rn/env.sh; export LD_LIBRARY_PATH="/tmp/rn/tree/build-gpu/lib:$LD_LIBRARY_PATH" PATH="/tmp/rn/tree/build-gpu/bin:$PATH"; "$@" ); }
for pr in poisson cavity; do for n in 7680; do
  runNew timeout 150 ncu --cache-control none --clock-control none -k regex:fusedHead -s 5 -c 1 --section SourceCounters --section WarpStateStats --import-source no -o "$final/head-$pr-$n" \
    benchTrainStep --only $pr:$n --steps 5 --cpu-steps 0 > "$final/ncu-head-$pr-$n.log" 2>&1
  runNew ncu -i "$final/head-$pr-$n.ncu-rep" --page source --print-source sass --csv > "$final/head-$pr-$n-sass.csv" 2>&1
  runNew ncu -i "$final/head-$pr-$n.ncu-rep" --page details > "$final/head-$pr-$n-details.txt" 2>&1
  gzip -f "$final/head-$pr-$n-sass.csv"; rm -f "$final/head-$pr-$n.ncu-rep"
done; done
ls -la "$final"
head -c 1500 <(zcat "$final/head-poisson-7680-sass.csv.gz")
