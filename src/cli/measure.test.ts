import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { REAL_CASES } from '../../test/nibabel.ts';

const ROOT = join(import.meta.dirname, '..', '..');
const studio = (...args: string[]) => spawnSync('npx', ['tsx', 'src/cli/main.ts', ...args], { cwd: ROOT, encoding: 'utf8', maxBuffer: 64 << 20 });

it('measure: volumes in mL of each label and region agree with nibabel counting voxels; RANO diameters of each region; a label map in another convention is refused', () => {
  const dir = join(REAL_CASES, 'brats2018-cbica-abm');
  const seg = join(dir, 'Brats18_CBICA_ABM_1_seg.nii.gz');
  const r = studio('measure', '--case', dir, '--labels', seg);
  expect(r.status, r.stderr).toBe(0);
  const out = JSON.parse(r.stdout);
  const nib = JSON.parse(
    execFileSync('/usr/bin/python3', ['-c', `
import json, sys, nibabel as nib, numpy as np
i = nib.load(sys.argv[1]); d = np.asarray(i.dataobj); v = float(np.prod(i.header.get_zooms()[:3])) / 1000
print(json.dumps({"1": float((d == 1).sum() * v), "2": float((d == 2).sum() * v), "4": float((d == 4).sum() * v), "WT": float((d > 0).sum() * v), "TC": float(np.isin(d, [1, 4]).sum() * v)}))`, seg], { encoding: 'utf8' }),
  );
  for (const l of ['1', '2', '4']) expect(out.labels[l].volumeMl).toBeCloseTo(nib[l], 3);
  expect(out.regions.WT.volumeMl).toBeCloseTo(nib.WT, 3);
  expect(out.regions.TC.volumeMl).toBeCloseTo(nib.TC, 3);
  for (const region of ['WT', 'TC', 'ET']) {
    const rano = out.regions[region].rano;
    expect(rano.longestMm).toBeGreaterThanOrEqual(rano.perpendicularMm);
    expect(rano.productMm2).toBeCloseTo(rano.longestMm * rano.perpendicularMm, -1);
  }
  // The whole tumour's longest axial diameter cannot exceed its bounding box's diagonal on that slice (nibabel).
  const box = JSON.parse(
    execFileSync('/usr/bin/python3', ['-c', `
import json, sys, nibabel as nib, numpy as np
d = np.asarray(nib.load(sys.argv[1]).dataobj)[:, :, int(sys.argv[2])] > 0
xs, ys = np.nonzero(d)
print(json.dumps(float(np.hypot(xs.max() - xs.min() + 1, ys.max() - ys.min() + 1))))`, seg, String(out.regions.WT.rano.slice)], { encoding: 'utf8' }),
  );
  expect(out.regions.WT.rano.longestMm).toBeLessThanOrEqual(box + 0.1);
  expect(out.regions.WT.rano.longestMm).toBeGreaterThan(box * 0.7);

  const tmp = mkdtempSync(join(tmpdir(), 'measure-'));
  const brats2023 = join(tmp, 'labels.nii.gz');
  execFileSync('/usr/bin/python3', ['-c', 'import sys, nibabel as nib, numpy as np; i = nib.load(sys.argv[1]); d = np.asarray(i.dataobj).copy(); d[d == 4] = 3; nib.save(nib.Nifti1Image(d, i.affine, i.header), sys.argv[2])', seg, brats2023]);
  const refused = studio('measure', '--case', dir, '--labels', brats2023);
  expect(refused.status).toBe(1);
  expect(refused.stderr).toMatch(/holds 3: the studio's labels are 1 necrosis/);
});
