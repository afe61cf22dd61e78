import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = join(import.meta.dirname, '..', '..');
const studio = (...args: string[]) => spawnSync('npx', ['tsx', 'src/cli/main.ts', ...args], { cwd: ROOT, encoding: 'utf8', maxBuffer: 64 << 20 });
const py = (code: string, ...args: string[]) => execFileSync('/usr/bin/python3', ['-c', code, ...args], { encoding: 'utf8' });

/** Mean absolute difference of two volumes inside the second's brain (nibabel), relative to its mean there. */
const mismatch = (a: string, b: string) =>
  Number(py(`
import sys, nibabel as nib, numpy as np
a, b = np.asarray(nib.load(sys.argv[1]).dataobj, float), np.asarray(nib.load(sys.argv[2]).dataobj, float)
m = b > 0
print(np.abs(a[m] - b[m]).mean() / b[m].mean())`, a, b));

describe('studio CLI: reslice --register', () => {
  it('a T1 whose patient moved (5° about z and 3.7 mm, written into its header by nibabel) is put back in line with the FLAIR; the sequences that did not move stay', () => {
    const dir = mkdtempSync(join(tmpdir(), 'register-'));
    const caseDir = join(dir, 'synthetic-7');
    expect(studio('synth', '--out', caseDir, '--dims', '96,96,64', '--seed', '7', '--count', '1').status).toBe(0);
    const t1 = join(caseDir, 'synthetic-7_t1.nii.gz');
    const original = join(dir, 't1-original.nii.gz');
    // The patient turned and slid: the same voxels, placed elsewhere in the world.
    py(`
import sys, shutil, numpy as np, nibabel as nib
shutil.copy(sys.argv[1], sys.argv[2])
i = nib.load(sys.argv[2]); a = i.affine
t = np.deg2rad(5); c = a[:3, :3] @ (np.array(i.shape) / 2) + a[:3, 3]
r = np.array([[np.cos(t), -np.sin(t), 0], [np.sin(t), np.cos(t), 0], [0, 0, 1]])
m = np.eye(4); m[:3, :3] = r; m[:3, 3] = c - r @ c + np.array([2, -3, 1])
j = nib.Nifti1Image(np.asarray(i.dataobj), m @ a, i.header); j.set_sform(m @ a, 1); j.set_qform(m @ a, 1)
nib.save(j, sys.argv[1])`, t1, original);
    const plain = join(dir, 'plain');
    expect(studio('reslice', caseDir, '--out', plain).status).toBe(0);
    const aligned = join(dir, 'aligned');
    const r = studio('reslice', caseDir, '--out', aligned, '--register');
    expect(r.status, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/aligning T1 to the reference/);
    const record = JSON.parse(readFileSync(join(aligned, 'case.json'), 'utf8'));
    const byRole = Object.fromEntries(record.files.map((f: { role: string }) => [f.role, f]));
    console.log(`T1: ${JSON.stringify({ rotationDeg: byRole.t1.alignment.rotationDeg, shiftMm: byRole.t1.alignment.shiftMm })}; T2: ${JSON.stringify({ rotationDeg: byRole.t2.alignment.rotationDeg, shiftMm: byRole.t2.alignment.shiftMm })}`);
    // The motion applied: 5° and, at the grid's centre, the 3.74 mm shift.
    expect(byRole.t1.alignment.rotationDeg).toBeCloseTo(5, 0);
    expect(Math.abs(byRole.t1.alignment.shiftMm - Math.hypot(2, 3, 1))).toBeLessThan(1);
    for (const role of ['t1ce', 't2']) {
      expect(byRole[role].alignment.rotationDeg).toBeLessThan(0.3);
      expect(byRole[role].alignment.shiftMm).toBeLessThan(0.3);
    }
    // On the FLAIR grid, the aligned T1 matches the T1 as it was before the motion; the plain reslice does not.
    const before = mismatch(join(plain, 't1.nii.gz'), original);
    const after = mismatch(join(aligned, 't1.nii.gz'), original);
    console.log(`T1 against its unmoved self: ${before.toFixed(3)} resliced as written, ${after.toFixed(3)} aligned`);
    expect(after).toBeLessThan(0.05);
    expect(before).toBeGreaterThan(4 * after);
    expect(studio('reslice', caseDir, '--out', aligned, '--register', 'yes').stderr).toMatch(/--register takes no value/);
  }, 300_000);
});

describe('studio CLI: reslice --register on a real scan', () => {
  it('the raw TCGA-FG-6692 sequences (skull on, three grids) line up better with the FLAIR once aligned: head overlap by scipy', () => {
    const raw = join(ROOT, '..', 'shared', 'real-cases', 'tcga-fg-6692-raw');
    const [plain, aligned] = [mkdtempSync(join(tmpdir(), 'tcga-plain-')), mkdtempSync(join(tmpdir(), 'tcga-aligned-'))];
    expect(studio('reslice', raw, '--out', plain).status).toBe(0);
    const r = studio('reslice', raw, '--out', aligned, '--register');
    expect(r.status, r.stderr).toBe(0);
    // The head of each sequence (above a tenth of its 99th percentile, largest component, scipy) against the FLAIR's: Dice.
    const overlap = (dir: string) =>
      JSON.parse(py(`
import json, sys, nibabel as nib, numpy as np
from scipy import ndimage
def head(p):
    d = np.asarray(nib.load(p).dataobj, float); m = d > 0.1 * np.percentile(d[d > 0], 99)
    lab, n = ndimage.label(m); sizes = ndimage.sum(m, lab, range(1, n + 1))
    return lab == (1 + int(np.argmax(sizes)))
f = head(sys.argv[1] + '/flair.nii.gz')
print(json.dumps({m: float(2 * (f & head(sys.argv[1] + '/' + m + '.nii.gz')).sum() / (f.sum() + head(sys.argv[1] + '/' + m + '.nii.gz').sum())) for m in ['t1', 't1ce', 't2']}))`, dir)) as Record<string, number>;
    const [before, after] = [overlap(plain), overlap(aligned)];
    console.log(`head overlap with the FLAIR (Dice), as written -> aligned: ${['t1', 't1ce', 't2'].map((m) => `${m} ${before[m].toFixed(3)} -> ${after[m].toFixed(3)}`).join(', ')}`);
    for (const m of ['t1', 't1ce', 't2']) expect(after[m]).toBeGreaterThan(before[m]);
    expect(Math.min(after.t1, after.t1ce, after.t2)).toBeGreaterThan(0.9);
  }, 300_000);
});
