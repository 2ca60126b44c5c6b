# SPDX-License-Identifier: GPL-3.0-or-later
"""A contact sheet of generated training scenes (docs/scene-samples.jpg): one row per surface material, the
columns cycling through the backdrops and compositions (horizon high, low, flat-lay), each with its light
drawn as an arrow from the picture's centre towards the light.

usage: /usr/bin/python3 -m models.scenes.contact_sheet [--out docs/scene-samples.jpg] [--seed 7]"""
import argparse
from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw

from models.scenes.render import BACKDROPS, render_scene
from models.scenes.textures import MATERIALS
from models.tools.paths import ROOT
from models.unet.prepare_scenes import _room_photos

COMPOSITIONS = (0.3, 0.55, "flat-lay", 0.7, 0.45, "flat-lay")
TILE = 160


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--out", type=Path, default=ROOT / "docs/scene-samples.jpg")
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    rng = np.random.default_rng(args.seed)
    rooms = _room_photos(args.seed)
    sheet = Image.new("RGB", (len(COMPOSITIONS) * TILE, len(MATERIALS) * TILE), "white")
    for row, material in enumerate(MATERIALS):
        for col, composition in enumerate(COMPOSITIONS):
            scene = render_scene(rng, side=256, material=material, backdrop=BACKDROPS[(row + col) % len(BACKDROPS)],
                                 composition=composition, room_photos=rooms)
            tile = Image.fromarray((scene.image * 255 + 0.5).astype(np.uint8)).resize((TILE, TILE), Image.LANCZOS)
            draw = ImageDraw.Draw(tile)
            lx, ly = scene.light
            draw.line([TILE - 20, 20, TILE - 20 + 14 * lx, 20 + 14 * ly], fill=(255, 230, 0), width=2)
            draw.ellipse([TILE - 22, 18, TILE - 18, 22], fill=(255, 230, 0))
            draw.text((4, TILE - 12), f"{scene.label}", fill=(255, 255, 255))
            sheet.paste(tile, (col * TILE, row * TILE))
    sheet.save(args.out, quality=88)
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
