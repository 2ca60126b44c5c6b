#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# ISNet's 1024x1024 forward pass in Atelier and in ONNX Runtime (CPU, the
# package's runtime) with the same number of threads, in one run, and
# Atelier's GFLOP/s beside OpenBLAS sgemm on the same threads. Each side runs
# twice after loading; the ratio is of the second runs.
#
# usage: tools/bench-isnet.sh [THREADS="1 2"]
set -euo pipefail
cd "$(dirname "$0")/.."
threads_list=${1:-"1 2"}
bash models/isnet/setup.sh > /dev/null
[[ -d tools/onnx/node_modules ]] || (cd tools/onnx && npm ci --no-audit --no-fund --ignore-scripts)
[[ -f build/build.ninja ]] || meson setup build
ninja -C build > /dev/null
bench=build/tools-bench-isnet
# shellcheck disable=SC2046
cc -O2 -o "$bench" tools/bench-isnet.c -Iengine $(pkg-config --cflags glib-2.0 json-glib-1.0) \
  build/engine/libatelier-engine.a $(pkg-config --libs glib-2.0 json-glib-1.0 fftw3f) -lfftw3f_threads -lopenblas -lm
onnx=models/.cache/isnet/isnet-medium.onnx

for threads in $threads_list; do
  echo "== $threads thread(s)"
  # sgemm 2048^3 on these threads, as `atelier bench` times it: the median over its kernel rows.
  sgemm=$(build/cli/atelier bench --threads "$threads" --seconds 0.3 \
          | awk '$NF ~ /^[0-9.]+$/ && NF >= 5 { print $(NF-1) }' | sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }')
  ours=$("$bench" models/isnet/isnet-medium.json "$threads")
  theirs=$(node tools/onnx/time-isnet.mjs "$onnx" "$threads")
  echo "$ours"
  echo "$theirs"
  echo "sgemm 2048^3: $sgemm GFLOP/s"
  a=$(awk '/^atelier run 2:/ { print $4 }' <<< "$ours")
  gflops=$(awk '/^atelier run 2:/ { print $8 }' <<< "$ours")
  b=$(awk '/^onnxruntime run 2:/ { print $4 }' <<< "$theirs")
  awk -v a="$a" -v b="$b" -v g="$gflops" -v s="$sgemm" -v t="$threads" 'BEGIN {
    printf "isnet-medium 1024x1024, %d thread(s): atelier %.2f s, onnxruntime %.2f s, onnxruntime/atelier %.2f; atelier %.1f GFLOP/s = %.2f of sgemm\n",
           t, a, b, b / a, g, g / s }'
done
