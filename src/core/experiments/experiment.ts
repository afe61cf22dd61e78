/**
 * One experiment: train a head on some cases' cached features, predict other cases' volumes, score
 * them per BraTS region. The backbone comes in as an embed function, so the CLI, the worker and
 * the tests run the same loop.
 */
import type { BratsCase } from '../case/case.ts';
import { MODALITIES, type Modality } from '../case/roles.ts';
import { type ChannelMapping, checkMapping } from '../features/channels.ts';
import { caseContentHash, type Embed, extractFeatures, normaliseCase } from '../features/extract.ts';
import { sliceGeometry, type Plane, type SliceGeometry } from '../features/slices.ts';
import type { FeatureStore } from '../features/store.ts';
import { createLinearHead, type LinearHead } from '../heads/linearHead.ts';
import { predictVolume, type RegionScore, scoreVolume } from '../heads/predict.ts';
import { trainingData } from '../heads/sliceTargets.ts';
import { type Task, taskSpec } from '../heads/tasks.ts';
import { type TrainingSlice, trainHead } from '../heads/train.ts';
import { type SamplingOptions, sliceHasTumour, trainingSchedule } from '../heads/split.ts';
import { fromF16Array } from '../weights/f16.ts';

export interface ExperimentSettings extends SamplingOptions {
  mapping: ChannelMapping;
  plane: Plane;
  size: number;
  task: Task;
  epochs: number;
  batchSize: number;
  learningRate: number;
  seed: number;
}

export const DEFAULT_SETTINGS: Omit<ExperimentSettings, 'mapping'> = { plane: 'axial', size: 224, task: 'regions', epochs: 10, batchSize: 8, learningRate: 0.01, seed: 0 };

export interface CaseResult {
  id: string;
  scores: RegionScore[];
  prediction: Uint8Array;
}

export interface Backbone {
  embed: Embed;
  dim: number;
  modelHash: string;
}

interface Prepared {
  c: BratsCase;
  g: SliceGeometry;
  key: string;
  slices: number[];
}

function volumesOf(c: BratsCase): Partial<Record<Modality, Float32Array>> {
  const out: Partial<Record<Modality, Float32Array>> = {};
  for (const m of MODALITIES) if (c.modalities[m]) out[m] = c.modalities[m]!.data;
  return out;
}

async function prepare(c: BratsCase, s: ExperimentSettings, backbone: Backbone, store: FeatureStore, onProgress?: (text: string) => void): Promise<Prepared> {
  try {
    checkMapping(s.mapping, MODALITIES.filter((m) => c.modalities[m]));
  } catch (e) {
    throw new Error(`case ${c.id}: ${(e as Error).message}`);
  }
  const ref = Object.values(c.modalities)[0]!;
  const g = sliceGeometry(ref.dims, ref.spacing, s.plane, s.size);
  const volumes = volumesOf(c);
  const result = await extractFeatures({
    norm: normaliseCase(volumes, s.mapping, c.brainmask),
    mapping: s.mapping,
    geometry: g,
    caseHash: await caseContentHash(volumes, c.brainmask),
    modelHash: backbone.modelHash,
    dim: backbone.dim,
    embed: backbone.embed,
    store,
    onProgress: (p) => onProgress?.(`${c.id}: features ${p.done}/${p.total}`),
  });
  return { c, g, key: result.key, slices: result.slices };
}

/** Training slices of one case, chosen by the shared sampling policy (heads/split.ts). */
async function trainingSlices(p: Prepared, s: ExperimentSettings, store: FeatureStore): Promise<TrainingSlice[]> {
  const labels = p.c.labels?.data;
  if (!labels) throw new Error(`case ${p.c.id} has no label map to train on`);
  const tumour = new Set(p.slices.filter((k) => sliceHasTumour(labels, p.g, k)));
  const schedule = trainingSchedule([...tumour], p.slices.filter((k) => !tumour.has(k)), s);
  return trainingData(schedule, labels, p.g, taskSpec(s.task), async (k) => fromF16Array((await store.get(p.key, k))!));
}

export async function runExperiment(options: {
  train: BratsCase[];
  test: BratsCase[];
  settings: ExperimentSettings;
  backbone: Backbone;
  store: FeatureStore;
  onProgress?: (text: string) => void;
}): Promise<{ head: LinearHead; cases: CaseResult[]; losses: number[] }> {
  const { settings: s, backbone, store } = options;
  const spec = taskSpec(s.task);
  const trainData: TrainingSlice[] = [];
  for (const c of options.train) trainData.push(...(await trainingSlices(await prepare(c, s, backbone, store, options.onProgress), s, store)));
  const head = createLinearHead(backbone.dim, spec.channels.length, s.seed);
  const losses: number[] = [];
  const grid = s.size / 14;
  for await (const step of trainHead(head, trainData, { spec, grid, size: s.size, epochs: s.epochs, batchSize: s.batchSize, learningRate: s.learningRate, seed: s.seed })) {
    losses.push(step.loss);
    if (step.step % 10 === 0) options.onProgress?.(`training: step ${step.step}, epoch ${step.epoch + 1}/${s.epochs}, loss ${step.loss.toFixed(3)}`);
  }
  const cases: CaseResult[] = [];
  for (const c of options.test) {
    const p = await prepare(c, s, backbone, store, options.onProgress);
    const prediction = await predictVolume(head, spec, p.g, p.slices, async (k) => fromF16Array((await store.get(p.key, k))!));
    const ref = Object.values(c.modalities)[0]!;
    cases.push({ id: c.id, prediction, scores: c.labels ? scoreVolume(prediction, c.labels.data, ref.dims, ref.spacing) : [] });
  }
  return { head, cases, losses };
}

/** Mean and standard deviation per region over cases (HD95 over the finite values). */
export function summarise(cases: CaseResult[]): Record<string, { dice: { mean: number; sd: number }; hd95: { mean: number | null; sd: number | null; n: number } }> {
  const out: ReturnType<typeof summarise> = {};
  const stats = (xs: number[]) => {
    const mean = xs.reduce((a, b) => a + b, 0) / xs.length;
    return { mean, sd: Math.sqrt(xs.reduce((a, b) => a + (b - mean) ** 2, 0) / Math.max(xs.length - 1, 1)) };
  };
  for (const region of cases[0]?.scores.map((s) => s.region) ?? []) {
    const all = cases.map((c) => c.scores.find((s) => s.region === region)!);
    const finite = all.map((s) => s.hd95).filter(Number.isFinite);
    const h = finite.length ? stats(finite) : { mean: null, sd: null };
    out[region] = { dice: stats(all.map((s) => s.dice)), hd95: { ...h, n: finite.length } };
  }
  return out;
}
