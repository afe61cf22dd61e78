/**
 * A case's sequences aligned to its reference sequence, one rigid registration each: what
 * `reslice --register` does for all of them, and the app for the one the user picks. Where the
 * registration runs (Node, the worker) is the caller's: a `RegisterOnGrid` function.
 */
import { assembleCase, type BratsCase, referenceVolume } from '../case/case.ts';
import type { Alignment, CaseFile } from '../case/caseFile.ts';
import { exportFile } from '../case/exportGrid.ts';
import { MODALITIES, type Modality, shortRoleLabel } from '../case/roles.ts';
import { type Affine, applyAffine, multiply } from '../geometry/affine.ts';
import { type Elastix, registerRigid, rigidSize } from './rigid.ts';

/** The world transform from `fixed`'s anatomy to `moving`'s, both as the case holds them on its grid (whose affine is given). */
export type RegisterOnGrid = (fixed: Modality, moving: Modality, affine: Affine) => Promise<Affine>;

/** Registration of the case's own volumes by an elastix at hand (Node's). */
export const onCaseGrid = (c: BratsCase, elastix: Elastix): RegisterOnGrid => (fixed, moving, affine) => {
  const grid = referenceVolume(c);
  const image = (m: Modality) => ({ dims: grid.dims, spacing: grid.spacing, data: c.modalities[m]!.data });
  return registerRigid(image(fixed), image(moving), affine, elastix);
};

/** The sequence a case's sequences are aligned to: the one whose grid the case is on. */
export function alignmentReference(c: BratsCase): CaseFile {
  const ref = exportFile(c);
  if (!ref) throw new Error('the case is on an isotropic grid: choose a sequence as the reference grid to align the others to it');
  return ref;
}

/** One sequence's alignment to the reference, composed with the one it may have already. */
export async function alignSequence(c: BratsCase, role: Modality, register: RegisterOnGrid): Promise<Alignment> {
  const ref = alignmentReference(c);
  const file = c.files.find((f) => f.role === role);
  if (!file) throw new Error(`the case has no ${shortRoleLabel(role)}`);
  if (file === ref) throw new Error(`${shortRoleLabel(role)} is the reference the others are aligned to`);
  const grid = referenceVolume(c);
  const found = await register(ref.role as Modality, role, grid.affine);
  const transform = file.alignment ? multiply(file.alignment.transform, found) : found;
  const centre = applyAffine(grid.affine, [(grid.dims[0] - 1) / 2, (grid.dims[1] - 1) / 2, (grid.dims[2] - 1) / 2]);
  return { transform, to: shortRoleLabel(ref.role as Modality), ...rigidSize(transform, centre) };
}

/** A case's file holds its volume where its alignment placed it; as read, it is where its header says. */
export function asRead(f: CaseFile): CaseFile {
  if (!f.alignment) return f;
  const { alignment, ...rest } = f;
  return { ...rest, volume: { ...f.volume, affine: multiply(alignment.transform, f.volume.affine) } };
}

/** The case with every sequence but the reference aligned to it; onStep before each. */
export async function alignAll(c: BratsCase, register: RegisterOnGrid, options: Parameters<typeof assembleCase>[1], onStep?: (role: Modality, i: number, n: number) => void): Promise<BratsCase> {
  const ref = alignmentReference(c);
  const roles = MODALITIES.filter((m) => c.modalities[m] && m !== ref.role);
  const alignments = new Map<string, Alignment>();
  for (const [i, role] of roles.entries()) {
    onStep?.(role, i, roles.length);
    alignments.set(role, await alignSequence(c, role, register));
  }
  // Assembled again from the files as read, each with its alignment: every sequence is resampled once, from where its anatomy lies.
  return assembleCase(c.files.map((f) => (alignments.has(f.role) ? { ...asRead(f), alignment: alignments.get(f.role) } : f)), options);
}
