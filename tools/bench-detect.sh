#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# Seconds of `atelier detect` on a 12-megapixel photograph (4096x3072: a
# Sun-Hays photograph enlarged x4 by esrgan-slim), heat map included: the
# spectral analysis, the classifier on the image and on every tile, and the
# full-resolution heat map rendered (the PNG encoding of the heat map and the
# file decoding are reported apart). Median of five runs.
#
# usage: tools/bench-detect.sh [THREADS=2]
set -euo pipefail
cd "$(dirname "$0")/.."
threads=${1:-2}
[[ -f build/build.ninja ]] || meson setup build
ninja -C build > /dev/null
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
# An array, not `ls | head -1`: under pipefail, ls killed by head's early exit stopped the script.
photos=(../shared/data/train/sun_hays80/*.jpg)
photo=${photos[0]}
build/cli/atelier upscale --scale 4 --model slim "$photo" "$work/12mp.png" > /dev/null
for run in 1 2 3 4 5; do
  start=$(date +%s.%N)
  build/cli/atelier detect --json --threads "$threads" --output-dir "$work/out" "$work/12mp.png"
  end=$(date +%s.%N)
  awk -v a="$start" -v b="$end" 'BEGIN { print "wall", b - a }'
done > "$work/runs.txt"
grep -o '"seconds":[0-9.e-]*' "$work/runs.txt" | cut -d: -f2 | sort -n | sed -n 3p | \
  xargs printf "detect 4096x3072 (12.6 MP), %s threads, heat map included: %.3f s (median of 5)\n" "$threads"
grep '^wall' "$work/runs.txt" | cut -d' ' -f2 | sort -n | sed -n 3p | \
  xargs printf "whole command (PNG decoding, analysis, heat-map PNG encoding): %.2f s\n"
