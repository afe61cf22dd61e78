import { describe, expect, it } from 'vitest';
import { diceScore } from './dice.ts';
import { hausdorff95 } from './hausdorff.ts';
import { regionMask } from './regions.ts';

describe('diceScore', () => {
  it('hand-computed cases', () => {
    expect(diceScore([1, 1, 0, 0], [1, 0, 1, 0])).toBeCloseTo(0.5, 12); // 2*1 / (2+2)
    expect(diceScore([1, 1, 1, 0], [1, 1, 0, 0])).toBeCloseTo(0.8, 12); // 2*2 / (3+2)
    expect(diceScore([0, 0, 0], [0, 0, 0])).toBeNull(); // empty vs empty: absent, not scored
    expect(diceScore([0, 1, 0], [0, 0, 0])).toBe(0);
    expect(diceScore([0, 0, 0], [0, 1, 0])).toBe(0);
    expect(diceScore([0, 1, 0], [0, 1, 0])).toBe(1); // one-voxel region found
  });
  it('a one-voxel miss on a small region costs much, on a large one little', () => {
    const small = new Uint8Array(100).fill(0, 0);
    small.fill(1, 0, 4);
    const pred = small.slice();
    pred[3] = 0;
    expect(diceScore(pred, small)).toBeCloseTo((2 * 3) / 7, 12);
    const large = new Uint8Array(100).fill(1, 0, 80);
    const p2 = large.slice();
    p2[79] = 0;
    expect(diceScore(p2, large)).toBeCloseTo((2 * 79) / 159, 12);
  });
});

describe('BraTS regions', () => {
  it('whole tumour {1,2,4}, core {1,4}, enhancing {4}', () => {
    const labels = [0, 1, 2, 4];
    expect(Array.from(regionMask(labels, 'WT'))).toEqual([0, 1, 1, 1]);
    expect(Array.from(regionMask(labels, 'TC'))).toEqual([0, 1, 0, 1]);
    expect(Array.from(regionMask(labels, 'ET'))).toEqual([0, 0, 0, 1]);
  });
});

describe('hausdorff95', () => {
  const dims: [number, number, number] = [12, 10, 8];
  const at = (x: number, y: number, z: number) => x + 12 * (y + 10 * z);
  it('two single voxels: their distance, with anisotropic spacing', () => {
    const a = new Uint8Array(960), b = new Uint8Array(960);
    a[at(1, 1, 1)] = 1;
    b[at(4, 5, 1)] = 1;
    expect(hausdorff95(a, b, dims)).toBeCloseTo(5, 10); // 3-4-5
    expect(hausdorff95(a, b, dims, [2, 1, 1])).toBeCloseTo(Math.hypot(6, 4), 10);
  });
  it('empty conventions', () => {
    const empty = new Uint8Array(960), one = new Uint8Array(960);
    one[5] = 1;
    expect(hausdorff95(empty, empty, dims)).toBe(0);
    expect(hausdorff95(one, empty, dims)).toBe(Infinity);
    expect(hausdorff95(one, one, dims)).toBe(0);
  });
  it('matches a brute-force computation on random blobs', () => {
    let seed = 3;
    const rand = () => ((seed = (seed * 16807) % 2147483647) / 2147483647);
    for (let trial = 0; trial < 5; trial++) {
      const a = Uint8Array.from({ length: 960 }, () => (rand() < 0.15 ? 1 : 0));
      const b = Uint8Array.from({ length: 960 }, () => (rand() < 0.1 ? 1 : 0));
      const spacing: [number, number, number] = [1, 1.5, 2.5];
      const coords = (i: number) => [i % 12, Math.floor(i / 12) % 10, Math.floor(i / 120)];
      const isSurface = (m: Uint8Array, i: number) => {
        const [x, y, z] = coords(i);
        if (!m[i]) return false;
        if (x === 0 || x === 11 || y === 0 || y === 9 || z === 0 || z === 7) return true;
        return [-1, 1, -12, 12, -120, 120].some((d) => !m[i + d]);
      };
      const surf = (m: Uint8Array) => [...m.keys()].filter((i) => isSurface(m, i));
      const dist = (i: number, j: number) => {
        const [p, q] = [coords(i), coords(j)];
        return Math.hypot((p[0] - q[0]) * spacing[0], (p[1] - q[1]) * spacing[1], (p[2] - q[2]) * spacing[2]);
      };
      const sa = surf(a), sb = surf(b);
      const all = [...sa.map((i) => Math.min(...sb.map((j) => dist(i, j)))), ...sb.map((j) => Math.min(...sa.map((i) => dist(i, j))))].sort((x, y) => x - y);
      const pos = (all.length - 1) * 0.95;
      const expected = all[Math.floor(pos)] + (all[Math.min(Math.floor(pos) + 1, all.length - 1)] - all[Math.floor(pos)]) * (pos - Math.floor(pos));
      expect(hausdorff95(a, b, dims, spacing)).toBeCloseTo(expected, 9);
    }
  });
});
