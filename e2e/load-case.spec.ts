import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test } from '@playwright/test';
import { canvasPixels, caseFiles, comparePixels, dropFiles, fileBytes, openStep, roleOf, waitForCase } from './helpers.ts';
import { writeNifti } from '../src/core/nifti/write.ts';
import { exportLikeSource, loadVolume } from '../src/core/volume.ts';
import { REAL_CASES, SCREENSHOTS, SMALL_CASE, TINY_CASE } from './paths.ts';

test.beforeAll(() => mkdirSync(SCREENSHOTS, { recursive: true }));

test('a generated case opened from the file dialog shows its roles, image and labels', async ({ page }) => {
  await page.goto('/');
  expect(await page.evaluate(() => crossOriginIsolated)).toBe(true);
  const before = await canvasPixels(page);
  await page.getByTestId('file-input').setInputFiles(caseFiles(SMALL_CASE));
  await waitForCase(page, 'synthetic-5');
  await expect(page.getByTestId('case-grid')).toContainText('128 × 128 × 80 voxels');
  expect(await roleOf(page, 'synthetic-5_flair.nii.gz')).toBe('flair');
  expect(await roleOf(page, 'synthetic-5_t1.nii.gz')).toBe('t1');
  expect(await roleOf(page, 'synthetic-5_t1ce.nii.gz')).toBe('t1ce');
  expect(await roleOf(page, 'synthetic-5_t2.nii.gz')).toBe('t2');
  expect(await roleOf(page, 'synthetic-5_seg.nii.gz')).toBe('seg');
  // Rows show where the names differ, not the case id they all share (the full name is the tooltip).
  await expect(page.locator('tr[data-file="synthetic-5_flair.nii.gz"] td.file-name')).toHaveText('…_flair.nii.gz');
  await expect(page.getByTestId('legend')).toContainText('Enhancing tumour');
  // The viewer goes to the lesion once a label map loads; the status line names what is under the crosshair.
  const location = page.getByTestId('location');
  const inLesion = /voxel \d+, \d+, \d+ · [-\d.]+, [-\d.]+, [-\d.]+ mm · FLAIR [-\d.]+, T1 [-\d.]+, T1gd [-\d.]+, T2 [-\d.]+ · label (Necrosis|Oedema|Enhancing)/;
  await expect(location).toContainText(inLesion);

  // The viewer shows an image: far more pixel variance than the empty canvas.
  await expect.poll(async () => (await canvasPixels(page)).variance, { timeout: 30_000 }).toBeGreaterThan(before.variance + 100);

  // Away from the tumour, and back with one click.
  await page.getByRole('button', { name: 'Axial' }).click();
  const box = (await page.getByTestId('viewer-canvas').boundingBox())!;
  await page.mouse.click(box.x + box.width / 2, box.y + box.height * 0.04);
  await expect(location).toContainText('label background');
  await page.getByRole('button', { name: 'Go to lesion' }).click();
  await expect(location).toContainText(inLesion);
  const withLabels = await canvasPixels(page);
  await page.getByLabel('Show labels').uncheck();
  await expect.poll(async () => (await comparePixels(page, withLabels.png, (await canvasPixels(page)).png)).changed).toBeGreaterThan(50);
  const without = await canvasPixels(page);
  const diff = await comparePixels(page, withLabels.png, without.png);
  expect(diff.coloured[0]).toBeGreaterThan(diff.coloured[1] + 50);
  await page.getByLabel('Show labels').check();
  await expect.poll(async () => (await comparePixels(page, withLabels.png, (await canvasPixels(page)).png)).changed).toBeLessThan(20);

  // The truth is an outline by default (so a filled prediction shows through); filled colours many more pixels.
  expect(await page.getByLabel('Label style').inputValue()).toBe('outline');
  await page.getByLabel('Label style').selectOption('filled');
  await expect.poll(async () => (await comparePixels(page, withLabels.png, (await canvasPixels(page)).png)).changed).toBeGreaterThan(50);
  const filled = await comparePixels(page, (await canvasPixels(page)).png, without.png);
  expect(filled.coloured[0]).toBeGreaterThan(1.5 * diff.coloured[0]);
});

test('a role can be changed in the table, and a wrong change is refused with the case kept', async ({ page }) => {
  await page.goto('/');
  await page.getByTestId('file-input').setInputFiles(caseFiles(SMALL_CASE));
  await waitForCase(page, 'synthetic-5');
  await page.getByLabel('Role of synthetic-5_t1.nii.gz').selectOption('ignore');
  expect(await roleOf(page, 'synthetic-5_t1.nii.gz')).toBe('ignore');
  await page.getByLabel('Role of synthetic-5_t2.nii.gz').selectOption('flair');
  await expect(page.getByRole('alert')).toContainText('two files have the role FLAIR');
  expect(await roleOf(page, 'synthetic-5_t2.nii.gz')).toBe('t2');
  await waitForCase(page, 'synthetic-5');
  // The next change that gives a valid case clears the refusal: the banner is about a state now gone.
  await page.getByLabel('Role of synthetic-5_t1.nii.gz').selectOption('t1');
  await expect(page.getByRole('alert')).toHaveCount(0);
  expect(await roleOf(page, 'synthetic-5_t1.nii.gz')).toBe('t1');
});

test('a file whose name says no role is named in a banner that goes once the user gives it one', async ({ page }) => {
  await page.goto('/');
  const files = caseFiles(SMALL_CASE).map((p) => fileBytes(p, p.endsWith('_t2.nii.gz') ? 'synthetic-5_scan7.nii.gz' : undefined));
  await dropFiles(page, files);
  await waitForCase(page, 'synthetic-5');
  const banner = page.getByRole('status').filter({ hasText: 'No role could be read from synthetic-5_scan7.nii.gz' });
  await expect(banner).toBeVisible();
  expect(await roleOf(page, 'synthetic-5_scan7.nii.gz')).toBe('ignore');
  await page.getByLabel('Role of synthetic-5_scan7.nii.gz').selectOption('t2');
  await expect(banner).toHaveCount(0);
  expect(await roleOf(page, 'synthetic-5_scan7.nii.gz')).toBe('t2');
});

test('a folder with several label maps loads with the best one scored against and the others to switch to', async ({ page }) => {
  await page.goto('/');
  const images = caseFiles(SMALL_CASE).filter((p) => !p.endsWith('_seg.nii.gz')).map((p) => fileBytes(p));
  const seg = fileBytes(join(SMALL_CASE, 'synthetic-5_seg.nii.gz'));
  // A fusion that knows only oedema (values 0 and 2), and one algorithm's output on another case's grid.
  const truth = loadVolume(seg.bytes, seg.name);
  const fusion = { name: 'fusion_mav.nii.gz', bytes: writeNifti(truth.source.header, truth.data.map((v) => (v ? 2 : 0))) };
  const algorithm = fileBytes(join(TINY_CASE, 'synthetic-6_seg.nii.gz'), 'seg_deepmedic.nii.gz');
  await dropFiles(page, [algorithm, ...images, fusion, seg]);
  await waitForCase(page, 'synthetic-5');
  await expect(page.getByRole('status').filter({ hasText: '3 label maps: scoring against synthetic-5_seg.nii.gz' })).toBeVisible();
  expect([await roleOf(page, 'fusion_mav.nii.gz'), await roleOf(page, 'seg_deepmedic.nii.gz'), await roleOf(page, 'synthetic-5_seg.nii.gz')]).toEqual(['altseg', 'altseg', 'seg']);
  await expect(page.getByText('Values in the file: 0, 1, 2, 4')).toBeVisible();

  await page.getByLabel('Label map file').selectOption('fusion_mav.nii.gz');
  await expect(page.getByText('Values in the file: 0, 2')).toBeVisible();
  expect([await roleOf(page, 'fusion_mav.nii.gz'), await roleOf(page, 'synthetic-5_seg.nii.gz')]).toEqual(['seg', 'altseg']);
  await expect(page.getByRole('status').filter({ hasText: 'scoring against fusion_mav.nii.gz (its name reads as a fusion of algorithms)' })).toBeVisible();

  // The map on another grid is resampled onto the case's grid when chosen (nearest), and the app says so.
  await page.getByLabel('Label map file').selectOption('seg_deepmedic.nii.gz');
  await expect(page.getByText(/Label map is on another grid: resampled onto the FLAIR grid \(128x128x80/)).toBeVisible();
  expect(await page.getByLabel('Label map file').inputValue()).toBe('seg_deepmedic.nii.gz');
  await expect(page.getByRole('alert')).toHaveCount(0);
});

test('the real BraTS 2015 case loads with its roles and label convention', async ({ page }) => {
  await page.goto('/');
  const dir = join(REAL_CASES, 'brats2015-pat0005');
  const names = ['Flair_subtrMeanDivStd.nii.gz', 'T1c_subtrMeanDivStd.nii.gz', 'OTMultiClass.nii.gz', 'brainmask.nii.gz'];
  await page.getByTestId('file-input').setInputFiles(names.map((n) => join(dir, n)));
  await expect(page.getByTestId('case-grid')).toContainText('240 × 240 × 155 voxels', { timeout: 120_000 });
  expect(await roleOf(page, 'Flair_subtrMeanDivStd.nii.gz')).toBe('flair');
  expect(await roleOf(page, 'T1c_subtrMeanDivStd.nii.gz')).toBe('t1ce');
  expect(await roleOf(page, 'OTMultiClass.nii.gz')).toBe('seg');
  expect(await roleOf(page, 'brainmask.nii.gz')).toBe('brainmask');
  expect(await page.getByLabel('Label convention').inputValue()).toBe('brats2015');
  await expect(page.getByText('Values in the file: 0, 1, 2, 3, 4')).toBeVisible();
  await expect.poll(async () => (await canvasPixels(page)).variance, { timeout: 30_000 }).toBeGreaterThan(200);
  await page.waitForTimeout(500);
  await page.screenshot({ path: join(SCREENSHOTS, 'studio-brats2015.png') });
});

test('the sample case button generates and shows a synthetic case', async ({ page }) => {
  await page.goto('/');
  await page.getByRole('button', { name: 'Load sample case' }).click();
  await expect(page.getByTestId('case-id')).toHaveText(/^synthetic-\d+$/, { timeout: 120_000 });
  await expect(page.getByTestId('role-table').locator('tbody tr')).toHaveCount(5);
  await expect(page.getByTestId('case-grid')).toContainText('240 × 240 × 155 voxels');
  await expect.poll(async () => (await canvasPixels(page)).variance, { timeout: 30_000 }).toBeGreaterThan(200);
  await page.screenshot({ path: join(SCREENSHOTS, 'studio-synthetic.png') });
});

test('the raw TCGA-FG-6692 sequences (three grids, tilted, 5.5 mm slices) open as one case on the FLAIR grid, and the grid can be changed', async ({ page }) => {
  await page.goto('/');
  const dir = join(REAL_CASES, 'tcga-fg-6692-raw');
  await dropFiles(page, caseFiles(dir).map((p) => fileBytes(p)));
  await expect(page.getByTestId('case-grid')).toContainText('208 × 256 × 26 voxels, 0.90 × 0.90 × 5.50 mm', { timeout: 120_000 });
  await expect(page.getByText(/T1gd, T2 and T1 are on other grids: resampled onto the FLAIR grid \(208x256x26/)).toBeVisible();
  expect(await roleOf(page, caseFiles(dir).map((p) => p.split('/').pop()!).find((n) => n.startsWith('MRHR_T2'))!)).toBe('t2');
  // The resampled T1gd is an image, not the zeros of a grid that missed it.
  await page.getByLabel('Background image').selectOption('t1ce');
  await expect.poll(async () => (await canvasPixels(page)).variance, { timeout: 30_000 }).toBeGreaterThan(200);
  await page.waitForTimeout(500);
  await page.screenshot({ path: join(SCREENSHOTS, 'tcga-raw-on-flair-grid.png') });
  await page.getByLabel('Reference grid').selectOption('t2');
  await expect(page.getByTestId('case-grid')).toContainText('224 × 256 × 26 voxels');
  await expect(page.getByText(/FLAIR, T1gd and T1 are on other grids: resampled onto the T2 grid/)).toBeVisible();

  // Scribbles drawn on the case grid (the FLAIR's) go out on the T1gd file's own grid, with its header.
  await page.getByLabel('Reference grid').selectOption({ label: 'default (FLAIR)' });
  await expect(page.getByTestId('case-grid')).toContainText('208 × 256 × 26 voxels');
  const flairPath = caseFiles(dir).find((p) => p.includes('MRHR_FLAIR'))!;
  const flair = loadVolume(new Uint8Array(readFileSync(flairPath)), 'flair');
  const strokes = Float32Array.from(flair.data, (v, i) => (i % 97 === 0 && v > 300 ? 2 : 0));
  const strokesFile = join(mkdtempSync(join(tmpdir(), 'strokes-')), 'strokes.nii.gz');
  writeFileSync(strokesFile, exportLikeSource(flair, strokes, { datatype: 2 }));
  await openStep(page, 'train');
  await page.getByTestId('scribbles-input').setInputFiles(strokesFile);
  await openStep(page, 'case');
  await page.getByLabel('Export grid').selectOption({ label: "the T1gd (T1ce) file's own grid" });
  await openStep(page, 'train');
  const download = page.waitForEvent('download');
  await page.getByRole('button', { name: 'Export scribbles' }).click();
  const exported = loadVolume(new Uint8Array(readFileSync(await (await download).path())), 'exported');
  const t1ce = loadVolume(new Uint8Array(readFileSync(caseFiles(dir).find((p) => p.includes('POST_GAD'))!)), 't1ce');
  expect(exported.dims).toEqual(t1ce.dims);
  exported.affine.forEach((v, i) => expect(v).toBeCloseTo(t1ce.affine[i], 3));
  expect(exported.data.filter((v) => v > 0).length).toBeGreaterThan(100);
});
