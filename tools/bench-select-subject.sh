#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# Select Subject, Cutout and Replace Background (plain white), the whole filters, on a photograph of SIZE: wall
# seconds and CPU seconds of the process (/usr/bin/time -v: on a shared machine the wall clock measures the
# neighbours too), the wall seconds of the network (ISNet at 1024 x 1024), the matte refinement and the
# foreground estimate (the one run all three share, atelier_cutout_compute; Replace Background estimates its
# colours after it), the rest (reading, colour conversion, writing), and peak memory. The photograph is a
# product photo enlarged and cropped to SIZE by ImageMagick (/usr/bin/convert; apt-get install imagemagick).
#
# usage: tools/bench-select-subject.sh [PHOTO] [THREADS=all] [SIZE=4000x3000]
set -euo pipefail
cd "$(dirname "$0")/.."
photo=${1:-../shared/data/products/phone_case_in_hand_sky.jpg}
threads=${2:-0}
size=${3:-4000x3000}
[[ -f build/build.ninja ]] || meson setup build
ninja -C build > /dev/null
bash models/isnet/setup.sh > /dev/null
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
/usr/bin/convert "$photo" -resize "$size^" -gravity center -extent "$size" -quality 92 "$work/big.jpg"
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg)"

for command in select-subject cutout replace-background; do
  options=()
  [[ $command == replace-background ]] && options=(--background white)
  G_MESSAGES_DEBUG=all /usr/bin/time -v build/cli/atelier "$command" "${options[@]}" --threads "$threads" \
    --no-provenance "$work/big.jpg" "$work/$command.png" > "$work/out.txt" 2> "$work/err.txt"
  awk -v command="$command" -v size="$size" '
    /select-subject: network/ { line = $0; sub(/.*network /, "", line); network = line + 0
                                sub(/.*matte /, "", line); matte = line + 0
                                sub(/.*foreground /, "", line); colours = line + 0 }
    / -> / { total = $(NF - 1) }
    /User time/ { cpu += $NF }
    /System time/ { cpu += $NF }
    /Maximum resident set size/ { rss = $NF }
    END {
      rest = total - network - matte - colours
      printf "%s %s: %.2f s (CPU %.2f s); network %.2f s (%.0f%%), matte %.2f s (%.0f%%), foreground %.2f s (%.0f%%), the rest %.2f s (%.0f%%); peak memory %.0f MiB\n",
             command, size, total, cpu, network, 100 * network / total, matte, 100 * matte / total,
             colours, 100 * colours / total, rest, 100 * rest / total, rss / 1024
    }' "$work/out.txt" "$work/err.txt"
done
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg)"
