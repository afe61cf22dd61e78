import { expect, test } from '@playwright/test';
import { openCaseWithModel, openStep } from './helpers.ts';
import { TINY_CASE, TINY_WEIGHTS } from './paths.ts';

test('the compute worker ending (as the browser ends one out of memory) is noticed; a fresh one gets back the model, the case, the features and the head, and training that was cut off can be started again', async ({ page }) => {
  test.setTimeout(480_000);
  await openCaseWithModel(page, TINY_CASE, 'synthetic-6', TINY_WEIGHTS, '/?debug=1');
  await expect(page.getByTestId('model-info')).toContainText('tiny-random.safetensors');
  await openStep(page, 'features');
  await page.getByRole('button', { name: 'Extract features' }).click();
  const extracted = page.getByTestId('extraction-result');
  await expect(extracted).toContainText('slices with features', { timeout: 120_000 });
  const slices = Number(/(\d+) slices with features/.exec((await extracted.textContent())!)![1]);
  await openStep(page, 'train');
  await page.getByLabel('Epochs').fill('3');
  await page.getByRole('button', { name: 'Train', exact: true }).click();
  await expect(page.getByTestId('training-state')).toHaveText('done', { timeout: 300_000 });

  // The worker ends between two actions.
  await page.evaluate(() => (window as unknown as { studioDebug: { simulateWorkerCrash: () => void } }).studioDebug.simulateWorkerCrash());
  const status = page.getByRole('status').filter({ hasText: 'compute worker stopped' });
  await expect(status).toContainText(
    `The compute worker stopped and was restarted. Restored the model (tiny-random.safetensors), the case (synthetic-6), the features of ${slices} slices, from the cache, the trained head.`,
    { timeout: 60_000 },
  );
  await expect(page.getByTestId('model-info')).toContainText('tiny-random.safetensors');
  await expect(page.getByTestId('training-state')).toHaveText('done');
  // The restored head predicts in the new worker.
  await page.getByRole('button', { name: 'Predict the volume' }).click();
  await expect(page.getByTestId('volume-scores')).toContainText('WT', { timeout: 120_000 });

  // The worker ends while it trains: the page says what was lost, and training starts again.
  await page.getByLabel('Epochs').fill('200');
  await page.getByRole('button', { name: 'Train', exact: true }).click();
  await expect(page.getByTestId('training-state')).toHaveText('running', { timeout: 60_000 });
  await page.evaluate(() => (window as unknown as { studioDebug: { simulateWorkerCrash: () => void } }).studioDebug.simulateWorkerCrash());
  await expect(page.getByRole('alert').filter({ hasText: 'compute worker stopped and was restarted' })).toContainText(
    'Not restored: the training that was running: start it again.',
    { timeout: 60_000 },
  );
  await expect(page.getByTestId('training-state')).toHaveText('stopped');
  await page.getByLabel('Epochs').fill('3');
  await page.getByRole('button', { name: 'Train', exact: true }).click();
  await expect(page.getByTestId('training-state')).toHaveText('done', { timeout: 300_000 });
});
