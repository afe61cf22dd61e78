import { expect, it } from 'vitest';
import { pca, pcaColours } from './pca.ts';

it('finds the principal axes of data built from known directions', () => {
  // Points along e0 (spread 3), e2 (spread 2) and e1 (spread 0.5), with an offset.
  const dim = 4;
  const n = 400;
  const f = new Float32Array(n * dim);
  for (let i = 0; i < n; i++) {
    const t = Math.sin(i * 1.7), s = Math.cos(i * 2.3), u = Math.sin(i * 0.9 + 1);
    f.set([5 + 3 * t, -1 + 0.5 * u, 2 + 2 * s, 7], i * dim);
  }
  const p = pca(f, n, dim, 3);
  expect(Math.abs(p.components[0][0])).toBeCloseTo(1, 3);
  expect(Math.abs(p.components[1][2])).toBeCloseTo(1, 3);
  expect(Math.abs(p.components[2][1])).toBeCloseTo(1, 3);
  expect(p.mean[3]).toBeCloseTo(7, 5);
  // Variance along e0: 9 * var(sin) ~ 4.5
  expect(p.variances[0]).toBeGreaterThan(p.variances[1]);
  expect(p.variances[1]).toBeGreaterThan(p.variances[2]);
  const colours = pcaColours(f, n, dim, p);
  expect(colours.length).toBe(n * 3);
  expect(Math.max(...colours)).toBe(255);
  expect(Math.min(...colours)).toBe(0);
});
