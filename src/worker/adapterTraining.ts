/**
 * Fine-tuning in the Train step: a LoRA or Rein adapter trained with the linear head through the
 * backbone's last blocks, on the case and mapping whose features were extracted, split as the
 * frozen head's run splits it. The frozen trunk's tokens go into the feature cache once; each
 * step runs the adapted blocks. Live curve, validation Dice, the slice in view, pause and stop,
 * as the head's own training; afterwards predictions and exports go through the adapter.
 */
import type { Adapter } from '../core/adapters/adapter.ts';
import { adapterId } from '../core/adapters/backbone.ts';
import { type AdapterSettings, createAdapter } from '../core/adapters/create.ts';
import { adapterFiles, readAdapterFiles } from '../core/adapters/files.ts';
import { peftBaseModel } from '../core/adapters/peft.ts';
import { adaptedFeatures, frozenTrunk, trainAdapter } from '../core/adapters/train.ts';
import type { CaseVolumes } from '../core/case/case.ts';
import { prepareCase } from '../core/experiments/experiment.ts';
import { splitCase } from '../core/experiments/heldOut.ts';
import { createLinearHead, type LinearHead } from '../core/heads/linearHead.ts';
import { predictSliceLabels, predictSliceView, predictVolume, scoreVolume, type SlicePrediction, type VolumePrediction } from '../core/heads/predict.ts';
import { type TaskSpec, taskRegions, taskSpec } from '../core/heads/tasks.ts';
import { type TrainingSlice, validationDice } from '../core/heads/train.ts';
import type { Plane, SliceGeometry } from '../core/features/slices.ts';
import type { DinoV2 } from '../core/models/dinov2/model.ts';
import { NO_POSTPROCESS, postprocess } from '../core/postprocess/postprocess.ts';
import { fromF16Array } from '../core/weights/f16.ts';
import { applyAdapter, currentModel, modelHash } from './backbone.ts';
import { extractedFeatures, workerBackbone } from './features.ts';
import { LINEAR_HEAD_FORMAT, parseHeadFile, postprocessOf } from '../core/heads/headFile.ts';
import type { ModelInfo, Progress, TrainingUpdate, TrainSettings } from './protocol.ts';

interface Adapted {
  adapter: Adapter;
  head: LinearHead;
  spec: TaskSpec;
  g: SliceGeometry;
  slices: number[];
  settings: TrainSettings & { adapter: AdapterSettings };
  /** Patch features of slice k through the adapter. */
  features: (k: number) => Promise<Float32Array>;
}

let adapted: Adapted | null = null;

export const adaptedHead = () => adapted;
export function dropAdapter(): void {
  adapted?.adapter.dispose();
  adapted = null;
}

/**
 * The frozen trunk's tokens of every slice of the case, at the extracted mapping, size and plane,
 * computed once into the feature cache (under the frozen backbone's hash: an applied adapter
 * never changes them), and a slice's patch features through the adapter from them.
 */
async function trunkTokens(c: CaseVolumes, model: DinoV2, adapter: Adapter, progress?: (p: Progress) => void) {
  const { geometry, mapping } = extractedFeatures();
  const trunk = frozenTrunk(model, await modelHash(), adapter.first);
  const { store } = await workerBackbone(() => {});
  const p = await prepareCase(c, { mapping, plane: geometry.plane, size: geometry.size, layers: 1 }, trunk, store, (_, x) => x && progress?.({ status: 'progress', task: 'Frozen blocks of every slice, once', done: x.done, total: x.total, unit: 'slices' }));
  const tokens = async (k: number) => fromF16Array((await store.get(p.key, k))!);
  return { p, tokens, features: async (k: number) => adaptedFeatures(model, adapter, await tokens(k), p.g.grid) };
}

export async function trainAdapted(
  settings: TrainSettings & { adapter: AdapterSettings },
  c: CaseVolumes,
  control: { wanted: () => 'run' | 'pause' | 'stop'; viewSlice: (plane: Plane) => number },
  update: (u: TrainingUpdate) => void,
  progress?: (p: Progress) => void,
): Promise<{ steps: number; validationDice: (number | null)[]; train: number[]; validation: number[] }> {
  const loaded = currentModel();
  if (!loaded) throw new Error('load a backbone first');
  if (!c.labels) throw new Error('this case has no label map to train on');
  dropAdapter();
  const { model } = loaded;
  const adapter = createAdapter(model.config, settings.adapter);
  const { p, tokens, features } = await trunkTokens(c, model, adapter, progress);
  const spec = taskSpec(settings.task, { hierarchy: settings.postprocess?.hierarchy });
  const split = await splitCase({ id: c.id, labels: c.labels, geometry: p.g, slices: p.slices, features: tokens }, settings);
  const head = createLinearHead(model.config.dim, spec.channels.length, settings.seed);
  const o = { spec, grid: p.g.grid, size: p.g.size };
  const validation = async () => {
    const slices: TrainingSlice[] = [];
    for (const s of split.validation) slices.push({ ...s, features: await features(s.slice) });
    return validationDice(head, slices, o);
  };
  let step = { step: 0, epoch: 0, loss: NaN };
  let dice = await validation();
  const send = async (state: TrainingUpdate['state']) => {
    const k = p.slices.includes(control.viewSlice(p.g.plane)) ? control.viewSlice(p.g.plane) : null;
    update({ ...step, validationDice: dice, channels: spec.channels, state, slice: k === null ? null : { index: k, plane: p.g.plane, labels: predictSliceLabels(head, spec, p.g, await features(k)) } });
  };
  await send('running');
  let last = performance.now();
  for await (const s of trainAdapter(model, adapter, head, split.train, { ...o, epochs: settings.epochs, batchSize: settings.batchSize, learningRate: settings.learningRate, seed: settings.seed, loss: settings.loss })) {
    step = s;
    await new Promise((r) => setTimeout(r, 0)); // let pause, stop and the slice in view arrive
    if (performance.now() - last > 1500) {
      dice = await validation();
      await send('running');
      last = performance.now();
    }
    while (control.wanted() === 'pause') {
      await send('paused');
      await new Promise((r) => setTimeout(r, 200));
    }
    if (control.wanted() === 'stop') break;
  }
  dice = await validation();
  await send(control.wanted() === 'stop' ? 'stopped' : 'done');
  adapted = { adapter, head, spec, g: p.g, slices: p.slices, settings, features };
  return { steps: step.step, validationDice: dice, train: split.trainSlices, validation: split.heldOut };
}

export async function predictAdaptedVolume(c: CaseVolumes, progress: (done: number, total: number) => void): Promise<VolumePrediction> {
  const a = adapted!;
  const uncertainty = new Uint8Array(a.g.dims[0] * a.g.dims[1] * a.g.dims[2]);
  const raw = await predictVolume(a.head, a.spec, a.g, a.slices, a.features, progress, uncertainty);
  const prediction = postprocess(raw, a.g.dims, a.settings.postprocess ?? NO_POSTPROCESS);
  return { prediction, uncertainty, scores: c.labels ? scoreVolume(prediction, c.labels, a.g.dims, c.spacing, taskRegions(a.spec.task)) : [], regions: taskRegions(a.spec.task) };
}

export async function predictAdaptedSlice(k: number): Promise<SlicePrediction | null> {
  const a = adapted!;
  return a.slices.includes(k) ? predictSliceView(a.head, a.spec, a.g, await a.features(k), k) : null;
}

/**
 * An adapter and its head saved before (exportAdapted's files, or PEFT's two files with a head),
 * applied to the loaded backbone and case: the frozen trunk's tokens are cached, and predictions
 * go through the adapter from then on.
 */
export async function loadAdapted(files: Record<string, Uint8Array>, c: CaseVolumes, progress?: (p: Progress) => void): Promise<{ kind: Adapter['kind']; task: string }> {
  const loaded = currentModel();
  if (!loaded) throw new Error('load the backbone the adapter was trained on first');
  if (!files['head.json']) throw new Error('give the head (head.json) with the adapter\'s files: the adapter changes the features, so a head trained on the frozen ones does not fit');
  const doc = parseHeadFile(new TextDecoder().decode(files['head.json']));
  const trainedWith = (doc.settings?.adapter ?? null) as { kind?: string } | null;
  if (doc.format !== LINEAR_HEAD_FORMAT || !trainedWith?.kind) throw new Error('head.json is not a head trained with an adapter');
  const adapter = readAdapterFiles(files, loaded.model.config);
  if (adapter.kind !== trainedWith.kind) throw new Error(`head.json was trained with ${trainedWith.kind}, the files are ${adapter.kind}`);
  const head = createLinearHead(doc.head.dim, doc.head.channels, 0, doc.head);
  if (head.dim !== loaded.model.config.dim) throw new Error(`the head reads ${head.dim} features a patch; this backbone gives ${loaded.model.config.dim}`);
  const { p, features } = await trunkTokens(c, loaded.model, adapter, progress);
  dropAdapter();
  // The settings the studio wrote beside the head (checked as an object): kept for records and export, not computed on.
  adapted = { adapter, head, spec: taskSpec(doc.task, { hierarchy: postprocessOf(doc.settings)?.hierarchy }), g: p.g, slices: p.slices, settings: doc.settings as unknown as Adapted['settings'], features };
  return { kind: adapter.kind, task: doc.task };
}

/** The adapter's files (PEFT's for LoRA, the authors' names for Rein) and the head beside them. */
export function exportAdapted(): Record<string, Uint8Array> {
  const a = adapted;
  const loaded = currentModel();
  if (!a || !loaded) throw new Error('fine-tune an adapter in the Train step first');
  const head = JSON.stringify({ format: 'dino-seg-studio/linear-head@1', task: a.spec.task, channels: a.spec.channels, labels: a.spec.labels, settings: a.settings, features: { size: a.g.size, plane: a.g.plane, dim: a.head.dim, adapter: a.settings.adapter }, head: a.head.toJSON() });
  return { ...adapterFiles(a.adapter, loaded.model.config, peftBaseModel(loaded.model.config)), 'head.json': new TextEncoder().encode(head) };
}

/**
 * The fine-tuned adapter applied to the backbone (on) or taken off it: extraction then runs
 * through a copy of it (LoRA merged into the weights), cached under a key that names it.
 */
export async function applyAdaptedToBackbone(on: boolean): Promise<ModelInfo> {
  const loaded = currentModel();
  if (!loaded) throw new Error('load a backbone first');
  if (!on) applyAdapter(null);
  else {
    if (!adapted) throw new Error('fine-tune an adapter in the Train step, or load one, first');
    // As files: the backbone builds its own copy, kept while the Train step trains or drops its own.
    applyAdapter(adapterFiles(adapted.adapter, loaded.model.config, peftBaseModel(loaded.model.config)), await adapterId(adapted.adapter));
  }
  return currentModel()!.info;
}
