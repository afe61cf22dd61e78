import type { Modality } from '../case/roles.ts';
import { headerFor, writeNifti } from '../nifti/write.ts';
import type { SyntheticCase } from './brats.ts';

export interface NamedBytes {
  name: string;
  bytes: Uint8Array;
}

/** The case as BraTS 2021-named .nii.gz files: int16 images and a uint8 label map. */
export function syntheticCaseFiles(c: SyntheticCase, options: { gzip?: boolean } = {}): NamedBytes[] {
  const ext = options.gzip === false ? '.nii' : '.nii.gz';
  const gzip = options.gzip !== false;
  const files: NamedBytes[] = (Object.keys(c.modalities) as Modality[]).map((m) => ({
    name: `${c.id}_${m}${ext}`,
    bytes: writeNifti(headerFor(c.dims, c.affine, 4, `synthetic ${m}`), c.modalities[m], { gzip }),
  }));
  files.push({ name: `${c.id}_seg${ext}`, bytes: writeNifti(headerFor(c.dims, c.affine, 2, 'synthetic labels'), c.labels, { gzip }) });
  return files;
}
