import { expect, it } from 'vitest';
import type { CaseVolumes } from '../case/case.ts';
import { memoryFeatureStore } from '../features/store.ts';
import { DEFAULT_HEAD, PER_CASE_SAMPLES, samplesPerCase } from '../heads/headSettings.ts';
import { generateSyntheticCase } from '../synthetic/brats.ts';
import { DEFAULT_SETTINGS, runExperiment } from './experiment.ts';

const noBackbone = { dim: 1, modelHash: 'none', embed: async (): Promise<Float32Array> => { throw new Error('a voxel-inputs head reads no backbone'); } };
const c = generateSyntheticCase({ seed: 41, dims: [48, 48, 32] });
const copy = (i: number): CaseVolumes => ({ id: `copy-${i}`, dims: c.dims, spacing: [1, 1, 1], volumes: c.modalities, labels: c.labels });

/** Voxels a run trained on: with one voxel a step and one epoch, one loss per voxel. */
async function trainingVoxels(cases: number, samples: number): Promise<number> {
  const settings = { ...DEFAULT_SETTINGS, ...DEFAULT_HEAD, mapping: ['flair', 't1ce', 't2'] as ['flair', 't1ce', 't2'], head: 'voxels' as const, epochs: 1, voxelBatch: 1, samples };
  const run = await runExperiment({ train: [...Array(cases).keys()].map(copy), test: [copy(99)], settings, backbone: noBackbone, store: memoryFeatureStore() });
  return run.losses.length;
}

it('shares the per-stratum budget evenly among the training cases, at most PER_CASE_SAMPLES from one', () => {
  expect(samplesPerCase({ samples: 60000 }, 16)).toBe(3750);
  expect(samplesPerCase({ samples: 60000 }, 3)).toBe(20000);
  expect(samplesPerCase({ samples: 60000 }, 1)).toBe(PER_CASE_SAMPLES);
  expect(samplesPerCase({ samples: 10 }, 16)).toBe(1);
});

it('a run on four cases draws about as many voxels as a run on one under the same budget, and four times as many under four times the budget', async () => {
  // Every stratum of this case (far and near background, labels 1, 2, 4) holds far more than 40
  // voxels, so each stratum gives about perLabel voxels (a binomial draw: sd about sqrt(perLabel)).
  const one = await trainingVoxels(1, 40);
  expect(one).toBeGreaterThan(5 * 40 * 0.6);
  expect(one).toBeLessThan(5 * 40 * 1.4);
  const shared = await trainingVoxels(4, 40);
  expect(shared / one).toBeGreaterThan(0.7);
  expect(shared / one).toBeLessThan(1.3);
  const fourfold = await trainingVoxels(4, 160);
  expect(fourfold / one).toBeGreaterThan(4 * 0.8);
  expect(fourfold / one).toBeLessThan(4 * 1.2);
}, 120_000);
