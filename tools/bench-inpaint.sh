#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# Retouching speed at the defaults (20 DPM-Solver++ steps, fill auto), 2 threads: a 50x50 blemish and a 300x300
# object in a 6000x4000 photograph (targets < 2 s and < 8 s) and Extend Canvas of a 2000x1500 photograph to
# 2000x2000 (target < 15 s). Each line gives the seconds the command reports (reading the input not counted,
# writing the JPEG result counted), their ratio to the target, and as a peer timed in the same run OpenCV's
# Telea inpainting (radius 5) of the same hole in the same photograph. The model and membrane fills of the
# blemish are timed too (--fill model, --fill membrane), so that the cost of each is seen. On a machine shared
# with other work the seconds grow with its load; the CPU seconds of the whole command (user + system, reading
# the input included) are printed beside them, and half of them is what 2 cores would take at best.
# The object is timed a second time diffused at 512 as before this session's working-size rule (--working-size 683:
# a reduced window is diffused at 3/4 of the working size), a peer timed in the same run, and the engine's stage
# timers (G_MESSAGES_DEBUG=atelier-engine: CPU seconds of encoding, steps, decoding, enlargement) are printed.
#
# usage: tools/bench-inpaint.sh [PHOTO] [RUNS=1]
set -euo pipefail
cd "$(dirname "$0")/.."
photo=${1:-../shared/data/products/cap_on_red_fabric.jpg}
runs=${2:-1}
ninja -C build > /dev/null
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
/usr/bin/convert "$photo" -resize '6000x4000!' -quality 92 "$work/big.jpg"
/usr/bin/convert "$photo" -resize '2000x1500!' -quality 92 "$work/medium.jpg"
/usr/bin/convert -size 6000x4000 xc:black -fill white -draw 'rectangle 2000,1500 2049,1549' "$work/blemish.png"
/usr/bin/convert -size 6000x4000 xc:black -fill white -draw 'rectangle 3000,2000 3299,2299' "$work/object.png"

reported_seconds() { sed -n 's/.*; \([0-9.]*\) s)$/\1/p'; }
# Runs the command, prints "SECONDS CPU_SECONDS"; the engine's stage timers (GLib writes debug messages to
# standard output) stay in $work/line.
timed() {
  G_MESSAGES_DEBUG=atelier-engine /usr/bin/time -f '%U %S' -o "$work/cpu" "$@" > "$work/line"
  echo "$(reported_seconds < "$work/line") $(awk '{ print $1 + $2 }' "$work/cpu")"
}
stages() { sed -n 's/.*DEBUG: [0-9:.]*: \(diffusion at .*\|inpaint window .* at .*\)$/    \1/p' "$work/line"; }
telea_seconds() {
  /usr/bin/python3 -c '
import sys, time
import cv2
image, mask = cv2.imread(sys.argv[1]), cv2.imread(sys.argv[2], cv2.IMREAD_GRAYSCALE)
cv2.setNumThreads(2)
start = time.time()
cv2.inpaint(image, mask, 5, cv2.INPAINT_TELEA)
print(f"{time.time() - start:.2f}")' "$1" "$2"
}

for _ in $(seq "$runs"); do
  for job in "blemish 2 auto" "blemish 2 model" "blemish 2 membrane" "object 8 auto"; do
    read -r hole target fill <<< "$job"
    read -r seconds cpu <<< "$(timed build/cli/atelier inpaint --threads 2 --fill "$fill" --mask "$work/$hole.png" \
      "$work/big.jpg" "$work/out.jpg")"
    peer=$(telea_seconds "$work/big.jpg" "$work/$hole.png")
    awk -v h="$hole" -v f="$fill" -v s="$seconds" -v c="$cpu" -v t="$target" -v p="$peer" 'BEGIN {
      printf "%s in 6000x4000, fill %s: %.2f s (%.2f of the %d s target), %.1f CPU s; Telea %.2f s\n",
             h, f, s, s / t, t, c, p }'
    stages
    [ "$hole" = object ] && object_seconds=$seconds
  done
  read -r seconds cpu <<< "$(timed build/cli/atelier inpaint --threads 2 --working-size 683 --mask "$work/object.png" \
    "$work/big.jpg" "$work/out.jpg")"
  awk -v s="$seconds" -v c="$cpu" -v n="$object_seconds" 'BEGIN {
    printf "object diffused at 512 as before (--working-size 683): %.2f s, %.1f CPU s; the default takes %.2f of it\n",
           s, c, n / s }'
  stages
  read -r seconds cpu <<< "$(timed build/cli/atelier extend --threads 2 --aspect 1:1 "$work/medium.jpg" "$work/out.jpg")"
  awk -v s="$seconds" -v c="$cpu" 'BEGIN {
    printf "extend 2000x1500 to 2000x2000: %.2f s (%.2f of the 15 s target), %.1f CPU s\n", s, s / 15, c }'
  stages
done
uptime
