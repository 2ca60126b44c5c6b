#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# Replace Background on a 2000 x 2000 photograph with a plain background (white and studio): the whole filter's
# seconds as the command line reports them (reading and writing the files not counted), beside the part spent in
# Select Subject's network and matte refinement, which the plain backgrounds add to. Target: < 3 s on 2 cores.
#
# usage: tools/bench-replace-background.sh [PHOTO] [RUNS=3]
set -euo pipefail
cd "$(dirname "$0")/.."
photo=${1:-../shared/data/products/watch_plain.jpg}
runs=${2:-3}
ninja -C build > /dev/null
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
/usr/bin/convert "$photo" -resize '2000x2000!' -quality 92 "$work/big.jpg"
for background in white studio; do
  for _ in $(seq "$runs"); do
    G_MESSAGES_DEBUG=all build/cli/atelier replace-background --background "$background" "$work/big.jpg" \
      "$work/out.png" 2>&1 | awk -v background="$background" '
      /select-subject: network/ { line = $0; sub(/.*network /, "", line); network = line + 0
                                  sub(/.*matte /, "", line); matte = line + 0 }
      / -> / { total = $(NF - 1) }
      END { printf "%s 2000x2000: %.2f s; network %.2f s, matte %.2f s, the rest (foreground, background, shadow, compose) %.2f s\n",
                   background, total, network, matte, total - network - matte }'
  done
done
uptime
