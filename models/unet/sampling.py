# SPDX-License-Identifier: GPL-3.0-or-later
"""Reference samplers in PyTorch for the golden test of engine/diffusion/atelier-sampler.c, written from the
papers in sigma/lambda form: DDIM (Song et al. 2021) and DPM-Solver++(2M) (Lu et al. 2022), trailing
timesteps, classifier-free guidance, strength, known latent cells re-imposed on the denoised estimate."""
import math

import torch

from models.unet.schedule import alphas_cumprod, ddim_sigma, ddim_step, dpmpp_2m_step, first_step, trailing_timesteps


@torch.no_grad()
def sample(model, config, *, noise, known=None, mask=None, label=1, guidance=3.0, steps=20, sampler="dpmpp-2m",
           strength=1.0, eta=0.0, step_noise=None, scene=None):
    """noise (1, L, h, w); known (1, L, h, w) or None; mask (1, 1, h, w) or None; step_noise(i) gives
    DDIM's fresh noise for step i when eta > 0; scene (1, S) a v2 model's scene vector, or None (every pass with
    the null label, guidance's unconditional one among them, gets the zero vector). Returns the normalised
    latent."""
    abar = torch.tensor(alphas_cumprod(config), dtype=torch.float64)
    known = torch.zeros_like(noise) if known is None else known
    mask = torch.ones_like(noise[:, :1]) if mask is None else mask
    has_known = known.abs().sum() > 0
    ts = trailing_timesteps(config, steps)
    first = first_step(len(ts), strength)
    a0 = abar[ts[first]].item()
    x = (math.sqrt(a0) * known.double() + math.sqrt(1 - a0) * noise.double())
    conditioning = torch.cat([mask, known * (1 - mask)], dim=1).float()

    def denoised(x, t):
        batch_labels = [label, 0] if guidance != 1.0 else [label]
        inputs = torch.cat([torch.cat([x.float(), conditioning], dim=1)] * len(batch_labels))
        conditions = (torch.tensor([t] * len(batch_labels)), torch.tensor(batch_labels))
        if scene is not None:
            # The scene goes with a label: training zeroes it wherever the label is null.
            conditions += (torch.cat([scene * (lab != 0) for lab in batch_labels]),)
        out = model(inputs, *conditions).double()
        guided = out[1:2] + guidance * (out[0:1] - out[1:2]) if guidance != 1.0 else out
        alpha, sigma = math.sqrt(abar[t]), math.sqrt(1 - abar[t])
        x0 = alpha * x - sigma * guided if config["prediction"] == "v" else (x - sigma * guided) / alpha
        return mask * x0 + (1 - mask) * known.double() if has_known else x0

    x0_prev, h_prev = None, 0.0
    for i in range(first, len(ts)):
        t = ts[i]
        x0 = denoised(x, t)
        if i == len(ts) - 1:
            return x0.float()
        s = ts[i + 1]
        at, as_ = abar[t].item(), abar[s].item()
        if sampler == "ddim":
            sigma = ddim_sigma(at, as_, eta)
            x = ddim_step(x, x0, at, as_, sigma)
            if sigma > 0:
                x = x + sigma * step_noise(i + 1).double()
        else:
            x, h_prev = dpmpp_2m_step(x, x0, x0_prev, h_prev, at, as_)
        x0_prev = x0
