import { describe, expect, it } from 'vitest';
import { ranoDiameters, volumeMl } from './readout.ts';

function mask(dims: [number, number, number], inside: (x: number, y: number, z: number) => boolean): Uint8Array {
  const out = new Uint8Array(dims[0] * dims[1] * dims[2]);
  for (let z = 0; z < dims[2]; z++) for (let y = 0; y < dims[1]; y++) for (let x = 0; x < dims[0]; x++) out[x + dims[0] * (y + dims[1] * z)] = inside(x, y, z) ? 1 : 0;
  return out;
}

describe('a clinician’s read-out', () => {
  it('volume in mL: voxels times the voxel volume', () => {
    // 10 x 10 x 4 voxels of 0.9 x 0.9 x 5.5 mm = 400 x 4.455 mm³ = 1.782 mL
    const m = mask([20, 20, 6], (x, y, z) => x < 10 && y < 10 && z < 4);
    expect(volumeMl(m, [0.9, 0.9, 5.5])).toBeCloseTo(1.782, 6);
  });

  it('RANO diameters of an axis-aligned rectangle of pixels: the diagonal, and the chord across it', () => {
    // 12 x 4 pixels of 1 mm on one slice: edge to edge the diagonal is hypot(12, 4) = 12.65 mm.
    const m = mask([20, 10, 3], (x, y, z) => z === 1 && x >= 2 && x < 14 && y >= 3 && y < 7);
    const r = ranoDiameters(m, [20, 10, 3], [1, 1, 1])!;
    expect(r.slice).toBe(1);
    expect(r.longestMm).toBeCloseTo(Math.hypot(12, 4), 6);
    // Perpendicular to the diagonal, the longest chord of a 12 x 4 rectangle: 4 / cos(atan(4/12)) ≈ 4.22,
    // measured in whole pixels (a pixel's footprint across that direction, ~1.26 mm) within ±1.3 mm.
    expect(Math.abs(r.perpendicularMm - 4 / Math.cos(Math.atan(4 / 12)))).toBeLessThan(1.3);
  });

  it('RANO diameters of an ellipse on anisotropic pixels: its two axes in mm, on the slice where it is widest', () => {
    // Semi-axes 20 mm along x and 8 mm along y, pixels 0.5 x 1 mm; slices 3 mm apart, widest at z = 4.
    const dims: [number, number, number] = [120, 40, 9];
    const m = mask(dims, (x, y, z) => {
      const s = 1 - ((z - 4) * 3) ** 2 / 15 ** 2;
      return s > 0 && ((x - 60) * 0.5) ** 2 / (20 ** 2 * s) + ((y - 20) * 1) ** 2 / (8 ** 2 * s) <= 1;
    });
    const r = ranoDiameters(m, dims, [0.5, 1, 3])!;
    expect(r.slice).toBe(4);
    expect(Math.abs(r.longestMm - 40)).toBeLessThan(1.2);
    expect(Math.abs(r.perpendicularMm - 16)).toBeLessThan(1.2);
    expect(r.productMm2).toBeCloseTo(r.longestMm * r.perpendicularMm, 9);
  });

  it('the largest lesion is measured, and an empty region has none', () => {
    const dims: [number, number, number] = [40, 40, 3];
    const m = mask(dims, (x, y, z) => z === 1 && ((x < 5 && y < 5) || (x >= 15 && x < 35 && y >= 15 && y < 25)));
    expect(ranoDiameters(m, dims, [1, 1, 1])!.longestMm).toBeCloseTo(Math.hypot(20, 10), 6);
    expect(ranoDiameters(new Uint8Array(40 * 40 * 3), dims, [1, 1, 1])).toBeNull();
  });
});
