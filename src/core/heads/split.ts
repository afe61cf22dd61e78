/**
 * Training and validation slices of one case, in contiguous blocks: neighbouring slices look
 * alike, so interleaving them would make validation a copy of training. A gap of `gap` slices on
 * each side of the validation block is used for neither.
 */
import { mulberry32 } from '../synthetic/random.ts';

export function splitSlices(slices: number[], options: { validation: number; seed: number; gap?: number }): { train: number[]; validation: number[] } {
  const sorted = [...slices].sort((a, b) => a - b);
  const n = Math.max(1, Math.round(sorted.length * options.validation));
  const gap = options.gap ?? 2;
  const start = Math.floor(mulberry32(options.seed)() * Math.max(1, sorted.length - n + 1));
  const validation = sorted.slice(start, start + n);
  const [lo, hi] = [validation[0], validation[validation.length - 1]];
  const train = sorted.filter((s) => s < lo - gap || s > hi + gap);
  return { train, validation };
}
