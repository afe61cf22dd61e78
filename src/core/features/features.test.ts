import { describe, expect, it } from 'vitest';
import { checkMapping, MAPPING_PRESETS, parseMapping } from './channels.ts';
import { sliceInput } from './input.ts';
import { normaliseIntensity, percentile } from './normalise.ts';
import { extractSlice, patchOfVoxel, PLANES, resampleSlice, sliceGeometry, voxelAtInput, voxelIndex } from './slices.ts';
import { IMAGENET_MEAN, IMAGENET_STD } from '../models/dinov2/constants.ts';

describe('channel mapping', () => {
  it('has the seed presets', () => {
    expect(MAPPING_PRESETS.find((p) => p.id === 'three-modalities')!.mapping).toEqual(['flair', 't1ce', 't2']);
    expect(MAPPING_PRESETS.find((p) => p.id === 'flair-only')!.mapping).toEqual(['flair', 'flair', 'flair']);
  });
  it('parses the CLI spelling and rejects unknown names', () => {
    expect(parseMapping('flair,t1ce,none')).toEqual(['flair', 't1ce', null]);
    expect(() => parseMapping('flair,t1c,t2')).toThrow('unknown modality "t1c"');
    expect(() => parseMapping('flair,t2')).toThrow(/three channels/);
  });
  it('names what a case lacks and offers the presets that fit', () => {
    expect(() => checkMapping(['flair', 't1ce', 't2'], ['flair', 't1ce'])).toThrow(
      'this case has no T2; possible: FLAIR only, repeated to R, G, B; T1gd only, repeated to R, G, B',
    );
    expect(() => checkMapping([null, null, null], ['flair'])).toThrow(/all three channels empty/);
    expect(() => checkMapping(['flair', 'flair', 'flair'], ['flair'])).not.toThrow();
  });
});

describe('intensity normalisation', () => {
  it('matches a hand computation: non-zero voxels, percentile clipping, z-score', () => {
    // 201 brain values 0..200 plus zeros: the 0.5th/99.5th percentiles of 1..201 are 2 and 200
    const data = new Float32Array(300);
    for (let i = 0; i < 201; i++) data[i] = i + 1;
    const n = normaliseIntensity(data);
    expect(n.clip[0]).toBeCloseTo(2, 5);
    expect(n.clip[1]).toBeCloseTo(200, 5);
    // clipped values: 2, 2, 3, ..., 200, 200 -> mean 101, by symmetry
    expect(n.mean).toBeCloseTo(101, 4);
    let s2 = 0;
    for (let i = 1; i <= 201; i++) s2 += (Math.min(200, Math.max(2, i)) - 101) ** 2;
    expect(n.std).toBeCloseTo(Math.sqrt(s2 / 201), 3);
    expect(n.z[100]).toBeCloseTo(0, 5); // value 101
    expect(n.z[250]).toBe(0); // background stays 0
    expect(n.brain[250]).toBe(0);
  });
  it('leaves data that is already z-scored (nearly) unchanged', () => {
    const data = Float32Array.from({ length: 20000 }, (_, i) => Math.sqrt(-2 * Math.log((i + 0.5) / 20000)) * Math.cos(i * 2.399));
    const mask = new Uint8Array(20000).fill(1);
    const n = normaliseIntensity(data, mask);
    let worst = 0;
    for (let i = 0; i < data.length; i++) if (data[i] > n.clip[0] && data[i] < n.clip[1]) worst = Math.max(worst, Math.abs(n.z[i] - (data[i] - n.mean) / n.std));
    expect(worst).toBeLessThan(1e-5);
    expect(Math.abs(n.mean)).toBeLessThan(0.05);
    expect(Math.abs(n.std - 1)).toBeLessThan(0.05);
  });
  it('uses numpy-style linear percentiles', () => {
    expect(percentile(Float32Array.from([1, 2, 3, 4]), 50)).toBe(2.5);
  });
  it('feeds z inside the brain and black outside to the network', () => {
    const dims: [number, number, number] = [28, 28, 1];
    const data = new Float32Array(28 * 28);
    for (let i = 0; i < 28 * 14; i++) data[i] = 10 + (i % 3);
    const norm = { flair: normaliseIntensity(data) };
    const g = sliceGeometry(dims, [1, 1, 1], 'axial', 28);
    const x = sliceInput(norm, ['flair', null, 'flair'], g, 0);
    // axial rows run anterior to posterior, so y = 27 (not brain) is row 0
    expect(x[0]).toBeCloseTo(-IMAGENET_MEAN[0] / IMAGENET_STD[0], 6);
    expect(x[28 * 28]).toBe(0); // empty green channel: the ImageNet mean
    expect(x[2 * 28 * 28 + 27 * 28]).toBeCloseTo(norm.flair.z[0], 5); // row 27 is y = 0
  });
});

describe('slice geometry on a non-square volume (182 x 218 x 182)', () => {
  const dims: [number, number, number] = [182, 218, 182];
  const cases = PLANES.flatMap((plane) => [224, 448, 518].map((size) => [plane, size] as const));
  it.each(cases)('%s at %i: a one-voxel marker lands in its patch and maps back to its voxel', (plane, size) => {
    const g = sliceGeometry(dims, [1, 1, 1], plane, size);
    let seed = 7;
    const rand = (n: number) => ((seed = (seed * 1103515245 + 12345) % 2147483648), seed % n);
    for (let trial = 0; trial < 8; trial++) {
      const [k, r, c] = [rand(g.count), rand(g.rows), rand(g.cols)];
      const volume = new Float32Array(dims[0] * dims[1] * dims[2]);
      volume[voxelIndex(g, k, r, c)] = 1;
      const image = resampleSlice(extractSlice(volume, g, k), g, 0);
      const max = image.reduce((a, b) => Math.max(a, b), 0);
      // Where the marker's centre sits exactly between two pixels, both hold the maximum.
      const peaks = [...image.keys()].filter((i) => image[i] > max - 1e-6).map((i) => [Math.floor(i / size), i % size]);
      expect(peaks.length).toBeGreaterThan(0);
      expect(peaks.length).toBeLessThanOrEqual(4);
      expect(peaks.map(([u, v]) => [Math.floor(u / 14), Math.floor(v / 14)])).toContainEqual(patchOfVoxel(g, r, c));
      for (const [u, v] of peaks) expect(voxelAtInput(g, u + 0.5, v + 0.5)).toEqual([r, c]);
    }
  });
  it('keeps the aspect ratio and centres the slice', () => {
    const g = sliceGeometry(dims, [1, 1, 1], 'axial', 224); // 218 rows x 182 columns
    expect(g.scaleR).toBeCloseTo(224 / 218, 10);
    expect(g.scaleC).toBeCloseTo(g.scaleR, 10);
    expect(g.offR).toBeCloseTo(0, 10);
    expect(g.offC).toBeCloseTo((224 - 182 * g.scaleC) / 2, 10);
    expect(voxelAtInput(g, 100, 1)).toBeNull(); // the padding belongs to no voxel
  });
});
