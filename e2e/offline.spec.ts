import { expect, test } from '@playwright/test';
import { caseFiles, openStep, waitForCase } from './helpers.ts';
import { TINY_CASE, TINY_WEIGHTS } from './paths.ts';

test('after one visit the studio works offline: reload without a network, open a case, load the kept model, extract features and train', async ({ page, context }) => {
  test.setTimeout(300_000);
  await page.goto('/');
  // The first visit installs the service worker and keeps a local checkpoint in the browser.
  await expect(page.getByTestId('offline-ready')).toHaveText('Works offline', { timeout: 60_000 });
  await openStep(page, 'model');
  await page.getByTestId('weights-input').setInputFiles(TINY_WEIGHTS);
  await expect(page.getByTestId('model-info')).toContainText('tiny-random.safetensors');

  await context.setOffline(true);
  await page.reload();
  expect(await page.evaluate(() => navigator.serviceWorker.controller !== null)).toBe(true);
  await expect(page.getByTestId('offline-ready')).toBeVisible();
  await page.getByTestId('file-input').setInputFiles(caseFiles(TINY_CASE));
  await waitForCase(page, 'synthetic-6');
  await openStep(page, 'model');
  await page.getByRole('button', { name: 'Load tiny-random.safetensors again' }).click();
  await expect(page.getByTestId('model-info')).toContainText('from the browser cache');
  await expect(page.getByTestId('backend')).toContainText('Backend: wasm');
  await openStep(page, 'features');
  await page.getByRole('button', { name: 'Extract features' }).click();
  await expect(page.getByTestId('extraction-result')).toContainText('slices with features', { timeout: 120_000 });
  await openStep(page, 'train');
  await page.getByLabel('Epochs').fill('3');
  await page.getByRole('button', { name: 'Train', exact: true }).click();
  await expect(page.getByTestId('training-state')).toHaveText('done', { timeout: 180_000 });
  await expect(page.getByRole('alert')).toHaveCount(0);
  // A request the service worker does not answer fails: the network really is off.
  expect(await page.evaluate(() => fetch('/not-cached-anywhere.json').then((r) => r.status, () => 'failed'))).not.toBe(200);
});
