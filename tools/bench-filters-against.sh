#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# Replace Background (white, 2000x2000) and the inpainting of a 300x300 object in a 6000x4000 photograph, as
# tools/bench-replace-background.sh and tools/bench-inpaint.sh run them, by this checkout's build and by another
# checkout's (BASE: a built tree of an earlier commit), alternating, RUNS times. Each line gives the seconds the
# command reports, ISNet's network seconds for Replace Background, and the CPU seconds of the whole command, which
# a busy machine lengthens less than the seconds.
#
# usage: tools/bench-filters-against.sh BASE [RUNS=2]
set -euo pipefail
base=$(cd "$1" && pwd)
runs=${2:-2}
cd "$(dirname "$0")/.."
ninja -C build > /dev/null
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
shared=../shared/data/products
/usr/bin/convert "$shared/watch_plain.jpg" -resize '2000x2000!' -quality 92 "$work/watch.jpg"
/usr/bin/convert "$shared/cap_on_red_fabric.jpg" -resize '6000x4000!' -quality 92 "$work/cap.jpg"
/usr/bin/convert -size 6000x4000 xc:black -fill white -draw 'rectangle 3000,2000 3299,2299' "$work/object.png"

replace_background() { # LABEL TREE
  G_MESSAGES_DEBUG=all OPENBLAS_CORETYPE=Haswell /usr/bin/time -f 'cpu %U %S' "$2/build/cli/atelier" \
    replace-background --background white "$work/watch.jpg" "$work/out.png" 2>&1 | awk -v label="$1" '
    /select-subject: network/ { line = $0; sub(/.*network /, "", line); network = line + 0 }
    / -> / { total = $(NF - 1) }
    /^cpu/ { cpu = $2 + $3 }
    END { printf "replace-background white 2000x2000, %s: %.2f s, network %.2f s, %.1f CPU s\n", label, total, network, cpu }'
}
inpaint() { # LABEL TREE
  /usr/bin/time -f 'cpu %U %S' -o "$work/cpu" "$2/build/cli/atelier" inpaint --threads 2 --fill auto \
    --mask "$work/object.png" "$work/cap.jpg" "$work/out.jpg" > "$work/line"
  awk -v label="$1" -v s="$(sed -n 's/.*; \([0-9.]*\) s)$/\1/p' "$work/line")" '
    /^cpu/ { printf "inpaint object 300x300 in 6000x4000, %s: %.2f s, %.1f CPU s\n", label, s, $2 + $3 }' "$work/cpu"
}
uptime
for _ in $(seq "$runs"); do
  replace_background base "$base"
  replace_background this .
done
for _ in $(seq "$runs"); do
  inpaint base "$base"
  inpaint this .
done
uptime
