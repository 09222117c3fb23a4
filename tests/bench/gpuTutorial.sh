#!/bin/bash
#------------------------------------------------------------------------------
# Runs the heatedPlate tutorial's pinnFoam step on a GPU machine that has no
# OpenFOAM: the case is prepared here (tutorials/basic/heatedPlate/Allrun.pre:
# mesh, laplacianFoam and analytic references), pinnFoam is bundled with
# /work/shared/tools/device-pack, and both travel in .device/:
#
#   .device/pinnFoam.tar.xz   ($PINN_PACK) device-pack of BUILD/bin BUILD/lib (a CUDA build;
#                             BUILD = $PINN_BUILD, default build)
#   .device/heatedPlate/      the prepared case (device gpu)
#   .device/bin/              foamCompareFields
#
# On the GPU machine: tests/bench/gpuTutorial.sh [precision ...]
# Writes logs and loss/error files under $OUT (or ./gpuTutorial.out).
#------------------------------------------------------------------------------
set -u
root="$(cd "${0%/*}/../.." && pwd)"
out="${OUT:-$root/gpuTutorial.out}"
mkdir -p "$out"
rt=/tmp/pinnFoam-rt
rm -rf "$rt" && mkdir -p "$rt" && tar xJf "$root/.device/${PINN_PACK:-pinnFoam.tar.xz}" -C "$rt" && . "$rt/env.sh"
export LD_LIBRARY_PATH="$rt/tree/${PINN_BUILD:-build}/lib:$LD_LIBRARY_PATH"
export PATH="$rt/tree/${PINN_BUILD:-build}/bin:$PATH"
# PINN_EXTRA_LIB: a folder whose libraries replace the bundled ones (variants)
[ -n "${PINN_EXTRA_LIB:-}" ] && export LD_LIBRARY_PATH="$PINN_EXTRA_LIB:$LD_LIBRARY_PATH"
nvidia-smi --query-gpu=name,memory.total,driver_version --format=csv,noheader | tee "$out/gpu.txt"

for precision in "${@:-double float}"
do
    for p in $precision
    do
        c="/tmp/heatedPlate-$p"
        rm -rf "$c" && cp -r "$root/.device/heatedPlate" "$c"
        sed -i "s/^precision .*/precision   $p;/" "$c/constant/pinnProperties"
        start=$(date +%s%N)
        (cd "$c" && pinnFoam > log.pinnFoam 2>&1)
        rc=$?
        end=$(date +%s%N)
        cp "$c/log.pinnFoam" "$out/log.pinnFoam.$p"
        cp "$c/postProcessing/pinnFoam/0/errors.dat" "$out/errors.$p.dat" 2>/dev/null
        echo "== heatedPlate on the GPU, precision $p: exit $rc, wall $(( (end - start) / 1000000 )) ms"
        grep -E "^Backend|device auto" "$c/log.pinnFoam"
        grep -E "error vs analytic" "$c/log.pinnFoam" | tail -1
        grep -E "ms/iteration" "$c/log.pinnFoam" | tail -1
        # when the 1e-3 target was first reached (write times)
        python3 - "$c/postProcessing/pinnFoam/0/errors.dat" <<'PY'
import sys
rows = [l.split() for l in open(sys.argv[1])]
col = rows[1].index("analytic.L2rel") - 1          # the header starts with '#'
hit = [r[0] for r in rows[2:] if float(r[col]) <= 1e-3]
print("   first write time with relative L2 vs analytic <= 1e-3:", hit[0] if hit else "none")
PY
        python3 "$root/.device/bin/foamCompareFields" --latest "$c" T "$c/analytic/0/T" --label "pinnFoam($p, gpu) vs analytic"
    done
done
