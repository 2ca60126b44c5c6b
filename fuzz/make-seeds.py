# SPDX-License-Identifier: GPL-3.0-or-later
"""Writes the small seed corpora for the fuzz targets into fuzz/corpus/.

usage: /usr/bin/python3 -m fuzz.make-seeds   (from the repository root)"""
import json
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
