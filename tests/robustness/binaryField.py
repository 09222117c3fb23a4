#!/usr/bin/env python3
"""Rewrites an ascii OpenFOAM volScalarField in binary format, as a field
written with 'writeFormat binary;' holds it, with VALUE (nan or inf) in the
middle entry of PATCH's nonuniform value list: bits that no ascii reader
would accept. Usage: binaryField.py FIELD PATCH VALUE"""
import re
import struct
import sys

path, patch, value = sys.argv[1], sys.argv[2], float(sys.argv[3])
s = open(path).read()
s = re.sub(r'format\s+ascii;', 'format      binary;\n    arch        "LSB;label=32;scalar=64";', s, count=1)
start = re.search(r'\b%s\s*\{' % re.escape(patch), s[s.index('boundaryField'):])
at = s.index('boundaryField') + start.end()
m = re.compile(r'value\s+nonuniform\s+List<scalar>\s*(\d+)\s*\(([^)]*)\)').search(s, at)
assert m and m.start() < s.index('}', at), 'patch %s has no nonuniform value list' % patch
vals = [float(v) for v in m.group(2).split()]
assert len(vals) == int(m.group(1))
vals[len(vals)//2] = value
out = (s[:m.start()].encode() + b'value nonuniform List<scalar> %d(' % len(vals)
       + struct.pack('<%dd' % len(vals), *vals) + b')' + s[m.end():].encode())
open(path, 'wb').write(out)
