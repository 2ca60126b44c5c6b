#!/usr/bin/env bash
# docs/select-subject-sheet.jpg: each product photograph of /work/shared/data/products, its cut-out
# (`atelier cutout`, default settings) on white and on black, side by side, reduced to a JPEG under 600 KB.
# usage: tools/select-subject-sheet.sh [PHOTO_DIR [SHEET]]   (CUTOUTS=DIR reuses cut-outs made before)
# Needs ImageMagick (apt-get install imagemagick); /usr/bin's, since a stand-in `convert` may come first in PATH.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
photos=${1:-$root/../shared/data/products}
sheet=${2:-$root/docs/select-subject-sheet.jpg}
atelier=${ATELIER:-$root/build/cli/atelier}
im=/usr/bin
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

shopt -s nullglob
inputs=("$photos"/*.jpg "$photos"/*.png)
cutouts=${CUTOUTS:-$work/cut}
[[ -n ${CUTOUTS:-} ]] || "$atelier" cutout --output-dir "$cutouts" "${inputs[@]}"

height=170
rows=()
for photo in "${inputs[@]}"; do
  name=$(basename "${photo%.*}")
  cut=$cutouts/$name.png
  "$im/convert" "$photo" -resize "x$height" "$work/$name.1.png"
  "$im/convert" "$cut" -background white -alpha remove -resize "x$height" "$work/$name.2.png"
  "$im/convert" "$cut" -background black -alpha remove -resize "x$height" "$work/$name.3.png"
  "$im/convert" "$work/$name".[123].png -bordercolor '#808080' -border 2 +append "$work/$name.row.png"
  rows+=(-label "$name" "$work/$name.row.png")
done
"$im/montage" "${rows[@]}" -tile 2x -geometry +6+6 -pointsize 13 -background '#d0d0d0' "$work/sheet.png"
"$im/convert" "$work/sheet.png" -strip -quality 82 "$sheet"
echo "$sheet: $(du -k "$sheet" | cut -f1) KB, ${#inputs[@]} photographs"
