import { describe, expect, it } from 'vitest';
import { affineFromRows, applyAffine, diagonalAffine } from '../geometry/affine.ts';
import { readCaseFiles } from '../case/load.ts';
import { readNifti, VolumeTooLargeError } from './read.ts';
import { headerFor, writeNifti } from './write.ts';

const file = (dims: [number, number, number], values: number[], datatype: 2 | 4 | 16 = 16, affine = diagonalAffine([1, 1, 1])) => writeNifti(headerFor(dims, affine, datatype), values);

describe('reading downsampled', () => {
  it('an image: each 2x2x2 block is its mean', () => {
    // value = x + 10 y + 100 z on a 4x2x2 grid: blocks {x 0-1} and {x 2-3}, mean x 0.5 and 2.5, y 0.5, z 0.5.
    const values = Array.from({ length: 16 }, (_, i) => (i % 4) + 10 * (Math.floor(i / 4) % 2) + 100 * Math.floor(i / 8));
    const img = readNifti(file([4, 2, 2], values), { downsample: 2 });
    expect(img.dims).toEqual([2, 1, 1]);
    expect([...img.data]).toEqual([0.5 + 5 + 50, 2.5 + 5 + 50]);
  });

  it('edge blocks that are cut short average what they hold', () => {
    const img = readNifti(file([3, 1, 1], [1, 2, 9]), { downsample: 2 });
    expect(img.dims).toEqual([2, 1, 1]);
    expect([...img.data]).toEqual([1.5, 9]);
  });

  it('a label map: each block takes its most frequent label, a tie the larger label', () => {
    // A 4x1x2 grid, x fastest: block x 0-1 holds 0, 0, 0, 2 (0 wins); block x 2-3 holds 1, 4, 1, 4 (a tie: 4).
    const z0 = [0, 0, 1, 4];
    const z1 = [0, 2, 1, 4];
    const img = readNifti(file([4, 1, 2], [...z0, ...z1], 2), { downsample: 2, labels: true });
    expect([...img.data]).toEqual([0, 4]);
  });

  it('places the coarse voxel at the centre of its block, and says what was done', () => {
    const a = affineFromRows([
      [1, 0, 0, 10],
      [0, 1, 0, 20],
      [0, 0, 2, 30],
    ]);
    const img = readNifti(file([4, 4, 4], new Array(64).fill(1), 16, a), { downsample: 2 });
    expect(applyAffine(img.affine, [0, 0, 0])).toEqual([10.5, 20.5, 31]); // fine voxels 0 and 1: x 10, 11; z 30, 32
    expect(applyAffine(img.affine, [1, 1, 1])).toEqual([12.5, 22.5, 35]);
    expect(img.header.dim.slice(1, 4)).toEqual([2, 2, 2]);
    expect(img.affineNote).toBe('read downsampled ×2 (4×4×4 → 2×2×2)');
    // The header describes the grid read: written and read back, the same geometry.
    const again = readNifti(writeNifti(img.header, img.data));
    expect(again.affine.map((v) => +v.toFixed(5))).toEqual(img.affine);
  });

  it('a volume over the limit is refused with the factor that opens it', () => {
    const big = file([40, 40, 40], new Array(64000).fill(3), 2);
    expect(() => readNifti(big, { maxVoxels: 10_000 })).toThrow(VolumeTooLargeError);
    expect(() => readNifti(big, { maxVoxels: 10_000 })).toThrow('it is 40×40×40 voxels (0 million, 0 MB as float32), more than the studio holds in a browser tab (0 million a volume); it can be opened downsampled ×2 (20×20×20)');
    expect(() => readNifti(big, { maxVoxels: 1_000 })).toThrow('downsampled ×4 (10×10×10)');
    expect(readNifti(big, { maxVoxels: 10_000, downsample: 2 }).dims).toEqual([20, 20, 20]);
  });

  it('a case: every file fails with the same factor, then opens on one grid with the label map by majority', () => {
    const flair = file([6, 6, 6], Array.from({ length: 216 }, (_, i) => i));
    const seg = file([6, 6, 6], Array.from({ length: 216 }, (_, i) => (i % 6 < 3 ? 2 : 0)), 2);
    const files = [
      { name: 'c_flair.nii.gz', bytes: flair },
      { name: 'c_seg.nii.gz', bytes: seg },
    ];
    const refused = readCaseFiles(files, undefined, { maxVoxels: 100 });
    expect(refused.failed.map((f) => [f.name, f.downsample])).toEqual([
      ['c_flair.nii.gz', 2],
      ['c_seg.nii.gz', 2],
    ]);
    const opened = readCaseFiles(files, undefined, { maxVoxels: 100, downsample: 2 });
    expect(opened.loaded.map((f) => f.volume.dims)).toEqual([
      [3, 3, 3],
      [3, 3, 3],
    ]);
    const labels = opened.loaded.find((f) => f.role === 'seg')!.volume.data;
    expect(new Set(labels)).toEqual(new Set([0, 2])); // a label map keeps its labels: no 1s from averaging
  });
});
