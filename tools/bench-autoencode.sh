#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# Atelier against PyTorch (same threads) on TAEF2 encode + decode of a 1024x1024 photograph, in one run.
# usage: tools/bench-autoencode.sh [THREADS=2]
set -euo pipefail
cd "$(dirname "$0")/.."
threads=${1:-2}
shared=$(cd .. && pwd)/shared
[[ -f build/build.ninja ]] || meson setup build
ninja -C build > /dev/null
image=build/bench-1024.png
# A 1024x1024 test photograph: Set5's baby (512x512) enlarged x2, 8 bits.
[[ -f $image ]] || build/cli/atelier upscale --model slim --scale 2 --bit-depth 8 "$shared/data/sr-dev/Set5/baby.png" "$image" > /dev/null
ours=$(build/cli/atelier autoencode --threads "$threads" "$image" build/bench-1024-roundtrip.png)
echo "atelier: $ours"
theirs=$(/usr/bin/python3 -m tools.bench-autoencode "$shared" "$image" "$threads")
echo "$theirs"
a=$(sed -E 's/.*encode ([0-9.]+) s, decode ([0-9.]+) s.*/\1 \2/' <<< "$ours")
b=$(awk '{print $3, $5}' <<< "$theirs")
awk -v a="$a" -v b="$b" 'BEGIN { split(a, x, " "); split(b, y, " ");
  printf "taef2 1024x1024 encode+decode: atelier %.2f s, pytorch %.2f s, atelier is %.2fx faster\n",
    x[1] + x[2], y[1] + y[2], (y[1] + y[2]) / (x[1] + x[2]) }'
