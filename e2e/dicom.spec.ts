/** A clinician's own scans: DICOM series as a PACS exports them, dropped on the studio. */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test } from '@playwright/test';
import { canvasPixels, dropFiles, fileBytes, openStep, roleOf } from './helpers.ts';
import { ROOT, SCREENSHOTS } from './paths.ts';

/** FLAIR and a tilted T1 post-contrast on another grid, and a localizer, written by pydicom (test/write_dicom.py). */
function dicomExport(): string {
  const dir = mkdtempSync(join(tmpdir(), 'dicom-e2e-'));
  const spec = [
    { number: 3, description: 'AX FLAIR', dims: [48, 40, 12], spacing: 1.0, thickness: 3.0 },
    { number: 5, description: 'T1 AX POST GAD', dims: [40, 48, 10], spacing: 1.2, thickness: 3.5, tilt: 15 },
    { number: 1, description: 'AAHead_Scout', dims: [48, 40, 3], spacing: 1.0, thickness: 3.0 },
  ];
  writeFileSync(join(dir, 'spec.json'), JSON.stringify(spec));
  execFileSync('/usr/bin/python3', [join(ROOT, 'test', 'write_dicom.py'), join(dir, 'export'), join(dir, 'spec.json')]);
  return join(dir, 'export');
}

test('a dropped DICOM export opens as one case: series with roles, the localizer skipped with its reason, the patient from the headers', async ({ page }) => {
  const dir = dicomExport();
  await page.goto('/');
  await dropFiles(page, readdirSync(dir).map((n) => fileBytes(join(dir, n))));
  await expect(page.getByTestId('case-grid')).toContainText('48 × 40 × 12 voxels, 1.00 × 1.00 × 3.00 mm', { timeout: 120_000 });
  expect(await roleOf(page, '3_AX_FLAIR.nii')).toBe('flair');
  expect(await roleOf(page, '5_T1_AX_POST_GAD.nii')).toBe('t1ce');
  await expect(page.getByText('DICOM series not opened: 1_AAHead_Scout.nii (AAHead_Scout): a localizer.')).toBeVisible();
  await expect(page.getByText('T1gd is on another grid: resampled onto the FLAIR grid (48x40x12')).toBeVisible();
  await expect(page.getByTestId('patient')).toHaveText('Test Patient · ID P123 · 2026-01-01');
  await page.getByRole('button', { name: 'Axial' }).click();
  await expect.poll(async () => (await canvasPixels(page)).variance, { timeout: 30_000 }).toBeGreaterThan(100);
  await page.screenshot({ path: join(SCREENSHOTS, 'dicom-export.png') });

  // Kept in this browser: after a reload the case is one click away, with the grid the user chose.
  await page.getByLabel('Reference grid').selectOption('iso:2');
  await expect(page.getByTestId('case-grid')).toContainText('24 × 20 × 18 voxels, 2.00 × 2.00 × 2.00 mm');
  await expect(page.getByTestId('kept-case')).toContainText('Kept in this browser for your next visit');
  await page.reload();
  await expect(page.getByTestId('kept-case')).toContainText('Kept in this browser: unnamed case');
  await page.getByRole('button', { name: 'Reopen' }).click();
  await expect(page.getByTestId('case-grid')).toContainText('24 × 20 × 18 voxels, 2.00 × 2.00 × 2.00 mm', { timeout: 120_000 });
  await expect(page.getByTestId('patient')).toHaveText('Test Patient · ID P123 · 2026-01-01');
  await page.getByRole('button', { name: 'Forget it' }).click();
  await expect(page.getByTestId('kept-case')).toHaveCount(0);
  await page.reload();
  await expect(page.getByTestId('viewer-empty')).toBeVisible();
  await expect(page.getByTestId('kept-case')).toHaveCount(0);
});

test('a clinician segments a DICOM case by scribbles, reads the volume, and takes the label map back as NIfTI and as a DICOM SEG that reads back on the FLAIR series', async ({ page }) => {
  test.setTimeout(300_000);
  const dir = dicomExport();
  // The FLAIR's grid as Debian's dcm2niix writes it, for scribbles on the case's grid: background
  // dots on the left of six slices, oedema dots on the right (pens: 1 background, 3 oedema).
  const work = mkdtempSync(join(tmpdir(), 'seg-e2e-'));
  mkdirSync(join(work, 'native'));
  execFileSync('dcm2niix', ['-z', 'n', '-b', 'n', '-f', '%s', '-o', join(work, 'native'), dir]);
  const scribbles = join(work, 'scribbles.nii.gz');
  execFileSync('/usr/bin/python3', ['-c', `
import sys, nibabel as nib, numpy as np
i = nib.load(sys.argv[1]); d = np.zeros(i.shape[:3], np.uint8)
d[2:14:2, 4:36:3, 3:9] = 1; d[34:46:2, 4:36:3, 3:9] = 3
nib.save(nib.Nifti1Image(d, i.affine), sys.argv[2])`, join(work, 'native', '3.nii'), scribbles]);
  await page.goto('/');
  await dropFiles(page, readdirSync(dir).map((n) => fileBytes(join(dir, n))));
  await expect(page.getByTestId('case-grid')).toContainText('48 × 40 × 12 voxels', { timeout: 120_000 });
  await openStep(page, 'train');
  await page.getByTestId('scribbles-input').setInputFiles(scribbles);
  await expect.poll(async () => Number(await page.getByTestId('scribbled-0').textContent())).toBeGreaterThan(0);
  await page.getByRole('button', { name: 'Train on scribbles' }).click();
  await expect(page.getByTestId('scribble-status')).toContainText(/Trained on \d+ scribbled voxels/, { timeout: 120_000 });
  await page.getByRole('button', { name: 'Predict the whole volume' }).click();
  await expect(page.getByRole('button', { name: 'Accept volume' })).toBeEnabled({ timeout: 120_000 });
  await expect(page.getByTestId('readout')).toContainText('mL');
  await page.getByRole('button', { name: 'Accept volume' }).click();
  const save = async (name: string) => {
    const download = page.waitForEvent('download');
    await page.getByRole('button', { name, exact: true }).click();
    const path = join(work, (await download).suggestedFilename());
    await (await download).saveAs(path);
    return path;
  };
  const labels = await save('Export label map');
  const seg = await save('Export label map as DICOM SEG');
  await expect(page.getByText(/DICOM SEG of the label map: \d+ frames on the FLAIR series "AX FLAIR" \(Oedema\)/)).toBeVisible();
  const v = spawnSync('dciodvfy', [seg], { encoding: 'utf8' });
  expect(`${v.stdout}${v.stderr}`.split('\n').filter((l) => /^Error/.test(l))).toEqual([]);
  const check = JSON.parse(execFileSync('/usr/bin/python3', [join(ROOT, 'test', 'check_seg.py'), seg, dir, labels, '[2]'], { encoding: 'utf8' }));
  console.log(`DICOM SEG from the app: ${JSON.stringify(check)}`);
  expect(check).toMatchObject({ segments: ['Oedema'], mismatched_pixels: 0, wrong_position: 0, unknown_sources: 0, missing_frames: 0, patient: 'P123', study_matches: true });
  expect(check.frames).toBeGreaterThan(0);
});
