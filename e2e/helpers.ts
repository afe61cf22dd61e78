import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, type Locator, type Page } from '@playwright/test';
import { diceScore } from '../src/core/metrics/dice.ts';
import { regionMask } from '../src/core/metrics/regions.ts';
import { loadVolume, type Volume } from '../src/core/volume.ts';

export function caseFiles(dir: string): string[] {
  return readdirSync(dir)
    .filter((f) => /\.nii(\.gz)?$/.test(f))
    .sort()
    .map((f) => join(dir, f));
}

/** Drops files on the studio as a user dragging them from a file manager would. */
export async function dropFiles(page: Page, files: { name: string; bytes: Uint8Array }[]): Promise<void> {
  const payload = files.map((f) => ({ name: f.name, base64: Buffer.from(f.bytes).toString('base64') }));
  const dataTransfer = await page.evaluateHandle((items) => {
    const dt = new DataTransfer();
    for (const f of items) dt.items.add(new File([Uint8Array.from(atob(f.base64), (c) => c.charCodeAt(0))], f.name));
    return dt;
  }, payload);
  await page.dispatchEvent('[data-testid=dropzone]', 'dragover', { dataTransfer });
  await page.dispatchEvent('[data-testid=dropzone]', 'drop', { dataTransfer });
}

export function fileBytes(path: string, name = path.split('/').pop()!): { name: string; bytes: Uint8Array } {
  return { name, bytes: new Uint8Array(readFileSync(path)) };
}

/** Statistics of what the viewer canvas shows, decoded in the page from a real screenshot. */
export async function canvasPixels(page: Page, canvas: Locator = page.getByTestId('viewer-canvas')): Promise<{ mean: number; variance: number; png: string }> {
  const png = (await canvas.screenshot()).toString('base64');
  const stats = await page.evaluate(async (b64) => {
    const blob = await (await fetch(`data:image/png;base64,${b64}`)).blob();
    const bmp = await createImageBitmap(blob);
    const ctx = new OffscreenCanvas(bmp.width, bmp.height).getContext('2d')!;
    ctx.drawImage(bmp, 0, 0);
    const { data } = ctx.getImageData(0, 0, bmp.width, bmp.height);
    let s = 0, s2 = 0;
    const n = data.length / 4;
    for (let i = 0; i < data.length; i += 4) {
      const g = (data[i] + data[i + 1] + data[i + 2]) / 3;
      s += g;
      s2 += g * g;
    }
    return { mean: s / n, variance: s2 / n - (s / n) ** 2 };
  }, png);
  return { ...stats, png };
}

/** How many pixels differ between two canvas screenshots, and how many look like label colours. */
export async function comparePixels(page: Page, a: string, b: string): Promise<{ changed: number; coloured: [number, number] }> {
  return page.evaluate(
    async ([pa, pb]) => {
      const decode = async (b64: string) => {
        const bmp = await createImageBitmap(await (await fetch(`data:image/png;base64,${b64}`)).blob());
        const ctx = new OffscreenCanvas(bmp.width, bmp.height).getContext('2d')!;
        ctx.drawImage(bmp, 0, 0);
        return ctx.getImageData(0, 0, bmp.width, bmp.height).data;
      };
      const [da, db] = [await decode(pa), await decode(pb)];
      let changed = 0;
      const coloured: [number, number] = [0, 0];
      // A pixel is "coloured" when its channels differ clearly: greyscale MRI never does.
      const isColoured = (d: Uint8ClampedArray, i: number) => Math.max(d[i], d[i + 1], d[i + 2]) - Math.min(d[i], d[i + 1], d[i + 2]) > 40;
      for (let i = 0; i < da.length; i += 4) {
        if (Math.abs(da[i] - db[i]) + Math.abs(da[i + 1] - db[i + 1]) + Math.abs(da[i + 2] - db[i + 2]) > 30) changed++;
        if (isColoured(da, i)) coloured[0]++;
        if (isColoured(db, i)) coloured[1]++;
      }
      return { changed, coloured };
    },
    [a, b] as const,
  );
}

export async function roleOf(page: Page, fileName: string): Promise<string> {
  return page.getByLabel(`Role of ${fileName}`).inputValue();
}

export async function waitForCase(page: Page, id: string): Promise<void> {
  await expect(page.getByTestId('case-id')).toHaveText(id);
}

/** Opens the page at `url`, drops a case folder's files and loads a checkpoint file, as a user would. */
export async function openCaseWithModel(page: Page, caseDir: string, caseId: string, weights: string, url = '/'): Promise<void> {
  await page.goto(url);
  await page.getByTestId('file-input').setInputFiles(caseFiles(caseDir));
  await waitForCase(page, caseId);
  await openStep(page, 'model');
  await page.getByTestId('weights-input').setInputFiles(weights);
  await expect(page.getByTestId('backend')).toContainText('Backend:');
}

/** The start of every head test: open the small synthetic case, load a checkpoint, extract its features. */
export async function openCaseWithFeatures(page: Page, caseDir: string, caseId: string, weights: string, url = '/'): Promise<void> {
  await openCaseWithModel(page, caseDir, caseId, weights, url);
  await openStep(page, 'features');
  await page.getByRole('button', { name: 'Extract features' }).click();
  await expect(page.getByTestId('extraction-result')).toContainText('slices with features', { timeout: 120_000 });
}

/**
 * Pixels of a screenshot whose colour is clearly green (the oedema label's hue): neither the grey
 * MRI nor the red crosshair nor the blue background pen counts.
 */
export async function greenPixels(page: Page, png: string): Promise<number> {
  return page.evaluate(async (b64) => {
    const bmp = await createImageBitmap(await (await fetch(`data:image/png;base64,${b64}`)).blob());
    const ctx = new OffscreenCanvas(bmp.width, bmp.height).getContext('2d')!;
    ctx.drawImage(bmp, 0, 0);
    const d = ctx.getImageData(0, 0, bmp.width, bmp.height).data;
    let n = 0;
    for (let i = 0; i < d.length; i += 4) if (d[i + 1] > d[i] + 40 && d[i + 1] > d[i + 2] + 40) n++;
    return n;
  }, png);
}

/**
 * Clicks "Export prediction", reads the downloaded file and the case's label map from disk, and
 * recomputes each region's Dice from the two files (the truth the page's numbers are checked against).
 */
export async function exportedPrediction(page: Page, caseDir: string): Promise<{ prediction: Volume; truth: Volume; dice: Record<'WT' | 'TC' | 'ET', number | null> }> {
  const download = page.waitForEvent('download');
  await page.getByRole('button', { name: 'Export prediction (.nii.gz)' }).click();
  const prediction = loadVolume(new Uint8Array(readFileSync(await (await download).path())), 'prediction.nii.gz');
  const truth = loadVolume(new Uint8Array(readFileSync(caseFiles(caseDir).find((f) => f.endsWith('_seg.nii.gz'))!)), 'seg');
  const dice = Object.fromEntries((['WT', 'TC', 'ET'] as const).map((r) => [r, diceScore(regionMask(prediction.data, r), regionMask(truth.data, r))])) as Record<'WT' | 'TC' | 'ET', number | null>;
  return { prediction, truth, dice };
}

/** Opens a step of the sidebar's guided workflow by its header, as a user clicks it; an open step stays open. */
export async function openStep(page: Page, id: 'case' | 'model' | 'features' | 'train' | 'compare' | 'dataset' | 'experiments'): Promise<void> {
  const header = page.locator(`#step-header-${id}`);
  if ((await header.getAttribute('aria-expanded')) !== 'true') await header.click();
  await expect(header).toHaveAttribute('aria-expanded', 'true');
}

/**
 * Milliseconds from a click's input event to the second frame after it: how long the page took to
 * answer, main-thread work in the way included (the event's timeStamp is when the input came).
 */
export async function clickLatency(page: Page, target: Locator): Promise<number> {
  await page.evaluate(() => {
    const w = window as unknown as { clickLatency: number | null };
    w.clickLatency = null;
    document.addEventListener('click', (e) => requestAnimationFrame(() => requestAnimationFrame(() => (w.clickLatency = performance.now() - e.timeStamp))), { once: true, capture: true });
  });
  await target.click();
  return (await page.waitForFunction(() => (window as unknown as { clickLatency: number | null }).clickLatency)).jsonValue() as Promise<number>;
}
