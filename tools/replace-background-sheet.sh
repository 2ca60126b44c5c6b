#!/bin/sh
# The contact sheet docs/replace-background-sheet.jpg: six product photographs of the shared data, each as it
# was, on white and on a studio sweep (Replace Background's defaults otherwise, the subject found by ISNet).
# Usage: tools/replace-background-sheet.sh [BUILD_DIR] [DATA_DIR]; needs ImageMagick's montage.
set -eu
build=${1:-build}
data=${2:-/work/shared/data/products}
photos="shoes_heels_on_carpet.jpg cap_on_red_fabric.jpg beanie_on_carpet.jpg top_on_purple_sheet.jpg
coffee_cup_on_table.png watch_plain.jpg"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
inputs=""
for photo in $photos; do inputs="$inputs $data/$photo"; done
# shellcheck disable=SC2086 # one argument per photograph
"$build/cli/atelier" replace-background --background white --output-dir "$work/white" $inputs
# shellcheck disable=SC2086
"$build/cli/atelier" replace-background --background studio --colour '#e8e8e8' --output-dir "$work/studio" $inputs
tiles=""
for photo in $photos; do tiles="$tiles $data/$photo $work/white/$photo $work/studio/$photo"; done
# shellcheck disable=SC2086
montage $tiles -tile 3x -geometry 300x300+6+6 -background '#808080' -quality 82 docs/replace-background-sheet.jpg
ls -l docs/replace-background-sheet.jpg
