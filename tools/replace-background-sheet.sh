#!/bin/sh
# The contact sheet docs/replace-background-sheet.jpg: six product photographs of the shared data (a bottle, shoes,
# a bag, a watch, a coffee cup, a hair dryer), each as it was and then on every background kind and style of Replace
# Background, framed as a marketplace asks (square, the product filling 85 %, centred); the subject found by ISNet,
# the generated backgrounds with seed 0, 20 steps. Each kind runs once over all six (one process, models loaded
# once).
# Usage: tools/replace-background-sheet.sh [BUILD_DIR] [DATA_DIR] [WORK_DIR]; needs ImageMagick's montage. WORK_DIR
# (default: a temporary one) keeps the results, so that a sheet can be re-laid out without running them again.
set -eu
build=${1:-build}
data=${2:-/work/shared/data/products}
work=${3:-}
if [ -z "$work" ]; then
  work=$(mktemp -d)
  trap 'rm -rf "$work"' EXIT
fi
photos="bottle_vitamins_white.jpg shoes_kids_on_floor.jpg bag_duffel_white.jpg watch_plain.jpg coffee_cup_on_table.png
hairdryer_plain.jpg"
plain="white colour gradient studio"
styles="studio wood stone fabric paper bokeh photo"
inputs=""
for photo in $photos; do inputs="$inputs $data/$photo"; done
frame="--canvas square --fill 85 --placement centre"
for kind in $plain; do
  [ -d "$work/$kind" ] && continue
  # shellcheck disable=SC2086 # one argument per photograph and option
  "$build/cli/atelier" replace-background $frame --background "$kind" --colour '#e4e8ee' --bottom-colour '#b8c0cc' \
    --output-dir "$work/$kind" $inputs
done
for style in $styles; do
  [ -d "$work/generated-$style" ] && continue
  # shellcheck disable=SC2086
  "$build/cli/atelier" replace-background $frame --background generated --style "$style" --seed 0 --steps 20 \
    --output-dir "$work/generated-$style.partial" $inputs
  mv "$work/generated-$style.partial" "$work/generated-$style"
done
tiles=""
for photo in $photos; do
  tiles="$tiles $data/$photo"
  for kind in $plain; do tiles="$tiles $work/$kind/$photo"; done
  for style in $styles; do tiles="$tiles $work/generated-$style/$photo"; done
done
# shellcheck disable=SC2086
montage $tiles -tile 12x -geometry 220x220+3+3 -background '#808080' -quality 85 docs/replace-background-sheet.jpg
ls -l docs/replace-background-sheet.jpg
