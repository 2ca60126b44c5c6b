# SPDX-License-Identifier: GPL-3.0-or-later
"""Training variants of whole images (forensics-train's generated images and the judged photographs): crops at
arbitrary offsets, processed by augment.py, written once into a cache folder. Both classes get the same draws'
distribution, so that size, format and compression say nothing about the class (forensics-train's README: its
fakes are mostly PNG of 256-1024 px, its photographs 3008x2000 camera JPEGs)."""
import zlib
from pathlib import Path

import numpy as np
from PIL import Image

from models.detector import augment

# The largest crop side: camera photographs are cut to the sizes generated images come in.
LARGEST_SIDE = 1024
SMALLEST_SIDE = 160
# DALL-E 2 (Labs) images carry a coloured-squares signature in their bottom-right corner, about 80x16 px: a
# visible watermark, not a trace of generation, so training crops leave out their lowest rows.
WATERMARKED = {"dalle2": 24}


def crop_box(h, w, rng):
    side_h = int(rng.uniform(0.6, 1.0) * min(h, LARGEST_SIDE))
    side_w = int(rng.uniform(0.6, 1.0) * min(w, LARGEST_SIDE))
    side_h, side_w = max(min(h, SMALLEST_SIDE), side_h), max(min(w, SMALLEST_SIDE), side_w)
    y, x = int(rng.integers(h - side_h + 1)), int(rng.integers(w - side_w + 1))
    return y, x, side_h, side_w


def variants(item, count, cache, seed, png_after_jpeg_share=0.0):
    """@count processed crops of @item (evaluation_sets.Item) as [(path, augmentation)], made once (a cache per
    augmentation recipe: the file names do not say how they were made)."""
    rng = np.random.default_rng([seed, zlib.crc32(str(item.path).encode())])
    image = None
    made = []
    for n in range(count):
        augmentation = augment.draw(rng, item.path.suffix.lower() in (".jpg", ".jpeg"), png_after_jpeg_share)
        noise_seed = int(rng.integers(2**31 - 1))
        box_rng = np.random.default_rng(noise_seed)
        base = Path(cache) / f"{zlib.crc32(str(item.path).encode()):08x}-{n}"
        path = base.with_name(base.name + augmentation.suffix())
        if not path.exists():
            if image is None:
                image = np.asarray(Image.open(item.path).convert("RGB"))
                image = image[:image.shape[0] - WATERMARKED.get(item.generator, 0)]
            y, x, ch, cw = crop_box(*image.shape[:2], box_rng)
            picture = augment.apply(np.ascontiguousarray(image[y:y + ch, x:x + cw]), augmentation, box_rng)
            Path(cache).mkdir(parents=True, exist_ok=True)
            augment.save(picture, base, augmentation)
        made.append((path, augmentation))
    return made
