/**
 * Reading a volume too large for a browser tab at a coarser grid: blocks of f x f x f voxels
 * become one, averaged for images and by majority for label maps, decoded slab by slab so the
 * full-resolution float32 volume never exists.
 */
import type { Affine } from '../geometry/affine.ts';
import { multiply } from '../geometry/affine.ts';
import { type DatatypeCode, decodeVoxels, NIFTI_TYPES } from './datatypes.ts';

export interface StoredVoxels {
  view: DataView;
  offset: number;
  dims: [number, number, number];
  datatype: DatatypeCode;
  littleEndian: boolean;
  slope: number;
  inter: number;
}

export function downsampledDims(dims: [number, number, number], f: number): [number, number, number] {
  return dims.map((d) => Math.ceil(d / f)) as [number, number, number];
}

/** Voxel (i, j, k) of the coarse grid is the centre of the block f*i .. f*i + f - 1 of the fine one. */
export function downsampledAffine(a: Affine, f: number): Affine {
  const c = (f - 1) / 2;
  return multiply(a, [f, 0, 0, c, 0, f, 0, c, 0, 0, f, c, 0, 0, 0, 1]);
}

/** The smallest integer factor that brings `voxels` to at most `max`. */
export function factorFor(dims: [number, number, number], max: number): number {
  let f = 2;
  while (downsampledDims(dims, f).reduce((a, b) => a * b, 1) > max) f++;
  return f;
}

export function decodeDownsampled(src: StoredVoxels, f: number, labels: boolean): Float32Array {
  const [nx, ny, nz] = src.dims;
  const [ox, oy, oz] = downsampledDims(src.dims, f);
  const sliceBytes = nx * ny * NIFTI_TYPES[src.datatype].bytes;
  const out = new Float32Array(ox * oy * oz);
  const slab: ArrayLike<number>[] = [];
  const block: number[] = [];
  for (let kz = 0; kz < oz; kz++) {
    slab.length = 0;
    for (let z = kz * f; z < Math.min(nz, kz * f + f); z++) slab.push(decodeVoxels(src.view, src.offset + z * sliceBytes, nx * ny, src.datatype, src.littleEndian));
    for (let jy = 0; jy < oy; jy++) {
      for (let ix = 0; ix < ox; ix++) {
        block.length = 0;
        for (const slice of slab) {
          for (let y = jy * f; y < Math.min(ny, jy * f + f); y++) {
            for (let x = ix * f; x < Math.min(nx, ix * f + f); x++) block.push(slice[y * nx + x] * src.slope + src.inter);
          }
        }
        out[(kz * oy + jy) * ox + ix] = labels ? majority(block) : finiteMean(block);
      }
    }
  }
  return out;
}

function finiteMean(values: number[]): number {
  let sum = 0;
  let n = 0;
  for (const v of values) {
    if (Number.isFinite(v)) {
      sum += v;
      n++;
    }
  }
  return n ? sum / n : NaN;
}

/** The most frequent label; a tie goes to the larger label, so a small structure is not the one lost. */
function majority(values: number[]): number {
  const counts = new Map<number, number>();
  for (const v of values) counts.set(v, (counts.get(v) ?? 0) + 1);
  let best = values[0];
  let bestCount = 0;
  for (const [v, c] of counts) if (c > bestCount || (c === bestCount && v > best)) [best, bestCount] = [v, c];
  return best;
}
