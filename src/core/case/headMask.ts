/**
 * Tissue told from air on a scan as the scanner wrote it (skull on, noise in the air): the
 * studio's normalisation and voxel inputs read "non-zero voxels" as the brain, which holds for
 * skull-stripped cases (BraTS: ~15 % of the grid non-zero) and not for raw ones (~90-97 %).
 * Otsu's threshold on the sequences together, the largest component, its holes filled: the
 * head mask FSL's bet and MONAI's foreground cropping start from.
 */
import type { Dims3 } from '../geometry/orientation.ts';
import { connectedComponents, fillMaskHoles } from '../postprocess/postprocess.ts';

/** Non-zero voxels covering more of the grid than this are no mask: the air around the head is not zero. */
export const NONZERO_IS_NOT_A_MASK = 0.6;

const BINS = 256;

export function nonZeroFraction(volumes: Float32Array[]): number {
  const any = new Uint8Array(volumes[0].length);
  for (const v of volumes) for (let i = 0; i < v.length; i++) if (v[i] !== 0) any[i] = 1;
  let count = 0;
  for (let i = 0; i < any.length; i++) count += any[i];
  return count / any.length;
}

/** The 99th percentile of the positive values, from a histogram (exact to 1/4096 of the range). */
function robustMax(v: Float32Array): number {
  let max = 0;
  for (let i = 0; i < v.length; i++) if (v[i] > max) max = v[i];
  if (!(max > 0)) return 1;
  const hist = new Uint32Array(4096);
  let n = 0;
  for (let i = 0; i < v.length; i++) if (v[i] > 0) (hist[Math.min(4095, Math.floor((v[i] / max) * 4096))]++, n++);
  let seen = 0;
  for (let b = 0; b < 4096; b++) if ((seen += hist[b]) >= 0.99 * n) return ((b + 1) / 4096) * max;
  return max;
}

/** Otsu's threshold of values in [0, 1]: the cut that maximises the between-class variance. */
export function otsuThreshold(values: Float32Array): number {
  const hist = new Float64Array(BINS);
  for (let i = 0; i < values.length; i++) hist[Math.min(BINS - 1, Math.max(0, Math.floor(values[i] * BINS)))]++;
  const total = values.length;
  let sumAll = 0;
  for (let b = 0; b < BINS; b++) sumAll += b * hist[b];
  let [w0, sum0, best, cut] = [0, 0, -1, 0];
  for (let b = 0; b < BINS - 1; b++) {
    w0 += hist[b];
    sum0 += b * hist[b];
    const w1 = total - w0;
    if (w0 === 0 || w1 === 0) continue;
    const between = w0 * w1 * (sum0 / w0 - (sumAll - sum0) / w1) ** 2;
    if (between > best) [best, cut] = [between, b];
  }
  return (cut + 1) / BINS;
}

/** The head: voxels above Otsu's threshold of the sequences' mean (each scaled by its 99th percentile), largest component, holes filled. */
export function headMask(volumes: Float32Array[], dims: Dims3): Uint8Array {
  const n = volumes[0].length;
  const mean = new Float32Array(n);
  for (const v of volumes) {
    const scale = 1 / (robustMax(v) * volumes.length);
    for (let i = 0; i < n; i++) mean[i] += Math.min(Math.max(v[i], 0) * scale, 1 / volumes.length);
  }
  const t = otsuThreshold(mean);
  const above = new Uint8Array(n);
  for (let i = 0; i < n; i++) above[i] = mean[i] >= t ? 1 : 0;
  const { labels, sizes } = connectedComponents(above, dims);
  let largest = 1;
  for (let id = 2; id < sizes.length; id++) if (sizes[id] > sizes[largest]) largest = id;
  const head = new Uint8Array(n);
  for (let i = 0; i < n; i++) head[i] = labels[i] === largest ? 1 : 0;
  return fillMaskHoles(head, dims, [2]);
}

/** What the user is told when a case got a head mask: how tissue was found, and what does not transfer. */
export function headMaskNote(mask: Uint8Array): string {
  let n = 0;
  for (let i = 0; i < mask.length; i++) n += mask[i];
  return (
    `No brain mask, and the air around the head is not zero (a scan with skull on): tissue is told from air by a head mask ` +
    `(Otsu's threshold, largest component; ${Math.round((100 * n) / mask.length)} % of the grid), and intensities are normalised within it. ` +
    'Heads trained on skull-stripped cases (BraTS) never saw skull and scalp: applied here they meet a domain shift. Scribbles on this case train on this case.'
  );
}
