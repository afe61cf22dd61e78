import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, expect, it } from 'vitest';
import { useNodeBackend } from '../../cli/tfNode.ts';
import type { CaseVolumes } from '../case/case.ts';
import { adapterComparison, compareVariants } from '../experiments/compare.ts';
import { DEFAULT_SETTINGS } from '../experiments/experiment.ts';
import { comparisonMarkdown } from '../experiments/report.ts';
import { memoryFeatureStore } from '../features/store.ts';
import { contentHash } from '../hash.ts';
import { readDinoV2 } from '../models/dinov2/load.ts';
import { createDinoV2, type DinoV2 } from '../models/dinov2/model.ts';
import { randomCheckpoint } from '../models/dinov2/random.ts';
import { generateSyntheticCase } from '../synthetic/brats.ts';

const bytes = randomCheckpoint('tiny', { seed: 8 });
let model: DinoV2;
beforeAll(async () => {
  await useNodeBackend('wasm');
  const { weights, config } = readDinoV2([bytes]);
  model = createDinoV2(weights, config);
});

it('compares the frozen probe, LoRA and Rein on the same held-out slices, each record naming its adapter, the report saying which', async () => {
  const g = generateSyntheticCase({ seed: 14, dims: [48, 48, 24] });
  const c: CaseVolumes = { id: 'synthetic-14', dims: g.dims, spacing: [1, 1, 1], volumes: g.modalities, labels: g.labels };
  const mapping: ['flair', 't1ce', 't2'] = ['flair', 't1ce', 't2'];
  const backbone = { dim: model.config.dim, modelHash: await contentHash([bytes]), embed: async (x: Float32Array, size: number) => tf.tidy(() => model.forward(tf.tensor4d(x, [1, 3, size, size])).patches.dataSync() as Float32Array) };
  const settings = { ...DEFAULT_SETTINGS, size: 56, epochs: 2, validation: 0.3, seed: 4 };
  const runs = await compareVariants({ train: [c], test: [], variants: adapterComparison(mapping, settings.seed), settings, backbone, model: { name: 'tiny', randomWeights: true, dim: 64 }, store: memoryFeatureStore(), dinov2: model });
  expect(runs.map((r) => r.record.name)).toEqual(['Frozen probe', 'LoRA', 'Rein']);
  expect(runs.map((r) => r.record.settings.adapter?.kind)).toEqual([undefined, 'lora', 'rein']);
  expect(runs.map((r) => r.record.settings.adapter?.seed)).toEqual([undefined, 4, 4]);
  const heldOut = runs.map((r) => (r.record.cases[0].evaluation as { heldOut: number[] }).heldOut);
  expect(heldOut[1]).toEqual(heldOut[0]);
  expect(heldOut[2]).toEqual(heldOut[0]);
  const md = comparisonMarkdown(runs.map((r) => r.record));
  expect(md).toContain('Backbone adapters (trained with the head, through the backbone\'s last blocks): Frozen probe = none, the backbone frozen; LoRA = LoRA rank 8, alpha 16 on qkv, proj of the last 2 blocks');
  expect(md).toContain('Rein = Rein, 100 tokens of rank 16 after each of the last 2 blocks');
}, 300_000);
