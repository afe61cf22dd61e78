/**
 * 3-D filters on canonical volumes (x fastest): separable Gaussian smoothing in millimetres,
 * smoothing normalised by a mask, and gradient magnitude. Cheap enough to run once per case
 * (a few seconds for 240 x 240 x 155 in JavaScript), which is what per-voxel head inputs need.
 */
import type { Dims3 } from '../geometry/orientation.ts';

/** Normalised 1-D Gaussian taps for sigma in voxels, radius ceil(3 sigma). */
export function gaussianKernel(sigma: number): Float32Array {
  if (sigma <= 0) return Float32Array.of(1);
  const radius = Math.max(1, Math.ceil(3 * sigma));
  const k = new Float32Array(2 * radius + 1);
  let sum = 0;
  for (let i = -radius; i <= radius; i++) sum += k[i + radius] = Math.exp((-i * i) / (2 * sigma * sigma));
  for (let i = 0; i < k.length; i++) k[i] /= sum;
  return k;
}

/** One axis of a separable convolution, zero outside the volume. */
function convolveAxis(src: Float32Array, dims: Dims3, axis: 0 | 1 | 2, kernel: Float32Array): Float32Array {
  const [nx, ny, nz] = dims;
  const stride = axis === 0 ? 1 : axis === 1 ? nx : nx * ny;
  const n = dims[axis];
  const r = (kernel.length - 1) / 2;
  const out = new Float32Array(src.length);
  const line = new Float32Array(n);
  // Every line along the axis: start offsets are all voxels whose coordinate on the axis is 0.
  const lines = (nx * ny * nz) / n;
  for (let l = 0; l < lines; l++) {
    let start: number;
    if (axis === 0) start = l * nx;
    else if (axis === 1) start = (l % nx) + Math.floor(l / nx) * nx * ny;
    else start = l;
    for (let i = 0; i < n; i++) line[i] = src[start + i * stride];
    for (let i = 0; i < n; i++) {
      let s = 0;
      const lo = Math.max(0, i - r);
      const hi = Math.min(n - 1, i + r);
      for (let j = lo; j <= hi; j++) s += line[j] * kernel[j - i + r];
      out[start + i * stride] = s;
    }
  }
  return out;
}

/**
 * Widths of three box filters whose succession has variance sigma^2 (Kovesi, "Fast almost-Gaussian
 * filtering", 2010): cost per voxel independent of sigma, for the wide scales.
 */
export function boxWidths(sigma: number, n = 3): number[] {
  const ideal = Math.sqrt((12 * sigma * sigma) / n + 1);
  let wl = Math.floor(ideal);
  if (wl % 2 === 0) wl--;
  const wu = wl + 2;
  const m = Math.round((12 * sigma * sigma - n * wl * wl - 4 * n * wl - 3 * n) / (-4 * wl - 4));
  return Array.from({ length: n }, (_, i) => (i < m ? wl : wu));
}

/** A running-sum box filter of odd width along one axis, zero outside the volume. */
function boxAxis(src: Float32Array, dims: Dims3, axis: 0 | 1 | 2, width: number): Float32Array {
  const [nx, ny, nz] = dims;
  const stride = axis === 0 ? 1 : axis === 1 ? nx : nx * ny;
  const n = dims[axis];
  const r = (width - 1) / 2;
  const out = new Float32Array(src.length);
  const line = new Float64Array(n + 1);
  const lines = (nx * ny * nz) / n;
  for (let l = 0; l < lines; l++) {
    const start = axis === 0 ? l * nx : axis === 1 ? (l % nx) + Math.floor(l / nx) * nx * ny : l;
    // prefix sums, then each output is one difference
    for (let i = 0; i < n; i++) line[i + 1] = line[i] + src[start + i * stride];
    for (let i = 0; i < n; i++) out[start + i * stride] = (line[Math.min(n, i + r + 1)] - line[Math.max(0, i - r)]) / width;
  }
  return out;
}

/** Gaussian smoothing with sigma in mm (per-axis voxels from the spacing); three boxes past 2 voxels. */
export function gaussianSmooth(src: Float32Array, dims: Dims3, spacing: Dims3, sigmaMm: number): Float32Array {
  let out = src;
  for (const axis of [0, 1, 2] as const) {
    const sigma = sigmaMm / spacing[axis];
    if (sigma > 2) for (const w of boxWidths(sigma)) out = boxAxis(out, dims, axis, w);
    else out = convolveAxis(out, dims, axis, gaussianKernel(sigma));
  }
  return out === src ? Float32Array.from(src) : out;
}

/**
 * Smoothing that ignores voxels outside the mask (normalised convolution, Knutsson & Westin):
 * G(v m) / G(m) inside the mask, 0 outside. Near the brain's edge a plain Gaussian would mix in
 * the black background and make every border look like a dark lesion.
 */
export function maskedSmooth(src: Float32Array, mask: Uint8Array, dims: Dims3, spacing: Dims3, sigmaMm: number, smoothedMask?: Float32Array): Float32Array {
  const masked = new Float32Array(src.length);
  for (let i = 0; i < src.length; i++) masked[i] = mask[i] ? src[i] : 0;
  const num = gaussianSmooth(masked, dims, spacing, sigmaMm);
  const den = smoothedMask ?? gaussianSmooth(Float32Array.from(mask), dims, spacing, sigmaMm);
  for (let i = 0; i < num.length; i++) num[i] = mask[i] && den[i] > 1e-6 ? num[i] / den[i] : 0;
  return num;
}

/** |grad v| in units per mm, central differences (one-sided at the volume's faces). */
export function gradientMagnitude(v: Float32Array, dims: Dims3, spacing: Dims3): Float32Array {
  const [nx, ny, nz] = dims;
  const out = new Float32Array(v.length);
  const strides = [1, nx, nx * ny];
  for (let z = 0; z < nz; z++) {
    for (let y = 0; y < ny; y++) {
      for (let x = 0; x < nx; x++) {
        const i = x + nx * (y + ny * z);
        const coord = [x, y, z];
        let s = 0;
        for (let a = 0; a < 3; a++) {
          const lo = coord[a] > 0 ? i - strides[a] : i;
          const hi = coord[a] < dims[a] - 1 ? i + strides[a] : i;
          const span = ((hi - lo) / strides[a]) * spacing[a];
          const d = span > 0 ? (v[hi] - v[lo]) / span : 0;
          s += d * d;
        }
        out[i] = Math.sqrt(s);
      }
    }
  }
  return out;
}

/**
 * The volume mirrored left-right about the plane x = centre (in voxels): in the canonical RAS+
 * grid x is the patient's left-right axis, so this compares each voxel with its contralateral
 * twin, the cue radiologists use to spot a lesion in one hemisphere.
 */
export function mirrorX(v: Float32Array, dims: Dims3, centre: number): Float32Array {
  const [nx, ny, nz] = dims;
  const out = new Float32Array(v.length);
  for (let x = 0; x < nx; x++) {
    const m = Math.round(2 * centre - x);
    if (m < 0 || m >= nx) continue;
    for (let yz = 0; yz < ny * nz; yz++) out[x + nx * yz] = v[m + nx * yz];
  }
  return out;
}

/** Mean x of the mask's voxels: the brain's left-right centre. */
export function maskCentreX(mask: Uint8Array, dims: Dims3): number {
  const nx = dims[0];
  let sum = 0;
  let n = 0;
  for (let i = 0; i < mask.length; i++) {
    if (mask[i]) {
      sum += i % nx;
      n++;
    }
  }
  return n ? sum / n : (nx - 1) / 2;
}

