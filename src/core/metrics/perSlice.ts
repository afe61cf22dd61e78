/**
 * Dice slice by slice along the slice axis: where along the tumour a model wins or loses, which
 * one 3-D number hides. A slice where both masks are empty has no Dice (null), not a perfect 1.
 */
import { extractSlice, type SliceGeometry, voxelIndex } from '../features/slices.ts';
import { diceScore } from './dice.ts';
import { REGIONS, type Region, type RegionDefinition, regionMask } from './regions.ts';

export interface SliceCurve {
  slices: number[];
  /** Per region scored (the BraTS regions, or the lesion). */
  dice: Partial<Record<Region, (number | null)[]>>;
}

export function perSliceDice(prediction: Uint8Array, truth: Uint8Array, g: SliceGeometry, slices: number[], regions: RegionDefinition[] = REGIONS): SliceCurve {
  const dice: SliceCurve['dice'] = {};
  for (const { id } of regions) {
    const p = regionMask(prediction, id);
    const t = regionMask(truth, id);
    dice[id] = slices.map((k) => {
      const [ps, ts] = [extractSlice(p, g, k), extractSlice(t, g, k)];
      return ps.some((v) => v) || ts.some((v) => v) ? diceScore(ps, ts) : null;
    });
  }
  return { slices, dice };
}

/** A copy of a label volume with every voxel outside the given slices set to 0. */
export function restrictToSlices(labels: Uint8Array, g: SliceGeometry, slices: number[]): Uint8Array {
  const out = new Uint8Array(labels.length);
  for (const k of slices) {
    for (let r = 0; r < g.rows; r++) {
      for (let c = 0; c < g.cols; c++) {
        const i = voxelIndex(g, k, r, c);
        out[i] = labels[i];
      }
    }
  }
  return out;
}
