# SPDX-License-Identifier: GPL-3.0-or-later
"""Golden tensors for tests/test-unet.c: the committed latent U-Net (models/unet/latent-unet.*) loaded into the
PyTorch network of models/unet/unet_torch.py, run on fixed random inputs (a batch of two with different
timesteps and labels, sides that are not square), and the reference samplers of models/unet/sampling.py run
end to end from fixed noise: DPM-Solver++(2M) with guidance on a full generation, DDIM with strength and an
inpainting mask. The weights' sha256 is stored so that the test can tell a stale golden file from a bug.

usage: /usr/bin/python3 -m tests.golden.make-unet-golden [MANIFEST]   (from the repository root)"""
import sys
from pathlib import Path

import torch

from models.tools.paths import ROOT
from models.tools.safetensors_io import write_safetensors
from models.unet.sampling import sample
from models.unet.unet_torch import in_channels, load_committed


def main():
    manifest = sys.argv[1] if len(sys.argv) > 1 else ROOT / "models/unet/latent-unet.json"
    model, config, sha = load_committed(manifest)
    torch.manual_seed(11)
    latent = config["latent_channels"]
    forward_input = torch.randn(2, in_channels(config), 8, 12)
    forward_input[:, latent] = (torch.rand(2, 8, 12) > 0.5).float()
    timesteps = torch.tensor([999.0, 137.0])
    labels = torch.tensor([0, 3])
    with torch.no_grad():
        forward_output = model(forward_input, timesteps, labels)

    noise = torch.randn(1, latent, 8, 8)
    known = torch.randn(1, latent, 8, 8)
    mask = torch.zeros(1, 1, 8, 8)
    mask[:, :, 2:6, 1:5] = 1
    generated = sample(model, config, noise=noise, label=2, guidance=2.5, steps=6, sampler="dpmpp-2m")
    inpainted = sample(model, config, noise=noise, known=known, mask=mask, label=1, guidance=1.0, steps=5,
                       sampler="ddim", strength=0.6)
    inpainted_dpm = sample(model, config, noise=noise, known=known, mask=mask, label=1, guidance=4.0, steps=7,
                           sampler="dpmpp-2m")
    target = Path(__file__).with_name("unet-golden.safetensors")
    write_safetensors(target, {
        "forward_input": forward_input, "forward_timesteps": timesteps, "forward_labels": labels.float(),
        "forward_output": forward_output, "noise": noise, "known": known, "mask": mask,
        "generated": generated, "inpainted_ddim": inpainted, "inpainted_dpmpp": inpainted_dpm,
    }, metadata={"generator": f"torch {torch.__version__}", "weights_sha256": sha})
    print(f"wrote {target}")


if __name__ == "__main__":
    main()
