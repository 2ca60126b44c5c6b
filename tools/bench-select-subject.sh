#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# Select Subject and Cutout, the whole filters, on a 4000 x 3000 photograph: seconds, the share spent in the
# network (ISNet at 1024 x 1024) and in the matte refinement (the rest: colour conversion and, for Cutout, the
# foreground estimate; reading and writing the files is not counted), and peak memory of the whole process
# (/usr/bin/time -v). The photograph is a product photo enlarged and
# cropped to 4000 x 3000 by ImageMagick (/usr/bin/convert; apt-get install imagemagick).
#
# usage: tools/bench-select-subject.sh [PHOTO] [THREADS=all]
set -euo pipefail
cd "$(dirname "$0")/.."
photo=${1:-../shared/data/products/phone_case_in_hand_sky.jpg}
threads=${2:-0}
[[ -f build/build.ninja ]] || meson setup build
ninja -C build > /dev/null
bash models/isnet/setup.sh > /dev/null
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
/usr/bin/convert "$photo" -resize '4000x3000^' -gravity center -extent 4000x3000 -quality 92 "$work/big.jpg"

for command in select-subject cutout; do
  G_MESSAGES_DEBUG=all /usr/bin/time -v build/cli/atelier "$command" --threads "$threads" "$work/big.jpg" \
    "$work/$command.png" > "$work/out.txt" 2> "$work/err.txt"
  awk -v command="$command" '
    /select-subject: network/ { line = $0; sub(/.*network /, "", line); network = line + 0
                                sub(/.*matte /, "", line); matte = line + 0 }
    / -> / { total = $(NF - 1) }
    /Maximum resident set size/ { rss = $NF }
    END {
      printf "%s 4000x3000: %.1f s; network %.1f s (%.0f%%), matte refinement %.1f s (%.0f%%), the rest %.1f s (%.0f%%); peak memory %.0f MiB\n",
             command, total, network, 100 * network / total, matte, 100 * matte / total,
             total - network - matte, 100 * (total - network - matte) / total, rss / 1024
    }' "$work/out.txt" "$work/err.txt"
done
