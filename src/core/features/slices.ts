/**
 * 2-D slices of a canonical (RAS+) volume and their exact placement in DINOv2's square input.
 *
 * Slices, rows top to bottom and columns left to right:
 *   axial    (z = k): rows anterior -> posterior (y descending), columns x ascending
 *   coronal  (y = k): rows superior -> inferior (z descending), columns x ascending
 *   sagittal (x = k): rows superior -> inferior (z descending), columns y ascending
 * A slice is scaled by one factor per millimetre (aspect kept) so its longer side fills the input,
 * and centred; the rest is background. Coordinates below are "edge" coordinates: voxel r covers
 * [r, r + 1) of the slice, input pixel u covers [u, u + 1) of the input, patch p covers
 * [14p, 14p + 14). Every map is a closed form, so predictions return to voxels without shift.
 */
import type { Dims3 } from '../geometry/orientation.ts';
import { PATCH_SIZE } from '../models/dinov2/constants.ts';

export type Plane = 'axial' | 'coronal' | 'sagittal';
export const PLANES: Plane[] = ['axial', 'coronal', 'sagittal'];

export interface SliceGeometry {
  plane: Plane;
  dims: Dims3;
  rows: number;
  cols: number;
  /** Number of slices along the plane's normal. */
  count: number;
  /** Input side in pixels, a multiple of the patch size. */
  size: number;
  /** Input pixels per voxel along rows and columns. */
  scaleR: number;
  scaleC: number;
  /** Where the slice starts in the input, in pixels. */
  offR: number;
  offC: number;
  /** Patches per side. */
  grid: number;
}

export function sliceGeometry(dims: Dims3, spacing: Dims3, plane: Plane, size: number): SliceGeometry {
  if (size % PATCH_SIZE !== 0) throw new Error(`input size ${size} is not a multiple of ${PATCH_SIZE}`);
  const [nx, ny, nz] = dims;
  const [sx, sy, sz] = spacing;
  const [rows, cols, count, spR, spC] =
    plane === 'axial' ? [ny, nx, nz, sy, sx] : plane === 'coronal' ? [nz, nx, ny, sz, sx] : [nz, ny, nx, sz, sy];
  const pxPerMm = size / Math.max(rows * spR, cols * spC);
  const scaleR = pxPerMm * spR;
  const scaleC = pxPerMm * spC;
  return { plane, dims, rows, cols, count, size, scaleR, scaleC, offR: (size - rows * scaleR) / 2, offC: (size - cols * scaleC) / 2, grid: size / PATCH_SIZE };
}

/** The voxel axis a plane's slices are counted along (x for sagittal, y for coronal, z for axial). */
export function normalAxis(plane: Plane): 0 | 1 | 2 {
  return plane === 'sagittal' ? 0 : plane === 'coronal' ? 1 : 2;
}

/** Linear index (x fastest) of slice k's voxel at row r, column c. */
export function voxelIndex(g: SliceGeometry, k: number, r: number, c: number): number {
  const [nx, ny, nz] = g.dims;
  switch (g.plane) {
    case 'axial':
      return c + nx * (ny - 1 - r + ny * k);
    case 'coronal':
      return c + nx * (k + ny * (nz - 1 - r));
    case 'sagittal':
      return k + nx * (c + ny * (nz - 1 - r));
  }
}

/** The inverse of voxelIndex: [slice, row, column] of a linear voxel index. */
export function sliceCoordinates(g: SliceGeometry, i: number): [number, number, number] {
  const [nx, ny, nz] = g.dims;
  const x = i % nx;
  const y = Math.floor(i / nx) % ny;
  const z = Math.floor(i / (nx * ny));
  switch (g.plane) {
    case 'axial':
      return [z, ny - 1 - y, x];
    case 'coronal':
      return [y, nz - 1 - z, x];
    case 'sagittal':
      return [x, nz - 1 - z, y];
  }
}

/** Slice k as a rows x cols image (row-major). */
export function extractSlice<T extends Float32Array | Uint8Array>(data: T, g: SliceGeometry, k: number): T {
  const out = new (data.constructor as new (n: number) => T)(g.rows * g.cols);
  for (let r = 0; r < g.rows; r++) for (let c = 0; c < g.cols; c++) out[r * g.cols + c] = data[voxelIndex(g, k, r, c)];
  return out;
}

/** Input pixel (edge coordinates) of a voxel's centre. */
export function voxelCentreInInput(g: SliceGeometry, r: number, c: number): [number, number] {
  return [(r + 0.5) * g.scaleR + g.offR, (c + 0.5) * g.scaleC + g.offC];
}

/** The voxel an input point falls in, or null in the padding. */
export function voxelAtInput(g: SliceGeometry, u: number, v: number): [number, number] | null {
  const r = Math.floor((u - g.offR) / g.scaleR);
  const c = Math.floor((v - g.offC) / g.scaleC);
  return r >= 0 && r < g.rows && c >= 0 && c < g.cols ? [r, c] : null;
}

/** The patch cell a voxel's centre falls in. */
export function patchOfVoxel(g: SliceGeometry, r: number, c: number): [number, number] {
  const [u, v] = voxelCentreInInput(g, r, c);
  return [Math.floor(u / PATCH_SIZE), Math.floor(v / PATCH_SIZE)];
}

/** Per-axis bilinear taps (align_corners = false), -1 marks a sample outside the slice. */
function taps(n: number, scale: number, off: number, size: number): { i0: Int32Array; i1: Int32Array; w: Float32Array } {
  const i0 = new Int32Array(size);
  const i1 = new Int32Array(size);
  const w = new Float32Array(size);
  for (let u = 0; u < size; u++) {
    const t = (u + 0.5 - off) / scale; // edge coordinate in the slice
    if (t < 0 || t > n) {
      i0[u] = i1[u] = -1;
      continue;
    }
    const s = Math.min(Math.max(t - 0.5, 0), n - 1); // centre coordinate, clamped to the slice
    const lo = Math.floor(s);
    i0[u] = lo;
    i1[u] = Math.min(lo + 1, n - 1);
    w[u] = s - lo;
  }
  return { i0, i1, w };
}

/** The slice resampled into the size x size input; `background` fills the padding. */
export function resampleSlice(slice: Float32Array, g: SliceGeometry, background: number): Float32Array {
  const R = taps(g.rows, g.scaleR, g.offR, g.size);
  const C = taps(g.cols, g.scaleC, g.offC, g.size);
  const out = new Float32Array(g.size * g.size).fill(background);
  for (let u = 0; u < g.size; u++) {
    if (R.i0[u] < 0) continue;
    const a = R.i0[u] * g.cols;
    const b = R.i1[u] * g.cols;
    const wr = R.w[u];
    for (let v = 0; v < g.size; v++) {
      if (C.i0[v] < 0) continue;
      const wc = C.w[v];
      const top = slice[a + C.i0[v]] * (1 - wc) + slice[a + C.i1[v]] * wc;
      const bottom = slice[b + C.i0[v]] * (1 - wc) + slice[b + C.i1[v]] * wc;
      out[u * g.size + v] = top * (1 - wr) + bottom * wr;
    }
  }
  return out;
}
