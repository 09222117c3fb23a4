# -----------------------------------------------------------------------------
# pinnFoam: tests/regression/paraviewCheck.py
#
# Description
#     Opens pinnFoam's VTK output of a case with ParaView itself (pvbatch,
#     paraview.simple: the readers ParaView's GUI uses on the .series files)
#     and checks it against what pinnFoam wrote as OpenFOAM files:
#       - the times of VTK/<case>.vtm.series are the ones ParaView offers,
#         and each dataset's TimeValue is its time;
#       - at every time that has a time directory: the internal mesh has the
#         mesh's cell count, and every cell-data array equals the ascii
#         volScalarField/volVectorField of the same name in the time
#         directory (fields, residuals, error fields) to the write
#         precision; every patch block has the patch's face count and its
#         arrays equal the fields' 'value' entries of that patch;
#       - the collocation points (VTK/<case>_points.vtp.series, latest time):
#         'residual' (>= 0), 'weight' (> 0) and 'kind' (0 interior,
#         1 boundary), the interior count --n-interior when given;
#       - --mesh: the cells against constant/polyMesh cell by cell: the
#         number of faces of each VTK cell equals the OpenFOAM cell's, and
#         each VTK_POLYHEDRON's face stream holds exactly the cell's faces
#         (as vertex sets); --polyhedra N: at least N of them;
#       - renders the latest field (cut at mid-height for a 3D mesh) into
#         --image, and reads the PNG back: it must hold a coloured field.
#     Prints what it compared and 'paraviewCheck: PASS' or the failures.
#
# Usage
#     bin/pinnPvbatch paraviewCheck.py CASE [--image PNG] [--n-interior N]
#                     [--mesh] [--polyhedra N]
# -----------------------------------------------------------------------------
import json
import math
import os
import re
import sys

from paraview.simple import (ColorBy, ForceTime, GetActiveViewOrCreate,
                             OpenDataFile, Render, ResetCamera, SaveScreenshot,
                             Show, Slice, MergeBlocks, ExtractBlock)
from paraview import servermanager as sm
from vtkmodules.vtkCommonDataModel import vtkCompositeDataSet
from vtkmodules.vtkIOImage import vtkPNGReader

argv = sys.argv[1:]
case = None
image = None
nInterior = None
meshCheck = False
minPolyhedra = 0
while argv:
    a = argv.pop(0)
    if a == '--image':
        image = argv.pop(0)
    elif a == '--n-interior':
        nInterior = int(argv.pop(0))
    elif a == '--mesh':
        meshCheck = True
    elif a == '--polyhedra':
        minPolyhedra = int(argv.pop(0))
        meshCheck = True
    else:
        case = a
if case is None:
    print('usage: pinnPvbatch paraviewCheck.py CASE [--image PNG] [--n-interior N] [--mesh] [--polyhedra N]')
    sys.exit(2)
case = os.path.abspath(case)
name = os.path.basename(case)
failures = []


def check(ok, what):
    if not ok:
        failures.append(what)
        print('    FAIL ' + what)
    return ok


# ---- OpenFOAM's files (ascii) ------------------------------------------------
def stripComments(s):
    s = re.sub(r'/\*.*?\*/', ' ', s, flags=re.S)
    return re.sub(r'//[^\n]*', ' ', s)


def foamList(s, pos):
    """The list that starts at or after pos: 'N ( ... )' -> (body, end)"""
    m = re.compile(r'(\d+)\s*\(').search(s, pos)
    depth, i = 1, m.end()
    while depth:
        c = s[i]
        depth += (c == '(') - (c == ')')
        i += 1
    return int(m.group(1)), s[m.end():i - 1], i


def numbers(body):
    return [float(x) for x in re.sub(r'[()]', ' ', body).split()]


def braceBlock(s, i):
    """s[i] == '{': the text inside the braces and the index after them"""
    depth, j = 1, i + 1
    while depth:
        depth += (s[j] == '{') - (s[j] == '}')
        j += 1
    return s[i + 1:j - 1], j


def fieldValues(body, nComp):
    """'uniform X' / 'nonuniform List<..> N (...)' after an entry keyword"""
    body = body.strip()
    if body.startswith('uniform'):
        return ('uniform', numbers(body[len('uniform'):].split(';')[0]))
    n, lst, _ = foamList(body, 0)
    v = numbers(lst)
    assert len(v) == n*nComp, (n, nComp, len(v))
    return ('list', v)


def readField(path):
    """(class, nComp, internal values, {patch: values}) of an ascii field"""
    s = stripComments(open(path).read())
    cls = re.search(r'\bclass\s+(\w+)\s*;', s).group(1)
    if cls not in ('volScalarField', 'volVectorField'):
        return None
    if re.search(r'\bformat\s+binary\s*;', s):
        return None
    nComp = 1 if cls == 'volScalarField' else 3
    m = re.search(r'\binternalField\s+', s)
    internal = fieldValues(s[m.end():], nComp)
    patches = {}
    m = re.search(r'\bboundaryField\s*\{', s)
    bf, _ = braceBlock(s, m.end() - 1)
    i = 0
    for pm in re.finditer(r'([\w."-]+)\s*\{', bf):
        if pm.start() < i:
            continue
        blk, i = braceBlock(bf, pm.end() - 1)
        vm = re.search(r'(?:^|;|\s)value\s+', blk)
        if vm:
            patches[pm.group(1).strip('"')] = fieldValues(blk[vm.end():], nComp)
    return cls, nComp, internal, patches


def meshFile(fname):
    return stripComments(open(os.path.join(case, 'constant', 'polyMesh', fname)).read())


def readLabels(fname):
    s = meshFile(fname)
    n, body, _ = foamList(s, s.index('}') + 1)
    v = [int(x) for x in body.split()]
    assert len(v) == n
    return v


def readFaces():
    s = meshFile('faces')
    n, body, _ = foamList(s, s.index('}') + 1)
    faces = [tuple(int(x) for x in f.split()) for f in re.findall(r'\d+\s*\(([^()]*)\)', body)]
    assert len(faces) == n, (len(faces), n)
    return faces


def patchSizes():
    s = meshFile('boundary')
    _, body, _ = foamList(s, s.index('}') + 1)
    sizes = {}
    for pm in re.finditer(r'([\w."-]+)\s*\{', body):
        blk, _ = braceBlock(body, pm.end() - 1)
        sizes[pm.group(1).strip('"')] = int(re.search(r'nFaces\s+(\d+)', blk).group(1))
    return sizes


owner = readLabels('owner')
neighbour = readLabels('neighbour')
nCells = max(max(owner), max(neighbour) if neighbour else -1) + 1
writePrecision = 6
cd = stripComments(open(os.path.join(case, 'system', 'controlDict')).read())
m = re.search(r'\bwritePrecision\s+(\d+)\s*;', cd)
if m:
    writePrecision = int(m.group(1))
tol = 10.0**(1 - writePrecision)


def compare(a, b, what):
    """VTK values a (flat) against field values b: ('uniform', v) or ('list', v)"""
    kind, v = b
    if kind == 'uniform':
        nc = len(v)
        if not check(len(a) % nc == 0, '%s: %d values for a %d-component uniform value' % (what, len(a), nc)):
            return 0
        v = v*(len(a)//nc)
    if not check(len(a) == len(v), '%s: %d values in VTK, %d in the field file' % (what, len(a), len(v))):
        return 0
    worst = 0.0
    for x, y in zip(a, v):
        d = abs(x - y)
        if d:
            worst = max(worst, d/max(abs(y), 1e-300))
    check(worst <= tol, '%s: largest relative difference %.3e > %.1e' % (what, worst, tol))
    return worst


def flat(arr):
    n = arr.GetNumberOfTuples()*arr.GetNumberOfComponents()
    return [arr.GetValue(i) for i in range(n)]


# ---- the mesh series in ParaView ---------------------------------------------
seriesFile = os.path.join(case, 'VTK', name + '.vtm.series')
if not os.path.isfile(seriesFile):
    print('paraviewCheck: no %s' % seriesFile)
    sys.exit(1)
series = [f['time'] for f in json.load(open(seriesFile))['files']]
reader = OpenDataFile(seriesFile)
times = list(reader.TimestepValues) if hasattr(reader.TimestepValues, '__len__') else [reader.TimestepValues]
check([float(t) for t in times] == [float(t) for t in series],
      'ParaView offers times %s, the series lists %s' % (times, series))
print('paraviewCheck: %s: %s, times %s (reader %s)' % (name, os.path.relpath(seriesFile, case), times,
                                                   reader.GetXMLName()))

sizes = patchSizes()
nArrays = nPatchArrays = nTimes = 0
worstAll = 0.0
grid = None
lastTime = None
for t in times:
    tname = '%d' % round(t) if abs(t - round(t)) < 1e-9 else repr(t)
    tdir = os.path.join(case, tname)
    ft = ForceTime(Input=reader)
    ft.IgnorePipelineTime = 1
    ft.ForcedTime = t
    mb = sm.Fetch(ft)
    blocks = {}
    for i in range(mb.GetNumberOfBlocks()):
        blocks[mb.GetMetaData(i).Get(vtkCompositeDataSet.NAME())] = mb.GetBlock(i)
    internal = blocks.get('internal')
    if not check(internal is not None, 'time %s: no internal block (blocks %s)' % (t, list(blocks))):
        continue
    tv = internal.GetFieldData().GetArray('TimeValue')
    check(tv is not None and abs(tv.GetValue(0) - t) < 1e-9,
          'time %s: the dataset ParaView read has TimeValue %s' % (t, tv.GetValue(0) if tv else None))
    check(internal.GetNumberOfCells() == nCells,
          'time %s: %d cells in VTK, %d in constant/polyMesh' % (t, internal.GetNumberOfCells(), nCells))
    grid, lastTime = internal, t
    if not os.path.isdir(tdir):
        print('    time %s: no time directory (purged): VTK only' % tname)
        continue
    nTimes += 1
    fields = {}
    for f in sorted(os.listdir(tdir)):
        p = os.path.join(tdir, f)
        if os.path.isfile(p):
            try:
                r = readField(p)
            except Exception:
                r = None
            if r:
                fields[f] = r
    celld = internal.GetCellData()
    names = [celld.GetArrayName(i) for i in range(celld.GetNumberOfArrays())]
    check(all(f in fields for f in names),
          'time %s: VTK arrays %s without an ascii field file' % (t, [f for f in names if f not in fields]))
    for f in names:
        if f in fields:
            worstAll = max(worstAll, compare(flat(celld.GetArray(f)), fields[f][2], 'time %s cells %s' % (t, f)))
            nArrays += 1
    bnd = blocks.get('boundary')
    if bnd is not None:
        for i in range(bnd.GetNumberOfBlocks()):
            pname = bnd.GetMetaData(i).Get(vtkCompositeDataSet.NAME())
            pd = bnd.GetBlock(i)
            check(pname in sizes and pd.GetNumberOfCells() == sizes[pname],
                  'time %s patch %s: %d faces in VTK, %s in constant/polyMesh/boundary'
                  % (t, pname, pd.GetNumberOfCells(), sizes.get(pname)))
            for j in range(pd.GetCellData().GetNumberOfArrays()):
                f = pd.GetCellData().GetArrayName(j)
                if f in fields and pname in fields[f][3]:
                    worstAll = max(worstAll, compare(flat(pd.GetCellData().GetArray(f)), fields[f][3][pname],
                                                     'time %s patch %s %s' % (t, pname, f)))
                    nPatchArrays += 1
check(nTimes > 0 and nArrays > 0, 'no time of the series has a time directory with its fields')
print('    %d times with a time directory: %d cell arrays and %d patch arrays equal the field files'
      ' (largest relative difference %.2e, write precision %d)' % (nTimes, nArrays, nPatchArrays, worstAll,
                                                                   writePrecision))

# ---- the mesh cell by cell (polyhedra: face streams) ---------------------------
if meshCheck and grid is not None:
    faces = readFaces()
    cellFaces = [[] for _ in range(nCells)]
    for fi, c in enumerate(owner):
        cellFaces[c].append(fi)
    for fi, c in enumerate(neighbour):
        cellFaces[c].append(fi)
    VTK_POLYHEDRON = 42
    nPoly = nBad = nBadPoly = 0
    types = {}
    for ci in range(grid.GetNumberOfCells()):
        cell = grid.GetCell(ci)
        ct = grid.GetCellType(ci)
        types[ct] = types.get(ct, 0) + 1
        if cell.GetNumberOfFaces() != len(cellFaces[ci]):
            nBad += 1
            continue
        if ct == VTK_POLYHEDRON:
            nPoly += 1
            vtkFaces = set()
            for k in range(cell.GetNumberOfFaces()):
                ids = cell.GetFace(k).GetPointIds()
                vtkFaces.add(frozenset(ids.GetId(j) for j in range(ids.GetNumberOfIds())))
            if vtkFaces != set(frozenset(faces[fi]) for fi in cellFaces[ci]):
                nBadPoly += 1
    check(nBad == 0, '%d cells whose number of faces differs from constant/polyMesh' % nBad)
    check(nBadPoly == 0, '%d VTK_POLYHEDRON cells whose face stream is not the cell\'s faces' % nBadPoly)
    check(nPoly >= minPolyhedra, '%d VTK_POLYHEDRON cells, expected at least %d' % (nPoly, minPolyhedra))
    check(grid.GetNumberOfPoints() == len(numbers(foamList(meshFile('points'), meshFile('points').index('}') + 1)[1]))//3,
          'points: %d in VTK, not those of constant/polyMesh/points' % grid.GetNumberOfPoints())
    print('    mesh: %d cells (VTK cell types %s), every cell has its OpenFOAM number of faces;'
          ' %d VTK_POLYHEDRON face streams equal the cells\' faces' % (grid.GetNumberOfCells(),
                                                                     dict(sorted(types.items())), nPoly))

# ---- collocation points --------------------------------------------------------
pointsFile = os.path.join(case, 'VTK', name + '_points.vtp.series')
if check(os.path.isfile(pointsFile), 'no %s' % pointsFile):
    pr = OpenDataFile(pointsFile)
    pts = list(pr.TimestepValues) if hasattr(pr.TimestepValues, '__len__') else [pr.TimestepValues]
    pft = ForceTime(Input=pr)
    pft.IgnorePipelineTime = 1
    pft.ForcedTime = pts[-1]
    poly = sm.Fetch(pft)
    n = poly.GetNumberOfPoints()
    pdat = poly.GetPointData()
    arrs = {k: pdat.GetArray(k) for k in ('residual', 'weight', 'kind')}
    if check(all(arrs.values()), 'points: arrays %s missing' % [k for k, v in arrs.items() if v is None]):
        kind = flat(arrs['kind'])
        res = flat(arrs['residual'])
        w = flat(arrs['weight'])
        nInt = sum(1 for k in kind if k == 0)
        check(len(kind) == len(res) == len(w) == n and n > 0, 'points: %d points, arrays of %d/%d/%d'
              % (n, len(kind), len(res), len(w)))
        check(all(k in (0, 1) for k in kind), 'points: kind not 0 or 1')
        check(all(math.isfinite(r) and r >= 0 for r in res), 'points: a residual negative or not finite')
        check(all(math.isfinite(x) and x > 0 for x in w), 'points: a weight not positive')
        check(poly.GetNumberOfVerts() == n, 'points: %d vertex cells for %d points' % (poly.GetNumberOfVerts(), n))
        if nInterior is not None:
            check(nInt == nInterior, 'points: %d interior points, sampling/nInterior %d' % (nInt, nInterior))
        print('    points at %s: %d (%d interior, %d boundary), residual max %.3g, weights in [%.3g, %.3g]'
              % (pts[-1], n, nInt, n - nInt, max(res), min(w), max(w)))

# ---- a picture -----------------------------------------------------------------
if image and grid is not None:
    ft = ForceTime(Input=reader)
    ft.IgnorePipelineTime = 1
    ft.ForcedTime = lastTime
    internal = ExtractBlock(Input=ft)
    internal.Selectors = ['/Root/internal']
    src = MergeBlocks(Input=internal)
    celld = grid.GetCellData()
    field = next((f for f in ('T', 'U', 'p') if celld.GetArray(f)), celld.GetArrayName(0))
    b = grid.GetBounds()
    view = GetActiveViewOrCreate('RenderView')
    view.ViewSize = [640, 480]
    view.OrientationAxesVisibility = 0
    if (b[5] - b[4]) > 0.2*min(b[1] - b[0], b[3] - b[2]):
        sl = Slice(Input=src)
        sl.SliceType = 'Plane'
        sl.SliceType.Origin = [0.5*(b[0] + b[1]), 0.5*(b[2] + b[3]), 0.5*(b[4] + b[5])]
        sl.SliceType.Normal = [0, 0, 1]
        src = sl
    disp = Show(src, view)
    ColorBy(disp, ('CELLS', field, 'Magnitude') if celld.GetArray(field).GetNumberOfComponents() == 3
            else ('CELLS', field))
    disp.RescaleTransferFunctionToDataRange(True, False)
    disp.SetScalarBarVisibility(view, True)
    view.CameraPosition = [0.5*(b[0] + b[1]), 0.5*(b[2] + b[3]), b[5] + 3*max(b[1] - b[0], b[3] - b[2])]
    view.CameraFocalPoint = [0.5*(b[0] + b[1]), 0.5*(b[2] + b[3]), 0.5*(b[4] + b[5])]
    view.CameraViewUp = [0, 1, 0]
    ResetCamera(view)
    Render(view)
    os.makedirs(os.path.dirname(os.path.abspath(image)), exist_ok=True)
    SaveScreenshot(image, view, ImageResolution=[640, 480])
    png = vtkPNGReader()
    png.SetFileName(image)
    png.Update()
    img = png.GetOutput()
    sc = img.GetPointData().GetScalars()
    nc = sc.GetNumberOfComponents()
    colours = set()
    for i in range(0, sc.GetNumberOfTuples(), 7):
        colours.add(tuple(int(sc.GetComponent(i, k)) for k in range(min(nc, 3))))
    dims = img.GetDimensions()
    check(dims[0] == 640 and dims[1] == 480 and len(colours) >= 20,
          'picture %s: %dx%d, %d colours (a rendered field has many)' % (image, dims[0], dims[1], len(colours)))
    print('    picture %s: %dx%d, %d colours (%s at %s)' % (os.path.relpath(image, case), dims[0], dims[1],
                                                          len(colours), field, lastTime))

if failures:
    print('paraviewCheck: FAIL (%d)' % len(failures))
    sys.exit(1)
print('paraviewCheck: PASS')
