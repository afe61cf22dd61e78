import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, expect, it } from 'vitest';
import { useNodeBackend } from '../../cli/tfNode.ts';
import type { CaseVolumes, LazyCase } from '../case/case.ts';
import { memoryFeatureStore } from '../features/store.ts';
import { contentHash } from '../hash.ts';
import { loadDinoV2 } from '../models/dinov2/load.ts';
import { randomCheckpoint } from '../models/dinov2/random.ts';
import { generateSyntheticCase } from '../synthetic/brats.ts';
import { DEFAULT_SETTINGS, runExperiment } from './experiment.ts';

beforeAll(() => useNodeBackend('wasm'));

function synthetic(seed: number): CaseVolumes {
  const c = generateSyntheticCase({ seed, dims: [48, 48, 32] });
  return { id: `synthetic-${seed}`, dims: c.dims, spacing: [1, 1, 1], volumes: c.modalities, labels: c.labels };
}

/** The same case decoded on each load, as the worker decodes a dataset's files: loads are counted. */
function lazy(c: CaseVolumes, loads: string[]): LazyCase {
  return { id: c.id, modalities: ['flair', 't1', 't1ce', 't2'], hasLabels: true, load: async () => (loads.push(c.id), { ...c, volumes: { ...c.volumes } }) };
}

it.each(['fine', 'linear'] as const)('the %s head gives the same predictions from cases decoded when needed as from cases held in memory, opening each case one step at a time', async (head) => {
  const bytes = randomCheckpoint('probe');
  const model = loadDinoV2([bytes]);
  const backbone = { dim: 64, modelHash: await contentHash([bytes]), embed: async (x: Float32Array, s: number) => tf.tidy(() => model.forward(tf.tensor4d(x, [1, 3, s, s])).patches.dataSync() as Float32Array) };
  const [a, b, t] = [synthetic(31), synthetic(32), synthetic(33)];
  const settings = { ...DEFAULT_SETTINGS, mapping: ['flair', 't1ce', 't2'] as ['flair', 't1ce', 't2'], head, epochs: 2 };
  const held = await runExperiment({ train: [a, b], test: [t], settings, backbone, store: memoryFeatureStore() });
  const loads: string[] = [];
  const opened = await runExperiment({ train: [lazy(a, loads), lazy(b, loads)], test: [lazy(t, loads)], settings, backbone, store: memoryFeatureStore() });
  expect(opened.losses).toEqual(held.losses);
  expect([...opened.cases[0].prediction]).toEqual([...held.cases[0].prediction]);
  expect(opened.cases[0].scores).toEqual(held.cases[0].scores);
  expect(opened.cases[0].perSlice).toEqual(held.cases[0].perSlice);
  // Features first, then voxel inputs: a voxel head opens each training case twice, in order; a
  // linear probe once; each test case once.
  expect(loads).toEqual(head === 'fine' ? ['synthetic-31', 'synthetic-32', 'synthetic-31', 'synthetic-32', 'synthetic-33'] : ['synthetic-31', 'synthetic-32', 'synthetic-33']);
}, 120_000);
