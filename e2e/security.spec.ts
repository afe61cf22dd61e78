import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { readFileSync } from 'node:fs';
import { expect, type Page, test } from '@playwright/test';
import { caseFiles, openStep, waitForCase } from './helpers.ts';
import { TINY_CASE, TINY_WEIGHTS } from './paths.ts';
import { serveWeights, WEIGHTS_ORIGIN } from './weightsServer.ts';

/** A server on an origin the studio was not configured with: it counts what reaches it. */
async function foreignServer(): Promise<{ origin: string; hits: () => string[]; close: () => Promise<void> }> {
  const hits: string[] = [];
  const server = createServer((req, res) => {
    hits.push(req.url ?? '');
    res.writeHead(200, { 'access-control-allow-origin': '*', 'cross-origin-resource-policy': 'cross-origin' });
    res.end('ok');
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, hits: () => hits, close: () => new Promise((r) => server.close(() => r())) };
}

async function strokeAcross(page: Page, pen: string, from: [number, number], to: [number, number]): Promise<void> {
  await page.getByRole('button', { name: new RegExp(`^${pen}`) }).click();
  const box = (await page.getByTestId('viewer-canvas').boundingBox())!;
  await page.mouse.move(box.x + box.width * from[0], box.y + box.height * from[1]);
  await page.mouse.down();
  await page.mouse.move(box.x + box.width * to[0], box.y + box.height * to[1], { steps: 8 });
  await page.mouse.up();
}

test('a whole session (weights from a URL, case, features, training, export, comparison, scribbles) requests nothing from any other origin and trips no policy', async ({ page }) => {
  test.setTimeout(480_000);
  const requests: string[] = [];
  page.context().on('request', (r) => requests.push(r.url()));
  const violations: string[] = [];
  page.on('console', (m) => {
    if (/Content Security Policy/i.test(m.text())) violations.push(m.text());
  });
  const server = await serveWeights(new Uint8Array(readFileSync(TINY_WEIGHTS)));
  try {
    await page.goto(`/?weights=${encodeURIComponent(server.url)}`);
    await page.getByRole('button', { name: 'Load model' }).click();
    await expect(page.getByTestId('model-info')).toContainText('2 blocks, dim 64');
    await openStep(page, 'case');
    await page.getByTestId('file-input').setInputFiles(caseFiles(TINY_CASE));
    await waitForCase(page, 'synthetic-6');
    await openStep(page, 'features');
    await page.getByRole('button', { name: 'Extract features' }).click();
    await expect(page.getByTestId('extraction-result')).toContainText('slices with features', { timeout: 120_000 });

    await openStep(page, 'train');
    await page.getByLabel('Epochs').fill('3');
    await page.getByRole('button', { name: 'Train', exact: true }).click();
    await expect(page.getByTestId('training-state')).toHaveText('done', { timeout: 300_000 });
    await page.getByRole('button', { name: 'Predict the volume' }).click();
    await expect(page.getByTestId('volume-scores')).toContainText('WT', { timeout: 120_000 });
    const prediction = page.waitForEvent('download');
    await page.getByRole('button', { name: 'Export prediction (.nii.gz)' }).click();
    expect((await prediction).suggestedFilename()).toMatch(/\.nii\.gz$/);

    await openStep(page, 'compare');
    await page.getByRole('button', { name: 'Compare 3 modalities vs FLAIR only' }).click();
    await expect(page.getByTestId('comparison-table')).toBeVisible({ timeout: 240_000 });

    await page.getByRole('tab', { name: 'Viewer' }).click();
    await page.getByRole('button', { name: 'Axial' }).click();
    await openStep(page, 'train');
    await strokeAcross(page, 'Background', [0.35, 0.35], [0.42, 0.37]);
    await expect(page.getByTestId('stroke-count')).toHaveText('1 strokes');
    await strokeAcross(page, 'Oedema', [0.5, 0.5], [0.56, 0.53]);
    await expect(page.getByTestId('stroke-count')).toHaveText('2 strokes');
    const scribbles = page.waitForEvent('download');
    await page.getByRole('button', { name: 'Export scribbles' }).click();
    expect((await scribbles).suggestedFilename()).toMatch(/\.nii\.gz$/);
  } finally {
    await server.close();
  }

  const app = new URL(page.url()).origin;
  const origins = new Set(requests.map((u) => (/^(blob|data):/.test(u) ? u.slice(0, u.indexOf(':') + 1) : new URL(u).origin)));
  console.log(`${requests.length} requests, from: ${[...origins].join(', ')}`);
  // The log sees the worker too: the weights were fetched there.
  expect(requests).toContain(server.url);
  expect([...origins].filter((o) => o !== app && o !== WEIGHTS_ORIGIN && o !== 'blob:' && o !== 'data:')).toEqual([]);
  expect(violations).toEqual([]);
  await expect(page.getByTestId('message-error')).toHaveCount(0);
});

test('the page cannot reach an origin it was not configured with: fetch, image and worker download are blocked, and the user is told what to do', async ({ page }) => {
  const foreign = await foreignServer();
  try {
    await page.goto('/');
    const outcome = await page.evaluate(async (origin) => {
      document.body.append(Object.assign(new Image(), { src: `${origin}/pixel.png?leak=image` }));
      try {
        await fetch(`${origin}/upload?leak=fetch`, { method: 'POST', body: 'scan' });
        return 'sent';
      } catch (e) {
        return `blocked: ${(e as Error).message}`;
      }
    }, foreign.origin);
    expect(outcome).toMatch(/^blocked/);
    // The policy's refusal reaches the message area, with what was blocked.
    await expect(page.getByTestId('message-error')).toContainText(new RegExp(`Blocked by the studio's security policy \\((connect|img)-src\\): ${foreign.origin}\\. Nothing was sent\\.`));

    // Weights from that origin: refused before any request, in words that say what to do instead.
    await openStep(page, 'model');
    await page.getByRole('combobox', { name: 'Model' }).selectOption('url');
    await page.getByLabel('Weights URL').fill(`${foreign.origin}/model.safetensors?leak=worker`);
    await expect(page.getByTestId('url-refused')).toContainText(`the studio does not fetch from ${foreign.origin}`);
    await page.getByRole('button', { name: 'Load model' }).click();
    await expect(page.getByRole('alert').filter({ hasText: 'STUDIO_WEIGHTS_ORIGINS' })).toContainText(`STUDIO_WEIGHTS_ORIGINS=${foreign.origin}`);
    await page.waitForTimeout(500); // anything in flight would have arrived by now
    expect(foreign.hits()).toEqual([]);
  } finally {
    await foreign.close();
  }
});
