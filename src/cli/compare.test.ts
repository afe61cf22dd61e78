import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { REAL_CASES } from '../../test/nibabel.ts';

const ROOT = join(import.meta.dirname, '..', '..');
const studio = (...args: string[]) => spawnSync('npx', ['tsx', 'src/cli/main.ts', ...args], { cwd: ROOT, encoding: 'utf8', maxBuffer: 64 << 20 });

it('compare on the real cases: a missing modality is named, then two mappings give a table and a CSV', () => {
  const tmp = mkdtempSync(join(tmpdir(), 'compare-'));
  const weights = join(tmp, 'tiny.safetensors');
  expect(studio('make-checkpoint', '--preset', 'tiny', '--out', weights).status).toBe(0);
  const cases = [join(REAL_CASES, 'brats2015-pat0005'), join(REAL_CASES, 'tcga-fg-6692')];
  const bad = studio('compare', '--train', ...cases, '--mappings', 'flair,t1ce,t2', 'flair,flair,flair', '--weights', weights, '--epochs', '1');
  expect(bad.status).toBe(1);
  expect(bad.stderr).toContain('case brats2015-pat0005 has no T2, which the mapping FLAIR / T1gd / T2 needs');

  const csv = join(tmp, 'table.csv');
  const html = join(tmp, 'report.html');
  const r = studio('compare', '--train', ...cases, '--mappings', 'flair,t1ce,none', 'flair,flair,flair', '--weights', weights, '--epochs', '2', '--seed', '4', '--csv', csv, '--html', html);
  expect(r.status, r.stderr).toBe(0);
  const out = JSON.parse(r.stdout);
  expect(out.model.randomWeights).toBe(true);
  expect(out.evaluation).toEqual({ kind: 'held-out slices', cases: ['brats2015-pat0005', 'tcga-fg-6692'], validation: 0.2 });
  expect(out.experiments.map((e: { mapping: string }) => e.mapping)).toEqual(['flair,t1ce,none', 'flair,flair,flair']);
  // Each arm reads the modalities its mapping names, the FLAIR-only arm FLAIR alone, voxel inputs included.
  expect(out.experiments.map((e: { modalities: string[] }) => e.modalities)).toEqual([['flair', 't1ce'], ['flair']]);
  expect(out.experiments[1].voxelColumns.every((c: string) => /^(flair|brain):/.test(c))).toBe(true);
  expect(out.experiments[0].voxelColumns.some((c: string) => c.startsWith('t1ce:'))).toBe(true);
  const rows = readFileSync(csv, 'utf8').trim().split('\n').slice(1).map((l) => l.match(/("[^"]*"|[^,]*)(,|$)/g)!.map((x) => x.replace(/,$/, '')));
  expect(rows.length).toBe(2 * 2 * 3 + 3);
  // The CSV and the printed table agree, and the mean is the mean of the CSV's rows.
  for (const e of out.experiments) {
    for (const region of ['WT', 'TC', 'ET']) {
      const values = rows.filter((x) => x[0] === e.name && x[8] === region && x[7] !== 'paired difference by case').map((x) => Number(x[9]));
      expect(values.length).toBe(2);
      expect(e.dice[region].mean).toBeCloseTo((values[0] + values[1]) / 2, 3);
    }
  }
  expect(out.differences[0].dice.WT.mean).toBeCloseTo(out.experiments[1].dice.WT.mean - out.experiments[0].dice.WT.mean, 3);
  expect(readFileSync(html, 'utf8')).toContain('RANDOM weights');
}, 600_000);

it('3 modalities vs FLAIR only on real BraTS 2018 patients: without T1gd the FLAIR-only arm cannot find the enhancing tumour', () => {
  // Enhancing tumour is contrast uptake on T1gd. The probe checkpoint passes each channel's patch
  // means on, and the default head also reads voxel inputs, which must come from FLAIR alone in the
  // FLAIR-only arm: when they read every modality (before), that arm scored ET about as well.
  const tmp = mkdtempSync(join(tmpdir(), 'compare-real-'));
  const weights = join(tmp, 'probe.safetensors');
  expect(studio('make-checkpoint', '--preset', 'probe', '--out', weights).status).toBe(0);
  const [train, ...test] = ['brats2018-tcia03-265', 'brats2018-tcia01-201', 'brats2018-cbica-abm'].map((c) => join(REAL_CASES, c));
  const r = studio('compare', '--train', train, '--test', ...test, '--mappings', 'flair,t1ce,t2', 'flair,flair,flair', '--weights', weights, '--epochs', '5', '--seed', '1', '--csv', join(tmp, 'c.csv'));
  expect(r.status, r.stderr).toBe(0);
  const [three, flair] = JSON.parse(r.stdout).experiments;
  expect(flair.modalities).toEqual(['flair']);
  console.log(`ET Dice, 3 modalities vs FLAIR only: ${three.cases.map((c: { case: string; ET: { dice: number } }, i: number) => `${c.case} ${c.ET.dice} vs ${flair.cases[i].ET.dice}`).join('; ')}`);
  // Measured: 0.717 vs 0.065 and 0.737 vs 0.376.
  for (const [i, c] of three.cases.entries()) expect(c.ET.dice).toBeGreaterThan(flair.cases[i].ET.dice + 0.2);
  // The whole tumour is bright on FLAIR: FLAIR alone finds it nearly as well.
  expect(Math.abs(three.dice.WT.mean - flair.dice.WT.mean)).toBeLessThan(0.1);
}, 600_000);

it('--voxel-inputs holds the voxel inputs fixed across the arms, and the output says so', () => {
  const tmp = mkdtempSync(join(tmpdir(), 'compare-fixed-'));
  const weights = join(tmp, 'probe.safetensors');
  expect(studio('make-checkpoint', '--preset', 'probe', '--out', weights).status).toBe(0);
  expect(studio('synth', '--out', tmp, '--dims', '48,48,32', '--seed', '41', '--count', '2').status).toBe(0);
  const run = (...more: string[]) => studio('compare', '--train', join(tmp, 'synthetic-41'), '--test', join(tmp, 'synthetic-42'), '--mappings', 'flair,t1ce,t2', 'flair,flair,flair', '--weights', weights, '--epochs', '1', '--hidden', '8', '--csv', join(tmp, 'c.csv'), ...more);
  const r = run('--voxel-inputs', 'flair,t1,t1ce,t2');
  expect(r.status, r.stderr).toBe(0);
  const flair = JSON.parse(r.stdout).experiments[1];
  expect(flair.voxelInputsFixed).toBe(true);
  expect(flair.modalities).toEqual(['flair', 't1', 't1ce', 't2']);
  expect(flair.voxelColumns.filter((c: string) => c.startsWith('t1ce:')).length).toBeGreaterThan(0);
  expect(readFileSync(join(tmp, 'c.csv'), 'utf8')).toContain('flair t1 t1ce t2 (voxel inputs held fixed)');
  // A misspelled modality is refused by name, before any work.
  const bad = run('--voxel-inputs', 'flair,t1c');
  expect(bad.status).toBe(2);
  expect(bad.stderr).toContain('--voxel-inputs: unknown modality "t1c"');
}, 300_000);
