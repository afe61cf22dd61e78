/**
 * 95th-percentile Hausdorff distance in millimetres between two 3-D masks, over their surface
 * voxels (a voxel of the mask with a 6-neighbour outside it), as BraTS reports it: the 95th
 * percentile of the directed surface distances pooled from both directions.
 * Conventions: both empty -> 0; exactly one empty -> Infinity (callers show "n/a"; BraTS
 * substitutes 373.13 mm, the diagonal of its grid).
 */
import type { Dims3 } from '../geometry/orientation.ts';

function surface(mask: ArrayLike<number>, dims: Dims3): number[] {
  const [nx, ny, nz] = dims;
  const out: number[] = [];
  for (let z = 0; z < nz; z++)
    for (let y = 0; y < ny; y++)
      for (let x = 0; x < nx; x++) {
        const i = x + nx * (y + ny * z);
        if (!mask[i]) continue;
        const edge =
          x === 0 || x === nx - 1 || y === 0 || y === ny - 1 || z === 0 || z === nz - 1 ||
          !mask[i - 1] || !mask[i + 1] || !mask[i - nx] || !mask[i + nx] || !mask[i - nx * ny] || !mask[i + nx * ny];
        if (edge) out.push(i);
      }
  return out;
}

/**
 * Exact Euclidean distance (mm) from every voxel to the nearest voxel of `points`, by three 1-D
 * passes of the Felzenszwalb-Huttenlocher lower-envelope transform on squared distances.
 */
function distanceTo(points: number[], dims: Dims3, spacing: Dims3): Float64Array {
  const n = dims[0] * dims[1] * dims[2];
  const d = new Float64Array(n).fill(Infinity);
  for (const p of points) d[p] = 0;
  const strides = [1, dims[0], dims[0] * dims[1]];
  for (let axis = 0; axis < 3; axis++) {
    const len = dims[axis];
    const w = spacing[axis] ** 2;
    const f = new Float64Array(len);
    const v = new Int32Array(len);
    const zb = new Float64Array(len + 1);
    const others = [0, 1, 2].filter((a) => a !== axis);
    for (let a = 0; a < dims[others[0]]; a++) {
      for (let b = 0; b < dims[others[1]]; b++) {
        const base = a * strides[others[0]] + b * strides[others[1]];
        for (let i = 0; i < len; i++) f[i] = d[base + i * strides[axis]];
        let k = 0;
        let first = -1;
        for (let q = 0; q < len; q++) {
          if (f[q] === Infinity) continue;
          if (first < 0) {
            first = q;
            v[0] = q;
            zb[0] = -Infinity;
            zb[1] = Infinity;
            k = 0;
            continue;
          }
          let s: number;
          for (;;) {
            const r = v[k];
            s = (f[q] + w * q * q - (f[r] + w * r * r)) / (2 * w * (q - r));
            if (s <= zb[k] && k > 0) k--;
            else break;
          }
          if (s <= zb[k]) {
            v[k] = q;
          } else {
            k++;
            v[k] = q;
            zb[k] = s;
          }
          zb[k + 1] = Infinity;
        }
        if (first < 0) continue;
        k = 0;
        for (let q = 0; q < len; q++) {
          while (zb[k + 1] < q) k++;
          const r = v[k];
          d[base + q * strides[axis]] = w * (q - r) ** 2 + f[r];
        }
      }
    }
  }
  return d.map(Math.sqrt);
}

function percentile95(values: number[]): number {
  const sorted = Float64Array.from(values).sort();
  const pos = (sorted.length - 1) * 0.95;
  const lo = Math.floor(pos);
  const hi = Math.min(lo + 1, sorted.length - 1);
  return sorted[lo] + (sorted[hi] - sorted[lo]) * (pos - lo);
}

export function hausdorff95(prediction: ArrayLike<number>, truth: ArrayLike<number>, dims: Dims3, spacing: Dims3 = [1, 1, 1]): number {
  const sp = surface(prediction, dims);
  const st = surface(truth, dims);
  if (sp.length === 0 && st.length === 0) return 0;
  if (sp.length === 0 || st.length === 0) return Infinity;
  const toTruth = distanceTo(st, dims, spacing);
  const toPrediction = distanceTo(sp, dims, spacing);
  return percentile95([...sp.map((i) => toTruth[i]), ...st.map((i) => toPrediction[i])]);
}
