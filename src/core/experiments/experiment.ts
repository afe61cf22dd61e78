/**
 * One experiment: train a head on some cases' cached features, predict other cases' volumes, score
 * them per BraTS region. The backbone comes in as an embed function, so the CLI, the worker and
 * the tests run the same loop.
 */
import { type CaseInput, type CaseVolumes, modalitiesOf, openCase } from '../case/case.ts';
import { perSliceDice, type SliceCurve } from '../metrics/perSlice.ts';
import { MODALITIES, type Modality } from '../case/roles.ts';
import { type ChannelMapping, checkMapping } from '../features/channels.ts';
import { caseContentHash, type Embed, type ExtractionProgress, extractFeatures, normaliseCase } from '../features/extract.ts';
import { sliceGeometry, type Plane, type SliceGeometry } from '../features/slices.ts';
import type { FeatureStore } from '../features/store.ts';
import { createLinearHead, type LinearHead } from '../heads/linearHead.ts';
import type { MlpHead } from '../heads/mlpHead.ts';
import { predictVolume, type RegionScore, scoreVolume } from '../heads/predict.ts';
import { trainingData } from '../heads/sliceTargets.ts';
import { type Task, taskSpec } from '../heads/tasks.ts';
import { type TrainingSlice, trainHead } from '../heads/train.ts';
import { type SamplingOptions, sliceHasTumour, trainingSchedule } from '../heads/split.ts';
import { fromF16Array } from '../weights/f16.ts';
import { DEFAULT_HEAD, type HeadSettings, headSettingsOver, SEED_HEAD, usesBackbone, usesVoxelInputs } from '../heads/headSettings.ts';
import { postprocess } from '../postprocess/postprocess.ts';
import { runFineExperiment } from './fineExperiment.ts';
import { type RunInputs, runInputs } from './inputs.ts';
import { meanSd, scoredMeanSd } from './stats.ts';

export interface ExperimentSettings extends SamplingOptions, Partial<HeadSettings> {
  mapping: ChannelMapping;
  /** The modalities the run may read (inputs.ts); absent: every modality its training cases share. */
  modalities?: Modality[];
  /** Voxel inputs from these instead: a comparison holding them fixed across its arms. */
  voxelModalities?: Modality[];
  plane: Plane;
  size: number;
  task: Task;
  epochs: number;
  batchSize: number;
  learningRate: number;
  seed: number;
}

export const DEFAULT_SETTINGS: Omit<ExperimentSettings, 'mapping'> & HeadSettings = { plane: 'axial', size: 224, task: 'regions', epochs: 10, batchSize: 8, learningRate: 0.01, seed: 0, ...DEFAULT_HEAD };

export interface CaseResult {
  id: string;
  scores: RegionScore[];
  prediction: Uint8Array;
  /** Slices predicted (those with features), on this geometry. */
  slices: number[];
  geometry: SliceGeometry;
  /** Dice per predicted slice, when the case has a label map. */
  perSlice?: SliceCurve;
}

export interface Backbone {
  embed: Embed;
  dim: number;
  modelHash: string;
  /** Tokens each slice gives beyond its patch grid (a frozen trunk's class and register tokens). */
  extraTokens?: number;
  /** What embed returns, as feature keys name it, when not the final patch tokens (a frozen trunk's tokens). */
  outputs?: string;
  /** The adapter it runs with, as feature keys name it. */
  adapter?: string;
}

export interface PreparedCase {
  c: CaseVolumes;
  g: SliceGeometry;
  key: string;
  slices: number[];
}

/** Checks the mapping against the case and extracts (or finds cached) features for it. */
export async function prepareCase(c: CaseVolumes, s: Pick<ExperimentSettings, 'mapping' | 'plane' | 'size' | 'layers'>, backbone: Backbone, store: FeatureStore, onProgress?: (text: string, p?: ExtractionProgress) => void, signal?: AbortSignal): Promise<PreparedCase & { fromCache: number; computed: number }> {
  try {
    checkMapping(s.mapping, MODALITIES.filter((m) => c.volumes[m]));
  } catch (e) {
    throw new Error(`case ${c.id}: ${(e as Error).message}`);
  }
  const g = sliceGeometry(c.dims, c.spacing, s.plane, s.size);
  const result = await extractFeatures({
    norm: normaliseCase(c.volumes, s.mapping, c.brainmask),
    mapping: s.mapping,
    geometry: g,
    caseHash: await caseContentHash(c.volumes, c.brainmask),
    modelHash: backbone.modelHash,
    dim: backbone.dim,
    embed: backbone.embed,
    layers: s.layers ?? 1,
    extraTokens: backbone.extraTokens,
    outputs: backbone.outputs,
    adapter: backbone.adapter,
    store,
    onProgress: (p) => onProgress?.(`${c.id}: features ${p.done}/${p.total}`, p),
    signal,
  });
  return { c, g, key: result.key, slices: result.slices, fromCache: result.fromCache, computed: result.computed };
}

/** Training slices of one case, chosen by the shared sampling policy (heads/split.ts). */
export async function trainingSlices(p: PreparedCase, s: ExperimentSettings, store: FeatureStore): Promise<TrainingSlice[]> {
  const labels = p.c.labels;
  if (!labels) throw new Error(`case ${p.c.id} has no label map to train on`);
  const tumour = new Set(p.slices.filter((k) => sliceHasTumour(labels, p.g, k)));
  const schedule = trainingSchedule([...tumour], p.slices.filter((k) => !tumour.has(k)), s);
  // The reader keeps the key, not the case: its volumes can go once its slices are read.
  const key = p.key;
  return trainingData(schedule, labels, p.g, taskSpec(s.task), async (k) => fromF16Array((await store.get(key, k))!));
}

/** What a run reports of a test case: its prediction scored, and per slice. */
export function testResult(c: CaseVolumes, prediction: Uint8Array, slices: number[], geometry: SliceGeometry): CaseResult {
  return {
    id: c.id,
    prediction,
    slices,
    geometry,
    scores: c.labels ? scoreVolume(prediction, c.labels, c.dims, c.spacing) : [],
    ...(c.labels ? { perSlice: perSliceDice(prediction, c.labels, geometry, slices) } : {}),
  };
}

export async function runExperiment(options: {
  train: CaseInput[];
  test: CaseInput[];
  settings: ExperimentSettings;
  signal?: AbortSignal;
  backbone: Backbone;
  store: FeatureStore;
  onProgress?: (text: string) => void;
}): Promise<{ head: LinearHead | MlpHead; cases: CaseResult[]; losses: number[]; inputs: RunInputs }> {
  const { settings: s, backbone, store } = options;
  const h = headOf(s);
  const inputs = runInputs({ ...s, extraMappings: h.extraMappings }, sharedModalities(options.train), { backbone: usesBackbone(h.head), voxels: usesVoxelInputs(h.head) });
  if (h.head !== 'linear') {
    const { voxelColumns, ...run } = await runFineExperiment({ ...options, head: h, inputs });
    return { ...run, inputs: { ...inputs, voxelColumns } };
  }
  const spec = taskSpec(s.task);
  const trainData: TrainingSlice[] = [];
  for (const c of options.train) trainData.push(...(await trainingSlices(await prepareCase(await openCase(c), s, backbone, store, options.onProgress), s, store)));
  const head = createLinearHead(backbone.dim * h.layers, spec.channels.length, s.seed);
  const losses: number[] = [];
  const grid = s.size / 14;
  for await (const step of trainHead(head, trainData, { spec, grid, size: s.size, epochs: s.epochs, batchSize: s.batchSize, learningRate: s.learningRate, seed: s.seed })) {
    losses.push(step.loss);
    options.signal?.throwIfAborted();
    if (step.step % 10 === 0) options.onProgress?.(`training: step ${step.step}, epoch ${step.epoch + 1}/${s.epochs}, loss ${step.loss.toFixed(3)}`);
  }
  const cases: CaseResult[] = [];
  for (const ref of options.test) {
    options.signal?.throwIfAborted();
    const c = await openCase(ref);
    const p = await prepareCase(c, s, backbone, store, options.onProgress);
    const raw = await predictVolume(head, spec, p.g, p.slices, async (k) => fromF16Array((await store.get(p.key, k))!));
    cases.push(testResult(c, postprocess(raw, c.dims, h.postprocess), p.slices, p.g));
  }
  return { head, cases, losses, inputs };
}

/** The modalities every one of these cases has. */
export const sharedModalities = (cases: CaseInput[]): Modality[] => MODALITIES.filter((m) => cases.every((c) => modalitiesOf(c).includes(m)));

/** The head settings of a run: what it names, else the seed's (records made before heads had settings). */
export function headOf(s: Partial<HeadSettings>): HeadSettings {
  return headSettingsOver(SEED_HEAD, s);
}

/** Mean and standard deviation per region over cases (HD95 over the finite values). */
export function summarise(cases: Pick<CaseResult, 'scores'>[]): Record<string, { dice: { mean: number | null; sd: number | null; n: number; absent: number }; hd95: { mean: number | null; sd: number | null; n: number } }> {
  const out: ReturnType<typeof summarise> = {};
  for (const region of cases[0]?.scores.map((s) => s.region) ?? []) {
    const all = cases.map((c) => c.scores.find((s) => s.region === region)!);
    const dice = scoredMeanSd(all.map((s) => s.dice));
    const hd = meanSd(all.map((s) => s.hd95).filter(Number.isFinite));
    out[region] = { dice: dice.n ? { mean: dice.mean, sd: dice.sd, n: dice.n, absent: dice.absent ?? 0 } : { mean: null, sd: null, n: 0, absent: dice.absent ?? 0 }, hd95: hd.n ? hd : { mean: null, sd: null, n: 0 } };
  }
  return out;
}
