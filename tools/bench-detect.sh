#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# Seconds of `atelier detect` on a 12-megapixel photograph (4096x3072: a
# Sun-Hays photograph enlarged x4 by esrgan-slim), heat map included: the
# spectral analysis, the classifier on the image and on every tile, and the
# full-resolution heat map rendered (the PNG encoding of the heat map and the
# file decoding are reported apart). Median of five runs.
#
# With a peer (another build of `atelier`, e.g. one with an older feature set,
# and the folder of its detector model), each run times the peer right after
# ours on the same file, and the ratio of the medians is printed: on a shared
# machine only the ratio is comparable between sessions.
#
# usage: tools/bench-detect.sh [THREADS=2] [PEER_ATELIER PEER_MODEL_DIR]
set -euo pipefail
cd "$(dirname "$0")/.."
threads=${1:-2}
peer=${2:-}
peer_models=${3:-}
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
  build/cli/atelier detect --json --threads "$threads" --output-dir "$work/out" "$work/12mp.png" > "$work/ours.json"
  end=$(date +%s.%N)
  awk -v a="$start" -v b="$end" 'BEGIN { print "wall", b - a }'
  grep -o '"seconds":[0-9.e-]*' "$work/ours.json" | sed 's/^/ours /'
  if [[ -n "$peer" ]]; then
    ATELIER_MODEL_PATH="$peer_models" "$peer" detect --json --threads "$threads" --output-dir "$work/peer" \
      "$work/12mp.png" | grep -o '"seconds":[0-9.e-]*' | sed 's/^/peer /'
  fi
done > "$work/runs.txt"
median () { grep "^$1 " "$work/runs.txt" | cut -d: -f2 | sort -n | sed -n 3p; }
ours=$(median ours)
printf "detect 4096x3072 (12.6 MP), %s threads, heat map included: %.3f s (median of 5)\n" "$threads" "$ours"
grep '^wall' "$work/runs.txt" | cut -d' ' -f2 | sort -n | sed -n 3p | \
  xargs printf "whole command (PNG decoding, analysis, heat-map PNG encoding): %.2f s\n"
if [[ -n "$peer" ]]; then
  theirs=$(median peer)
  awk -v a="$ours" -v b="$theirs" -v p="$peer" \
    'BEGIN { printf "peer %s: %.3f s (median of 5); ours / peer = %.2f\n", p, b, a / b }'
fi
