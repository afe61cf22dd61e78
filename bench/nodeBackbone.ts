/**
 * The CLI's backbone speed: ViT-S/14 (random weights) on the backend the CLI picks (WebGPU through
 * Dawn on a real GPU, else wasm with the fused kernels), one slice a call against several,
 * interleaved after a warm-up. Prints the backend, the reason and slices/s.
 *   npx tsx bench/nodeBackbone.ts [--backend auto|webgpu|wasm] [--runs 15] [--sizes 224,448] [--batch 8]
 */
import * as tf from '@tensorflow/tfjs-core';
import { parseArgs } from '../src/cli/args.ts';
import { chooseNodeBackend, type NodeBackendChoice } from '../src/cli/tfNode.ts';
import { loadDinoV2 } from '../src/core/models/dinov2/load.ts';
import { randomCheckpoint } from '../src/core/models/dinov2/random.ts';
import { forwardFlops } from './flops.ts';
import { summary } from './stats.ts';

const args = parseArgs(process.argv.slice(2));
const runs = Number(args.flags.get('runs')?.[0] ?? 15);
const sizes = (args.flags.get('sizes')?.[0] ?? '224,448').split(',').map(Number);
const batch = Number(args.flags.get('batch')?.[0] ?? 8);
const engine = await chooseNodeBackend((args.flags.get('backend')?.[0] ?? 'auto') as NodeBackendChoice);
console.error(`backend: ${engine.reason}`);
const model = loadDinoV2([randomCheckpoint('vits14', { seed: 1 })]);
const results = [];
for (const size of sizes) {
  const inputs = [1, batch].map((b) => tf.randomNormal([b, 3, size, size]) as tf.Tensor4D);
  const once = async (x: tf.Tensor4D) => {
    const start = performance.now();
    const t = tf.tidy(() => model.forward(x).patches);
    await t.data(); // the GPU has finished only when the tokens are back
    t.dispose();
    return (performance.now() - start) / x.shape[0];
  };
  for (const x of inputs) await once(x); // warm-up: shaders, weights uploaded, XNNPACK packing
  const times: number[][] = inputs.map(() => []);
  for (let r = 0; r < runs; r++) for (const [i, x] of inputs.entries()) times[i].push(await once(x));
  for (const [i, x] of inputs.entries()) {
    const ms = summary(times[i]);
    results.push({ size, batch: x.shape[0], msPerSlice: ms, slicesPerSecond: +(1000 / ms.median).toFixed(2), gflops: +(forwardFlops(model.config, size, size) / 1e6 / ms.median).toFixed(1) });
    console.error(`  ${size} px, ${x.shape[0]} a call: ${ms.median} ms a slice (${ms.min}-${ms.max}), ${(1000 / ms.median).toFixed(1)} slices/s`);
  }
  tf.dispose(inputs);
}
console.log(JSON.stringify({ bench: 'node backbone', backend: engine.name, reason: engine.reason, runs, results, rssMB: Math.round(process.memoryUsage().rss / 2 ** 20) }, null, 1));
