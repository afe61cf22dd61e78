/**
 * Adapter runs beside the frozen probe, on the same slices: held-out slices of one case, or
 * training cases against test cases. The probe's head (a 1x1 convolution), loss, sampling,
 * split and scoring are the ones the frozen runs use; only the features differ, computed per step
 * through the adapted blocks from the frozen trunk's cached tokens.
 */
import { type CaseInput, type CaseVolumes, openCase } from '../case/case.ts';
import { type CaseResult, type ExperimentSettings, headOf, prepareCase, testResult, trainingSlices } from '../experiments/experiment.ts';
import { heldOutRun, type HeldOutResult, type HeadRoute } from '../experiments/heldOut.ts';
import type { FeatureStore } from '../features/store.ts';
import { createLinearHead, type LinearHead } from '../heads/linearHead.ts';
import { predictVolume } from '../heads/predict.ts';
import { taskSpec } from '../heads/tasks.ts';
import type { TrainStep } from '../heads/train.ts';
import type { DinoV2 } from '../models/dinov2/model.ts';
import { postprocess } from '../postprocess/postprocess.ts';
import { fromF16Array } from '../weights/f16.ts';
import type { Adapter } from './adapter.ts';
import { type AdapterSettings, createAdapter } from './create.ts';
import { adaptedFeatures, frozenTrunk, measureAdapterStep, trainAdapter } from './train.ts';

export interface AdapterRunOptions {
  model: DinoV2;
  /** The backbone's content hash: the trunk's cache key names it. */
  modelHash: string;
  store: FeatureStore;
  adapter: AdapterSettings;
  onProgress?: (text: string) => void;
  onStep?: (step: TrainStep) => Promise<void> | void;
  /** Before training starts: its steps and the measured seconds a step, for the time it will take. */
  onPlan?: (plan: { steps: number; secondsPerStep: number }) => void;
  signal?: AbortSignal;
}

function announce(o: AdapterRunOptions, adapter: Adapter, slices: number, s: { epochs: number; batchSize: number }, grid: number): void {
  if (!o.onPlan) return;
  o.onPlan({ steps: s.epochs * Math.ceil(slices / s.batchSize), secondsPerStep: measureAdapterStep(o.model, adapter, Math.min(s.batchSize, slices), grid) });
}

function route(model: DinoV2, adapter: Adapter, grid: number, tokens: (k: number) => Promise<Float32Array>): HeadRoute {
  return {
    train: (head, data, o) => trainAdapter(model, adapter, head, data, o),
    predictFeatures: async (k) => adaptedFeatures(model, adapter, await tokens(k), grid),
  };
}

/** One case: the held-out block of slices the frozen probe's run holds out (same labels, same seed). */
export async function heldOutAdapterRun(c: CaseVolumes, s: ExperimentSettings & { validation: number }, o: AdapterRunOptions): Promise<HeldOutResult & { adapter: Adapter }> {
  if (!c.labels) throw new Error(`case ${c.id} has no label map to train on`);
  const adapter = createAdapter(o.model.config, o.adapter);
  const trunk = frozenTrunk(o.model, o.modelHash, adapter.first);
  const p = await prepareCase(c, { ...s, layers: 1 }, trunk, o.store, o.onProgress, o.signal);
  const tokens = async (k: number) => fromF16Array((await o.store.get(p.key, k))!);
  const result = await heldOutRun(
    { id: c.id, labels: c.labels, geometry: p.g, spacing: c.spacing, slices: p.slices, dim: trunk.dim, features: tokens },
    { ...s, postprocess: headOf(s).postprocess },
    async (step) => {
      o.signal?.throwIfAborted();
      await o.onStep?.(step);
    },
    { ...route(o.model, adapter, p.g.grid, tokens), onPlan: (slices) => announce(o, adapter, slices, s, p.g.grid) },
  );
  return { ...result, adapter };
}

/** Training cases against test cases: one adapter and one head trained on every training case's slices. */
export async function runAdapterExperiment(train: CaseInput[], test: CaseInput[], s: ExperimentSettings, o: AdapterRunOptions): Promise<{ adapter: Adapter; head: LinearHead; cases: CaseResult[]; losses: number[] }> {
  const spec = taskSpec(s.task, { hierarchy: headOf(s).postprocess.hierarchy });
  const adapter = createAdapter(o.model.config, o.adapter);
  const trunk = frozenTrunk(o.model, o.modelHash, adapter.first);
  const settings = { ...s, layers: 1 };
  const data = [];
  for (const ref of train) data.push(...(await trainingSlices(await prepareCase(await openCase(ref), settings, trunk, o.store, o.onProgress, o.signal), settings, o.store)));
  const head = createLinearHead(trunk.dim, spec.channels.length, s.seed);
  const grid = s.size / o.model.config.patchSize;
  const losses: number[] = [];
  announce(o, adapter, data.length, s, grid);
  for await (const step of trainAdapter(o.model, adapter, head, data, { spec, grid, size: s.size, epochs: s.epochs, batchSize: s.batchSize, learningRate: s.learningRate, seed: s.seed })) {
    losses.push(step.loss);
    o.signal?.throwIfAborted();
    await o.onStep?.(step);
  }
  const cases: CaseResult[] = [];
  for (const ref of test) {
    const c = await openCase(ref);
    const p = await prepareCase(c, settings, trunk, o.store, o.onProgress, o.signal);
    const read = route(o.model, adapter, p.g.grid, async (k) => fromF16Array((await o.store.get(p.key, k))!));
    const raw = await predictVolume(head, spec, p.g, p.slices, read.predictFeatures);
    cases.push(testResult(c, postprocess(raw, c.dims, headOf(s).postprocess), p.slices, p.g, s.task));
  }
  return { adapter, head, cases, losses };
}
