import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { expect, test } from '@playwright/test';
import { decodeFeatureFile } from '../src/core/features/storeFile.ts';
import { openCaseWithModel, openStep } from './helpers.ts';
import { ROOT, SMALL_CASE, TINY_CASE, TINY_WEIGHTS } from './paths.ts';

/** The CLI's extract over a dataset of one case folder: the feature-store file it wrote. */
function extractWithCli(caseDir: string): { file: string; key: string; slices: number } {
  const dataset = mkdtempSync(join(tmpdir(), 'store-dataset-'));
  symlinkSync(caseDir, join(dataset, basename(caseDir)));
  const out = JSON.parse(
    execFileSync('npx', ['tsx', 'src/cli/main.ts', 'extract', '--dataset', dataset, '--mapping', 'flair,t1ce,t2', '--weights', TINY_WEIGHTS, '--out', mkdtempSync(join(tmpdir(), 'store-'))], { cwd: ROOT, encoding: 'utf8' }),
  );
  return out.cases[0];
}

test('features extracted by the CLI (as on a cluster) import into the app and are read, not computed; the app exports them in the same format; another case is refused', async ({ page }) => {
  test.setTimeout(300_000);
  const cli = extractWithCli(TINY_CASE);
  await openCaseWithModel(page, TINY_CASE, 'synthetic-6', TINY_WEIGHTS);
  await expect(page.getByTestId('model-info')).toContainText('tiny-random.safetensors');
  await openStep(page, 'features');
  // Another mapping chosen: the import sets the file's.
  const preset = page.getByRole('combobox', { name: 'Channel preset' });
  await preset.selectOption('flair-only');
  await page.getByTestId('features-input').setInputFiles(cli.file);
  await expect(page.getByRole('status').filter({ hasText: 'slices of features' })).toContainText(
    `${cli.slices} slices of features (case synthetic-6; flair,t1ce,t2 at 224, axial) are in this browser's cache`,
  );
  await expect(preset).toHaveValue('three-modalities');
  await page.getByRole('button', { name: 'Extract features' }).click();
  await expect(page.getByTestId('extraction-result')).toContainText(`${cli.slices} slices with features (${cli.slices} from the cache)`, { timeout: 120_000 });

  const download = page.waitForEvent('download');
  await page.getByRole('button', { name: 'Export features' }).click();
  const exported = decodeFeatureFile(new Uint8Array(readFileSync(await (await download).path())));
  const original = decodeFeatureFile(new Uint8Array(readFileSync(cli.file)));
  expect(exported.key).toBe(cli.key);
  expect([...exported.slices.keys()]).toEqual([...original.slices.keys()]);
  for (const [k, v] of original.slices) expect(Buffer.from(exported.slices.get(k)!.buffer).equals(Buffer.from(v.buffer)), `slice ${k}`).toBe(true);

  // Features of another case are refused by name, and the cache keeps what it had.
  const other = extractWithCli(SMALL_CASE);
  await page.getByTestId('features-input').setInputFiles(other.file);
  await expect(page.getByRole('alert')).toContainText('these features are of case synthetic-5, not of synthetic-6 as loaded (its voxels differ)');
  await expect(page.getByTestId('extraction-result')).toContainText(`${cli.slices} slices with features`);
});
