import { describe, expect, it } from 'vitest';
import { headerFor, writeNifti } from '../nifti/write.ts';
import { loadVolume } from '../volume.ts';
import { assembleCase, type CaseFile } from './case.ts';
import { describeVoxel, lesionFocus } from './location.ts';
import { detectRole } from './roles.ts';

describe('lesionFocus', () => {
  const dims: [number, number, number] = [7, 5, 4];
  const at = (x: number, y: number, z: number) => x + 7 * (y + 5 * z);
  it('is null for an empty mask', () => {
    expect(lesionFocus(new Uint8Array(7 * 5 * 4), dims)).toBeNull();
  });
  it('picks the slice with the most lesion, and a lesion voxel, not the hole of a ring', () => {
    const m = new Uint8Array(7 * 5 * 4);
    m[at(1, 1, 0)] = 1; // one voxel on slice 0
    // A ring on slice 2 around (3, 2): its centroid (3, 2) is empty.
    for (const [x, y] of [[2, 1], [3, 1], [4, 1], [2, 2], [4, 2], [2, 3], [3, 3], [4, 3]]) m[at(x, y, 2)] = 4;
    const f = lesionFocus(m, dims)!;
    expect(f[2]).toBe(2);
    expect(m[at(...f)]).toBe(4);
    // Nearest ring voxels to the centre are at distance 1: (3,1), (2,2), (4,2), (3,3); the scan finds (3,1) first.
    expect(f).toEqual([3, 1, 2]);
  });
  it('keeps to the slices it is given, and to another axis', () => {
    const m = new Uint8Array(7 * 5 * 4);
    m[at(1, 1, 0)] = 1;
    m[at(5, 3, 0)] = 1;
    for (const x of [2, 3, 4]) m[at(x, 2, 2)] = 1; // slice 2 has the most lesion ...
    // ... but a held-out block of slices 0-1 only has slice 0: its two voxels' centre (3, 2) is empty, (1, 1) comes first.
    expect(lesionFocus(m, dims, { slices: [0, 1] })).toEqual([1, 1, 0]);
    expect(lesionFocus(m, dims, { slices: [1, 3] })).toBeNull();
    // Along x (sagittal slices): x = 1, 2, 3, 4, 5 hold one voxel each; the first with the most wins.
    expect(lesionFocus(m, dims, { axis: 0 })).toEqual([1, 1, 0]);
    // Along y (coronal): y = 2 holds three voxels.
    expect(lesionFocus(m, dims, { axis: 1 })).toEqual([3, 2, 2]);
  });
});

describe('describeVoxel', () => {
  const d: [number, number, number] = [3, 2, 2];
  const file = (name: string, values: number[], affine = [2, 0, 0, -10, 0, 2, 0, 5, 0, 0, 3, 1, 0, 0, 0, 1]): CaseFile => ({
    name,
    role: detectRole(name)!.role,
    volume: loadVolume(writeNifti(headerFor(d, affine, 16), Float32Array.from(values)), name),
  });
  const c = assembleCase([file('p_flair.nii', [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 412.4]), file('p_t1ce.nii', [0.25, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 300]), file('p_seg.nii', [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2])]);
  it('gives world mm from the affine, each modality, and the label by name', () => {
    // Voxel (2, 1, 1) = index 2 + 3 * (1 + 2 * 1) = 11; world = (-10 + 2*2, 5 + 2*1, 1 + 3*1).
    expect(describeVoxel(c, [2, 1, 1], Uint8Array.from({ length: 12 }, (_, i) => (i === 11 ? 4 : 0)))).toBe(
      'voxel 2, 1, 1 · -6.0, 7.0, 4.0 mm · FLAIR 412, T1gd 300 · label Oedema · predicted Enhancing tumour',
    );
    expect(describeVoxel(c, [0, 0, 0])).toBe('voxel 0, 0, 0 · -10.0, 5.0, 1.0 mm · FLAIR 0, T1gd 0.250 · label background');
  });
});
