#!/bin/bash
#------------------------------------------------------------------------------
# pinnFoam robustness tests: shared set-up (sourced by runCorpus, testKill,
# testDivergence, fuzzDicts).
#
#   makePlate DST    tutorials/basic/heatedPlate at 8 x 8 cells (T = sin(pi x)
#                    on the top, nonuniform), a (6 6) network, 80 + 40 points
#   makeChannel DST  tutorials/incompressible/channel at 20 x 4 cells (U, p;
#                    nonuniform parabolic inlet), a (6 6) network, 80 + 60 points
#   makeWedge DST    tests/cases/wedge (an axisymmetric mesh) with a T field
#   prerun DST       runs the base to iteration 2 (a time directory 2 with its
#                    checkpoint), then sets startFrom startTime, endTime 4
#   timeDirsSum DST  one checksum of every file of every time directory
#   runSolver DST [mpirun-args]  pinnFoam under a timeout, log in DST/log.pinnFoam,
#                    sets $rc
#   cleanFailure DST FILE_REGEX EXPECT_REGEX  checks a failed run: non-zero
#                    exit, no signal, no timeout, no uncaught exception, FOAM
#                    FATAL naming the file and the expected entry/fix; sets $why
#------------------------------------------------------------------------------
robustDir="$(cd "${BASH_SOURCE[0]%/*}" && pwd)"
root="$(cd "$robustDir/../.." && pwd)"
export WM_PROJECT_DIR="${WM_PROJECT_DIR:-/usr/share/openfoam}"
export FOAM_SIGFPE=false
# seconds a single failing run may take before it counts as a hang
caseTimeout="${PINN_CASE_TIMEOUT:-60}"

foamSet() { foamDictionary -entry "$2" -set "$3" "$1" > /dev/null; }
foamRm() { foamDictionary -entry "$2" -remove "$1" > /dev/null; }

tinySettings() # case: a tiny network, few points, one thread, CPU
{
    local d="$1/constant/pinnProperties"
    foamDictionary -entry references -remove "$d" > /dev/null 2>&1
    foamSet "$d" network/layers "(6 6)"
    foamSet "$d" sampling/nInterior 80
    foamSet "$d" sampling/nBoundary "${2:-40}"
    foamSet "$d" optimiser/lbfgsStart 3
    foamSet "$d" device cpu
    foamSet "$d" nThreads 1
    foamSet "$d" logInterval 1
    foamSet "$1/system/controlDict" endTime 2
    foamSet "$1/system/controlDict" writeInterval 2
    foamSet "$1/system/controlDict" startFrom latestTime
}

makeFromTutorial() # dst tutorial blocks-from blocks-to
{
    local dst="$1" t="$root/tutorials/$2"
    rm -rf "$dst"; mkdir -p "$dst"
    cp -r "$t/system" "$t/constant" "$dst/"
    cp -r "$t/0.orig" "$dst/0"
    rm -rf "$dst/constant/polyMesh"
    sed -i "s/$3/$4/" "$dst/system/blockMeshDict"
    (cd "$dst" && blockMesh > log.blockMesh 2>&1 && setExprBoundaryFields > log.setExprBoundaryFields 2>&1) \
        || { echo "makeFromTutorial: blockMesh/setExprBoundaryFields failed in $dst" 1>&2; return 1; }
}

makePlate()
{
    makeFromTutorial "$1" basic/heatedPlate "(40 40 1)" "(8 8 1)" || return 1
    tinySettings "$1" 40
}

makeChannel()
{
    makeFromTutorial "$1" incompressible/channel "(100 20 1)" "(20 4 1)" || return 1
    tinySettings "$1" 60
}

makeWedge()
{
    local dst="$1"
    rm -rf "$dst"
    cp -r "$root/tests/cases/wedge" "$dst"
    makePlate "$dst.plate" || return 1
    cp -r "$dst.plate/constant/pinnProperties" "$dst.plate/constant/transportProperties" "$dst/constant/"
    mkdir -p "$dst/0"
    # every patch of the wedge mesh, with its own type where it is constrained
    python3 - "$dst" <<'PY'
import re, sys
c = sys.argv[1]
b = open(c + '/constant/polyMesh/boundary').read()
body = b[b.index('(', b.index('FoamFile') + 10):]
patches = re.findall(r'(\w+)\s*\{\s*type\s+(\w+);', body)
out = ['FoamFile { version 2.0; format ascii; class volScalarField; object T; }',
       'dimensions [0 0 0 1 0 0 0];', 'internalField uniform 0;', 'boundaryField', '{']
for name, t in patches:
    if t in ('wedge', 'empty', 'symmetryPlane', 'symmetry', 'cyclic'):
        out.append('    %s { type %s; }' % (name, t))
    else:
        out.append('    %s { type fixedValue; value uniform 1; }' % name)
out.append('}')
open(c + '/0/T', 'w').write('\n'.join(out) + '\n')
PY
    cp "$dst.plate/system/controlDict" "$dst/system/controlDict"
    rm -rf "$dst.plate"
}

prerun() # case: iteration 2 written, then the corpus settings
{
    (cd "$1" && "$solver" > log.prerun 2>&1) && [ -f "$1/2/uniform/pinn/state" ] \
        || { echo "prerun failed in $1:"; tail -20 "$1/log.prerun"; return 1; }
    rm -f "$1/log.prerun"
    foamSet "$1/system/controlDict" startFrom startTime
    foamSet "$1/system/controlDict" endTime 4
}

timeDirsSum()
{
    (cd "$1" && find . -path ./constant -prune -o -path ./system -prune -o -type f -print \
        | grep -E '^\./(processor[0-9]+/)?[0-9]' | LC_ALL=C sort | xargs -r md5sum | md5sum | cut -d' ' -f1)
}

leftovers() # half-written or old time directories
{
    (cd "$1" && ls -d .pinnFoam-writing* *.pinnFoam-old processor*/.pinnFoam-writing* \
        processor*/*.pinnFoam-old 2> /dev/null)
}

runSolver() # case [mpirun -np N]: sets rc
{
    local c="$1"; shift
    # a case that asks for absurd sizes must fail, not take the machine
    local vmem="${PINN_CASE_VMEM_KB:-8000000}"
    if [ $# -gt 0 ]
    then
        (cd "$c" && ulimit -v "$vmem" && timeout -k 5 "$caseTimeout" "$@" "$solver" -parallel > log.pinnFoam 2>&1)
    else
        (cd "$c" && ulimit -v "$vmem" && timeout -k 5 "$caseTimeout" "$solver" > log.pinnFoam 2>&1)
    fi
    rc=$?
}

cleanFailure() # case file-regex expect-regex (after runSolver)
{
    local log="$1/log.pinnFoam" fatal
    why=""
    if [ "$rc" -eq 0 ]; then why="pinnFoam succeeded"; return 1; fi
    if [ "$rc" -eq 124 ] || [ "$rc" -eq 137 ]; then why="hang: killed after ${caseTimeout} s"; return 1; fi
    if [ "$rc" -gt 128 ]; then why="killed by signal $((rc - 128))"; return 1; fi
    if grep -aEq "terminate called|uncaught exception|Segmentation|sigSegv|sigFpe|Floating point exception|Aborted|printStack" "$log"
    then
        why="crash: $(grep -aEm1 "terminate called|uncaught exception|Segmentation|sigSegv|sigFpe|Floating point exception|Aborted|printStack" "$log")"
        return 1
    fi
    if ! grep -aq "FOAM FATAL" "$log"; then why="no FOAM FATAL error (rc $rc)"; return 1; fi
    fatal="$(sed -n '/FOAM FATAL/,$p' "$log")"
    if ! grep -aEq -- "$2" <<< "$fatal"; then why="message does not name the file /$2/"; return 1; fi
    if ! grep -aEiq -- "$3" <<< "$fatal"; then why="message lacks /$3/"; return 1; fi
    return 0
}
