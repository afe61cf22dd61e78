/** From a trained head to a label volume on the case's canonical grid, and its 3-D scores. */
import { type Plane, type SliceGeometry, voxelCentreInInput, voxelIndex } from '../features/slices.ts';
import { diceScore } from '../metrics/dice.ts';
import { hausdorff95 } from '../metrics/hausdorff.ts';
import { REGIONS, type Region, type RegionDefinition, regionMask } from '../metrics/regions.ts';
import type { Dims3 } from '../geometry/orientation.ts';
import type { LinearHead } from './linearHead.ts';
import { regionsLabel, softmaxLabels, type TaskSpec } from './tasks.ts';
import { pixelLogits } from './train.ts';

/** Studio label of one pixel's outputs: nested regions (ET inside TC inside WT), a lesion, or the arg-max label. */
function labelOf(spec: TaskSpec, logits: Float32Array, o: number): number {
  if (spec.task === 'regions') {
    return regionsLabel(logits[o] > 0, logits[o + 1] > 0, logits[o + 2] > 0, !!spec.hierarchy);
  }
  if (spec.task === 'binary') return logits[o] > 0 ? 1 : 0;
  let best = 0;
  for (let c = 1; c < spec.channels.length; c++) if (logits[o + c] > logits[o + best]) best = c;
  return softmaxLabels(spec)[best];
}

/**
 * How unsure a head is at one voxel, 0..1, from its output probabilities: the softmax's entropy
 * over log C, or for sigmoid outputs the largest binary entropy among the channels. 1 is a coin
 * toss: where a stroke helps most. The one uncertainty rule every head's overlay uses.
 */
export function uncertaintyOfProbabilities(spec: TaskSpec, probs: ArrayLike<number>, o: number): number {
  const C = spec.channels.length;
  if (spec.activation === 'sigmoid') {
    let worst = 0;
    for (let c = 0; c < C; c++) {
      const p = probs[o + c];
      const h = p <= 0 || p >= 1 ? 0 : -(p * Math.log2(p) + (1 - p) * Math.log2(1 - p));
      worst = Math.max(worst, h);
    }
    return worst;
  }
  let h = 0;
  for (let c = 0; c < C; c++) {
    const p = probs[o + c];
    if (p > 0) h -= p * Math.log(p);
  }
  return C > 1 ? h / Math.log(C) : 0;
}

let scratch = new Float64Array(8);

/** The same rule on a linear head's logits: their probabilities first (a stable softmax). */
export function uncertaintyOf(spec: TaskSpec, logits: Float32Array, o: number): number {
  const C = spec.channels.length;
  if (scratch.length < C) scratch = new Float64Array(C);
  if (spec.activation === 'sigmoid') {
    for (let c = 0; c < C; c++) scratch[c] = 1 / (1 + Math.exp(-logits[o + c]));
  } else {
    let max = -Infinity;
    for (let c = 0; c < C; c++) max = Math.max(max, logits[o + c]);
    let z = 0;
    for (let c = 0; c < C; c++) z += scratch[c] = Math.exp(logits[o + c] - max);
    for (let c = 0; c < C; c++) scratch[c] /= z;
  }
  return uncertaintyOfProbabilities(spec, scratch, 0);
}

/**
 * Labels of one slice's voxels, read at each voxel centre's input pixel; with `uncertainty`
 * (rows x cols), also each voxel's uncertainty scaled to 0..255.
 */
export function predictSliceLabels(head: LinearHead, spec: TaskSpec, g: SliceGeometry, features: Float32Array, uncertainty?: Uint8Array): Uint8Array {
  const C = spec.channels.length;
  const logits = pixelLogits(head, features, g.grid, g.size);
  const out = new Uint8Array(g.rows * g.cols);
  for (let r = 0; r < g.rows; r++) {
    for (let c = 0; c < g.cols; c++) {
      const pixel = voxelPixel(g, r, c);
      out[r * g.cols + c] = labelOf(spec, logits, pixel * C);
      if (uncertainty) uncertainty[r * g.cols + c] = Math.round(255 * uncertaintyOf(spec, logits, pixel * C));
    }
  }
  return out;
}

export interface SlicePrediction {
  index: number;
  /** The plane the slice was cut on: the viewer places it there, whatever plane it shows. */
  plane: Plane;
  labels: Uint8Array;
  /** 0..255 per voxel of the slice */
  uncertainty: Uint8Array;
}

/** Slice k's labels and uncertainty, as the viewer shows them. */
export function predictSliceView(head: LinearHead, spec: TaskSpec, g: SliceGeometry, features: Float32Array, k: number): SlicePrediction {
  const uncertainty = new Uint8Array(g.rows * g.cols);
  const labels = predictSliceLabels(head, spec, g, features, uncertainty);
  return { index: k, plane: g.plane, labels, uncertainty };
}

/** The input pixel whose prediction a voxel takes: the one under its centre. */
export function voxelPixel(g: SliceGeometry, r: number, c: number): number {
  const [u, v] = voxelCentreInInput(g, r, c);
  return Math.min(g.size - 1, Math.floor(u)) * g.size + Math.min(g.size - 1, Math.floor(v));
}

/** The whole volume; slices without features (no head) stay 0. */
export async function predictVolume(
  head: LinearHead,
  spec: TaskSpec,
  g: SliceGeometry,
  slices: number[],
  features: (k: number) => Promise<Float32Array>,
  onSlice?: (done: number, total: number) => void,
  uncertainty?: Uint8Array,
): Promise<Uint8Array> {
  const out = new Uint8Array(g.dims[0] * g.dims[1] * g.dims[2]);
  const sliceUncertainty = uncertainty && new Uint8Array(g.rows * g.cols);
  for (const [i, k] of slices.entries()) {
    const labels = predictSliceLabels(head, spec, g, await features(k), sliceUncertainty);
    placeSlice(out, labels, g, k);
    if (uncertainty) placeSlice(uncertainty, sliceUncertainty!, g, k);
    onSlice?.(i + 1, slices.length);
  }
  return out;
}

/** Writes a rows x cols slice image into slice k of a volume on the canonical grid. */
export function placeSlice(volume: Uint8Array, slice: Uint8Array, g: SliceGeometry, k: number): void {
  for (let r = 0; r < g.rows; r++) for (let c = 0; c < g.cols; c++) volume[voxelIndex(g, k, r, c)] = slice[r * g.cols + c];
}

export interface RegionScore {
  region: Region;
  /** null: the region is in neither mask (absent, not scored). */
  dice: number | null;
  /** mm; Infinity when exactly one of the two masks is empty. */
  hd95: number;
}

/** A head's whole-volume prediction, whichever head made it: labels, each voxel's uncertainty, scores against the label map, and the regions its task reads. */
export interface VolumePrediction {
  prediction: Uint8Array;
  uncertainty: Uint8Array;
  scores: RegionScore[];
  regions: RegionDefinition[];
}

/** 3-D Dice and HD95 per BraTS region (or for the lesion, for a binary head). */
export function scoreVolume(prediction: Uint8Array, truth: Uint8Array, dims: Dims3, spacing: Dims3, regions: RegionDefinition[] = REGIONS): RegionScore[] {
  return regions.map(({ id }) => {
    const p = regionMask(prediction, id);
    const t = regionMask(truth, id);
    return { region: id, dice: diceScore(p, t), hd95: hausdorff95(p, t, dims, spacing) };
  });
}
