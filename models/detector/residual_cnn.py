# SPDX-License-Identifier: GPL-3.0-or-later
"""The detector's small residual CNN (issue #19): a fixed high-pass (each channel's Laplacian, as the spectral
features' residual) -> four 3x3 convolutions of 16 channels -> the mean and standard deviation of each output
channel over the image, 32 features that the engine computes beside the spectral ones
(engine/forensics/atelier-residual-cnn.c; tests/golden/make-residual-cnn-golden.py pins it to this network).
Trained here on synthesize.py's pairs only (our own decoders: TAEF2, ESRGAN, our diffusion inpainting), each step
on the same crop of a pair's photograph and fake, never on forensics-train's generators nor on the judged
photographs, so that the harness's leave-one-generator-out figures stay honest when its features are added. The
commands that made the committed model are at the top of models/detector/README.md.

--export writes the trained weights as a model file (cnn.convs.N.weight, .bias) that `atelier detect-features
--cnn` reads, and that --write-model copies into the detector's model. --feature-cache FILE computes the
features here in PyTorch for every file of a harness feature cache, into OUT/features.pkl ({path: vector}, for
the harness's --extra-features): how the prototype was measured (docs/detector-evaluation.md).
"""
import argparse
import csv
import pickle
from pathlib import Path

import numpy as np
import torch
from PIL import Image

from models.tools.safetensors_io import write_manifest, write_safetensors

RUNS = Path("/work/runs/detector")
CHANNELS = 16
LAYERS = 4
CROP = 64
# Large photographs are read through this many crops of this side, spread over the image.
READ_CROPS, READ_SIDE = 4, 256


class ResidualCnn(torch.nn.Module):
    def __init__(self, normalise=False, channels=CHANNELS, layers=LAYERS):
        super().__init__()
        # Divides the high-pass by its own deviation, so that how much fine detail there is (what a blur
        # changes) does not move the statistics, as the spectral features' log ratios.
        self.normalise = normalise
        laplacian = torch.tensor([[0.0, -1, 0], [-1, 4, -1], [0, -1, 0]])
        self.register_buffer("high_pass", laplacian.expand(3, 1, 3, 3).clone())
        self.channels = channels
        self.convs = torch.nn.ModuleList([torch.nn.Conv2d(3 if i == 0 else channels, channels, 3)
                                          for i in range(layers)])
        self.head = torch.nn.Linear(2 * channels, 1)

    def pooled(self, x):
        """(N, 2 * channels): each last activation's mean and standard deviation over the image."""
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
    """[(real file, fake file)]: the two members of every synthesised pair, alike but for the generator."""
    members = {}
    for folder in folders:
        for row in csv.DictReader(open(folder / "index.csv")):
            key = (folder, row["file"].replace("-real", "").replace("-fake", ""))
            members.setdefault(key, [None, None])[int(row["label"])] = folder / row["file"]
    return [tuple(files) for files in members.values() if None not in files]


def load(path):
    return torch.from_numpy(np.asarray(Image.open(path).convert("RGB"), np.float32) / 255).permute(2, 0, 1)


def train(pair_files, args):
    """Aligned batches: each pair gives the same crop of its photograph and of its fake, so that the only
    difference the network can learn is the generator's trace (Rajan et al. 2024, aligned datasets)."""
    torch.manual_seed(args.seed)
    rng = np.random.default_rng(args.seed)
    images = [(load(r), load(f)) for r, f in pair_files]
    images = [(r, f) for r, f in images if r.shape == f.shape and min(r.shape[1:]) >= args.crop]
    print(f"{len(images)} pairs", flush=True)
    model = ResidualCnn(args.normalise, args.channels, args.layers)
    optimiser = torch.optim.Adam(model.parameters(), lr=args.lr)
    schedule = torch.optim.lr_scheduler.CosineAnnealingLR(optimiser, args.steps)
    labels = torch.tensor([0.0, 1.0] * (args.batch // 2))
    for step in range(args.steps):
        batch = []
        for i in rng.integers(len(images), size=args.batch // 2):
            real, fake = images[i]
            top = rng.integers(real.shape[1] - args.crop + 1)
            left = rng.integers(real.shape[2] - args.crop + 1)
            batch += [x[:, top:top + args.crop, left:left + args.crop] for x in (real, fake)]
        loss = torch.nn.functional.binary_cross_entropy_with_logits(model(torch.stack(batch)), labels)
        optimiser.zero_grad()
        loss.backward()
        optimiser.step()
        schedule.step()
        if step % 100 == 0:
            print(f"step {step} loss {loss.item():.3f}", flush=True)
    return model


def crop_origins(extent, side):
    """The crops at the image's two ends, or one when it fits: as atelier-residual-cnn.c reads them."""
    return [0, extent - side] if extent > side else [0]


@torch.no_grad()
def features_of_image(model, x):
    """@x (3, H, W) in 0..1: the pooled features averaged over up to READ_CROPS crops of READ_SIDE pixels."""
    h, w = x.shape[1:]
    side_h, side_w = min(h, READ_SIDE), min(w, READ_SIDE)
    stats = [model.pooled(x[None, :, top:top + side_h, left:left + side_w])[0].numpy()
             for top in crop_origins(h, side_h) for left in crop_origins(w, side_w)]
    return np.mean(stats, 0)


def features_of(model, path):
    return features_of_image(model, load(path))


def engine_tensors(model):
    """The tensors the engine binds (the fixed high-pass and the training head stay here)."""
    return {f"cnn.convs.{i}.{kind}": getattr(conv, kind).detach().numpy()
            for i, conv in enumerate(model.convs) for kind in ("weight", "bias")}


def export(model, out, weights_file):
    """OUT/residual-cnn.{safetensors,json}: the network alone, as a model file `atelier detect-features --cnn`
    reads."""
    out.mkdir(parents=True, exist_ok=True)
    weights = out / "residual-cnn.safetensors"
    sha = write_safetensors(weights, engine_tensors(model))
    write_manifest(out / "residual-cnn.json", name="residual-cnn", architecture="residual-cnn",
                   config={"channels": model.channels, "layers": len(model.convs), "normalise": model.normalise},
                   weights=weights, sha256=sha,
                   source=f"trained by models/detector/residual_cnn.py on models/detector/synthesize.py's pairs "
                          f"({weights_file})",
                   license="GPL-3.0-or-later", attribution="Atelier developers")
    print(f"wrote {weights} (sha256 {sha[:12]}...)")


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--synth", default=f"{RUNS / 'synth'},{RUNS / 'synth-taef2'}")
    parser.add_argument("--feature-cache", help="the harness's feature cache of an engine build: its files get the "
                                                  "CNN's features, computed here")
    parser.add_argument("--export", help="write the network as a model file into this folder")
    parser.add_argument("--steps", type=int, default=600)
    parser.add_argument("--channels", type=int, default=CHANNELS)
    parser.add_argument("--layers", type=int, default=LAYERS)
    parser.add_argument("--batch", type=int, default=16, help="crops per step, half photographs, half their fakes")
    parser.add_argument("--crop", type=int, default=CROP)
    parser.add_argument("--lr", type=float, default=3e-3)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--normalise", action="store_true", help="divide the high-pass by its deviation")
    parser.add_argument("--out", default=str(RUNS / "cnn"))
    args = parser.parse_args()
    torch.set_num_threads(2)
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    weights = out / "residual-cnn.pt"
    if weights.exists():
        model = ResidualCnn(args.normalise, args.channels, args.layers)
        model.load_state_dict(torch.load(weights))
    else:
        model = train(pairs(map(Path, args.synth.split(","))), args)
        torch.save(model.state_dict(), weights)
    model.eval()
    if args.export:
        export(model, Path(args.export), weights)
    if not args.feature_cache:
        return
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
