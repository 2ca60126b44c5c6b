# SPDX-License-Identifier: GPL-3.0-or-later
"""The detector's 63 features (radial, decay, angle, peak, chroma and Laplacian residual families), worked out in
NumPy from their definitions (the comments of engine/forensics/atelier-spectral-features.h and atelier-tile-spectra.h,
models/detector/README.md) on a few synthetic crops, into tests/golden/detector-features-golden.safetensors
for tests/test-detector.c. The C test then catches a change of the engine's feature code, which the trained
model would no longer match.

Run with Debian's python3-numpy, from the repository root:
  /usr/bin/python3 -m tests.golden.make-detector-features-golden
Nothing here shares code with the engine: whole-spectrum NumPy where the engine walks half spectra."""
from pathlib import Path

import numpy as np

from models.tools.safetensors_io import write_safetensors

OUT = Path(__file__).resolve().parent / "detector-features-golden.safetensors"
rng = np.random.default_rng(20261206)

# ---------------------------------------------------------------- spectra


def hann(n):
    return np.sin(np.pi * (np.arange(n) + 0.5) / n) ** 2


def cross_difference(channel):
    """x(i,j) - x(i+1,j) - x(i,j+1) + x(i+1,j+1); past the last row or column the edge pixel repeats."""
    p = np.pad(channel, ((0, 1), (0, 1)), mode="edge")
    return p[:-1, :-1] - p[1:, :-1] - p[:-1, 1:] + p[1:, 1:]


def tile_origins(extent, n):
    """Tiles spread evenly, the first at 0 and the last ending at the border."""
    count = -(-extent // n)
    if count == 1:
        return [0]
    return [int(np.floor(i * (extent - n) / (count - 1) + 0.5)) for i in range(count)]


def residual_spectra(image, n):
    """Every n x n tile's full 2-D DFT of each channel's residual, mean removed and Hann windowed:
    (tiles, 3, n, n) complex."""
    window = np.outer(hann(n), hann(n))
    residual = np.stack([cross_difference(c) for c in image.astype(np.float64)])
    spectra = []
    for y in tile_origins(image.shape[1], n):
        for x in tile_origins(image.shape[2], n):
            tile = residual[:, y:y + n, x:x + n]
            tile = tile - tile.mean(axis=(1, 2), keepdims=True)
            spectra.append(np.fft.fft2(tile * window))
    return np.array(spectra)


def frequency(n):
    """|f| of every bin of the full spectrum, in units of Nyquist (1 on the axes' Nyquist bins)."""
    f = 2 * np.fft.fftfreq(n)
    return np.hypot(f[None, :], f[:, None])


def tile_powers(plane, n):
    """Every n x n tile's |DFT|^2 of @plane (H, W), mean removed and Hann windowed: (tiles, n, n)."""
    window = np.outer(hann(n), hann(n))
    powers = []
    for y in tile_origins(plane.shape[0], n):
        for x in tile_origins(plane.shape[1], n):
            tile = plane[y:y + n, x:x + n]
            powers.append(np.abs(np.fft.fft2((tile - tile.mean()) * window)) ** 2)
    return np.array(powers)


def luma(image):
    return np.tensordot([0.299, 0.587, 0.114], image.astype(np.float64), axes=1)


def luminance_power(image, n):
    """Every tile's power spectrum of the BT.601 luma."""
    return tile_powers(luma(image), n)


def laplacian_power(image, n):
    """Every tile's power spectrum of the luma's Laplacian residual 4 Y(x, y) - its four neighbours (past the
    image's border its edge pixel repeats)."""
    y = np.pad(luma(image), 1, mode="edge")
    return tile_powers(4 * y[1:-1, 1:-1] - y[:-2, 1:-1] - y[2:, 1:-1] - y[1:-1, :-2] - y[1:-1, 2:], n)


# ---------------------------------------------------------------- radial, decay, angle


def log_mean(power, where):
    return np.log((power[where].mean() if where.any() else 0) + 1e-12)


def radial_features(power):
    """Log mean power of the Welch-averaged luminance in 16 equal rings up to Nyquist, less their mean."""
    f = frequency(len(power))
    ring = np.ceil(f * 16) - 1
    values = np.array([log_mean(power, (f > 0) & (f <= 1) & (ring == r)) for r in range(16)])
    return list(values - values.mean())


def angle_features(power):
    """Log mean power of the upper band (1/4 <= f <= 1) in 8 sectors of 22.5 degrees centred on 0, 22.5 ...
    157.5 (a direction and its opposite are one), less their mean."""
    n = len(power)
    f = frequency(n)
    fu = 2 * np.fft.fftfreq(n)
    theta = np.mod(np.arctan2(fu[:, None], fu[None, :]), np.pi)
    sector = np.mod(np.floor(theta / (np.pi / 8) + 0.5), 8)
    values = np.array([log_mean(power, (f >= 0.25) & (f <= 1) & (sector == s)) for s in range(8)])
    return list(values - values.mean())


def decay_features(power):
    """Least-squares lines through (log f, log mean power) of the rings one bin wide: the slopes over
    1/8 <= f <= 1/2 and 1/2 <= f <= 0.95, the second's RMS error and its mean excess above 0.95, and the log
    ratio of the corners' mean power (f > 1) to that just below Nyquist (0.9 < f <= 1)."""
    n = len(power)
    half = n // 2
    f = frequency(n)
    ring = np.rint(f * half)
    rings = np.arange(1, half + 1)
    log_power = np.array([log_mean(power, (f > 0) & (f <= 1) & (ring == j)) for j in rings])
    x = np.log(rings / half)

    def fit(lo, hi):
        chosen = (rings / half >= lo) & (rings / half <= hi)
        slope, intercept = np.polyfit(x[chosen], log_power[chosen], 1)
        return slope, intercept, np.sqrt(np.mean((log_power[chosen] - intercept - slope * x[chosen]) ** 2))

    slope_mid = fit(0.125, 0.5)[0]
    slope_high, intercept_high, rms_high = fit(0.5, 0.95)
    tail = rings / half > 0.95
    excess = np.mean(log_power[tail] - intercept_high - slope_high * x[tail])
    corner = log_mean(power, f > 1) - log_mean(power, (f > 0.9) & (f <= 1))
    return [slope_mid, slope_high, rms_high, excess, corner]


# ---------------------------------------------------------------- chroma


def chroma_features(spectra):
    """Per band (0, 1/4], (1/4, 1/2], (1/2, 1], beyond: log of the mean energy of each channel's residual
    minus the grey one (the residual of (R + G + B) / 3) over the grey residual's energy, both averaged over
    the tiles (Welch); the floor is a ten-thousandth of a channel's mean energy."""
    f = frequency(spectra.shape[-1])
    grey = spectra.mean(axis=1, keepdims=True)
    grey_energy = np.abs(grey[:, 0]) ** 2
    chroma_energy = (np.abs(spectra - grey) ** 2).mean(axis=1)
    channel_energy = (np.abs(spectra) ** 2).mean(axis=1)
    edges = [0, 0.25, 0.5, 1, np.inf]
    out = []
    for lo, hi in zip(edges, edges[1:], strict=False):
        band = (f > lo) & (f <= hi)
        g, c, own = (e[:, band].sum(axis=1).mean() for e in (grey_energy, chroma_energy, channel_energy))
        out.append(np.log(max(c, 0) + 1e-4 * own + 1e-12) - np.log(g + 1e-12))
    return out


# ---------------------------------------------------------------- peaks


def harmonics(n):
    """The harmonics (u, v) of the 16-pixel grid, multiples of n / 16, with the cue each feeds. One of each
    conjugate pair (u > 0); none on the axes, where the cross difference is blind; on the Nyquist column
    (n/2, v) and (n/2, -v) are one harmonic. (n/2, n/2) is the period-2 harmonic; both multiples of n / 8:
    the 8-pixel grid; the rest belong to the 16-pixel grid only."""
    step = n // 16
    for k in range(1, 9):
        for m in range(-7, 9):
            if m == 0 or (k == 8 and m < 0):
                continue
            cue = "2" if k == m == 8 else "8" if k % 2 == 0 and m % 2 == 0 else "16"
            yield k * step, m * step, cue


def peak_scores(power, n):
    """Log of each harmonic's power over the median of the 16 bins two steps around it."""
    ring = [(du, dv) for du in range(-2, 3) for dv in range(-2, 3) if max(abs(du), abs(dv)) == 2]
    scores = {"8": [], "16": [], "2": []}
    for u, v, cue in harmonics(n):
        around = np.median([power[(v + dv) % n, (u + du) % n] for du, dv in ring])
        scores[cue].append(np.log(power[v % n, u % n] + 1e-12) - np.log(around + 1e-12))
    return scores


def peak_features(spectra):
    """Per channel, of its residual's Welch-averaged power: mean and max score on the 8-grid, on the
    16-grid's own harmonics, and the period-2 score."""
    n = spectra.shape[-1]
    out = []
    for c in range(3):
        s = peak_scores((np.abs(spectra[:, c]) ** 2).mean(axis=0), n)
        out += [np.mean(s["8"]), np.max(s["8"]), np.mean(s["16"]), np.max(s["16"]), np.max(s["2"])]
    return out


NAMES = ([f"radial-{i:02d}" for i in range(16)]
         + ["decay-slope-mid", "decay-slope-high", "decay-fit-error", "decay-tail", "decay-corner"]
         + [f"angle-{a:03d}" for a in (0, 22, 45, 67, 90, 112, 135, 157)]
         + [f"{kind}-{c}" for c in "rgb"
            for kind in ("peaks8-mean", "peaks8-max", "peaks16-mean", "peaks16-max", "peaks2-max")]
         + [f"chroma-{band}" for band in ("low", "mid", "high", "corner")]
         + [f"residual-ring-{i}" for i in range(8)]
         + ["residual-axis8-mean", "residual-axis8-max", "residual-axis16-mean", "residual-axis16-max"]
         + [f"residual-spike-{band}" for band in ("mid", "high", "corner")])


def features(image):
    n = 1 << int(np.log2(min(256, *image.shape[1:])))  # the largest power of two up to 256 that fits
    spectra = residual_spectra(image, n)
    power = luminance_power(image, n).mean(axis=0)
    laplacian = laplacian_power(image, n).mean(axis=0)
    return np.array(radial_features(power) + decay_features(power) + angle_features(power)
                    + peak_features(spectra) + chroma_features(spectra) + residual_ring_features(laplacian)
                    + axis_peak_features(laplacian) + spike_features(laplacian))


# ---------------------------------------------------------------- Laplacian residual


def residual_ring_features(power):
    """Log mean power of the Welch-averaged Laplacian residual in 8 equal rings up to Nyquist, less their mean."""
    f = frequency(len(power))
    ring = np.ceil(f * 8) - 1
    values = np.array([log_mean(power, (f > 0) & (f <= 1) & (ring == r)) for r in range(8)])
    return list(values - values.mean())


def ring_score(power, u, v):
    """Log of the bin's power over the median of the 16 bins two steps around it."""
    n = len(power)
    ring = [(du, dv) for du in range(-2, 3) for dv in range(-2, 3) if max(abs(du), abs(dv)) == 2]
    around = np.median([power[(v + dv) % n, (u + du) % n] for du, dv in ring])
    return np.log(power[v % n, u % n] + 1e-12) - np.log(around + 1e-12)


def axis_peak_features(power):
    """Scores of the axes' harmonics k n / 16, k = 1..8, on both axes: mean and max of the even k (the 8-grid),
    then of the odd k (the 16-grid's own)."""
    step = len(power) // 16
    scores = {k: [ring_score(power, k * step, 0), ring_score(power, 0, k * step)] for k in range(1, 9)}
    even = [s for k in range(2, 9, 2) for s in scores[k]]
    odd = [s for k in range(1, 9, 2) for s in scores[k]]
    return [np.mean(even), np.max(even), np.mean(odd), np.max(odd)]


def spike_features(power):
    """Per band (1/4, 1/2], (1/2, 1], beyond: log of the largest bin more than one bin away from every
    multiple of n / 8 (on either axis) over the band's mean power."""
    n = len(power)
    f = frequency(n)
    offset = np.arange(n) % (n // 8)
    near = (offset <= 1) | (offset == n // 8 - 1)
    on_grid = near[:, None] & near[None, :]
    out = []
    for lo, hi in ((0.25, 0.5), (0.5, 1), (1, np.inf)):
        band = (f > lo) & (f <= hi)
        out.append(np.log(power[band & ~on_grid].max() + 1e-12) - np.log(power[band].mean() + 1e-12))
    return out


# ---------------------------------------------------------------- crops


def to_levels(x):
    return np.round(np.clip(x, 0, 1) * 255) / 255


def noise(h, w):
    return to_levels(rng.uniform(0.2, 0.8, (3, h, w)))


def dot_grid(h, w):
    """Noise with a dot every 8 pixels, strong in red, weak in green, absent from blue: up-sampling's trace."""
    image = rng.uniform(0.3, 0.7, (3, h, w))
    image[0, ::8, ::8] += 0.3
    image[1, ::8, ::8] += 0.05
    return to_levels(image)


def upsampled(h, w):
    """Each channel its own noise enlarged 2x by repeating pixels, as a nearest-neighbour up-sampling layer."""
    small = rng.uniform(0.2, 0.8, (3, h // 2, w // 2))
    return to_levels(small.repeat(2, axis=1).repeat(2, axis=2) + rng.normal(0, 0.01, (3, h, w)))


def nearly_grey(h, w):
    """Smooth waves shared by the channels and a little noise of each channel's own: little chroma."""
    y, x = np.mgrid[0:h, 0:w]
    wave = 0.5 + 0.3 * np.sin(0.3 * x + 0.2 * y) * np.cos(0.11 * x * y / 8)
    return to_levels(wave[None] + rng.normal(0, 0.02, (3, h, w)))


def stripes(h, w):
    """Noise with every 8th row brighter (a peak on the vertical axis, the 8-grid's) and a wave of period 6
    across (a peak off every grid)."""
    x = np.arange(w)
    image = rng.uniform(0.3, 0.7, (3, h, w)) + 0.1 * np.sin(2 * np.pi * x / 6)[None, None, :]
    image[:, ::8, :] += 0.1
    return to_levels(image)


CROPS = [noise(64, 64), dot_grid(64, 64), upsampled(64, 64), nearly_grey(64, 64),
         dot_grid(64, 100),  # two tiles, averaged
         stripes(128, 140)]


tensors, dtypes = {}, {}
for i, crop in enumerate(CROPS):
    # Stored as float16, half the bytes; the features are of the stored values.
    crop = crop.astype(np.float16)
    tensors[f"image_{i}"], dtypes[f"image_{i}"] = crop[None], "F16"
    tensors[f"features_{i}"], dtypes[f"features_{i}"] = features(crop), "F32"
write_safetensors(OUT, tensors, {"features": ",".join(NAMES), "crops": str(len(CROPS))}, dtypes)
for i in range(len(CROPS)):
    print(f"crop {i}:", " ".join(f"{v:.3f}" for v in np.ravel(tensors[f"features_{i}"])))
