/** Training the head: settings, the live curve, the slice prediction, the volume and its scores. */
import { formatDice } from '../core/experiments/report.ts';
import { create } from 'zustand';
import type { RegionReadout } from '../core/metrics/readout.ts';
import type { RegionScore } from '../core/heads/predict.ts';
import { defaultTask, type Task } from '../core/heads/tasks.ts';
import { type AdapterKind } from '../core/adapters/adapter.ts';
import { DEFAULT_ADAPTERS } from '../core/adapters/create.ts';
import { DEFAULT_HEAD, type HeadKind } from '../core/heads/headSettings.ts';
import { normalAxis, type Plane } from '../core/features/slices.ts';
import type { PostprocessSettings } from '../core/postprocess/postprocess.ts';
import { distinctValues } from '../core/case/labels.ts';
import { referenceVolume } from '../core/case/case.ts';
import { lesionFocus } from '../core/case/location.ts';
import { computeClient, WorkerLostError } from '../worker/client.ts';
import type { Progress, WorkerUpdate } from '../worker/protocol.ts';
import { useCase } from './case.ts';
import { useFeatures } from './features.ts';
import { useModel } from './model.ts';
import { report } from './messages.ts';
import { goTo, useView } from './view.ts';

export interface CurvePoint {
  step: number;
  loss: number;
  /** Per output; null where the region is in neither the prediction nor the truth (absent). */
  dice: (number | null)[];
}

interface TrainingState {
  task: Task;
  epochs: number;
  learningRate: number;
  batchSize: number;
  seed: number;
  /** Weights of cross-entropy and soft Dice in the loss. */
  crossEntropy: number;
  dice: number;
  oversampleTumour: number;
  healthyEvery: number;
  /** Which head; the seed's linear probe is one choice away. */
  head: HeadKind;
  /** Hidden widths of the voxel heads, e.g. "64,32". */
  hidden: string;
  /** Intensity jitter of the voxel inputs while training (0: none). */
  jitter: number;
  /** Tri-planar: the planes a head on patch features reads (empty: the extracted one). */
  planes: Plane[];
  postprocess: PostprocessSettings;
  /** With the linear head: fine-tune the backbone's last blocks with an adapter, or keep it frozen. */
  adapter: 'none' | AdapterKind;
  /** The adapter the last run trained, when it did (its files can be exported). */
  trainedAdapter: AdapterKind | null;
  state: 'idle' | 'running' | 'paused' | 'done' | 'stopped';
  curve: CurvePoint[];
  channels: string[];
  /** The latest prediction of one slice (and, from the scribble loop, its uncertainty): the overlay while training runs. */
  slice: { index: number; plane: Plane; labels: Uint8Array; uncertainty?: Uint8Array } | null;
  /** The whole volume predicted: labels, uncertainty, scores against the label map, and the read-out (volumes, RANO). */
  volume: { prediction: Uint8Array; uncertainty?: Uint8Array; scores: RegionScore[]; readout?: RegionReadout[] } | null;
  /** Colours of the prediction's labels when they are not BraTS's (scribble classes); null for BraTS's. */
  colours: { values: number[]; rgb: (readonly [number, number, number])[]; names: string[] } | null;
  progress: Progress | null;
}

export const useTraining = create<TrainingState>(() => ({
  task: 'regions',
  epochs: 15,
  learningRate: 0.01,
  batchSize: 8,
  seed: 0,
  crossEntropy: 1,
  dice: 1,
  oversampleTumour: 1,
  healthyEvery: 4,
  head: DEFAULT_HEAD.head,
  hidden: DEFAULT_HEAD.hidden.join(','),
  jitter: DEFAULT_HEAD.jitter,
  planes: DEFAULT_HEAD.planes,
  postprocess: DEFAULT_HEAD.postprocess,
  adapter: 'none',
  trainedAdapter: null,
  state: 'idle',
  curve: [],
  channels: [],
  slice: null,
  volume: null,
  colours: null,
  progress: null,
}));

type Settings = 'task' | 'epochs' | 'learningRate' | 'batchSize' | 'seed' | 'crossEntropy' | 'dice' | 'oversampleTumour' | 'healthyEvery' | 'head' | 'hidden' | 'jitter' | 'planes' | 'postprocess' | 'adapter';
export const setTrainingSettings = (s: Partial<Pick<TrainingState, Settings>>) => useTraining.setState(s);

// A new label map suggests the task (regions, or a lesion for a one-label mask); the user may
// change it. Another patient without one starts from the regions, never from the last case's task.
useCase.subscribe((s, prev) => {
  const labels = s.current?.labels?.data;
  if (labels && labels !== prev.current?.labels?.data) useTraining.setState({ task: defaultTask(distinctValues(labels)) });
  else if (!labels && s.current && s.current.id !== prev.current?.id) useTraining.setState({ task: 'regions' });
});

useFeatures.subscribe((s, prev) => {
  if (s.result !== prev.result) useTraining.setState({ curve: [], slice: null, volume: null, state: 'idle' });
});
useCase.subscribe((s, prev) => {
  if (s.current !== prev.current) useTraining.setState({ curve: [], channels: [], slice: null, volume: null, colours: null, state: 'idle' });
});

function onUpdate(u: WorkerUpdate): void {
  if ('kind' in u) return;
  useTraining.setState((s) => ({
    state: u.state,
    channels: u.channels,
    slice: u.slice ?? s.slice,
    // The last update of a run may repeat the step with the final scores: it replaces the point.
    curve: [...(s.curve.at(-1)?.step === u.step ? s.curve.slice(0, -1) : s.curve), { step: u.step, loss: u.loss, dice: u.validationDice }],
  }));
}

/** The trained head as JSON, so a fresh worker can have it back. */
let keptHead: string | null = null;

/** The trained head in a fresh worker: 'none' when there was none, else restored or why not. A run in flight is over. */
export async function restoreHead(): Promise<'restored' | 'none' | { reason: string }> {
  const { state } = useTraining.getState();
  if (state === 'running' || state === 'paused') useTraining.setState({ state: 'stopped', progress: null });
  if (!keptHead) return 'none';
  try {
    await computeClient().request('importHead', { json: keptHead });
    return 'restored';
  } catch (e) {
    return { reason: (e as Error).message };
  }
}

/** The hidden widths typed in the panel ("64, 32"), whole positive numbers only. */
export const hiddenWidths = (text: string): number[] => text.split(',').map((w) => Number(w.trim())).filter((w) => Number.isInteger(w) && w > 0);

export async function startTraining(): Promise<void> {
  const { task, epochs, learningRate, batchSize, seed, crossEntropy, dice, oversampleTumour, healthyEvery, head, hidden, jitter, planes, postprocess, adapter: kind } = useTraining.getState();
  const widths = hiddenWidths(hidden);
  const adapter = head === 'linear' && kind !== 'none' ? { ...DEFAULT_ADAPTERS[kind], seed } : undefined;
  useTraining.setState({ state: 'running', curve: [], slice: null, volume: null, colours: null, trainedAdapter: null });
  try {
    const r = await computeClient().request(
      'train',
      { task, epochs, learningRate, batchSize, seed, validation: 0.2, loss: { crossEntropy, dice }, oversampleTumour, healthyEvery, head, hidden: widths, jitter, planes, postprocess, adapter, viewPlane: useFeatures.getState().plane, viewVoxel: useView.getState().voxel ?? undefined },
      // Progress: the other planes' features a tri-planar head extracts before it trains.
      { onUpdate, onProgress: (progress) => useTraining.setState({ progress }) },
    );
    keptHead = await exportHeadJson().catch(() => null);
    if (adapter) useTraining.setState({ trainedAdapter: adapter.kind });
    report('info', `Training finished after ${r.steps} steps; validation Dice ${r.validationDice.map((d) => formatDice(d, 2)).join(' / ')} on slices ${r.validation[0]}-${r.validation.at(-1)} (a contiguous block).`);
  } catch (e) {
    // A lost worker cut the run short: the curve so far stays, and the recovery message says what to do.
    if (e instanceof WorkerLostError) return useTraining.setState({ state: 'stopped' });
    report('error', `Training failed: ${(e as Error).message}`);
    useTraining.setState({ state: 'idle' });
  } finally {
    useTraining.setState({ progress: null });
  }
}

export function controlTraining(action: 'pause' | 'resume' | 'stop'): void {
  void computeClient().request('trainingControl', { action });
}

/**
 * The crosshair, so the live prediction follows the user: during training (the worker cuts the
 * slice through it on the head's plane), or once a slice is shown (the slice on the features' plane).
 */
export async function viewVoxel(voxel: [number, number, number]): Promise<void> {
  const { state, slice: shown, volume } = useTraining.getState();
  const slice = voxel[normalAxis(useFeatures.getState().plane)];
  if (state === 'running') void computeClient().request('trainingControl', { action: 'view', voxel });
  else if (shown && !volume && shown.index !== slice) {
    const r = await computeClient().request('predictSlice', { slice });
    if (r.slice && !useTraining.getState().volume) useTraining.setState({ slice: r.slice });
  }
}

export async function predictWholeVolume(): Promise<void> {
  try {
    const volume = await computeClient().request('predictVolume', {}, { onProgress: (progress) => useTraining.setState({ progress }) });
    useTraining.setState({ volume });
    goToLesion();
  } catch (e) {
    report('error', `Prediction failed: ${(e as Error).message}`);
  } finally {
    useTraining.setState({ progress: null });
  }
}

/** The fine-tuned adapter's files (PEFT's layout for LoRA) and its head, for the user to keep. */
export async function exportAdapter(): Promise<Record<string, Uint8Array>> {
  return (await computeClient().request('exportAdapter', {})).files;
}

export async function exportHeadJson(): Promise<string> {
  return (await computeClient().request('exportHead', {})).json;
}

export async function importHeadJson(json: string): Promise<void> {
  try {
    const r = await computeClient().request('importHead', { json });
    keptHead = json;
    useTraining.setState({ task: r.task as Task, state: 'done' });
    report('info', `Head loaded (${r.task}, ${r.dim} features); predict the volume to apply it.`);
  } catch (e) {
    report('error', `The head could not be loaded: ${(e as Error).message}`);
  }
}

/** An adapter saved before (its files and head.json), applied to this case through the loaded backbone. */
export async function importAdapterFiles(files: File[]): Promise<void> {
  try {
    const named = Object.fromEntries(await Promise.all(files.map(async (f) => [f.name, new Uint8Array(await f.arrayBuffer())] as const)));
    const r = await computeClient().request('importAdapter', { files: named }, { onProgress: (progress) => useTraining.setState({ progress }) });
    keptHead = null;
    useTraining.setState({ task: r.task as Task, state: 'done', trainedAdapter: r.kind });
    report('info', `${r.kind === 'lora' ? 'LoRA' : 'Rein'} adapter and head loaded (${r.task}); predict the volume to apply them.`);
  } catch (e) {
    report('error', `The adapter could not be loaded: ${(e as Error).message}. Nothing loaded before was changed.`);
  } finally {
    useTraining.setState({ progress: null });
  }
}

/**
 * Extraction through the fine-tuned adapter from now on (LoRA merged into the backbone's weights,
 * at the frozen model's speed), or through the frozen backbone again. Features are cached per
 * adapter, so the frozen ones stay; the Features step extracts again for the backbone in use.
 */
export async function applyAdapterToBackbone(on: boolean): Promise<void> {
  try {
    const info = await computeClient().request('applyAdapter', { on });
    useModel.setState({ info });
    useFeatures.setState({ result: null, pca: null });
    report('info', info.adapter ? `Extraction now runs through ${info.adapter.id}${info.adapter.merged ? ' (merged into the weights: the frozen model\'s speed)' : ''}; extract features again to train heads on them.` : 'Extraction runs through the frozen backbone again; extract features again (cached ones are read, not recomputed).');
  } catch (e) {
    report('error', `The adapter could not be applied: ${(e as Error).message}. The backbone is as it was.`);
  }
}

/** The crosshair into the lesion: the prediction's, once there is one, else the label map's. */
export function goToLesion(): void {
  const c = useCase.getState().current;
  if (!c) return;
  const dims = referenceVolume(c).dims;
  const predicted = useTraining.getState().volume?.prediction;
  goTo((predicted && lesionFocus(predicted, dims)) ?? (c.labels ? lesionFocus(c.labels.data, dims) : null));
}
