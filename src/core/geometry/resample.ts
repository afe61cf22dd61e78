/**
 * Resampling one voxel grid onto another through world coordinates: how sequences acquired on
 * different grids (tilted, anisotropic, another field of view) become one case. Trilinear for
 * images, nearest for label maps, as ITK, ANTs and MONAI's Spacingd do.
 */
import { type Affine, invertAffine, multiply } from './affine.ts';
import type { Dims3 } from './orientation.ts';

export interface Grid {
  dims: Dims3;
  /** Voxel to world (mm), row-major 4x4. */
  affine: Affine;
}

export type Interpolation = 'linear' | 'nearest';

/**
 * Values of `source` at the centres of `target`'s voxels. A centre inside the source's field of
 * view (within half a voxel of its outer centres) is sampled, with the edge values carried to the
 * half-voxel border; one outside it is 0, no data.
 */
export function resample(source: Grid & { data: ArrayLike<number> }, target: Grid, interpolation: Interpolation): Float32Array {
  const [nx, ny, nz] = target.dims;
  const [sx, sy, sz] = source.dims;
  const out = new Float32Array(nx * ny * nz);
  // Target voxel to source voxel in one matrix; each step along x adds its first column.
  const m = multiply(invertAffine(source.affine), target.affine);
  const src = source.data;
  const sxy = sx * sy;
  const inside = (c: number, n: number) => c >= -0.5 && c <= n - 0.5;
  const clamp = (c: number, n: number) => (c < 0 ? 0 : c > n - 1 ? n - 1 : c);
  let o = 0;
  for (let k = 0; k < nz; k++) {
    for (let j = 0; j < ny; j++) {
      let x = m[1] * j + m[2] * k + m[3];
      let y = m[5] * j + m[6] * k + m[7];
      let z = m[9] * j + m[10] * k + m[11];
      for (let i = 0; i < nx; i++, o++, x += m[0], y += m[4], z += m[8]) {
        if (!inside(x, sx) || !inside(y, sy) || !inside(z, sz)) continue;
        const cx = clamp(x, sx);
        const cy = clamp(y, sy);
        const cz = clamp(z, sz);
        if (interpolation === 'nearest') {
          out[o] = src[Math.round(cx) + Math.round(cy) * sx + Math.round(cz) * sxy];
          continue;
        }
        const x0 = Math.min(Math.floor(cx), sx - 2 < 0 ? 0 : sx - 2);
        const y0 = Math.min(Math.floor(cy), sy - 2 < 0 ? 0 : sy - 2);
        const z0 = Math.min(Math.floor(cz), sz - 2 < 0 ? 0 : sz - 2);
        const fx = sx > 1 ? cx - x0 : 0;
        const fy = sy > 1 ? cy - y0 : 0;
        const fz = sz > 1 ? cz - z0 : 0;
        const dx = sx > 1 ? 1 : 0;
        const dy = sy > 1 ? sx : 0;
        const dz = sz > 1 ? sxy : 0;
        const b = x0 + y0 * sx + z0 * sxy;
        const c00 = src[b] * (1 - fx) + src[b + dx] * fx;
        const c10 = src[b + dy] * (1 - fx) + src[b + dy + dx] * fx;
        const c01 = src[b + dz] * (1 - fx) + src[b + dz + dx] * fx;
        const c11 = src[b + dz + dy] * (1 - fx) + src[b + dz + dy + dx] * fx;
        out[o] = (c00 * (1 - fy) + c10 * fy) * (1 - fz) + (c01 * (1 - fy) + c11 * fy) * fz;
      }
    }
  }
  return out;
}

/**
 * An isotropic grid of `spacing` mm over a grid's field of view, along the same axes (so a
 * tilted reference gives a tilted isotropic grid): its outer voxel faces are the reference's.
 */
export function isotropicGrid(reference: Grid, spacing: number): Grid {
  const a = reference.affine;
  const lengths = [0, 1, 2].map((c) => Math.hypot(a[c], a[4 + c], a[8 + c]));
  const dims = lengths.map((l, c) => Math.max(1, Math.round((reference.dims[c] * l) / spacing))) as Dims3;
  const rows = [0, 1, 2].map((r) => {
    const axes = [0, 1, 2].map((c) => (a[r * 4 + c] / lengths[c]) * spacing);
    // World position of the reference's corner (voxel -0.5), then half a new voxel inwards.
    const corner = a[r * 4 + 3] - 0.5 * (a[r * 4] + a[r * 4 + 1] + a[r * 4 + 2]);
    return [...axes, corner + 0.5 * (axes[0] + axes[1] + axes[2])];
  });
  return { dims, affine: [...rows[0], ...rows[1], ...rows[2], 0, 0, 0, 1] };
}

/** Whether two grids' fields of view meet in the world (their boxes of voxel centres, within half a voxel). */
export function gridsOverlap(a: Grid, b: Grid): boolean {
  const m = multiply(invertAffine(a.affine), b.affine);
  // b's eight corners in a's voxel space; their bounding box against a's.
  const lo = [Infinity, Infinity, Infinity];
  const hi = [-Infinity, -Infinity, -Infinity];
  for (const i of [-0.5, b.dims[0] - 0.5])
    for (const j of [-0.5, b.dims[1] - 0.5])
      for (const k of [-0.5, b.dims[2] - 0.5])
        for (let r = 0; r < 3; r++) {
          const v = m[r * 4] * i + m[r * 4 + 1] * j + m[r * 4 + 2] * k + m[r * 4 + 3];
          lo[r] = Math.min(lo[r], v);
          hi[r] = Math.max(hi[r], v);
        }
  return [0, 1, 2].every((r) => hi[r] > -0.5 && lo[r] < a.dims[r] - 0.5);
}
