# SPDX-License-Identifier: GPL-3.0-or-later
"""The conditions an image is judged under, each applied alike to real and generated images: as the file came,
re-saved as JPEG at a quality of 75-90 (4:2:0, PIL's default), halved (bicubic, as PNG), both, and for the false
alarms on photographs sharp or lightly blurred, as PNG or as JPEG 90. The processed files are written once into a
cache folder and reused."""
import zlib
from pathlib import Path

from PIL import Image, ImageFilter

AUC_CONDITIONS = ("native", "JPEG 75-90", "0.5x", "0.5x + JPEG 75-90")
PHOTOGRAPH_CONDITIONS = ("native", "PNG", "JPEG 90", "blur 1 px PNG", "blur 1 px JPEG 90")
# The false alarms are reported under every condition a photograph is judged under.
FALSE_ALARM_CONDITIONS = PHOTOGRAPH_CONDITIONS + tuple(c for c in AUC_CONDITIONS if c not in PHOTOGRAPH_CONDITIONS)


def wild_quality(path):
    """A quality of 75-90 fixed by the file's name, so that reruns reproduce it."""
    return 75 + zlib.crc32(Path(path).name.encode()) % 16


def processed(path, condition, cache):
    """The file holding @path under @condition (written into @cache unless there already)."""
    if condition == "native":
        return Path(path)
    path = Path(path)
    slug = condition.replace(" ", "").replace("+", "-").replace(".", "")
    jpeg = "JPEG" in condition
    target = Path(cache) / slug / f"{zlib.crc32(str(path).encode()):08x}-{path.stem}{'.jpg' if jpeg else '.png'}"
    if target.exists():
        return target
    target.parent.mkdir(parents=True, exist_ok=True)
    picture = Image.open(path).convert("RGB")
    if condition.startswith("blur 1 px"):
        picture = picture.filter(ImageFilter.GaussianBlur(1))
    if condition.startswith("0.5x"):
        picture = picture.resize((picture.width // 2, picture.height // 2), Image.BICUBIC)
    # Written under a hidden name and renamed, so that an interrupted run leaves no truncated file in the cache.
    partial = target.with_name("." + target.name)
    if jpeg:
        quality = 90 if "JPEG 90" in condition else wild_quality(path)
        picture.save(partial, format="JPEG", quality=quality)
    else:
        picture.save(partial, format="PNG", compress_level=1)  # the fastest: the pixels are the same
    partial.rename(target)
    return target
