#!/usr/bin/env python3
"""Corrupts a pinnFoam checkpoint (uniform/pinn/state, format pinnSt02 of
src/pinn/Trainer.cpp) as a damaged file or a state saved from a diverged run
would hold it.
Usage: corruptState.py STATE {params|adamM|adamV|lbfgsX|lbfgsG|history} [nan|inf|NUMBER]
       corruptState.py STATE adamStep INTEGER
  without a value: overwrites the length field with a huge value
  nan | inf | NUMBER: writes that value into the middle entry of the vector
  adamStep:        overwrites Adam's step count"""
import struct
import sys

path, which = sys.argv[1], sys.argv[2]
value = sys.argv[3] if len(sys.argv) > 3 else None
b = bytearray(open(path, 'rb').read())
assert b[:6] == b'pinnSt', 'not a pinnFoam state'
real = struct.unpack_from('<i', b, 8)[0]
off = 8 + 4 + 8 + 8 + 8            # magic, real size, nParams, iteration, evaluations
where = {}


def vec(name, size):
    global off
    n = struct.unpack_from('<q', b, off)[0]
    where[name] = (off, n, size)
    off += 8 + n*size


vec('params', real)
where['adamStep'] = (off, 0, 0)
off += 8                            # Adam step
vec('adamM', real)
vec('adamV', real)
off += 4                            # L-BFGS ready
vec('lbfgsX', 8)
vec('lbfgsG', 8)
off += 8                            # f
vec('pde', 8)
vec('bc', 8)
where['history'] = (off, 0, 0)

at, n, size = where[which]
if which == 'adamStep':
    struct.pack_into('<q', b, at, int(value))
elif value is None:
    struct.pack_into('<q', b, at, 1 << 40)
else:
    assert n > 0, '%s is empty in %s' % (which, path)
    struct.pack_into('<f' if size == 4 else '<d', b, at + 8 + (n//2)*size, float(value))
open(path, 'wb').write(bytes(b))
