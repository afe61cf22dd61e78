import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, test } from '@playwright/test';
import { openCaseWithFeatures, openCaseWithModel, openStep } from './helpers.ts';
import { E2E_DATA, SMALL_CASE, TINY_WEIGHTS } from './paths.ts';
import { parseSafetensors, toFloat32, writeSafetensors } from '../src/core/weights/safetensors.ts';

test('one click fine-tunes the backbone on this device: the frozen probe vs LoRA vs Rein on the same held-out slices, the time shown before training, the adapters named in the report', async ({ page }) => {
  test.setTimeout(420_000);
  await openCaseWithModel(page, SMALL_CASE, 'synthetic-5', TINY_WEIGHTS);
  await openStep(page, 'train');
  await page.getByLabel('Epochs').fill('2');
  await openStep(page, 'compare');
  await page.getByRole('button', { name: 'Frozen probe vs LoRA vs Rein' }).click();
  // Before an adapter trains, the page says how long it will take.
  await expect(page.locator('#step-body-compare')).toContainText(/the LoRA adapter: \d+ training steps at [\d.]+ s a step, about \d+ min|training the LoRA adapter/, { timeout: 300_000 });

  const table = page.getByTestId('comparison-table');
  await expect(table).toBeVisible({ timeout: 360_000 });
  const rows = table.locator('tbody tr');
  const names = ['Frozen probe', 'LoRA', 'Rein'];
  await expect(rows).toHaveCount(names.length + names.length - 1);
  for (const [i, name] of names.entries()) await expect(rows.nth(i).locator('td').first()).toHaveText(name);
  for (let i = 0; i < names.length; i++) {
    const wt = (await rows.nth(i).locator('td').nth(1).textContent())!;
    expect(Number(wt.split(' ± ')[0]), `${names[i]} WT`).toBeGreaterThanOrEqual(0);
  }

  const mdDownload = page.waitForEvent('download');
  await page.getByRole('button', { name: /Markdown/ }).click();
  const md = readFileSync(await (await mdDownload).path(), 'utf8');
  expect(md).toContain('Backbone adapters (trained with the head, through the backbone\'s last blocks): Frozen probe = none, the backbone frozen; LoRA = LoRA rank 8, alpha 16 on qkv, proj of the last 2 blocks');
  expect(md).toContain('Rein = Rein, 100 tokens of rank 16 after each of the last 2 blocks');
});

test('fine-tunes LoRA in the Train step: the live chart, the volume predicted through the adapter, its PEFT files and head saved, and loaded again after a reload they predict the same', async ({ page }) => {
  test.setTimeout(400_000);
  await openCaseWithFeatures(page, SMALL_CASE, 'synthetic-5', TINY_WEIGHTS);
  await openStep(page, 'train');
  await page.getByLabel('Head').selectOption('linear');
  await page.getByLabel('Backbone adapter').selectOption('lora');
  await page.getByLabel('Epochs').fill('3');
  await page.getByRole('button', { name: 'Train', exact: true }).click();
  await expect(page.getByTestId('training-status')).toContainText(/Step \d+, loss [\d.]+, validation Dice WT [\d.]+/, { timeout: 120_000 });
  await expect(page.getByTestId('training-state')).toHaveText('done', { timeout: 200_000 });
  await page.getByRole('button', { name: 'Predict the volume' }).click();
  const scores = page.getByTestId('volume-scores');
  await expect(scores).toContainText('WT');
  const shown = (await scores.locator('tbody').textContent())!;

  const saved: Record<string, string> = {};
  mkdirSync(join(E2E_DATA, 'saved-adapter'), { recursive: true });
  page.on('download', async (d) => {
    const path = join(E2E_DATA, 'saved-adapter', d.suggestedFilename());
    await d.saveAs(path);
    saved[d.suggestedFilename()] = path;
  });
  await page.getByRole('button', { name: 'Save adapter and head' }).click();
  await expect.poll(() => Object.keys(saved).sort(), { timeout: 30_000 }).toEqual(['adapter_config.json', 'adapter_model.safetensors', 'head.json']);
  expect(JSON.parse(readFileSync(saved['adapter_config.json'], 'utf8'))).toMatchObject({ peft_type: 'LORA', r: 8, lora_alpha: 16, layers_to_transform: [0, 1], target_modules: ['dense', 'key', 'query', 'value'] });
  expect(readFileSync(saved['adapter_model.safetensors'], 'latin1')).toContain('base_model.model.encoder.layer.1.attention.attention.query.lora_A.weight');
  expect(JSON.parse(readFileSync(saved['head.json'], 'utf8')).settings.adapter).toMatchObject({ kind: 'lora', rank: 8 });

  // A fresh page: the saved adapter and head, applied to the same case, give the same volume.
  await openCaseWithFeatures(page, SMALL_CASE, 'synthetic-5', TINY_WEIGHTS);
  await openStep(page, 'train');
  await page.getByTestId('adapter-input').setInputFiles(Object.values(saved));
  await expect(page.getByRole('button', { name: 'Predict the volume' })).toBeVisible({ timeout: 60_000 });
  await page.getByRole('button', { name: 'Predict the volume' }).click();
  await expect(scores).toContainText('WT');
  expect((await scores.locator('tbody').textContent())!).toBe(shown);
});

test('the fine-tuned LoRA merged into the backbone: features extracted through it are cached under its name (on the next backend too, when one fails), a head trains on them, and the frozen features are still there', async ({ page }) => {
  test.setTimeout(400_000);
  await openCaseWithFeatures(page, SMALL_CASE, 'synthetic-5', TINY_WEIGHTS, '/?debug=1');
  const extracted = page.getByTestId('extraction-result');
  const slices = Number((await extracted.textContent())!.match(/^(\d+) slices/)![1]);
  await openStep(page, 'train');
  await page.getByLabel('Head').selectOption('linear');
  await page.getByLabel('Backbone adapter').selectOption('lora');
  await page.getByLabel('Epochs').fill('2');
  await page.getByRole('button', { name: 'Train', exact: true }).click();
  await expect(page.getByTestId('training-state')).toHaveText('done', { timeout: 200_000 });

  await page.getByRole('button', { name: 'Use the adapted backbone for extraction' }).click();
  await openStep(page, 'model');
  await expect(page.getByTestId('model-info')).toContainText(/\+ lora-[0-9a-f]{12} \(merged into the weights\)/);
  // A backend lost now: the next one rebuilds the model and merges the adapter into it again.
  await page.evaluate(() => (window as unknown as { studioDebug: { simulateBackendFailure(): Promise<unknown> } }).studioDebug.simulateBackendFailure());
  await openStep(page, 'features');
  await page.getByRole('button', { name: 'Extract features' }).click();
  await expect(page.getByRole('status').filter({ hasText: 'The wasm backend failed (simulated device loss); continuing on cpu' })).toBeVisible({ timeout: 60_000 });
  await expect(extracted).toContainText(`${slices} slices with features (0 from the cache)`, { timeout: 120_000 });
  await expect(extracted).toContainText(/through lora-[0-9a-f]{12}/);

  // A checkpoint that reads but does not build (a block's tensor missing) is refused and leaves
  // the backbone as it was, adapter and all.
  await openStep(page, 'model');
  const { tensors } = parseSafetensors(readFileSync(TINY_WEIGHTS));
  const kept = [...tensors].filter(([name]) => name !== 'encoder.layer.0.attention.attention.query.weight').map(([name, t]) => ({ name, shape: t.shape, values: toFloat32(t) }));
  expect(kept.length).toBe(tensors.size - 1);
  await page.getByTestId('weights-input').setInputFiles({ name: 'incomplete.safetensors', mimeType: 'application/octet-stream', buffer: Buffer.from(writeSafetensors(kept, 'F32')) });
  await expect(page.getByRole('alert')).toContainText('The model could not be loaded: checkpoint lacks the query part of encoder.layer.0');
  await expect(page.getByTestId('model-info')).toContainText(/\+ lora-[0-9a-f]{12} \(merged into the weights\)/);
  await openStep(page, 'features');
  await page.getByRole('button', { name: 'Extract features' }).click();
  await expect(extracted).toContainText(`${slices} slices with features (${slices} from the cache)`, { timeout: 60_000 });
  await expect(extracted).toContainText(/through lora-[0-9a-f]{12}/);

  // A head on the adapted features: the frozen linear probe's training, on new features.
  await openStep(page, 'train');
  await page.getByLabel('Backbone adapter').selectOption('none');
  await page.getByRole('button', { name: 'Train', exact: true }).click();
  await expect(page.getByTestId('training-state')).toHaveText('done', { timeout: 120_000 });
  await page.getByRole('button', { name: 'Predict the volume' }).click();
  await expect(page.getByTestId('volume-scores')).toContainText('WT');

  await page.getByRole('button', { name: 'Back to the frozen backbone' }).click();
  await openStep(page, 'model');
  await expect(page.getByTestId('model-info')).not.toContainText('lora-');
  await openStep(page, 'features');
  await page.getByRole('button', { name: 'Extract features' }).click();
  await expect(extracted).toContainText(`${slices} slices with features (${slices} from the cache)`, { timeout: 60_000 });
  await expect(extracted).not.toContainText('through');
});
