# SPDX-License-Identifier: GPL-3.0-or-later
"""Writes the small PNG files that tests/test-image-io.c reads, with the
standard library's zlib: an encoder independent of libpng, so the test checks
the loader against pixel values known here rather than against itself."""
import struct
import zlib
from pathlib import Path


def chunk(kind, data):
    body = kind + data
    return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body) & 0xFFFFFFFF)


def png(path, width, height, bit_depth, color_type, rows, palette=None, trns=None):
    raw = b"".join(b"\x00" + row for row in rows)  # filter type 0 on every row
    data = b"\x89PNG\r\n\x1a\n"
    data += chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, bit_depth, color_type, 0, 0, 0))
    if palette:
        data += chunk(b"PLTE", palette)
    if trns:
        data += chunk(b"tRNS", trns)
    data += chunk(b"IDAT", zlib.compress(raw))
    data += chunk(b"IEND", b"")
    Path(path).write_bytes(data)


here = Path(__file__).parent
# 3x2 RGBA, 16 bits: sample (x, y, c) = 1000 * (y * 12 + x * 4 + c) + 7
rows = []
for y in range(2):
    rows.append(b"".join(struct.pack(">H", 1000 * (y * 12 + x * 4 + c) + 7) for x in range(3) for c in range(4)))
png(here / "rgba16.png", 3, 2, 16, 6, rows)
# 2x2 grey, 8 bits: 0, 85, 170, 255
png(here / "grey8.png", 2, 2, 8, 0, [bytes([0, 85]), bytes([170, 255])])
# 2x1 palette with transparency: red opaque, blue half transparent
png(here / "palette.png", 2, 1, 8, 3, [bytes([0, 1])], palette=bytes([255, 0, 0, 0, 0, 255]), trns=bytes([255, 128]))
