import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, test } from '@playwright/test';
import { caseFiles, openStep, waitForCase } from './helpers.ts';
import { SCREENSHOTS, SMALL_CASE, TINY_WEIGHTS } from './paths.ts';

test("one click runs the ablation: the seed's linear probe vs the voxel heads, the table agrees with the CSV, the report names what differs", async ({ page }) => {
  test.setTimeout(420_000);
  await page.goto('/');
  await page.getByTestId('file-input').setInputFiles(caseFiles(SMALL_CASE));
  await waitForCase(page, 'synthetic-5');
  await openStep(page, 'model');
  await page.getByTestId('weights-input').setInputFiles(TINY_WEIGHTS);
  await expect(page.getByTestId('backend')).toContainText('Backend:');
  await openStep(page, 'train');
  await page.getByLabel('Epochs').fill('3');
  await page.getByLabel('Hidden layers').fill('16');
  await openStep(page, 'compare');
  await page.getByRole('button', { name: "Linear probe (the seed's) vs voxel heads" }).click();

  const table = page.getByTestId('comparison-table');
  await expect(table).toBeVisible({ timeout: 360_000 });
  const rows = table.locator('tbody tr');
  const names = ["Linear probe (the seed's baseline)", 'Fine head: voxel inputs + backbone', 'Voxel inputs alone (no backbone)', 'MLP on backbone features'];
  await expect(rows).toHaveCount(names.length + names.length - 1);
  for (const [i, name] of names.entries()) await expect(rows.nth(i).locator('td').first()).toHaveText(name);
  const cell = async (r: number, c: number) => Number((await rows.nth(r).locator('td').nth(c).textContent())!.split(' ± ')[0]);
  await page.screenshot({ path: join(SCREENSHOTS, 'ablation-synthetic.png'), fullPage: true });

  const csvDownload = page.waitForEvent('download');
  await page.getByRole('button', { name: 'Download CSV' }).click();
  const csv = readFileSync(await (await csvDownload).path(), 'utf8').trim().split('\n').slice(1).map((l) => l.match(/("[^"]*"|[^,]*)(,|$)/g)!.map((x) => x.replace(/,$/, '').replace(/^"|"$/g, '')));
  expect(csv.length).toBe(names.length * 3);
  for (const [i, name] of names.entries()) {
    for (const [j, region] of ['WT', 'TC', 'ET'].entries()) {
      const row = csv.find((x) => x[0] === name && x[8] === region)!;
      expect(Number(row[9]), `${name} ${region}`).toBeCloseTo(await cell(i, 1 + j), 3);
    }
  }
  // Each difference row is that arm minus the seed's probe (one case: the difference of the two cells).
  for (let i = 1; i < names.length; i++) expect(await cell(names.length + i - 1, 1)).toBeCloseTo((await cell(i, 1)) - (await cell(0, 1)), 2);

  const mdDownload = page.waitForEvent('download');
  await page.getByRole('button', { name: /Markdown/ }).click();
  const md = readFileSync(await (await mdDownload).path(), 'utf8');
  expect(md).toContain('Differs: head: ');
  // jitter moves voxel inputs only: the heads without them show none
  expect(md).toContain("Differs: jitter: Linear probe (the seed's baseline) = -, Fine head: voxel inputs + backbone = 0.5, Voxel inputs alone (no backbone) = 0.5, MLP on backbone features = -");
  expect(md).toContain("Linear probe (the seed's baseline) = Linear probe (the seed's baseline); no post-processing");
  expect(md).toContain('Voxel inputs alone (no backbone) = Voxel inputs alone (no backbone); hidden 16 (ReLU); intensity jitter ±0.5; post-processing: hierarchy, components, holes');
});
