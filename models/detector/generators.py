# SPDX-License-Identifier: GPL-3.0-or-later
"""Generator-like decoders that turn real photographs into fakes for training the AI-artifact detector, the
way AutoGAN (Zhang, Karaman and Chang 2019) does: the fakes carry the traces of a generator's up-sampling
path while their content stays that of a real photograph, so the classifier cannot learn content.

- taef2: our pretrained latent autoencoder (8x down, nearest-neighbour up-sampling + convolutions), the
  same decoder our diffusion filters use.
- small autoencoders (4x down) trained here to reconstruct photographs sharply, one per
  up-sampling layer found in generators: transposed convolution, nearest + conv, bilinear + conv, and
  sub-pixel convolution (pixel shuffle).
- the ESRGAN super-resolution networks (GAN-trained RDN/RRDN, pixel shuffle or nearest up-sampling) run by
  our own engine on a 2x or 4x reduced copy (see synthesize.py).
Everything is seeded; the trained decoders are cached beside the training set."""
from pathlib import Path

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

from models.taef2 import taef2_torch

UPSAMPLERS = ("transposed", "nearest", "bilinear", "pixelshuffle")
AUTOENCODER_STEPS = 1500
SPECTRUM_WEIGHT = 0.5


class Upsample(nn.Module):
    def __init__(self, kind, channels):
        super().__init__()
        self.kind = kind
        if kind == "transposed":
            self.layer = nn.ConvTranspose2d(channels, channels, 4, stride=2, padding=1)
        elif kind == "pixelshuffle":
            self.layer = nn.Sequential(nn.Conv2d(channels, 4 * channels, 3, padding=1), nn.PixelShuffle(2))
        else:
            self.layer = nn.Conv2d(channels, channels, 3, padding=1)

    def forward(self, x):
        if self.kind in ("nearest", "bilinear"):
            corners = {"align_corners": False} if self.kind == "bilinear" else {}
            x = F.interpolate(x, scale_factor=2, mode=self.kind, **corners)
        return self.layer(x)


class SmallAutoencoder(nn.Module):
    def __init__(self, kind, width=48):
        super().__init__()
        self.encode = nn.Sequential(
            nn.Conv2d(3, width, 3, padding=1), nn.LeakyReLU(0.2),
            nn.Conv2d(width, width, 4, stride=2, padding=1), nn.LeakyReLU(0.2),
            nn.Conv2d(width, width, 4, stride=2, padding=1), nn.LeakyReLU(0.2),
            nn.Conv2d(width, 8, 3, padding=1))
        self.decode = nn.Sequential(
            nn.Conv2d(8, width, 3, padding=1), nn.LeakyReLU(0.2),
            Upsample(kind, width), nn.LeakyReLU(0.2),
            Upsample(kind, width), nn.LeakyReLU(0.2),
            nn.Conv2d(width, 3, 3, padding=1))

    def forward(self, x):
        return torch.sigmoid(self.decode(self.encode(x)))


def random_patches(images, rng, count, size):
    out = np.empty((count, 3, size, size), np.float32)
    for i in range(count):
        img = images[rng.integers(len(images))]
        y = rng.integers(img.shape[0] - size + 1)
        x = rng.integers(img.shape[1] - size + 1)
        out[i] = img[y:y + size, x:x + size].transpose(2, 0, 1)
    return torch.from_numpy(out)


def log_amplitude(x):
    return torch.log1p(10 * torch.fft.rfft2(x, norm="ortho").abs())


def train_autoencoder(kind, images, seed, steps=AUTOENCODER_STEPS, log=print):
    """Trains a small autoencoder to reconstruct 64x64 patches. L1 alone rewards blur: after 300 steps the
    reconstructions (21.8 dB) kept a tenth of a photograph's energy above half the Nyquist frequency, so the
    detector learnt "blurred means generated", a cue that turns against it on real generators' faces (the
    fit error of the spectrum's decay, which such blur raises, is lower on forensics-dev's fakes than on its
    real faces). The L1 distance of the log amplitude spectra keeps the decoder from settling for blur:
    1500 steps with it gave 27.0 dB and half the photograph's energy above half the Nyquist frequency (the
    transposed-convolution decoder, 128-pixel patches of the training photographs), so what the fakes keep is
    mostly the up-sampling layer's own trace."""
    torch.manual_seed(seed)
    rng = np.random.default_rng(seed)
    net = SmallAutoencoder(kind)
    optimiser = torch.optim.Adam(net.parameters(), lr=2e-3)
    schedule = torch.optim.lr_scheduler.CosineAnnealingLR(optimiser, steps, eta_min=1e-4)
    for step in range(steps):
        batch = random_patches(images, rng, 16, 64)
        output = net(batch)
        pixel_loss = (output - batch).abs().mean()
        spectrum_loss = (log_amplitude(output) - log_amplitude(batch)).abs().mean()
        loss = pixel_loss + SPECTRUM_WEIGHT * spectrum_loss
        optimiser.zero_grad()
        loss.backward()
        optimiser.step()
        schedule.step()
        if step % 250 == 0 or step == steps - 1:
            log(f"  {kind} step {step}: L1 {pixel_loss.item():.4f}, spectrum {spectrum_loss.item():.4f}")
    return net.eval()


def load_autoencoders(cache_dir, images, seed, log=print):
    nets = {}
    for i, kind in enumerate(UPSAMPLERS):
        # The cache's name carries the recipe, so a changed recipe retrains rather than reuses.
        path = Path(cache_dir) / f"autoencoder-{kind}-{AUTOENCODER_STEPS}-steps-spectrum-{SPECTRUM_WEIGHT:g}.pt"
        if path.exists():
            net = SmallAutoencoder(kind)
            net.load_state_dict(torch.load(path, weights_only=True))
            nets[kind] = net.eval()
        else:
            log(f"training the {kind} autoencoder")
            nets[kind] = train_autoencoder(kind, images, seed + i, log=log)
            torch.save(nets[kind].state_dict(), path)
    return nets


def load_taef2(shared):
    return taef2_torch.load(Path(shared))


@torch.no_grad()
def run(net, image):
    """image: (H, W, 3) float 0..1 with H, W multiples of 8 -> the network's reconstruction."""
    x = torch.from_numpy(np.ascontiguousarray(image.transpose(2, 0, 1)))[None]
    return net(x)[0].clamp(0, 1).numpy().transpose(1, 2, 0)


class Taef2RoundTrip(nn.Module):
    def __init__(self, encoder, decoder):
        super().__init__()
        self.encoder, self.decoder = encoder, decoder

    def forward(self, x):
        return self.decoder(self.encoder(x))
