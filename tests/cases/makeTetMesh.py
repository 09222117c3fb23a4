#!/usr/bin/env python3
"""Write the simplex test meshes of pinnFoam as ascii OpenFOAM polyMeshes.

    tet3D/constant/polyMesh    unit cube, 4x4x4 hexes each split into 6 tets
                               (Freudenthal split, conforming), interior
                               points moved off the grid: 384 tets
    prism2D/constant/polyMesh  unit square, 6x5 quads each split into 2
                               triangles, extruded one layer (empty front and
                               back), interior points moved: 60 prisms

The meshes are committed; run this script (from tests/cases) only to
regenerate them.  The point perturbation is seeded, so the output is the same
on every run.  poly3D is the dual of tet3D (see Allmesh).
"""

import itertools
import os
import random

HEADER = """/*--------------------------------*- C++ -*----------------------------------*\\
  pinnFoam test case (written by tests/cases/makeTetMesh.py)
\\*---------------------------------------------------------------------------*/
FoamFile
{{
    version     2.0;
    format      ascii;
    class       {cls};
{note}    location    "constant/polyMesh";
    object      {obj};
}}
// * * * * * * * * * * * * * * * * * * * * * * * * * * * * * * * * * * * * //

"""


def sub(a, b):
    return [a[0] - b[0], a[1] - b[1], a[2] - b[2]]


def dot(a, b):
    return a[0] * b[0] + a[1] * b[1] + a[2] * b[2]


def centre(pts, ids):
    n = float(len(ids))
    return [sum(pts[i][d] for i in ids) / n for d in range(3)]


def newell(pts, f):
    """Area vector of polygon f (right-hand rule)."""
    n = [0.0, 0.0, 0.0]
    for i in range(len(f)):
        p, q = pts[f[i]], pts[f[(i + 1) % len(f)]]
        n[0] += (p[1] - q[1]) * (p[2] + q[2])
        n[1] += (p[2] - q[2]) * (p[0] + q[0])
        n[2] += (p[0] - q[0]) * (p[1] + q[1])
    return n


def write_mesh(case, pts, cells, patch_of, patches):
    """cells: list of cells, each a list of faces (point lists, any order).
    patch_of(face centre) -> patch name; patches: [(name, type)] in order."""
    owner_of = {}
    faces = {}
    internal = []
    for ci, cell in enumerate(cells):
        cc = centre(pts, sorted({p for f in cell for p in f}))
        for f in cell:
            key = tuple(sorted(f))
            if key in faces:
                o, of = faces.pop(key)
                internal.append((o, ci, of))
            else:
                # orient outward from this cell (its future owner)
                if dot(newell(pts, f), sub(centre(pts, f), cc)) < 0:
                    f = list(reversed(f))
                faces[key] = (ci, list(f))
    internal.sort(key=lambda t: (t[0], t[1]))
    bfaces = {name: [] for name, _ in patches}
    for key, (o, f) in faces.items():
        bfaces[patch_of(centre(pts, f))].append((o, f))

    all_faces = [f for _, _, f in internal]
    owner = [o for o, _, _ in internal]
    neighbour = [n for _, n, _ in internal]
    starts = []
    for name, _ in patches:
        starts.append(len(all_faces))
        for o, f in sorted(bfaces[name]):
            all_faces.append(f)
            owner.append(o)

    d = os.path.join(case, "constant", "polyMesh")
    os.makedirs(d, exist_ok=True)
    note = '    note        "nPoints:{} nCells:{} nFaces:{} nInternalFaces:{}";\n'.format(
        len(pts), len(cells), len(all_faces), len(internal))

    def out(obj, cls, body, with_note=False):
        with open(os.path.join(d, obj), "w") as fh:
            fh.write(HEADER.format(cls=cls, obj=obj, note=note if with_note else ""))
            fh.write(body)
            fh.write("\n// ************************************************************************* //\n")

    out("points", "vectorField",
        "{}\n(\n{})\n".format(len(pts), "".join(
            "({:.12g} {:.12g} {:.12g})\n".format(*p) for p in pts)))
    out("faces", "faceList",
        "{}\n(\n{})\n".format(len(all_faces), "".join(
            "{}({})\n".format(len(f), " ".join(map(str, f))) for f in all_faces)))
    out("owner", "labelList",
        "{}\n(\n{})\n".format(len(owner), "".join("%d\n" % o for o in owner)), True)
    out("neighbour", "labelList",
        "{}\n(\n{})\n".format(len(neighbour), "".join("%d\n" % n for n in neighbour)), True)
    body = "{}\n(\n".format(len(patches))
    for (name, ptype), start in zip(patches, starts):
        body += "    {}\n    {{\n        type            {};\n".format(name, ptype)
        if ptype in ("wall", "empty", "symmetryPlane", "symmetry"):
            body += "        inGroups        1({});\n".format(ptype)
        body += "        nFaces          {};\n        startFace       {};\n    }}\n".format(
            len(bfaces[name]), start)
    out("boundary", "polyBoundaryMesh", body + ")\n")


def tet3D(case, n=4, amp=0.1, seed=1):
    rng = random.Random(seed)
    h = 1.0 / n
    idx = {}
    pts = []
    for k, j, i in itertools.product(range(n + 1), repeat=3):
        p = [i * h, j * h, k * h]
        if 0 < i < n and 0 < j < n and 0 < k < n:
            p = [c + rng.uniform(-amp, amp) * h for c in p]
        idx[(i, j, k)] = len(pts)
        pts.append(p)
    cells = []
    for k, j, i in itertools.product(range(n), repeat=3):
        for perm in itertools.permutations(range(3)):
            v = [i, j, k]
            tet = [idx[tuple(v)]]
            for a in perm:
                v[a] += 1
                tet.append(idx[tuple(v)])
            cells.append([[tet[0], tet[1], tet[2]], [tet[0], tet[1], tet[3]],
                          [tet[0], tet[2], tet[3]], [tet[1], tet[2], tet[3]]])

    def patch_of(c):
        eps = 1e-9
        if c[0] < eps:
            return "xMin"
        if c[0] > 1 - eps:
            return "xMax"
        if c[2] > 1 - eps:
            return "top"
        return "sides"

    write_mesh(case, pts, cells, patch_of,
               [("xMin", "patch"), ("xMax", "patch"), ("top", "patch"), ("sides", "wall")])


def prism2D(case, nx=6, ny=5, thickness=0.1, amp=0.15, seed=2):
    rng = random.Random(seed)
    xy = {}
    for j, i in itertools.product(range(ny + 1), range(nx + 1)):
        p = [i / nx, j / ny]
        if 0 < i < nx and 0 < j < ny:
            p = [p[0] + rng.uniform(-amp, amp) / nx, p[1] + rng.uniform(-amp, amp) / ny]
        xy[(i, j)] = p
    idx = {}
    pts = []
    for layer in range(2):
        for j, i in itertools.product(range(ny + 1), range(nx + 1)):
            idx[(i, j, layer)] = len(pts)
            pts.append([xy[(i, j)][0], xy[(i, j)][1], layer * thickness])
    cells = []
    for j, i in itertools.product(range(ny), range(nx)):
        for tri in (((i, j), (i + 1, j), (i + 1, j + 1)), ((i, j), (i + 1, j + 1), (i, j + 1))):
            b = [idx[(a, c, 0)] for a, c in tri]
            t = [idx[(a, c, 1)] for a, c in tri]
            cells.append([b, t] + [[b[m], b[(m + 1) % 3], t[(m + 1) % 3], t[m]] for m in range(3)])

    def patch_of(c):
        eps = 1e-9
        if c[2] < eps or c[2] > thickness - eps:
            return "frontAndBack"
        if c[0] < eps:
            return "left"
        if c[0] > 1 - eps:
            return "right"
        if c[1] < eps:
            return "bottom"
        return "top"

    write_mesh(case, pts, cells, patch_of,
               [("left", "patch"), ("right", "patch"), ("bottom", "wall"), ("top", "patch"),
                ("frontAndBack", "empty")])


if __name__ == "__main__":
    here = os.path.dirname(os.path.abspath(__file__))
    tet3D(os.path.join(here, "tet3D"))
    prism2D(os.path.join(here, "prism2D"))
