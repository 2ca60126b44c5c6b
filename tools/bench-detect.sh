#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# Seconds of `atelier detect` on a 13-megapixel photograph (4096x3200: a
# Sun-Hays photograph enlarged x4 by esrgan-slim), heat map included: the
# spectral analysis, the residual CNN, the classifier on the image and on every
# tile, and the full-resolution heat map rendered (the layer the GIMP plug-in
# adds). That is the command's own "seconds" without --output-dir; with it the
# heat map is also encoded as a 12-megapixel PNG file, which zlib makes the
# larger share: reported apart, as is the whole command (PNG decoding
# included). Median of five runs.
#
# With a peer (another build of `atelier`, e.g. the one before a change, and
# the folder of its detector model), each run times the peer right after ours
# on the same file, the ratio of the medians is printed (on a shared machine
# only the ratio is comparable between sessions), and so is the largest
# relative difference between our probabilities (the image's and every
# tile's) and the peer's: a speed change must leave them as they were.
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
seconds () { grep -o '"seconds":[0-9.e-]*' "$1" | cut -d: -f2; }
for run in 1 2 3 4 5; do
  build/cli/atelier detect --json --threads "$threads" "$work/12mp.png" > "$work/ours.json"
  echo "ours $(seconds "$work/ours.json")"
  if [[ -n "$peer" ]]; then
    ATELIER_MODEL_PATH="$peer_models" "$peer" detect --json --threads "$threads" "$work/12mp.png" > "$work/peer.json"
    echo "peer $(seconds "$work/peer.json")"
  fi
  start=$(date +%s.%N)
  build/cli/atelier detect --json --threads "$threads" --output-dir "$work/out" "$work/12mp.png" > "$work/png.json"
  end=$(date +%s.%N)
  echo "png $(seconds "$work/png.json")"
  awk -v a="$start" -v b="$end" 'BEGIN { print "wall", b - a }'
done > "$work/runs.txt"
median () { grep "^$1 " "$work/runs.txt" | cut -d' ' -f2 | sort -n | sed -n 3p; }
ours=$(median ours)
size=$(grep -o '"width":[0-9]*,"height":[0-9]*' "$work/ours.json" | tr -dc '0-9,' | tr , x)
printf "detect %s, %s threads, heat map rendered: %.3f s (median of 5)\n" "$size" "$threads" "$ours"
printf "and the heat map written as PNG: %.3f s; the whole command (PNG decoding too): %.2f s\n" "$(median png)" \
  "$(median wall)"
if [[ -n "$peer" ]]; then
  theirs=$(median peer)
  awk -v a="$ours" -v b="$theirs" -v p="$peer" \
    'BEGIN { printf "peer %s: %.3f s (median of 5); ours / peer = %.2f\n", p, b, a / b }'
  # The last run's probabilities, the image's then every tile's, one a line.
  probabilities () {
    grep -o '"probability":[0-9.e-]*' "$1" | cut -d: -f2
    grep -o '"tile_probabilities":\[[^]]*' "$1" | cut -d[ -f2 | tr , '\n'
  }
  paste <(probabilities "$work/ours.json") <(probabilities "$work/peer.json") | awk '
    { d = $1 - $2; d = d < 0 ? -d : d; r = d / ($2 > 1e-30 ? $2 : 1e-30); if (r > worst) worst = r; n++ }
    END { printf "probabilities (the image'"'"'s and %d tiles'"'"'): largest relative difference to the peer %.2g\n", n - 1, worst }'
fi
