/**
 * Every sequence of a case aligned to the reference sequence, one rigid registration each: what
 * `reslice --register` does, and what the app does for the sequence the user picks.
 */
import { assembleCase, type BratsCase, referenceVolume } from '../case/case.ts';
import type { Alignment, CaseFile } from '../case/caseFile.ts';
import { exportFile } from '../case/exportGrid.ts';
import { MODALITIES, type Modality, shortRoleLabel } from '../case/roles.ts';
import { multiply } from '../geometry/affine.ts';
import { applyAffine } from '../geometry/affine.ts';
import { type Elastix, registerRigid, rigidSize } from './rigid.ts';

/** The sequence a case's sequences are aligned to: the one whose grid the case is on. */
export function alignmentReference(c: BratsCase): CaseFile {
  const ref = exportFile(c);
  if (!ref) throw new Error('the case is on an isotropic grid: choose a sequence as the reference grid to align the others to it');
  return ref;
}

/** One sequence's alignment to the reference (composed with the one it may have already). */
export async function alignSequence(c: BratsCase, role: Modality, elastix: Elastix, seed = 1): Promise<Alignment> {
  const ref = alignmentReference(c);
  const file = c.files.find((f) => f.role === role);
  if (!file) throw new Error(`the case has no ${shortRoleLabel(role)}`);
  if (file === ref) throw new Error(`${shortRoleLabel(role)} is the reference the others are aligned to`);
  const grid = referenceVolume(c);
  const found = await registerRigid({ dims: grid.dims, spacing: grid.spacing, data: c.modalities[ref.role as Modality]!.data }, { dims: grid.dims, spacing: grid.spacing, data: c.modalities[role]!.data }, grid.affine, elastix, seed);
  const transform = file.alignment ? multiply(file.alignment.transform, found) : found;
  const centre = applyAffine(grid.affine, [(grid.dims[0] - 1) / 2, (grid.dims[1] - 1) / 2, (grid.dims[2] - 1) / 2]);
  return { transform, to: shortRoleLabel(ref.role as Modality), ...rigidSize(transform, centre) };
}

/** The case with every sequence but the reference aligned to it; onStep before each. */
export async function alignAll(c: BratsCase, elastix: Elastix, options: Parameters<typeof assembleCase>[1], onStep?: (role: Modality, i: number, n: number) => void): Promise<{ c: BratsCase; alignments: Partial<Record<Modality, Alignment>> }> {
  const ref = alignmentReference(c);
  const roles = MODALITIES.filter((m) => c.modalities[m] && m !== ref.role);
  const alignments: Partial<Record<Modality, Alignment>> = {};
  for (const [i, role] of roles.entries()) {
    onStep?.(role, i, roles.length);
    alignments[role] = await alignSequence(c, role, elastix);
  }
  // The files as read, each with its alignment: assembled again, every sequence is resampled once, from where its anatomy lies.
  const files = c.files.map((f) => (alignments[f.role as Modality] ? { ...f, volume: unplaced(f), alignment: alignments[f.role as Modality] } : f));
  return { c: assembleCase(files, options), alignments };
}

/** A case's file holds its placed volume; its header's own affine is the NIfTI header's, kept in the volume's source. */
function unplaced(f: CaseFile): CaseFile['volume'] {
  return f.alignment ? { ...f.volume, affine: multiply(f.alignment.transform, f.volume.affine) } : f.volume;
}
