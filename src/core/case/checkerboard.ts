/**
 * Two sequences interleaved in 3-D blocks, each scaled to its own 99th percentile: where they
 * line up, edges run straight across the block borders; where one moved, they break there. The
 * visual check of an alignment, as registration tools show it.
 */
import type { Dims3 } from '../geometry/orientation.ts';
import type { BratsCase } from './case.ts';
import { exportFile } from './exportGrid.ts';
import { MODALITIES, type Modality } from './roles.ts';

/** The value under which 99 % of the non-zero voxels lie (a sample of them), so a few bright voxels do not set the scale. */
export function percentile99(v: Float32Array): number {
  const step = Math.max(1, Math.floor(v.length / 200_000));
  const sample: number[] = [];
  for (let i = 0; i < v.length; i += step) if (v[i] > 0) sample.push(v[i]);
  if (!sample.length) return 1;
  sample.sort((a, b) => a - b);
  return sample[Math.min(sample.length - 1, Math.floor(sample.length * 0.99))] || 1;
}

/** a in the blocks whose indices sum to an even number, b in the others; blocks of `blockMm` on each axis. */
export function checkerboard(a: Float32Array, b: Float32Array, dims: Dims3, spacing: Dims3, blockMm = 16): Float32Array {
  const [nx, ny, nz] = dims;
  const [sa, sb] = [1 / percentile99(a), 1 / percentile99(b)];
  const block = spacing.map((s) => Math.max(1, Math.round(blockMm / s)));
  const out = new Float32Array(a.length);
  for (let z = 0; z < nz; z++) {
    const bz = Math.floor(z / block[2]);
    for (let y = 0; y < ny; y++) {
      const byz = bz + Math.floor(y / block[1]);
      const row = nx * (y + ny * z);
      for (let x = 0; x < nx; x++) {
        const i = row + x;
        out[i] = (byz + Math.floor(x / block[0])) % 2 === 0 ? Math.min(1, a[i] * sa) : Math.min(1, b[i] * sb);
      }
    }
  }
  return out;
}

/** A sequence of the case against the sequence whose grid the case is on (the first present on an isotropic grid); null when it is that one. */
export function caseCheckerboard(c: BratsCase, moving: Modality): Float32Array | null {
  const fixed = (exportFile(c)?.role as Modality | undefined) ?? MODALITIES.find((m) => c.modalities[m])!;
  const [a, b] = [c.modalities[fixed], c.modalities[moving]];
  if (!a || !b || fixed === moving) return null;
  return checkerboard(a.data, b.data, a.dims, a.spacing);
}
