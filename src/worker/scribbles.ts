/**
 * The scribble loop in the worker: each pen-up sends every scribble; the round trains on them
 * (never on the case's label map, which only scores the result) and supersedes any round still
 * running, so the newest strokes always win.
 */
import type { CaseVolumes } from '../core/case/case.ts';
import type { ExperimentRecord } from '../core/experiments/record.ts';
import { predictVolume, scoreVolume, type SlicePrediction } from '../core/heads/predict.ts';
import { perSliceDice } from '../core/metrics/perSlice.ts';
import { scribbleCounts, scribbleTask } from '../core/scribbles/classes.ts';
import { scribbleRecord } from '../core/scribbles/record.ts';
import { ROUND_DEFAULTS, scribbleRound } from '../core/scribbles/round.ts';
import { type ClassScore, scribbleScores } from '../core/scribbles/scores.ts';
import { fromF16Array } from '../core/weights/f16.ts';
import { extractedFeatures, featuresExtracted, workerBackbone } from './features.ts';
import { voxelHead, voxelScribbleTrain } from './voxelTraining.ts';
import { labelsFromProbabilities, predictFineProbabilities } from '../core/heads/fineHead.ts';
import { currentHead, dropLinearHead, setHead } from './training.ts';
import type { ScribbleExperimentRequest, ScribbleRequest, ScribbleRoundSummary } from './protocol.ts';



let generation = 0;

export async function scribbleTrain(req: ScribbleRequest, c: CaseVolumes, signal: AbortSignal, onSlice: (s: SlicePrediction) => void): Promise<ScribbleRoundSummary> {
  const mine = ++generation;
  const truth = c.labels;
  const superseded = () => mine !== generation || signal.aborted;
  // No features extracted: the voxel head, which needs no backbone, learns from the strokes.
  if (req.head === 'voxels' || !featuresExtracted()) {
    if (req.scribbles.length !== c.dims[0] * c.dims[1] * c.dims[2]) throw new Error('the scribbles are not on this case’s grid');
    const round = await voxelScribbleTrain(c, req, generation, superseded, onSlice);
    const { head, spec, ...summary } = round;
    if (round.stopped) return { ...summary, scores: null };
    dropLinearHead();
    if (!truth) return { ...summary, scores: null };
    const v = voxelHead()!;
    const prediction = labelsFromProbabilities(spec, await predictFineProbabilities(head, v.fc, spec, { voxels: true, context: 0 }), v.fc.voxels, false);
    return { ...summary, scores: scribbleScores(prediction, truth, req.classes) };
  }
  const { result, geometry: g, get } = extractedFeatures();
  if (req.scribbles.length !== g.dims[0] * g.dims[1] * g.dims[2]) throw new Error('the scribbles are not on this case’s grid');
  const features = async (k: number) => fromF16Array(await get(k));
  const spec = scribbleTask(req.classes);
  const last = currentHead();
  const sameClasses = !req.restart && last?.spec.labels?.join() === spec.labels!.join() && last.spec.channels.join() === spec.channels.join();
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

/** The scribble head's run as an experiment: its prediction of the volume, scored when the case has a label map. */
export async function scribbleExperiment(
  req: ScribbleExperimentRequest,
  c: CaseVolumes,
  notice: (text: string) => void,
): Promise<{ record: ExperimentRecord; prediction: Uint8Array }> {
  const now = currentHead();
  const spec = scribbleTask(req.classes);
  if (!now || now.spec.labels?.join() !== spec.labels!.join()) throw new Error('train on the scribbles first');
  const { result, geometry: g, get } = extractedFeatures();
  const { info } = await workerBackbone(notice);
  const prediction = await predictVolume(now.head, spec, g, result.slices, async (k) => fromF16Array(await get(k)));
  const record = scribbleRecord({
    caseId: c.id,
    mapping: req.mapping,
    model: { name: info.label, randomWeights: info.randomWeights, dim: info.dim },
    input: { plane: g.plane, size: g.size },
    classes: req.classes,
    strokes: req.strokes,
    scribbled: scribbleCounts(req.scribbles, req.classes.length),
    curve: req.curve,
    scribbles: req.scribbles,
    scores: c.labels ? scoreVolume(prediction, c.labels, g.dims, c.spacing) : [],
    perSlice: c.labels ? perSliceDice(prediction, c.labels, g, result.slices) : { slices: [], dice: { WT: [], TC: [], ET: [] } },
    seed: generation,
  });
  return { record, prediction };
}
