/**
 * npm run bench:adapters: training steps a second for LoRA and Rein on ViT-S/14 (random weights,
 * the real shape) at 224 x 224, TensorFlow.js's wasm backend in Node (the kernels the page's wasm
 * backend runs), a batch of 8 slices adapting the last 2 blocks, and of 2 adapting every block. LoRA and Rein
 * alternate step by step, so the machine's noise falls on both alike. Prints the median, min and
 * max seconds a step, and what a run at the studio's defaults (10 epochs) takes for a case's
 * training slices.
 *   BENCH_ADAPTER_RUNS=15  BENCH_ADAPTER_ALL_RUNS=3  BENCH_ADAPTER_BATCH=8
 */
import * as tf from '@tensorflow/tfjs-core';
import { useNodeBackend } from '../src/cli/tfNode.ts';
import { type AdapterSettings, createAdapter, DEFAULT_ADAPTERS } from '../src/core/adapters/create.ts';
import { trainAdapter } from '../src/core/adapters/train.ts';
import { createLinearHead } from '../src/core/heads/linearHead.ts';
import { taskSpec } from '../src/core/heads/tasks.ts';
import type { TrainingSlice } from '../src/core/heads/train.ts';
import { loadDinoV2 } from '../src/core/models/dinov2/load.ts';
import { randomCheckpoint } from '../src/core/models/dinov2/random.ts';
import { summary } from './stats.ts';

const runs = Number(process.env.BENCH_ADAPTER_RUNS ?? 15);
const allRuns = Number(process.env.BENCH_ADAPTER_ALL_RUNS ?? 3);
const batch = Number(process.env.BENCH_ADAPTER_BATCH ?? 8);
const backend = await useNodeBackend('wasm');
const model = loadDinoV2([randomCheckpoint('vits14', { seed: 0 })]);
const { dim: D, depth } = model.config;
const size = 224;
const grid = size / 14;
const spec = taskSpec('regions');
const stats = (xs: number[]) => summary(xs, 3); // seconds a step

async function measure(blocks: number, n: number, batch: number) {
  const settings: AdapterSettings[] = [
    { ...DEFAULT_ADAPTERS.lora, blocks },
    { ...DEFAULT_ADAPTERS.rein, blocks },
  ];
  const first = depth - blocks;
  // Trunk tokens of random slices, as the cache would hold them.
  const data: TrainingSlice[] = Array.from({ length: batch }, (_, slice) => {
    const features = tf.tidy(() => model.blocks(model.tokens(tf.randomNormal([1, 3, size, size], 0, 1, 'float32', slice) as tf.Tensor4D), 0, first).dataSync() as Float32Array);
    return { slice, features, targets: new Float32Array(size * size * 3).map((_, i) => (i % 7 === 0 ? 1 : 0)), weights: new Float32Array(size * size).fill(1) };
  });
  const loops = settings.map((s) => {
    const adapter = createAdapter(model.config, s);
    const steps = trainAdapter(model, adapter, createLinearHead(D, 3, 0), data, { spec, grid, size, epochs: n + 1, batchSize: batch, learningRate: 0.01, seed: 0 });
    return { kind: s.kind, adapter, steps, seconds: [] as number[], parameters: adapter.variables().reduce((a, v) => a + v.size, 0) };
  });
  for (const l of loops) await l.steps.next(); // warm-up, not counted
  for (let i = 0; i < n; i++) {
    for (const l of loops) {
      const start = performance.now();
      await l.steps.next();
      l.seconds.push((performance.now() - start) / 1000);
    }
  }
  return loops.map((l) => {
    l.adapter.dispose();
    const s = stats(l.seconds);
    return { adapter: l.kind, blocks, parameters: l.parameters, secondsPerStep: s, stepsPerSecond: +(1 / s.median).toFixed(3), slicesPerSecond: +(batch / s.median).toFixed(2), tenEpochsOf40SlicesMinutes: +((10 * Math.ceil(40 / batch) * s.median) / 60).toFixed(1) };
  });
}

console.error(`ViT-S/14 (random weights), ${size} x ${size}, TensorFlow.js ${backend} in Node`);
// Every block adapted keeps every block's activations for the backward pass: a batch of 8 slices
// outgrows the wasm heap (its 4 GB), so that case runs 2 slices a step.
for (const [blocks, n, b] of [[2, runs, batch], [depth, allRuns, Math.min(batch, 2)]]) {
  try {
    console.log(JSON.stringify({ backend, model: 'ViT-S/14 random weights', size, batch: b, results: await measure(blocks, n, b), rssMb: Math.round(process.memoryUsage().rss / 1e6) }, null, 1));
  } catch (e) {
    console.log(JSON.stringify({ blocks, batch: b, failed: (e as Error).message }));
  }
}
