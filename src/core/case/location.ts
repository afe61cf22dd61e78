/** Where the viewer is and where it should go: a readable crosshair line, and a point inside the lesion. */
import { applyAffine } from '../geometry/affine.ts';
import type { Dims3 } from '../geometry/orientation.ts';
import { type BratsCase, referenceVolume } from './case.ts';
import { BRATS_CLASSES } from './labels.ts';
import { MODALITIES, shortRoleLabel } from './roles.ts';
import type { Task } from '../heads/tasks.ts';

type Voxel = [number, number, number];

/** A label in the task's words: on a lesion task any labelled voxel is the lesion, not a BraTS class. */
const labelName = (v: number, task?: Task) => (v === 0 ? 'background' : task === 'binary' ? 'lesion' : (BRATS_CLASSES.find((c) => c.value === v)?.name ?? `label ${v}`));
const intensity = (v: number) => (Math.abs(v) >= 100 || Number.isInteger(v) ? String(Math.round(v)) : v.toPrecision(3));

/**
 * "voxel 64, 70, 41 · 12.0, -30.5, 8.0 mm · FLAIR 412, T1gd 300 · label Oedema · predicted Oedema":
 * the crosshair in the words a reader of scans uses (world mm, each modality, the label's name).
 */
export function describeVoxel(c: BratsCase, voxel: Voxel, prediction?: Uint8Array, task?: Task): string {
  const ref = referenceVolume(c);
  const [X, Y] = ref.dims;
  const inside = voxel.every((v, a) => v >= 0 && v < ref.dims[a]);
  const parts = [`voxel ${voxel.join(', ')}`, `${applyAffine(ref.affine, voxel).map((v) => v.toFixed(1)).join(', ')} mm`];
  if (!inside) return parts.join(' · ');
  const i = voxel[0] + X * (voxel[1] + Y * voxel[2]);
  parts.push(MODALITIES.filter((m) => c.modalities[m]).map((m) => `${shortRoleLabel(m)} ${intensity(c.modalities[m]!.data[i])}`).join(', '));
  if (c.labels) parts.push(`label ${labelName(c.labels.data[i], task)}`);
  if (prediction) parts.push(`predicted ${labelName(prediction[i], task)}`);
  return parts.join(' · ');
}

/**
 * A voxel inside the lesion from which every view cuts through it: the slice (along `axis`, axial by
 * default) with the most lesion, and in it the lesion voxel nearest that slice's centre of mass (a
 * centroid alone can fall in a gap between two lesions, or in a ring's hole). `slices` limits the
 * choice, e.g. to a held-out block or one clicked slice. null when the mask is empty there.
 */
export function lesionFocus(mask: Uint8Array, dims: Dims3, within: { axis?: 0 | 1 | 2; slices?: number[] } = {}): Voxel | null {
  const axis = within.axis ?? 2;
  const [X, Y] = dims;
  const coords = (i: number): Voxel => [i % X, Math.floor(i / X) % Y, Math.floor(i / (X * Y))];
  const counts = new Float64Array(dims[axis]);
  for (let i = 0; i < mask.length; i++) if (mask[i]) counts[coords(i)[axis]]++;
  const allowed = within.slices ?? [...counts.keys()];
  let best = -1;
  for (const k of allowed) if (k >= 0 && k < counts.length && counts[k] > 0 && (best < 0 || counts[k] > counts[best])) best = k;
  if (best < 0) return null;
  const [u, v] = ([0, 1, 2] as const).filter((a) => a !== axis);
  let [su, sv] = [0, 0];
  for (let i = 0; i < mask.length; i++) {
    if (!mask[i]) continue;
    const c = coords(i);
    if (c[axis] === best) [su, sv] = [su + c[u], sv + c[v]];
  }
  const [cu, cv] = [su / counts[best], sv / counts[best]];
  let focus: Voxel | null = null;
  let nearest = Infinity;
  for (let i = 0; i < mask.length; i++) {
    if (!mask[i]) continue;
    const c = coords(i);
    if (c[axis] !== best) continue;
    const d = (c[u] - cu) ** 2 + (c[v] - cv) ** 2;
    if (d < nearest) [nearest, focus] = [d, c];
  }
  return focus;
}
