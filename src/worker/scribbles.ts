/**
 * The scribble loop in the worker: each pen-up sends every scribble; the round trains on them
 * (never on the case's label map, which only scores the result) and supersedes any round still
 * running, so the newest strokes always win.
 */
import { predictVolume } from '../core/heads/predict.ts';
import { type ScribbleClass, scribbleTask } from '../core/scribbles/classes.ts';
import { ROUND_DEFAULTS, type RoundResult, scribbleRound, type SlicePrediction } from '../core/scribbles/round.ts';
import { type ClassScore, scribbleScores } from '../core/scribbles/scores.ts';
import { fromF16Array } from '../core/weights/f16.ts';
import { extractedFeatures } from './features.ts';
import { currentHead, setHead } from './training.ts';

export interface ScribbleRequest {
  scribbles: Uint8Array;
  classes: ScribbleClass[];
  viewSlice: number | null;
  /** Start from a fresh head rather than the last one (after the classes changed, or on request). */
  restart?: boolean;
}

export type ScribbleRoundSummary = Omit<RoundResult, 'head'> & {
  /** Against the case's label map when it has one; null when the round was superseded or there is none. */
  scores: ClassScore[] | null;
};

let generation = 0;

export async function scribbleTrain(req: ScribbleRequest, truth: Uint8Array | undefined, signal: AbortSignal, onSlice: (s: SlicePrediction) => void): Promise<ScribbleRoundSummary> {
  const mine = ++generation;
  const { result, geometry: g, get } = extractedFeatures();
  if (req.scribbles.length !== g.dims[0] * g.dims[1] * g.dims[2]) throw new Error('the scribbles are not on this case’s grid');
  const features = async (k: number) => fromF16Array(await get(k));
  const spec = scribbleTask(req.classes);
  const last = currentHead();
  const sameClasses = !req.restart && last?.spec.labels?.join() === spec.labels!.join() && last.spec.channels.join() === spec.channels.join();
  const superseded = () => mine !== generation || signal.aborted;
  const round = await scribbleRound({
    head: sameClasses ? last!.head : null,
    classes: req.classes,
    scribbles: req.scribbles,
    g,
    featureSlices: result.slices,
    features,
    viewSlice: req.viewSlice,
    ...ROUND_DEFAULTS,
    seed: generation,
    onSlice,
    pause: async () => {
      await new Promise((r) => setTimeout(r, 0));
      return superseded();
    },
  });
  const { head, ...summary } = round;
  if (round.stopped) return { ...summary, scores: null };
  setHead(head, spec, { scribbles: { classes: req.classes, samples: round.samples.counts } });
  let scores: ClassScore[] | null = null;
  if (truth) {
    const prediction = await predictVolume(head, spec, g, result.slices, features);
    scores = scribbleScores(prediction, truth, req.classes);
  }
  return { ...summary, scores };
}
