/**
 * One round of the scribble loop, after a pen-up: samples from every scribble, a few hundred Adam
 * steps warm-started from the last head, and the slice in view predicted as soon as a time budget
 * is spent, then again when the steps are done. Shared by the worker and the benchmark, so the
 * number the benchmark prints is the delay the user sees.
 */
import type { SliceGeometry } from '../features/slices.ts';
import { createLinearHead, type LinearHead } from '../heads/linearHead.ts';
import { predictSliceView, type SlicePrediction } from '../heads/predict.ts';
import type { ScribbleClass } from './classes.ts';
import { scribbleTask } from './classes.ts';
import { fitScribbles } from './fit.ts';
import { roundLoop } from './roundLoop.ts';
import { type ScribbleSamples, scribbleSamples } from './samples.ts';

export interface RoundInput {
  /** The last round's head, continued when it fits the classes and features; null starts afresh. */
  head: LinearHead | null;
  classes: ScribbleClass[];
  scribbles: Uint8Array;
  g: SliceGeometry;
  featureSlices: number[];
  features: (k: number) => Promise<Float32Array>;
  viewSlice: number | null;
  steps: number;
  learningRate: number;
  /** Show the slice once this much time has passed, even if steps remain. */
  refreshMs: number;
  seed: number;
  onSlice: (s: SlicePrediction) => void | Promise<void>;
  /** Between steps: let messages in, and stop early (a newer round, a cancel) when it says so. */
  pause: () => Promise<boolean>;
}

export interface RoundResult {
  head: LinearHead;
  samples: Omit<ScribbleSamples, 'features' | 'targets' | 'classes'> & { total: number };
  steps: number;
  loss: number;
  stopped: boolean;
  /** ms from the start: samples built, first slice shown, all done */
  timings: { samples: number; firstSlice: number; total: number };
}

/** The studio's round: 300 steps of 512 samples, the slice shown after 120 ms at the latest. */
export const ROUND_DEFAULTS = { steps: 300, learningRate: 0.05, refreshMs: 120 };

export class NotEnoughScribbles extends Error {}

export async function scribbleRound(o: RoundInput): Promise<RoundResult> {
  const t0 = performance.now();
  const spec = scribbleTask(o.classes);
  const samples = await scribbleSamples(o.scribbles, o.g, o.featureSlices, o.classes.length, o.features, { seed: o.seed });
  const present = samples.counts.filter((c) => c > 0).length;
  if (present < 2) {
    const hint = samples.ignored > 0 ? ` (${samples.ignored} scribbled voxels lie on slices without features)` : '';
    throw new NotEnoughScribbles(`scribble at least two classes, background and one more, to train${hint}`);
  }
  const fits = o.head && o.head.dim === samples.dim && o.head.channels === o.classes.length;
  const head = fits ? o.head! : createLinearHead(samples.dim, o.classes.length, o.seed);
  const tSamples = performance.now() - t0;
  const show = async () => {
    if (o.viewSlice === null || !o.featureSlices.includes(o.viewSlice)) return false;
    await o.onSlice(predictSliceView(head, spec, o.g, await o.features(o.viewSlice), o.viewSlice));
    return true;
  };
  const { steps, loss, stopped, firstSlice } = await roundLoop(fitScribbles(head, samples, spec, { steps: o.steps, learningRate: o.learningRate, seed: o.seed }), { refreshMs: o.refreshMs, t0, show, pause: o.pause });
  const { features: _f, targets: _t, classes: _c, ...summary } = samples;
  return { head, samples: { ...summary, total: samples.classes.length }, steps, loss, stopped, timings: { samples: tSamples, firstSlice, total: performance.now() - t0 } };
}
