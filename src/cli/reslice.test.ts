import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REAL_CASES } from '../../test/nibabel.ts';
import { exportLikeSource, loadVolume } from '../core/volume.ts';

const ROOT = join(import.meta.dirname, '..', '..');
const studio = (...args: string[]) => spawnSync('npx', ['tsx', 'src/cli/main.ts', ...args], { cwd: ROOT, encoding: 'utf8', maxBuffer: 64 << 20 });
const RAW = join(REAL_CASES, 'tcga-fg-6692-raw');
const rawFile = (prefix: string) => join(RAW, readdirSync(RAW).find((n) => n.startsWith(prefix))!);

/** nibabel's view of two files: same affine? largest difference of values, relative to the second's range. */
const compareByNibabel = (a: string, b: string) =>
  JSON.parse(
    execFileSync('/usr/bin/python3', ['-c', `
import json, sys, nibabel as nib, numpy as np
a, b = nib.load(sys.argv[1]), nib.load(sys.argv[2])
da, db = a.get_fdata(), b.get_fdata()
print(json.dumps({"affine": float(np.abs(a.affine - b.affine).max()), "shape": list(a.shape) == list(b.shape),
  "diff": float(np.abs(da - db).max() / np.abs(db).max())}))`, a, b], { encoding: 'utf8' }),
  ) as { affine: number; shape: boolean; diff: number };

describe('studio CLI: the raw TCGA-FG-6692 sequences (three grids) as one case', () => {
  it('info lists each file on its own grid (dims, spacing, axis codes as nibabel gives them) and names the reference', () => {
    const r = studio('info', RAW);
    expect(r.status, r.stderr).toBe(0);
    const info = JSON.parse(r.stdout);
    expect(info.reference.grid).toBe('FLAIR');
    expect(info.reference.resampled).toHaveLength(3);
    const byRole = Object.fromEntries(info.files.map((f: { role: string }) => [f.role, f]));
    expect(byRole.flair.dims).toEqual([208, 256, 26]);
    expect(byRole.t2.dims).toEqual([224, 256, 26]);
    expect(byRole.t1ce.dims).toEqual([256, 224, 26]);
    const nib = JSON.parse(
      execFileSync('/usr/bin/python3', ['-c', 'import json,sys,nibabel as nib; i=nib.load(sys.argv[1]); print(json.dumps(["".join(nib.aff2axcodes(i.affine)), [float(z) for z in i.header.get_zooms()]]))', rawFile('MRHR_T2')], { encoding: 'utf8' }),
    );
    expect(byRole.t2.orientation).toBe(nib[0]);
    byRole.t2.spacing.forEach((s: number, a: number) => expect(s).toBeCloseTo(nib[1][a], 3));
  });

  it('reslice writes every sequence on the FLAIR grid; each agrees with scipy resampling the raw file, and the FLAIR is unchanged', () => {
    const out = mkdtempSync(join(tmpdir(), 'reslice-'));
    const r = studio('reslice', RAW, '--out', out);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/resampled onto the FLAIR grid \(208x256x26, 0\.90x0\.90x5\.50 mm\)/);
    const record = JSON.parse(readFileSync(join(out, 'case.json'), 'utf8'));
    // The raw scan has skull and noisy air: its head mask is written beside the sequences.
    expect(record.files.map((f: { file: string }) => f.file).sort()).toEqual(['brainmask.nii.gz', 'flair.nii.gz', 't1.nii.gz', 't1ce.nii.gz', 't2.nii.gz']);
    expect(r.stderr).toMatch(/a head mask \(Otsu's threshold/);
    const flair = compareByNibabel(join(out, 'flair.nii.gz'), rawFile('MRHR_FLAIR'));
    expect(flair).toEqual({ affine: expect.any(Number), shape: true, diff: 0 });
    expect(flair.affine).toBeLessThan(1e-4);
    for (const [file, raw] of [['t2.nii.gz', 'MRHR_T2'], ['t1ce.nii.gz', 'MRHR_T1_AX_POST_GAD'], ['t1.nii.gz', 'T1_AX']]) {
      const reference = join(out, `scipy-${file}`);
      execFileSync('/usr/bin/python3', [join(ROOT, 'test', 'resample_reference.py'), rawFile(raw), rawFile('MRHR_FLAIR'), '1', reference.replace(/\.gz$/, '')]);
      const c = compareByNibabel(join(out, file), reference.replace(/\.gz$/, ''));
      expect(c.shape).toBe(true);
      expect(c.affine).toBeLessThan(1e-4);
      expect(c.diff).toBeLessThan(1e-4);
    }
  });

  it('an isotropic reference grid covers the FLAIR field of view; a bad one is a usage error', () => {
    const out = mkdtempSync(join(tmpdir(), 'reslice-iso-'));
    const r = studio('reslice', RAW, '--out', out, '--reference', 'iso:2');
    expect(r.status, r.stderr).toBe(0);
    // 208 x 0.898 mm = 186.9 mm: 93 voxels of 2 mm; 26 x 5.5 mm = 143 mm: 72.
    expect(JSON.parse(r.stdout).reference).toMatchObject({ grid: '2 mm isotropic over FLAIR', dims: [93, 115, 72], spacing: [2, 2, 2] });
    const bad = studio('reslice', RAW, '--out', out, '--reference', 'pd');
    expect(bad.status).toBe(2);
    expect(bad.stderr).toMatch(/--reference pd: one of flair, t1, t1ce, t2 or iso:SPACING/);
  });
});

describe('studio CLI: a DICOM folder as a PACS exports it (series in sub-folders, a localizer among them)', () => {
  const tmp = mkdtempSync(join(tmpdir(), 'dicom-cli-'));
  const write = (sub: string, spec: unknown[]) => {
    const file = join(tmp, `${sub}.json`);
    writeFileSync(file, JSON.stringify(spec));
    execFileSync('/usr/bin/python3', [join(ROOT, 'test', 'write_dicom.py'), join(tmp, 'export', sub), file]);
  };
  write('S3', [{ number: 3, description: 'AX FLAIR', dims: [24, 20, 10], spacing: 1.0, thickness: 2.0 }]);
  write('S5', [
    { number: 5, description: 'T1 AX POST GAD', dims: [20, 24, 8], spacing: 1.2, thickness: 2.5, tilt: 15 },
    { number: 1, description: 'AAHead_Scout', dims: [24, 20, 3], spacing: 1.0, thickness: 2.0 },
  ]);

  it('info lists the series with roles, the skipped localizer and the patient', () => {
    const r = studio('info', join(tmp, 'export'));
    expect(r.status, r.stderr).toBe(0);
    const info = JSON.parse(r.stdout);
    expect(info.files.map((f: { name: string; role: string }) => [f.name, f.role])).toEqual([['3_AX_FLAIR.nii', 'flair'], ['5_T1_AX_POST_GAD.nii', 't1ce']]);
    expect(info.skippedSeries).toEqual([{ name: '1_AAHead_Scout.nii (AAHead_Scout)', reason: 'a localizer' }]);
    expect(info.patient).toEqual({ name: 'Test^Patient', id: 'P123', studyDate: '2026-01-01' });
    expect(info.reference).toEqual({ grid: 'FLAIR', resampled: ['5_T1_AX_POST_GAD.nii'] });
  });

  it("reslice puts the tilted T1gd on the FLAIR grid as Debian's dcm2niix and scipy do it", () => {
    const out = join(tmp, 'resliced');
    const r = studio('reslice', join(tmp, 'export'), '--out', out);
    expect(r.status, r.stderr).toBe(0);
    const debian = join(tmp, 'debian');
    execFileSync('mkdir', ['-p', debian]);
    execFileSync('dcm2niix', ['-z', 'n', '-f', '%s_%d', '-o', debian, join(tmp, 'export')]);
    const reference = join(tmp, 'scipy-t1ce.nii');
    execFileSync('/usr/bin/python3', [join(ROOT, 'test', 'resample_reference.py'), join(debian, '5_T1_AX_POST_GAD.nii'), join(debian, '3_AX_FLAIR.nii'), '1', reference]);
    const c = compareByNibabel(join(out, 't1ce.nii.gz'), reference);
    expect(c.shape).toBe(true);
    expect(c.affine).toBeLessThan(1e-3);
    expect(c.diff).toBeLessThan(1e-4);
  });

  it('scribbles reads the export as a case folder: the strokes are on the FLAIR grid it converts to', () => {
    const weights = join(tmp, 'probe.safetensors');
    expect(studio('make-checkpoint', '--preset', 'probe', '--seed', '1', '--naming', 'hf', '--out', weights).status).toBe(0);
    // Strokes on the FLAIR grid (the case reference), inside its head mask (the brighter half of the phantom): lesion where brightest.
    const flair = loadVolume(new Uint8Array(readFileSync(join(tmp, 'resliced', 'flair.nii.gz'))), 'flair.nii.gz');
    const strokes = Float32Array.from(flair.data, (v, i) => (i % 5 ? 0 : v > 6000 ? 2 : v > 3500 && v < 4500 ? 1 : 0));
    const file = join(tmp, 'strokes.nii.gz');
    writeFileSync(file, exportLikeSource(flair, strokes, { datatype: 2 }));
    const r = studio('scribbles', '--case', join(tmp, 'export'), '--scribbles', file, '--weights', weights, '--classes', 'lesion', '--mapping', 'flair,flair,flair', '--size', '56');
    expect(r.status, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/1_AAHead_Scout\.nii \(AAHead_Scout\): skipped, a localizer/);
    const out = JSON.parse(r.stdout);
    expect(out.cases[0].scribbled.Lesion).toBeGreaterThan(50);
    expect(out.cases[0].scribbled.Background).toBeGreaterThan(50);
    // The read-out of the prediction: a lesion (label 1) counts in the whole tumour and the core, never as enhancing.
    const { WT, TC, ET } = out.cases[0].readout;
    expect(WT.volumeMl).toBeGreaterThan(0);
    expect(TC.volumeMl).toBe(WT.volumeMl);
    expect(ET).toEqual({ volumeMl: 0, rano: null });
  });
});
