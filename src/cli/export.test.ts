import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';

const ROOT = join(import.meta.dirname, '..', '..');
const studio = (...args: string[]) => spawnSync('npx', ['tsx', 'src/cli/main.ts', ...args], { cwd: ROOT, encoding: 'utf8', maxBuffer: 64 << 20 });
const py = (code: string, ...args: string[]) => execFileSync('/usr/bin/python3', ['-c', code, ...args], { encoding: 'utf8' });

/** A DICOM study with a FLAIR and a tilted post-contrast T1 on another grid. */
const SPEC = [
  { number: 2, description: 'AX FLAIR', dims: [32, 28, 12], spacing: 1.0, thickness: 2.0 },
  { number: 3, description: 'T1 POST GAD', dims: [26, 30, 14], spacing: 1.2, thickness: 1.5, tilt: 12 },
];

describe('export: a label map back to the hospital', () => {
  let dir: string;
  let dicom: string;
  let labels: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'export-'));
    writeFileSync(join(dir, 'spec.json'), JSON.stringify(SPEC));
    dicom = join(dir, 'dicom');
    execFileSync('/usr/bin/python3', [join(ROOT, 'test', 'write_dicom.py'), dicom, join(dir, 'spec.json')]);
    // The case's reference grid as reslice writes it, and a label map on it (oedema around an enhancing core).
    expect(studio('reslice', dicom, '--out', join(dir, 'resliced')).status).toBe(0);
    labels = join(dir, 'labels.nii.gz');
    py(`
import sys, nibabel as nib, numpy as np
i = nib.load(sys.argv[1]); d = np.zeros(i.shape, np.uint8)
d[8:22, 6:20, 2:9] = 2; d[12:18, 10:16, 4:7] = 4
nib.save(nib.Nifti1Image(d, i.affine), sys.argv[2])`, join(dir, 'resliced', 'flair.nii.gz'), labels);
    // Debian's dcm2niix gives the T1's own grid, independently of the studio.
    mkdirSync(join(dir, 'native'));
    execFileSync('dcm2niix', ['-z', 'n', '-b', 'n', '-f', '%s', '-o', join(dir, 'native'), dicom]);
  }, 120_000);

  it('as NIfTI on the T1 grid: equal to scipy’s nearest-neighbour resampling through the affines; on the reference grid, voxel-exact', () => {
    const onT1 = join(dir, 'on-t1.nii.gz');
    const r = studio('export', '--case', dicom, '--labels', labels, '--format', 'nifti', '--grid', 't1ce', '--out', onT1);
    expect(r.status, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ grid: '3_T1_POST_GAD.nii', resampled: true });
    const native = join(dir, 'native', readdirSync(join(dir, 'native')).find((n) => n.startsWith('3'))!);
    const check = JSON.parse(py(`
import json, sys, nibabel as nib, numpy as np
from scipy.ndimage import map_coordinates
L, out, t1 = (nib.load(p) for p in sys.argv[1:4])
m = np.linalg.inv(L.affine) @ t1.affine
ijk = np.indices(t1.shape[:3]).reshape(3, -1)
src = m[:3, :3] @ ijk + m[:3, 3:4]
want = map_coordinates(np.asarray(L.dataobj).astype(float), src, order=0, mode='constant', cval=0).reshape(t1.shape[:3])
got = np.asarray(out.dataobj)
print(json.dumps({"affine": float(np.abs(out.affine - t1.affine).max()), "shape": list(got.shape) == list(t1.shape[:3]), "differ": int((got != want).sum()), "labelled": int((want > 0).sum())}))`, labels, onT1, native));
    expect(check.shape).toBe(true);
    expect(check.affine).toBeLessThan(1e-3);
    expect(check.labelled).toBeGreaterThan(500);
    // Ties at exactly half a voxel may round either way: none is expected on a 12° tilt, a handful at most.
    expect(check.differ).toBeLessThanOrEqual(check.labelled * 0.002);
    const onFlair = join(dir, 'on-flair.nii.gz');
    expect(studio('export', '--case', dicom, '--labels', labels, '--format', 'nifti', '--grid', 'flair', '--out', onFlair).status).toBe(0);
    expect(py('import sys, nibabel as nib, numpy as np; a, b = (nib.load(p) for p in sys.argv[1:3]); print(int((np.asarray(a.dataobj) != np.asarray(b.dataobj)).sum()), float(np.abs(a.affine - b.affine).max()))', labels, onFlair).trim()).toBe('0 0.0');
  }, 120_000);

  it('as a DICOM SEG on the T1 series: dciodvfy finds no error, and pydicom reads every frame back onto the image it cites', () => {
    const seg = join(dir, 't1.seg.dcm');
    const r = studio('export', '--case', dicom, '--labels', labels, '--format', 'dicom-seg', '--grid', 't1ce', '--out', seg);
    expect(r.status, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out.segments).toEqual(['Oedema', 'Enhancing tumour']);
    const v = spawnSync('dciodvfy', [seg], { encoding: 'utf8' });
    expect(`${v.stdout}${v.stderr}`.split('\n').filter((l) => /^Error/.test(l))).toEqual([]);
    const check = JSON.parse(execFileSync('/usr/bin/python3', [join(ROOT, 'test', 'check_seg.py'), seg, dicom, labels, '[2, 4]'], { encoding: 'utf8' }));
    expect(check).toMatchObject({ frames: out.frames, mismatched_pixels: 0, wrong_position: 0, unknown_sources: 0, missing_frames: 0 });
  }, 120_000);

  it('refuses a SEG for a case that did not come from DICOM, and an unknown format', () => {
    const r = studio('export', '--case', join(dir, 'resliced'), '--labels', labels, '--format', 'dicom-seg', '--out', join(dir, 'x.dcm'));
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/was not read from DICOM: a DICOM SEG cites the DICOM images/);
    const f = studio('export', '--case', dicom, '--labels', labels, '--format', 'rtstruct', '--out', join(dir, 'x.dcm'));
    expect(f.status).toBe(2);
    expect(f.stderr).toMatch(/--format must be dicom-seg or nifti/);
  }, 120_000);
});
