import { describe, expect, it } from 'vitest';
import type { Dims3 } from '../geometry/orientation.ts';
import { describeEstimate, extractionEstimate, secondsPerSlice, slicesWithBrain } from './estimate.ts';

describe('extraction estimate', () => {
  // A brain box x 2..6, y 1..8, z 3..4 in a 10 x 12 x 7 grid: 5 sagittal, 8 coronal, 2 axial slices.
  const dims: Dims3 = [10, 12, 7];
  const brain = new Uint8Array(10 * 12 * 7);
  for (let z = 3; z <= 4; z++) for (let y = 1; y <= 8; y++) for (let x = 2; x <= 6; x++) brain[x + 10 * (y + 12 * z)] = 1;

  it('counts the slices with brain along each plane’s normal', () => {
    expect(slicesWithBrain(brain, dims)).toEqual({ axial: 2, coronal: 8, sagittal: 5 });
  });

  it('multiplies them by the measured rate, per plane asked for', () => {
    const e = extractionEstimate(brain, dims, 1.5, ['axial', 'sagittal']);
    expect(e).toEqual([{ plane: 'axial', slices: 2, seconds: 3 }, { plane: 'sagittal', slices: 5, seconds: 7.5 }]);
    expect(describeEstimate(e)).toBe('axial 2 slices ≈ 3 s, sagittal 5 slices ≈ 8 s; total ≈ 11 s');
  });

  it('times the backbone after a warm-up call', async () => {
    let calls = 0;
    const embed = async (input: Float32Array, size: number) => {
      calls++;
      expect(input.length).toBe(3 * size * size);
      const until = performance.now() + (calls === 1 ? 60 : 20);
      while (performance.now() < until);
      return new Float32Array(0);
    };
    const s = await secondsPerSlice(embed, 28, 3);
    expect(calls).toBe(4);
    // seconds, not milliseconds; the median of the timed calls (the warm-up is the 4th call)
    expect(s).toBeGreaterThanOrEqual(0.019);
    expect(s).toBeLessThan(1);
  });
});
