import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { diceScore } from '../core/metrics/dice.ts';
import { regionMask } from '../core/metrics/regions.ts';
import { generateSyntheticCase } from '../core/synthetic/brats.ts';
import { syntheticCaseFiles } from '../core/synthetic/files.ts';
import { headerFor, writeNifti } from '../core/nifti/write.ts';
import { loadVolume } from '../core/volume.ts';

const ROOT = join(import.meta.dirname, '..', '..');
const studio = (...args: string[]) => spawnSync('npx', ['tsx', 'src/cli/main.ts', ...args], { cwd: ROOT, encoding: 'utf8', maxBuffer: 64 << 20 });

it('scribbles: saved scribbles train a head per case, the prediction is written and scored against the label map it never saw', () => {
  const tmp = mkdtempSync(join(tmpdir(), 'scribbles-'));
  const c = generateSyntheticCase({ seed: 6, dims: [64, 64, 40] });
  const dir = join(tmp, c.id);
  mkdirSync(dir);
  for (const f of syntheticCaseFiles(c)) writeFileSync(join(dir, f.name), f.bytes);
  // Sparse scribbles, as dots a user might leave: every 3rd voxel of each class on the 3 slices
  // with the most tumour, and background every 6th voxel inside the head on those slices.
  const [nx, ny] = c.dims;
  const area = (z: number) => c.labels.subarray(z * nx * ny, (z + 1) * nx * ny).filter((v) => v > 0).length;
  const slices = [...Array(c.dims[2]).keys()].sort((a, b) => area(b) - area(a)).slice(0, 3);
  const pen = { 0: 1, 1: 2, 2: 3, 4: 4 } as Record<number, number>;
  const scribbles = new Uint8Array(c.labels.length);
  for (const z of slices) {
    for (let y = 0; y < ny; y++) {
      for (let x = 0; x < nx; x++) {
        const i = x + nx * (y + ny * z);
        const l = c.labels[i];
        if (l > 0 ? x % 3 === 0 && y % 3 === 0 : c.modalities.flair[i] > 0 && x % 6 === 0 && y % 6 === 0) scribbles[i] = pen[l];
      }
    }
  }
  const file = join(tmp, 'scribbles.nii.gz');
  writeFileSync(file, writeNifti(headerFor(c.dims, c.affine, 2), scribbles));
  const weights = join(tmp, 'probe.safetensors');
  expect(studio('make-checkpoint', '--preset', 'probe', '--out', weights).status).toBe(0);

  const wrong = join(tmp, 'wrong.nii.gz');
  writeFileSync(wrong, writeNifti(headerFor([64, 64, 39], c.affine, 2), new Uint8Array(64 * 64 * 39)));
  const bad = studio('scribbles', '--case', dir, '--scribbles', wrong, '--weights', weights);
  expect(bad.status).toBe(1);
  expect(bad.stderr).toContain('is not on the grid of case');

  const out = join(tmp, 'out');
  const r = studio('scribbles', '--case', dir, '--scribbles', file, '--weights', weights, '--out-dir', out);
  expect(r.status, r.stderr).toBe(0);
  const result = JSON.parse(r.stdout);
  const voxels = [1, 2, 3, 4].map((v) => scribbles.filter((s) => s === v).length);
  expect(Object.values(result.cases[0].scribbled)).toEqual(voxels);
  const prediction = loadVolume(new Uint8Array(readFileSync(join(out, `${c.id}.nii.gz`))), 'prediction');
  const wt = diceScore(regionMask(prediction.data, 'WT'), regionMask(c.labels, 'WT'))!;
  console.log(`scribbled ${voxels.join('/')} voxels on slices ${slices}; Dice ${JSON.stringify(result.cases[0].dice)}`);
  // The printed Dice is the file's, against the label map; the head never saw it.
  expect(result.cases[0].dice.WT).toBeCloseTo(wt, 3);
  // Measured: WT 0.89, TC 0.64, ET 0.47 from 186 scribbled voxels (probe checkpoint).
  expect(wt).toBeGreaterThan(0.75);
  expect(result.cases[0].dice.TC).toBeGreaterThan(0.4);
}, 240_000);
