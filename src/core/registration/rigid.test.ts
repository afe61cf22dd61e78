import { elastixNode } from '@itk-wasm/elastix';
import { describe, expect, it } from 'vitest';
import { type Affine, affineFromRows, applyAffine, invertAffine, multiply } from '../geometry/affine.ts';
import { generateSyntheticCase } from '../synthetic/brats.ts';
import { correctedAffine, type Elastix, eulerMatrix, registerRigid, rigidSize } from './rigid.ts';

const elastix: Elastix = async (p, fixed, moving) => (await elastixNode(p, { fixed, moving })).transformParameterObject as Record<string, string[]>[];

/** A rotation of `deg` about the axis (1, 2, 2)/3 through `centre`, then a shift: a patient's head turning and sliding between series. */
function motion(deg: number, shift: [number, number, number], centre: [number, number, number]): Affine {
  const [x, y, z] = [1 / 3, 2 / 3, 2 / 3];
  const t = (deg * Math.PI) / 180;
  const [c, s, k] = [Math.cos(t), Math.sin(t), 1 - Math.cos(t)];
  const r = [
    [c + x * x * k, x * y * k - z * s, x * z * k + y * s],
    [y * x * k + z * s, c + y * y * k, y * z * k - x * s],
    [z * x * k - y * s, z * y * k + x * s, c + z * z * k],
  ];
  const rc = r.map((row) => row[0] * centre[0] + row[1] * centre[1] + row[2] * centre[2]);
  return affineFromRows(r.map((row, i) => [...row, centre[i] - rc[i] + shift[i]]));
}

/**
 * A moved patient's T1 on the reference grid: its header says `moved A` (the anatomy at world x
 * shows at moved(x)), so the case's resampling reads T1 voxel (moved A)^-1 (A u) at voxel u.
 */
function resampledOnto(data: Float32Array, dims: [number, number, number], affine: Affine, moved: Affine): Float32Array {
  // The moving image on the reference grid, as the case holds it: voxel v reads the T1's voxel at (moved A)^-1 (A v).
  const toT1 = multiply(invertAffine(multiply(moved, affine)), affine);
  const [nx, ny, nz] = dims;
  const out = new Float32Array(data.length);
  for (let z = 0; z < nz; z++)
    for (let y = 0; y < ny; y++)
      for (let x = 0; x < nx; x++) {
        const [i, j, k] = applyAffine(toT1, [x, y, z]);
        const [i0, j0, k0] = [Math.floor(i), Math.floor(j), Math.floor(k)];
        if (i0 < 0 || j0 < 0 || k0 < 0 || i0 >= nx - 1 || j0 >= ny - 1 || k0 >= nz - 1) continue;
        const [fx, fy, fz] = [i - i0, j - j0, k - k0];
        let v = 0;
        for (let c = 0; c < 8; c++) {
          const [dx, dy, dz] = [c & 1, (c >> 1) & 1, (c >> 2) & 1];
          v += (dx ? fx : 1 - fx) * (dy ? fy : 1 - fy) * (dz ? fz : 1 - fz) * data[i0 + dx + nx * (j0 + dy + ny * (k0 + dz))];
        }
        out[x + nx * (y + ny * z)] = v;
      }
  return out;
}

describe('rigid alignment (elastix, Mattes mutual information)', () => {
  const c = generateSyntheticCase({ seed: 3, dims: [96, 96, 64] });
  const spacing: [number, number, number] = [1, 1, 1];
  const centre = applyAffine(c.affine, [48, 48, 30]);

  it('ITK’s Euler angles: a quarter turn about z takes x to y, about the centre it is given', () => {
    const t = eulerMatrix([0, 0, Math.PI / 2, 1, 0, 0], [10, 0, 0]);
    expect(applyAffine(t, [11, 0, 0]).map((v) => +v.toFixed(9))).toEqual([11, 1, 0]);
  });

  it('recovers a motion applied on purpose to the T1 (4° about an oblique axis, 4.1 mm) within 1° and 1 mm, FLAIR against T1 across modalities', async () => {
    const moved = motion(4, [3, -2, 2], centre);
    const t1 = resampledOnto(c.modalities.t1, c.dims, c.affine, moved);
    const found = await registerRigid({ dims: c.dims, spacing, data: c.modalities.flair }, { dims: c.dims, spacing, data: t1 }, c.affine, elastix);
    // The T1's header placed by the motion, then corrected: back where the anatomy is (the original affine).
    const error = multiply(correctedAffine(found, multiply(moved, c.affine)), invertAffine(c.affine));
    const e = rigidSize(error, centre);
    console.log(`applied ${JSON.stringify(rigidSize(moved, centre))}, found ${JSON.stringify(rigidSize(found, centre))}, residual ${JSON.stringify(e)}`);
    expect(e.rotationDeg).toBeLessThan(1);
    expect(e.shiftMm).toBeLessThan(1);
  }, 120_000);

  it('leaves sequences that already line up where they are (under 0.3° and 0.3 mm)', async () => {
    const found = await registerRigid({ dims: c.dims, spacing, data: c.modalities.flair }, { dims: c.dims, spacing, data: c.modalities.t1 }, c.affine, elastix);
    const e = rigidSize(found, centre);
    expect(e.rotationDeg).toBeLessThan(0.3);
    expect(e.shiftMm).toBeLessThan(0.3);
  }, 120_000);
});
