# SPDX-License-Identifier: GPL-3.0-or-later
"""Contact sheets of retouching at full resolution, for docs/inpaint-evaluation.md:

- docs/inpaint-defects-sheet.jpg: three product photographs enlarged to 6000x4000 (24 megapixels; the
  originals in ../shared/data/products are smaller), each given dust specks, a hair, a price tag and a sticker
  drawn on them, all selected at once (the drawn shapes grown by 4 pixels, feathered by 2) and removed by one
  `atelier inpaint`; each row a defect as a 256x256 crop at 1:1: with the defect, the result, the photograph
  before the defect.
- docs/extend-canvas-sheet.jpg: Extend Canvas to 1:1 (`atelier extend --aspect 1:1`) of five product
  photographs, the original's place outlined.

Prints each command's seconds. usage: /usr/bin/python3 -m models.unet.retouch_sheets [--atelier PATH]"""
import argparse
import subprocess
import tempfile
from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw, ImageFilter

from models.tools.paths import ROOT, SHARED

PRODUCTS = SHARED / "data/products"
DEFECT_PHOTOS = ("watch_plain.jpg", "cap_on_red_fabric.jpg", "coffee_cup_on_table.png")
EXTEND_PHOTOS = ("coffee_cup_on_table.png", "cap_on_red_fabric.jpg", "shoes_kids_on_floor.jpg",
                 "bag_duffel_white.jpg", "plants_on_shelf.png")
BIG = (6000, 4000)
CROP = 256


def draw_defects(image, rng):
    """Draws the defects on @image (PIL, 6000x4000) and returns their mask and the centres of their crops."""
    w, h = image.size
    mask = Image.new("L", image.size, 0)
    layer = Image.new("RGBA", image.size, (0, 0, 0, 0))
    draw, mark = ImageDraw.Draw(layer), ImageDraw.Draw(mask)
    centres = []
    for _ in range(3):  # dust: dark soft specks of 12 to 40 pixels
        x, y, r = rng.uniform(0.15, 0.85) * w, rng.uniform(0.15, 0.85) * h, rng.uniform(6, 20)
        draw.ellipse([x - r, y - r, x + r, y + r], fill=(40, 36, 30, 200))
        mark.ellipse([x - r, y - r, x + r, y + r], fill=255)
        centres.append(("dust", x, y))
    x, y = rng.uniform(0.2, 0.7) * w, rng.uniform(0.2, 0.7) * h  # a hair: a thin dark curve of 150 pixels
    points = [(x + 150 * t, y + 40 * np.sin(6 * t)) for t in np.linspace(0, 1, 30)]
    draw.line(points, fill=(20, 16, 12, 230), width=3)
    mark.line(points, fill=255, width=3)
    centres.append(("hair", x + 75, y))
    x, y = rng.uniform(0.2, 0.7) * w, rng.uniform(0.2, 0.7) * h  # a price tag, 180x100
    draw.rectangle([x, y, x + 180, y + 100], fill=(250, 250, 245, 255), outline=(120, 120, 120, 255), width=2)
    draw.text((x + 30, y + 40), "$ 19.99", fill=(0, 0, 0, 255))
    mark.rectangle([x, y, x + 180, y + 100], fill=255)
    centres.append(("price tag", x + 90, y + 50))
    x, y = rng.uniform(0.2, 0.7) * w, rng.uniform(0.2, 0.7) * h  # a round sticker, 240 pixels across
    draw.ellipse([x, y, x + 240, y + 240], fill=(220, 40, 40, 255))
    mark.ellipse([x, y, x + 240, y + 240], fill=255)
    centres.append(("sticker", x + 120, y + 120))
    layer = layer.filter(ImageFilter.GaussianBlur(1))
    return Image.alpha_composite(image.convert("RGBA"), layer).convert("RGB"), mask, centres


def crop(image, x, y):
    x0 = int(np.clip(x - CROP // 2, 0, image.size[0] - CROP))
    y0 = int(np.clip(y - CROP // 2, 0, image.size[1] - CROP))
    return image.crop((x0, y0, x0 + CROP, y0 + CROP))


def run(atelier, *args):
    out = subprocess.run([str(atelier), *map(str, args)], check=True, capture_output=True, text=True).stdout
    print(out.strip())


def defects_sheet(atelier, work, rng):
    rows = []
    for name in DEFECT_PHOTOS:
        clean = Image.open(PRODUCTS / name).convert("RGB").resize(BIG, Image.BICUBIC)
        defected, mask, centres = draw_defects(clean, rng)
        source, mask_path, result = work / "defected.png", work / "mask.png", work / "result.png"
        defected.save(source)
        mask.save(mask_path)
        run(atelier, "inpaint", "--threads", "2", "--grow", "4", "--feather", "2", "--mask", mask_path, source,
            result)
        filled = Image.open(result).convert("RGB")
        for kind, x, y in centres:
            rows.append((f"{name}: {kind}", [crop(defected, x, y), crop(filled, x, y), crop(clean, x, y)]))
    sheet = Image.new("RGB", (3 * CROP, len(rows) * (CROP + 16) + 16), (32, 32, 32))
    draw = ImageDraw.Draw(sheet)
    for j, title in enumerate(("with the defect", "inpainted", "before the defect")):
        draw.text((j * CROP + 4, 2), title, fill=(255, 255, 255))
    for i, (label, cells) in enumerate(rows):
        top = 16 + i * (CROP + 16)
        draw.text((4, top + 2), label, fill=(255, 255, 0))
        for j, cell in enumerate(cells):
            sheet.paste(cell, (j * CROP, top + 16))
    sheet.save(ROOT / "docs/inpaint-defects-sheet.jpg", quality=90)


def extend_sheet(atelier, work):
    cell = 360
    sheet = Image.new("RGB", (cell * len(EXTEND_PHOTOS), cell), (32, 32, 32))
    for i, name in enumerate(EXTEND_PHOTOS):
        source = Image.open(PRODUCTS / name).convert("RGB")
        source_path, result = work / "extend-source.png", work / "extended.png"
        source.save(source_path)
        run(atelier, "extend", "--threads", "2", "--aspect", "1:1", source_path, result)
        extended = Image.open(result).convert("RGB")
        side = extended.size[0]
        w, h = source.size
        left, top = (side - w) // 2, (side - h) // 2
        draw = ImageDraw.Draw(extended)
        draw.rectangle([left, top, left + w - 1, top + h - 1], outline=(255, 255, 0), width=max(1, side // 300))
        sheet.paste(extended.resize((cell, cell), Image.LANCZOS), (i * cell, 0))
    sheet.save(ROOT / "docs/extend-canvas-sheet.jpg", quality=90)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--atelier", type=Path, default=ROOT / "build/cli/atelier")
    parser.add_argument("--seed", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        extend_sheet(args.atelier, work)
        defects_sheet(args.atelier, work, np.random.default_rng(args.seed))


if __name__ == "__main__":
    main()
