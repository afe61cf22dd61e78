import { describe, expect, it } from 'vitest';
import { checkerboard, percentile99 } from './checkerboard.ts';

describe('checkerboard', () => {
  it('takes blocks alternately from each image, each scaled by its own 99th percentile (by hand on a 4 x 2 x 1 grid, 2 mm blocks)', () => {
    const a = Float32Array.from({ length: 8 }, () => 10);
    const b = Float32Array.from({ length: 8 }, () => 300);
    const out = checkerboard(a, b, [4, 2, 1], [1, 1, 1], 2);
    // Blocks of 2 voxels along x and y: x 0-1 from a, x 2-3 from b, on both rows.
    expect(Array.from(out)).toEqual([1, 1, 1, 1, 1, 1, 1, 1]);
    const ramp = Float32Array.from({ length: 8 }, (_, i) => i + 1);
    const mixed = checkerboard(ramp, a, [4, 2, 1], [1, 1, 1], 2);
    expect(Array.from(mixed)).toEqual([1 / 8, 2 / 8, 1, 1, 5 / 8, 6 / 8, 1, 1]);
  });

  it('the 99th percentile ignores zeros (air) and the brightest 1 %', () => {
    const v = new Float32Array(1000);
    for (let i = 0; i < 500; i++) v[i] = i < 496 ? 100 : 5000;
    expect(percentile99(v)).toBe(100);
  });
});
