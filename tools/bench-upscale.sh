#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# Atelier against TensorFlow.js (WASM backend, 2 threads, and the pure-JS CPU
# backend) on the same model and the same SIZE x SIZE input, in one run.
#
# usage: tools/bench-upscale.sh [MODEL_SIZE=thick] [SCALE=4] [SIZE=256] [BACKENDS="wasm"]
set -euo pipefail
cd "$(dirname "$0")/.."
size_name=${1:-thick}
scale=${2:-4}
size=${3:-256}
backends=${4:-wasm}
package=models/.cache/npm/esrgan-$size_name/package
bash models/esrgan/setup.sh "$size_name"
bash models/esrgan/setup.sh --fetch-only "$size_name"
[[ -d tools/tfjs/node_modules ]] || (cd tools/tfjs && npm install --no-audit --no-fund --ignore-scripts)
[[ -f build/build.ninja ]] || meson setup build
ninja -C build > /dev/null

ours=$(build/cli/atelier bench --seconds 0.2 --model "$size_name" --scale "$scale" --size "$size")
echo "$ours"
ours_s=$(awk '/^upscale seconds:/ {print $3}' <<< "$ours")
for backend in $backends; do
  line=$(cd tools/tfjs && node time-esrgan.mjs "../../$package" "$scale" "$size" "$backend" 2> /dev/null | grep '^tfjs')
  tfjs_s=$(awk '{print $NF}' <<< "$line")
  echo "$line"
  awk -v a="$ours_s" -v b="$tfjs_s" -v be="$backend" -v m="esrgan-$size_name-x$scale" -v s="$size" \
    'BEGIN { printf "%s %dx%d: atelier %.2f s, tfjs-%s %.2f s, atelier is %.1fx faster\n", m, s, s, a, be, b, b / a }'
done
