/**
 * The newcomer's walk (load the sample case, train the default head for its full run, predict the
 * volume, run a comparison) with what the page's own instruments saw: every main-thread long task
 * (PerformanceObserver 'longtask') and every input's delay to the next paint (Event Timing), per
 * phase. Shared by the e2e test, which bounds them, and `npm run bench:ui`, which prints them.
 */
import { expect, type Page } from '@playwright/test';
import { openStep } from './helpers.ts';

export interface PhaseFigures {
  phase: string;
  seconds: number;
  longTasks: number[];
  /** Input-to-paint durations of the clicks and keys the walk made meanwhile (Event Timing). */
  inputDelays: number[];
  /** Milliseconds from asking for a frame to getting it, sampled about every 0.5 s while the phase ran. */
  frameDelays: number[];
  /** Milliseconds a click on the page's title took to go through, about every 2 s (120000: never answered). */
  clickWaits: number[];
  /** Training only: optimiser steps per second. */
  stepsPerSecond?: number;
}

/** Installed before the page's own scripts, so nothing the page does escapes the observers. */
export async function instrument(page: Page): Promise<void> {
  await page.addInitScript(() => {
    const perf = { longTasks: [] as { start: number; duration: number }[], inputs: [] as { start: number; duration: number; name: string }[] };
    (window as unknown as { studioPerf: typeof perf }).studioPerf = perf;
    new PerformanceObserver((list) => {
      for (const e of list.getEntries()) perf.longTasks.push({ start: e.startTime, duration: e.duration });
    }).observe({ type: 'longtask', buffered: true });
    new PerformanceObserver((list) => {
      for (const e of list.getEntries()) if (['pointerdown', 'pointerup', 'click', 'keydown'].includes(e.name)) perf.inputs.push({ start: e.startTime, duration: e.duration, name: e.name });
    }).observe({ type: 'event', durationThreshold: 16, buffered: true } as PerformanceObserverInit);
  });
}

const now = (page: Page) => page.evaluate(() => performance.now());

/** Runs `work` while probing the page: a frame request every ~0.5 s, a click on a neutral spot every ~2 s. */
async function phase(page: Page, name: string, work: () => Promise<unknown>, extra: () => Promise<Partial<PhaseFigures>> = async () => ({}), hooks?: WalkOptions['hooks']): Promise<PhaseFigures> {
  await hooks?.start(name);
  const start = await now(page);
  const t0 = Date.now();
  const frameDelays: number[] = [];
  const clickWaits: number[] = [];
  let running = true;
  const probing = (async () => {
    let n = 0;
    while (running) {
      const asked = Date.now();
      await page.evaluate(() => new Promise((r) => requestAnimationFrame(r)));
      frameDelays.push(Date.now() - asked);
      // The page's title: clicking it starts nothing, but it is an input the page must answer.
      // A page that does not answer in 2 minutes is recorded as such, and the walk goes on.
      if (++n % 4 === 0) {
        const clicked = Date.now();
        await page.locator('h1').first().click({ timeout: 120_000 }).catch(() => undefined);
        clickWaits.push(Date.now() - clicked);
      }
      await new Promise((r) => setTimeout(r, 500));
    }
  })();
  try {
    await work();
  } finally {
    running = false;
    await probing;
  }
  const end = await now(page);
  await hooks?.end(name);
  const seconds = (Date.now() - t0) / 1000;
  const figures = await page.evaluate(
    ([s, e]) => {
      const p = (window as unknown as { studioPerf: { longTasks: { start: number; duration: number }[]; inputs: { start: number; duration: number }[] } }).studioPerf;
      return {
        longTasks: p.longTasks.filter((t) => t.start >= s && t.start <= e).map((t) => t.duration),
        inputDelays: p.inputs.filter((t) => t.start >= s && t.start <= e).map((t) => t.duration),
      };
    },
    [start, end] as const,
  );
  return { phase: name, seconds, frameDelays, clickWaits, ...figures, ...(await extra()) };
}

/** A case opened from its files, as a user picks them: from the click until its id shows. */
/** Opens files as the file dialog would; done when the case shows (under `caseId` when given: a DICOM case is named by the app). */
export async function openFilesWalk(page: Page, files: string[], caseId?: string): Promise<PhaseFigures> {
  await page.goto('/');
  await expect(page.getByRole('button', { name: 'Load sample case' })).toBeEnabled();
  return phase(page, 'open a case from files', async () => {
    await page.getByTestId('file-input').setInputFiles(files);
    if (caseId) await expect(page.getByTestId('case-id')).toHaveText(caseId, { timeout: 300_000 });
    else await expect(page.getByTestId('case-grid')).toBeVisible({ timeout: 300_000 });
  });
}

export interface WalkOptions {
  /** A checkpoint for the comparison's backbone (it needs features); none skips the comparison. */
  weights?: string;
  /** The training run's length; the app's default when absent. */
  epochs?: number;
  layout?: 'axial' | 'multiplanar';
  /** Called around each phase (the bench profiles the page's main thread there). */
  hooks?: { start(phase: string): Promise<void>; end(phase: string): Promise<void> };
}

export async function walk(page: Page, options: WalkOptions = {}): Promise<PhaseFigures[]> {
  const phases: PhaseFigures[] = [];
  await page.goto('/');
  await expect(page.getByRole('button', { name: 'Load sample case' })).toBeEnabled();
  phases.push(
    await phase(page, 'load sample case', async () => {
      await page.getByRole('button', { name: 'Load sample case' }).click();
      await expect(page.getByTestId('case-id')).toHaveText(/^synthetic-\d+$/, { timeout: 300_000 });
    }, undefined, options.hooks),
  );
  if (options.layout) await page.getByRole('navigation', { name: 'View' }).getByRole('button', { name: options.layout === 'axial' ? 'Axial' : 'Multiplanar' }).click();
  await openStep(page, 'train');
  if (options.epochs) await page.getByLabel('Epochs').fill(String(options.epochs));
  let trainSeconds = 0;
  phases.push(
    await phase(
      page,
      'train the default head',
      async () => {
        const t0 = Date.now();
        await page.getByRole('button', { name: 'Train', exact: true }).click();
        await expect(page.getByTestId('training-state')).toHaveText('done', { timeout: 900_000 });
        trainSeconds = (Date.now() - t0) / 1000;
      },
      async () => {
        const steps = Number(/Step (\d+)/.exec((await page.getByTestId('training-status').textContent()) ?? '')?.[1] ?? NaN);
        return { stepsPerSecond: (steps + 1) / trainSeconds };
      },
      options.hooks,
    ),
  );
  phases.push(
    await phase(page, 'predict the volume', async () => {
      await page.getByRole('button', { name: 'Predict the volume' }).click();
      await expect(page.getByTestId('volume-scores')).toContainText('ET', { timeout: 300_000 });
    }, undefined, options.hooks),
  );
  if (options.weights) {
    await openStep(page, 'model');
    await page.getByTestId('weights-input').setInputFiles(options.weights);
    await expect(page.getByTestId('backend')).toContainText('Backend:');
    await openStep(page, 'compare');
    phases.push(
      await phase(page, 'compare 3 modalities vs FLAIR only', async () => {
        await page.getByRole('button', { name: 'Compare 3 modalities vs FLAIR only' }).click();
        await expect(page.getByTestId('comparison-table')).toBeVisible({ timeout: 600_000 });
      }, undefined, options.hooks),
    );
  }
  return phases;
}

const median = (xs: number[]) => {
  if (!xs.length) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
};

/** One line per phase: the figures the goals name. */
export function describePhase(p: PhaseFigures): string {
  const worst = (xs: number[]) => (xs.length ? Math.max(...xs) : 0);
  return [
    `${p.phase}: ${p.seconds.toFixed(1)} s`,
    `long tasks ${p.longTasks.length} (median ${median(p.longTasks).toFixed(0)} ms, worst ${worst(p.longTasks).toFixed(0)} ms)`,
    `input-to-paint worst ${worst(p.inputDelays).toFixed(0)} ms over ${p.inputDelays.length} slow inputs`,
    `frame wait median ${median(p.frameDelays).toFixed(0)} ms, worst ${worst(p.frameDelays).toFixed(0)} ms (${p.frameDelays.length} samples)`,
    `click worst ${worst(p.clickWaits).toFixed(0)} ms`,
    p.stepsPerSecond !== undefined ? `${p.stepsPerSecond.toFixed(2)} steps/s` : '',
  ]
    .filter(Boolean)
    .join('; ');
}
