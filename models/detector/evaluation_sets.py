# SPDX-License-Identifier: GPL-3.0-or-later
"""The images the detector is measured on, and the groups that keep training and testing apart: the fakes of
../shared/data/forensics-train by generator and prompt, the real photographs it is judged on (forensics-train's,
Set5/Set14, the Debian wallpaper photographs) by fold, and forensics-dev's faces."""
import re
import zlib
from pathlib import Path

from models.detector.synthesize import WALLPAPER_PHOTOGRAPHS, wallpaper_name

DIFFUSION_GENERATORS = ("midjourney-v3", "stable-diffusion-beta-2022", "dalle2", "latent-diffusion", "glid-3-xl",
                        "disco-diffusion", "majesty-diffusion", "kandinsky-3", "flux1-dev", "flux1-schnell",
                        "sd3.5-large", "sdxl", "sdxl-turbo", "stable-cascade")
# ComfyUI's example folders: one image each, too few for an AUC of their own; also measured together.
ONE_IMAGE_GENERATORS = ("flux1-dev", "flux1-schnell", "sd3.5-large", "sdxl", "sdxl-turbo", "stable-cascade")
FOLDS = 5


class Item:
    """One image: its file, label (1 generated), generator ("real" for photographs), the group that must not be
    on both sides of a split (a prompt of dcsan/imagen, shared by its folders; a photograph), and its fold."""

    def __init__(self, path, label, generator, group):
        self.path, self.label, self.generator, self.group = Path(path), label, generator, group
        self.fold = fold_of(group)


def fold_of(group):
    return zlib.crc32(group.encode()) % FOLDS


def prompt_group(path):
    """dcsan/imagen's files are named <prompt-folder>_<model>-<n>; the other folders' files stand alone."""
    match = re.fullmatch(r"(.+)_[a-z0-9]+-[0-9]+", path.stem)
    return match.group(1) if match else f"{path.parent.name}/{path.stem}"


def forensics_train_fakes(shared):
    root = Path(shared) / "data/forensics-train/fake"
    return [Item(p, 1, p.parent.name, prompt_group(p))
            for p in sorted(root.glob("*/*")) if p.suffix.lower() in (".png", ".jpg", ".jpeg")]


def judged_photographs(shared):
    """The real photographs the targets count false alarms on, each its own group."""
    shared = Path(shared)
    photos = (sorted((shared / "data/forensics-train/real").glob("*/*"))
              + sorted((shared / "data/sr-dev").glob("Set*/*.png")))
    items = [Item(p, 0, "real", f"{p.parent.name}/{p.name}") for p in photos]
    items += [Item(p, 0, "real", wallpaper_name(p)) for p in WALLPAPER_PHOTOGRAPHS]
    return items


def collection(item):
    """Which collection a judged photograph comes from, for the per-collection false-alarm rates."""
    if "forensics-train" in item.path.parts:
        return "forensics-train/real"
    if "sr-dev" in item.path.parts:
        return "Set5/Set14"
    return "Debian wallpapers"


def development_faces(shared):
    """forensics-dev: {(generator, size): [paths]}, generator "Real" for the real images."""
    found = {}
    for p in sorted((Path(shared) / "data/forensics-dev").glob("*/*/*.png")):
        found.setdefault((p.parents[1].name, p.parent.name), []).append(p)
    return found
