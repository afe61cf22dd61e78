import { describe, expect, it } from 'vitest';
import { diceScore } from '../metrics/dice.ts';
import { headerFor, writeNifti } from '../nifti/write.ts';
import { loadVolume } from '../volume.ts';
import { assembleCase } from './case.ts';
import { headMask, nonZeroFraction, otsuThreshold } from './headMask.ts';

/** A head as a scanner writes it: tissue in a sphere (a dark ventricle inside), a bright skull shell, noisy air around. */
function rawHead(n = 40, seed = 3) {
  let s = seed;
  const rand = () => ((s = (s * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
  const dims: [number, number, number] = [n, n, n];
  const flair = new Float32Array(n ** 3);
  const truth = new Uint8Array(n ** 3);
  const c = (n - 1) / 2;
  for (let z = 0; z < n; z++)
    for (let y = 0; y < n; y++)
      for (let x = 0; x < n; x++) {
        const i = x + n * (y + n * z);
        const r = Math.hypot(x - c, y - c, z - c);
        if (r < 4) flair[i] = 20 + 10 * rand(); // ventricle: dark, but inside the head
        else if (r < 14) flair[i] = 300 + 60 * rand();
        else if (r < 16) flair[i] = 500 + 80 * rand(); // scalp and skull marrow
        else flair[i] = 25 * rand(); // air: noise, never exactly 0
        truth[i] = r < 16 ? 1 : 0;
      }
  return { dims, flair, truth };
}

describe('head mask of a scan with skull on', () => {
  it("Otsu's threshold falls between two modes", () => {
    const v = Float32Array.from({ length: 1000 }, (_, i) => (i < 700 ? 0.1 + (i % 7) * 0.01 : 0.7 + (i % 5) * 0.01));
    const t = otsuThreshold(v);
    expect(t).toBeGreaterThan(0.16);
    expect(t).toBeLessThanOrEqual(0.7);
  });

  it('finds the head in noisy air, its dark ventricle filled in (Dice > 0.97 against the drawn head)', () => {
    const { dims, flair, truth } = rawHead();
    expect(nonZeroFraction([flair])).toBeGreaterThan(0.99);
    const mask = headMask([flair], dims);
    expect(diceScore(mask, truth)).toBeGreaterThan(0.97);
    const centre = 20 + 40 * (20 + 40 * 20);
    expect(mask[centre]).toBe(1);
  });

  it('a case with noisy air gets the head mask as its brain mask; a skull-stripped one keeps reading non-zero voxels', () => {
    const { dims, flair } = rawHead();
    const file = (data: Float32Array) => ({ name: 'p_flair.nii', role: 'flair' as const, volume: loadVolume(writeNifti(headerFor(dims, [1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1], 16), data), 'p_flair.nii') });
    const raw = assembleCase([file(flair)]);
    expect(raw.brainmaskSource).toBe('head');
    expect(raw.brainmask!.reduce((a, b) => a + b, 0)).toBeGreaterThan(0.2 * flair.length);
    const stripped = assembleCase([file(flair.map((v, i) => (i % 40 > 30 ? 0 : v)).map((v) => (v < 100 ? 0 : v)))]);
    expect(stripped.brainmaskSource).toBeUndefined();
    expect(stripped.brainmask).toBeUndefined();
  });
});
