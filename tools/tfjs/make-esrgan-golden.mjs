// SPDX-License-Identifier: GPL-3.0-or-later
// Golden outputs for tests/test-upscale.c: runs each UpscalerJS ESRGAN model
// in TensorFlow.js on a fixed 12x10 RGB input and writes input and output
// (NCHW, values 0..1) to tests/golden/esrgan/<model>.safetensors.
//
// usage: node make-esrgan-golden.mjs PACKAGE_DIR SIZE_NAME OUTPUT_DIR
import fs from 'node:fs';
import path from 'node:path';
import { loadEsrgan, tf, valueRange } from './esrgan-model.mjs';

const [packageDir, sizeName, outDir] = process.argv.slice(2);
const H = 12, W = 10;

function pattern() {
  // Smooth structure plus a deterministic hash, all in 0..1.
  const v = new Float32Array(H * W * 3);
  for (let y = 0; y < H; y++)
    for (let x = 0; x < W; x++)
      for (let c = 0; c < 3; c++) {
        const hash = Math.sin((y * 131 + x * 71 + c * 17) * 12.9898) * 43758.5453;
        v[(y * W + x) * 3 + c] = 0.5 + 0.35 * Math.sin(0.7 * x + 1.3 * y + 2.1 * c) + 0.1 * (hash - Math.floor(hash) - 0.5);
      }
  return v;
}

function nhwcToNchw(data, h, w, c) {
  const out = new Float32Array(data.length);
  for (let y = 0; y < h; y++)
    for (let x = 0; x < w; x++)
      for (let k = 0; k < c; k++) out[(k * h + y) * w + x] = data[(y * w + x) * c + k];
  return out;
}

function writeSafetensors(file, tensors) {
  const header = {};
  const blobs = [];
  let offset = 0;
  for (const [name, { shape, data }] of Object.entries(tensors)) {
    const bytes = Buffer.from(data.buffer, data.byteOffset, data.byteLength);
    header[name] = { dtype: 'F32', shape, data_offsets: [offset, offset + bytes.length] };
    blobs.push(bytes);
    offset += bytes.length;
  }
  let json = JSON.stringify(header);
  json += ' '.repeat((8 - (json.length % 8)) % 8);
  const length = Buffer.alloc(8);
  length.writeBigUInt64LE(BigInt(json.length));
  fs.writeFileSync(file, Buffer.concat([length, Buffer.from(json), ...blobs]));
}

const range = valueRange(packageDir);
const input = pattern();
for (const scale of [2, 3, 4, 8]) {
  const model = await loadEsrgan(packageDir, scale);
  const x = tf.tensor4d(input, [1, H, W, 3]).mul(range);
  const y = model.predict(x).div(range);
  const out = await y.data();
  const stem = `esrgan-${sizeName}-x${scale}`;
  writeSafetensors(path.join(outDir, `${stem}.safetensors`), {
    input: { shape: [1, 3, H, W], data: nhwcToNchw(input, H, W, 3) },
    output: { shape: [1, 3, H * scale, W * scale], data: nhwcToNchw(out, H * scale, W * scale, 3) },
  });
  console.log(`${stem}: output ${H * scale}x${W * scale}, tfjs ${tf.version.tfjs}`);
}
