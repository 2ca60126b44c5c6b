// SPDX-License-Identifier: GPL-3.0-or-later
// ONNX Runtime's raw subject masks for the cut-out evaluation
// (tools/cutout-eval/evaluate.py --coarse "ONNX Runtime (raw)=OUT"): for every
// image of a folder, @imgly/background-removal-node 1.4.5's own pipeline
// (isnet-package.mjs) writes the package's 8-bit mask at the image's size as
// OUT/NAME.png. Images whose mask is already there are skipped, so an
// interrupted run resumes.
//
// usage (after models/isnet/setup.sh and `npm ci --ignore-scripts` in tools/onnx):
//   node tools/onnx/isnet-maps.mjs IMAGES_DIR OUT_DIR
import fs from 'node:fs';
import path from 'node:path';
import { decodeRgba, packageFunctions, packageMask, packageSession, writeGreyPng } from './isnet-package.mjs';

const [imagesDir, outDir] = process.argv.slice(2);
if (!imagesDir || !outDir) throw new Error('usage: node tools/onnx/isnet-maps.mjs IMAGES_DIR OUT_DIR');
const fns = packageFunctions();
const session = await packageSession();
fs.mkdirSync(outDir, { recursive: true });
for (const file of fs.readdirSync(imagesDir).filter((f) => /\.(png|jpe?g)$/i.test(f)).sort()) {
  const name = file.replace(/\.[^.]+$/, '');
  const out = path.join(outDir, `${name}.png`);
  if (fs.existsSync(out)) continue;
  const start = process.hrtime.bigint();
  const image = decodeRgba(path.join(imagesDir, file));
  const [height, width] = image.shape;
  const { mask } = await packageMask(session, fns, image);
  // Written under a temporary name first, so that a killed run leaves no partial mask to skip.
  writeGreyPng(`${out}.part`, width, height, 8, (y, x) => mask.data[y * width + x]);
  fs.renameSync(`${out}.part`, out);
  console.log(`${name}: ${width}x${height}, ${(Number(process.hrtime.bigint() - start) / 1e9).toFixed(2)} s`);
}
