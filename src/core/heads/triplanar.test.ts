import { describe, expect, it } from 'vitest';
import { type Plane, sliceCoordinates, sliceGeometry } from '../features/slices.ts';
import type { Dims3 } from '../geometry/orientation.ts';
import { computeVoxelFeatures } from '../voxels/voxelFeatures.ts';
import { type FineCase, fineSamples, type PatchBlock, predictFineProbabilities } from './fineHead.ts';
import { createMlpHead } from './mlpHead.ts';
import { taskSpec } from './tasks.ts';

// A marker voxel: in each plane, only the slice through it carries a feature (1 on every patch).
// A voxel reads 1 from a plane iff it lies in that plane's marked slice, so the three planes sum
// to 3 at the marker alone: fusion routes each voxel to its own slice of every plane.
describe('tri-planar patch features', () => {
  const d: Dims3 = [11, 9, 7];
  const spacing: Dims3 = [1, 1.2, 2];
  const n = d[0] * d[1] * d[2];
  const flair = new Float32Array(n).fill(100);
  const marker = 4 + d[0] * (6 + d[1] * 2);
  const labels = new Uint8Array(n);
  labels[marker] = 1;
  const voxels = computeVoxelFeatures({ dims: d, spacing, volumes: { flair } });
  const block = (plane: Plane): PatchBlock => {
    const g = sliceGeometry(d, spacing, plane, 28);
    const at = sliceCoordinates(g, marker)[0];
    const on = new Float32Array(g.grid * g.grid).fill(1);
    const off = new Float32Array(g.grid * g.grid);
    return { name: plane, g, slices: Array.from({ length: g.count }, (_, k) => k), dim: 1, features: async (k) => (k === at ? on : off) };
  };
  const c: FineCase = { id: 'marker', dims: d, labels, voxels, blocks: (['axial', 'coronal', 'sagittal'] as const).map(block) };
  const spec = taskSpec('binary');
  const inputs = { voxels: false, context: 0 };

  it('prediction: only the marker voxel reads its slice in all three planes', async () => {
    const head = createMlpHead(3, [], 1, 1);
    head.layers[0].w.set([1, 1, 1]);
    head.layers[0].b[0] = -2.5;
    head.mean.fill(0);
    head.scale.fill(1);
    const probs = await predictFineProbabilities(head, c, spec, inputs);
    const above: number[] = [];
    for (let b = 0; b < voxels.brain.length; b++) if (probs[b] > 0.5) above.push(b);
    expect(voxels.brain.every(Boolean)).toBe(true);
    expect(above).toEqual([marker]); // the box is the whole grid here: box index = voxel index
    // A voxel sharing two of the three slices reads exactly 2: sigmoid(-0.5).
    expect(probs[marker + 1]).toBeCloseTo(1 / (1 + Math.exp(0.5)), 5);
  });

  it('training rows: the marker reads 1 from every plane, no other voxel does', async () => {
    const s = await fineSamples(c, spec, inputs, { seed: 1, perLabel: n });
    expect(s.n).toBe(n);
    const sums = Array.from({ length: s.n }, (_, i) => s.rows[3 * i] + s.rows[3 * i + 1] + s.rows[3 * i + 2]);
    // Labels are drawn in label order: the marker (label 1) comes last.
    expect(sums[s.n - 1]).toBeCloseTo(3, 6);
    expect(sums.slice(0, -1).every((x) => x < 2.5)).toBe(true);
    // Voxels that share exactly one slice with the marker: one per plane, minus overlaps.
    const ones = sums.filter((x) => Math.abs(x - 1) < 1e-6).length;
    expect(ones).toBe((d[0] - 1) * (d[1] - 1) + (d[0] - 1) * (d[2] - 1) + (d[1] - 1) * (d[2] - 1));
  });
});
