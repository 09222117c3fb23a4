#!/usr/bin/env python3
"""Overwrites one length field of a pinnFoam checkpoint (uniform/pinn/state,
format pinnSt02 of src/pinn/Trainer.cpp) with a huge value, as a corrupt
file would hold, or one value (the kinds tests/fuzz found):
Usage: corruptState.py STATE {params|adamM|lbfgsX|history}
       corruptState.py STATE {nanParameter|negativeSecondMoment|negativeAdamStep}"""
import struct
import sys

path, which = sys.argv[1], sys.argv[2]
b = bytearray(open(path, 'rb').read())
assert b[:6] == b'pinnSt', 'not a pinnFoam state'
real = struct.unpack_from('<i', b, 8)[0]
off = 8 + 4 + 8 + 8 + 8            # magic, real size, nParams, iteration, evaluations
where = {}


def vec(name, size):
    global off
    where[name] = off
    n = struct.unpack_from('<q', b, off)[0]
    off += 8 + n*size


vec('params', real)
off += 8                            # Adam step
vec('adamM', real)
vec('adamV', real)
off += 4                            # L-BFGS ready
vec('lbfgsX', 8)
vec('lbfgsG', 8)
off += 8                            # f
vec('pde', 8)
vec('bc', 8)
where['history'] = off
fmt = '<f' if real == 4 else '<d'
if which == 'nanParameter':
    struct.pack_into(fmt, b, where['params'] + 8, float('nan'))
elif which == 'negativeSecondMoment':
    struct.pack_into(fmt, b, where['adamV'] + 8, -1.0)
elif which == 'negativeAdamStep':
    struct.pack_into('<q', b, where['adamM'] - 8, -1)
else:
    struct.pack_into('<q', b, where[which], 1 << 40)
open(path, 'wb').write(bytes(b))
