import { copyFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, type Page, test } from '@playwright/test';
import { caseFiles, clickLatency, openStep, waitForCase } from './helpers.ts';
import { ROOT, SCREENSHOTS, SMALL_CASE, TINY_WEIGHTS } from './paths.ts';

/** A screenshot for the README's first five minutes: kept with the others, and in docs/ when UPDATE_DOCS=1. */
async function shot(page: Page, name: string): Promise<void> {
  const path = join(SCREENSHOTS, `${name}.png`);
  await page.screenshot({ path });
  if (process.env.UPDATE_DOCS === '1') copyFileSync(path, join(ROOT, 'docs', `${name}.png`));
}

test('the first five minutes at 1280x800: the steps lead from an empty page to a trained head, a model and features, and the page keeps answering', async ({ page }) => {
  test.setTimeout(600_000);
  await page.setViewportSize({ width: 1280, height: 800 });
  await page.goto('/');
  const header = (id: string) => page.locator(`#step-header-${id}`);
  await expect(header('case')).toHaveAttribute('aria-expanded', 'true');
  await expect(page.getByTestId('step-state-case')).toHaveText('needs: drop files or load the sample case');
  await expect(page.getByTestId('step-state-model')).toHaveText('optional: the default head reads no backbone');
  await shot(page, 'first-minutes-1-start');

  // Keyboard: arrows move between the step headers, Enter opens one and closes the other.
  await header('case').focus();
  await page.keyboard.press('ArrowDown');
  await page.keyboard.press('ArrowDown');
  await expect(header('features')).toBeFocused();
  await page.keyboard.press('Enter');
  await expect(header('features')).toHaveAttribute('aria-expanded', 'true');
  await expect(header('case')).toHaveAttribute('aria-expanded', 'false');
  await page.keyboard.press('End');
  await expect(header('experiments')).toBeFocused();
  await openStep(page, 'case');

  await page.getByRole('button', { name: 'Load sample case' }).click();
  await expect(page.getByTestId('case-id')).toHaveText(/^synthetic-\d+$/, { timeout: 120_000 });
  const id = (await page.getByTestId('case-id').textContent())!;
  await expect(page.getByTestId('step-state-case')).toHaveText(`done: ${id}`);
  await expect(page.getByTestId('step-state-train')).toHaveText('ready: train a head');

  // A label-map role change, and a click right behind it: how long until the page answers.
  const seg = page.getByLabel(`Role of ${id}_seg.nii`);
  await seg.selectOption('ignore');
  // Without a label map there is nothing to train on, but scribbling needs nothing more: the voxel head reads no backbone.
  await expect(page.getByTestId('step-state-train')).toHaveText('ready: no label map: scribble');
  const change = seg.selectOption('seg');
  const afterRoleChange = await clickLatency(page, header('model'));
  await change;
  console.log(`click answered ${afterRoleChange.toFixed(0)} ms after a label-map role change (240 x 240 x 155)`);
  expect(afterRoleChange).toBeLessThan(5000);
  await expect(page.getByTestId('step-state-train')).toHaveText('ready: train a head');
  await openStep(page, 'case');
  await expect(page.getByTestId('legend')).toContainText('Enhancing tumour');
  await shot(page, 'first-minutes-2-case');

  // The default head reads no backbone: Next goes straight to training.
  await page.getByRole('button', { name: 'Next: Train or scribble →' }).click();
  await expect(header('train')).toHaveAttribute('aria-expanded', 'true');
  await page.getByLabel('Epochs').fill('3');
  await page.getByRole('button', { name: 'Train', exact: true }).click();
  await expect(page.getByTestId('step-state-train')).toHaveText('running: training');
  await expect(page.getByTestId('training-state')).toHaveText('done', { timeout: 300_000 });
  await expect(page.getByTestId('step-state-train')).toHaveText('done: head trained');
  await page.getByRole('button', { name: 'Predict the volume' }).click();
  await expect(page.getByTestId('volume-scores')).toContainText('ET', { timeout: 120_000 });
  await expect(page.getByTestId('location')).toContainText(/predicted (Necrosis|Oedema|Enhancing)/);
  await shot(page, 'first-minutes-3-trained');

  // A backbone from a local file, then its features.
  await openStep(page, 'model');
  await page.getByTestId('weights-input').setInputFiles(TINY_WEIGHTS);
  await expect(page.getByTestId('step-state-model')).toHaveText('done: tiny-random.safetensors (random weights)');
  await expect(page.getByTestId('step-state-features')).toHaveText('ready: extract patch features');
  await shot(page, 'first-minutes-4-model');
  await page.getByRole('button', { name: 'Next: Features →' }).click();
  await page.getByRole('button', { name: 'Extract features' }).click();
  await expect(page.getByTestId('extraction-result')).toContainText('slices with features', { timeout: 240_000 });
  const afterExtraction = await clickLatency(page, header('compare'));
  console.log(`click answered ${afterExtraction.toFixed(0)} ms right after an extraction finished (240 x 240 x 155)`);
  expect(afterExtraction).toBeLessThan(5000);
  const slices = Number(/(\d+) slices with features/.exec((await page.getByTestId('extraction-result').textContent())!)![1]);
  await expect(page.getByTestId('step-state-features')).toHaveText(`done: ${slices} slices`);
  await expect(page.getByTestId('step-state-compare')).toHaveText('ready: run a comparison');
  await openStep(page, 'features');
  await shot(page, 'first-minutes-5-features');
});

for (const [width, height] of [
  [1280, 800],
  [1920, 1080],
]) {
  test(`at ${width}x${height} the steps fit the sidebar: every header in view, nothing wider than it`, async ({ page }) => {
    await page.setViewportSize({ width, height });
    await page.goto('/');
    await page.getByTestId('file-input').setInputFiles(caseFiles(SMALL_CASE));
    await waitForCase(page, 'synthetic-5');
    for (const step of ['case', 'model', 'features', 'train', 'compare', 'experiments'] as const) {
      await openStep(page, step);
      const overflow = await page.locator('.steps').evaluate((el) => el.scrollWidth - el.clientWidth);
      expect(overflow, `${step}: the sidebar scrolls sideways by ${overflow} px`).toBeLessThanOrEqual(0);
      await expect(page.locator(`#step-header-${step}`)).toBeInViewport();
    }
  });
}
