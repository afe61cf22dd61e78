/** Geometries real cases come in: each loads as one case, with the label map on the image's voxels. */
import { describe, expect, it } from 'vitest';
import { affineFromRows, type Affine } from '../geometry/affine.ts';
import { headerFor, writeNifti } from '../nifti/write.ts';
import { assembleCase } from './case.ts';
import { readCaseFiles } from './load.ts';

type Dims = [number, number, number];

/** An image that is 100 at one stored voxel and 0 elsewhere, and a label map that is 2 at the same world point. */
function pair(dims: Dims, imageAffine: Affine, labelAffine: Affine, at: Dims, labelAt: Dims) {
  const n = dims[0] * dims[1] * dims[2];
  const index = ([x, y, z]: Dims) => x + dims[0] * (y + dims[1] * z);
  const image = new Array(n).fill(0);
  image[index(at)] = 100;
  const labels = new Array(n).fill(0);
  labels[index(labelAt)] = 2;
  return readCaseFiles([
    { name: 'c_flair.nii.gz', bytes: writeNifti(headerFor(dims, imageAffine, 16), image) },
    { name: 'c_seg.nii.gz', bytes: writeNifti(headerFor(dims, labelAffine, 2), labels) },
  ]);
}

function assembled(read: ReturnType<typeof pair>) {
  expect(read.failed).toEqual([]);
  const c = assembleCase(read.loaded, { id: 'c' });
  const flair = c.modalities.flair!;
  const bright = flair.data.indexOf(100);
  return { c, bright, labelled: c.labels!.data.indexOf(2) };
}

describe('geometries a case comes in', () => {
  it('a label map stored LPS beside an image stored RAS (the same world grid): one case, label on the image voxel', () => {
    const dims: Dims = [5, 4, 3];
    const ras = affineFromRows([[1, 0, 0, -2], [0, 1, 0, -1.5], [0, 0, 1, -1]]);
    // Flipping x and y: stored voxel (i, j, k) is RAS voxel (4 - i, 3 - j, k).
    const lps = affineFromRows([[-1, 0, 0, 2], [0, -1, 0, 1.5], [0, 0, 1, -1]]);
    const { c, bright, labelled } = assembled(pair(dims, ras, lps, [1, 2, 1], [3, 1, 1]));
    expect(c.modalities.flair!.dims).toEqual(dims);
    expect(labelled).toBe(bright);
  });

  it('an oblique grid (rotated 15° about z) loads on its nearest canonical axes, label and image together', () => {
    const [c15, s15] = [Math.cos(Math.PI / 12), Math.sin(Math.PI / 12)];
    const oblique = affineFromRows([[c15, -s15, 0, 0], [s15, c15, 0, 0], [0, 0, 1, 0]]);
    const { c, bright, labelled } = assembled(pair([6, 5, 4], oblique, oblique, [2, 3, 1], [2, 3, 1]));
    expect(c.modalities.flair!.dims).toEqual([6, 5, 4]);
    expect(labelled).toBe(bright);
  });

  it('anisotropic 0.5 x 0.5 x 5 mm voxels keep their spacing', () => {
    const aniso = affineFromRows([[0.5, 0, 0, 0], [0, 0.5, 0, 0], [0, 0, 5, 0]]);
    const { c, bright, labelled } = assembled(pair([8, 8, 3], aniso, aniso, [4, 4, 1], [4, 4, 1]));
    expect(c.modalities.flair!.spacing).toEqual([0.5, 0.5, 5]);
    expect(labelled).toBe(bright);
  });

  it('a single slice is a case of depth 1', () => {
    const one = affineFromRows([[1, 0, 0, 0], [0, 1, 0, 0], [0, 0, 1, 0]]);
    const { c, bright, labelled } = assembled(pair([7, 6, 1], one, one, [3, 2, 0], [3, 2, 0]));
    expect(c.modalities.flair!.dims).toEqual([7, 6, 1]);
    expect(labelled).toBe(bright);
  });

  it('a label map on another grid (shifted 1 mm) is resampled onto the image grid: the label lands at its world point', () => {
    const a = affineFromRows([[1, 0, 0, 0], [0, 1, 0, 0], [0, 0, 1, 0]]);
    const shifted = affineFromRows([[1, 0, 0, 1], [0, 1, 0, 0], [0, 0, 1, 0]]);
    // Label voxel (1, 1, 1) of the shifted grid is world (2, 1, 1): image voxel (2, 1, 1).
    const { c, bright, labelled } = assembled(pair([4, 4, 4], a, shifted, [2, 1, 1], [1, 1, 1]));
    expect(labelled).toBe(bright);
    expect(c.grid).toEqual({ reference: 'FLAIR', resampled: ['c_seg.nii.gz'] });
  });

  it('a label map that lies elsewhere in the world (another patient, a broken header) is refused by name', () => {
    const a = affineFromRows([[1, 0, 0, 0], [0, 1, 0, 0], [0, 0, 1, 0]]);
    const far = affineFromRows([[1, 0, 0, 400], [0, 1, 0, 0], [0, 0, 1, 0]]);
    const read = pair([4, 4, 4], a, far, [1, 1, 1], [1, 1, 1]);
    expect(() => assembleCase(read.loaded, { id: 'c' })).toThrow(/c_seg\.nii\.gz lies outside the FLAIR grid's field of view/);
    expect(assembleCase(read.loaded.filter((f) => f.role !== 'seg'), { id: 'c' }).modalities.flair).toBeDefined();
  });
});
