/**
 * Label volumes of a case (a prediction, scribbles, an accepted label map) written as NIfTI on
 * the case's grid or on one file's own grid: a clinician reads the result over the sequence they
 * know, in the orientation and header that file came with. Nearest neighbour, so labels stay
 * labels, and where the grids coincide every voxel comes back exactly.
 */
import { resample } from '../geometry/resample.ts';
import { exportLikeSource } from '../volume.ts';
import { type BratsCase, referenceVolume } from './case.ts';
import type { CaseFile } from './caseFile.ts';
import { MODALITIES } from './roles.ts';

/** Files whose own grid an export can go onto: the case's images and label maps that were resampled (the others are on the case grid). */
export const exportGrids = (c: BratsCase): string[] => c.grid.resampled;

/**
 * The sequence an export lies on: the file named, else the sequence whose grid the case is on
 * (none for an isotropic grid, which no file has). A DICOM SEG cites this file's series.
 */
export function exportFile(c: BratsCase, name?: string): CaseFile | undefined {
  if (name) return c.files.find((f) => f.name === name);
  return MODALITIES.map((m) => c.files.find((f) => f.role === m && !c.grid.resampled.includes(f.name))).find(Boolean);
}

export function exportLabels(c: BratsCase, labels: ArrayLike<number>, options: { onFileGrid?: string; descrip: string }): Uint8Array {
  const ref = referenceVolume(c);
  const file = options.onFileGrid ? c.files.find((f) => f.name === options.onFileGrid) : undefined;
  if (options.onFileGrid && !file) throw new Error(`${options.onFileGrid} is not a file of case ${c.id}`);
  if (!file || !c.grid.resampled.includes(file.name)) return exportLikeSource(ref, Float32Array.from(labels), { datatype: 2, descrip: options.descrip });
  const onFile = resample({ dims: ref.dims, affine: ref.affine, data: labels }, file.volume, 'nearest');
  return exportLikeSource(file.volume, onFile, { datatype: 2, descrip: `${options.descrip} on the grid of ${file.name}` });
}
