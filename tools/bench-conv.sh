#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# The 3x3 stride-1 convolutions of ISNet, the U-Net and ESRGAN shape by shape
# (tools/bench-conv.c: the direct path, Winograd F(2,3) and F(4,3), and the
# dispatch, against sgemm), then ISNet's whole 1024x1024 forward pass with
# Winograd off and on, in one run, on the same threads.
#
# usage: tools/bench-conv.sh [THREADS=2] [REPEATS=3]
set -euo pipefail
cd "$(dirname "$0")/.."
threads=${1:-2}
repeats=${2:-3}
[[ -f build/build.ninja ]] || meson setup build
ninja -C build > /dev/null
flags() { pkg-config "$1" glib-2.0 json-glib-1.0 fftw3f; }
for tool in bench-conv bench-isnet; do
  # shellcheck disable=SC2046
  cc -O2 -o "build/tools-$tool" "tools/$tool.c" -Iengine $(flags --cflags) \
    build/engine/libatelier-engine.a $(flags --libs) -lfftw3f_threads -lopenblas -lm
done
uptime
"build/tools-bench-conv" "$threads" "$repeats"
bash models/isnet/setup.sh > /dev/null
for winograd in 0 1; do
  echo "isnet-medium 1024x1024, $threads thread(s), Winograd $winograd:"
  build/tools-bench-isnet models/isnet/isnet-medium.json "$threads" "$winograd"
done
uptime
