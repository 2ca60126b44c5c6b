# SPDX-License-Identifier: GPL-3.0-or-later
"""Golden tensors for tests/test-unet-student.c: the committed few-step student (models/unet/latent-unet-fast.*,
distilled by models/unet/distill_trajectory.py) in the PyTorch network of models/unet/unet_torch.py on fixed random
inputs, and whole sampling runs of the reference sampler models/unet/sampling.py the way a student is sampled: DDIM
without fresh noise at its distilled steps, guidance 1. One run generates a whole latent, one fills an
inpainting mask around known cells. The weights' sha256 is stored so that the test can tell a stale golden file
from a bug.

usage: /usr/bin/python3 -m tests.golden.make-unet-student-golden [MANIFEST]   (from the repository root)"""
import sys
from pathlib import Path

import torch

from models.tools.paths import ROOT
from models.tools.safetensors_io import write_safetensors
from models.unet.sampling import sample
from models.unet.unet_torch import in_channels, load_committed


def main():
    manifest = sys.argv[1] if len(sys.argv) > 1 else ROOT / "models/unet/latent-unet-fast.json"
    model, config, sha = load_committed(manifest)
    steps = config["distilled_steps"]
    generator = torch.Generator().manual_seed(29)
    latent = config["latent_channels"]
    # Timesteps of the student's own grid (749) and between (300), labels photo and stone, 8x16 latents.
    forward_input = torch.randn(2, in_channels(config), 8, 16, generator=generator)
    forward_input[:, latent] = (torch.rand(2, 8, 16, generator=generator) > 0.3).float()
    timesteps = torch.tensor([749.0, 300.0])
    labels = torch.tensor([1, 4])
    with torch.no_grad():
        forward_output = model(forward_input, timesteps, labels)

    noise = torch.randn(1, latent, 16, 8, generator=generator)
    known = torch.randn(1, latent, 16, 8, generator=generator)
    mask = torch.ones(1, 1, 16, 8)
    mask[:, :, 5:11, 2:6] = 0  # a kept subject in the middle, the background around it generated
    student = dict(guidance=1.0, steps=steps, sampler="ddim")
    generated = sample(model, config, noise=noise, label=3, **student)
    around_subject = sample(model, config, noise=noise, known=known, mask=mask, label=1, **student)
    target = Path(__file__).with_name("unet-student-golden.safetensors")
    write_safetensors(target, {
        "forward_input": forward_input, "forward_timesteps": timesteps, "forward_labels": labels.float(),
        "forward_output": forward_output, "noise": noise, "known": known, "mask": mask,
        "generated": generated, "around_subject": around_subject,
    }, metadata={"generator": f"torch {torch.__version__}", "weights_sha256": sha})
    print(f"wrote {target}")


if __name__ == "__main__":
    main()
