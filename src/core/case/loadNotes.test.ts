import { describe, expect, it } from 'vitest';
import { diagonalAffine } from '../geometry/affine.ts';
import { headerFor, writeNifti } from '../nifti/write.ts';
import { loadNotes, readCaseFiles } from './load.ts';

const dims: [number, number, number] = [4, 3, 2];
const nifti = (values: number[], datatype: 2 | 16 = 16) => writeNifti(headerFor(dims, diagonalAffine([1, 1, 1]), datatype), values);
const ramp = Array.from({ length: 24 }, (_, i) => i);

describe('loadNotes: what the user should know about files that loaded', () => {
  it('a modality that is one value everywhere is named; a blank label map (no tumour) is not', () => {
    const { loaded } = readCaseFiles([
      { name: 'c_flair.nii.gz', bytes: nifti(new Array(24).fill(0)) },
      { name: 'c_t1.nii.gz', bytes: nifti(ramp) },
      { name: 'c_seg.nii.gz', bytes: nifti(new Array(24).fill(0), 2) },
    ]);
    expect(loadNotes(loaded)).toEqual(['c_flair.nii.gz: every voxel is 0; it holds no image (an export that failed, or the wrong file?).']);
  });

  it('NaN voxels are counted, in the file that has them', () => {
    const values = ramp.map((v, i) => (i < 3 ? NaN : i === 3 ? Infinity : v));
    const { loaded } = readCaseFiles([{ name: 'c_t2.nii.gz', bytes: nifti(values) }]);
    expect(loadNotes(loaded)).toEqual(['c_t2.nii.gz: 4 voxels were NaN or infinite; they are read as 0 (no data).']);
  });
});
