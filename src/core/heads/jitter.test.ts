import { describe, expect, it } from 'vitest';
import type { Dims3 } from '../geometry/orientation.ts';
import { gradientMagnitude, maskedSmooth } from '../voxels/filters.ts';
import { voxelFeatureNames } from '../voxels/voxelFeatures.ts';
import { jitterPlan, jitterRows } from './fineHead.ts';

describe('intensity jitter of voxel inputs', () => {
  it('moves each column as its filter moves under z -> a z + b (checked on the filters themselves)', () => {
    const dims: Dims3 = [9, 8, 7];
    const n = 9 * 8 * 7;
    const z = Float32Array.from({ length: n }, (_, i) => Math.sin(i * 0.37) * 2 + (i % 5) * 0.1);
    const mask = Uint8Array.from({ length: n }, (_, i) => (i % 9 > 1 && Math.floor(i / 9) % 8 > 0 ? 1 : 0));
    const [a, b] = [1.2, -0.3];
    const moved = z.map((v) => a * v + b);
    const g = maskedSmooth(z, mask, dims, [1, 1, 1], 2);
    const gMoved = maskedSmooth(moved, mask, dims, [1, 1, 1], 2);
    const grad = gradientMagnitude(g, dims, [1, 1, 1]);
    const gradMoved = gradientMagnitude(maskedSmooth(moved.map((v) => v - b), mask, dims, [1, 1, 1], 2), dims, [1, 1, 1]);
    for (let i = 0; i < n; i += 17) {
      if (!mask[i]) continue;
      expect(gMoved[i]).toBeCloseTo(a * g[i] + b, 4); // smoothings: affine
      expect(gradMoved[i]).toBeCloseTo(a * grad[i], 4); // gradient: scaled
    }
    const plan = jitterPlan(voxelFeatureNames(['flair', 't1ce']));
    const names = voxelFeatureNames(['flair', 't1ce']);
    const kind = (name: string) => plan[names.indexOf(name)];
    expect(kind('flair:z')).toEqual({ group: 0, affine: true });
    expect(kind('flair:g8')).toEqual({ group: 0, affine: true });
    expect(kind('t1ce:grad1')).toEqual({ group: 1, affine: false });
    expect(kind('t1ce:asym2')).toEqual({ group: 1, affine: false });
    expect(kind('brain:depth').group).toBe(-1);
  });

  it('draws one gain and one shift per row and modality, within the amount', () => {
    const names = ['flair:z', 'flair:g2', 'flair:grad1', 't1ce:z', 'brain:depth'];
    const plan = jitterPlan(names);
    const rows = Float32Array.of(1, 2, 0.5, -1, 0.7, 3, -2, 1, 4, 0.2);
    const before = Float32Array.from(rows);
    let seed = 1;
    const rand = () => ((seed = (seed * 16807) % 2147483647) / 2147483647);
    jitterRows(rows, 2, 5, plan, 0.2, rand);
    for (let r = 0; r < 2; r++) {
      const [z, g2, grad, t1, depth] = Array.from(before.subarray(r * 5, r * 5 + 5));
      const out = rows.subarray(r * 5, r * 5 + 5);
      // The gradient gives the gain; z and g2 must then share the same shift.
      const gain = out[2] / grad;
      expect(Math.abs(gain - 1)).toBeLessThanOrEqual(0.2 + 1e-6);
      const shift = out[0] - gain * z;
      expect(Math.abs(shift)).toBeLessThanOrEqual(0.2 + 1e-6);
      expect(out[1]).toBeCloseTo(gain * g2 + shift, 5);
      expect(out[3]).not.toBeCloseTo(t1, 6); // another modality, another draw
      expect(out[4]).toBe(depth);
    }
  });
});
