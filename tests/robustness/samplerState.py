#!/usr/bin/env python3
"""Writes a damaged adaptive-sampler state (uniform/pinn/sampler, as
adaptiveSampler::state in src/pinnFoam/pinnSampler/adaptive writes it: a
header line, a face-density list per boundary group, the interior state),
the kinds of damage the fuzzer found (tests/fuzz/corpus/fuzzCheckpoint).
Usage: samplerState.py FILE TYPE CELLS GROUPS
           {hugeList|badCell|nanDensity|zeroDensity|negativeFaceDensity}
  hugeList, badCell: TYPE R3 or RARD (held points); the others RAD or
  hierarchical (a cell density). Lists are int64 lengths and doubles."""
import struct
import sys

path, kind, cells, groups, damage = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4]), sys.argv[5]


def scalars(values, n=None):
    n = len(values) if n is None else n
    return struct.pack('<q', n) + b''.join(struct.pack('<d', v) for v in values)


out = ('pinnSamplerState 1 %s draw 0 cells %d groups %d\n' % (kind, cells, groups)).encode()
faces = [scalars([])]*groups
if damage == 'negativeFaceDensity':
    # group 0's faces (8 on the plate's top): the length is checked first
    faces[0] = scalars([-1.0]*8)
out += b''.join(faces)
if damage == 'hugeList':
    out += struct.pack('<q', 1) + scalars([0.0, 0.5, 0.5, 0.5], 1 << 40)
elif damage == 'badCell':
    out += struct.pack('<q', 1) + scalars([1e30, 0.5, 0.5, 0.005])
elif damage == 'nanDensity':
    out += scalars([1.0]*(cells - 1) + [float('nan')])
elif damage == 'zeroDensity':
    out += scalars([0.0]*cells)
elif damage == 'negativeFaceDensity':
    out += scalars([1.0]*cells)
else:
    sys.exit('samplerState.py: unknown damage ' + damage)
open(path, 'wb').write(out)
