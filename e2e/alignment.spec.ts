/** A patient who moved between series: the T1 aligned to the FLAIR in the page, checked in a checkerboard, undone. */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test } from '@playwright/test';
import { canvasPixels, caseFiles, comparePixels, dropFiles, fileBytes, waitForCase } from './helpers.ts';
import { SCREENSHOTS, SMALL_CASE } from './paths.ts';

test.beforeAll(() => mkdirSync(SCREENSHOTS, { recursive: true }));

test('a T1 written 6° and 4.1 mm off (its header, by nibabel) is aligned to the FLAIR by elastix in a worker; Cancel stops it; the checkerboard shows it; Undo puts it back', async ({ page }) => {
  test.setTimeout(300_000);
  const moved = join(mkdtempSync(join(tmpdir(), 'moved-')), 'synthetic-5_t1.nii.gz');
  execFileSync('/usr/bin/python3', ['-c', `
import sys, numpy as np, nibabel as nib
i = nib.load(sys.argv[1]); a = i.affine
t = np.deg2rad(6); c = a[:3, :3] @ (np.array(i.shape) / 2) + a[:3, 3]
r = np.array([[1, 0, 0], [0, np.cos(t), -np.sin(t)], [0, np.sin(t), np.cos(t)]])
m = np.eye(4); m[:3, :3] = r; m[:3, 3] = c - r @ c + np.array([-3, 2, 2])
j = nib.Nifti1Image(np.asarray(i.dataobj), m @ a, i.header); j.set_sform(m @ a, 1); j.set_qform(m @ a, 1)
nib.save(j, sys.argv[2])`, join(SMALL_CASE, 'synthetic-5_t1.nii.gz'), moved]);
  await page.goto('/');
  await dropFiles(page, [...caseFiles(SMALL_CASE).filter((f) => !f.endsWith('_t1.nii.gz')).map((f) => fileBytes(f)), fileBytes(moved)]);
  await waitForCase(page, 'synthetic-5');
  await expect(page.getByTestId('alignment-t1')).toContainText('T1: as its header places it');
  await page.getByRole('button', { name: 'Axial' }).click();
  await page.getByLabel('Background image').selectOption('check:t1');
  await expect.poll(async () => (await canvasPixels(page)).variance, { timeout: 30_000 }).toBeGreaterThan(100);
  const before = (await canvasPixels(page)).png;
  await page.getByTestId('viewer-canvas').screenshot({ path: join(SCREENSHOTS, 'alignment-before.png') });

  // Cancel ends the registration's own worker: the case stays as it was.
  await page.getByTestId('alignment-t1').getByRole('button', { name: 'Align' }).click();
  await expect(page.getByTestId('alignment-t1')).toContainText(/aligning… \d+ s/);
  await page.getByTestId('alignment-t1').getByRole('button', { name: 'Cancel' }).click();
  await expect(page.getByText('Aligning T1 was cancelled; the case is as it was.')).toBeVisible();
  await expect(page.getByTestId('alignment-t1')).toContainText('T1: as its header places it');

  const started = Date.now();
  await page.getByTestId('alignment-t1').getByRole('button', { name: 'Align' }).click();
  await expect(page.getByTestId('alignment-t1')).toContainText(/aligned, [\d.]+° and [\d.]+ mm/, { timeout: 240_000 });
  const seconds = (Date.now() - started) / 1000;
  const [, deg, mm] = /aligned, ([\d.]+)° and ([\d.]+) mm/.exec((await page.getByTestId('alignment-t1').textContent())!)!;
  console.log(`aligned in the page in ${seconds.toFixed(1)} s: ${deg}° and ${mm} mm (applied 6° and ${Math.hypot(3, 2, 2).toFixed(2)} mm at the grid centre)`);
  expect(Math.abs(Number(deg) - 6)).toBeLessThan(1);
  expect(Math.abs(Number(mm) - Math.hypot(3, 2, 2))).toBeLessThan(1);
  await expect(page.getByText(/T1 aligned to FLAIR \(elastix, rigid/)).toBeVisible();
  // The checkerboard is drawn again from the aligned T1.
  await expect.poll(async () => (await comparePixels(page, before, (await canvasPixels(page)).png)).changed, { timeout: 30_000 }).toBeGreaterThan(100);
  await page.getByTestId('viewer-canvas').screenshot({ path: join(SCREENSHOTS, 'alignment-after.png') });

  await page.getByTestId('alignment-t1').getByRole('button', { name: 'Undo' }).click();
  await expect(page.getByTestId('alignment-t1')).toContainText('T1: as its header places it');
});
