# SPDX-License-Identifier: GPL-3.0-or-later
"""Reads an ONNX model with the standard library and NumPy only: a minimal
protocol-buffer decoder for the few fields of onnx.proto that a converter
needs (graph nodes, their attributes, initializers, inputs and outputs), so
that setting up a model needs no `onnx` package.

Field numbers are those of onnx/onnx.proto (IR version 8)."""
import struct
from dataclasses import dataclass, field

import numpy as np

# TensorProto.DataType
_NUMPY_TYPES = {1: np.dtype("<f4"), 6: np.dtype("<i4"), 7: np.dtype("<i8"), 10: np.dtype("<f2")}


def _varint(buf, pos):
    result = shift = 0
    while True:
        byte = buf[pos]
        pos += 1
        result |= (byte & 0x7F) << shift
        shift += 7
        if byte < 0x80:
            return result, pos


def _fields(buf):
    """(field number, value) pairs: an int for varints, a memoryview for the rest."""
    pos, end = 0, len(buf)
    while pos < end:
        key, pos = _varint(buf, pos)
        number, wire = key >> 3, key & 7
        if wire == 0:
            value, pos = _varint(buf, pos)
        elif wire == 1:
            value, pos = buf[pos:pos + 8], pos + 8
        elif wire == 5:
            value, pos = buf[pos:pos + 4], pos + 4
        elif wire == 2:
            length, pos = _varint(buf, pos)
            value, pos = buf[pos:pos + length], pos + length
        else:
            raise ValueError(f"unsupported protobuf wire type {wire}")
        if pos > end:
            raise ValueError("truncated protobuf message")
        yield number, value


def _signed(value):
    return value - (1 << 64) if value >= 1 << 63 else value


def _ints(values):
    """A repeated int64 field, packed or not."""
    out = []
    for v in values:
        if isinstance(v, int):
            out.append(_signed(v))
        else:
            pos = 0
            while pos < len(v):
                x, pos = _varint(v, pos)
                out.append(_signed(x))
    return out


def _group(buf):
    grouped = {}
    for number, value in _fields(buf):
        grouped.setdefault(number, []).append(value)
    return grouped


def _text(value):
    return bytes(value).decode()


def read_tensor(buf):
    """TensorProto -> (name, array). Only raw_data storage is supported."""
    f = _group(buf)
    name = _text(f[8][0]) if 8 in f else ""
    dtype = f[2][0]
    if dtype not in _NUMPY_TYPES:
        raise ValueError(f"tensor {name}: unsupported data type {dtype}")
    if 9 not in f:
        raise ValueError(f"tensor {name}: no raw_data")
    dims = _ints(f.get(1, []))
    array = np.frombuffer(bytes(f[9][0]), dtype=_NUMPY_TYPES[dtype])
    return name, array.reshape(dims)


def _attribute(buf):
    f = _group(buf)
    name, kind = _text(f[1][0]), f.get(20, [0])[0]
    if kind == 1:  # FLOAT
        return name, struct.unpack("<f", bytes(f[2][0]))[0]
    if kind == 2:  # INT
        return name, _signed(f[3][0])
    if kind == 3:  # STRING
        return name, _text(f[4][0])
    if kind == 4:  # TENSOR
        return name, read_tensor(f[5][0])[1]
    if kind == 7:  # INTS
        return name, _ints(f.get(8, []))
    raise ValueError(f"attribute {name}: unsupported type {kind}")


@dataclass
class Node:
    op: str
    inputs: list
    outputs: list
    attributes: dict = field(default_factory=dict)


@dataclass
class Graph:
    nodes: list
    initializers: dict  # name -> array
    inputs: list        # names
    outputs: list       # names
    opset: int
    producer: str

    def producers(self):
        return {out: node for node in self.nodes for out in node.outputs}


def read_model(data):
    model = _group(memoryview(data))
    graph = _group(model[7][0])
    nodes = []
    for buf in graph.get(1, []):
        f = _group(buf)
        nodes.append(Node(op=_text(f[4][0]), inputs=[_text(x) for x in f.get(1, [])],
                          outputs=[_text(x) for x in f.get(2, [])],
                          attributes=dict(_attribute(a) for a in f.get(5, []))))
    initializers = dict(read_tensor(buf) for buf in graph.get(5, []))
    opset = max((_group(buf).get(2, [0])[0] for buf in model.get(8, [])), default=0)
    producer = " ".join(_text(v[0]) for k, v in sorted(model.items()) if k in (2, 3))
    names = lambda number: [_text(_group(buf)[1][0]) for buf in graph.get(number, [])]  # noqa: E731
    return Graph(nodes, initializers, names(11), names(12), opset, producer)
