#!/usr/bin/env python3
"""Rewrites a polyMesh directory as a mesh without points, faces or cells
(the headers kept; every patch with no faces). Usage: emptyMesh.py DIR"""
import re
import sys

d = sys.argv[1]
for name in ('points', 'faces', 'owner', 'neighbour'):
    s = open(d + '/' + name).read()
    header = s[:s.index('}', s.index('FoamFile')) + 1]
    # owner/neighbour carry the counts in their note: keep it consistent
    header = re.sub(r'note\s+"[^"]*";', 'note "nPoints:0 nCells:0 nFaces:0 nInternalFaces:0";', header)
    open(d + '/' + name, 'w').write(header + '\n\n0\n(\n)\n')
b = open(d + '/boundary').read()
b = re.sub(r'nFaces\s+\d+;', 'nFaces 0;', b)
b = re.sub(r'startFace\s+\d+;', 'startFace 0;', b)
open(d + '/boundary', 'w').write(b)
