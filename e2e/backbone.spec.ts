import { readFileSync } from 'node:fs';
import { expect, test } from '@playwright/test';
import { openStep } from './helpers.ts';
import { TINY_WEIGHTS } from './paths.ts';
import { serveWeights } from './weightsServer.ts';

const weights = () => new Uint8Array(readFileSync(TINY_WEIGHTS));

test('weights from a self-hosted URL download once, then come from the browser cache', async ({ page }) => {
  const server = await serveWeights(weights());
  try {
    await page.goto(`/?weights=${encodeURIComponent(server.url)}`);
    // A link that names weights opens the Model step: that is what the visitor came for.
    await expect(page.locator('#step-header-model')).toHaveAttribute('aria-expanded', 'true');
    await expect(page.getByLabel('Weights URL')).toHaveValue(server.url);
    await page.getByRole('button', { name: 'Load model' }).click();
    const info = page.getByTestId('model-info');
    await expect(info).toContainText('2 blocks, dim 64, 1 heads');
    await expect(page.getByTestId('random-weights')).toBeVisible();
    // No GPU here: WebGPU/WebGL are SwiftShader or absent, so WebAssembly must have been chosen.
    await expect(page.getByTestId('backend')).toContainText('Backend: wasm');
    expect(server.requests()).toBe(1);
    await expect(page.getByTestId('weight-cache')).not.toContainText('0 B');

    await page.reload();
    await openStep(page, 'model');
    await page.getByRole('button', { name: 'Load model' }).click();
    await expect(info).toContainText('from the browser cache');
    expect(server.requests()).toBe(1);

    await page.getByRole('button', { name: 'Time one slice' }).click();
    await expect(page.getByTestId('speed')).toContainText(/\d+ ms per 224×224 slice on wasm/);
  } finally {
    await server.close();
  }
});

test('a slow download shows bytes and speed, and can be cancelled', async ({ page }) => {
  const server = await serveWeights(weights(), { chunkDelayMs: 150 });
  try {
    await page.goto(`/?weights=${encodeURIComponent(server.url)}`);
    await openStep(page, 'model');
    await page.getByRole('button', { name: 'Load model' }).click();
    await expect(page.getByTestId('progress')).toContainText(/Downloading .*KB of .*KB, .*\/s/);
    await page.getByRole('button', { name: 'Cancel' }).click();
    await expect(page.getByRole('status')).toContainText('Download cancelled');
    await expect(page.getByTestId('model-info')).toHaveCount(0);
  } finally {
    await server.close();
  }
});

test('a local checkpoint loads; a broken one is refused and the loaded model stays', async ({ page }) => {
  await page.goto('/');
  await openStep(page, 'model');
  await page.getByTestId('weights-input').setInputFiles(TINY_WEIGHTS);
  await expect(page.getByTestId('model-info')).toContainText('tiny-random.safetensors');
  const bytes = weights();
  await page.getByTestId('weights-input').setInputFiles({ name: 'broken.safetensors', mimeType: 'application/octet-stream', buffer: Buffer.from(bytes.subarray(0, bytes.length >> 1)) });
  await expect(page.getByRole('alert')).toContainText('The model could not be loaded: the file is truncated');
  await expect(page.getByTestId('model-info')).toContainText('tiny-random.safetensors');
});

test('a failing backend falls back to the next one and the work still finishes', async ({ page }) => {
  await page.goto('/?debug=1');
  await openStep(page, 'model');
  await page.getByTestId('weights-input').setInputFiles(TINY_WEIGHTS);
  await expect(page.getByTestId('backend')).toContainText('Backend: wasm');
  await page.evaluate(() => (window as unknown as { studioDebug: { simulateBackendFailure(): Promise<unknown> } }).studioDebug.simulateBackendFailure());
  await page.getByRole('button', { name: 'Time one slice' }).click();
  await expect(page.getByRole('status')).toContainText('The wasm backend failed (simulated device loss); continuing on cpu');
  await expect(page.getByTestId('speed')).toContainText(/ms per 224×224 slice on cpu/, { timeout: 120_000 });
});

test('without a network the failed download offers the offline demo model, and it loads', async ({ page }) => {
  await page.route('https://huggingface.co/**', (route) => route.abort('internetdisconnected'));
  await page.goto('/');
  await openStep(page, 'model');
  await page.getByRole('button', { name: 'Load model' }).click();
  // Nothing was loaded before, so the message must not claim a model is kept.
  await expect(page.getByRole('alert')).toContainText('No model is loaded yet');
  const help = page.getByTestId('model-offline-help');
  await expect(help).toContainText('Use a local file');
  await help.getByRole('button', { name: 'Load the offline demo model' }).click();
  await expect(page.getByTestId('model-info')).toContainText('12 blocks, dim 384', { timeout: 120_000 });
  await expect(page.getByTestId('random-weights')).toBeVisible();
  await expect(help).toHaveCount(0);
});

test('a local checkpoint is kept in the browser: after a reload it loads again from there, and can be forgotten', async ({ page }) => {
  await page.goto('/');
  await openStep(page, 'model');
  await page.getByTestId('weights-input').setInputFiles(TINY_WEIGHTS);
  await expect(page.getByTestId('model-info')).toContainText('tiny-random.safetensors');
  await page.reload();
  await openStep(page, 'model');
  await expect(page.getByTestId('model-info')).toHaveCount(0);
  const kept = page.getByRole('list', { name: 'Local checkpoints kept in this browser' });
  await expect(kept).toContainText('tiny-random.safetensors');
  await kept.getByRole('button', { name: 'Load tiny-random.safetensors again' }).click();
  await expect(page.getByTestId('model-info')).toContainText('tiny-random.safetensors');
  await expect(page.getByTestId('model-info')).toContainText('from the browser cache');
  await kept.getByRole('button', { name: 'Forget tiny-random.safetensors' }).click();
  await expect(kept).toHaveCount(0);
  await expect(page.getByTestId('weight-cache')).toContainText('0 B');
});
