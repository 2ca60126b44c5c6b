// SPDX-License-Identifier: GPL-3.0-or-later
// Loads an UpscalerJS ESRGAN layers model from its npm package folder into
// TensorFlow.js (pure JS CPU backend), with the two custom layers defined as
// the package's own esrgan.js defines them.
import * as tf from '@tensorflow/tfjs';
import fs from 'node:fs';
import path from 'node:path';

class MultiplyBeta extends tf.layers.Layer {
  static className = 'MultiplyBeta';
  call(inputs) {
    return tf.mul(Array.isArray(inputs) ? inputs[0] : inputs, 0.2);
  }
}
tf.serialization.registerClass(MultiplyBeta);
for (const scale of [2, 3, 4, 8]) {
  class PixelShuffle extends tf.layers.Layer {
    static className = `PixelShuffle${scale}x`;
    computeOutputShape(s) {
      return [s[0], s[1], s[2], 3];
    }
    call(inputs) {
      return tf.depthToSpace(Array.isArray(inputs) ? inputs[0] : inputs, scale, 'NHWC');
    }
  }
  tf.serialization.registerClass(PixelShuffle);
}

export async function loadEsrgan(packageDir, scale) {
  const dir = path.join(packageDir, 'models', `x${scale}`);
  const model = JSON.parse(fs.readFileSync(path.join(dir, 'model.json')));
  const specs = model.weightsManifest.flatMap((g) => g.weights);
  const shards = model.weightsManifest.flatMap((g) => g.paths).map((p) => fs.readFileSync(path.join(dir, p)));
  const data = Buffer.concat(shards);
  const buffer = data.buffer.slice(data.byteOffset, data.byteOffset + data.byteLength);
  await tf.setBackend('cpu');
  return tf.loadLayersModel(tf.io.fromMemory({ modelTopology: model.modelTopology, weightSpecs: specs, weightData: buffer }));
}

// The value range the model was trained on, from the package's model definition.
export function valueRange(packageDir) {
  const name = JSON.parse(fs.readFileSync(path.join(packageDir, 'package.json'))).name;
  return name.endsWith('-thick') ? 1 : 255;
}

export { tf };
