# SPDX-License-Identifier: GPL-3.0-or-later
"""The processing an image meets in the wild, drawn at random and applied alike to real and generated training
images, so that none of it tells the classes apart: blur (soft focus, motion, noise reduction), resizing by
0.5-1.5x with one of four kernels, sensor-like noise, and JPEG at quality 60-100 with or without 4:2:0 chroma
subsampling (models/detector/README.md)."""
import io

import numpy as np
from PIL import Image, ImageFilter

KERNELS = {"nearest": Image.NEAREST, "bilinear": Image.BILINEAR, "bicubic": Image.BICUBIC,
           "lanczos": Image.LANCZOS}
BLURRED_SHARE = 0.25
NOISY_SHARE = 0.2
RESIZED_SHARE = 0.5
JPEG_SHARE = 0.5
# A file that was a JPEG already carries JPEG's 8x8 grid in its pixels; saved as PNG at its own scale, that
# grid would read as a generator's up-sampling peaks in whichever class it came from. It is compressed again
# unless reduced by at least this factor, so that the engine sees a JPEG and sets that grid aside.
JPEG_GRID_SURVIVES_ABOVE = 0.9


class Augmentation:
    """One image's draws: blur radius (px, 0 none), noise sigma (levels of 255, 0 none), resize factor and kernel,
    JPEG quality (0: PNG) and chroma subsampling (PIL's code: 0 4:4:4, 2 4:2:0)."""

    def __init__(self, blur, noise, resize, kernel, quality, subsampling, png_after_jpeg=False):
        self.blur, self.noise, self.resize, self.kernel = blur, noise, resize, kernel
        self.quality, self.subsampling = quality, subsampling
        self.png_after_jpeg = png_after_jpeg  # compressed at @quality, then saved as PNG: JPEG's grid, no JPEG flag

    def describe(self):
        return {"blur": f"{self.blur:.2f}", "noise": f"{self.noise:.1f}", "resize": f"{self.resize:.3f}",
                "kernel": self.kernel, "jpeg_quality": self.quality, "subsampling": self.subsampling,
                "png_after_jpeg": int(self.png_after_jpeg)}

    def suffix(self):
        return ".jpg" if self.quality and not self.png_after_jpeg else ".png"


def draw(rng, jpeg_origin, png_after_jpeg_share=0.0):
    """@jpeg_origin: the image was decoded from a JPEG (see JPEG_GRID_SURVIVES_ABOVE). @png_after_jpeg_share: the
    share of images JPEG-compressed and then saved as PNG, as people convert files: JPEG's grid without the file
    type that would set it aside (drawn last, so that without it the draws are those of earlier runs)."""
    blur = float(np.exp(rng.uniform(np.log(0.5), np.log(3.0)))) if rng.random() < BLURRED_SHARE else 0.0
    noise = float(rng.uniform(1, 4)) if rng.random() < NOISY_SHARE else 0.0
    resize = float(np.exp(rng.uniform(np.log(0.5), np.log(1.5)))) if rng.random() < RESIZED_SHARE else 1.0
    kernel = list(KERNELS)[int(rng.integers(len(KERNELS)))]
    quality = int(rng.integers(60, 101))
    subsampling = 2 if rng.random() < 0.5 else 0
    if not (jpeg_origin and resize >= JPEG_GRID_SURVIVES_ABOVE) and rng.random() >= JPEG_SHARE:
        quality = 0
    png_after_jpeg = png_after_jpeg_share > 0 and rng.random() < png_after_jpeg_share
    if png_after_jpeg:
        quality = quality or int(rng.integers(60, 101))
    return Augmentation(blur, noise, resize, kernel, quality, subsampling, png_after_jpeg)


def apply(image, augmentation, rng):
    """@image: (H, W, 3) uint8 -> the processed PIL image (before its encoding)."""
    picture = Image.fromarray(image)
    if augmentation.blur:
        picture = picture.filter(ImageFilter.GaussianBlur(augmentation.blur))
    if augmentation.resize != 1:
        w, h = picture.size
        size = (max(64, round(w * augmentation.resize)), max(64, round(h * augmentation.resize)))
        picture = picture.resize(size, KERNELS[augmentation.kernel])
    if augmentation.noise:
        pixels = np.asarray(picture, np.float32) + rng.normal(0, augmentation.noise, (picture.height, picture.width, 3))
        picture = Image.fromarray(np.clip(pixels + 0.5, 0, 255).astype(np.uint8))
    return picture


def save(picture, base, augmentation):
    """@picture as base.jpg or base.png as @augmentation says; returns the path. Written under a hidden name
    and renamed, so that an interrupted run leaves no truncated file behind."""
    path = base.with_name(base.name + augmentation.suffix())
    partial = path.with_name("." + path.name)
    if augmentation.png_after_jpeg:
        encoded = io.BytesIO()
        picture.save(encoded, format="JPEG", quality=augmentation.quality, subsampling=augmentation.subsampling)
        Image.open(encoded).convert("RGB").save(partial, format="PNG", compress_level=1)
    elif augmentation.quality:
        picture.save(partial, format="JPEG", quality=augmentation.quality, subsampling=augmentation.subsampling)
    else:
        picture.save(partial, format="PNG", compress_level=1)  # the fastest: the pixels are the same
    partial.rename(path)
    return path
