import { describe, expect, it } from 'vitest';
import { diceScore } from '../metrics/dice.ts';
import { regionMask } from '../metrics/regions.ts';
import { sliceGeometry } from '../features/slices.ts';
import { labelsFromProbabilities, predictFineProbabilities } from '../heads/fineHead.ts';
import { voxelCase } from '../heads/voxelCase.ts';
import { generateSyntheticCase } from '../synthetic/brats.ts';
import { SCRIBBLE_PRESETS } from './classes.ts';
import { NotEnoughScribbles } from './round.ts';
import { VOXEL_ROUND_DEFAULTS, voxelScribbleRound } from './voxelRound.ts';

/** Sparse dots a user might leave on the three slices with the most tumour, from the label map; the rest of the map is never seen. */
function dots(labels: Uint8Array, flair: Float32Array, dims: [number, number, number]): Uint8Array {
  const [nx, ny, nz] = dims;
  const area = (z: number) => labels.subarray(z * nx * ny, (z + 1) * nx * ny).filter((v) => v > 0).length;
  const slices = [...Array(nz).keys()].sort((a, b) => area(b) - area(a)).slice(0, 3);
  const pen: Record<number, number> = { 0: 1, 1: 2, 2: 3, 4: 4 };
  const out = new Uint8Array(labels.length);
  for (const z of slices)
    for (let y = 0; y < ny; y++)
      for (let x = 0; x < nx; x++) {
        const i = x + nx * (y + ny * z);
        if (labels[i] > 0 ? x % 3 === 0 && y % 3 === 0 : flair[i] > 0 && x % 6 === 0 && y % 6 === 0) out[i] = pen[labels[i]];
      }
  return out;
}

describe('scribbles with the voxel head: no backbone, no extraction', () => {
  const s = generateSyntheticCase({ seed: 6, dims: [64, 64, 40] });
  const c = { id: s.id, dims: s.dims, spacing: [1, 1, 1] as [number, number, number], volumes: s.modalities };
  const fc = voxelCase(c);
  const classes = SCRIBBLE_PRESETS.brats.classes;
  const g = sliceGeometry(s.dims, [1, 1, 1], 'axial', 224);

  it('segments the whole volume from dots on three slices: whole-tumour Dice against the unseen label map above 0.7', async () => {
    const shown: number[] = [];
    const r = await voxelScribbleRound({ head: null, fc, classes, scribbles: dots(s.labels, s.modalities.flair, s.dims), g, viewSlice: 20, ...VOXEL_ROUND_DEFAULTS, seed: 1, onSlice: (p) => void shown.push(p.index), pause: async () => false });
    expect(r.stopped).toBe(false);
    expect(r.steps).toBeGreaterThanOrEqual(250);
    expect(shown.at(-1)).toBe(20);
    const probs = await predictFineProbabilities(r.head, fc, r.spec, { voxels: true, context: 0 });
    const labels = labelsFromProbabilities(r.spec, probs, fc.voxels, false);
    const wt = diceScore(regionMask(labels, 'WT'), regionMask(s.labels, 'WT'));
    expect(wt).toBeGreaterThan(0.7);
  }, 60_000);

  it('asks for a second class, and stops when a newer round supersedes it', async () => {
    const onlyBackground = new Uint8Array(s.labels.length);
    onlyBackground[fc.voxels.origin[0] + 10 + 64 * (30 + 64 * 20)] = 1;
    await expect(voxelScribbleRound({ head: null, fc, classes, scribbles: onlyBackground, g, viewSlice: null, ...VOXEL_ROUND_DEFAULTS, seed: 1, onSlice: () => undefined, pause: async () => false })).rejects.toBeInstanceOf(NotEnoughScribbles);
    const r = await voxelScribbleRound({ head: null, fc, classes, scribbles: dots(s.labels, s.modalities.flair, s.dims), g, viewSlice: null, ...VOXEL_ROUND_DEFAULTS, refreshMs: 0, seed: 1, onSlice: () => undefined, pause: async () => true });
    expect(r.stopped).toBe(true);
    expect(r.steps).toBeLessThan(VOXEL_ROUND_DEFAULTS.steps);
  }, 60_000);
});
