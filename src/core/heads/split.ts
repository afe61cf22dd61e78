/**
 * Training and validation slices of one case, in contiguous blocks: neighbouring slices look
 * alike, so interleaving them would make validation a copy of training. A gap of `gap` slices on
 * each side of the validation block is used for neither.
 */
import { extractSlice, type SliceGeometry } from '../features/slices.ts';
import { mulberry32 } from '../synthetic/random.ts';

export interface Split {
  train: number[];
  validation: number[];
  /** Whether a slice lies outside the validation block and its gaps, so it may train. */
  mayTrain: (slice: number) => boolean;
}

export function splitSlices(slices: number[], options: { validation: number; seed: number; gap?: number }): Split {
  const sorted = [...slices].sort((a, b) => a - b);
  const n = Math.max(1, Math.round(sorted.length * options.validation));
  const gap = options.gap ?? 2;
  const start = Math.floor(mulberry32(options.seed)() * Math.max(1, sorted.length - n + 1));
  const validation = sorted.slice(start, start + n);
  const [lo, hi] = [validation[0], validation[validation.length - 1]];
  const mayTrain = (s: number) => s < lo - gap || s > hi + gap;
  return { train: sorted.filter(mayTrain), validation, mayTrain };
}

export interface SamplingOptions {
  /** Keep every n-th slice without tumour (default 4), so healthy tissue is seen without drowning small classes. */
  healthyEvery?: number;
  /** Repeat each slice with tumour this many times an epoch (default 1). */
  oversampleTumour?: number;
}

/** The slices an epoch trains on, from slices with and without tumour. */
export function trainingSchedule(tumour: number[], healthy: number[], o: SamplingOptions = {}): number[] {
  const every = Math.max(1, o.healthyEvery ?? 4);
  const times = Math.max(1, Math.round(o.oversampleTumour ?? 1));
  return [...tumour.flatMap((k) => Array<number>(times).fill(k)), ...healthy.filter((_, i) => i % every === 0)];
}

/** Whether slice k of a studio label map holds any tumour label. */
export function sliceHasTumour(labels: Uint8Array, g: SliceGeometry, k: number): boolean {
  return extractSlice(labels, g, k).some((l) => l > 0);
}
