import { describe, expect, it } from 'vitest';
import { assembleCase } from '../case/case.ts';
import { detectRole, MODALITIES, type Modality } from '../case/roles.ts';
import { loadVolume } from '../volume.ts';
import { generateSyntheticCase, TISSUE } from './brats.ts';
import { syntheticCaseFiles } from './files.ts';

const c = generateSyntheticCase({ seed: 7 });

/** Mean of a modality over the voxels of one tissue class. */
function mean(m: Modality, tissue: number): number {
  let s = 0, n = 0;
  c.tissue.forEach((t, i) => {
    if (t === tissue) [s, n] = [s + c.modalities[m][i], n + 1];
  });
  return s / n;
}

function std(m: Modality, tissue: number): number {
  const mu = mean(m, tissue);
  let s = 0, n = 0;
  c.tissue.forEach((t, i) => {
    if (t === tissue) [s, n] = [s + (c.modalities[m][i] - mu) ** 2, n + 1];
  });
  return Math.sqrt(s / n);
}

describe('synthetic BraTS-like case', () => {
  it('has the BraTS grid and labels {0, 1, 2, 4}, each present', () => {
    expect(c.dims).toEqual([240, 240, 155]);
    expect(new Set(c.labels)).toEqual(new Set([0, 1, 2, 4]));
  });

  it('puts the tumour inside the brain, necrosis inside the enhancing rim, oedema around both', () => {
    const [nx, ny] = c.dims;
    const brain = new Set<number>([TISSUE.grey, TISSUE.white, TISSUE.ventricle, TISSUE.oedema, TISSUE.enhancing, TISSUE.necrosis]);
    let necrosisTouchesOutside = 0;
    c.labels.forEach((l, i) => {
      if (l > 0) expect(brain.has(c.tissue[i])).toBe(true);
      if (l === 1) {
        for (const d of [1, -1, nx, -nx, nx * ny, -nx * ny]) if (c.labels[i + d] === 0 || c.labels[i + d] === 2) necrosisTouchesOutside++;
      }
    });
    expect(necrosisTouchesOutside).toBe(0);
    const centre = c.tumour.centre.map(Math.round);
    expect(c.labels[centre[0] + nx * (centre[1] + ny * centre[2])]).toBe(1);
    // Oedema is the outermost shell: some oedema lies further from the centre than any enhancing voxel.
    const dist = (i: number) => Math.hypot((i % nx) - c.tumour.centre[0], (Math.floor(i / nx) % ny) - c.tumour.centre[1], Math.floor(i / (nx * ny)) - c.tumour.centre[2]);
    let maxEt = 0, maxEd = 0;
    c.labels.forEach((l, i) => {
      if (l === 4) maxEt = Math.max(maxEt, dist(i));
      if (l === 2) maxEd = Math.max(maxEd, dist(i));
    });
    expect(maxEd).toBeGreaterThan(maxEt + 4);
  });

  it('has the contrasts of real MRI, tissue by tissue', () => {
    const { white, grey, csf, oedema, enhancing, necrosis } = TISSUE;
    // Enhancing rim: the brightest tissue on T1gd, and not bright on T1.
    for (const t of [white, grey, oedema, necrosis]) expect(mean('t1ce', enhancing)).toBeGreaterThan(mean('t1ce', t) + 100);
    expect(mean('t1', enhancing)).toBeLessThan(mean('t1', white));
    // Necrosis dark on T1gd.
    expect(mean('t1ce', necrosis)).toBeLessThan(mean('t1ce', grey) - 100);
    // Oedema bright on FLAIR and T2.
    expect(mean('flair', oedema)).toBeGreaterThan(mean('flair', white) + 200);
    expect(mean('flair', oedema)).toBeGreaterThan(mean('flair', grey) + 200);
    expect(mean('t2', oedema)).toBeGreaterThan(mean('t2', white) + 200);
    // CSF suppressed on FLAIR, bright on T2.
    expect(mean('flair', csf)).toBeLessThan(mean('flair', white));
    expect(mean('t2', csf)).toBeGreaterThan(mean('t2', white));
    // On FLAIR the core and the rim are within about one noise standard deviation of each other.
    expect(Math.abs(mean('flair', enhancing) - mean('flair', necrosis))).toBeLessThan(1.5 * std('flair', necrosis));
    expect(Math.abs(mean('t1ce', enhancing) - mean('t1ce', necrosis))).toBeGreaterThan(10 * std('t1ce', necrosis));
  });

  it('a seed changes the tumour; the same seed gives the same case', () => {
    const other = generateSyntheticCase({ seed: 8, dims: [120, 120, 78] });
    const small = generateSyntheticCase({ seed: 7, dims: [120, 120, 78] });
    expect(other.tumour.centre).not.toEqual(small.tumour.centre);
    expect(other.tumour.radiusMm).not.toEqual(small.tumour.radiusMm);
    expect(generateSyntheticCase({ seed: 7, dims: [120, 120, 78] }).modalities.flair).toEqual(small.modalities.flair);
  });

  it('writes .nii.gz files that load back as one case with the generated labels', () => {
    const small = generateSyntheticCase({ seed: 3, dims: [96, 96, 62] });
    const files = syntheticCaseFiles(small).map(({ name, bytes }) => ({ name, role: detectRole(name)!.role, volume: loadVolume(bytes, name) }));
    const loaded = assembleCase(files);
    expect(Object.keys(loaded.modalities).sort()).toEqual([...MODALITIES].sort());
    expect(loaded.labels!.data).toEqual(small.labels);
    expect(loaded.modalities.t1ce!.data).toEqual(small.modalities.t1ce);
  });
});
