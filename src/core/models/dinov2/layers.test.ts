import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { useNodeBackend } from '../../../cli/tfNode.ts';
import { extractFeatures, normaliseCase } from '../../features/extract.ts';
import { sliceGeometry } from '../../features/slices.ts';
import { memoryFeatureStore } from '../../features/store.ts';
import { forwardOptions, layersKey, patchTokens } from './layers.ts';
import { loadDinoV2 } from './load.ts';
import { randomCheckpoint } from './random.ts';

describe('multi-layer patch tokens', () => {
  let model: ReturnType<typeof loadDinoV2>;
  let D = 0;
  beforeAll(async () => {
    await useNodeBackend('wasm');
    model = loadDinoV2([randomCheckpoint('tiny', { seed: 5 })]);
    D = model.config.dim;
  });

  it('concatenates the last n blocks per patch, oldest first, the newest being the final tokens', () => {
    const pixels = tf.randomNormal([1, 3, 28, 42], 0, 1, 'float32', 7) as tf.Tensor4D;
    const out = model.forward(pixels, forwardOptions(2));
    const joined = patchTokens(out, 2).arraySync() as number[][][][];
    const final = out.patches.arraySync() as number[][][][];
    const oldest = out.intermediates[0].patches.arraySync() as number[][][][];
    expect([joined.length, joined[0].length, joined[0][0].length, joined[0][0][0].length]).toEqual([1, 2, 3, 2 * D]);
    for (const [r, c] of [[0, 0], [1, 2]]) {
      const v = joined[0][r][c];
      v.slice(D).forEach((x, d) => expect(x).toBeCloseTo(final[0][r][c][d], 5));
      v.slice(0, D).forEach((x, d) => expect(x).toBeCloseTo(oldest[0][r][c][d], 5));
    }
    // the oldest block is not the last: the features really differ
    expect(Math.abs(joined[0][0][0][0] - joined[0][0][0][D])).toBeGreaterThan(1e-4);
    expect(patchTokens(out, 1)).toBe(out.patches);
    expect(model.config.depth).toBe(2);
    expect(() => patchTokens(model.forward(pixels), 2)).toThrow(/last 2 blocks asked for, but the backbone returned 0/);
  });

  it('extraction stores dim x layers a patch under its own cache key', async () => {
    const dims: [number, number, number] = [12, 10, 3];
    const flair = Float32Array.from({ length: 360 }, (_, i) => 1 + (i % 7));
    const store = memoryFeatureStore();
    const embed = async (input: Float32Array, s: number, layers = 1) => patchTokens(model.forward(tf.tensor4d(input, [1, 3, s, s]), forwardOptions(layers)), layers).dataSync() as Float32Array;
    const common = { norm: normaliseCase({ flair }, ['flair', 'flair', 'flair']), mapping: ['flair', 'flair', 'flair'] as ['flair', 'flair', 'flair'], geometry: sliceGeometry(dims, [1, 1, 1], 'axial', 28), caseHash: 'c'.repeat(16), modelHash: 'm'.repeat(16), dim: D, embed, store };
    const one = await extractFeatures(common);
    const two = await extractFeatures({ ...common, layers: 2 });
    expect(one.key).not.toBe(two.key);
    expect(two.key.endsWith(layersKey(2))).toBe(true);
    expect([one.dim, two.dim]).toEqual([D, 2 * D]);
    expect((await store.get(two.key, 0))!.length).toBe(4 * 2 * D);
    expect(two.fromCache).toBe(0);
  });
});
