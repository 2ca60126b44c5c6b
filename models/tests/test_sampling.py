# SPDX-License-Identifier: GPL-3.0-or-later
"""The PyTorch reference samplers end to end (skipped without PyTorch), with an oracle network that predicts
the velocity of a known clean latent exactly: its denoised estimate is then that latent at every step, so
every sampler must return it, guidance must extrapolate from the unconditional latent to the conditional one,
and the known cells of an inpainting mask must come back as the image's own latent."""
import math

import pytest

torch = pytest.importorskip("torch")

from models.unet.sampling import sample  # noqa: E402
from models.unet.schedule import alphas_cumprod  # noqa: E402

CONFIG = {"schedule": "cosine", "schedule_steps": 1000, "schedule_offset": 0.008, "schedule_max_beta": 0.999,
          "prediction": "v"}


class Oracle(torch.nn.Module):
    """v = alpha eps - sigma c with eps = (x - alpha c) / sigma (Salimans and Ho 2022), for the clean latent
    c of the label (unconditional: label 0), so that alpha x - sigma v = c whatever x is."""

    def __init__(self, unconditional, conditional):
        super().__init__()
        self.clean = {0: unconditional.double()[0], 1: conditional.double()[0]}
        self.abar = alphas_cumprod(CONFIG)

    def forward(self, inputs, t, labels):
        out = []
        for x, step, label in zip(inputs, t, labels, strict=True):
            clean = self.clean[min(int(label), 1)]
            x = x[:clean.shape[0]].double()
            alpha, sigma = math.sqrt(self.abar[int(step)]), math.sqrt(1 - self.abar[int(step)])
            out.append(alpha * (x - alpha * clean) / sigma - sigma * clean)
        return torch.stack(out).float()


def latents(seed, count, shape=(1, 4, 3, 5)):
    generator = torch.Generator().manual_seed(seed)
    return [torch.randn(shape, generator=generator) for _ in range(count)]


@pytest.mark.parametrize("sampler", ["ddim", "dpmpp-2m"])
@pytest.mark.parametrize("strength", [1.0, 0.5])
def test_an_exact_denoiser_is_sampled_to_its_latent(sampler, strength):
    unconditional, conditional, noise = latents(5, 3)
    result = sample(Oracle(unconditional, conditional), CONFIG, noise=noise, guidance=1.0, steps=6,
                    sampler=sampler, strength=strength)
    assert torch.allclose(result.double(), conditional.double(), atol=1e-5)


@pytest.mark.parametrize("sampler", ["ddim", "dpmpp-2m"])
def test_guidance_extrapolates_from_the_unconditional_latent(sampler):
    unconditional, conditional, noise = latents(7, 3)
    result = sample(Oracle(unconditional, conditional), CONFIG, noise=noise, guidance=2.5, steps=4,
                    sampler=sampler)
    expected = unconditional.double() + 2.5 * (conditional.double() - unconditional.double())
    assert torch.allclose(result.double(), expected, atol=1e-5)


@pytest.mark.parametrize("sampler", ["ddim", "dpmpp-2m"])
def test_known_cells_come_back_unchanged(sampler):
    unconditional, conditional, known, noise = latents(6, 4, (1, 4, 4, 4))
    mask = torch.zeros(1, 1, 4, 4)
    mask[..., 1:3, :2] = 1
    result = sample(Oracle(unconditional, conditional), CONFIG, noise=noise, known=known, mask=mask,
                    guidance=1.0, steps=5, sampler=sampler, strength=0.7)
    assert torch.equal(result * (1 - mask), known * (1 - mask))
    assert torch.allclose((result * mask).double(), (conditional * mask).double(), atol=1e-5)
