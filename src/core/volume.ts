import { type Affine, affineDistance, voxelSpacing } from './geometry/affine.ts';
import {
  canonicalAffine,
  canonicalDims,
  canonicalReorientation,
  type Dims3,
  fromCanonical,
  type Reorientation,
  toCanonical,
} from './geometry/orientation.ts';
import type { DatatypeCode } from './nifti/datatypes.ts';
import type { NiftiHeader } from './nifti/header.ts';
import { type ReadOptions, readNifti } from './nifti/read.ts';
import { writeNifti } from './nifti/write.ts';

/**
 * A 3D scalar volume on the canonical RAS+ grid: voxel index x grows towards the patient's right,
 * y towards anterior, z towards superior, so axial slice k is the same place in every modality.
 * `source` remembers the file's own grid for exports.
 */
export interface Volume {
  name: string;
  dims: Dims3;
  spacing: Dims3;
  affine: Affine;
  /** Values, x fastest, then y, then z. */
  data: Float32Array;
  source: { header: NiftiHeader; reorientation: Reorientation };
  /** Voxels stored as NaN or ±Inf, read as 0 (no data); absent when there were none. */
  nonFinite?: number;
  /** Why the geometry came from a lesser transform of the header (see readNifti); absent when the best one was usable. */
  affineNote?: string;
}

export function voxelCount(dims: Dims3): number {
  return dims[0] * dims[1] * dims[2];
}

/** Reads a .nii/.nii.gz and brings it to the canonical grid. The one reader of the studio. */
export function loadVolume(bytes: Uint8Array, name: string, options: ReadOptions = {}): Volume {
  const image = readNifti(bytes, options);
  const reorientation = canonicalReorientation(image.affine, image.dims);
  const affine = canonicalAffine(image.affine, reorientation);
  const data = toCanonical(image.data, reorientation);
  // Registration and skull-stripping tools write NaN outside the brain. One NaN would make every
  // mean, z-score and loss NaN downstream, so they are read as no data, and the user is told.
  let nonFinite = 0;
  for (let i = 0; i < data.length; i++) {
    if (!Number.isFinite(data[i])) {
      data[i] = 0;
      nonFinite++;
    }
  }
  return {
    name,
    dims: canonicalDims(reorientation),
    spacing: voxelSpacing(affine),
    affine,
    data,
    source: { header: image.header, reorientation },
    ...(nonFinite ? { nonFinite } : {}),
    ...(image.affineNote ? { affineNote: image.affineNote } : {}),
  };
}

/**
 * Encodes canonical-grid values as NIfTI in the source file's own orientation and header, so an
 * export overlays the input in nibabel, ITK-SNAP or any viewer.
 */
export function exportLikeSource(
  like: Volume,
  canonicalValues: Float32Array,
  options: { datatype?: DatatypeCode; gzip?: boolean; descrip?: string } = {},
): Uint8Array {
  const stored = fromCanonical(canonicalValues, like.source.reorientation);
  const src = like.source.header;
  const header: NiftiHeader = {
    ...src,
    version: 1,
    dim: [3, ...like.source.reorientation.storedDims, 1, 1, 1, 1],
    datatype: options.datatype ?? (src.datatype as DatatypeCode),
    sclSlope: options.datatype ? 1 : src.sclSlope,
    sclInter: options.datatype ? 0 : src.sclInter,
    calMin: 0,
    calMax: 0,
    descrip: options.descrip ?? src.descrip,
  };
  return writeNifti(header, stored, { gzip: options.gzip ?? true });
}

export interface GridMismatch {
  kind: 'dims' | 'affine';
  detail: string;
}

/** Same voxel grid: same dims, and affines equal within `toleranceMm` (default 1e-3 mm). */
export function compareGrids(a: Volume, b: Volume, toleranceMm = 1e-3): GridMismatch | null {
  if (a.dims.some((d, i) => d !== b.dims[i])) {
    return { kind: 'dims', detail: `dimensions ${b.dims.join('x')} differ from ${a.dims.join('x')}` };
  }
  const dist = affineDistance(a.affine, b.affine);
  if (dist > toleranceMm) {
    return { kind: 'affine', detail: `voxel-to-world transform differs by up to ${dist.toFixed(3)} mm` };
  }
  return null;
}
