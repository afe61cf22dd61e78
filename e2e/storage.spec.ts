import { expect, test } from '@playwright/test';
import { caseFiles, openStep, waitForCase } from './helpers.ts';
import { TINY_CASE, TINY_WEIGHTS } from './paths.ts';

test('with the site storage quota used up, the model, features, training and comparison all still work; the user is told what will not survive a reload', async ({ page }) => {
  test.setTimeout(480_000);
  await page.goto('/');
  // Chromium's own quota, set as a full disk leaves it: one byte, so no write fits (with a few KB,
  // whether a small experiment record still fits depends on Chromium's lazy usage accounting).
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Storage.overrideQuotaForOrigin', { origin: new URL(page.url()).origin, quotaSize: 1 });

  await page.getByTestId('file-input').setInputFiles(caseFiles(TINY_CASE));
  await waitForCase(page, 'synthetic-6');
  await openStep(page, 'model');
  await page.getByTestId('weights-input').setInputFiles(TINY_WEIGHTS);
  await expect(page.getByTestId('model-info')).toContainText('tiny-random.safetensors');
  await expect(page.getByRole('status').filter({ hasText: 'copy of tiny-random.safetensors' })).toContainText(
    'The browser would not store the copy of tiny-random.safetensors (its storage quota for this site is used up). The model is loaded; after a reload, choose the file again.',
  );

  await openStep(page, 'features');
  await page.getByRole('button', { name: 'Extract features' }).click();
  await expect(page.getByTestId('extraction-result')).toContainText('slices with features', { timeout: 120_000 });
  await expect(page.getByRole('status').filter({ hasText: 'patch features' })).toContainText('They are kept in memory for this session');

  await openStep(page, 'train');
  await page.getByLabel('Epochs').fill('3');
  await openStep(page, 'compare');
  await page.getByRole('button', { name: 'Compare 3 modalities vs FLAIR only' }).click();
  await expect(page.getByTestId('comparison-table')).toBeVisible({ timeout: 240_000 });
  await expect(page.getByTestId('comparison-table').locator('tbody tr')).toHaveCount(3);
  await expect(page.getByRole('alert').filter({ hasText: 'would not store experiments' })).toContainText('they are kept for this session only. Export them (Export JSON) to keep them.');
  // The predictions behind the table are on screen, from this session's copy.
  await expect(page.getByTestId('side-canvas')).toHaveCount(2);
  await expect(page.getByRole('alert').filter({ hasText: 'comparison failed' })).toHaveCount(0);
});
