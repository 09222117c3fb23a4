#!/usr/bin/env python3
# -----------------------------------------------------------------------------
# pinnFoam: tutorials/incompressible/cavity3D/centrelines3D.py
#
# Description
#     Centreline velocity profiles of a 3D (cubic) lid-driven cavity case in
#     its mid-plane z = z0 + L/2, optionally compared with a second case
#     (e.g. pinnFoam against icoFoam). The 3D counterpart of
#     ../cavity/centrelines.py, whose readers and sampling it copies (so that
#     this tutorial runs on its own); there is no Ghia table in 3D.
#
#     Reads the ascii volVectorField U of one time directory of CASE and the
#     cell centres: the field C of that time directory when there is one
#     (postProcess -func writeCellCentres -time T), else the average of each
#     cell's vertices from constant/polyMesh (exact for the hexahedra of
#     blockMesh). The cell centres must form a lattice of columns, rows and
#     layers (a blockMesh mesh of one block). Then samples
#
#         u along the vertical line    x = x0 + L/2, z = z0 + L/2
#         v along the horizontal line  y = y0 + L/2, z = z0 + L/2
#
#     by linear interpolation between the two layers of cell centres that
#     straddle z = z0 + L/2 and the two columns (rows) that straddle the line
#     in that plane (on an even mesh the average of the four cells around
#     the line), adds the wall values (u = U at the lid, 0 at the bottom;
#     v = 0 at both side walls) and writes, nondimensional (coordinates
#     (x - x0)/L, (y - y0)/L; velocities over U),
#
#         OUTPUT/LABEL_u.dat       y/L  u/U
#         OUTPUT/LABEL_v.dat       x/L  v/U
#
#     x0, y0, z0: the lower corner of the cell centres' bounding box less
#     half a cell (the cavity's corner for a uniform mesh).
#
#     Prints the extremes of each profile, the largest |w|/U sampled on the
#     two lines (zero in the mid-plane by the z symmetry of the cavity: a
#     check of the case and of the sampling) and, with --compare, the max and
#     RMS difference from the second case's profiles at this case's sample
#     points (the second case's profile interpolated there, so the meshes may
#     differ).
#
# Usage
#     centrelines3D.py [options] [CASE]      (CASE: default '.')
#
#     --time T              time directory of CASE: a time name or
#                           latestTime (default)
#     --label NAME          name of the profile files (default: the time name)
#     --output DIR          where the files go
#                           (default: CASE/postProcessing/centrelines)
#     --length L            side of the cavity in m (default 0.1)
#     --lid-speed U         speed of the lid in m/s (default 1)
#     --symmetry-tolerance X  exit status 1 if max |w|/U on the lines
#                           exceeds X
#     --compare CASE2       also compare with CASE2's profiles
#     --compare-time T      time of CASE2 (default latestTime)
#     --compare-label NAME  name of CASE2 in the output (default: CASE2)
#     --compare-length L    side of CASE2's cavity (default: --length)
#     --compare-lid-speed U lid speed of CASE2 (default: --lid-speed)
#     --compare-tolerance X exit status 1 if the max difference from CASE2
#                           exceeds X
#     -h, --help            this text
#
#     Exit status: 0 within tolerances, 1 a tolerance exceeded, 2 bad input.
#
# Example
#     ./centrelines3D.py cfd --label icoFoam --symmetry-tolerance 1e-6
#     ./centrelines3D.py . --label pinnFoam --compare cfd --compare-label icoFoam
#     ./centrelines3D.py cfd --time 2.5 --compare cfd --compare-time 3
#
# Python 3 standard library only (no numpy).
# -----------------------------------------------------------------------------

import gzip
import math
import os
import re
import sys

def usage_text():
    """The Usage block of the header above."""
    lines = []
    with open(os.path.abspath(__file__)) as f:
        keep = False
        for line in f:
            if line.startswith("# Usage"):
                keep = True
            elif keep and line.startswith("# Example"):
                break
            if keep:
                lines.append(line[2:].rstrip() if line.startswith("# ") else "")
    return "\n".join(lines)


# The readers, the time selection, the lattice helpers and the profile writer
# are the 2D cavity's (../cavity/centrelines.py, loaded from beside this
# tutorial): one implementation for both tutorials
import importlib.util

_spec = importlib.util.spec_from_file_location(
    "centrelines2D",
    os.path.join(os.path.dirname(os.path.abspath(__file__)), os.pardir, "cavity", "centrelines.py"))
_c2 = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(_c2)
InputError = _c2.InputError
read_vector_internal_field = _c2.read_vector_internal_field
mesh_cell_centres = _c2.mesh_cell_centres
select_time = _c2.select_time
interp = _c2.interp
unique_sorted = _c2.unique_sorted
index_of = _c2.index_of
write_profile = _c2.write_profile


def centreline_profiles(centres, U, L, Ulid):
    """(y/L, u/U) along x = z = L/2 and (x/L, v/U) along y = z = L/2, and
    max |w|/U sampled on the two lines."""
    n = len(centres)
    if len(U) != n:
        raise InputError("U has %d values, the mesh %d cells" % (len(U), n))
    tol = 1e-6 * L
    xs = unique_sorted([c[0] for c in centres], tol)
    ys = unique_sorted([c[1] for c in centres], tol)
    zs = unique_sorted([c[2] for c in centres], tol)
    if len(xs) < 2 or len(ys) < 2 or len(zs) < 2 \
            or len(xs) * len(ys) * len(zs) != n:
        raise InputError("cell centres are not a lattice of %d x %d x %d (%d cells):"
                         " a 3D blockMesh mesh of one block is needed"
                         % (len(xs), len(ys), len(zs), n))
    # grid[k][j][i] = U of cell (i, j, k)
    grid = [[[None] * len(xs) for _ in ys] for _ in zs]
    for c, u in zip(centres, U):
        i = index_of(xs, c[0], tol)
        j = index_of(ys, c[1], tol)
        k = index_of(zs, c[2], tol)
        if grid[k][j][i] is not None:
            raise InputError("two cells at (%g, %g, %g)" % c)
        grid[k][j][i] = u
    # Cavity corner: half a (first/last) cell outside the outermost centres
    lo = [lv[0] - 0.5 * (lv[1] - lv[0]) for lv in (xs, ys, zs)]
    hi = [lv[-1] + 0.5 * (lv[-1] - lv[-2]) for lv in (xs, ys, zs)]
    if any(abs((h - l) - L) > 1e-3 * L for l, h in zip(lo, hi)):
        raise InputError("the mesh is %g x %g x %g, not L = %g (--length)"
                         % (hi[0] - lo[0], hi[1] - lo[1], hi[2] - lo[2], L))
    x0, y0, z0 = lo

    def straddle(levels, v):
        for m in range(len(levels) - 1):
            if levels[m] <= v <= levels[m + 1]:
                return m, (v - levels[m]) / (levels[m + 1] - levels[m])
        raise InputError("centreline %g outside the cell centres" % v)

    i, tx = straddle(xs, x0 + 0.5 * L)
    j, ty = straddle(ys, y0 + 0.5 * L)
    k, tz = straddle(zs, z0 + 0.5 * L)

    def plane(jj, ii):
        """U at cell column (ii, jj), interpolated to the mid-plane."""
        a, b = grid[k][jj][ii], grid[k + 1][jj][ii]
        return [(1 - tz) * a[d] + tz * b[d] for d in range(3)]

    wmax = 0.0
    uy = [(0.0, 0.0)]
    for jj, y in enumerate(ys):
        a, b = plane(jj, i), plane(jj, i + 1)
        u = [(1 - tx) * a[d] + tx * b[d] for d in range(3)]
        uy.append(((y - y0) / L, u[0] / Ulid))
        wmax = max(wmax, abs(u[2]) / Ulid)
    uy.append((1.0, 1.0))
    vx = [(0.0, 0.0)]
    for ii, x in enumerate(xs):
        a, b = plane(j, ii), plane(j + 1, ii)
        v = [(1 - ty) * a[d] + ty * b[d] for d in range(3)]
        vx.append(((x - x0) / L, v[1] / Ulid))
        wmax = max(wmax, abs(v[2]) / Ulid)
    vx.append((1.0, 0.0))
    return uy, vx, wmax


def stats(rows):
    """rows: (coord, value, reference); returns max|d|, coord of it, RMS d."""
    dmax, at, s = -1.0, None, 0.0
    for c, v, r in rows:
        d = abs(v - r)
        s += d * d
        if d > dmax:
            dmax, at = d, c
    return dmax, at, math.sqrt(s / len(rows))



def profiles_of(case, time, L, Ulid):
    tname = select_time(case, time)
    tdir = os.path.join(case, tname)
    cpath = os.path.join(tdir, "C")
    if os.path.isfile(cpath) or os.path.isfile(cpath + ".gz"):
        centres = read_vector_internal_field(cpath)
        csource = cpath
    else:
        centres = mesh_cell_centres(case)
        csource = os.path.join(case, "constant", "polyMesh") + " (vertex average)"
    U = read_vector_internal_field(os.path.join(tdir, "U"), len(centres))
    try:
        uy, vx, wmax = centreline_profiles(centres, U, L, Ulid)
    except InputError as e:
        raise InputError("%s: %s" % (tdir, e))
    return tname, csource, uy, vx, wmax


def parse_args(argv):
    opts = {"case": ".", "time": "latestTime", "label": None, "output": None,
            "length": 0.1, "lid-speed": 1.0, "symmetry-tolerance": None,
            "compare": None, "compare-time": "latestTime",
            "compare-label": None, "compare-tolerance": None,
            "compare-length": None, "compare-lid-speed": None}
    floats = {"length", "lid-speed", "symmetry-tolerance", "compare-tolerance",
              "compare-length", "compare-lid-speed"}
    positional = []
    k = 0
    while k < len(argv):
        a = argv[k]
        if a in ("-h", "--help"):
            print(usage_text())
            sys.exit(0)
        if a.startswith("--"):
            key = a[2:]
            if key not in opts or key == "case":
                raise InputError("unknown option " + a)
            if k + 1 >= len(argv):
                raise InputError(a + " needs a value")
            val = argv[k + 1]
            if key in floats:
                try:
                    val = float(val)
                except ValueError:
                    raise InputError(a + ": not a number: " + val)
                if key in ("length", "lid-speed", "compare-length",
                           "compare-lid-speed") and not val > 0:
                    raise InputError(a + " must be > 0")
            opts[key] = val
            k += 2
        else:
            positional.append(a)
            k += 1
    if len(positional) > 1:
        raise InputError("one CASE at most (a second case: --compare CASE2)")
    if positional:
        opts["case"] = positional[0]
    return opts


def extremes(rows):
    """(min value, its coordinate), (max value, its coordinate) of interior rows."""
    inner = rows[1:-1]
    lo = min(inner, key=lambda r: r[1])
    hi = max(inner, key=lambda r: r[1])
    return lo, hi


def main(argv):
    try:
        o = parse_args(argv)
        L, Ulid = o["length"], o["lid-speed"]
        case = o["case"]
        tname, csource, uy, vx, wmax = profiles_of(case, o["time"], L, Ulid)
        label = o["label"] or tname
        out = o["output"] or os.path.join(case, "postProcessing", "centrelines")
        comp = None
        if o["compare"]:
            cL = o["compare-length"] or L
            cU = o["compare-lid-speed"] or Ulid
            ctime, _, cuy, cvx, _ = profiles_of(o["compare"], o["compare-time"],
                                                cL, cU)
            comp = (o["compare-label"] or o["compare"], ctime, cuy, cvx)
    except (InputError, OSError) as e:
        print("centrelines3D.py: " + str(e), file=sys.stderr)
        return 2

    os.makedirs(out, exist_ok=True)
    header = ["centreline profiles of %s, time %s (label %s)" % (case, tname, label),
              "L = %g m, lid speed U = %g m/s; cell centres: %s" % (L, Ulid, csource)]
    write_profile(os.path.join(out, label + "_u.dat"),
                  header + ["u along the vertical line x = z = L/2"],
                  uy, ["y/L", "u/U"])
    write_profile(os.path.join(out, label + "_v.dat"),
                  header + ["v along the horizontal line y = z = L/2"],
                  vx, ["x/L", "v/U"])

    status = 0
    print("Centrelines (mid-plane z = L/2): %s, time %s (L = %g m, U = %g m/s),"
          " written to %s/%s_{u,v}.dat" % (case, tname, L, Ulid, out, label))
    for tag, rows, coord in (("u", uy, "y/L"), ("v", vx, "x/L")):
        (cmin, vmin), (cmax, vmax) = extremes(rows)
        print("  %s: %s/U min %.4f at %s = %.4f, max %.4f at %s = %.4f"
              % (label, tag, vmin, coord, cmin, vmax, coord, cmax))
    print("  %s: max |w/U| on the two lines = %.3e (0 by symmetry)" % (label, wmax))
    if o["symmetry-tolerance"] is not None:
        ok = wmax <= o["symmetry-tolerance"]
        print("  symmetry: max |w/U| %.3e %s tolerance %g"
              % (wmax, "within" if ok else "EXCEEDS", o["symmetry-tolerance"]))
        if not ok:
            status = 1

    if comp:
        clabel, ctime, cuy, cvx = comp
        worst = 0.0
        for tag, a, b, coord in (("u", uy, cuy, "y/L"), ("v", vx, cvx, "x/L")):
            bc, bv = [p[0] for p in b], [p[1] for p in b]
            rows = [(c, v, interp(bc, bv, c)) for c, v in a[1:-1]]
            dmax, at, rms = stats(rows)
            worst = max(worst, dmax)
            print("  %s vs %s (time %s, %d points): max |d(%s/U)| = %.3e at %s = %.4f, RMS = %.3e"
                  % (label, clabel, ctime, len(rows), tag, dmax, coord, at, rms))
        if o["compare-tolerance"] is not None:
            ok = worst <= o["compare-tolerance"]
            print("  %s: max difference %.3e %s tolerance %g"
                  % (clabel, worst, "within" if ok else "EXCEEDS",
                     o["compare-tolerance"]))
            if not ok:
                status = 1
    return status


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
