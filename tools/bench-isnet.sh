#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# ISNet's 1024x1024 forward pass in Atelier and in ONNX Runtime (CPU, the
# package's runtime) with the same number of threads, in one run, and
# Atelier's GFLOP/s beside OpenBLAS sgemm on the same threads. Each side runs
# twice after loading and the second run counts. The two alternate for
# ROUNDS rounds and the median ratio is printed: this machine is shared and
# its speed drifts by up to 2x within minutes (single rounds gave ratios from
# 0.88 to 1.26).
#
# usage: tools/bench-isnet.sh [THREADS="1 2"] [ROUNDS=3]
set -euo pipefail
cd "$(dirname "$0")/.."
threads_list=${1:-"1 2"}
rounds=${2:-3}
bash models/isnet/setup.sh > /dev/null
[[ -d tools/onnx/node_modules ]] || (cd tools/onnx && npm ci --no-audit --no-fund --ignore-scripts)
[[ -f build/build.ninja ]] || meson setup build
ninja -C build > /dev/null
bench=build/tools-bench-isnet
# shellcheck disable=SC2046
cc -O2 -o "$bench" tools/bench-isnet.c -Iengine $(pkg-config --cflags glib-2.0 json-glib-1.0) \
  build/engine/libatelier-engine.a $(pkg-config --libs glib-2.0 json-glib-1.0 fftw3f nettle) -lfftw3f_threads -lopenblas -lm
onnx=models/.cache/isnet/isnet-medium.onnx

median() { sort -g | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }

for threads in $threads_list; do
  ratios=() fractions=()
  for ((round = 1; round <= rounds; round++)); do
    # sgemm 2048^3 on these threads, as `atelier bench` times it: the median over its kernel rows.
    sgemm=$(build/cli/atelier bench --threads "$threads" --seconds 0.3 \
            | awk '$NF ~ /^[0-9.]+$/ && NF >= 5 { print $(NF-1) }' | median)
    ours=$("$bench" models/isnet/isnet-medium.json "$threads" | awk '/^atelier run 2:/ { print $4, $8 }')
    theirs=$(node tools/onnx/time-isnet.mjs "$onnx" "$threads" | awk '/^onnxruntime run 2:/ { print $4 }')
    read -r a gflops <<< "$ours"
    ratio=$(awk -v a="$a" -v b="$theirs" 'BEGIN { printf "%.2f", b / a }')
    fraction=$(awk -v g="$gflops" -v s="$sgemm" 'BEGIN { printf "%.2f", g / s }')
    ratios+=("$ratio") fractions+=("$fraction")
    echo "$threads thread(s), round $round: atelier $a s ($gflops GFLOP/s, sgemm $sgemm GFLOP/s: $fraction)," \
         "onnxruntime $theirs s, onnxruntime/atelier $ratio"
  done
  echo "isnet-medium 1024x1024, $threads thread(s), median of $rounds rounds:" \
       "onnxruntime/atelier $(printf '%s\n' "${ratios[@]}" | median)," \
       "atelier at $(printf '%s\n' "${fractions[@]}" | median) of sgemm's GFLOP/s"
done
