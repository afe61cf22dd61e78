/**
 * Training a head in the worker on the features last extracted, with live validation Dice and a
 * prediction of the slice in view; pause, resume and stop arrive between steps.
 */
import { createLinearHead, type LinearHead } from '../core/heads/linearHead.ts';
import { mlpToJSON } from '../core/heads/mlpHead.ts';
import { NO_POSTPROCESS, postprocess } from '../core/postprocess/postprocess.ts';
import { predictSliceLabels, predictSliceView, predictVolume, type SlicePrediction, scoreVolume, type VolumePrediction } from '../core/heads/predict.ts';
import { splitCase } from '../core/experiments/heldOut.ts';
import { type Task, type TaskSpec, taskRegions, taskSpec } from '../core/heads/tasks.ts';
import { trainHead, validationDice } from '../core/heads/train.ts';
import { fromF16Array } from '../core/weights/f16.ts';

import { extractedFeatures } from './features.ts';
import type { Progress, TrainingUpdate, TrainSettings } from './protocol.ts';
import type { CaseVolumes } from '../core/case/case.ts';
import { DEFAULT_HEAD, type HeadSettings, headSettingsOver, usesBackbone } from '../core/heads/headSettings.ts';
import { bindVoxelHead, dropVoxelHead, predictVoxelSlice, predictVoxelVolume, trainVoxelHead, voxelHead } from './voxelTraining.ts';
import { adaptedHead, dropAdapter, predictAdaptedSlice, predictAdaptedVolume, trainAdapted } from './adapterTraining.ts';
import { normalAxis, type Plane } from '../core/features/slices.ts';
import { parseHeadFile, postprocessOf, VOXEL_HEAD_FORMAT } from '../core/heads/headFile.ts';
import type { Dims3 } from '../core/geometry/orientation.ts';

/** The interactive run splits and trains as the comparisons do; an adapter fine-tunes the backbone with the linear head. */


let head: LinearHead | null = null;
let spec: TaskSpec | null = null;
/** What the head was trained with, saved beside it: the settings, or the scribble classes. */
let trainedWith: TrainSettings | Record<string, unknown> | null = null;
let control: 'run' | 'pause' | 'stop' = 'run';
/** The crosshair's voxel: each loop predicts the slice through it on the plane its head is cut on. */
let viewVoxel: Dims3 = [0, 0, 0];
const viewSlice = (plane: Plane) => viewVoxel[normalAxis(plane)];

export function setTrainingControl(action: 'pause' | 'resume' | 'stop' | 'view', voxel?: Dims3): void {
  if (action === 'view') viewVoxel = voxel ?? viewVoxel;
  else control = action === 'resume' ? 'run' : action;
}

const nextTask = () => new Promise((r) => setTimeout(r, 0));
/** Read through a function: control changes between awaits, which TypeScript's narrowing cannot see. */
const wanted = () => control;

/** The head now in use, whichever loop trained it. */
export function currentHead(): { head: LinearHead; spec: TaskSpec } | null {
  return head && spec ? { head, spec } : null;
}

/** A head trained elsewhere (the scribble loop) becomes the head in use: a voxel head or adapter before it goes. */
export function setHead(h: LinearHead, s: TaskSpec, settings: Record<string, unknown>): void {
  dropVoxelHead();
  dropAdapter();
  head = h;
  spec = s;
  trainedWith = settings;
}

/** The voxel head from the scribble loop becomes the head in use: the linear head and adapter before it go. */
export function dropLinearHead(): void {
  dropAdapter();
  [head, spec, trainedWith] = [null, null, null];
}

/** The slice in view predicted by the head in use, with its uncertainty; null off the feature slices. */
export async function predictViewSlice(k: number): Promise<SlicePrediction | null> {
  if (adaptedHead()) return predictAdaptedSlice(k);
  if (voxelHead()) return predictVoxelSlice(k);
  if (!head || !spec) return null;
  const { result, geometry: g, get } = extractedFeatures();
  if (!result.slices.includes(k) || head.dim !== result.dim) return null;
  return predictSliceView(head, spec, g, fromF16Array(await get(k)), k);
}

export async function train(request: TrainSettings, c: CaseVolumes, update: (u: TrainingUpdate) => void, progress?: (p: Progress) => void): Promise<{ steps: number; validationDice: (number | null)[]; train: number[]; validation: number[] }> {
  // Where the user looks is not a training setting: it stays out of what the head is saved with.
  const { viewPlane = 'axial', viewVoxel: voxel, ...settings } = request;
  if (voxel) viewVoxel = voxel;
  const labels = c.labels;
  if (!labels) throw new Error('this case has no label map to train on');
  dropAdapter();
  if (settings.adapter) {
    if (settings.head && settings.head !== 'linear') throw new Error('an adapter fine-tunes the backbone with the linear head; choose the linear probe');
    control = 'run';
    head = null;
    dropVoxelHead();
    const r = await trainAdapted({ ...settings, adapter: settings.adapter }, c, { wanted, viewSlice }, update, progress);
    trainedWith = settings;
    return r;
  }
  if (settings.head && settings.head !== 'linear') {
    control = 'run';
    head = null;
    // A head on patch features reads those extracted, with their number of blocks.
    const h = headSettingsOver(DEFAULT_HEAD, { ...settings, layers: usesBackbone(settings.head) ? extractedFeatures().result.layers : 1 });
    const r = await trainVoxelHead(c, { task: settings.task, epochs: settings.epochs, learningRate: settings.learningRate, seed: settings.seed, validation: settings.validation, head: h }, { wanted, viewSlice, viewPlane }, update, progress);
    trainedWith = { ...settings, ...h };
    return r;
  }
  dropVoxelHead();
  const { result, geometry: g, get } = extractedFeatures();
  spec = taskSpec(settings.task, { hierarchy: settings.postprocess?.hierarchy });
  const split = await splitCase({ id: 'this case', labels, geometry: g, slices: result.slices, features: async (k) => fromF16Array(await get(k)) }, settings);
  const [trainData, valData] = [split.train, split.validation];
  head = createLinearHead(result.dim, spec.channels.length, settings.seed);
  control = 'run';
  let last = 0;
  let dice = validationDice(head, valData, { spec, grid: g.grid, size: g.size });
  let step = { step: 0, epoch: 0, loss: NaN };
  const send = async (state: TrainingUpdate['state']) => {
    const k = result.slices.includes(viewSlice(g.plane)) ? viewSlice(g.plane) : null;
    update({ ...step, validationDice: dice, channels: spec!.channels, state, slice: k === null ? null : { index: k, plane: g.plane, labels: predictSliceLabels(head!, spec!, g, fromF16Array(await get(k))) } });
  };
  await send('running');
  for await (const s of trainHead(head, trainData, { spec, grid: g.grid, size: g.size, epochs: settings.epochs, batchSize: settings.batchSize, learningRate: settings.learningRate, seed: settings.seed, loss: settings.loss })) {
    step = s;
    await nextTask(); // let pause, stop and the slice in view arrive
    if (performance.now() - last > 700) {
      dice = validationDice(head, valData, { spec, grid: g.grid, size: g.size });
      await send('running');
      last = performance.now();
    }
    while (wanted() === 'pause') {
      await send('paused');
      await new Promise((r) => setTimeout(r, 200));
    }
    if (wanted() === 'stop') break;
  }
  dice = validationDice(head, valData, { spec, grid: g.grid, size: g.size });
  await send(wanted() === 'stop' ? 'stopped' : 'done');
  trainedWith = settings;
  return { steps: step.step, validationDice: dice, train: split.trainSlices, validation: split.heldOut };
}

export async function predictWholeVolume(c: CaseVolumes, progress: (done: number, total: number) => void): Promise<VolumePrediction> {
  if (voxelHead()) return predictVoxelVolume(c, progress);
  if (adaptedHead()) return predictAdaptedVolume(c, progress);
  const { labels, spacing } = c;
  if (!head || !spec) throw new Error('train or load a head first');
  const { result, geometry: g, get } = extractedFeatures();
  if (head.dim !== result.dim) throw new Error(`the head expects ${head.dim} features a patch; the features extracted have ${result.dim}: use the backbone it was trained with`);
  const uncertainty = new Uint8Array(g.dims[0] * g.dims[1] * g.dims[2]);
  const raw = await predictVolume(head, spec, g, result.slices, async (k) => fromF16Array(await get(k)), progress, uncertainty);
  const prediction = postprocess(raw, g.dims, (trainedWith as TrainSettings | null)?.postprocess ?? NO_POSTPROCESS);
  return { prediction, uncertainty, scores: labels ? scoreVolume(prediction, labels, g.dims, spacing, taskRegions(spec.task)) : [], regions: taskRegions(spec.task) };
}

/** The head with the settings it was trained with, as a small JSON document. */
export function exportHead(): string {
  const voxel = voxelHead();
  if (voxel) return JSON.stringify({ format: 'dino-seg-studio/voxel-head@1', task: voxel.spec.task, channels: voxel.spec.channels, settings: trainedWith, inputs: voxel.fc.voxels.names, head: mlpToJSON(voxel.head) });
  if (!head || !spec) throw new Error('train or load a head first');
  const { result, geometry: g } = extractedFeatures();
  return JSON.stringify({ format: 'dino-seg-studio/linear-head@1', task: spec.task, channels: spec.channels, labels: spec.labels, settings: trainedWith, features: { key: result.key, size: g.size, plane: g.plane, dim: result.dim }, head: head.toJSON() });
}

/** Before an adapter's head is loaded: the frozen heads give way. */
export function dropHeads(): void {
  dropVoxelHead();
  [head, spec, trainedWith] = [null, null, null];
}

export function importHead(json: string, c: CaseVolumes | null): { task: Task; dim: number } {
  const doc = parseHeadFile(json);
  if (doc.format === VOXEL_HEAD_FORMAT) {
    dropAdapter();
    if (!c) throw new Error('load the case to apply the voxel head to first');
    bindVoxelHead(c, { ...doc, settings: (doc.settings ?? {}) as Partial<HeadSettings> });
    [head, spec, trainedWith] = [null, null, doc.settings ?? null];
    return { task: doc.task, dim: doc.inputs.length };
  }
  dropAdapter();
  dropVoxelHead();
  // A head over named classes (scribbles) carries its outputs' labels; the built-in tasks do not need to.
  spec = doc.labels && doc.task === 'labels' ? { task: 'labels', channels: doc.channels, activation: 'softmax', labels: doc.labels } : taskSpec(doc.task, { hierarchy: postprocessOf(doc.settings)?.hierarchy });
  head = createLinearHead(doc.head.dim, doc.head.channels, 0, doc.head);
  trainedWith = doc.settings ?? null;
  return { task: doc.task, dim: doc.head.dim };
}

