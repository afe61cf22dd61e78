/** From a trained head to a label volume on the case's canonical grid, and its 3-D scores. */
import { LABEL_ED, LABEL_ET, LABEL_NCR } from '../case/labels.ts';
import { type SliceGeometry, voxelCentreInInput, voxelIndex } from '../features/slices.ts';
import { diceScore } from '../metrics/dice.ts';
import { hausdorff95 } from '../metrics/hausdorff.ts';
import { REGIONS, type Region, regionMask } from '../metrics/regions.ts';
import type { Dims3 } from '../geometry/orientation.ts';
import type { LinearHead } from './linearHead.ts';
import type { TaskSpec } from './tasks.ts';
import { pixelLogits } from './train.ts';

/** Studio label of one pixel's outputs: nested regions (ET inside TC inside WT), a lesion, or the arg-max label. */
function labelOf(spec: TaskSpec, logits: Float32Array, o: number): number {
  if (spec.task === 'regions') {
    const [wt, tc, et] = [logits[o] > 0, logits[o + 1] > 0, logits[o + 2] > 0];
    return et ? LABEL_ET : tc ? LABEL_NCR : wt ? LABEL_ED : 0;
  }
  if (spec.task === 'binary') return logits[o] > 0 ? 1 : 0;
  let best = 0;
  for (let c = 1; c < 4; c++) if (logits[o + c] > logits[o + best]) best = c;
  return [0, LABEL_NCR, LABEL_ED, LABEL_ET][best];
}

/** Labels of one slice's voxels, read at each voxel centre's input pixel. */
export function predictSliceLabels(head: LinearHead, spec: TaskSpec, g: SliceGeometry, features: Float32Array): Uint8Array {
  const C = spec.channels.length;
  const logits = pixelLogits(head, features, g.grid, g.size);
  const out = new Uint8Array(g.rows * g.cols);
  for (let r = 0; r < g.rows; r++) {
    for (let c = 0; c < g.cols; c++) {
      const [u, v] = voxelCentreInInput(g, r, c);
      const pixel = Math.min(g.size - 1, Math.floor(u)) * g.size + Math.min(g.size - 1, Math.floor(v));
      out[r * g.cols + c] = labelOf(spec, logits, pixel * C);
    }
  }
  return out;
}

/** The whole volume; slices without features (no head) stay 0. */
export async function predictVolume(
  head: LinearHead,
  spec: TaskSpec,
  g: SliceGeometry,
  slices: number[],
  features: (k: number) => Promise<Float32Array>,
  onSlice?: (done: number, total: number) => void,
): Promise<Uint8Array> {
  const out = new Uint8Array(g.dims[0] * g.dims[1] * g.dims[2]);
  for (const [i, k] of slices.entries()) {
    const labels = predictSliceLabels(head, spec, g, await features(k));
    for (let r = 0; r < g.rows; r++) for (let c = 0; c < g.cols; c++) out[voxelIndex(g, k, r, c)] = labels[r * g.cols + c];
    onSlice?.(i + 1, slices.length);
  }
  return out;
}

export interface RegionScore {
  region: Region;
  dice: number;
  /** mm; Infinity when exactly one of the two masks is empty. */
  hd95: number;
}

/** 3-D Dice and HD95 per BraTS region (or for the lesion, for a binary head). */
export function scoreVolume(prediction: Uint8Array, truth: Uint8Array, dims: Dims3, spacing: Dims3): RegionScore[] {
  return REGIONS.map(({ id }) => {
    const p = regionMask(prediction, id);
    const t = regionMask(truth, id);
    return { region: id, dice: diceScore(p, t), hd95: hausdorff95(p, t, dims, spacing) };
  });
}
