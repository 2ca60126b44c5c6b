# SPDX-License-Identifier: GPL-3.0-or-later
"""Resident memory of one gimp-console session through many images (issue #24): IMAGES files of mixed sizes and
kinds (8-bit RGB, RGBA and grey, 16-bit RGB and grey) each go through Upscale, Inpaint or Detect in turn, the
image deleted after its filter, and GIMP's VmRSS is read each time it reports having finished ten more; the
figure is the ratio after the last to after the 10th.
The plug-in runs as a process of its own per call, so what could grow is GIMP's side: images, undo, layers.
To tell whose memory grows, each mark also splits VmRSS into anonymous, file-backed and shared memory, and
counts the plug-in processes still alive; --procedures gimp runs the same files through GIMP's own
operations of the same shape instead of ours (scale x2, fill the selection, add a layer), --tile-cache sets
GIMP's tile cache (gimprc tile-cache-size), --arenas sets glibc's MALLOC_ARENA_MAX.

usage: /usr/bin/python3 -m tools.gimp-memory-batch [--procedures atelier|gimp] [--tile-cache SIZE]
           [--arenas N] [IMAGES=100] [WORK_DIR=/work/runs/rel-cli/gimp-memory]
       (from the repository root, after ninja -C build; prints one line per mark and the ratio)"""
import argparse
import shutil
import struct
import subprocess
import sys
import zlib
from pathlib import Path

import numpy as np
from PIL import Image

from models.tools.paths import ROOT

MARK = "ATELIER-MEMORY-MARK"
KINDS = ("rgb8", "rgba8", "grey8", "rgb16", "grey16")


def write_png16(path, pixels):
    """A 16-bit PNG of (h, w) grey or (h, w, 3) RGB, which PIL cannot write for RGB."""
    h, w = pixels.shape[:2]
    colour = 2 if pixels.ndim == 3 else 0
    rows = pixels.astype(">u2").reshape(h, -1)
    raw = b"".join(b"\0" + row.tobytes() for row in rows)

    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", w, h, 16, colour, 0, 0, 0)
    path.write_bytes(b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(raw))
                     + chunk(b"IEND", b""))


def write_inputs(folder, count):
    """Smooth gradients with noise, so that every filter has something to work on."""
    rng = np.random.default_rng(24)
    paths = []
    for i in range(count):
        h, w = (int(v) for v in rng.integers(64, 161, size=2))
        y, x = np.mgrid[0:h, 0:w]
        base = np.stack([x / w, y / h, (x + y) / (w + h)], axis=-1) + rng.normal(0, 0.05, (h, w, 3))
        base = np.clip(base, 0, 1)
        kind = KINDS[i % len(KINDS)]
        path = folder / f"{i:03d}-{kind}.png"
        if kind == "rgb8":
            Image.fromarray((base * 255).astype(np.uint8)).save(path)
        elif kind == "rgba8":
            alpha = np.full((h, w, 1), 0.8)
            Image.fromarray((np.concatenate([base, alpha], axis=-1) * 255).astype(np.uint8), "RGBA").save(path)
        elif kind == "grey8":
            Image.fromarray((base.mean(axis=-1) * 255).astype(np.uint8)).save(path)
        elif kind == "rgb16":
            write_png16(path, base * 65535)
        else:
            write_png16(path, base.mean(axis=-1) * 65535)
        paths.append(path)
    return paths


SELECT = "(gimp-image-select-rectangle img CHANNEL-OP-REPLACE 16 16 24 24)"
PROCEDURES = {
    # upscale slim x2, inpaint of a rectangle in 2 steps at working size 128, detect
    "atelier": ("(plug-in-atelier-upscale RUN-NONINTERACTIVE img drw 2 0 0 0)",
                f"(begin {SELECT} (plug-in-atelier-inpaint RUN-NONINTERACTIVE img drw 2 2.0 1 0 128 0 0 0 0 1 0))",
                "(plug-in-atelier-detect-ai RUN-NONINTERACTIVE img drw 0 1 0)"),
    # GIMP's own operations with the same effect on the image: no plug-in process at all
    "gimp": ("(gimp-image-scale img (* 2 (car (gimp-image-width img))) (* 2 (car (gimp-image-height img))))",
             f"(begin {SELECT} (gimp-drawable-edit-fill drw FILL-FOREGROUND))",
             "(let ((heat (car (gimp-layer-new-from-drawable drw img)))) (gimp-image-insert-layer img heat 0 0))"),
}


def commands(paths, procedures, one_script):
    """Script-Fu: every file through one filter in turn, then deleted; a mark after every 10th and the last. One
    batch command per image, or with @one_script all of them in one (how the first measurements ran it)."""
    calls = PROCEDURES[procedures]
    steps = []
    for i, path in enumerate(paths, start=1):
        mark = f' (gimp-message "{MARK} {i}")' if i % 10 == 0 or i == len(paths) else ""
        steps.append(f'(let* ((img (car (gimp-file-load RUN-NONINTERACTIVE "{path}" "{path}")))'
                     f" (drw (car (gimp-image-get-active-drawable img))))"
                     f" {calls[(i - 1) % len(calls)]} (gimp-image-delete img){mark})")
    return ["(begin " + " ".join(steps) + ")"] if one_script else steps


def resident_kib(pid):
    """VmRSS and its parts (RssAnon, RssFile, RssShmem) in KiB."""
    fields = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        key, _, value = line.partition(":")
        if key in ("VmRSS", "RssAnon", "RssFile", "RssShmem"):
            fields[key] = int(value.split()[0])
    return fields


def live_children(pid):
    """The names of the processes whose parent is @pid: the plug-ins running (Script-Fu, which runs this batch)
    or outliving their call."""
    children = Path(f"/proc/{pid}/task/{pid}/children")
    pids = children.read_text().split() if children.exists() else []
    return ", ".join(sorted(Path(f"/proc/{child}/comm").read_text().strip() for child in pids)) or "none"


def arguments():
    parser = argparse.ArgumentParser(prog="tools.gimp-memory-batch")
    parser.add_argument("--procedures", choices=sorted(PROCEDURES), default="atelier")
    parser.add_argument("--tile-cache", help="GIMP's tile-cache-size, e.g. 8M (default: GIMP's own)")
    parser.add_argument("--arenas", type=int, help="glibc's MALLOC_ARENA_MAX for gimp-console")
    parser.add_argument("--one-script", action="store_true", help="all images in one batch command")
    parser.add_argument("images", nargs="?", type=int, default=100)
    parser.add_argument("work", nargs="?", type=Path, default=Path("/work/runs/rel-cli/gimp-memory"))
    return parser.parse_args()


def main():
    args = arguments()
    count, work = args.images, args.work
    shutil.rmtree(work, ignore_errors=True)
    inputs = work / "inputs"
    plugins = work / "profile/plug-ins/atelier"
    inputs.mkdir(parents=True)
    plugins.mkdir(parents=True)
    shutil.copy(ROOT / "build/plugin/atelier", plugins / "atelier")
    paths = write_inputs(inputs, count)
    env = {"GIMP2_DIRECTORY": str(work / "profile"), "PATH": "/usr/bin:/bin", "HOME": str(work)}
    if args.tile_cache:
        (work / "profile/gimprc").write_text(f"(tile-cache-size {args.tile_cache})\n")
    if args.arenas:
        env["MALLOC_ARENA_MAX"] = str(args.arenas)
    batch = [arg for command in commands(paths, args.procedures, args.one_script) for arg in ("-b", command)]
    gimp = subprocess.Popen(["gimp-console-2.10", "-i", *batch, "-b", "(gimp-quit 0)"], env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    marks = {}
    errors = 0
    for line in gimp.stderr:
        if "execution error" in line or "error for procedure" in line or line.startswith("Error:"):
            errors += 1
            print(line.rstrip(), file=sys.stderr)
        if MARK in line:
            image = int(line.split(MARK)[1].split()[0])
            parts = resident_kib(gimp.pid)
            marks[image] = parts["VmRSS"]
            print(f"after image {image}: gimp-console VmRSS {parts['VmRSS'] / 1024:.1f} MiB (anonymous "
                  f"{parts['RssAnon'] / 1024:.1f}, files {parts['RssFile'] / 1024:.1f}, shared "
                  f"{parts['RssShmem'] / 1024:.1f}), plug-ins alive: {live_children(gimp.pid)}", flush=True)
    gimp.wait()
    if 10 not in marks or count not in marks:
        raise SystemExit(f"gimp-memory-batch: {len(marks)} marks seen, GIMP exited {gimp.returncode}")
    first, last = marks[10], marks[count]
    print(f"{count} images, {errors} filter errors: after the {count}th / after the 10th = {last / first:.3f}")
    return 0 if errors == 0 and last <= 1.1 * first else 1


if __name__ == "__main__":
    sys.exit(main())
