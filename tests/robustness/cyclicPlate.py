#!/usr/bin/env python3
"""Makes the left and right patches of the heatedPlate corpus case a cyclic
pair (mesh boundary file and 0/T). Usage: cyclicPlate.py CASE"""
import re
import sys

c = sys.argv[1]
p = c + '/constant/polyMesh/boundary'
b = open(p).read()
for name, other in (('left', 'right'), ('right', 'left')):
    b = re.sub(r'(\b%s\s*\{\s*)type\s+wall;\s*inGroups\s+1\(wall\);' % name,
               r'\1type cyclic; inGroups 1(cyclic); neighbourPatch %s; transform translational; separationVector (%s 0 0);'
               % (other, '1' if name == 'left' else '-1'), b)
open(p, 'w').write(b)
t = open(c + '/0/T').read()
for name in ('left', 'right'):
    t = re.sub(r'(\b%s\s*\{)[^}]*\}' % name, r'\1 type cyclic; }', t)
open(c + '/0/T', 'w').write(t)
