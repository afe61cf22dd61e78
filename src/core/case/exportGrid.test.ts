import { describe, expect, it } from 'vitest';
import { headerFor, writeNifti } from '../nifti/write.ts';
import { loadVolume } from '../volume.ts';
import { assembleCase, type CaseFile } from './case.ts';
import { exportGrids, exportLabels } from './exportGrid.ts';
import { detectRole } from './roles.ts';

function file(name: string, dims: [number, number, number], shiftX: number): CaseFile {
  const affine = [1, 0, 0, shiftX, 0, 1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1];
  const bytes = writeNifti(headerFor(dims, affine, 16), Float32Array.from({ length: dims[0] * dims[1] * dims[2] }, (_, i) => 1 + (i % 5)));
  return { name, role: detectRole(name)!.role, volume: loadVolume(bytes, name) };
}

describe('exports on a file’s own grid', () => {
  it('a label map on the FLAIR grid goes onto the T2 grid (shifted two whole voxels): the same labels where the grids meet, 0 beyond', () => {
    const c = assembleCase([file('p_flair.nii', [6, 3, 2], 0), file('p_t2.nii', [6, 3, 2], 2)]);
    expect(exportGrids(c)).toEqual(['p_t2.nii']);
    const labels = Uint8Array.from({ length: 36 }, (_, i) => [0, 1, 2, 4][i % 4]);
    const onT2 = loadVolume(exportLabels(c, labels, { onFileGrid: 'p_t2.nii', descrip: 'test' }), 'on-t2.nii.gz');
    expect(onT2.affine[3]).toBe(2);
    for (let k = 0; k < 2; k++)
      for (let j = 0; j < 3; j++)
        for (let i = 0; i < 6; i++) {
          // T2 voxel i is FLAIR voxel i + 2; FLAIR ends at 5.
          const flairX = i + 2;
          expect(onT2.data[i + 6 * (j + 3 * k)]).toBe(flairX < 6 ? labels[flairX + 6 * (j + 3 * k)] : 0);
        }
    const onCase = loadVolume(exportLabels(c, labels, { descrip: 'test' }), 'on-case.nii.gz');
    expect(Array.from(onCase.data)).toEqual(Array.from(labels));
    expect(() => exportLabels(c, labels, { onFileGrid: 'other.nii', descrip: 'test' })).toThrow(/not a file of case/);
  });
});
