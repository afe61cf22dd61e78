import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REAL_CASES } from '../../../test/nibabel.ts';
import { headerFor, writeNifti } from '../nifti/write.ts';
import { loadVolume } from '../volume.ts';
import { assembleCase, caseIdOf, type CaseFile, nameWithinCase } from './case.ts';
import { detectRole } from './roles.ts';

function volumeFile(name: string, dims: [number, number, number], values: (i: number) => number, shift = 0): CaseFile {
  const affine = [1, 0, 0, shift, 0, 1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1];
  const n = dims[0] * dims[1] * dims[2];
  const bytes = writeNifti(headerFor(dims, affine, 16), Float32Array.from({ length: n }, (_, i) => values(i)));
  return { name, role: detectRole(name)!.role, volume: loadVolume(bytes, name) };
}

describe('assembleCase', () => {
  const d: [number, number, number] = [4, 3, 2];
  it('keys volumes by role and maps labels to the studio convention', () => {
    const c = assembleCase([volumeFile('p1_flair.nii', d, (i) => i), volumeFile('p1_seg.nii', d, (i) => [0, 1, 2, 4][i % 4])]);
    expect(c.id).toBe('p1');
    expect(Object.keys(c.modalities)).toEqual(['flair']);
    expect(c.labels?.convention).toBe('brats2021');
    expect(Array.from(c.labels!.data.slice(0, 4))).toEqual([0, 1, 2, 4]);
  });
  it('puts a sequence on another grid onto the FLAIR grid through world coordinates, and says so', () => {
    // T2 shifted 2.5 mm along x, value = its x index: FLAIR voxel x sits at T2 x - 2.5, so x = 3 reads
    // 0.5 (halfway between T2's first two voxels), x = 2 is on T2's border (its edge value, 0) and
    // x = 0, 1 lie outside T2's field of view (0, no data).
    const c = assembleCase([volumeFile('p1_flair.nii', d, () => 1), volumeFile('p1_t2.nii', d, (i) => i % 4, 2.5)]);
    expect(c.grid).toEqual({ reference: 'FLAIR', resampled: ['p1_t2.nii'] });
    expect(c.modalities.t2!.dims).toEqual(d);
    expect(Array.from(c.modalities.t2!.data.slice(0, 4))).toEqual([0, 0, 0, 0.5]);
    // The file keeps its own grid, for the viewer and exports.
    expect(c.files[1].volume.affine[3]).toBe(2.5);
  });
  it('takes the grid the user chooses: a sequence, or an isotropic grid over the FLAIR', () => {
    const files = [volumeFile('p1_flair.nii', d, () => 1), volumeFile('p1_t2.nii', [4, 3, 3], () => 2)];
    const onT2 = assembleCase(files, { reference: { role: 't2' } });
    expect(onT2.grid).toEqual({ reference: 'T2', resampled: ['p1_flair.nii'] });
    expect(onT2.modalities.flair!.dims).toEqual([4, 3, 3]);
    const iso = assembleCase(files, { reference: { isotropic: 0.5 } });
    expect(iso.modalities.flair!.dims).toEqual([8, 6, 4]);
    expect(iso.grid.reference).toBe('0.5 mm isotropic over FLAIR');
    expect(() => assembleCase(files, { reference: { role: 't1' } })).toThrow(/reference T1 is not in the case/);
  });
  it('refuses two files with one role, and a case without images', () => {
    expect(() => assembleCase([volumeFile('a_flair.nii', d, () => 1), volumeFile('b_flair.nii', d, () => 1)])).toThrow(/two files have the role FLAIR/);
    expect(() => assembleCase([volumeFile('a_seg.nii', d, () => 0)])).toThrow(/no image volume/);
  });
  it('reports a label map with unexpected values', () => {
    expect(() => assembleCase([volumeFile('p_flair.nii', d, () => 1), volumeFile('p_seg.nii', d, (i) => i % 7)])).toThrow(/p_seg.nii: label map has unexpected values 5, 6/);
  });
  it('nameWithinCase drops the shared prefix, only where one exists', () => {
    const names = ['BraTS-GLI-00001-000-t2f.nii.gz', 'BraTS-GLI-00001-000-t1n.nii.gz', 'BraTS-GLI-00001-000-seg.nii.gz'];
    expect(names.map((n) => nameWithinCase(n, names))).toEqual(['…-t2f.nii.gz', '…-t1n.nii.gz', '…-seg.nii.gz']);
    expect(nameWithinCase('Flair.nii.gz', ['Flair.nii.gz', 'OT.nii.gz'])).toBe('Flair.nii.gz');
    expect(nameWithinCase('case_flair.nii', ['case_flair.nii'])).toBe('case_flair.nii');
  });
  it('caseIdOf trims the shared prefix', () => {
    expect(caseIdOf(['BraTS2021_00042_flair.nii.gz', 'BraTS2021_00042_t1.nii.gz'])).toBe('BraTS2021_00042');
    expect(caseIdOf(['Flair_x.nii.gz', 'OTMultiClass.nii.gz'])).toBe('unnamed case');
  });
});

describe('the real BraTS 2015 case', () => {
  it('loads with labels 1..4 mapped (3 non-enhancing -> core) and its brain mask', () => {
    const dir = join(REAL_CASES, 'brats2015-pat0005');
    const names = ['Flair_subtrMeanDivStd.nii.gz', 'T1c_subtrMeanDivStd.nii.gz', 'OTMultiClass.nii.gz', 'brainmask.nii.gz'];
    const files = names.map((name) => ({ name, role: detectRole(name)!.role, volume: loadVolume(new Uint8Array(readFileSync(join(dir, name))), name) }));
    const c = assembleCase(files, { id: 'brats2015-pat0005' });
    expect(Object.keys(c.modalities).sort()).toEqual(['flair', 't1ce']);
    expect(c.labels!.convention).toBe('brats2015');
    expect(c.labels!.fileValues).toEqual([0, 1, 2, 3, 4]);
    const seg = files[2].volume.data;
    let threes = 0, mappedOk = true;
    const counts = new Map<number, number>();
    c.labels!.data.forEach((v, i) => {
      counts.set(v, (counts.get(v) ?? 0) + 1);
      if (seg[i] === 3) {
        threes++;
        mappedOk &&= v === 1;
      }
    });
    expect(threes).toBeGreaterThan(0);
    expect(mappedOk).toBe(true);
    expect([...counts.keys()].sort()).toEqual([0, 1, 2, 4]);
    expect(c.brainmask!.reduce((a, b) => a + b, 0)).toBeGreaterThan(100000);
  });
});
