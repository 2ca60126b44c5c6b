# SPDX-License-Identifier: GPL-3.0-or-later
"""A tiny v2 latent U-Net (the scene vector of models/unet/unet_torch.py) with seeded random weights, written as
a model (unet-v2-tiny.safetensors + .json, architecture "latent-unet" with "scene_channels"), and its golden
forward pass for tests/test-unet.c: a batch of three with different timesteps, labels (one of the new surface
labels) and scene vectors, one of them zero, and the same batch without scenes; and a guided sampling run with a
scene (models/unet/sampling.py). Random weights, not trained
ones, so the test checks the C network's v2 arithmetic whatever v2's training has reached.

usage: /usr/bin/python3 -m tests.golden.make-unet-v2-golden   (from the repository root)"""
from pathlib import Path

import torch

from models.tools.safetensors_io import write_manifest, write_safetensors
from models.unet.export_unet import MODEL_KEYS
from models.unet.sampling import sample
from models.unet.unet_torch import DEFAULT_CONFIG, V2_LABELS, UNet, in_channels, v2_config

TINY = v2_config(dict(DEFAULT_CONFIG, latent_channels=4, base_channels=16, channel_mult=[1, 2],
                      attention_levels=[1], head_channels=16, groups=8, embed_channels=32))


def main():
    torch.manual_seed(25)
    model = UNet(TINY).eval()
    with torch.no_grad():
        for parameter in model.parameters():
            # Rounded to F16 here, as stored, so that the engine's weights are exactly these.
            parameter.copy_(torch.randn_like(parameter).mul_(0.2).half().float())
    here = Path(__file__).parent
    tensors = {k: v.numpy() for k, v in model.state_dict().items()}
    tensors["latent_mean"] = torch.randn(4).half().float().numpy()
    tensors["latent_std"] = (torch.rand(4) + 0.5).half().float().numpy()
    sha = write_safetensors(here / "unet-v2-tiny.safetensors", tensors, dtype="F16")
    config = {k: TINY[k] for k in MODEL_KEYS}
    config["scene_channels"] = TINY["scene_channels"]
    write_manifest(here / "unet-v2-tiny.json", name="unet-v2-tiny", architecture="latent-unet", config=config,
                   weights=here / "unet-v2-tiny.safetensors", sha256=sha,
                   source="tests/golden/make-unet-v2-golden.py (random weights)", license="GPL-3.0-or-later")
    x = torch.randn(3, in_channels(TINY), 8, 4)
    timesteps = torch.tensor([999.0, 421.0, 3.0])
    labels = torch.tensor([V2_LABELS.index("marble"), 0, 2])
    scenes = torch.tensor([[0.6, -0.8, 1.0, -0.2], [0.0, 0.0, 0.0, 0.0], [-0.3, 0.1, -1.0, 0.0]])
    with torch.no_grad():
        output = model(x, timesteps, labels, scenes)
        unconditioned = model(x, timesteps, labels)
    # A guided inpainting run with a scene: the scene must reach the conditional pass and only that one.
    noise = torch.randn(1, 4, 8, 8)
    known = torch.randn(1, 4, 8, 8)
    mask = torch.zeros(1, 1, 8, 8)
    mask[:, :, 1:7, 2:8] = 1
    sampled = sample(model, TINY, noise=noise, known=known, mask=mask, label=V2_LABELS.index("velvet"),
                     guidance=3.0, steps=5, sampler="dpmpp-2m", scene=scenes[:1])
    write_safetensors(here / "unet-v2-golden.safetensors", {
        "input": x, "timesteps": timesteps, "labels": labels.float(), "scenes": scenes, "output": output,
        "output_without_scene": unconditioned, "noise": noise, "known": known, "mask": mask,
        "sampled_with_scene": sampled}, metadata={"generator": f"torch {torch.__version__}",
                                                          "weights_sha256": sha})
    print(f"wrote {here / 'unet-v2-golden.safetensors'}")


if __name__ == "__main__":
    main()
