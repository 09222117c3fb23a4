#!/usr/bin/env python3
# -----------------------------------------------------------------------------
# pinnFoam: tutorials/incompressible/cavity/centrelines.py
#
# Description
#     Centreline velocity profiles of a lid-driven cavity case, compared with
#     Ghia, Ghia & Shin (1982) (ghia1982.dat next to this script) and,
#     optionally, with a second case (e.g. pinnFoam against icoFoam).
#
#     Reads the ascii volVectorField U of one time directory of CASE and the
#     cell centres: the field C of that time directory when there is one
#     (postProcess -func writeCellCentres -time T), else the average of each
#     cell's vertices from constant/polyMesh (exact for the hexahedra of
#     blockMesh). The cell centres must form columns and rows (a blockMesh
#     mesh of one block, 2D: one cell in z). Then samples
#
#         u along the vertical centreline   x = x0 + L/2
#         v along the horizontal centreline y = y0 + L/2
#
#     by linear interpolation between the two columns (rows) of cell centres
#     that straddle the line (on an even mesh the average of the two cells
#     either side), adds the wall values (u = U at the lid, 0 at the bottom;
#     v = 0 at both side walls) and writes, nondimensional (coordinates
#     (x - x0)/L, (y - y0)/L; velocities over U),
#
#         OUTPUT/LABEL_u.dat       y/L  u/U
#         OUTPUT/LABEL_v.dat       x/L  v/U
#         OUTPUT/LABEL_ghia.dat    profile, Ghia's coordinate, Ghia's value,
#                                  this case's value (interpolated), difference
#
#     x0, y0: the lower left corner of the cell centres' bounding box less
#     half a cell (the cavity's corner for a uniform mesh).
#
#     Prints the max and RMS difference against Ghia at Ghia's 15 interior
#     points per profile (their wall points are boundary values, equal by
#     construction) and, with --compare, against the second case's profiles
#     at this case's sample points (the second case's profile interpolated
#     there, so the meshes may differ).
#
# Usage
#     centrelines.py [options] [CASE]        (CASE: default '.')
#
#     --time T              time directory of CASE: a time name or
#                           latestTime (default)
#     --label NAME          name of the profile files (default: the time name)
#     --output DIR          where the files go
#                           (default: CASE/postProcessing/centrelines)
#     --length L            side of the cavity in m (default 0.1)
#     --lid-speed U         speed of the lid in m/s (default 1)
#     --ghia FILE           reference table (default: ghia1982.dat next to
#                           this script)
#     --tolerance X         exit status 1 if the max deviation from Ghia
#                           (u/U or v/U) exceeds X
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
#     ./centrelines.py cfd --label icoFoam --tolerance 1e-2
#     ./centrelines.py . --label pinnFoam --compare cfd --compare-label icoFoam
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


class InputError(Exception):
    pass


# ---------------------------------------------------------------- OpenFOAM io

def read_text(path):
    """Text of an OpenFOAM file, PATH or PATH.gz."""
    if os.path.isfile(path):
        opener = gzip.open if path.endswith(".gz") else open
        with opener(path, "rt") as f:
            return f.read()
    if os.path.isfile(path + ".gz"):
        with gzip.open(path + ".gz", "rt") as f:
            return f.read()
    raise InputError("no file " + path)


def strip_comments(text):
    text = re.sub(r"/\*.*?\*/", " ", text, flags=re.S)
    return re.sub(r"//[^\n]*", " ", text)


def check_ascii(text, path):
    m = re.search(r"\bformat\s+(\w+)\s*;", text)
    if m and m.group(1) != "ascii":
        raise InputError(path + ": format " + m.group(1)
                         + " (only ascii is read: foamFormatConvert)")


def list_body(text, start, path):
    """(count, body) of the list 'N ( ... )' at text[start:]."""
    m = re.compile(r"\s*(\d+)\s*\(").match(text, start)
    if not m:
        raise InputError(path + ": expected 'N (' of a list")
    n = int(m.group(1))
    # The list ends at the ')' that closes the '(' just matched
    depth, i = 1, m.end()
    end = len(text)
    while i < end and depth:
        c = text[i]
        if c == "(":
            depth += 1
        elif c == ")":
            depth -= 1
        i += 1
    if depth:
        raise InputError(path + ": unterminated list")
    return n, text[m.end():i - 1]


def parse_vectors(body, n, path):
    vals = re.findall(r"\(\s*([^()\s]+)\s+([^()\s]+)\s+([^()\s]+)\s*\)", body)
    if len(vals) != n:
        raise InputError("%s: %d vectors read, %d expected" % (path, len(vals), n))
    return [(float(a), float(b), float(c)) for a, b, c in vals]


def read_vector_internal_field(path, ncells=None):
    """The internalField of an ascii volVectorField, one vector per cell."""
    text = strip_comments(read_text(path))
    check_ascii(text, path)
    m = re.search(r"\binternalField\s+", text)
    if not m:
        raise InputError(path + ": no internalField")
    rest = text[m.end():]
    mu = re.match(r"uniform\s*\(\s*(\S+)\s+(\S+)\s+(\S+)\s*\)", rest)
    if mu:
        if ncells is None:
            raise InputError(path + ": uniform internalField and no cell count")
        v = tuple(float(x) for x in mu.groups())
        return [v] * ncells
    mn = re.match(r"nonuniform\s+List<vector>", rest)
    if not mn:
        raise InputError(path + ": internalField is neither uniform nor "
                         "nonuniform List<vector>")
    n, body = list_body(rest, mn.end(), path)
    return parse_vectors(body, n, path)


def read_label_list(path):
    text = strip_comments(read_text(path))
    check_ascii(text, path)
    m = re.search(r"\}", text)          # after the FoamFile header
    n, body = list_body(text, m.end() if m else 0, path)
    vals = [int(x) for x in body.split()]
    if len(vals) != n:
        raise InputError("%s: %d labels read, %d expected" % (path, len(vals), n))
    return vals


def mesh_cell_centres(case):
    """Vertex average of each cell from constant/polyMesh."""
    mesh = os.path.join(case, "constant", "polyMesh")
    ppath = os.path.join(mesh, "points")
    text = strip_comments(read_text(ppath))
    check_ascii(text, ppath)
    m = re.search(r"\}", text)
    n, body = list_body(text, m.end() if m else 0, ppath)
    points = parse_vectors(body, n, ppath)

    fpath = os.path.join(mesh, "faces")
    text = strip_comments(read_text(fpath))
    check_ascii(text, fpath)
    m = re.search(r"\}", text)
    nf, body = list_body(text, m.end() if m else 0, fpath)
    faces = [[int(x) for x in f.split()]
             for f in re.findall(r"\d+\s*\(([^()]*)\)", body)]
    if len(faces) != nf:
        raise InputError("%s: %d faces read, %d expected" % (fpath, len(faces), nf))

    owner = read_label_list(os.path.join(mesh, "owner"))
    neighbour = read_label_list(os.path.join(mesh, "neighbour"))
    ncells = max(owner) + 1
    verts = [set() for _ in range(ncells)]
    for fi, f in enumerate(faces):
        verts[owner[fi]].update(f)
        if fi < len(neighbour):
            verts[neighbour[fi]].update(f)
    centres = []
    for vs in verts:
        sx = sy = sz = 0.0
        for p in vs:
            x, y, z = points[p]
            sx += x
            sy += y
            sz += z
        k = float(len(vs))
        centres.append((sx / k, sy / k, sz / k))
    return centres


def is_time_name(name):
    try:
        float(name)
        return True
    except ValueError:
        return False


def select_time(case, time):
    """Time directory name of CASE holding U: TIME or the latest."""
    if time != "latestTime":
        if not os.path.isdir(os.path.join(case, time)):
            raise InputError("no time directory %s in %s" % (time, case))
        return time
    times = [d for d in os.listdir(case)
             if is_time_name(d) and os.path.isdir(os.path.join(case, d))
             and (os.path.isfile(os.path.join(case, d, "U"))
                  or os.path.isfile(os.path.join(case, d, "U.gz")))]
    if not times:
        raise InputError("no time directory with U in " + case)
    return max(times, key=float)


# ------------------------------------------------------------------ sampling

def interp(xs, ys, x):
    """Piecewise-linear y(x) for increasing xs (clamped at the ends)."""
    if x <= xs[0]:
        return ys[0]
    if x >= xs[-1]:
        return ys[-1]
    lo, hi = 0, len(xs) - 1
    while hi - lo > 1:
        mid = (lo + hi) // 2
        if xs[mid] <= x:
            lo = mid
        else:
            hi = mid
    t = (x - xs[lo]) / (xs[hi] - xs[lo])
    return ys[lo] + t * (ys[hi] - ys[lo])


def unique_sorted(values, tol):
    out = []
    for v in sorted(values):
        if not out or v - out[-1] > tol:
            out.append(v)
    return out


def index_of(levels, v, tol):
    """Index of the level within tol of v (levels sorted)."""
    lo, hi = 0, len(levels) - 1
    while lo <= hi:
        mid = (lo + hi) // 2
        if levels[mid] < v - tol:
            lo = mid + 1
        elif levels[mid] > v + tol:
            hi = mid - 1
        else:
            return mid
    raise InputError("cell centre %g off the columns/rows of the mesh" % v)


def centreline_profiles(centres, U, L, Ulid):
    """(y/L, u/U) along x = x0 + L/2 and (x/L, v/U) along y = y0 + L/2."""
    n = len(centres)
    if len(U) != n:
        raise InputError("U has %d values, the mesh %d cells" % (len(U), n))
    tol = 1e-6 * L
    xs = unique_sorted([c[0] for c in centres], tol)
    ys = unique_sorted([c[1] for c in centres], tol)
    zs = unique_sorted([c[2] for c in centres], tol)
    if len(zs) != 1 or len(xs) * len(ys) != n:
        raise InputError("cell centres are not one layer of %d columns x %d rows "
                         "(%d cells, %d z levels): a 2D blockMesh mesh is needed"
                         % (len(xs), len(ys), n, len(zs)))
    grid = [[None] * len(xs) for _ in ys]       # grid[j][i] = U of cell (i, j)
    for c, u in zip(centres, U):
        i = index_of(xs, c[0], tol)
        j = index_of(ys, c[1], tol)
        if grid[j][i] is not None:
            raise InputError("two cells at (%g, %g)" % (c[0], c[1]))
        grid[j][i] = u
    # Cavity corner: half a (first/last) cell outside the outermost centres
    x0 = xs[0] - 0.5 * (xs[1] - xs[0])
    y0 = ys[0] - 0.5 * (ys[1] - ys[0])
    x1 = xs[-1] + 0.5 * (xs[-1] - xs[-2])
    y1 = ys[-1] + 0.5 * (ys[-1] - ys[-2])
    if abs((x1 - x0) - L) > 1e-3 * L or abs((y1 - y0) - L) > 1e-3 * L:
        raise InputError("the mesh is %g x %g, not L = %g (--length)"
                         % (x1 - x0, y1 - y0, L))

    def straddle(levels, v):
        for k in range(len(levels) - 1):
            if levels[k] <= v <= levels[k + 1]:
                return k, (v - levels[k]) / (levels[k + 1] - levels[k])
        raise InputError("centreline %g outside the cell centres" % v)

    xc, yc = x0 + 0.5 * L, y0 + 0.5 * L
    i, tx = straddle(xs, xc)
    j, ty = straddle(ys, yc)
    uy = [(0.0, 0.0)]
    for jj, y in enumerate(ys):
        u = (1 - tx) * grid[jj][i][0] + tx * grid[jj][i + 1][0]
        uy.append(((y - y0) / L, u / Ulid))
    uy.append((1.0, 1.0))
    vx = [(0.0, 0.0)]
    for ii, x in enumerate(xs):
        v = (1 - ty) * grid[j][ii][1] + ty * grid[j + 1][ii][1]
        vx.append(((x - x0) / L, v / Ulid))
    vx.append((1.0, 0.0))
    return uy, vx


def read_ghia(path):
    prof = {"u": [], "v": []}
    with open(path) as f:
        for line in f:
            line = line.split("#", 1)[0].split()
            if not line:
                continue
            if len(line) != 3 or line[0] not in prof:
                raise InputError(path + ": bad line: " + " ".join(line))
            prof[line[0]].append((float(line[1]), float(line[2])))
    for k in prof:
        if not prof[k]:
            raise InputError(path + ": no '%s' profile" % k)
        prof[k].sort()
    return prof


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
        uy, vx = centreline_profiles(centres, U, L, Ulid)
    except InputError as e:
        raise InputError("%s: %s" % (tdir, e))
    return tname, csource, uy, vx


def write_profile(path, header, rows, names):
    with open(path, "w") as f:
        for h in header:
            f.write("# " + h + "\n")
        f.write("# " + "  ".join(names) + "\n")
        for r in rows:
            f.write("  ".join("%.8g" % x for x in r) + "\n")


# ---------------------------------------------------------------------- main

def parse_args(argv):
    opts = {"case": ".", "time": "latestTime", "label": None, "output": None,
            "length": 0.1, "lid-speed": 1.0,
            "ghia": os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                 "ghia1982.dat"),
            "tolerance": None, "compare": None, "compare-time": "latestTime",
            "compare-label": None, "compare-tolerance": None,
            "compare-length": None, "compare-lid-speed": None}
    floats = {"length", "lid-speed", "tolerance", "compare-tolerance",
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


def main(argv):
    try:
        o = parse_args(argv)
        L, Ulid = o["length"], o["lid-speed"]
        case = o["case"]
        tname, csource, uy, vx = profiles_of(case, o["time"], L, Ulid)
        label = o["label"] or tname
        out = o["output"] or os.path.join(case, "postProcessing", "centrelines")
        ghia = read_ghia(o["ghia"])
        comp = None
        if o["compare"]:
            cL = o["compare-length"] or L
            cU = o["compare-lid-speed"] or Ulid
            ctime, _, cuy, cvx = profiles_of(o["compare"], o["compare-time"], cL, cU)
            comp = (o["compare-label"] or o["compare"], ctime, cuy, cvx)
    except (InputError, OSError) as e:
        print("centrelines.py: " + str(e), file=sys.stderr)
        return 2

    os.makedirs(out, exist_ok=True)
    header = ["centreline profiles of %s, time %s (label %s)" % (case, tname, label),
              "L = %g m, lid speed U = %g m/s; cell centres: %s" % (L, Ulid, csource)]
    write_profile(os.path.join(out, label + "_u.dat"),
                  header + ["u along the vertical centreline x = L/2"],
                  uy, ["y/L", "u/U"])
    write_profile(os.path.join(out, label + "_v.dat"),
                  header + ["v along the horizontal centreline y = L/2"],
                  vx, ["x/L", "v/U"])

    status = 0
    print("Centrelines: %s, time %s (L = %g m, U = %g m/s), written to %s/%s_{u,v}.dat"
          % (case, tname, L, Ulid, out, label))

    # Against Ghia at their interior points
    gu = [(c, interp([p[0] for p in uy], [p[1] for p in uy], c), r)
          for c, r in ghia["u"] if 0.0 < c < 1.0]
    gv = [(c, interp([p[0] for p in vx], [p[1] for p in vx], c), r)
          for c, r in ghia["v"] if 0.0 < c < 1.0]
    with open(os.path.join(out, label + "_ghia.dat"), "w") as f:
        f.write("# %s against Ghia, Ghia & Shin (1982) Re = 100 (%s)\n"
                % (label, o["ghia"]))
        f.write("# profile  coordinate  ghia  %s  difference\n" % label)
        for tag, rows in (("u", gu), ("v", gv)):
            for c, v, r in rows:
                f.write("%s  %.4f  % .5f  % .6f  % .6f\n" % (tag, c, r, v, v - r))
    worst = 0.0
    for tag, rows, coord in (("u", gu, "y/L"), ("v", gv, "x/L")):
        dmax, at, rms = stats(rows)
        worst = max(worst, dmax)
        print("  %s vs Ghia (%d points): max |%s/U - ghia| = %.3e at %s = %.4f, RMS = %.3e"
              % (label, len(rows), tag, dmax, coord, at, rms))
    if o["tolerance"] is not None:
        ok = worst <= o["tolerance"]
        print("  Ghia: max deviation %.3e %s tolerance %g"
              % (worst, "within" if ok else "EXCEEDS", o["tolerance"]))
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
