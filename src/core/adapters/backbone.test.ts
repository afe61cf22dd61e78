import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, expect, it } from 'vitest';
import { useNodeBackend } from '../../cli/tfNode.ts';
import type { CaseVolumes } from '../case/case.ts';
import { DEFAULT_SETTINGS, prepareCase } from '../experiments/experiment.ts';
import { normaliseCase } from '../features/extract.ts';
import { sliceInput } from '../features/input.ts';
import { memoryFeatureStore, parseFeatureKey } from '../features/store.ts';
import { readDinoV2 } from '../models/dinov2/load.ts';
import { createDinoV2, type DinoV2 } from '../models/dinov2/model.ts';
import { randomCheckpoint } from '../models/dinov2/random.ts';
import { generateSyntheticCase } from '../synthetic/brats.ts';
import { fromF16Array } from '../weights/f16.ts';
import type { Adapter } from './adapter.ts';
import { adaptedBackbone, adapterId, adaptModel } from './backbone.ts';
import { createLora, type LoraAdapter } from './lora.ts';
import { createRein, type ReinAdapter } from './rein.ts';

let model: DinoV2;
beforeAll(async () => {
  await useNodeBackend('cpu');
  const { weights, config } = readDinoV2([randomCheckpoint('tiny', { seed: 8 })]);
  model = createDinoV2(weights, config);
});

/** Trained-looking adapters: LoRA's B and Rein's W_f moved off zero, so they change the features. */
const adapters: Record<'lora' | 'rein', () => Adapter> = {
  lora: () => {
    const a = createLora(model.config, { rank: 2, alpha: 4, blocks: 2, targets: ['qkv', 'proj'], seed: 1, learningRate: 1e-3 });
    for (const p of a.pairs) p.b.assign(tf.tidy(() => tf.mul(tf.randomNormal(p.b.shape, 0, 1, 'float32', 2), 0.1)) as tf.Tensor2D);
    return a as LoraAdapter;
  },
  rein: () => {
    const r = createRein(model.config, { tokens: 5, rank: 2, blocks: 2, seed: 1, learningRate: 1e-3 });
    r.deltaFeature.w.assign(tf.tidy(() => tf.mul(tf.randomNormal(r.deltaFeature.w.shape, 0, 1, 'float32', 4), 0.1)) as tf.Tensor2D);
    return r as ReinAdapter;
  },
};

it.each(['lora', 'rein'] as const)('extracts with the %s adapter applied under a key naming it, beside the frozen features, and the features are the adapted model\'s', async (kind) => {
  const g = generateSyntheticCase({ seed: 4, dims: [32, 32, 6] });
  const c: CaseVolumes = { id: 's4', dims: g.dims, spacing: [1, 1, 1], volumes: g.modalities, labels: g.labels };
  const s = { ...DEFAULT_SETTINGS, mapping: ['flair', 't1ce', 't2'] as ['flair', 't1ce', 't2'], size: 28 };
  const store = memoryFeatureStore();
  const frozen = { dim: model.config.dim, modelHash: 'f'.repeat(64), embed: async (x: Float32Array, size: number) => tf.tidy(() => model.forward(tf.tensor4d(x, [1, 3, size, size])).patches.dataSync() as Float32Array) };
  const plain = await prepareCase(c, s, frozen, store);

  const adapter = adapters[kind]();
  const id = await adapterId(adapter);
  expect(id).toMatch(new RegExp(`^${kind}-[0-9a-f]{12}$`));
  const adapted = adaptModel(model, adapter);
  expect(adapted.merged).toBe(kind === 'lora');
  const p = await prepareCase(c, s, adaptedBackbone(adapted, frozen.modelHash, id), store);
  expect(parseFeatureKey(p.key)).toMatchObject({ ...parseFeatureKey(plain.key), adapter: id });
  expect(p.key).not.toBe(plain.key);
  expect(p.computed).toBe(plain.slices.length);

  // Each cached slice is what the unmerged adapter gives, to float16 rounding; and not the frozen features.
  const k = p.slices[Math.floor(p.slices.length / 2)];
  const cached = fromF16Array((await store.get(p.key, k))!);
  const frozenCached = fromF16Array((await store.get(plain.key, k))!);
  const x = sliceInput(normaliseCase(c.volumes, s.mapping), s.mapping, p.g, k);
  const truth = tf.tidy(() => model.forward(tf.tensor4d(x, [1, 3, 28, 28]), { adapter }).patches.dataSync() as Float32Array);
  const err = (a: Float32Array, b: Float32Array) => a.reduce((m, v, i) => Math.max(m, Math.abs(v - b[i]) / (1 + Math.abs(b[i]))), 0);
  expect(err(cached, truth)).toBeLessThan(2e-3);
  expect(err(frozenCached, truth)).toBeGreaterThan(1e-2);

  // Asked again, it reads the cache; another adapter's weights would be another key.
  expect((await prepareCase(c, s, adaptedBackbone(adapted, frozen.modelHash, id), store)).computed).toBe(0);
  const other = adapters[kind]();
  other.variables()[0].assign(tf.tidy(() => tf.add(other.variables()[0], 1e-3)));
  expect(await adapterId(other)).not.toBe(id);
  adapted.dispose();
  adapter.dispose();
  other.dispose();
});
