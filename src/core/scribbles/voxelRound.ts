/**
 * A scribble round for a head that reads no backbone: the per-voxel MLP on the case's filter bank
 * (heads/fineHead.ts), trained on the scribbled voxels only. A clinician's own scan needs no
 * model download and no extraction before the first stroke gives a segmentation. Same loop as
 * the linear round (round.ts): warm start, the slice in view shown within a time budget, stop
 * between steps.
 */
import { extractSlice, type SliceGeometry } from '../features/slices.ts';
import { createFineHead, type FineCase, type FineSamples, fillRows, labelsFromProbabilities, predictFineProbabilities, trainFineHead } from '../heads/fineHead.ts';
import type { MlpHead } from '../heads/mlpHead.ts';
import { type SlicePrediction, uncertaintyOfProbabilities } from '../heads/predict.ts';
import type { TaskSpec } from '../heads/tasks.ts';
import { mulberry32 } from '../synthetic/random.ts';
import { scribbleTask } from './classes.ts';
import { NotEnoughScribbles, type RoundInput } from './round.ts';
import { roundLoop } from './roundLoop.ts';

/** The linear round's input (g: the plane and slice the viewer shows), with the voxel head and its case in place of the features. */
export interface VoxelRoundInput extends Omit<RoundInput, 'head' | 'featureSlices' | 'features'> {
  head: MlpHead | null;
  fc: FineCase;
  hidden: number[];
}

/** 300 steps of 512 voxels: ~1 s on this machine's one worker core for a 240x240x155 case. */
export const VOXEL_ROUND_DEFAULTS = { steps: 300, learningRate: 0.003, refreshMs: 120, hidden: [64, 32] };

/** Most voxels drawn per class a round: long strokes through a large lesion add little beyond this. */
const PER_CLASS = 20000;

/** Rows of the scribbled voxels inside the head mask/brain, classes balanced by their weights. */
export async function voxelScribbleSamples(fc: FineCase, scribbles: Uint8Array, classCount: number, seed: number): Promise<FineSamples & { counts: number[]; ignored: number }> {
  const v = fc.voxels;
  const byClass: number[][] = Array.from({ length: classCount }, () => []);
  let ignored = 0;
  const [nx, ny] = fc.dims;
  for (let i = 0; i < scribbles.length; i++) {
    const s = scribbles[i];
    if (s === 0 || s > classCount) continue;
    const x = i % nx;
    const y = Math.floor(i / nx) % ny;
    const z = Math.floor(i / (nx * ny));
    const [bx, by, bz] = [x - v.origin[0], y - v.origin[1], z - v.origin[2]];
    const inside = bx >= 0 && by >= 0 && bz >= 0 && bx < v.size[0] && by < v.size[1] && bz < v.size[2] && v.brain[bx + v.size[0] * (by + v.size[1] * bz)];
    if (inside) byClass[s - 1].push(i);
    else ignored++;
  }
  const rand = mulberry32(seed);
  const present = byClass.filter((l) => l.length > 0).length;
  const chosen: { voxel: number; cls: number; weight: number }[] = [];
  byClass.forEach((list, cls) => {
    const rate = Math.min(1, PER_CLASS / Math.max(list.length, 1));
    const weight = 1 / (present * Math.min(list.length, PER_CLASS));
    for (const voxel of list) if (rate === 1 || rand() < rate) chosen.push({ voxel, cls, weight });
  });
  const width = v.maps.length;
  const n = chosen.length;
  const rows = new Float32Array(n * width);
  await fillRows(fc, { voxels: true, context: 0 }, chosen.map((c) => c.voxel), rows, width);
  const targets = new Float32Array(n * classCount);
  chosen.forEach((c, i) => (targets[i * classCount + c.cls] = 1));
  // Weights sum to n: the loss's scale does not depend on how much was scribbled.
  const weights = Float32Array.from(chosen, (c) => c.weight * n);
  return { voxelNames: v.names, rows, targets, weights, n, width, counts: byClass.map((l) => l.length), ignored };
}

/** Labels and uncertainty of slice k of the plane, from the voxel head. */
export async function voxelSlicePrediction(head: MlpHead, fc: FineCase, spec: TaskSpec, g: SliceGeometry, k: number): Promise<SlicePrediction> {
  const probs = await predictFineProbabilities(head, fc, spec, { voxels: true, context: 0 }, undefined, [k], g);
  const labels = extractSlice(labelsFromProbabilities(spec, probs, fc.voxels, false), g, k);
  const v = fc.voxels;
  const C = spec.channels.length;
  const worst = new Uint8Array(fc.dims[0] * fc.dims[1] * fc.dims[2]);
  const [nx, ny] = fc.dims;
  for (let b = 0; b < v.brain.length; b++) {
    if (!v.brain[b]) continue;
    const x = b % v.size[0];
    const y = Math.floor(b / v.size[0]) % v.size[1];
    const z = Math.floor(b / (v.size[0] * v.size[1]));
    const voxel = v.origin[0] + x + nx * (v.origin[1] + y + ny * (v.origin[2] + z));
    worst[voxel] = Math.round(255 * uncertaintyOfProbabilities(spec, probs, b * C));
  }
  return { index: k, plane: g.plane, labels, uncertainty: extractSlice(worst, g, k) };
}

export async function voxelScribbleRound(o: VoxelRoundInput) {
  const t0 = performance.now();
  const spec = scribbleTask(o.classes);
  const samples = await voxelScribbleSamples(o.fc, o.scribbles, o.classes.length, o.seed);
  const tSamples = performance.now() - t0;
  if (samples.counts.filter((c) => c > 0).length < 2) {
    const hint = samples.ignored > 0 ? ` (${samples.ignored} scribbled voxels lie outside the brain or head mask)` : '';
    throw new NotEnoughScribbles(`scribble at least two classes, background and one more, to train${hint}`);
  }
  const fits = o.head && o.head.channels === o.classes.length && o.head.layers[0].w.length === samples.width * o.head.layers[0].b.length;
  const head = fits ? o.head! : createFineHead(samples.width, o.hidden, spec, o.seed);
  const B = 512;
  const epochs = Math.max(1, Math.round(o.steps / Math.ceil(samples.n / Math.min(B, samples.n))));
  const show = async () => {
    if (o.viewSlice === null) return false;
    await o.onSlice(await voxelSlicePrediction(head, o.fc, spec, o.g, Math.max(0, Math.min(o.g.count - 1, o.viewSlice))));
    return true;
  };
  const fit = trainFineHead(head, samples, { spec, epochs, batchSize: B, learningRate: o.learningRate, seed: o.seed, loss: { crossEntropy: 1, dice: 0 }, schedule: 'constant' });
  const { steps, loss, stopped, firstSlice } = await roundLoop(fit, { refreshMs: o.refreshMs, t0, show, pause: o.pause });
  const present = samples.counts.filter((c) => c > 0).length;
  const classWeights = samples.counts.map((c) => (c ? samples.n / (present * Math.min(c, PER_CLASS)) : 0));
  return {
    head,
    spec,
    samples: { dim: samples.width, counts: samples.counts, classWeights, ignored: samples.ignored, total: samples.n },
    steps,
    loss,
    stopped,
    timings: { samples: tSamples, firstSlice, total: performance.now() - t0 },
  };
}
