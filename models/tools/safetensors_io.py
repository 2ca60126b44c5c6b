# SPDX-License-Identifier: GPL-3.0-or-later
"""Reads and writes .safetensors files with the standard library and NumPy
only (Debian ships no `safetensors` package), and writes Atelier's JSON
manifest beside them. Used by every converter, training script and golden
file generator in the project."""
import hashlib
import json
import struct
from pathlib import Path

import numpy as np

_DTYPES = {"F32": np.dtype("<f4"), "F16": np.dtype("<f2")}


def write_safetensors(path, tensors, metadata=None, dtype="F32"):
    """tensors: {name: array-like}; written in name order, header padded to 8 bytes. dtype: one for every
    tensor ("F32", "F16"), or {name: dtype} for files that mix them."""
    header = {}
    if metadata:
        header["__metadata__"] = {str(k): str(v) for k, v in metadata.items()}
    blobs = []
    offset = 0
    for name in sorted(tensors):
        # Not np.ascontiguousarray, which turns a scalar into shape [1]; tobytes() writes C order anyway.
        kind = dtype[name] if isinstance(dtype, dict) else dtype
        array = np.asarray(tensors[name], dtype=np.float32).astype(_DTYPES[kind])
        blob = array.tobytes()
        header[name] = {"dtype": kind, "shape": list(array.shape), "data_offsets": [offset, offset + len(blob)]}
        blobs.append(blob)
        offset += len(blob)
    encoded = json.dumps(header, separators=(",", ":")).encode()
    encoded += b" " * (-len(encoded) % 8)
    data = struct.pack("<Q", len(encoded)) + encoded + b"".join(blobs)
    Path(path).write_bytes(data)
    return hashlib.sha256(data).hexdigest()


def read_safetensors(path):
    raw = Path(path).read_bytes()
    (length,) = struct.unpack("<Q", raw[:8])
    header = json.loads(raw[8:8 + length])
    base = 8 + length
    out = {}
    for name, entry in header.items():
        if name == "__metadata__":
            continue
        begin, end = entry["data_offsets"]
        out[name] = np.frombuffer(raw[base + begin:base + end], dtype=_DTYPES[entry["dtype"]]).reshape(entry["shape"])
    return out


def write_manifest(path, *, name, architecture, config, weights, sha256, source, license, attribution=""):
    manifest = {
        "format": "atelier-model/1",
        "name": name,
        "architecture": architecture,
        "config": config,
        "weights": Path(weights).name,
        "sha256": sha256,
        "source": source,
        "license": license,
        "attribution": attribution,
    }
    Path(path).write_text(json.dumps(manifest, indent=2) + "\n")
