/**
 * Per-voxel inputs at full resolution, computed once per case from every modality it has (not
 * only the three mapped to RGB): the normalised intensity, masked Gaussian smoothings at a few
 * scales, the gradient magnitude, and the left-right asymmetry, plus how deep a voxel lies in the
 * brain. They give a head voxel-sharp boundaries and 3-D context that 14-pixel patches of 2-D
 * slices cannot, the way ilastik's filter bank does for its pixel classifier.
 *
 * Held on the brain's bounding box only, as half floats: four modalities of a 240 x 240 x 155 case
 * are 29 maps, 470 MB in float32 and 235 MB so. Half precision keeps 3 significant digits of a
 * z-score, far finer than the jitter the head trains with, and a dataset run holds one case's maps.
 */
import { MODALITIES, type Modality } from '../case/roles.ts';
import { normaliseIntensity } from '../features/normalise.ts';
import type { Dims3 } from '../geometry/orientation.ts';
import { toF16Array } from '../weights/f16.ts';
import { gaussianSmooth, gradientMagnitude, maskCentreX, maskedSmooth, mirrorX } from './filters.ts';

/** Gaussian scales in mm. 1 mm is a thin enhancing rim; 8 mm is a tumour's neighbourhood. */
export const SMOOTHING_SCALES_MM = [1, 2, 4, 8];

export interface VoxelFeatureOptions {
  /** Which modalities feed the filter bank; default: every one the case has. */
  modalities?: Modality[];
}

export interface VoxelFeatures {
  /** Names in the order of `maps`, e.g. "flair:g2". */
  names: string[];
  /** One map per name, on the bounding box (x fastest), as half-float bits (halfTable() decodes them). */
  maps: Uint16Array[];
  /** The bounding box on the case's grid: first voxel and size. */
  origin: Dims3;
  size: Dims3;
  /** Brain voxels of the bounding box. */
  brain: Uint8Array;
  dims: Dims3;
  /** Voxel size in mm, of the case's grid. */
  spacing: Dims3;
}

/** Feature names a case with these modalities gets, in order (what a head trained on it expects). */
export function voxelFeatureNames(modalities: Modality[]): string[] {
  const per = ['z', ...SMOOTHING_SCALES_MM.map((s) => `g${s}`), 'grad1', 'asym2'];
  return [...MODALITIES.filter((m) => modalities.includes(m)).flatMap((m) => per.map((p) => `${m}:${p}`)), 'brain:depth'];
}

/** The case's brain: its mask, else voxels non-zero in any modality. */
export function caseBrain(volumes: Partial<Record<Modality, Float32Array>>, brainmask?: Uint8Array): Uint8Array {
  if (brainmask) return brainmask;
  const vs = Object.values(volumes);
  const out = new Uint8Array(vs[0]!.length);
  for (const v of vs) for (let i = 0; i < v!.length; i++) if (v![i] !== 0) out[i] = 1;
  return out;
}

function boundingBox(mask: Uint8Array, dims: Dims3): { origin: Dims3; size: Dims3 } {
  const [nx, ny] = dims;
  const lo: Dims3 = [...dims];
  const hi: Dims3 = [-1, -1, -1];
  for (let i = 0; i < mask.length; i++) {
    if (!mask[i]) continue;
    const c = [i % nx, Math.floor(i / nx) % ny, Math.floor(i / (nx * ny))];
    for (let a = 0; a < 3; a++) {
      if (c[a] < lo[a]) lo[a] = c[a];
      if (c[a] > hi[a]) hi[a] = c[a];
    }
  }
  if (hi[0] < 0) return { origin: [0, 0, 0], size: [1, 1, 1] };
  return { origin: lo, size: [hi[0] - lo[0] + 1, hi[1] - lo[1] + 1, hi[2] - lo[2] + 1] };
}

function crop(v: ArrayLike<number>, dims: Dims3, origin: Dims3, size: Dims3, out: Float32Array | Uint8Array): void {
  const [nx, ny] = dims;
  const [sx, sy, sz] = size;
  for (let z = 0; z < sz; z++) for (let y = 0; y < sy; y++) for (let x = 0; x < sx; x++) out[x + sx * (y + sy * z)] = v[origin[0] + x + nx * (origin[1] + y + ny * (origin[2] + z))];
}

export function computeVoxelFeatures(
  c: { dims: Dims3; spacing: Dims3; volumes: Partial<Record<Modality, Float32Array>>; brainmask?: Uint8Array },
  o: VoxelFeatureOptions = {},
): VoxelFeatures {
  const modalities = MODALITIES.filter((m) => c.volumes[m] && (!o.modalities || o.modalities.includes(m)));
  if (!modalities.length) throw new Error('no modality to compute voxel features from');
  const fullBrain = caseBrain(c.volumes, c.brainmask);
  const { origin, size } = boundingBox(fullBrain, c.dims);
  const n = size[0] * size[1] * size[2];
  const brain = new Uint8Array(n);
  crop(fullBrain, c.dims, origin, size, brain);
  const maskSmooth = new Map<number, Float32Array>();
  const smoothedMask = (s: number) => {
    if (!maskSmooth.has(s)) maskSmooth.set(s, gaussianSmooth(Float32Array.from(brain), size, c.spacing, s));
    return maskSmooth.get(s)!;
  };
  const centre = maskCentreX(brain, size);
  const maps: Uint16Array[] = [];
  for (const m of modalities) {
    // The one preprocessing path: the same clipping and z-score the backbone's input gets.
    const full = normaliseIntensity(c.volumes[m]!, c.brainmask ?? fullBrain).z;
    const z = new Float32Array(n);
    crop(full, c.dims, origin, size, z);
    const smooth = SMOOTHING_SCALES_MM.map((s) => maskedSmooth(z, brain, size, c.spacing, s, smoothedMask(s)));
    const grad = gradientMagnitude(smooth[0], size, c.spacing);
    for (let i = 0; i < n; i++) if (!brain[i]) grad[i] = 0;
    const g2 = smooth[1];
    const mirrored = mirrorX(g2, size, centre);
    const mirroredBrain = mirrorX(Float32Array.from(brain), size, centre);
    // Where the twin lies outside the brain there is nothing to compare with: no asymmetry.
    const asym = new Float32Array(n);
    for (let i = 0; i < n; i++) if (brain[i] && mirroredBrain[i] > 0) asym[i] = g2[i] - mirrored[i];
    maps.push(...[z, ...smooth, grad, asym].map(toF16Array));
  }
  const depth = smoothedMask(4);
  const inside = new Float32Array(n);
  for (let i = 0; i < n; i++) if (brain[i]) inside[i] = depth[i];
  maps.push(toF16Array(inside));
  return { names: voxelFeatureNames(modalities), maps, origin, size, brain, dims: c.dims, spacing: c.spacing };
}

/** Index into the bounding box of a voxel of the case's grid, or -1 outside it. */
export function boxIndex(f: Pick<VoxelFeatures, 'origin' | 'size' | 'dims'>, voxel: number): number {
  const [nx, ny] = f.dims;
  const x = (voxel % nx) - f.origin[0];
  const y = (Math.floor(voxel / nx) % ny) - f.origin[1];
  const z = Math.floor(voxel / (nx * ny)) - f.origin[2];
  const [sx, sy, sz] = f.size;
  if (x < 0 || y < 0 || z < 0 || x >= sx || y >= sy || z >= sz) return -1;
  return x + sx * (y + sy * z);
}
