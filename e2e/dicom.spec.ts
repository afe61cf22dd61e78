/** A clinician's own scans: DICOM series as a PACS exports them, dropped on the studio. */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test } from '@playwright/test';
import { canvasPixels, dropFiles, fileBytes, roleOf } from './helpers.ts';
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
