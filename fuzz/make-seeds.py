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
