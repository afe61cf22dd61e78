import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, test } from '@playwright/test';
import { canvasPixels, caseFiles, comparePixels, openStep, waitForCase } from './helpers.ts';
import { SCREENSHOTS, SMALL_CASE, TINY_WEIGHTS } from './paths.ts';

test('one click compares 3 modalities with FLAIR only: table, curves, synced side-by-side views, CSV, kept over a reload', async ({ page }) => {
  await page.goto('/');
  await page.getByTestId('file-input').setInputFiles(caseFiles(SMALL_CASE));
  await waitForCase(page, 'synthetic-5');
  await openStep(page, 'model');
  await page.getByTestId('weights-input').setInputFiles(TINY_WEIGHTS);
  await expect(page.getByTestId('backend')).toContainText('Backend:');
  await openStep(page, 'train');
  await page.getByLabel('Epochs').fill('6');
  await openStep(page, 'compare');
  await page.getByRole('button', { name: 'Compare 3 modalities vs FLAIR only' }).click();
  await expect(page.getByTestId('progress')).toBeVisible();

  const table = page.getByTestId('comparison-table');
  await expect(table).toBeVisible({ timeout: 240_000 });
  const rows = table.locator('tbody tr');
  await expect(rows).toHaveCount(3);
  await expect(rows.nth(0).locator('td').first()).toHaveText('FLAIR / T1gd / T2');
  await expect(rows.nth(1).locator('td').first()).toHaveText('FLAIR only');
  await expect(rows.nth(2).locator('td').first()).toHaveText('FLAIR only − FLAIR / T1gd / T2');
  const cell = async (r: number, c: number) => Number((await rows.nth(r).locator('td').nth(c).textContent())!.split(' ± ')[0]);
  const [wt3, wtFlair, wtDiff] = [await cell(0, 1), await cell(1, 1), await cell(2, 1)];
  expect(wtDiff).toBeCloseTo(wtFlair - wt3, 2);
  await expect(page.getByTestId('slice-curves')).toBeVisible();
  expect(await page.getByTestId('slice-curves').evaluate((img: HTMLImageElement) => img.naturalWidth)).toBeGreaterThan(300);

  // Side by side: both views draw the case; a click in one moves the crosshair in both.
  const panes = page.getByTestId('side-canvas');
  await expect(panes).toHaveCount(2);
  for (const i of [0, 1]) await expect.poll(async () => (await canvasPixels(page, panes.nth(i))).variance, { timeout: 30_000 }).toBeGreaterThan(100);
  // Both views open on the slices the table scores (checked against the exported records below).
  const where = page.getByTestId('side-location');
  await expect(where.nth(0)).toContainText('axial slice');
  const openedAt = Number(/axial slice (\d+)/.exec((await where.nth(0).textContent())!)![1]);
  await expect(where.nth(1)).toHaveText((await where.nth(0).textContent())!);
  const rightBefore = await canvasPixels(page, panes.nth(1));
  const box = (await panes.nth(0).boundingBox())!;
  await page.mouse.click(box.x + box.width * 0.3, box.y + box.height * 0.35);
  await expect(where.nth(0)).toContainText('voxel');
  await expect(where.nth(1)).toHaveText((await where.nth(0).textContent())!);
  await expect.poll(async () => (await comparePixels(page, rightBefore.png, (await canvasPixels(page, panes.nth(1))).png)).changed).toBeGreaterThan(20);
  // A click on the per-slice chart shows that slice in both views: its left end the first scored
  // slice, its right end the last (checked against the exported records below).
  const chart = page.getByTestId('slice-curves').first();
  const natural = await chart.evaluate((img: HTMLImageElement) => img.naturalWidth);
  const chartBox = (await chart.boundingBox())!;
  const sliceAfterClick = async (svgX: number) => {
    const before = (await where.nth(0).textContent())!;
    await chart.click({ position: { x: (svgX / natural) * chartBox.width, y: chartBox.height / 2 } });
    await expect(where.nth(0)).not.toHaveText(before);
    await expect(where.nth(1)).toHaveText((await where.nth(0).textContent())!);
    return Number(/axial slice (\d+)/.exec((await where.nth(0).textContent())!)![1]);
  };
  const firstClicked = await sliceAfterClick(32);
  const lastClicked = await sliceAfterClick(292);
  await page.screenshot({ path: join(SCREENSHOTS, 'compare-synthetic.png'), fullPage: true });

  // The CSV: one row per experiment x case x region, the same numbers as the table.
  const csvDownload = page.waitForEvent('download');
  await page.getByRole('button', { name: 'Download CSV' }).click();
  const csv = readFileSync(await (await csvDownload).path(), 'utf8').trim().split('\n');
  expect(csv.length).toBe(1 + 2 * 1 * 3);
  const wtRow = csv.find((l) => l.startsWith('FLAIR only,') && l.includes(',WT,'))!;
  const cells = wtRow.match(/("[^"]*"|[^,]*)(,|$)/g)!.map((x) => x.replace(/,$/, ''));
  expect(Number(cells[9])).toBeCloseTo(wtFlair, 3); // the dice column
  expect(wtRow).toContain('synthetic-5');

  // Kept in IndexedDB: a reload lists both experiments again.
  await page.reload();
  await expect(page.getByTestId('step-state-experiments')).toHaveText('done: 2 kept');
  await openStep(page, 'experiments');
  await expect(page.getByTestId('experiments').locator('tbody tr')).toHaveCount(2);
  await expect(page.getByTestId('experiments')).toContainText('FLAIR only');

  // Export, delete, import: the list and the comparison come back.
  const jsonDownload = page.waitForEvent('download');
  await page.getByRole('button', { name: 'Export JSON' }).click();
  const json = readFileSync(await (await jsonDownload).path());
  const records = JSON.parse(json.toString('utf8')).experiments as { cases: { evaluation: { kind: string; heldOut?: number[] } }[] }[];
  for (const r of records) {
    expect(r.cases[0].evaluation.kind).toBe('held-out slices');
    expect(r.cases[0].evaluation.heldOut).toContain(openedAt);
    expect([firstClicked, lastClicked]).toEqual([Math.min(...r.cases[0].evaluation.heldOut!), Math.max(...r.cases[0].evaluation.heldOut!)]);
  }
  await page.getByRole('button', { name: 'Delete FLAIR only' }).click();
  await page.getByRole('button', { name: 'Delete FLAIR / T1gd / T2' }).click();
  await expect(page.getByTestId('experiments')).toHaveCount(0);
  await page.getByTestId('experiments-input').setInputFiles({ name: 'experiments.json', mimeType: 'application/json', buffer: json });
  await expect(page.getByTestId('experiments').locator('tbody tr')).toHaveCount(2);
  await page.getByLabel('Select FLAIR / T1gd / T2').check();
  await page.getByLabel('Select FLAIR only').check();
  await page.getByRole('tab', { name: /Comparison/ }).click();
  await expect(page.getByTestId('comparison-table').locator('tbody tr').nth(1).locator('td').nth(1)).toHaveText(new RegExp(`^${wtFlair.toFixed(3)}`));
  // A file that is not an experiments file is refused, and the list stays.
  await page.getByTestId('experiments-input').setInputFiles({ name: 'bad.json', mimeType: 'application/json', buffer: Buffer.from('{"foo": 1}') });
  await expect(page.getByRole('alert')).toContainText('bad.json: not an experiments file');
  await expect(page.getByTestId('experiments').locator('tbody tr')).toHaveCount(2);
});
