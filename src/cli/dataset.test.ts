import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { REAL_CASES } from '../../test/nibabel.ts';
import { parseSplit } from '../core/dataset/split.ts';
import { datasetCases } from './store/dataset.ts';

const ROOT = join(import.meta.dirname, '..', '..');
const studio = (...args: string[]) => spawnSync('npx', ['tsx', 'src/cli/main.ts', ...args], { cwd: ROOT, encoding: 'utf8', maxBuffer: 64 << 20 });
const BRATS_2018 = ['brats2018-cbica-abm', 'brats2018-tcia01-201', 'brats2018-tcia03-265', 'brats2018-tcia13-623'];

/** The four BraTS 2018 cases as one dataset folder, linked, never copied. */
function brats2018Dataset(): string {
  const dir = join(mkdtempSync(join(tmpdir(), 'dataset-')), 'brats2018');
  mkdirSync(dir);
  for (const c of BRATS_2018) symlinkSync(join(REAL_CASES, c), join(dir, c));
  return dir;
}

it('the four BraTS 2018 folders open as a dataset: one case per folder, all four modalities and the label map', () => {
  const cases = datasetCases(brats2018Dataset(), () => {});
  expect(cases.map((c) => c.id)).toEqual(BRATS_2018);
  for (const c of cases) {
    expect(c.modalities).toEqual(['flair', 't1', 't1ce', 't2']);
    expect(c.hasLabels).toBe(true);
    expect(c.problems).toEqual([]);
  }
});

it('a split by case through the CLI: compare two mappings on the test cases with paired statistics, and experiment with the written split file gives the same Dice', () => {
  const dataset = brats2018Dataset();
  const tmp = mkdtempSync(join(tmpdir(), 'dataset-run-'));
  const weights = join(tmp, 'tiny.safetensors');
  expect(studio('make-checkpoint', '--preset', 'tiny', '--out', weights).status).toBe(0);

  const bad = join(tmp, 'other.json');
  writeFileSync(bad, JSON.stringify({ train: ['brats2018-cbica-abm'], test: ['BraTS2021_00000'] }));
  const refused = studio('experiment', '--dataset', dataset, '--split', bad, '--weights', weights);
  expect(refused.status).toBe(1);
  expect(refused.stderr).toContain('the split names 1 case the dataset does not have: BraTS2021_00000');

  const splitFile = join(tmp, 'split.json');
  // Downsampled by 2: the test is about the split and the pairing, not the Dice of a full-resolution run.
  const common = ['--weights', weights, '--epochs', '1', '--seed', '2', '--size', '112', '--downsample', '2'];
  const r = studio('compare', '--dataset', dataset, '--split-seed', '5', '--test-fraction', '0.5', '--write-split', splitFile, '--mappings', 'flair,t1ce,t2', 'flair,flair,flair', ...common, '--csv', join(tmp, 'c.csv'));
  expect(r.status, r.stderr).toBe(0);
  const out = JSON.parse(r.stdout);
  const split = parseSplit(JSON.parse(readFileSync(splitFile, 'utf8')));
  expect(split.train).toHaveLength(2);
  expect(split.test).toHaveLength(2);
  expect([...split.train, ...split.test].sort()).toEqual(BRATS_2018);
  expect(out.split).toMatchObject({ train: split.train, test: split.test, seed: 5 });
  expect(out.evaluation).toEqual({ kind: 'test cases', train: split.train, test: split.test });
  const [first, second] = out.experiments;
  expect(first.cases.map((c: { case: string }) => c.case)).toEqual(split.test);
  // The paired difference is second minus first, case by case.
  const wt = (e: typeof first) => e.cases.map((c: { WT: { dice: number } }) => c.WT.dice);
  const d = wt(second).map((v: number, i: number) => v - wt(first)[i]);
  expect(out.differences[0].paired.WT.n).toBe(2);
  expect(out.differences[0].paired.WT.mean).toBeCloseTo((d[0] + d[1]) / 2, 3);
  // Two pairs of non-zero, untied differences: the exact Wilcoxon p is 0.5 (same signs) or 1.
  expect([0.5, 1]).toContain(out.differences[0].paired.WT.wilcoxonP);

  // The comparison's arm read the modalities its mapping names; the single run reads those too when told.
  const again = studio('experiment', '--dataset', dataset, '--split', splitFile, '--mapping', 'flair,t1ce,t2', '--modalities', 'flair,t1ce,t2', '--head', 'fine', ...common);
  expect(again.status, again.stderr).toBe(0);
  const e = JSON.parse(again.stdout);
  expect(e.cases.map((c: { case: string }) => c.case)).toEqual(split.test);
  for (const [i, c] of e.cases.entries()) for (const region of ['WT', 'TC', 'ET']) expect(c.regions[region].dice).toBe(first.cases[i][region].dice);
}, 900_000);
