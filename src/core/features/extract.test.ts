import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { useNodeBackend } from '../../cli/tfNode.ts';
import { loadDinoV2 } from '../models/dinov2/load.ts';
import { randomCheckpoint } from '../models/dinov2/random.ts';
import { generateSyntheticCase } from '../synthetic/brats.ts';
import { fromF16Array } from '../weights/f16.ts';
import type { ChannelMapping } from './channels.ts';
import { caseContentHash, type Embed, ExtractionCancelled, extractFeatures, normaliseCase } from './extract.ts';
import { sliceInput } from './input.ts';
import { sliceGeometry } from './slices.ts';
import { memoryFeatureStore } from './store.ts';

beforeAll(() => useNodeBackend('wasm'));

describe('feature extraction and its cache', () => {
  const c = generateSyntheticCase({ seed: 2, dims: [64, 64, 40] });
  let model: ReturnType<typeof loadDinoV2>;
  beforeAll(() => {
    model = loadDinoV2([randomCheckpoint('tiny', { seed: 1 })]);
  });
  let calls = 0;
  const embed: Embed = async (input, size) => {
    calls++;
    return tf.tidy(() => model.forward(tf.tensor4d(input, [1, 3, size, size])).patches.dataSync() as Float32Array);
  };
  const g = sliceGeometry(c.dims, [1, 1, 1], 'axial', 56);
  const run = async (mapping: ChannelMapping, store = memoryFeatureStore(), signal?: AbortSignal) => {
    const norm = normaliseCase(c.modalities, mapping);
    return { norm, store, result: await extractFeatures({ norm, mapping, geometry: g, caseHash: await caseContentHash(c.modalities), modelHash: 'tiny-1', dim: 64, embed, store, signal }) };
  };

  it('embeds every slice with head once, skips the empty ones, and serves the rest from the cache', async () => {
    const emptySlices = [...Array(40).keys()].filter((z) => c.modalities.flair.subarray(z * 64 * 64, (z + 1) * 64 * 64).every((v) => v === 0));
    expect(emptySlices.length).toBeGreaterThan(0);
    calls = 0;
    const first = await run(['flair', 'flair', 'flair']);
    expect(first.result.skipped).toEqual(emptySlices);
    expect(first.result.computed).toBe(40 - emptySlices.length);
    expect(calls).toBe(first.result.computed);
    // The same request again: nothing recomputed.
    calls = 0;
    const again = await extractFeatures({ ...{ norm: first.norm, mapping: ['flair', 'flair', 'flair'] as ChannelMapping, geometry: g, caseHash: await caseContentHash(c.modalities), modelHash: 'tiny-1', dim: 64, embed, store: first.store } });
    expect(calls).toBe(0);
    expect(again.fromCache).toBe(first.result.computed);
    // Another mapping is another key: recomputed, never mixed.
    calls = 0;
    const other = await extractFeatures({ norm: normaliseCase(c.modalities, ['flair', 't1ce', 't2']), mapping: ['flair', 't1ce', 't2'], geometry: g, caseHash: await caseContentHash(c.modalities), modelHash: 'tiny-1', dim: 64, embed, store: first.store });
    expect(other.key).not.toBe(first.result.key);
    expect(calls).toBe(other.computed);
    expect(other.computed).toBe(first.result.computed);
    // What the cache holds is the backbone's output for that slice, to F16 precision.
    const k = first.result.slices[5];
    const direct = await embed(sliceInput(first.norm, ['flair', 'flair', 'flair'], g, k), 56);
    const cached = fromF16Array((await first.store.get(first.result.key, k))!);
    let worst = 0;
    for (let i = 0; i < direct.length; i++) worst = Math.max(worst, Math.abs(direct[i] - cached[i]) / Math.max(1, Math.abs(direct[i])));
    expect(worst).toBeLessThan(1e-3);
  });

  it('a cancelled extraction stops between slices and keeps the slices done', async () => {
    const controller = new AbortController();
    const store = memoryFeatureStore();
    let seen = 0;
    const counting: Embed = async (input, size) => {
      if (++seen === 3) controller.abort();
      return embed(input, size);
    };
    const norm = normaliseCase(c.modalities, ['t2', 't2', 't2']);
    await expect(
      extractFeatures({ norm, mapping: ['t2', 't2', 't2'], geometry: g, caseHash: 'x', modelHash: 'm', dim: 64, embed: counting, store, signal: controller.signal }),
    ).rejects.toThrow(ExtractionCancelled);
    const usage = await store.usage();
    expect(usage.keys[0].slices).toBe(3);
  });

  it('the content hash changes with the data', async () => {
    const a = await caseContentHash({ flair: new Float32Array([1, 2, 3]) });
    expect(await caseContentHash({ flair: new Float32Array([1, 2, 3]) })).toBe(a);
    expect(await caseContentHash({ flair: new Float32Array([1, 2, 4]) })).not.toBe(a);
    expect(await caseContentHash({ t2: new Float32Array([1, 2, 3]) })).not.toBe(a);
  });
});
