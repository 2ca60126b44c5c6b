#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# One guided U-Net step at 64x64 latents (512x512 pixels) in Atelier and in PyTorch on the same weights and
# threads, then a whole 512x512 inpaint (20 DPM-Solver++ steps) in Atelier; sgemm in the same run.
#
# usage: tools/bench-unet.sh [THREADS=2]
set -euo pipefail
cd "$(dirname "$0")/.."
threads=${1:-2}
[[ -f build/build.ninja ]] || meson setup build
ninja -C build > /dev/null
build/cli/atelier bench --threads "$threads" --seconds 1 --unet 64 | grep -E "^(atelier bench|sgemm|U-Net|inpaint)"
/usr/bin/python3 -m tools.bench-unet "$threads" 64
