#!/usr/bin/env python3
"""Write 0/T of every test case (run from anywhere; Allmesh calls it).

Nonuniform entries are linear functions of the face centre, computed as
OpenFOAM does (triangle fan about the point average, area-weighted), so the
tests can check that boundary targets are reproduced exactly for a linear
field.  The functions are repeated in tests/unit/foam/testCases.H.
"""

import os
import re

HERE = os.path.dirname(os.path.abspath(__file__))

HEADER = """/*--------------------------------*- C++ -*----------------------------------*\\
  pinnFoam test case (written by tests/cases/writeFields.py)
\\*---------------------------------------------------------------------------*/
FoamFile
{{
    version     2.0;
    format      ascii;
    class       {cls};
    location    "0";
    object      {obj};
}}
// * * * * * * * * * * * * * * * * * * * * * * * * * * * * * * * * * * * * //

dimensions      [0 0 0 1 0 0 0];

internalField   uniform {internal};

boundaryField
{{
{body}}}

// ************************************************************************* //
"""


def strip(text):
    text = re.sub(r"/\*.*?\*/", "", text, flags=re.S)
    text = re.sub(r"//[^\n]*", "", text)
    return text[text.index("}", text.index("FoamFile")) + 1:]


def read_list(path):
    body = strip(open(path).read())
    n = int(re.search(r"\d+", body).group())
    start = body.index("(", body.index(str(n)))
    return n, body[start + 1:]


def read_mesh(case):
    d = os.path.join(HERE, case, "constant", "polyMesh")
    n, body = read_list(os.path.join(d, "points"))
    pts = [tuple(float(c) for c in s.split()) for s in re.findall(r"\(([^()]+)\)", body)[:n]]
    n, body = read_list(os.path.join(d, "faces"))
    faces = [list(map(int, s.split())) for s in re.findall(r"\d+\s*\(([^()]+)\)", body)[:n]]
    bnd = strip(open(os.path.join(d, "boundary")).read())
    patches = {}
    for name, block in re.findall(r"(\w+)\s*\{([^}]*)\}", bnd):
        nf = int(re.search(r"nFaces\s+(\d+)", block).group(1))
        sf = int(re.search(r"startFace\s+(\d+)", block).group(1))
        patches[name] = faces[sf:sf + nf]
    return pts, patches


def face_centre(pts, f):
    """OpenFOAM's face centre (primitiveMeshFaceCentresAndAreas)."""
    if len(f) == 3:
        return [sum(pts[i][d] for i in f) / 3.0 for d in range(3)]
    avg = [sum(pts[i][d] for i in f) / len(f) for d in range(3)]
    sum_a = 0.0
    sum_ac = [0.0, 0.0, 0.0]
    for k in range(len(f)):
        p, q = pts[f[k]], pts[f[(k + 1) % len(f)]]
        u = [q[d] - p[d] for d in range(3)]
        v = [avg[d] - p[d] for d in range(3)]
        n = [u[1] * v[2] - u[2] * v[1], u[2] * v[0] - u[0] * v[2], u[0] * v[1] - u[1] * v[0]]
        a = (n[0] ** 2 + n[1] ** 2 + n[2] ** 2) ** 0.5
        sum_a += a
        for d in range(3):
            sum_ac[d] += a * (p[d] + q[d] + avg[d])
    return [c / (3.0 * sum_a) for c in sum_ac]


def nonuniform(values):
    return "nonuniform List<scalar> {}\n(\n{}\n)".format(
        len(values), "\n".join(repr(v) for v in values))


def linear(case, patch, fn):
    pts, patches = read_mesh(case)
    return nonuniform([fn(*face_centre(pts, f)) for f in patches[patch]])


def write(case, body, obj="T", cls="volScalarField", internal="0"):
    with open(os.path.join(HERE, case, "0", obj), "w") as fh:
        fh.write(HEADER.format(obj=obj, body=body, cls=cls, internal=internal))


def entry(name, lines):
    return "    {}\n    {{\n{}    }}\n".format(
        name, "".join("        {:<16}{};\n".format(k, v) for k, v in lines))


if __name__ == "__main__":
    write("hex2D",
          entry("left", [("type", "fixedValue"), ("value", "uniform 1")])
          + entry("right", [("type", "fixedValue"),
                            ("value", linear("hex2D", "right", lambda x, y, z: 1 + 2 * y))])
          + entry("bottom", [("type", "fixedGradient"), ("gradient", "uniform 2")])
          + entry("top", [("type", "mixed"), ("refValue", "uniform 3"),
                          ("refGradient", "uniform 0.5"), ("valueFraction", "uniform 0.25"),
                          ("value", "uniform 0")])
          + entry("frontAndBack", [("type", "empty")]))
    write("hex3D",
          entry("xMin", [("type", "fixedValue"), ("value", "uniform 0")])
          + entry("xMax", [("type", "zeroGradient")])
          + entry("yMin", [("type", "symmetryPlane")])
          + entry("yMax", [("type", "fixedGradient"),
                           ("gradient", linear("hex3D", "yMax", lambda x, y, z: 0.5 + x - z))])
          + entry("zMin", [("type", "mixed"),
                           ("refValue", linear("hex3D", "zMin", lambda x, y, z: x + y)),
                           ("refGradient", "uniform -1"),
                           ("valueFraction", linear("hex3D", "zMin", lambda x, y, z: 0.2 + 0.6 * x)),
                           ("value", "uniform 0")])
          + entry("zMax", [("type", "symmetry")]))
    write("tet3D",
          entry("xMin", [("type", "fixedValue"), ("value", "uniform 1")])
          + entry("xMax", [("type", "fixedValue"),
                           ("value", linear("tet3D", "xMax", lambda x, y, z: 2 + y - 3 * z))])
          + entry("top", [("type", "mixed"), ("refValue", "uniform 1"),
                          ("refGradient", "uniform 0"), ("valueFraction", "uniform 0.5"),
                          ("value", "uniform 1")])
          + entry("sides", [("type", "zeroGradient")]))
    # poly3D: 'sides' is matched through its patch group 'wall'
    write("poly3D",
          entry("xMin", [("type", "fixedValue"),
                         ("value", linear("poly3D", "xMin", lambda x, y, z: y + 2 * z))])
          + entry("xMax", [("type", "fixedGradient"), ("gradient", "uniform 1")])
          + entry("top", [("type", "zeroGradient")])
          + entry("wall", [("type", "zeroGradient")]))
    # prism2D: one regular-expression entry for two patches
    write("prism2D",
          entry("left", [("type", "fixedValue"), ("value", "uniform 0")])
          + entry("right", [("type", "fixedValue"),
                            ("value", linear("prism2D", "right", lambda x, y, z: 3 * y))])
          + entry('"(bottom|top)"', [("type", "zeroGradient")])
          + entry("frontAndBack", [("type", "empty")]))
    write("badPatchType",
          entry("inlet", [("type", "fixedValue"), ("value", "uniform 1")])
          + entry("outlet", [("type", "calculated"), ("value", "uniform 0")])
          + entry("walls", [("type", "zeroGradient")]))
    # More bad input: a patch without an entry, a valueFraction above 1, a
    # vector field
    write("badPatchType",
          entry("inlet", [("type", "fixedValue"), ("value", "uniform 1")])
          + entry("outlet", [("type", "zeroGradient")]),
          obj="TmissingPatch")
    write("badPatchType",
          entry("inlet", [("type", "fixedValue"), ("value", "uniform 1")])
          + entry("outlet", [("type", "zeroGradient")])
          + entry("walls", [("type", "mixed"), ("refValue", "uniform 0"),
                            ("refGradient", "uniform 0"), ("valueFraction", "uniform 1.5"),
                            ("value", "uniform 0")]),
          obj="TbadFraction")
    write("badPatchType",
          entry('".*"', [("type", "zeroGradient")]),
          obj="U", cls="volVectorField", internal="(0 0 0)")
