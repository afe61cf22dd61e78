import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REAL_CASES } from '../../../test/nibabel.ts';
import { loadVolume } from '../volume.ts';
import { type Affine, applyAffine, invertAffine, multiply } from './affine.ts';
import { type Grid, gridsOverlap, isotropicGrid, resample } from './resample.ts';

/** A voxel-to-world affine: rotation by `deg` about the world's x axis, then spacing, then origin. */
function tilted(spacing: [number, number, number], deg: number, origin: [number, number, number]): Affine {
  const r = (deg * Math.PI) / 180;
  const [c, s] = [Math.cos(r), Math.sin(r)];
  const R = [
    [1, 0, 0],
    [0, c, -s],
    [0, s, c],
  ];
  return [0, 1, 2].flatMap((row) => [R[row][0] * spacing[0], R[row][1] * spacing[1], R[row][2] * spacing[2], origin[row]]).concat([0, 0, 0, 1]);
}

function sampled(grid: Grid, f: (w: [number, number, number]) => number): Float32Array {
  const out = new Float32Array(grid.dims[0] * grid.dims[1] * grid.dims[2]);
  let o = 0;
  for (let k = 0; k < grid.dims[2]; k++) for (let j = 0; j < grid.dims[1]; j++) for (let i = 0; i < grid.dims[0]; i++) out[o++] = f(applyAffine(grid.affine, [i, j, k]));
  return out;
}

describe('resampling through world coordinates', () => {
  it('inverts an affine: A times its inverse is the identity', () => {
    const a = tilted([0.9, 0.9, 5.5], 17, [-100, 30, -40]);
    const id = multiply(a, invertAffine(a));
    id.forEach((v, i) => expect(v).toBeCloseTo([1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1][i], 12));
  });

  it('reproduces a field linear in world coordinates exactly, on a tilted anisotropic grid', () => {
    const linear = (w: [number, number, number]) => 3 + 0.5 * w[0] - 0.25 * w[1] + 0.125 * w[2];
    const source = { dims: [20, 24, 18] as [number, number, number], affine: tilted([1, 1, 1.5], 0, [-10, -12, -13]) };
    const target = { dims: [14, 16, 6] as [number, number, number], affine: tilted([1.1, 0.9, 2.5], 20, [-6, -5, -4]) };
    const out = resample({ ...source, data: sampled(source, linear) }, target, 'linear');
    const truth = sampled(target, linear);
    let inside = 0;
    for (let i = 0; i < out.length; i++) {
      // Voxels whose centres lie inside the source's voxel centres: plain interpolation, no edge.
      const v = applyAffine(invertAffine(source.affine), applyAffine(target.affine, [i % 14, Math.floor(i / 14) % 16, Math.floor(i / 224)]));
      if (!v.every((c, a) => c >= 0 && c <= source.dims[a] - 1)) continue;
      inside++;
      expect(out[i]).toBeCloseTo(truth[i], 4);
    }
    expect(inside).toBeGreaterThan(out.length / 2);
  });

  it('puts a marker at its world position on every grid (intensity centroid within 0.3 mm)', () => {
    const marker: [number, number, number] = [3.2, -4.7, 6.1];
    const blob = (w: [number, number, number]) => Math.exp(-((w[0] - marker[0]) ** 2 + (w[1] - marker[1]) ** 2 + (w[2] - marker[2]) ** 2) / (2 * 3 ** 2));
    const source = { dims: [48, 48, 48] as [number, number, number], affine: tilted([1, 1, 1], 0, [-24, -24, -24]) };
    const data = sampled(source, blob);
    const targets: Grid[] = [
      { dims: [40, 40, 14], affine: tilted([0.9, 0.9, 2.5], 18, [-18, -15, -14]) },
      { dims: [30, 30, 30], affine: tilted([1.2, 1.2, 1.2], -30, [-14, -28, 0]) },
      isotropicGrid({ dims: [40, 44, 10], affine: tilted([0.9, 0.9, 3], 10, [-18, -20, -14]) }, 1),
    ];
    for (const target of targets) {
      const out = resample({ ...source, data }, target, 'linear');
      const sum = [0, 0, 0];
      let mass = 0;
      out.forEach((v, i) => {
        const w = applyAffine(target.affine, [i % target.dims[0], Math.floor(i / target.dims[0]) % target.dims[1], Math.floor(i / (target.dims[0] * target.dims[1]))]);
        for (let a = 0; a < 3; a++) sum[a] += v * w[a];
        mass += v;
      });
      for (let a = 0; a < 3; a++) expect(Math.abs(sum[a] / mass - marker[a]), `grid ${targets.indexOf(target)} axis ${a}`).toBeLessThan(0.3);
    }
  });

  it('nearest keeps label values (no blends) and is 0 outside the field of view', () => {
    const source = { dims: [4, 4, 4] as [number, number, number], affine: tilted([2, 2, 2], 0, [0, 0, 0]) };
    const data = sampled(source, (w) => (w[0] < 3 ? 1 : 4));
    const target = { dims: [12, 3, 3] as [number, number, number], affine: tilted([1, 2, 2], 0, [-2, 0, 0]) };
    const out = resample({ ...source, data }, target, 'nearest');
    // Source centres at x = 0, 2, 4, 6 mm (values 1, 1, 4, 4), field of view -1..7 mm. Target
    // x = -2 is outside; -1 is on the border (inside); 3 mm is 1.5 voxels, rounded up to the
    // centre at 4 mm; 7 mm is on the far border; 8 and 9 are outside.
    expect(Array.from(out.slice(0, 12))).toEqual([0, 1, 1, 1, 1, 4, 4, 4, 4, 4, 0, 0]);
  });

  it('a label map goes onto another grid and back voxel-exactly where the grids coincide (a tilted sub-grid, whole voxels apart)', () => {
    const a = { dims: [30, 28, 12] as [number, number, number], affine: tilted([0.9, 0.9, 5.5], 12, [-10, 20, -30]) };
    // B: A's voxels 4..23 x 3..20 x 2..9, the same axes: B's voxel (i, j, k) is A's (i + 4, j + 3, k + 2).
    const origin = applyAffine(a.affine, [4, 3, 2]);
    const b = { dims: [20, 18, 8] as [number, number, number], affine: a.affine.map((v, i) => ([3, 7, 11].includes(i) ? origin[(i - 3) / 4] : v)) };
    const labels = Float32Array.from({ length: 30 * 28 * 12 }, (_, i) => [0, 1, 2, 4][(i * 7919) % 4]);
    const onB = resample({ ...a, data: labels }, b, 'nearest');
    for (let k = 0; k < 8; k++) for (let j = 0; j < 18; j++) for (let i = 0; i < 20; i++) expect(onB[i + 20 * (j + 18 * k)]).toBe(labels[i + 4 + 30 * (j + 3 + 28 * (k + 2))]);
    const back = resample({ ...b, data: onB }, a, 'nearest');
    let inside = 0;
    for (let k = 2; k < 10; k++)
      for (let j = 3; j < 21; j++)
        for (let i = 4; i < 24; i++, inside++) expect(back[i + 30 * (j + 28 * k)]).toBe(labels[i + 30 * (j + 28 * k)]);
    expect(inside).toBe(20 * 18 * 8);
  });

  it('isotropic grids cover the reference field of view along its axes; disjoint grids do not overlap', () => {
    const ref = { dims: [208, 256, 26] as [number, number, number], affine: tilted([0.898, 0.898, 5.5], 12, [-90, -100, -60]) };
    const iso = isotropicGrid(ref, 1);
    expect(iso.dims).toEqual([187, 230, 143]);
    // The outer faces coincide: voxel -0.5 of both grids is the same world point.
    const a = applyAffine(ref.affine, [-0.5, -0.5, -0.5]);
    const b = applyAffine(iso.affine, [-0.5, -0.5, -0.5]);
    a.forEach((v, i) => expect(b[i]).toBeCloseTo(v, 9));
    expect(gridsOverlap(ref, iso)).toBe(true);
    expect(gridsOverlap(ref, { dims: [10, 10, 10], affine: tilted([1, 1, 1], 0, [500, 0, 0]) })).toBe(false);
  });
});

describe('the raw TCGA-FG-6692 sequences (three grids) against scipy', () => {
  const dir = join(REAL_CASES, 'tcga-fg-6692-raw');
  const files = ['MRHR_FLAIR', 'MRHR_T2', 'MRHR_T1_AX_POST_GAD', 'T1_AX'].map((p) => join(dir, readdirSync(dir).find((n) => n.startsWith(p))!));
  const load = (p: string) => loadVolume(new Uint8Array(readFileSync(p)), p);

  it('each sequence resampled onto the FLAIR grid agrees with scipy map_coordinates (trilinear)', () => {
    const flair = load(files[0]);
    const tmp = mkdtempSync(join(tmpdir(), 'resample-'));
    for (const f of files.slice(1)) {
      const v = load(f);
      const ours = resample(v, flair, 'linear');
      const out = join(tmp, 'ref.nii');
      execFileSync('/usr/bin/python3', [join(import.meta.dirname, '..', '..', '..', 'test', 'resample_reference.py'), f, files[0], '1', out]);
      const theirs = load(out);
      expect(theirs.dims).toEqual(flair.dims);
      let range = 0;
      let worst = 0;
      for (let i = 0; i < ours.length; i++) {
        range = Math.max(range, Math.abs(theirs.data[i]));
        worst = Math.max(worst, Math.abs(ours[i] - theirs.data[i]));
      }
      expect(range).toBeGreaterThan(100);
      expect(worst / range).toBeLessThan(1e-4);
    }
  });
});
