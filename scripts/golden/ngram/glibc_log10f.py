#!/usr/bin/env python3
"""glibc's log10f on sample inputs, for packages/ngram's log10f.test.ts.

lmplz rounds every log10 probability and backoff with the C library's `log10f`; glibc's (fdlibm's log10f over the
table-driven logf of glibc 2.27+, until its correctly rounded CORE-MATH log10f) is one float32 step off the
correctly rounded value for a few percent of inputs. ngram's createLog10f reproduces it; this script records the
reference values from the running system's libm through ctypes.

    python3 scripts/golden/ngram/glibc_log10f.py

Writes packages/ngram/test/fixtures/glibc-log10f.json: float32 bit patterns of inputs and of log10f's results —
1000 random ones in (0, 1] (probabilities and backoff weights), 1000 where log10f is not correctly rounded, and
a few edge cases. Python standard library only; run it on glibc 2.27-2.42 (the fixture was made on 2.36). Never
run in CI.
"""
import ctypes
import ctypes.util
import json
import math
import os
import platform
import random
import struct
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))))
OUT = os.path.join(ROOT, 'packages', 'ngram', 'test', 'fixtures', 'glibc-log10f.json')

libm = ctypes.CDLL(ctypes.util.find_library('m'))
libm.log10f.restype = ctypes.c_float
libm.log10f.argtypes = [ctypes.c_float]


def as_float(bits):
    return struct.unpack('<f', struct.pack('<I', bits))[0]


def as_bits(x):
    return struct.unpack('<I', struct.pack('<f', x))[0]


def main():
    rng = random.Random(7)
    random_inputs, off_inputs = [], []
    while len(random_inputs) < 1000 or len(off_inputs) < 1000:
        bits = rng.randrange(0x00000001, 0x3f800001)  # (0, 1]: subnormals to 1
        x = as_float(bits)
        y = as_bits(libm.log10f(x))
        correct = as_bits(struct.unpack('<f', struct.pack('<f', math.log10(x)))[0])
        if len(random_inputs) < 1000:
            random_inputs.append([bits, y])
        if y != correct and len(off_inputs) < 1000:
            off_inputs.append([bits, y])
    edges = [as_bits(v) for v in (1.0, 0.5, 0.1, 1e-7, 1.5, 10.0, 3.4e38, 1e-45)]
    fixture = {
        'generator': 'scripts/golden/ngram/glibc_log10f.py',
        'libc': ' '.join(platform.libc_ver()),
        'format': '[input, log10f(input)] as float32 bit patterns',
        'random': random_inputs,
        'notCorrectlyRounded': off_inputs,
        'edges': [[bits, as_bits(libm.log10f(as_float(bits)))] for bits in edges],
    }
    with open(OUT, 'w', encoding='utf-8') as f:
        json.dump(fixture, f, separators=(',', ':'))
        f.write('\n')
    print(f'wrote {os.path.relpath(OUT, ROOT)} ({fixture["libc"]})', file=sys.stderr)


if __name__ == '__main__':
    main()
