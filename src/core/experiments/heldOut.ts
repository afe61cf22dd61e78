/**
 * One case, one head: train on a contiguous block of slices, hold out another, predict the whole
 * volume and score it on the held-out slices only. The split depends on the labels and the seed,
 * never on the channel mapping, so runs that differ only in their mapping see the same slices.
 * The studio's Train button and its comparisons both split here.
 */
import type { SliceGeometry } from '../features/slices.ts';
import type { Dims3 } from '../geometry/orientation.ts';
import { createLinearHead, type LinearHead } from '../heads/linearHead.ts';
import type { LossWeights } from '../heads/loss.ts';
import type { MlpHead } from '../heads/mlpHead.ts';
import { NO_POSTPROCESS, postprocess, type PostprocessSettings } from '../postprocess/postprocess.ts';
import { predictVolume, type RegionScore, scoreVolume } from '../heads/predict.ts';
import { trainingData } from '../heads/sliceTargets.ts';
import { type SamplingOptions, sliceHasTumour, splitSlices, trainingSchedule } from '../heads/split.ts';
import { type Task, taskRegions, taskSpec } from '../heads/tasks.ts';
import { type TrainingSlice, type TrainOptions, type TrainStep, trainHead } from '../heads/train.ts';
import { perSliceDice, restrictToSlices, type SliceCurve } from '../metrics/perSlice.ts';

export interface HeldOutSettings extends SamplingOptions {
  /** 3-D clean-up of the predicted volume before scoring (none when absent). */
  postprocess?: PostprocessSettings;
  task: Task;
  epochs: number;
  batchSize: number;
  learningRate: number;
  seed: number;
  /** Fraction of the slices with tumour held out, as one contiguous block. */
  validation: number;
  loss?: LossWeights;
}

/** A case's cached features, as the worker or the CLI holds them. */
export interface CaseFeatures {
  id: string;
  labels: Uint8Array;
  geometry: SliceGeometry;
  spacing: Dims3;
  /** Slices with features (slices outside the head have none). */
  slices: number[];
  dim: number;
  features: (k: number) => Promise<Float32Array>;
}

export interface CaseSplit {
  train: TrainingSlice[];
  validation: TrainingSlice[];
  /** Slice indices: training (distinct, sorted) and the held-out block. */
  trainSlices: number[];
  heldOut: number[];
}

export async function splitCase(c: Omit<CaseFeatures, 'spacing' | 'dim'>, s: HeldOutSettings): Promise<CaseSplit> {
  const spec = taskSpec(s.task);
  const withTumour = c.slices.filter((k) => sliceHasTumour(c.labels, c.geometry, k));
  if (withTumour.length < 3) throw new Error(`case ${c.id}: the label map has tumour in fewer than 3 slices with features, too few to train and validate on`);
  const split = splitSlices(withTumour, { validation: s.validation, seed: s.seed });
  const tumour = new Set(withTumour);
  const healthy = c.slices.filter((k) => !tumour.has(k) && split.mayTrain(k));
  const data = (schedule: number[]) => trainingData(schedule, c.labels, c.geometry, spec, c.features);
  const train = await data(trainingSchedule(split.train, healthy, s));
  return { train, validation: await data(split.validation), trainSlices: [...new Set(train.map((d) => d.slice))].sort((a, b) => a - b), heldOut: split.validation };
}

export interface HeldOutResult {
  caseId: string;
  trainSlices: number[];
  heldOut: number[];
  /** 3-D Dice and HD95 over the held-out slices. */
  scores: RegionScore[];
  perSlice: SliceCurve;
  prediction: Uint8Array;
  losses: number[];
  head: LinearHead | MlpHead;
}

/**
 * How the head meets the features: by default trainHead on the cached features. An adapter run
 * (adapters/) trains through the backbone's last blocks, so its cached "features" are the frozen
 * trunk's tokens and prediction reads them through the adapted blocks.
 */
export interface HeadRoute {
  train: (head: LinearHead, data: TrainingSlice[], o: TrainOptions) => AsyncGenerator<TrainStep>;
  predictFeatures: (k: number) => Promise<Float32Array>;
  /** Told the number of training slices before training starts. */
  onPlan?: (slices: number) => void;
}

export async function heldOutRun(c: CaseFeatures, s: HeldOutSettings, onStep?: (step: TrainStep) => Promise<void> | void, route?: HeadRoute): Promise<HeldOutResult> {
  const spec = taskSpec(s.task, { hierarchy: s.postprocess?.hierarchy });
  const split = await splitCase(c, s);
  const head = createLinearHead(c.dim, spec.channels.length, s.seed);
  const losses: number[] = [];
  const g = c.geometry;
  const train = route?.train ?? trainHead;
  route?.onPlan?.(split.train.length);
  for await (const step of train(head, split.train, { spec, grid: g.grid, size: g.size, epochs: s.epochs, batchSize: s.batchSize, learningRate: s.learningRate, seed: s.seed, loss: s.loss })) {
    losses.push(step.loss);
    await onStep?.(step);
  }
  const prediction = postprocess(await predictVolume(head, spec, g, c.slices, route?.predictFeatures ?? c.features), g.dims, s.postprocess ?? NO_POSTPROCESS);
  const regions = taskRegions(s.task);
  const scores = scoreVolume(restrictToSlices(prediction, g, split.heldOut), restrictToSlices(c.labels, g, split.heldOut), g.dims, c.spacing, regions);
  return { caseId: c.id, trainSlices: split.trainSlices, heldOut: split.heldOut, scores, perSlice: perSliceDice(prediction, c.labels, g, split.heldOut, regions), prediction, losses, head };
}
