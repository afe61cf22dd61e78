import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, type Page, test } from '@playwright/test';
import { openStep } from './helpers.ts';
import { E2E_DATA, PROBE_WEIGHTS, ROOT, SCREENSHOTS } from './paths.ts';

const DATASET = join(E2E_DATA, 'dataset-6');
const IDS = [21, 22, 23, 24, 25, 26].map((s) => `synthetic-${s}`);

/** Six small synthetic cases, a folder each, written by the studio's own CLI (real .nii.gz files). */
function makeDataset(): void {
  mkdirSync(DATASET, { recursive: true });
  for (const [i, id] of IDS.entries()) {
    if (!existsSync(join(DATASET, id))) execFileSync('npx', ['tsx', 'src/cli/main.ts', 'synth', '--out', join(DATASET, id), '--dims', '48,48,32', '--seed', String(21 + i)], { cwd: ROOT, stdio: 'ignore' });
  }
}

const rows = (page: Page) => page.getByTestId('workspace-case');
const counts = async (page: Page) => {
  const m = /(\d+)\/(\d+) cases; (\d+) slices computed, (\d+) read from the cache/.exec((await page.getByTestId('queue-counts').textContent()) ?? '');
  return m ? { done: +m[1], total: +m[2], computed: +m[3], fromCache: +m[4] } : null;
};
const cachedCases = async (page: Page) => (await page.getByTestId('case-features').allTextContents()).filter((t) => !/missing|queued|extracting/.test(t)).length;

test('a dataset workspace: six cases opened as a folder, extraction queued, a reload mid-queue resumes without recomputing, train on 4, test on 2, two mappings compared by case; the table equals the CSV and the CLI repeats the run with the exported split', async ({ page }) => {
  test.setTimeout(600_000);
  makeDataset();
  await page.goto('/');
  await openStep(page, 'model');
  await page.getByTestId('weights-input').setInputFiles(PROBE_WEIGHTS);
  await expect(page.getByTestId('backend')).toContainText('Backend:');

  await openStep(page, 'dataset');
  await page.getByTestId('dataset-input').setInputFiles(DATASET);
  await expect(rows(page)).toHaveCount(6);
  // With a dataset open, the Train step shows the settings its heads train with.
  await openStep(page, 'train');
  await page.getByLabel('Epochs').fill('4', { timeout: 10_000 });
  await openStep(page, 'dataset');
  expect(await rows(page).evaluateAll((r) => r.map((x) => x.getAttribute('data-case')))).toEqual(IDS);
  await expect(rows(page).first()).toContainText('FLAIR, T1, T1gd, T2');
  await page.getByLabel('Test fraction').fill('0.33');
  await page.getByRole('button', { name: 'Draw split' }).click();
  await expect(page.getByTestId('split-summary')).toContainText('4 train, 0 validation, 2 test, seed 0');

  // The queue: two mappings per case. Reload once two cases are done.
  await page.getByRole('button', { name: 'Extract features for every case' }).click();
  await expect(page.getByTestId('queue-counts')).toBeVisible();
  await expect.poll(async () => (await counts(page))?.done ?? 0, { timeout: 180_000 }).toBeGreaterThanOrEqual(2);
  await page.reload();
  await openStep(page, 'dataset');
  // The table survives the reload; the folder must be opened again (browsers forget opened files).
  await expect(rows(page)).toHaveCount(6);
  await expect(page.getByText('open dataset-6 again')).toBeVisible();
  const doneBefore = await cachedCases(page);
  expect(doneBefore).toBeGreaterThanOrEqual(2);
  expect(doneBefore).toBeLessThan(6);
  await expect(page.getByTestId('split-summary')).toContainText('4 train, 0 validation, 2 test, seed 0');

  await openStep(page, 'model');
  await page.getByRole('button', { name: 'Load probe.safetensors again' }).click();
  await expect(page.getByTestId('backend')).toContainText('Backend:');
  await openStep(page, 'train');
  await page.getByLabel('Epochs').fill('4', { timeout: 10_000 });
  await openStep(page, 'dataset');
  await page.getByTestId('dataset-input').setInputFiles(DATASET);
  await page.getByRole('button', { name: 'Extract features for every case' }).click();
  // The queue starts where the cache stands: the cases done before the reload are not queued again.
  await expect.poll(async () => (await counts(page))?.done ?? -1).toBeGreaterThanOrEqual(doneBefore);
  await expect(page.getByTestId('queue-progress')).toBeHidden({ timeout: 180_000 });
  expect(await cachedCases(page)).toBe(6);

  await page.getByRole('button', { name: /^Train on 4, test on 2: compare/ }).click();
  const table = page.getByTestId('comparison-table');
  await expect(table).toBeVisible({ timeout: 300_000 });
  await expect(page.getByTestId('paired-table')).toBeVisible();
  await expect(page.getByTestId('paired-table').locator('tbody tr')).toHaveCount(3);
  // The FLAIR-only arm read FLAIR alone, its voxel inputs included.
  await expect(page.getByTestId('comparison-reads')).toHaveText('What each arm read: FLAIR / T1gd / T2 reads FLAIR, T1gd, T2; FLAIR only reads FLAIR.');
  mkdirSync(SCREENSHOTS, { recursive: true });
  await page.screenshot({ path: join(SCREENSHOTS, 'workspace.png') });

  // The workspace table's per-case Dice equals the CSV's rows.
  const download = page.waitForEvent('download');
  await page.getByRole('button', { name: 'Download CSV' }).click();
  const csv = readFileSync(await (await download).path(), 'utf8').trim().split('\n').slice(1).map((l) => l.match(/("[^"]*"|[^,]*)(,|$)/g)!.map((x) => x.replace(/,$/, '').replace(/^"|"$/g, '')));
  const perCase = csv.filter((x) => x[7] !== 'paired difference by case');
  expect(perCase.length).toBe(2 * 2 * 3);
  const testIds = [...new Set(perCase.map((x) => x[6]))].sort();
  expect(testIds).toHaveLength(2);
  const header = await page.getByTestId('workspace-table').locator('thead th').allTextContents();
  for (const x of perCase) {
    const column = header.findIndex((h) => h.replace(/ [▲▼]$/, '') === `${x[0]} ${x[8]}`);
    expect(column, `${x[0]} ${x[8]}`).toBeGreaterThan(0);
    const cell = page.locator(`[data-testid=workspace-case][data-case="${x[6]}"] td`).nth(column);
    await expect(cell).toHaveText(x[9] === '' ? 'absent' : x[9]);
  }
  expect(csv.filter((x) => x[7] === 'paired difference by case')).toHaveLength(3);

  // One case's cache dropped: that case says missing, the others keep theirs.
  await openStep(page, 'dataset');
  // The per-case Dice can be read where the table is: the sidebar widens, the column is not cut off.
  const row = page.locator(`[data-testid=workspace-case][data-case="${testIds[0]}"]`);
  const overflow = await row.locator('[data-testid=dice-ET]').last().evaluate((cell) => cell.getBoundingClientRect().right - cell.closest('.table-scroll')!.getBoundingClientRect().right);
  expect(overflow, "the last run's ET column's overflow past the sidebar (px)").toBeLessThanOrEqual(0);
  await page.getByRole('button', { name: `Drop the features of ${IDS[0]}` }).click();
  await expect(page.locator(`[data-testid=workspace-case][data-case="${IDS[0]}"] [data-testid=case-features]`)).toContainText('missing');
  expect(await cachedCases(page)).toBe(5);

  // The exported split, through the CLI with the same settings: the same cases and close Dice.
  const splitDownload = page.waitForEvent('download');
  await page.getByRole('button', { name: 'Export split' }).click();
  const splitFile = await (await splitDownload).path();
  const split = JSON.parse(readFileSync(splitFile, 'utf8'));
  expect(split.test.sort()).toEqual(testIds);
  const cli = JSON.parse(
    execFileSync('npx', ['tsx', 'src/cli/main.ts', 'compare', '--dataset', DATASET, '--split', splitFile, '--mappings', 'flair,t1ce,t2', 'flair,flair,flair', '--weights', PROBE_WEIGHTS, '--epochs', '4', '--seed', '0', '--csv', join(E2E_DATA, 'workspace-cli.csv')], { cwd: ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }),
  );
  expect(cli.evaluation.test).toEqual(split.test);
  for (const e of cli.experiments) {
    for (const c of e.cases) {
      for (const region of ['WT', 'TC', 'ET']) {
        const app = perCase.find((x) => x[0] === e.name && x[6] === c.case && x[8] === region)!;
        if (c[region].dice === null) expect(app[9]).toBe('');
        else expect(Math.abs(Number(app[9]) - c[region].dice), `${e.name} ${c.case} ${region}`).toBeLessThan(0.02);
      }
    }
  }
});
