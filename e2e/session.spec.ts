import { expect, type Page, test } from '@playwright/test';
import { exportLikeSource, loadVolume } from '../src/core/volume.ts';
import { canvasPixels, caseFiles, comparePixels, dropFiles, fileBytes, openCaseWithFeatures, openStep, waitForCase } from './helpers.ts';
import { SMALL_CASE, TINY_CASE, TINY_WEIGHTS } from './paths.ts';

/** The viewer as it settles: two screenshots a moment apart that agree. */
async function settledCanvas(page: Page): Promise<string> {
  let last = (await canvasPixels(page)).png;
  for (let i = 0; i < 10; i++) {
    await page.waitForTimeout(500);
    const next = (await canvasPixels(page)).png;
    if ((await comparePixels(page, last, next)).changed === 0) return next;
    last = next;
  }
  return last;
}

/** The next patient's images without a label map: a clinician's case, with nothing drawn over it but what it holds. */
const unlabelled = () => caseFiles(SMALL_CASE).filter((f) => !f.endsWith('_seg.nii.gz'));

test('another patient opened after a prediction shows nothing of the first: no overlay, no scores, no curve, no task', async ({ page, browser }) => {
  test.setTimeout(300_000);
  await page.goto('/');
  await page.getByTestId('file-input').setInputFiles(caseFiles(TINY_CASE));
  await waitForCase(page, 'synthetic-6');
  await page.getByRole('button', { name: '3D', exact: true }).click();
  await openStep(page, 'train');
  // The default head reads no backbone: train, then predict the volume.
  await page.getByLabel('Hidden layers').fill('16');
  await page.getByLabel('Epochs').fill('2');
  await page.getByRole('button', { name: 'Train', exact: true }).click();
  await expect(page.getByTestId('training-state')).toHaveText('done', { timeout: 170_000 });
  await page.getByRole('button', { name: 'Predict the volume' }).click();
  await expect(page.getByTestId('volume-scores')).toContainText('WT', { timeout: 60_000 });
  await expect(page.getByTestId('location')).toContainText('predicted');

  await page.getByTestId('file-input').setInputFiles(unlabelled());
  await waitForCase(page, 'synthetic-5');
  await expect(page.getByTestId('volume-scores')).toHaveCount(0);
  await expect(page.getByTestId('training-status')).toHaveCount(0);
  await expect(page.getByTestId('training-state')).toHaveText('idle');
  await expect(page.getByTestId('location')).not.toContainText('predicted');
  const after = await settledCanvas(page);

  // The same case opened on a fresh page is the independent truth of what it looks like.
  const fresh = await browser.newPage({ viewport: page.viewportSize()! });
  await fresh.goto('/');
  await fresh.getByTestId('file-input').setInputFiles(unlabelled());
  await waitForCase(fresh, 'synthetic-5');
  await fresh.getByRole('button', { name: '3D', exact: true }).click();
  const clean = await settledCanvas(fresh);
  const diff = await comparePixels(page, clean, after);
  // A prediction overlay changes hundreds of pixels (the training test sees > 30 on a live slice).
  expect(diff.changed, `pixels that differ from the case opened alone: ${diff.changed}`).toBeLessThan(30);
  await fresh.close();
});

test('a lesion mask (one label) is trained, charted, scored and read out as a lesion, not as tumour regions', async ({ page }) => {
  test.setTimeout(240_000);
  // The synthetic case's label map as a 0/1 mask, as a multiple-sclerosis lesion mask comes.
  const files = caseFiles(TINY_CASE).map((p) => fileBytes(p));
  const seg = files.find((f) => f.name.endsWith('_seg.nii.gz'))!;
  const truth = loadVolume(seg.bytes, seg.name);
  const lesion = { name: seg.name, bytes: exportLikeSource(truth, truth.data.map((v) => (v ? 1 : 0)), { datatype: 2 }) };
  await page.goto('/');
  await dropFiles(page, [...files.filter((f) => f !== seg), lesion]);
  await waitForCase(page, 'synthetic-6');
  await openStep(page, 'train');
  await expect(page.getByLabel('Task')).toHaveValue('binary');
  await page.getByLabel('Hidden layers').fill('16');
  await page.getByLabel('Epochs').fill('2');
  await page.getByRole('button', { name: 'Train', exact: true }).click();
  await expect(page.getByTestId('training-state')).toHaveText('done', { timeout: 170_000 });
  await expect(page.getByTestId('training-status')).toContainText(/validation Dice lesion [\d.]+$/);
  await expect(page.getByTestId('training-status')).not.toContainText('WT');
  await page.getByRole('button', { name: 'Predict the volume' }).click();
  const table = page.getByTestId('volume-scores');
  await expect(table).toContainText('lesion', { timeout: 60_000 });
  await expect(table).not.toContainText('WT');
  await expect(table.locator('tbody tr')).toHaveCount(1);
  // The read-out too: the lesion's volume and diameters, no tumour regions.
  await expect(page.getByTestId('readout').locator('tbody tr')).toHaveCount(1);
  await expect(page.getByTestId('readout').locator('tbody tr td').first()).toHaveText('lesion');
  await expect(page.getByTestId('location')).toContainText(/(label|predicted) lesion/);
  await expect(page.getByTestId('location')).not.toContainText('Necrosis');
});

test('scribbles after the default head: the volume predicted is the scribble head\'s, not the voxel head trained before', async ({ page }) => {
  test.setTimeout(300_000);
  await openCaseWithFeatures(page, TINY_CASE, 'synthetic-6', TINY_WEIGHTS);
  await openStep(page, 'train');
  await expect(page.getByLabel('Head')).toHaveValue('voxels');
  await page.getByLabel('Hidden layers').fill('16');
  await page.getByLabel('Epochs').fill('2');
  await page.getByRole('button', { name: 'Train', exact: true }).click();
  await expect(page.getByTestId('training-state')).toHaveText('done', { timeout: 170_000 });

  // Scribbles from the label map, every fifth voxel (class i is value i + 1: background, NCR, oedema, ET).
  const segPath = caseFiles(TINY_CASE).find((f) => f.endsWith('_seg.nii.gz'))!;
  const flairPath = caseFiles(TINY_CASE).find((f) => f.endsWith('_flair.nii.gz'))!;
  const seg = loadVolume(fileBytes(segPath).bytes, segPath);
  const flair = loadVolume(fileBytes(flairPath).bytes, flairPath);
  const value: Record<number, number> = { 1: 2, 2: 3, 4: 4 };
  const scribbles = seg.data.map((l, i) => (i % 5 ? 0 : l ? value[l] : flair.data[i] > 0 ? 1 : 0));
  await page.getByTestId('scribbles-input').setInputFiles({ name: 'scribbles.nii.gz', mimeType: 'application/gzip', buffer: Buffer.from(exportLikeSource(seg, scribbles, { datatype: 2 })) });
  // The file is read before its strokes count: train once the panel shows them, as a user would.
  await expect.poll(async () => Number(await page.getByTestId('scribbled-0').textContent())).toBeGreaterThan(0);
  await page.getByRole('button', { name: 'Train on scribbles' }).click();
  await expect(page.getByTestId('scribble-status')).toContainText(/Trained on \d+ scribbled voxels/, { timeout: 120_000 });
  const scribbleWt = (await page.getByTestId('dice-strokes').locator('tbody tr').last().locator('td').nth(1).textContent())!;

  // The whole volume from the head in use: the scribble head's Dice, which its own round measured.
  await page.getByRole('button', { name: 'Predict the whole volume' }).click();
  const table = page.getByTestId('volume-scores');
  await expect(table).toContainText('WT', { timeout: 60_000 });
  await expect(table.locator('tbody tr').first().locator('td').nth(1)).toHaveText(scribbleWt);
});
