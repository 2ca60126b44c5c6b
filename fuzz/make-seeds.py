# SPDX-License-Identifier: GPL-3.0-or-later
"""Writes the small seed corpora for the fuzz targets into fuzz/corpus/.

usage: /usr/bin/python3 -m fuzz.make-seeds   (from the repository root)"""
import json
import struct
import zlib
from pathlib import Path

import numpy as np

from models.tools.safetensors_io import write_safetensors

here = Path(__file__).resolve().parent

seeds = here / "corpus" / "safetensors"
seeds.mkdir(parents=True, exist_ok=True)
write_safetensors(seeds / "f32.safetensors", {"w": np.arange(6).reshape(2, 3), "b": np.ones(2)}, {"k": "v"})
write_safetensors(seeds / "f16.safetensors", {"conv.weight": np.linspace(-1, 1, 36).reshape(4, 1, 3, 3)}, dtype="F16")
write_safetensors(seeds / "scalar.safetensors", {"s": np.float32(3.5), "e": np.zeros((0, 2))})

manifests = here / "corpus" / "manifest"
manifests.mkdir(parents=True, exist_ok=True)
(manifests / "model.json").write_text(json.dumps({
    "format": "atelier-model/1", "name": "n", "architecture": "a",
    "config": {"channels": 8, "scale": 0.5, "activation": "silu", "blocks": [1, 2]},
    "weights": "w.safetensors", "sha256": "0" * 64, "source": "s", "license": "MIT"}))

# Provenance: a PNG with text chunks (one compressed) and the C2PA manifest store of the SDK's sample C.jpg
# (tests/data/c2pa), reassembled from its APP11 segments, as a bare JUMBF store and inside a PNG caBX chunk.
provenance = here / "corpus" / "provenance"
provenance.mkdir(parents=True, exist_ok=True)


def png_chunk(kind, content):
    return struct.pack(">I", len(content)) + kind + content + struct.pack(">I", zlib.crc32(kind + content))


def c2pa_store(jpeg):
    store, at = b"", 2
    while at + 4 <= len(jpeg) and jpeg[at] == 0xFF and jpeg[at + 1] != 0xDA:
        length = int.from_bytes(jpeg[at + 2:at + 4], "big")
        segment = jpeg[at + 4:at + 2 + length]
        if jpeg[at + 1] == 0xEB and segment[:2] == b"JP":
            sequence = int.from_bytes(segment[4:8], "big")
            store += segment[8:] if sequence == 1 else segment[16:]
        at += 2 + length
    return store


signature = b"\x89PNG\r\n\x1a\n"
texts = (png_chunk(b"tEXt", b"parameters\0a cat, Steps: 20, Sampler: Euler")
         + png_chunk(b"iTXt", b"prompt\0\x01\x00\0\0" + zlib.compress(b'{"4": {"ckpt_name": "x"}}')))
(provenance / "texts.png").write_bytes(signature + texts + png_chunk(b"IEND", b""))
store = c2pa_store((here.parent / "tests" / "data" / "c2pa" / "C.jpg").read_bytes())
(provenance / "store.jumbf").write_bytes(store)
(provenance / "store.png").write_bytes(signature + png_chunk(b"caBX", store) + png_chunk(b"IEND", b""))

# Image reader (fuzz-image): small files of every kind the reader takes, PNG and JPEG in corpora of their own.
from PIL import Image  # noqa: E402

pngs = here / "corpus" / "png"
pngs.mkdir(parents=True, exist_ok=True)
jpegs = here / "corpus" / "jpeg"
jpegs.mkdir(parents=True, exist_ok=True)
rgb = Image.fromarray((np.arange(16 * 12 * 3).reshape(12, 16, 3) * 7 % 256).astype(np.uint8), "RGB")
rgb.save(pngs / "rgb.png")
rgb.convert("L").save(pngs / "grey.png")
rgb.convert("LA").save(pngs / "grey-alpha.png")
rgb.convert("RGBA").save(pngs / "rgba-interlaced.png", interlace=1)
rgb.convert("P").save(pngs / "palette.png")
Image.fromarray((np.arange(12 * 16).reshape(12, 16) * 300).astype(np.uint16)).save(pngs / "grey16.png")
rgb.save(jpegs / "baseline.jpg", quality=75)
rgb.save(jpegs / "progressive.jpg", quality=90, progressive=True)
rgb.convert("L").save(jpegs / "grey.jpg", quality=60)
