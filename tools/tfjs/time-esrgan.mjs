// SPDX-License-Identifier: GPL-3.0-or-later
// Times an UpscalerJS ESRGAN model in TensorFlow.js on a random SIZE x SIZE
// RGB input: the peer that tools/bench-upscale.sh compares Atelier against.
// Prints one line: "tfjs BACKEND MODEL SIZE SECONDS".
//
// usage: node time-esrgan.mjs PACKAGE_DIR SCALE SIZE [cpu|wasm]
import { loadEsrgan, tf, valueRange } from './esrgan-model.mjs';
import '@tensorflow/tfjs-backend-wasm';
import { setThreadsCount } from '@tensorflow/tfjs-backend-wasm';

const [packageDir, scaleArg, sizeArg, backend = 'wasm'] = process.argv.slice(2);
const scale = Number(scaleArg), size = Number(sizeArg);
if (backend === 'wasm') setThreadsCount(2);
const model = await loadEsrgan(packageDir, scale);
await tf.setBackend(backend);
await tf.ready();
const x = tf.randomUniform([1, size, size, 3], 0, valueRange(packageDir));
// One small warm-up call: backend set-up and kernel registration.
tf.dispose(model.predict(tf.zeros([1, 8, 8, 3])));
const start = performance.now();
const y = model.predict(x);
await y.data();
const seconds = (performance.now() - start) / 1000;
console.log(`tfjs ${tf.getBackend()} ${packageDir.split('/').filter(Boolean).slice(-2, -1)} x${scale} ${size} ${seconds.toFixed(2)}`);
