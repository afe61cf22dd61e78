/**
 * One experiment: train a head on some cases' cached features, predict other cases' volumes, score
 * them per BraTS region. The backbone comes in as an embed function, so the CLI, the worker and
 * the tests run the same loop.
 */
import { type CaseInput, openCase } from '../case/case.ts';
import type { FeatureStore } from '../features/store.ts';
import { createLinearHead, type LinearHead } from '../heads/linearHead.ts';
import type { MlpHead } from '../heads/mlpHead.ts';
import { predictVolume } from '../heads/predict.ts';
import { trainingData } from '../heads/sliceTargets.ts';
import { taskSpec } from '../heads/tasks.ts';
import { type TrainingSlice, trainHead } from '../heads/train.ts';
import { sliceHasTumour, trainingSchedule } from '../heads/split.ts';
import { fromF16Array } from '../weights/f16.ts';
import { DEFAULT_HEAD, type HeadSettings, headSettingsOver, SEED_HEAD, usesBackbone, usesVoxelInputs } from '../heads/headSettings.ts';
import { postprocess } from '../postprocess/postprocess.ts';
import { runFineExperiment } from './fineExperiment.ts';
import { type RunInputs, runInputs } from './inputs.ts';
import { type Backbone, type CaseResult, type ExperimentSettings, type PreparedCase, prepareCase, sharedModalities, testResult } from './prepare.ts';
import { meanSd, scoredMeanSd } from './stats.ts';

// Defined in prepare.ts (which the voxel heads' runs share without this file); importers keep their paths.
export { type Backbone, type CaseResult, type ExperimentSettings, type PreparedCase, prepareCase, sharedModalities, testResult };


export const DEFAULT_SETTINGS: Omit<ExperimentSettings, 'mapping'> & HeadSettings = { plane: 'axial', size: 224, task: 'regions', epochs: 10, batchSize: 8, learningRate: 0.01, seed: 0, ...DEFAULT_HEAD };


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
  const spec = taskSpec(s.task, { hierarchy: h.postprocess.hierarchy });
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
    cases.push(testResult(c, postprocess(raw, c.dims, h.postprocess), p.slices, p.g, s.task));
  }
  return { head, cases, losses, inputs };
}


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
