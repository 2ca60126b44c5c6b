# SPDX-License-Identifier: GPL-3.0-or-later
"""Golden features for tests/test-detector.c: models/detector/residual_cnn.py's network (PyTorch) with the
detector's trained weights, run on a few fixed images through its own crop reading (features_of_image), and the
16 pooled features it gives. Writes tests/golden/residual-cnn-golden.{json,safetensors}: a model file whose
cnn.convs.* tensors the engine binds, beside image_N (1, C, H, W; C = 1 for the grey one, which the network
reads as three equal channels) and features_N. The C test then catches a change of the engine's forward pass or
crop reading, which the trained classifier would no longer match.

    /usr/bin/python3 -m tests.golden.make-residual-cnn-golden [WEIGHTS.safetensors]   (from the repository root)

WEIGHTS: a model file holding cnn.convs.* (default: the committed models/detector/spectral-detector.safetensors)."""
import sys
from pathlib import Path

import numpy as np
import torch

from models.detector.residual_cnn import ResidualCnn, features_of_image
from models.tools.paths import ROOT
from models.tools.safetensors_io import read_safetensors, write_manifest, write_safetensors

OUT = Path(__file__).resolve().parent
weights = Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "models/detector/spectral-detector.safetensors"
rng = np.random.default_rng(20261207)


def picture(height, width, channels):
    """Smooth shapes, an edge and noise, rounded to 8 bits as a file holds them."""
    y, x = np.mgrid[0:height, 0:width] / max(height, width)
    planes = []
    for c in range(channels):
        smooth = 0.5 + 0.3 * np.sin(6 * x + 2 * c) * np.cos(4 * y - c)
        edge = 0.2 * (x + 0.3 * y > 0.5 + 0.1 * c)
        planes.append(smooth + edge + rng.normal(0, 0.03 * (c + 1), (height, width)))
    return np.round(np.clip(np.stack(planes), 0, 1) * 255).astype(np.float32) / 255


tensors = {k: v for k, v in read_safetensors(weights).items() if k.startswith("cnn.")}
model = ResidualCnn(normalise=True)
state = model.state_dict()
state.update({k.removeprefix("cnn."): torch.from_numpy(v.copy()) for k, v in tensors.items()})
model.load_state_dict(state)
model.eval()
# Four crops of 256 at the corners; one crop smaller than 256; a grey image two crops tall.
for i, (height, width, channels) in enumerate(((300, 333, 3), (200, 180, 3), (400, 150, 1))):
    image = picture(height, width, channels)
    rgb = torch.from_numpy(np.repeat(image, 3, 0) if channels == 1 else image)
    tensors[f"image_{i}"] = image[None]
    tensors[f"features_{i}"] = features_of_image(model, rgb)
sha = write_safetensors(OUT / "residual-cnn-golden.safetensors", tensors)
write_manifest(OUT / "residual-cnn-golden.json", name="residual-cnn-golden", architecture="residual-cnn",
               config={"images": 3}, weights=OUT / "residual-cnn-golden.safetensors", sha256=sha,
               source=f"tests/golden/make-residual-cnn-golden.py (the CNN weights of {weights.name})",
               license="GPL-3.0-or-later")
print(f"wrote {OUT / 'residual-cnn-golden.safetensors'}: {', '.join(f'{k}' for k in sorted(tensors))}")
