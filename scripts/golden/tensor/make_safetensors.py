#!/usr/bin/env python3
"""Writes safetensors golden files byte by byte from the published format specification
(https://github.com/huggingface/safetensors#format), using only the Python standard library and torch for the
values' float16/bfloat16 rounding. Run with /usr/bin/python3 from the repository root; outputs go to
packages/tensor/test/fixtures/. Never run in CI.

Layout written (the spec's rules, plus the conventions the reference writer follows):
  8 bytes  little-endian u64 N, the header size
  N bytes  UTF-8 JSON object {"__metadata__": {str: str}, name: {"dtype", "shape", "data_offsets": [begin, end]}}
           padded with spaces (0x20) to a multiple of 8
  rest     the tensors' little-endian bytes, back to back, ordered by dtype width (widest first) then name
"""
import json
import struct

import torch

OUT = "packages/tensor/test/fixtures/"
WIDTH = {"F64": 8, "I64": 8, "F32": 4, "I32": 4, "F16": 2, "BF16": 2, "U8": 1, "BOOL": 1}


def tensor_bytes(dtype, values):
    if dtype == "F32":
        return struct.pack("<%df" % len(values), *values)
    if dtype == "F64":
        return struct.pack("<%dd" % len(values), *values)
    if dtype == "I32":
        return struct.pack("<%di" % len(values), *values)
    if dtype == "I64":
        return struct.pack("<%dq" % len(values), *values)
    if dtype == "U8":
        return bytes(values)
    if dtype == "BOOL":
        return bytes(1 if v else 0 for v in values)
    if dtype == "F16":
        return torch.tensor(values, dtype=torch.float16).numpy().tobytes()
    if dtype == "BF16":
        return torch.tensor(values, dtype=torch.bfloat16).view(torch.int16).numpy().tobytes()
    raise ValueError(dtype)


def write(path, tensors, metadata):
    names = sorted(tensors, key=lambda n: (-WIDTH[tensors[n][0]], n))
    header = {}
    if metadata:
        header["__metadata__"] = metadata
    data = b""
    for name in names:
        dtype, shape, values = tensors[name]
        raw = tensor_bytes(dtype, values)
        header[name] = {"dtype": dtype, "shape": shape, "data_offsets": [len(data), len(data) + len(raw)]}
        data += raw
    text = json.dumps(header, separators=(",", ":"), ensure_ascii=False).encode("utf-8")
    text += b" " * ((8 - len(text) % 8) % 8)
    with open(OUT + path, "wb") as f:
        f.write(struct.pack("<Q", len(text)) + text + data)


def expected_floats(dtype, values):
    t = torch.tensor(values, dtype={"F16": torch.float16, "BF16": torch.bfloat16}[dtype])
    return [float(v) for v in t.float()]


basic = {
    "encoder.l0.weight_ih": ("F32", [2, 3], [0.5, -1.25, 3.0e-8, 1.0e30, -0.0, 7.0]),
    "encoder.l0.bias": ("F32", [3], [0.1, 0.2, 0.3]),
    "step": ("I32", [], [1234]),
    "mask": ("BOOL", [2, 2], [True, False, False, True]),
    "empty": ("F32", [0, 4], []),
    "ids": ("I32", [4], [-2147483648, -1, 0, 2147483647]),
}
write("basic.safetensors", basic, {"format": "pt", "note": "héllo ✓"})

half = [0.0, 1.0, -2.5, 65504.0, 1.0e-7, 3.14159]
mixed = {
    "h": ("F16", [6], half),
    "b": ("BF16", [2, 3], half),
    "d": ("F64", [2], [0.1, -1.0e30]),
    "q": ("I64", [3], [-5, 0, 2147483647]),
    "u": ("U8", [3], [0, 128, 255]),
}
write("mixed.safetensors", mixed, {})
with open(OUT + "mixed.expected.json", "w") as f:
    json.dump(
        {
            "h": expected_floats("F16", half),
            "b": expected_floats("BF16", half),
            "d": [float(torch.tensor(v, dtype=torch.float32)) for v in [0.1, -1.0e30]],
            "q": [-5, 0, 2147483647],
            "u": [0, 128, 255],
        },
        f,
        indent=1,
    )
print("wrote", OUT)
