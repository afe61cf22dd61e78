/** Where the viewer is and where it should go: a readable crosshair line, and a point inside the lesion. */
import { applyAffine } from '../geometry/affine.ts';
import type { Dims3 } from '../geometry/orientation.ts';
import { type BratsCase, referenceVolume } from './case.ts';
import { BRATS_CLASSES } from './labels.ts';
import { MODALITIES, shortRoleLabel } from './roles.ts';

type Voxel = [number, number, number];

const labelName = (v: number) => (v === 0 ? 'background' : (BRATS_CLASSES.find((c) => c.value === v)?.name ?? `label ${v}`));
const intensity = (v: number) => (Math.abs(v) >= 100 || Number.isInteger(v) ? String(Math.round(v)) : v.toPrecision(3));

/**
 * "voxel 64, 70, 41 · 12.0, -30.5, 8.0 mm · FLAIR 412, T1gd 300 · label Oedema · predicted Oedema":
 * the crosshair in the words a reader of scans uses (world mm, each modality, the label's name).
 */
export function describeVoxel(c: BratsCase, voxel: Voxel, prediction?: Uint8Array): string {
  const ref = referenceVolume(c);
  const [X, Y] = ref.dims;
  const inside = voxel.every((v, a) => v >= 0 && v < ref.dims[a]);
  const parts = [`voxel ${voxel.join(', ')}`, `${applyAffine(ref.affine, voxel).map((v) => v.toFixed(1)).join(', ')} mm`];
  if (!inside) return parts.join(' · ');
  const i = voxel[0] + X * (voxel[1] + Y * voxel[2]);
  parts.push(MODALITIES.filter((m) => c.modalities[m]).map((m) => `${shortRoleLabel(m)} ${intensity(c.modalities[m]!.data[i])}`).join(', '));
  if (c.labels) parts.push(`label ${labelName(c.labels.data[i])}`);
  if (prediction) parts.push(`predicted ${labelName(prediction[i])}`);
  return parts.join(' · ');
}

/**
 * A voxel inside the lesion from which every view cuts through it: the axial slice with the most
 * lesion, and in it the lesion voxel nearest that slice's centre of mass (a centroid alone can fall
 * in a gap between two lesions, or in a ring's hole). null when the mask is empty.
 */
export function lesionFocus(mask: Uint8Array, dims: Dims3): Voxel | null {
  const [X, Y, Z] = dims;
  const S = X * Y;
  let best = -1;
  let bestCount = 0;
  for (let k = 0; k < Z; k++) {
    let n = 0;
    for (let p = k * S; p < (k + 1) * S; p++) if (mask[p]) n++;
    if (n > bestCount) [best, bestCount] = [k, n];
  }
  if (best < 0) return null;
  let [sx, sy] = [0, 0];
  for (let p = 0; p < S; p++) if (mask[best * S + p]) [sx, sy] = [sx + (p % X), sy + Math.floor(p / X)];
  const [cx, cy] = [sx / bestCount, sy / bestCount];
  let focus: Voxel = [0, 0, best];
  let nearest = Infinity;
  for (let p = 0; p < S; p++) {
    if (!mask[best * S + p]) continue;
    const d = (p % X - cx) ** 2 + (Math.floor(p / X) - cy) ** 2;
    if (d < nearest) [nearest, focus] = [d, [p % X, Math.floor(p / X), best]];
  }
  return focus;
}
