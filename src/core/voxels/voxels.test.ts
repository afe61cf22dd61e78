import { describe, expect, it } from 'vitest';
import { fromF16Array } from '../weights/f16.ts';
import type { Dims3 } from '../geometry/orientation.ts';
import { boxWidths, gaussianKernel, gaussianSmooth, gradientMagnitude, maskCentreX, maskedSmooth, mirrorX } from './filters.ts';
import { boxIndex, computeVoxelFeatures, voxelFeatureNames } from './voxelFeatures.ts';

const idx = (d: Dims3, x: number, y: number, z: number) => x + d[0] * (y + d[1] * z);

describe('filters', () => {
  it('smooths a delta into the Gaussian itself (separable, normalised)', () => {
    const d: Dims3 = [15, 15, 15];
    const v = new Float32Array(15 ** 3);
    v[idx(d, 7, 7, 7)] = 1;
    const s = gaussianSmooth(v, d, [1, 1, 1], 1);
    const g = (x: number) => Math.exp(-(x * x) / 2);
    let norm = 0;
    for (let x = -3; x <= 3; x++) norm += g(x);
    // value at offset (1, 2, 0) = g(1) g(2) g(0) / norm^3
    expect(s[idx(d, 8, 9, 7)]).toBeCloseTo((g(1) * g(2) * g(0)) / norm ** 3, 6);
    expect(s.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 5);
  });

  it('three boxes have the Gaussian variance for wide scales', () => {
    for (const sigma of [2.5, 4, 8]) {
      const w = boxWidths(sigma);
      const variance = w.reduce((a, x) => a + (x * x - 1) / 12, 0);
      expect(Math.abs(Math.sqrt(variance) - sigma)).toBeLessThan(0.35);
    }
    const d: Dims3 = [61, 1, 1];
    const v = new Float32Array(61);
    v[30] = 1;
    const s = gaussianSmooth(v, d, [1, 1000, 1000], 6); // 1-D: the other axes have nothing to smooth
    let m2 = 0;
    for (let x = 0; x < 61; x++) m2 += s[x] * (x - 30) ** 2;
    expect(Math.sqrt(m2)).toBeCloseTo(6, 0);
    expect(s.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 5);
  });

  it('scales sigma by the spacing: 2 mm at 2 mm voxels is the 1-voxel kernel', () => {
    expect(Array.from(gaussianKernel(1))).toEqual(Array.from(gaussianKernel(2 / 2)));
    const d: Dims3 = [9, 1, 1];
    const v = new Float32Array(9);
    v[4] = 1;
    const a = gaussianSmooth(v, d, [2, 1000, 1000], 2);
    const k = gaussianKernel(1);
    expect(a[5]).toBeCloseTo(k[4], 6);
  });

  it('masked smoothing of a constant inside the mask stays that constant up to the edge', () => {
    const d: Dims3 = [10, 10, 10];
    const v = new Float32Array(1000).fill(5);
    const m = new Uint8Array(1000);
    for (let x = 2; x < 8; x++) for (let y = 2; y < 8; y++) for (let z = 2; z < 8; z++) m[idx(d, x, y, z)] = 1;
    const s = maskedSmooth(v, m, d, [1, 1, 1], 2);
    expect(s[idx(d, 2, 2, 2)]).toBeCloseTo(5, 5);
    expect(s[idx(d, 0, 0, 0)]).toBe(0);
    // a plain Gaussian darkens the corner
    expect(gaussianSmooth(Float32Array.from(v, (x, i) => x * m[i]), d, [1, 1, 1], 2)[idx(d, 2, 2, 2)]).toBeLessThan(2);
  });

  it('gradient magnitude of a ramp is its slope per mm', () => {
    const d: Dims3 = [6, 5, 4];
    const v = new Float32Array(120);
    for (let z = 0; z < 4; z++) for (let y = 0; y < 5; y++) for (let x = 0; x < 6; x++) v[idx(d, x, y, z)] = 3 * x + 4 * y;
    const g = gradientMagnitude(v, d, [1, 1, 1]);
    expect(g[idx(d, 2, 2, 1)]).toBeCloseTo(5, 5);
    expect(g[idx(d, 0, 0, 0)]).toBeCloseTo(5, 5); // one-sided at the faces
    const g2 = gradientMagnitude(v, d, [2, 1, 1]); // x steps are 2 mm: slope 1.5 per mm
    expect(g2[idx(d, 2, 2, 1)]).toBeCloseTo(Math.hypot(1.5, 4), 5);
  });

  it('mirrors left-right about the mask centre', () => {
    const d: Dims3 = [7, 1, 1];
    const m = Uint8Array.of(0, 1, 1, 1, 1, 1, 0);
    expect(maskCentreX(m, d)).toBe(3);
    expect(Array.from(mirrorX(Float32Array.of(0, 1, 2, 3, 4, 5, 6), d, 3))).toEqual([6, 5, 4, 3, 2, 1, 0]);
    expect(Array.from(mirrorX(Float32Array.of(0, 1, 2, 3, 4, 5, 6), d, 2.5))).toEqual([5, 4, 3, 2, 1, 0, 0]);
  });
});

describe('voxel features', () => {
  const d: Dims3 = [12, 10, 8];
  const n = 960;
  const flair = new Float32Array(n);
  const t1ce = new Float32Array(n);
  for (let z = 1; z < 7; z++) for (let y = 2; y < 9; y++) for (let x = 3; x < 11; x++) {
    flair[idx(d, x, y, z)] = 100 + x;
    t1ce[idx(d, x, y, z)] = 50 + ((x * 7 + y * 3 + z) % 11);
  }
  flair[idx(d, 9, 5, 4)] = 400; // a bright lesion voxel on the right
  const f = computeVoxelFeatures({ dims: d, spacing: [1, 1, 1], volumes: { flair, t1ce } });

  it('crops to the brain and names every map', () => {
    expect(f.origin).toEqual([3, 2, 1]);
    expect(f.size).toEqual([8, 7, 6]);
    expect(f.names).toEqual(voxelFeatureNames(['t1ce', 'flair']));
    expect(f.names[0]).toBe('flair:z');
    expect(f.maps.length).toBe(f.names.length);
    expect(boxIndex(f, idx(d, 3, 2, 1))).toBe(0);
    expect(boxIndex(f, idx(d, 0, 0, 0))).toBe(-1);
  });

  it('carries the one preprocessing path (z-scores) and the asymmetry of a one-sided lesion', () => {
    const z = fromF16Array(f.maps[f.names.indexOf('flair:z')]);
    const asym = fromF16Array(f.maps[f.names.indexOf('flair:asym2')]);
    const b = boxIndex(f, idx(d, 9, 5, 4));
    // brightest voxel is clipped at the 99.5th percentile, still the largest z
    expect(z[b]).toBe(Math.max(...z));
    // its mirror twin (x = 2 * 6.5 - 9 = 4) is darker: positive asymmetry here, negative there
    expect(asym[b]).toBeGreaterThan(0);
    expect(asym[boxIndex(f, idx(d, 4, 5, 4))]).toBeCloseTo(-asym[b], 4);
  });
});
