import { expect, it } from 'vitest';
import { sliceGeometry } from '../features/slices.ts';
import { perSliceDice, restrictToSlices } from './perSlice.ts';

// 4 x 4 x 3 volume, axial slices z = 0, 1, 2; x fastest.
const dims: [number, number, number] = [4, 4, 3];
const g = sliceGeometry(dims, [1, 1, 1], 'axial', 14);
const at = (x: number, y: number, z: number) => x + 4 * (y + 4 * z);

it('gives Dice per slice per region, and null where both masks are empty', () => {
  const truth = new Uint8Array(48);
  const pred = new Uint8Array(48);
  // z = 0: truth 2 ET voxels, prediction 1 of them -> ET 2*1/(1+2) = 2/3; WT and TC the same masks.
  truth[at(0, 0, 0)] = 4;
  truth[at(1, 0, 0)] = 4;
  pred[at(0, 0, 0)] = 4;
  // z = 1: oedema in truth only -> WT 0, TC and ET empty on both (null).
  truth[at(2, 2, 1)] = 2;
  // z = 2: nothing anywhere.
  const curve = perSliceDice(pred, truth, g, [0, 1, 2]);
  expect(curve.dice.ET![0]).toBeCloseTo(2 / 3);
  expect(curve.dice.WT).toEqual([curve.dice.ET![0], 0, null]);
  expect(curve.dice.TC![1]).toBeNull();
  expect(curve.dice.ET![2]).toBeNull();
});

it('keeps only the chosen slices', () => {
  const labels = Uint8Array.from({ length: 48 }, (_, i) => 1 + (i % 3));
  const kept = restrictToSlices(labels, g, [1]);
  for (let z = 0; z < 3; z++) for (let y = 0; y < 4; y++) for (let x = 0; x < 4; x++) expect(kept[at(x, y, z)]).toBe(z === 1 ? labels[at(x, y, z)] : 0);
});
