import { join } from 'node:path';
import { expect, type Page, test } from '@playwright/test';
import { canvasPixels, caseFiles, comparePixels, openStep, waitForCase } from './helpers.ts';
import { REAL_CASES, SCREENSHOTS, SMALL_CASE, TINY_CASE, TINY_WEIGHTS } from './paths.ts';

/** Loads the tiny checkpoint in the Model step and moves on to the Features step. */
async function loadModel(page: Page) {
  await openStep(page, 'model');
  await page.getByTestId('weights-input').setInputFiles(TINY_WEIGHTS);
  await expect(page.getByTestId('backend')).toContainText('Backend:');
  // On WebAssembly the studio's SIMD kernels run, attention on a second thread (the page is cross-origin isolated).
  await expect(page.getByTestId('backend')).toContainText('wasm, WebAssembly with SIMD, 2 threads, fused SIMD kernels (shared heap, attention on two threads)');
  await openStep(page, 'features');
}

test('FLAIR only: extract with a test checkpoint, watch progress reach the end, see the PCA overlay, reuse the cache after a reload', async ({ page }) => {
  await page.goto('/');
  await page.getByTestId('file-input').setInputFiles(caseFiles(TINY_CASE));
  await waitForCase(page, 'synthetic-6');
  await loadModel(page);
  await page.getByLabel('Channel preset').selectOption('flair-only');
  await expect(page.getByTestId('mapping-preview')).toBeVisible();
  await page.getByRole('button', { name: 'Extract features' }).click();
  const result = page.getByTestId('extraction-result');
  await expect(result).toContainText(/(\d+) slices with features \(0 from the cache\), (\d+) slices without head skipped/);
  const [, withFeatures, skipped] = /(\d+) slices with features .*, (\d+) slices without head/.exec((await result.textContent())!)!.map(Number);
  expect(withFeatures + skipped).toBe(32);
  expect(skipped).toBeGreaterThan(0);
  // The estimate counts the same slices the extraction embedded, and shows the other planes too.
  await page.getByRole('button', { name: 'Estimate the extraction time' }).click();
  const estimate = page.getByTestId('extraction-estimate');
  await expect(estimate).toContainText(`axial ${withFeatures} slices ≈`, { timeout: 60_000 });
  await expect(estimate).toContainText(/coronal \d+ slices ≈ .*sagittal \d+ slices ≈ .*total ≈/);

  await page.getByRole('button', { name: 'Axial' }).click();
  const before = await canvasPixels(page);
  await page.getByRole('button', { name: 'PCA of this slice' }).click();
  await expect(page.getByTestId('pca-shown')).toBeVisible();
  await expect.poll(async () => (await comparePixels(page, before.png, (await canvasPixels(page)).png)).changed, { timeout: 30_000 }).toBeGreaterThan(200);
  await expect(page.getByTestId('feature-cache')).not.toContainText(': 0 B');

  // A reload keeps the features in IndexedDB: the same request is served from the cache.
  await page.reload();
  await page.getByTestId('file-input').setInputFiles(caseFiles(TINY_CASE));
  await waitForCase(page, 'synthetic-6');
  await loadModel(page);
  await page.getByLabel('Channel preset').selectOption('flair-only');
  await page.getByRole('button', { name: 'Extract features' }).click();
  await expect(result).toContainText(`${withFeatures} slices with features (${withFeatures} from the cache)`);
  // Another mapping is another key: computed again, never mixed.
  await page.getByLabel('Channel preset').selectOption('three-modalities');
  await page.getByRole('button', { name: 'Extract features' }).click();
  await expect(result).toContainText(`${withFeatures} slices with features (0 from the cache)`);
  // The last two blocks' tokens: another key again, twice the model's dim per patch; more blocks
  // than the checkpoint has cannot be chosen.
  const [, depth, dim] = /(\d+) blocks, dim (\d+)/.exec((await page.getByTestId('model-info').textContent())!)!.map(Number);
  await expect(result).toContainText(`; ${dim} values per patch`);
  expect(await page.getByRole('option', { name: /last 4 blocks/ }).isDisabled()).toBe(depth < 4);
  await page.getByLabel('Backbone blocks').selectOption('2');
  await page.getByRole('button', { name: 'Extract features' }).click();
  await expect(result).toContainText(`${withFeatures} slices with features (0 from the cache)`);
  await expect(result).toContainText(`; ${2 * dim} values per patch (the last 2 blocks)`);
});

test('the page stays responsive during extraction, which can be cancelled', async ({ page }) => {
  await page.goto('/');
  await page.getByTestId('file-input').setInputFiles(caseFiles(SMALL_CASE));
  await waitForCase(page, 'synthetic-5');
  await loadModel(page);
  await page.getByLabel('Input size').selectOption('518');
  await page.getByRole('button', { name: 'Extract features' }).click();
  await expect(page.getByTestId('progress')).toContainText(/Extracting features: \d+\/80 slices/);
  // Scroll through slices and change the overlay opacity while the worker extracts.
  await page.getByRole('button', { name: 'Axial' }).click();
  const canvas = page.getByTestId('viewer-canvas');
  const box = (await canvas.boundingBox())!;
  const locations = new Set<string>();
  for (let i = 0; i < 5; i++) {
    await page.mouse.click(box.x + box.width / 2 + 20 * i, box.y + box.height / 2 + 15 * i);
    locations.add((await page.getByTestId('location').textContent()) ?? '');
  }
  expect(locations.size).toBeGreaterThan(2);
  // Another step opens while the worker extracts; its header still says what runs.
  await openStep(page, 'case');
  await expect(page.getByTestId('step-state-features')).toContainText('extracting');
  await page.getByLabel('Label opacity').fill('0.2');
  await expect(page.getByLabel('Label opacity')).toHaveValue('0.2');
  // All of that happened while the worker kept extracting (speed is for npm run bench, not tests).
  await openStep(page, 'features');
  await expect(page.getByTestId('progress')).toBeVisible();
  await page.getByRole('button', { name: 'Cancel' }).click();
  await expect(page.getByRole('status')).toContainText('extraction cancelled after');
});

test('a mapping the case cannot satisfy says so and offers what is possible (real BraTS 2015: FLAIR and T1c only), FLAIR-only extraction works', async ({ page }) => {
  await page.goto('/');
  const dir = join(REAL_CASES, 'brats2015-pat0005');
  await page.getByTestId('file-input').setInputFiles(['Flair_subtrMeanDivStd.nii.gz', 'T1c_subtrMeanDivStd.nii.gz', 'OTMultiClass.nii.gz', 'brainmask.nii.gz'].map((n) => join(dir, n)));
  await expect(page.getByTestId('case-grid')).toContainText('240 × 240 × 155', { timeout: 120_000 });
  await openStep(page, 'features');
  await page.getByLabel('Channel preset').selectOption('three-modalities');
  await expect(page.getByTestId('mapping-error')).toContainText('this case has no T2; possible: FLAIR only, repeated to R, G, B');
  await page.getByLabel('Channel preset').selectOption('flair-only');
  await expect(page.getByTestId('mapping-error')).toHaveCount(0);
  await loadModel(page);
  await page.getByRole('button', { name: 'Extract features' }).click();
  await expect(page.getByTestId('extraction-result')).toContainText('slices with features', { timeout: 170_000 });
  await page.getByRole('button', { name: 'PCA of the volume' }).click();
  // A 240 x 240 x 155 overlay: it took over 60 s once on a busy 2-core machine.
  await expect(page.getByTestId('pca-shown')).toContainText('volume', { timeout: 180_000 });
  await page.waitForTimeout(1000);
  await page.screenshot({ path: join(SCREENSHOTS, 'pca-brats2015.png') });
});
