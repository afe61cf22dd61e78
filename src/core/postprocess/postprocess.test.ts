import { describe, expect, it } from 'vitest';
import type { Dims3 } from '../geometry/orientation.ts';
import { connectedComponents, fillHoles, postprocess, removeSmallComponents } from './postprocess.ts';

const d: Dims3 = [10, 10, 4];
const at = (x: number, y: number, z: number) => x + 10 * (y + 10 * z);

function volume(paint: (set: (x: number, y: number, z: number, l: number) => void) => void): Uint8Array {
  const v = new Uint8Array(400);
  paint((x, y, z, l) => (v[at(x, y, z)] = l));
  return v;
}

describe('post-processing', () => {
  it('counts 26-connected components: diagonal neighbours join, a gap splits', () => {
    const m = volume((set) => {
      set(1, 1, 1, 1);
      set(2, 2, 2, 1); // diagonal in 3D: same component
      set(6, 6, 1, 1); // apart
    });
    const { labels, sizes } = connectedComponents(m, d);
    expect(sizes.slice(1).sort()).toEqual([1, 2]);
    expect(labels[at(1, 1, 1)]).toBe(labels[at(2, 2, 2)]);
    expect(labels[at(6, 6, 1)]).not.toBe(labels[at(1, 1, 1)]);
  });

  it('drops components under a tenth of the largest, with every label inside them', () => {
    const v = volume((set) => {
      for (let x = 0; x < 5; x++) for (let y = 0; y < 5; y++) for (let z = 0; z < 2; z++) set(x, y, z, 2); // 50 voxels
      set(2, 2, 0, 4);
      set(8, 8, 3, 4); // 1 voxel of "enhancing" far away
      for (let x = 7; x < 10; x++) for (let y = 0; y < 2; y++) set(x, y, 3, 1); // 6 voxels: 12 % of 50, kept
    });
    const out = removeSmallComponents(v, d);
    expect(out[at(8, 8, 3)]).toBe(0);
    expect(out[at(7, 0, 3)]).toBe(1);
    expect(out[at(2, 2, 0)]).toBe(4);
    expect(out.reduce((a, l) => a + (l ? 1 : 0), 0)).toBe(56);
  });

  it('drops small components of the core and of the enhancing region as well: to oedema and to necrosis', () => {
    const v = volume((set) => {
      for (let x = 0; x < 10; x++) for (let y = 0; y < 10; y++) for (let z = 0; z < 4; z++) set(x, y, z, 2); // oedema everywhere
      for (let x = 1; x < 5; x++) for (let y = 1; y < 5; y++) for (let z = 1; z < 3; z++) set(x, y, z, 4); // 32 enhancing: the main core
      set(2, 2, 1, 1); // necrosis inside it
      set(8, 8, 1, 4); // an enhancing speckle alone in the oedema: 1 voxel of core against 32
      for (let x = 5; x < 7; x++) set(x, 3, 2, 1); // necrosis joined to the core...
      set(7, 3, 2, 4); // ...and an enhancing voxel at its end, apart from the ring
    });
    const out = removeSmallComponents(v, d);
    expect(out[at(8, 8, 1)]).toBe(2);
    expect(out[at(7, 3, 2)]).toBe(1);
    expect(out[at(3, 3, 1)]).toBe(4);
    expect(out[at(2, 2, 1)]).toBe(1);
    expect(out[at(0, 0, 0)]).toBe(2);
    // counts: 400 voxels; core = 31 ET + 1 + 2 NCR + the relabelled end voxel; the speckle is oedema now
    const count = (l: number) => out.reduce((a, x) => a + (x === l ? 1 : 0), 0);
    expect([count(4), count(1), count(2)]).toEqual([31, 4, 365]);
  });

  it('fills a core that is closed only in a coronal slice', () => {
    // A ring in the x-z plane at y = 4: each axial slice cuts it into two separate bars, no hole.
    const v = volume((set) => {
      for (let x = 2; x < 7; x++) for (let z = 0; z < 4; z++) set(x, 4, z, x === 2 || x === 6 || z === 0 || z === 3 ? 4 : 0);
    });
    const out = fillHoles(v, d);
    for (let x = 3; x < 6; x++) for (let z = 1; z < 3; z++) expect(out[at(x, 4, z)]).toBe(1);
    expect(out[at(4, 3, 1)]).toBe(0);
    expect(out[at(4, 5, 1)]).toBe(0);
  });

  it('fills a ring: the core inside an enhancing rim becomes necrosis, a hole in oedema becomes oedema', () => {
    const v = volume((set) => {
      for (let x = 2; x < 7; x++) for (let y = 2; y < 7; y++) set(x, y, 1, x === 2 || x === 6 || y === 2 || y === 6 ? 4 : 0);
      set(4, 4, 1, 2); // oedema inside the rim: core too
      for (let x = 1; x < 9; x++) for (let y = 1; y < 9; y++) if (x !== 5 || y !== 5) set(x, y, 3, 2);
    });
    const out = fillHoles(v, d);
    expect(out[at(3, 3, 1)]).toBe(1);
    expect(out[at(4, 4, 1)]).toBe(1);
    expect(out[at(2, 4, 1)]).toBe(4);
    expect(out[at(0, 0, 1)]).toBe(0);
    expect(out[at(5, 5, 3)]).toBe(2);
    // a gap to the border is no hole
    const open = Uint8Array.from(v);
    open[at(6, 4, 1)] = 0;
    expect(fillHoles(open, d)[at(4, 4, 1)]).toBe(2);
    expect(fillHoles(open, d)[at(3, 3, 1)]).toBe(0);
  });

  it('runs only the steps asked for', () => {
    const v = volume((set) => {
      for (let x = 0; x < 5; x++) for (let y = 0; y < 5; y++) set(x, y, 0, 2);
      set(9, 9, 3, 2);
    });
    expect(postprocess(v, d, { hierarchy: false, components: false, holes: false })).toBe(v);
    expect(postprocess(v, d, { hierarchy: false, components: true, holes: false })[at(9, 9, 3)]).toBe(0);
  });
});
