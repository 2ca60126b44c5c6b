# SPDX-License-Identifier: GPL-3.0-or-later
"""Real products cut out of studio photographs on plain backgrounds, by keying
against the measured background colour (no segmentation network involved),
for make_product_set.py.

The background is modelled as a smooth quadratic colour field fitted to a
border band of the photograph (the studio's grey sweeps are gradients). A
pixel's distance from it, max over R, G, B in 8-bit levels, decides:
  - the object's hard core: distance > `threshold`, minus specks, the
    connected components large enough to be the object; enclosed background
    (distance <= threshold) is a hole of the object when its area is at
    least `min_hole` pixels (a strap's loop, a mug's handle), otherwise part
    of it (white print on a strap, a pale watch face);
  - its edge: within `band` px of the core's contour alpha is the distance
    relative to the object's own distance nearby, clipped to 0..1, so
    antialiased and soft edges stay partly transparent; 1 deeper inside,
    0 further out.
The foreground colour in the edge is the photograph unmixed from the modelled
background, F = B + (I - B) / alpha, so that alpha F + (1 - alpha) B gives the
photograph back wherever alpha > 0.
"""
import numpy as np
from PIL import Image
from scipy import ndimage

BORDER = 12  # px of the photograph's border that show only background


def background_model(image):
    """A quadratic colour field (h, w, 3) fitted to the border band."""
    h, w, _ = image.shape
    y, x = np.mgrid[0:h, 0:w]
    border = np.zeros((h, w), bool)
    border[:BORDER], border[-BORDER:], border[:, :BORDER], border[:, -BORDER:] = True, True, True, True
    u, v = x / w - 0.5, y / h - 0.5
    basis = np.stack([np.ones_like(u), u, v, u * u, u * v, v * v], -1)
    coef, *_ = np.linalg.lstsq(basis[border], image[border], rcond=None)
    return basis @ coef


def key(path, threshold, min_hole, band=2.0, min_component=0.02):
    """Returns (alpha (h, w) in 0..1, foreground (h, w, 3) in 0..1), cropped to the object with a margin."""
    image = np.asarray(Image.open(path).convert("RGB"), np.float64)
    back = background_model(image)
    distance = np.abs(image - back).max(-1)
    core = ndimage.binary_opening(distance > threshold, iterations=2)
    labels, n = ndimage.label(core)
    sizes = ndimage.sum(core, labels, range(1, n + 1))
    core = np.isin(labels, 1 + np.flatnonzero(sizes >= min_component * sizes.max()))
    enclosed, n = ndimage.label(~core)
    outside = set(np.unique(np.concatenate([enclosed[0], enclosed[-1], enclosed[:, 0], enclosed[:, -1]])))
    hole_sizes = ndimage.sum(~core, enclosed, range(1, n + 1))
    small = [i + 1 for i in range(n) if i + 1 not in outside and hole_sizes[i] < min_hole]
    core |= np.isin(enclosed, small)
    # Distance to the core's contour, either side.
    to_core = ndimage.distance_transform_edt(~core)
    to_outside = ndimage.distance_transform_edt(core)
    edge = np.where(core, to_outside, -to_core)
    # The object's own distance from the background near its edge: the 90th percentile of a 9 x 9
    # neighbourhood's distance inside the core.
    inside_distance = np.where(core, distance, 0)
    reference = np.maximum(ndimage.maximum_filter(ndimage.median_filter(inside_distance, 3), 9), threshold + 1)
    soft = np.clip(distance / reference, 0, 1)
    alpha = np.where(edge > band, 1.0, np.where(edge < -band, 0.0, soft))
    alpha = np.where(core & (edge <= band), np.maximum(alpha, 0.5 * (edge > 0.5)), alpha)
    safe = np.maximum(alpha, 1e-3)[..., None]
    foreground = np.clip((back + (image - back) / safe) / 255.0, 0, 1)
    foreground = np.where(alpha[..., None] > 0, foreground, image / 255.0)
    ys, xs = np.nonzero(alpha > 0)
    margin = 4
    top, bottom = max(ys.min() - margin, 0), min(ys.max() + margin + 1, alpha.shape[0])
    left, right = max(xs.min() - margin, 0), min(xs.max() + margin + 1, alpha.shape[1])
    return alpha[top:bottom, left:right].astype(np.float32), foreground[top:bottom, left:right].astype(np.float32)
