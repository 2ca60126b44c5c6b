# SPDX-License-Identifier: GPL-3.0-or-later
"""Surface textures for the procedural tabletop scenes (models/scenes/render.py), as float RGB arrays in 0..1
that tile seamlessly: the floor plane samples them with wrap-around through a homography, so a texture must
have no seam where it repeats. Procedural materials are built from periodic noise (white noise filtered in
the Fourier domain is periodic by construction); wood, stone, fabric and paper also come from GIMP's patterns
(Debian gimp-data, gimp-data-extras) and from crops of real photographs, mirrored into a tile."""
import numpy as np

from models.unet.prepare_data import PATTERNS, read_gimp_pattern

SIDE = 256
# Which of GIMP's patterns look like each material (concrete has none: cracked earth and mud read as a desert
# floor, not a tabletop).
GIMP_MATERIALS = {
    "wood": ["Wood/parque*.pat", "Wood/pine.pat", "Wood/walnut.pat", "Wood/wood*.pat", "Wood/burlwood.pat",
             "woodblind.pat"],
    "marble": ["Stone/marble*.pat", "Stone/pink_marble.pat"],
    "slate": ["Stone/slate.pat", "Stone/granite1.pat", "granite2.pat"],
    "stone": ["Stone/rock.pat", "Stone/stone33.pat", "Stone/terra.pat", "pebbles.pat", "colored_rock.pat"],
    "linen": ["Fabric/burlap.pat"],
    "fabric": ["Fabric/*.pat", "goldcloth.pat", "green_curtains.pat", "Legacy/fibers.pat"],
    "paper": ["Paper/*.pat", "krinkle.pat", "sandytext.pat"],
}


def periodic_noise(rng, side, slope, anisotropy=1.0):
    """Zero-mean, unit-deviation noise with a power spectrum falling as 1/f^slope (fBm for slope 2), periodic
    with period @side; @anisotropy stretches it along x (grain, threads)."""
    fy = np.fft.fftfreq(side)[:, None]
    fx = np.fft.fftfreq(side)[None, :] * anisotropy
    radius = np.sqrt(fx ** 2 + fy ** 2)
    radius[0, 0] = 1.0
    amplitude = radius ** (-slope / 2)
    amplitude[0, 0] = 0.0
    spectrum = amplitude * np.exp(2j * np.pi * rng.random((side, side)))
    field = np.real(np.fft.ifft2(spectrum))
    return (field - field.mean()) / (field.std() + 1e-8)


def _tint(value, colour):
    return np.clip(value[:, :, None] * np.asarray(colour, np.float32)[None, None, :], 0, 1)


def marble(rng, side=SIDE):
    """Veins as sin(phase + turbulence): the classic Perlin marble, on an integer number of periods."""
    yy, xx = np.mgrid[0:side, 0:side] / side
    k = rng.integers(1, 4, 2)
    turbulence = periodic_noise(rng, side, 2.6)
    veins = np.abs(np.sin(2 * np.pi * (k[0] * xx + k[1] * yy) + rng.uniform(1.5, 4) * turbulence))
    veins = veins ** rng.uniform(0.15, 0.5)
    base = rng.choice([0.93, 0.85, 0.2, 0.75])
    vein_colour = 0.45 if base > 0.5 else 0.85
    value = base + (vein_colour - base) * (1 - veins) + 0.02 * periodic_noise(rng, side, 1.5)
    colour = [1.0, rng.uniform(0.96, 1.0), rng.uniform(0.92, 1.0)] if rng.random() < 0.7 else \
        [rng.uniform(0.8, 1.0), 1.0, rng.uniform(0.85, 1.0)]
    return _tint(value, colour)


def slate(rng, side=SIDE):
    layered = periodic_noise(rng, side, 2.2, anisotropy=rng.uniform(1.5, 4))
    fine = periodic_noise(rng, side, 1.0)
    value = rng.uniform(0.14, 0.3) + 0.035 * layered + 0.02 * fine
    return _tint(value, [rng.uniform(0.9, 1.0), rng.uniform(0.95, 1.0), 1.0])


def concrete(rng, side=SIDE):
    value = rng.uniform(0.45, 0.75) + 0.06 * periodic_noise(rng, side, 2.4) + 0.03 * periodic_noise(rng, side, 0.8)
    pits = periodic_noise(rng, side, 0.3) > 2.6
    value = value - 0.15 * pits
    return _tint(value, [1.0, rng.uniform(0.97, 1.0), rng.uniform(0.93, 1.0)])


def linen(rng, side=SIDE):
    """Woven threads: two sets of periodic stripes with irregular thickness (slubs), on a pale base."""
    yy, xx = np.mgrid[0:side, 0:side] / side
    threads = rng.integers(48, 110)
    slub_x = 0.5 + 0.5 * periodic_noise(rng, side, 2.0, anisotropy=0.1)
    slub_y = 0.5 + 0.5 * periodic_noise(rng, side, 2.0, anisotropy=10)
    warp = 0.5 + 0.5 * np.sin(2 * np.pi * threads * xx) * slub_x
    weft = 0.5 + 0.5 * np.sin(2 * np.pi * threads * yy) * slub_y
    value = rng.uniform(0.6, 0.9) + 0.08 * (warp * weft - 0.25) + 0.02 * periodic_noise(rng, side, 1.2)
    palette = [[1.0, 0.95, 0.86], [1.0, 1.0, 1.0], [0.9, 0.93, 0.95], [0.95, 0.9, 0.86], [0.85, 0.9, 0.82]]
    return _tint(value, palette[rng.integers(len(palette))])


def velvet(rng, side=SIDE):
    """Deep saturated colour whose lightness moves smoothly with the pile direction (the sheen)."""
    pile = periodic_noise(rng, side, 3.2)
    value = rng.uniform(0.3, 0.55) * (1 + 0.25 * pile) + 0.02 * periodic_noise(rng, side, 0.5)
    palette = [[0.55, 0.08, 0.15], [0.1, 0.12, 0.45], [0.08, 0.32, 0.2], [0.15, 0.15, 0.17], [0.5, 0.3, 0.45],
               [0.6, 0.45, 0.2]]
    colour = np.asarray(palette[rng.integers(len(palette))]) * 2.0
    return _tint(value, colour)


def paper(rng, side=SIDE):
    fibres = periodic_noise(rng, side, 1.4, anisotropy=rng.uniform(0.5, 2))
    value = rng.uniform(0.75, 0.97) + 0.015 * fibres + 0.02 * periodic_noise(rng, side, 2.5)
    colour = [1.0, 1.0, 1.0] if rng.random() < 0.5 else list(rng.uniform(0.75, 1.0, 3))
    return _tint(value, colour)


def wood(rng, side=SIDE):
    """Growth rings along x (planks), their phase bent by low-frequency noise."""
    yy, xx = np.mgrid[0:side, 0:side] / side
    rings = rng.integers(8, 30)
    bend = periodic_noise(rng, side, 3.0, anisotropy=0.2)
    grain = np.sin(2 * np.pi * rings * yy + 1.5 * bend) * 0.5 + 0.5
    planks = rng.integers(2, 6)
    plank = np.floor(yy * planks)
    shade = 1 + 0.12 * np.sin(plank * 12.9898) + 0.03 * periodic_noise(rng, side, 0.8, anisotropy=0.05)
    value = (0.55 + 0.25 * grain ** 2) * shade
    seams = (np.abs((yy * planks) % 1.0) < 0.012)
    value = value * (1 - 0.35 * seams)
    tones = [[0.75, 0.5, 0.3], [0.9, 0.72, 0.5], [0.5, 0.32, 0.2], [0.95, 0.85, 0.7], [0.35, 0.22, 0.15]]
    return _tint(value * 1.1, tones[rng.integers(len(tones))])


PROCEDURAL = {"marble": marble, "slate": slate, "concrete": concrete, "linen": linen, "velvet": velvet,
              "paper": paper, "wood": wood}
MATERIALS = ("wood", "marble", "slate", "stone", "linen", "fabric", "paper", "concrete", "velvet")


def gimp_pattern(rng, material):
    files = [f for g in GIMP_MATERIALS[material] for f in sorted(PATTERNS.glob(g))]
    image = np.asarray(read_gimp_pattern(files[rng.integers(len(files))]), np.float32) / 255
    return image * rng.uniform(0.8, 1.15)


def mirrored_tile(image):
    """A crop of a photograph made periodic by mirroring it into a 2x2 tile."""
    top = np.concatenate([image, image[:, ::-1]], axis=1)
    return np.concatenate([top, top[::-1]], axis=0)


def surface_texture(rng, material, photo_crops=()):
    """A tileable texture of @material: procedural, one of GIMP's patterns, or (with @photo_crops of real
    surfaces) a mirrored photo crop."""
    sources = []
    if material in PROCEDURAL:
        sources.append(lambda: PROCEDURAL[material](rng))
    if material in GIMP_MATERIALS:
        sources.append(lambda: gimp_pattern(rng, material))
    if photo_crops:
        sources.append(lambda: mirrored_tile(photo_crops[rng.integers(len(photo_crops))]))
    return np.clip(sources[rng.integers(len(sources))](), 0, 1).astype(np.float32)

