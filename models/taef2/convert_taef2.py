# SPDX-License-Identifier: GPL-3.0-or-later
"""Converts the TAEF2 tiny autoencoder (madebyollin/taesd, MIT; ../shared/models/taef2) from its PyTorch
state dicts into Atelier's taef2.safetensors + taef2.json.

The manifest config lists each side as the sequence of layers that the engine
(engine/networks/atelier-autoencoder.c) builds, index for index as in the
PyTorch nn.Sequential:
  {"type": "conv", "in": 3, "out": 64, "stride": 1, "bias": true}
  {"type": "block", "pool": false}   3 convs + ReLU with identity skip; "pool": x += pool(x) first
  {"type": "relu"}, {"type": "upsample", "factor": 2}, {"type": "tanh_clamp", "scale": 3}
Every tensor of the state dicts must be used by that sequence with the shape it implies, or the conversion
fails. Tensors are stored as encoder.<key> and decoder.<key>.

usage: /usr/bin/python3 -m models.taef2.convert_taef2 SOURCE_DIR OUTPUT_DIR   (from the repository root)
"""
import sys
from pathlib import Path

from models.tools.safetensors_io import write_manifest, write_safetensors

C, LATENT = 64, 32


def conv(cin, cout, stride=1, bias=True):
    return {"type": "conv", "in": cin, "out": cout, "stride": stride, "bias": bias}


def block(pool=False):
    return {"type": "block", "pool": pool}


# From the TAEF2 architecture notes (../shared/models/README.md).
ENCODER = [conv(3, C), block()]
for stage in range(3):
    ENCODER += [conv(C, C, stride=2, bias=False)] + [block(pool=stage == 2) for _ in range(3)]
ENCODER += [conv(C, LATENT)]

DECODER = [{"type": "tanh_clamp", "scale": 3.0}, conv(LATENT, C), {"type": "relu"}]
DECODER += [block(pool=True) for _ in range(3)]
for stage in range(3):
    DECODER += [{"type": "upsample", "factor": 2}, conv(C, C, bias=False)]
    DECODER += [block() for _ in range(3 if stage < 2 else 1)]
DECODER += [conv(C, 3)]


def expected_tensors(layers):
    shapes = {}
    for i, layer in enumerate(layers):
        if layer["type"] == "conv":
            shapes[f"{i}.weight"] = (layer["out"], layer["in"], 3, 3)
            if layer["bias"]:
                shapes[f"{i}.bias"] = (layer["out"],)
        elif layer["type"] == "block":
            for j in (0, 2, 4):
                shapes[f"{i}.conv.{j}.weight"] = (C, C, 3, 3)
                shapes[f"{i}.conv.{j}.bias"] = (C,)
            if layer["pool"]:
                shapes[f"{i}.pool.0.weight"] = (4 * C, C, 1, 1)
                shapes[f"{i}.pool.1.weight"] = (4 * C,)
                shapes[f"{i}.pool.1.bias"] = (4 * C,)
                shapes[f"{i}.pool.3.weight"] = (C, 4 * C, 1, 1)
    return shapes


def main(source, output):
    import torch  # only here, to read the state dicts: the layer table is tested without PyTorch

    tensors = {}
    for part, layers in (("encoder", ENCODER), ("decoder", DECODER)):
        state = torch.load(source / f"taef2_{part}.pth", map_location="cpu", weights_only=True)
        expected = expected_tensors(layers)
        if set(state) != set(expected):
            raise SystemExit(f"{part}: unexpected {sorted(set(state) - set(expected))}, "
                             f"missing {sorted(set(expected) - set(state))}")
        for key, shape in expected.items():
            if tuple(state[key].shape) != shape:
                raise SystemExit(f"{part}.{key}: shape {tuple(state[key].shape)}, expected {shape}")
            tensors[f"{part}.{key}"] = state[key].float().numpy()
    output.mkdir(parents=True, exist_ok=True)
    sha = write_safetensors(output / "taef2.safetensors", tensors, metadata={"source": "madebyollin/taesd taef2"})
    write_manifest(output / "taef2.json", name="taef2", architecture="tiny-autoencoder",
                   config={"latent_channels": LATENT, "downscale": 8, "channels": C, "norm_groups": 4,
                           "norm_eps": 1e-5, "encoder": ENCODER, "decoder": DECODER},
                   weights="taef2.safetensors", sha256=sha,
                   source="madebyollin/taesd, taef2_encoder.pth and taef2_decoder.pth (Tiny AutoEncoder for the "
                          "FLUX.2 latent space), converted by models/taef2/convert_taef2.py",
                   license="MIT", attribution="TAESD / TAEF2 by Ollin Boer Bohan (MIT)")
    print(f"taef2: {sum(t.size for t in tensors.values())} parameters, sha256 {sha}")


if __name__ == "__main__":
    if len(sys.argv) != 3:
        raise SystemExit(__doc__)
    main(Path(sys.argv[1]), Path(sys.argv[2]))
