// SPDX-License-Identifier: GPL-3.0-or-later
// Times ONNX Runtime (CPU) on ISNet's 1024x1024 forward pass: two runs after
// creating the session, with THREADS intra-op threads and one inter-op
// thread (sequential execution), so that it uses the cores Atelier is given.
// The package itself asks for executionMode "parallel", which adds inter-op
// threads. Run by tools/bench-isnet.sh.
//
// usage: node tools/onnx/time-isnet.mjs ONNX THREADS
import ort from 'onnxruntime-node';

const [onnx, threads] = [process.argv[2], Number(process.argv[3] ?? 1)];
const session = await ort.InferenceSession.create(onnx, {
  graphOptimizationLevel: 'all', executionMode: 'sequential', intraOpNumThreads: threads, interOpNumThreads: 1,
});
const input = new Float32Array(3 * 1024 * 1024).map((_, i) => ((i * 37) % 256 - 128) / 256);
for (let run = 1; run <= 2; run++) {
  const start = process.hrtime.bigint();
  await session.run({ input: new ort.Tensor('float32', input, [1, 3, 1024, 1024]) }, ['output']);
  console.log(`onnxruntime run ${run}: ${(Number(process.hrtime.bigint() - start) / 1e9).toFixed(2)} s`);
}
