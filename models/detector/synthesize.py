# SPDX-License-Identifier: GPL-3.0-or-later
"""Builds the detector's training set: crops of real photographs at native resolution, and the same crops
passed through a generator-like decoder (see generators.py), with blur, JPEG and resize augmentation applied
identically to both members of every pair, so that neither softness, compression nor scaling tells the classes
apart.

Reads ../shared/data/train and the photographs among the KDE and MATE wallpapers (see models/detector/README.md
for sources and licences); writes images and index.csv into --out (default build/detector-training).
Deterministic for a given --seed; rerunning skips pairs already written, so an interrupted run resumes.

    /usr/bin/python3 -m models.detector.synthesize --crops-per-image 3
"""
import argparse
import csv
import subprocess
import sys
import tempfile
from pathlib import Path

import numpy as np
from PIL import Image, ImageFilter

from models.detector import augment, generators
from models.tools.cpu_setup import configure_cpu
from models.tools.paths import ROOT, SHARED

# Sources stored as (or decoded from) JPEG files carry JPEG's 8x8 grid in their "real" crops: their pairs are
# always JPEG-compressed again (unless shrunk), so the detector sees that grid as JPEG's and sets it aside.
JPEG_ORIGIN = ("bsds200", "sun_hays80", "debian-wallpapers")
# The photographs among the wallpapers Debian ships (KDE's and MATE's, GPL-2+, authors in each package's
# copyright file; scripts/setup-debian.sh --models installs them), chosen by eye: the renders, gradients and
# black-and-white ones are left out. Most are close-ups with a shallow depth of field: soft real photographs,
# which the shared training set has few of. All are JPEGs.
WALLPAPER_PHOTOGRAPHS = tuple(
    [f"/usr/share/wallpapers/{name}/contents/images/2560x1600.jpg"
     for name in ("BytheWater", "ColorfulCups", "EveningGlow", "FallenLeaf", "Kite", "OneStandsOut", "Path")]
    + [f"/usr/share/backgrounds/mate/nature/{name}.jpg"
       for name in ("Aqua", "Blinds", "Dune", "FreshFlower", "Garden", "GreenMeadow", "LadyBird", "RainDrops",
                    "Storm", "TwoWings", "Wood", "YellowFlower")])
# The blur of a softened pair's crop (--soften-share): a focus a little off to a 1-2 px blur, as the soft
# photographs the detector must not flag.
SOFTEN_SIGMA = (0.5, 1.5)
ESRGAN = (("slim", 2), ("slim", 4), ("medium", 2), ("medium", 4), ("thick", 2), ("thick", 4))


class Source:
    """A training photograph: its file, a name unique in the set (the index's "source", by which the fit is
    split), and its origin, the collection it comes from."""

    def __init__(self, path, name, origin):
        self.path, self.name, self.origin = path, name, origin


def source_images(shared):
    train = sorted(p for p in (Path(shared) / "data/train").glob("*/*")
                   if p.suffix.lower() in (".png", ".jpg", ".jpeg"))
    if not train:
        sys.exit(f"no training images under {shared}/data/train")
    missing = [path for path in WALLPAPER_PHOTOGRAPHS if not Path(path).exists()]
    if missing:
        sys.exit(f"{missing[0]} is missing: scripts/setup-debian.sh --models installs the wallpapers")
    return ([Source(p, f"{p.parent.name}/{p.name}", p.parent.name) for p in train]
            + [Source(Path(path), wallpaper_name(path), "debian-wallpapers") for path in WALLPAPER_PHOTOGRAPHS])


def wallpaper_name(path):
    parts = Path(path).parts
    return f"{parts[3]}/{parts[4]}" if parts[3] == "wallpapers" else f"mate/{Path(path).stem}"


def load_rgb(path):
    return np.asarray(Image.open(path).convert("RGB"))


def esrgan_fake(crop, model, scale, atelier, workdir):
    h, w = crop.shape[:2]
    small = Image.fromarray(crop).resize((w // scale, h // scale), Image.BICUBIC)
    src, dst = Path(workdir) / "lr.png", Path(workdir) / "sr.png"
    small.save(src)
    subprocess.run([atelier, "upscale", "--scale", str(scale), "--model", model, str(src), str(dst)], check=True,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return np.asarray(Image.open(dst).convert("RGB"))


def diffusion_fake(crop, atelier, workdir, seed):
    """Our own latent diffusion inpainting (engine, default U-Net and TAEF2) over a random box of 40-90 % of
    each side: the box is generated, the rest passes through the filter's compositing as the filter leaves it."""
    h, w = crop.shape[:2]
    rng = np.random.default_rng(seed)
    bh, bw = int(h * rng.uniform(0.4, 0.9)), int(w * rng.uniform(0.4, 0.9))
    y, x = int(rng.integers(h - bh + 1)), int(rng.integers(w - bw + 1))
    mask = np.zeros((h, w), np.uint8)
    mask[y:y + bh, x:x + bw] = 255
    src, mask_path, dst = Path(workdir) / "src.png", Path(workdir) / "mask.png", Path(workdir) / "filled.png"
    Image.fromarray(crop).save(src)
    Image.fromarray(mask).save(mask_path)
    subprocess.run([atelier, "inpaint", "--steps", "10", "--seed", str(seed), "--mask", str(mask_path), str(src),
                    str(dst)], check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return np.asarray(Image.open(dst).convert("RGB"))


def network_fake(crop, net):
    out = generators.run(net, crop.astype(np.float32) / 255)
    return (out * 255 + 0.5).astype(np.uint8)


def augment_and_save(image, base, pair):
    """The same processing for both members of a pair (augment.py), the noise drawn from the pair's seed."""
    picture = augment.apply(image, pair.augmentation, np.random.default_rng(pair.generator_seed))
    return augment.save(picture, base, pair.augmentation)


class Pair:
    """One pair's random choices, all drawn up front so that the set is the same however it is made. @soften: the
    Gaussian blur (px, 0 none) of the photograph's crop before the generator sees it, so that the real member is a
    soft photograph and the fake that photograph's reconstruction: a network that learns "less fine detail" as
    the generator's trace (a decoder loses detail) reads every soft photograph as generated."""

    def __init__(self, index, crop, name, kind, augmentation, generator_seed, soften=0.0):
        self.index, self.crop, self.name, self.kind = index, crop, name, kind
        self.augmentation, self.generator_seed, self.soften = augmentation, generator_seed, soften


def plan_pairs(sources, kinds, crops_per_image, rng, soften_share=0.0):
    plan = []
    for index, source in enumerate(sources):
        with Image.open(source.path) as picture:
            w, h = picture.size
        for c in range(crops_per_image):
            augmentation = augment.draw(rng, source.origin in JPEG_ORIGIN)
            # A crop large enough to stay analysable once reduced, at any offset: the 8x8 grid of a JPEG
            # source moves with it, as it does in the wild.
            side = int(int(rng.integers(160, 513)) / min(augmentation.resize, 1.0)) // 8 * 8
            ch, cw = min(side, h // 8 * 8), min(int(side * rng.uniform(0.75, 1.34)) // 8 * 8, w // 8 * 8)
            y, x = int(rng.integers(h - ch + 1)), int(rng.integers(w - cw + 1))
            kind = kinds[int(rng.integers(len(kinds)))]
            generator_seed = int(rng.integers(2**31 - 1))
            # Drawn last, so that without it the plan is that of earlier runs.
            soften = float(rng.uniform(*SOFTEN_SIGMA)) if soften_share and rng.random() < soften_share else 0.0
            plan.append(Pair(index, (y, x, ch, cw), f"{index:04d}-{c}", kind, augmentation, generator_seed, soften))
    return plan


def pair_files(out, pair):
    suffix = pair.augmentation.suffix()
    return (out / "images" / f"{pair.name}-real{suffix}", out / "images" / f"{pair.name}-fake{suffix}")


class PairMaker:
    def __init__(self, out, atelier, workdir, networks):
        self.out, self.atelier, self.workdir, self.networks = out, atelier, workdir, networks

    def __call__(self, pair, image):
        real_file, fake_file = pair_files(self.out, pair)
        if fake_file.exists() and real_file.exists():
            return
        y, x, ch, cw = pair.crop
        crop = np.ascontiguousarray(image[y:y + ch, x:x + cw])
        if pair.soften:
            crop = np.asarray(Image.fromarray(crop).filter(ImageFilter.GaussianBlur(pair.soften)))
        if pair.kind == "diffusion":
            fake = diffusion_fake(crop, self.atelier, self.workdir, pair.generator_seed)
        elif pair.kind.startswith("esrgan-"):
            _, model, scale = pair.kind.split("-")
            fake = esrgan_fake(crop, model, int(scale[1:]), self.atelier, self.workdir)
        else:
            fake = network_fake(crop, self.networks[pair.kind])
        augment_and_save(crop, real_file.with_suffix(""), pair)
        augment_and_save(fake, fake_file.with_suffix(""), pair)


def make_pairs(pairs, sources, make):
    for n, pair in enumerate(pairs):
        if n == 0 or pair.index != pairs[n - 1].index:
            image = load_rgb(sources[pair.index].path)
            if pair.index % 20 == 0:
                print(f"{pair.index + 1}/{len(sources)} {sources[pair.index].name}", flush=True)
        make(pair, image)


def write_index(out, pairs, sources):
    rows = []
    for pair in pairs:
        for label, file in enumerate(pair_files(out, pair)):
            rows.append({"file": str(file.relative_to(out)), "label": label, "source": sources[pair.index].name,
                         "generator": pair.kind if label else "real", **pair.augmentation.describe(),
                         "soften": f"{pair.soften:.2f}"})
    with open(out / "index.csv", "w", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    print(f"{len(rows)} images in {out}")


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--shared", default=str(SHARED))
    parser.add_argument("--out", default=str(ROOT / "build/detector-training"))
    parser.add_argument("--atelier", default=str(ROOT / "build/cli/atelier"))
    parser.add_argument("--crops-per-image", type=int, default=2)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--soften-share", type=float, default=0.0,
                        help="share of the pairs whose crop is blurred before the generator sees it (Pair)")
    parser.add_argument("--kinds", help="comma-separated generators to draw from (default: all of them), e.g. taef2")
    parser.add_argument("--index-existing", action="store_true",
                        help="only index the pairs already written (of an interrupted run) and stop")
    parser.add_argument("--without-small-decoders", action="store_true",
                        help="stop after the pairs that need no training (TAEF2, ESRGAN, our diffusion)")
    args = parser.parse_args()
    configure_cpu()

    out = Path(args.out)
    (out / "images").mkdir(parents=True, exist_ok=True)
    sources = source_images(args.shared)
    rng = np.random.default_rng(args.seed)
    print(f"{len(sources)} source images")

    kinds = (["taef2", "diffusion"] + [f"ae-{k}" for k in generators.UPSAMPLERS]
             + [f"esrgan-{m}-x{s}" for m, s in ESRGAN])
    if args.kinds:
        kinds = [k for k in kinds if k in args.kinds.split(",")]
    plan = plan_pairs(sources, kinds, args.crops_per_image, rng, args.soften_share)
    if args.index_existing:
        write_index(out, [p for p in plan if all(f.exists() for f in pair_files(out, p))], sources)
        return

    # The small autoencoders train for about an hour on 2 cores: every other pair is made first and indexed,
    # so that an interrupted run keeps them and the features of most of the set can be studied meanwhile.
    taef2 = generators.Taef2RoundTrip(*generators.load_taef2(args.shared))
    with tempfile.TemporaryDirectory() as workdir:
        make = PairMaker(out, args.atelier, workdir, {"taef2": taef2})
        make_pairs([p for p in plan if not p.kind.startswith("ae-")], sources, make)
        write_index(out, [p for p in plan if not p.kind.startswith("ae-")], sources)
        if args.without_small_decoders:
            return
        # The decoders learn from the shared photographs alone, so that adding sources leaves them as cached.
        shared = [source for source in sources if source.origin != "debian-wallpapers"]
        patch_rng = np.random.default_rng(args.seed + 1000)
        patch_sources = [load_rgb(shared[i].path).astype(np.float32) / 255
                         for i in patch_rng.choice(len(shared), size=min(48, len(shared)), replace=False)]
        autoencoders = generators.load_autoencoders(out, patch_sources, args.seed)
        del patch_sources
        make.networks.update({f"ae-{k}": net for k, net in autoencoders.items()})
        make_pairs([p for p in plan if p.kind.startswith("ae-")], sources, make)
    write_index(out, plan, sources)


if __name__ == "__main__":
    main()
