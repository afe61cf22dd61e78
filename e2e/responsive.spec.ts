import { expect, test } from '@playwright/test';
import { TINY_WEIGHTS } from './paths.ts';
import { describePhase, instrument, walk } from './walk.ts';

/**
 * The newcomer's walk in Debian's Chromium on SwiftShader (no GPU, as on hospital virtual
 * desktops), measured by the page's own instruments. The bounds are generous so a shared machine
 * cannot make this flaky; before the viewer was paced the same walk had a 65 s long task in the
 * comparison and waited 102 s for a frame during training. `npm run bench:ui` prints the figures
 * of the full-length walk.
 */
test('the page keeps answering while the sample case loads, the default head trains, the volume is predicted and a comparison runs', async ({ page }) => {
  test.setTimeout(900_000);
  await instrument(page);
  const phases = await walk(page, { weights: TINY_WEIGHTS, epochs: 4 });
  for (const p of phases) console.log(describePhase(p));
  expect(phases.map((p) => p.phase)).toEqual(['load sample case', 'train the default head', 'predict the volume', 'compare 3 modalities vs FLAIR only']);
  for (const p of phases) {
    expect(p.frameDelays.length, `${p.phase}: the page was probed`).toBeGreaterThan(2);
    expect(Math.max(0, ...p.longTasks), `${p.phase}: worst main-thread long task (ms)`).toBeLessThan(20_000);
    expect(Math.max(...p.frameDelays), `${p.phase}: worst wait for a frame (ms)`).toBeLessThan(20_000);
    expect(Math.max(0, ...p.clickWaits), `${p.phase}: worst click on the page (ms)`).toBeLessThan(20_000);
  }
  // The live view may not starve the training: the worker kept stepping while the page drew.
  expect(phases[1].stepsPerSecond).toBeGreaterThan(0.3);
});
