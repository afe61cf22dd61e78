import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, expect, it } from 'vitest';
import { useNodeBackend } from '../../cli/tfNode.ts';
import type { CaseVolumes } from '../case/case.ts';
import { DEFAULT_SETTINGS, prepareCase } from '../experiments/experiment.ts';
import { heldOutRun } from '../experiments/heldOut.ts';
import { memoryFeatureStore } from '../features/store.ts';
import { contentHash } from '../hash.ts';
import { createLinearHead } from '../heads/linearHead.ts';
import { taskSpec } from '../heads/tasks.ts';
import type { TrainingSlice } from '../heads/train.ts';
import { readDinoV2 } from '../models/dinov2/load.ts';
import { createDinoV2, type DinoV2 } from '../models/dinov2/model.ts';
import { randomCheckpoint } from '../models/dinov2/random.ts';
import { generateSyntheticCase } from '../synthetic/brats.ts';
import { gaussian, mulberry32 } from '../synthetic/random.ts';
import { fromF16Array } from '../weights/f16.ts';
import { heldOutAdapterRun } from './experiment.ts';
import { DEFAULT_ADAPTERS } from './create.ts';
import { createLora, DEFAULT_LORA } from './lora.ts';
import { frozenTrunk, trainAdapter } from './train.ts';

const bytes = randomCheckpoint('tiny', { seed: 5 });
let model: DinoV2;
beforeAll(async () => {
  await useNodeBackend('wasm');
  const { weights, config } = readDinoV2([bytes]);
  model = createDinoV2(weights, config);
});

/** Slices of random trunk tokens with random targets on a 28-pixel input (2 x 2 patches). */
function randomSlices(n: number, first: number): TrainingSlice[] {
  const randn = gaussian(mulberry32(3));
  const spec = taskSpec('regions');
  const S = 28;
  return Array.from({ length: n }, (_, slice) => {
    const pixels = tf.tensor4d(Float32Array.from({ length: 3 * S * S }, () => randn()), [1, 3, S, S]);
    const features = tf.tidy(() => model.blocks(model.tokens(pixels), 0, first).dataSync() as Float32Array);
    pixels.dispose();
    const targets = Float32Array.from({ length: S * S * spec.channels.length }, (_, i) => ((i * 7 + slice) % 5 === 0 ? 1 : 0));
    return { slice, features, targets, weights: new Float32Array(S * S).fill(1) };
  });
}

it('trains with flat memory: no tensor and no byte more after 1,000 steps than after 10', async () => {
  const adapter = createLora(model.config, { ...DEFAULT_LORA, blocks: 1, targets: ['qkv', 'proj', 'fc1', 'fc2'] });
  const head = createLinearHead(model.config.dim, 3, 0);
  const data = randomSlices(2, adapter.first);
  const steps = trainAdapter(model, adapter, head, data, { spec: taskSpec('regions'), grid: 2, size: 28, epochs: 1000, batchSize: 2, learningRate: 0.01, seed: 1 });
  let after10: tf.MemoryInfo | undefined;
  let count = 0;
  for await (const step of steps) {
    count = step.step;
    if (step.step === 10) after10 = tf.memory();
  }
  expect(count).toBe(1000);
  expect(tf.memory().numTensors).toBe(after10!.numTensors);
  expect(tf.memory().numBytes).toBe(after10!.numBytes);
  adapter.dispose();
}, 120_000);

it('lowers the loss through the adapter alone: with the head frozen at its start, the last epoch ends below the first', async () => {
  const adapter = createLora(model.config, { ...DEFAULT_LORA, blocks: 2, rank: 4, learningRate: 0.01 });
  const head = createLinearHead(model.config.dim, 3, 2);
  const headBefore = Float32Array.from(head.weights);
  const data = randomSlices(4, adapter.first);
  const losses: number[] = [];
  for await (const step of trainAdapter(model, adapter, head, data, { spec: taskSpec('regions'), grid: 2, size: 28, epochs: 60, batchSize: 4, learningRate: 0, seed: 1 })) losses.push(step.loss);
  expect(head.weights).toEqual(headBefore);
  expect(losses.at(-1)!).toBeLessThan(losses[0] - 0.05);
  adapter.dispose();
}, 120_000);

it.each(['lora', 'rein'] as const)("with the %s adapter's learning rate at 0, a held-out run is the frozen probe's run: same slices, same losses and Dice to float16 rounding", async (kind) => {
  const g = generateSyntheticCase({ seed: 12, dims: [48, 48, 24] });
  const c: CaseVolumes = { id: 'synthetic-12', dims: g.dims, spacing: [1, 1, 1], volumes: g.modalities, labels: g.labels };
  const s = { ...DEFAULT_SETTINGS, head: 'linear' as const, mapping: ['flair', 't1ce', 't2'] as ['flair', 't1ce', 't2'], size: 56, epochs: 3, validation: 0.3 };
  const store = memoryFeatureStore();
  const modelHash = await contentHash([bytes]);
  const backbone = { dim: model.config.dim, modelHash, embed: async (x: Float32Array, size: number) => tf.tidy(() => model.forward(tf.tensor4d(x, [1, 3, size, size])).patches.dataSync() as Float32Array) };
  const p = await prepareCase(c, s, backbone, store);
  const frozen = await heldOutRun({ id: c.id, labels: c.labels!, geometry: p.g, spacing: c.spacing, slices: p.slices, dim: backbone.dim, features: async (k) => fromF16Array((await store.get(p.key, k))!) }, s);
  const adapted = await heldOutAdapterRun(c, s, { model, modelHash, store, adapter: { ...DEFAULT_ADAPTERS[kind], learningRate: 0 } });
  expect(adapted.heldOut).toEqual(frozen.heldOut);
  expect(adapted.trainSlices).toEqual(frozen.trainSlices);
  expect(adapted.losses.length).toBe(frozen.losses.length);
  adapted.losses.forEach((l, i) => expect(Math.abs(l - frozen.losses[i])).toBeLessThan(5e-4));
  for (const [i, score] of frozen.scores.entries()) {
    if (score.dice === null) expect(adapted.scores[i].dice).toBeNull();
    else expect(Math.abs(adapted.scores[i].dice! - score.dice)).toBeLessThan(0.02);
  }
  // The trunk's tokens are cached under their own key, beside the full model's features.
  expect((await store.usage()).keys.map((k) => k.key).some((k) => k.endsWith(`|${frozenTrunk(model, modelHash, adapted.adapter.first).outputs}`))).toBe(true);
  adapted.adapter.dispose();
}, 120_000);
