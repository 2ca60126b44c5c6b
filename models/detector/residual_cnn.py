# SPDX-License-Identifier: GPL-3.0-or-later
"""A small residual CNN whose pooled activations could join the detector's features (issue #19): a fixed
high-pass (each channel's Laplacian, as the spectral features' residual) -> three 3x3 convolutions -> the mean
and standard deviation of each output channel over the image. Trained here on synthesize.py's pairs only (our
own decoders: TAEF2, ESRGAN, our diffusion inpainting), never on forensics-train's generators nor on the judged
photographs, so that the harness's leave-one-generator-out figures stay honest when its features are added.

    nice -n 15 /usr/bin/python3 -m models.detector.residual_cnn --feature-cache /work/runs/detector/features-STAMP.pkl
    /usr/bin/python3 -m models.detector.harness --skip-committed \\
        --extra-features /work/runs/detector/cnn/features.pkl \\
        --families peaks,chroma,residual-axis8,residual-axis16,residual-spike,cnn

The features of every file the harness reads (its feature cache of an engine build, features-STAMP.pkl) are
written to OUT/features.pkl as {path: vector}; a prototype to measure, not the engine's: measured in
docs/detector-evaluation.md ("a small residual CNN") and not landed.
"""
import argparse
import csv
import pickle
from pathlib import Path

import numpy as np
import torch
from PIL import Image

RUNS = Path("/work/runs/detector")
CHANNELS = 8
CROP = 64
# Large photographs are read through this many crops of this side, spread over the image.
READ_CROPS, READ_SIDE = 4, 256


class ResidualCnn(torch.nn.Module):
    def __init__(self, normalise=False):
        super().__init__()
        # Divides the high-pass by its own deviation, so that how much fine detail there is (what a blur
        # changes) does not move the statistics, as the spectral features' log ratios.
        self.normalise = normalise
        laplacian = torch.tensor([[0.0, -1, 0], [-1, 4, -1], [0, -1, 0]])
        self.register_buffer("high_pass", laplacian.expand(3, 1, 3, 3).clone())
        self.convs = torch.nn.ModuleList([torch.nn.Conv2d(3, CHANNELS, 3), torch.nn.Conv2d(CHANNELS, CHANNELS, 3),
                                          torch.nn.Conv2d(CHANNELS, CHANNELS, 3)])
        self.head = torch.nn.Linear(2 * CHANNELS, 1)

    def pooled(self, x):
        """(N, 2 * CHANNELS): each last activation's mean and standard deviation over the image."""
        h = torch.nn.functional.conv2d(x * 255, self.high_pass, groups=3)
        if self.normalise:
            h = h / (h.std((1, 2, 3), keepdim=True) + 0.1)
        for i, conv in enumerate(self.convs):
            h = conv(h)
            if i < len(self.convs) - 1:
                h = torch.relu(h)
        h = torch.tanh(h / 4)  # bounded, so that one strong edge does not decide the statistics
        return torch.cat([h.mean((2, 3)), h.std((2, 3))], 1)

    def forward(self, x):
        return self.head(self.pooled(x))[:, 0]


def pairs(folders):
    rows = []
    for folder in folders:
        for row in csv.DictReader(open(folder / "index.csv")):
            rows.append((folder / row["file"], int(row["label"])))
    return rows


def load(path):
    return torch.from_numpy(np.asarray(Image.open(path).convert("RGB"), np.float32) / 255).permute(2, 0, 1)


def train(rows, steps, seed, normalise):
    torch.manual_seed(seed)
    rng = np.random.default_rng(seed)
    images = [(load(p), y) for p, y in rows]
    images = [(x, y) for x, y in images if min(x.shape[1:]) >= CROP]
    model = ResidualCnn(normalise)
    optimiser = torch.optim.Adam(model.parameters(), lr=3e-3)
    schedule = torch.optim.lr_scheduler.CosineAnnealingLR(optimiser, steps)
    for step in range(steps):
        batch, labels = [], []
        for i in rng.integers(len(images), size=16):
            x, y = images[i]
            top, left = rng.integers(x.shape[1] - CROP + 1), rng.integers(x.shape[2] - CROP + 1)
            batch.append(x[:, top:top + CROP, left:left + CROP])
            labels.append(y)
        loss = torch.nn.functional.binary_cross_entropy_with_logits(model(torch.stack(batch)),
                                                                     torch.tensor(labels, dtype=torch.float32))
        optimiser.zero_grad()
        loss.backward()
        optimiser.step()
        schedule.step()
        if step % 100 == 0:
            print(f"step {step} loss {loss.item():.3f}", flush=True)
    return model


@torch.no_grad()
def features_of(model, path):
    x = load(path)
    h, w = x.shape[1:]
    side_h, side_w = min(h, READ_SIDE), min(w, READ_SIDE)
    stats = []
    for top in np.linspace(0, h - side_h, 2 if h > side_h else 1).astype(int):
        for left in np.linspace(0, w - side_w, READ_CROPS // 2 if w > side_w else 1).astype(int):
            stats.append(model.pooled(x[None, :, top:top + side_h, left:left + side_w])[0].numpy())
    return np.mean(stats, 0)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--synth", default=f"{RUNS / 'synth'},{RUNS / 'synth-taef2'}")
    parser.add_argument("--feature-cache", required=True, help="the harness's feature cache of an engine build: "
                                                               "its files get the CNN's features")
    parser.add_argument("--steps", type=int, default=600)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--normalise", action="store_true", help="divide the high-pass by its deviation")
    parser.add_argument("--out", default=str(RUNS / "cnn"))
    args = parser.parse_args()
    torch.set_num_threads(2)
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    weights = out / "residual-cnn.pt"
    if weights.exists():
        model = ResidualCnn(args.normalise)
        model.load_state_dict(torch.load(weights))
    else:
        model = train(pairs(map(Path, args.synth.split(","))), args.steps, args.seed, args.normalise)
        torch.save(model.state_dict(), weights)
    model.eval()
    with open(args.feature_cache, "rb") as f:
        files = sorted(pickle.load(f)["table"])
    table = {}
    for n, path in enumerate(files):
        table[path] = features_of(model, path)
        if n % 200 == 0:
            print(f"features {n} / {len(files)}", flush=True)
    with open(out / "features.pkl", "wb") as f:
        pickle.dump(table, f)


if __name__ == "__main__":
    main()
