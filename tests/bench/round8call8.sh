#!/bin/bash
# Round 8, call 8: source counters (warm) of the backward (first launch =
# layer 3, and layer 1) and of layer 2's forward at one tile per block
# (poisson 7680), build dd2541e: which phases and stalls are left
root="$(cd "${0%/*}/../.." && pwd)"
final="${OUT:-/tmp/r8c8}"; mkdir -p "$final"
mkdir -p /tmp/rb; tar xJf "$root/.device/perf/base.tar.xz" -C /tmp/rb
runBase() { ( . /tmp/rb/env.sh; export LD_LIBRARY_PATH="/tmp/rb/tree/build-gpu/lib:$LD_LIBRARY_PATH" PATH="/tmp/rb/tree/build-gpu/bin:$PATH"; "$@" ); }
prof() {  # name kernel-regex launch-skip
  runBase timeout 150 ncu --cache-control none --clock-control none -k "regex:$2" -s "$3" -c 1 --section SourceCounters --section WarpStateStats --import-source no -o "$final/$1" \
    benchTrainStep --only poisson:7680 --steps 5 --cpu-steps 0 > "$final/$1.log" 2>&1
  runBase ncu -i "$final/$1.ncu-rep" --page source --print-source sass --csv > "$final/$1-sass.csv" 2>&1
  gzip -f "$final/$1-sass.csv"; rm -f "$final/$1.ncu-rep"
}
prof bwd3 fusedBackward 15
prof bwd1 fusedBackward 17
prof fwd2 fusedForward 11
ls -la "$final"
