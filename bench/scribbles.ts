/**
 * The scribble loop's delays in Node, through the same core round the worker runs: a BraTS-sized
 * synthetic case (240x240x155), ViT-S/14-sized cached features (384 per patch) on 140 slices,
 * strokes along rows of the case's label map on two slices. Pen-up -> slice shown is the number
 * the user feels; pen-up -> volume is what "predict the volume" adds.
 */
import { sliceGeometry, voxelIndex } from '../src/core/features/slices.ts';
import { predictVolume } from '../src/core/heads/predict.ts';
import { SCRIBBLE_PRESETS, scribbleTask } from '../src/core/scribbles/classes.ts';
import { ROUND_DEFAULTS, scribbleRound } from '../src/core/scribbles/round.ts';
import type { LinearHead } from '../src/core/heads/linearHead.ts';
import { generateSyntheticCase } from '../src/core/synthetic/brats.ts';

export async function benchScribbles() {
  const c = generateSyntheticCase({ seed: 1 });
  const g = sliceGeometry(c.dims, [1, 1, 1], 'axial', 224);
  const dim = 384;
  const slices = [...Array(140).keys()].map((i) => i + 8);
  const cache = new Map(slices.map((k) => [k, Float32Array.from({ length: g.grid * g.grid * dim }, (_, i) => Math.sin(i * 0.01 + k))]));
  const features = async (k: number) => cache.get(k)!;
  const classes = SCRIBBLE_PRESETS.brats.classes;
  const scribbles = new Uint8Array(c.labels.length);
  // A stroke: the voxels of one row, 3 rows thick, that carry one label (class index + 1).
  const stroke = (k: number, row: number, label: number, pen: number) => {
    for (let r = row - 1; r <= row + 1; r++) for (let col = 0; col < g.cols; col++) if (c.labels[voxelIndex(g, k, r, col)] === label) scribbles[voxelIndex(g, k, r, col)] = pen;
  };
  const tumourRows = (k: number) => [...Array(g.rows).keys()].filter((r) => [...Array(g.cols).keys()].some((col) => c.labels[voxelIndex(g, k, r, col)] > 0));
  const rows = tumourRows(77);
  const mid = rows[rows.length >> 1];
  classes.forEach((cls, i) => stroke(77, cls.label === 0 ? 30 : mid, cls.label, i + 1));
  const rounds: { samplesMs: number; firstSliceMs: number; totalMs: number; samples: number; steps: number }[] = [];
  let head: LinearHead | null = null;
  for (let round = 0; round < 6; round++) {
    // Each round adds a stroke on another slice, as the user would, and warm-starts from the last head.
    const k = 70 + round * 3;
    const r = tumourRows(k);
    if (r.length) classes.forEach((cls, i) => stroke(k, r[(r.length * (round + 1)) >> 3], cls.label, i + 1));
    const result = await scribbleRound({ head, classes, scribbles, g, featureSlices: slices, features, viewSlice: 77, ...ROUND_DEFAULTS, seed: 0, onSlice: () => undefined, pause: async () => false });
    head = result.head;
    rounds.push({ samplesMs: Math.round(result.timings.samples), firstSliceMs: Math.round(result.timings.firstSlice), totalMs: Math.round(result.timings.total), samples: result.samples.total, steps: result.steps });
  }
  const p0 = performance.now();
  await predictVolume(head!, scribbleTask(classes), g, slices, features, undefined, new Uint8Array(c.labels.length));
  const volumeMs = performance.now() - p0;
  const warm = rounds.slice(1);
  const median = (xs: number[]) => xs.sort((a, b) => a - b)[xs.length >> 1];
  return {
    bench: 'scribbles',
    case: '240x240x155 synthetic, 140 slices with 384-d features cached, axial at 224',
    round: ROUND_DEFAULTS,
    rounds,
    medianPenUpToSliceMs: median(warm.map((r) => r.firstSliceMs)),
    medianPenUpToRoundDoneMs: median(warm.map((r) => r.totalMs)),
    penUpToVolumeMs: Math.round(median(warm.map((r) => r.totalMs)) + volumeMs),
    volumePredictionWithUncertaintyMs: Math.round(volumeMs),
  };
}
