/** What the head predicts, and the per-pixel targets for it. */
import { LABEL_ED, LABEL_ET, LABEL_NCR } from '../case/labels.ts';
import { LESION, REGIONS, type RegionDefinition } from '../metrics/regions.ts';

export type Task = 'regions' | 'binary' | 'labels';

export interface TaskSpec {
  task: Task;
  /** One name per output channel. */
  channels: string[];
  activation: 'sigmoid' | 'softmax';
  /** Softmax only: the studio label each output stands for (scribble classes name their own). */
  labels?: number[];
  /** Regions only: labels made through the region hierarchy (regionsLabel), as the post-processing settings say. */
  hierarchy?: boolean;
}

/** What a task's predictions are scored on: the lesion for a lesion task, else the BraTS regions. */
export const taskRegions = (task: Task): RegionDefinition[] => (task === 'binary' ? [LESION] : REGIONS);

/** What each task predicts, in words: one naming for the Train step, the messages and the reports. */
export const TASK_NAMES: Record<Task, string> = {
  regions: 'BraTS regions (WT, TC, ET)',
  binary: 'Lesion',
  labels: 'Labels (softmax)',
};

const SOFTMAX_LABELS = [0, LABEL_NCR, LABEL_ED, LABEL_ET];

/** BraTS regions as three overlapping sigmoid outputs (MONAI's BraTS recipe); a lesion; or a softmax over labels. */
export function taskSpec(task: Task, o: { hierarchy?: boolean } = {}): TaskSpec {
  if (task === 'regions') return { task, channels: REGIONS.map((r) => r.id), activation: 'sigmoid', ...(o.hierarchy ? { hierarchy: true } : {}) };
  if (task === 'binary') return { task, channels: ['lesion'], activation: 'sigmoid' };
  return { task, channels: ['background', 'NCR', 'ED', 'ET'], activation: 'softmax', labels: SOFTMAX_LABELS };
}

/**
 * The one rule from the three region outputs to a studio label, for every head. With the
 * hierarchy (BraTS's nesting), ET counts only inside TC and TC only inside WT; without, the
 * innermost region on wins.
 */
export function regionsLabel(wt: boolean, tc: boolean, et: boolean, hierarchy: boolean): number {
  if (hierarchy) return wt ? (tc ? (et ? LABEL_ET : LABEL_NCR) : LABEL_ED) : 0;
  return et ? LABEL_ET : tc ? LABEL_NCR : wt ? LABEL_ED : 0;
}

/** The studio label a softmax output stands for. */
export function softmaxLabels(spec: TaskSpec): number[] {
  return spec.labels ?? SOFTMAX_LABELS;
}

/** Targets [n, channels] for n pixels of studio labels. */
export function targets(spec: TaskSpec, labels: ArrayLike<number>): Float32Array {
  const C = spec.channels.length;
  const out = new Float32Array(labels.length * C);
  for (let i = 0; i < labels.length; i++) {
    const l = labels[i];
    if (spec.task === 'regions') REGIONS.forEach((r, c) => (out[i * C + c] = r.labels.includes(l) ? 1 : 0));
    else if (spec.task === 'binary') out[i] = l > 0 ? 1 : 0;
    else out[i * C + Math.max(0, softmaxLabels(spec).indexOf(l))] = 1;
  }
  return out;
}

/**
 * The task a label map suggests: the BraTS regions when it holds more than one tumour label, a
 * binary lesion when it holds one (a lesion mask saved as 0/1), the regions otherwise.
 */
export function defaultTask(studioValues: number[]): Task {
  const tumour = studioValues.filter((v) => v > 0);
  return tumour.length === 1 ? 'binary' : 'regions';
}
