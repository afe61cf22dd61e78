import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REAL_CASES } from '../../test/nibabel.ts';
import { writeNifti } from '../core/nifti/write.ts';
import { loadVolume } from '../core/volume.ts';

const ROOT = join(import.meta.dirname, '..', '..');
const studio = (...args: string[]) => spawnSync('npx', ['tsx', 'src/cli/main.ts', ...args], { cwd: ROOT, encoding: 'utf8', maxBuffer: 64 << 20 });
const diceByNibabel = (pred: string, truth: string, labels: string) =>
  JSON.parse(execFileSync('/usr/bin/python3', [join(ROOT, 'test', 'dice_check.py'), pred, truth, labels], { encoding: 'utf8' })).dice as number;

describe('studio CLI: experiment', () => {
  const tmp = mkdtempSync(join(tmpdir(), 'exp-'));
  const weights = join(tmp, 'tiny.safetensors');

  it('trains on one synthetic case, scores another, and writes predictions whose Dice nibabel confirms', () => {
    expect(studio('synth', '--out', tmp, '--dims', '128,128,80', '--seed', '21', '--count', '2').status).toBe(0);
    expect(studio('make-checkpoint', '--preset', 'tiny', '--out', weights).status).toBe(0);
    const out = join(tmp, 'pred');
    const r = studio('experiment', '--train', join(tmp, 'synthetic-21'), '--test', join(tmp, 'synthetic-22'), '--mapping', 'flair,t1ce,t2', '--weights', weights, '--epochs', '10', '--seed', '1', '--out-dir', out);
    expect(r.status, r.stderr).toBe(0);
    // stderr is a pipe here, as in a cluster job's log: whole lines, each phase once, no redraws.
    expect(r.stderr).not.toContain('\r');
    expect(r.stderr.split('\n').filter((l) => l === 'synthetic-22: predicting')).toHaveLength(1);
    const result = JSON.parse(r.stdout);
    expect(result.model.randomWeights).toBe(true);
    const wt = result.cases[0].regions.WT.dice;
    expect(wt).toBeGreaterThan(0.5); // measured 0.73 with the random tiny backbone
    // Independent recomputation from the files on disk, in the case's own geometry.
    const truth = join(tmp, 'synthetic-22', 'synthetic-22_seg.nii.gz');
    const pred = join(out, 'synthetic-22.nii.gz');
    expect(diceByNibabel(pred, truth, '1,2,4')).toBeCloseTo(wt, 3);
    expect(diceByNibabel(pred, truth, '1,4')).toBeCloseTo(result.cases[0].regions.TC.dice, 3);
    expect(diceByNibabel(pred, truth, '4')).toBeCloseTo(result.cases[0].regions.ET.dice, 3);
    // Volumes (mL) of the predicted and true regions, counted by nibabel from the same files.
    const ml = JSON.parse(
      execFileSync('/usr/bin/python3', ['-c', `
import json, sys, nibabel as nib, numpy as np
def vols(p):
    i = nib.load(p); d = np.asarray(i.dataobj); v = float(np.prod(i.header.get_zooms()[:3])) / 1000
    return {"WT": float((d > 0).sum() * v), "TC": float(np.isin(d, [1, 4]).sum() * v), "ET": float((d == 4).sum() * v)}
print(json.dumps({"predicted": vols(sys.argv[1]), "truth": vols(sys.argv[2])}))`, pred, truth], { encoding: 'utf8' }),
    );
    for (const region of ['WT', 'TC', 'ET']) {
      expect(result.cases[0].volumes[region].predictedMl).toBeCloseTo(ml.predicted[region], 2);
      expect(result.cases[0].volumes[region].truthMl).toBeCloseTo(ml.truth[region], 2);
    }
    expect(ml.truth.WT).toBeGreaterThan(1);
    // Same settings, same numbers.
    const again = JSON.parse(studio('experiment', '--train', join(tmp, 'synthetic-21'), '--test', join(tmp, 'synthetic-22'), '--mapping', 'flair,t1ce,t2', '--weights', weights, '--epochs', '10', '--seed', '1').stdout);
    expect(again.cases).toEqual(result.cases);
  }, 300_000);

  it('a 0/1 lesion mask trains the binary task unless --task says otherwise, as the app chooses', () => {
    const dir = join(tmp, 'lesion');
    expect(studio('synth', '--out', dir, '--dims', '48,48,24', '--seed', '31').status).toBe(0);
    const seg = join(dir, 'synthetic-31_seg.nii.gz');
    const truth = loadVolume(new Uint8Array(readFileSync(seg)), seg);
    writeFileSync(seg, writeNifti(truth.source.header, truth.data.map((v) => (v ? 1 : 0)), { gzip: true }));
    const out = join(tmp, 'lesion-pred');
    const r = studio('experiment', '--train', dir, '--test', dir, '--weights', weights, '--epochs', '1', '--hidden', '8', '--out-dir', out);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stderr).toContain('task binary, from the label values 0, 1');
    const result = JSON.parse(r.stdout);
    expect(result.settings.task).toBe('binary');
    // A lesion is scored as the lesion, not as tumour regions, and nibabel gives the same Dice from the files.
    expect(Object.keys(result.cases[0].regions)).toEqual(['lesion']);
    expect(diceByNibabel(join(out, 'lesion.nii.gz'), seg, '1,2,4')).toBeCloseTo(result.cases[0].regions.lesion.dice, 3);
  }, 120_000);

  it('on the real BraTS 2015 case: a missing modality is named; FLAIR + T1c runs and exports in the original geometry', () => {
    const bratsDir = join(REAL_CASES, 'brats2015-pat0005');
    // The mapping matters to heads that read the backbone (the default voxel head reads every modality itself).
    const bad = studio('experiment', '--train', bratsDir, '--test', bratsDir, '--mapping', 'flair,t1ce,t2', '--head', 'fine', '--weights', weights, '--epochs', '1');
    expect(bad.status).toBe(1);
    // Checked before the backbone loads or a slice is extracted.
    expect(bad.stderr).toContain('case brats2015-pat0005 has no T2, which the mapping FLAIR / T1gd / T2 needs');
    expect(bad.stderr).not.toMatch(/extract/i);
    const out = join(tmp, 'real');
    const r = studio('experiment', '--train', bratsDir, '--test', bratsDir, '--mapping', 'flair,t1ce,none', '--weights', weights, '--epochs', '3', '--seed', '2', '--out-dir', out);
    expect(r.status, r.stderr).toBe(0);
    const result = JSON.parse(r.stdout);
    expect(Object.keys(result.cases[0].regions)).toEqual(['WT', 'TC', 'ET']);
    // The export overlays the input: nibabel finds the same grid and the same Dice (labels 1..4 of the
    // 2015 file: 3 counts in the core, so WT is {1,2,3,4}).
    const truth = join(bratsDir, 'OTMultiClass.nii.gz');
    expect(diceByNibabel(join(out, 'brats2015-pat0005.nii.gz'), truth, '1,2,3,4')).toBeCloseTo(result.cases[0].regions.WT.dice, 3);
  }, 400_000);
});
