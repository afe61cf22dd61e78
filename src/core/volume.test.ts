import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { nibabelFixtures, nibabelInspect, REAL_CASES } from '../../test/nibabel.ts';
import { headerFor, writeNifti } from './nifti/write.ts';
import { readNifti } from './nifti/read.ts';
import { compareGrids, exportLikeSource, loadVolume } from './volume.ts';

const tmp = mkdtempSync(join(tmpdir(), 'vol-'));

describe('canonical RAS+ orientation matches nibabel.as_closest_canonical', () => {
  it.each(nibabelFixtures().map((f) => [basename(f.path), f] as const))('%s', (name, ref) => {
    const vol = loadVolume(new Uint8Array(readFileSync(ref.path)), name);
    expect(vol.dims).toEqual(ref.canonical_shape);
    for (let i = 0; i < ref.canonical_data.length; i++) expect(vol.data[i]).toBeCloseTo(ref.canonical_data[i], 4);
    const flat = ref.canonical_affine.flat();
    vol.affine.forEach((v, i) => expect(v).toBeCloseTo(flat[i], 4));
  });
});

describe('voxels that are not numbers', () => {
  it('NaN and ±Inf are read as 0 (no data) and counted; the other voxels are untouched', () => {
    const values = Float32Array.from({ length: 24 }, (_, i) => i + 0.5);
    values[3] = NaN;
    values[10] = Infinity;
    values[17] = -Infinity;
    const v = loadVolume(writeNifti(headerFor([4, 3, 2], [1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1], 16), values, { gzip: true }), 'nan.nii.gz');
    expect(v.nonFinite).toBe(3);
    expect(Array.from(v.data)).toEqual(Array.from(values, (x, i) => ([3, 10, 17].includes(i) ? 0 : x)));
    const clean = loadVolume(writeNifti(headerFor([4, 3, 2], [1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1], 16), values.map((x) => (Number.isFinite(x) ? x : 1))), 'clean.nii');
    expect(clean.nonFinite).toBeUndefined();
  });
});

describe('writing .nii.gz', () => {
  it('a round trip through our writer keeps data, header fields and orientation', () => {
    for (const ref of nibabelFixtures()) {
      const vol = loadVolume(new Uint8Array(readFileSync(ref.path)), 'x');
      const again = loadVolume(exportLikeSource(vol, vol.data), 'y');
      expect(Array.from(again.data)).toEqual(Array.from(vol.data));
      expect(again.affine.map((v) => +v.toFixed(4))).toEqual(vol.affine.map((v) => +v.toFixed(4)));
      const h1 = vol.source.header;
      const h2 = again.source.header;
      expect([h2.datatype, h2.qformCode, h2.sformCode, h2.sclSlope, h2.sclInter]).toEqual([h1.datatype, h1.qformCode, h1.sformCode, h1.sclSlope, h1.sclInter]);
    }
  });

  it.each([
    [4, 'int16'],
    [1024, 'int64'],
  ] as const)('nibabel reads what we write: same data, same affine, both forms set (%s, %s)', (code, dtype) => {
    const dims: [number, number, number] = [6, 5, 4];
    const affine = [0, -2, 0, 11, 0, 0, 1.5, -7, -1, 0, 0, 3, 0, 0, 0, 1]; // a permuted, flipped grid
    const values = Float32Array.from({ length: 120 }, (_, i) => (i * 37) % 101 - 50);
    const path = join(tmp, `ours_${dtype}.nii.gz`);
    writeFileSync(path, writeNifti(headerFor(dims, affine, code), values, { gzip: true }));
    const nib = nibabelInspect(path);
    expect(nib.shape).toEqual(dims);
    expect(nib.dtype).toBe(dtype);
    expect(nib.data).toEqual(Array.from(values));
    expect(nib.affine.flat().map((v) => +v.toFixed(5))).toEqual(affine);
    expect([nib.qform_code, nib.sform_code]).toEqual([1, 1]);
  });

  it('the qform we write encodes the same affine as the sform', async () => {
    const { headerAffine } = await import('./nifti/read.ts');
    const affine = [0, -2, 0, 11, 0, 0, 1.5, -7, -1, 0, 0, 3, 0, 0, 0, 1];
    const h = headerFor([6, 5, 4], affine, 16);
    const q = headerAffine({ ...h, sformCode: 0 });
    expect(q.source).toBe('qform');
    q.affine.forEach((v, i) => expect(v).toBeCloseTo(affine[i], 5));
  });

  it('an export in the source geometry overlays the source in nibabel', () => {
    const src = nibabelFixtures().find((f) => f.path.endsWith('sform_permuted.nii.gz'))!;
    const vol = loadVolume(new Uint8Array(readFileSync(src.path)), 'src');
    const path = join(tmp, 'export.nii.gz');
    writeFileSync(path, exportLikeSource(vol, vol.data, { datatype: 16 }));
    const nib = nibabelInspect(path);
    expect(nib.shape).toEqual(src.shape);
    expect(nib.affine).toEqual(src.affine);
    expect(nib.data).toEqual(src.data);
  });
});

describe('the real cases in ../shared/real-cases', () => {
  const load = (p: string) => loadVolume(new Uint8Array(readFileSync(join(REAL_CASES, p))), p);

  it('BraTS 2015: z-scored float32 FLAIR on the 240x240x155 grid, LPS stored, RAS after loading', () => {
    const flair = load('brats2015-pat0005/Flair_subtrMeanDivStd.nii.gz');
    expect(flair.dims).toEqual([240, 240, 155]);
    expect(flair.source.reorientation.flip).toEqual([true, true, false]);
    expect(flair.affine.slice(0, 3)).toEqual([1, 0, 0]);
    let min = Infinity, max = -Infinity;
    for (const v of flair.data) [min, max] = [Math.min(min, v), Math.max(max, v)];
    expect(min).toBeCloseTo(-3.55, 1);
    expect(max).toBeGreaterThan(8);
  });

  it('BraTS 2015: the brain mask is 0/1 only after its scl_slope/scl_inter', () => {
    const raw = readNifti(new Uint8Array(readFileSync(join(REAL_CASES, 'brats2015-pat0005/brainmask.nii.gz'))));
    expect(raw.header.datatype).toBe(8);
    expect(raw.header.sclSlope).not.toBe(1);
    expect(new Set(raw.data)).toEqual(new Set([0, 1]));
  });

  it('TCGA: four int16 modalities on one grid', () => {
    const names = ['fla', 't1', 't1c', 't2'].map((m) => `tcga-fg-6692/OtherEXampleFromTCIA_${m}_bet.nii.gz`);
    const vols = names.map(load);
    for (const v of vols) expect(compareGrids(vols[0], v)).toBeNull();
    expect(vols[0].source.header.datatype).toBe(4);
  });
});
