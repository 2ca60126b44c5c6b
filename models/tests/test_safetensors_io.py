# SPDX-License-Identifier: GPL-3.0-or-later
"""The safetensors writer against the format (huggingface/safetensors, docs "Format"): an 8-byte little-endian
header length, a JSON header of {name: {dtype, shape, data_offsets}} padded with spaces, then the tensors'
little-endian bytes, offsets relative to the end of the header. The engine's loader and the fuzz corpus
depend on exactly this layout."""
import hashlib
import json
import struct

import numpy as np
import pytest

from models.tools.safetensors_io import read_safetensors, write_manifest, write_safetensors


def split(raw):
    (length,) = struct.unpack("<Q", raw[:8])
    return length, raw[8:8 + length], raw[8 + length:]


def test_layout_matches_the_format(tmp_path):
    path = tmp_path / "t.safetensors"
    digest = write_safetensors(path, {"b": [[1, 2], [3, 4]], "a": [1.5]}, metadata={"step": 7})
    raw = path.read_bytes()
    length, header_bytes, data = split(raw)
    assert length % 8 == 0
    assert header_bytes.rstrip(b" ") == header_bytes[:len(header_bytes.rstrip(b" "))]
    assert set(header_bytes[len(header_bytes.rstrip(b" ")):]) <= {ord(" ")}
    header = json.loads(header_bytes)
    assert header["__metadata__"] == {"step": "7"}
    # Tensors in name order, back to back from offset 0.
    assert header["a"] == {"dtype": "F32", "shape": [1], "data_offsets": [0, 4]}
    assert header["b"] == {"dtype": "F32", "shape": [2, 2], "data_offsets": [4, 20]}
    assert data == struct.pack("<f", 1.5) + struct.pack("<4f", 1, 2, 3, 4)
    assert digest == hashlib.sha256(raw).hexdigest()


def test_f16_stores_half_floats(tmp_path):
    path = tmp_path / "h.safetensors"
    write_safetensors(path, {"w": [0.5, -2.0, 65504.0]}, dtype="F16")
    _, header_bytes, data = split(path.read_bytes())
    assert json.loads(header_bytes)["w"] == {"dtype": "F16", "shape": [3], "data_offsets": [0, 6]}
    assert data == struct.pack("<3e", 0.5, -2.0, 65504.0)


@pytest.mark.parametrize("dtype", ["F32", "F16"])
def test_round_trip(tmp_path, dtype):
    rng = np.random.default_rng(3)
    tensors = {"conv.weight": rng.standard_normal((4, 3, 3, 3)).astype(np.float32), "scalar": np.float32(3.25),
               "empty": np.zeros((0, 2), np.float32), "bias": np.arange(5, dtype=np.float32)}
    path = tmp_path / "r.safetensors"
    write_safetensors(path, tensors, dtype=dtype)
    back = read_safetensors(path)
    assert set(back) == set(tensors)
    for name, value in tensors.items():
        expected = np.asarray(value, np.float32).astype(np.float16 if dtype == "F16" else np.float32)
        assert back[name].shape == expected.shape
        assert np.array_equal(back[name], expected)


def test_manifest_names_the_weights_file_without_its_folder(tmp_path):
    write_manifest(tmp_path / "m.json", name="m", architecture="a", config={"scale": 2},
                   weights=tmp_path / "sub" / "m.safetensors", sha256="0" * 64, source="s", license="MIT")
    manifest = json.loads((tmp_path / "m.json").read_text())
    assert manifest["format"] == "atelier-model/1"
    assert manifest["weights"] == "m.safetensors"
    assert manifest["config"] == {"scale": 2}
