/**
 * npm run bench:workspace: what a dataset workspace costs the page. The built app (dist/, built when
 * missing; Vite's preview server) in
 * headless Chromium opens a folder of N synthetic BraTS-sized cases (240 x 240 x 155 by default)
 * in the Dataset step, extracts every case's features for the compare panel's two mappings with
 * the probe checkpoint (a small backbone: the costs measured are the workspace's, not a ViT's),
 * then trains on the training cases and tests on the test cases, as a user clicks it.
 * Memory, sampled every few seconds, two ways:
 *   - performance.measureUserAgentSpecificMemory(): the page and its workers' JavaScript and DOM;
 *   - the resident set of the renderer process that hosts the tab and its dedicated workers
 *     (wasm memory and decoded buffers included, shared library pages too).
 *   BENCH_WORKSPACE_CASES=20  BENCH_WORKSPACE_DIMS=240,240,155
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Page } from '@playwright/test';
import { execFileSync } from 'node:child_process';
import { preview } from 'vite';
import { randomCheckpoint } from '../src/core/models/dinov2/random.ts';
import { generateSyntheticCase } from '../src/core/synthetic/brats.ts';
import { syntheticCaseFiles } from '../src/core/synthetic/files.ts';

const ROOT = join(import.meta.dirname, '..');
const N = Number(process.env.BENCH_WORKSPACE_CASES ?? 20);
const dims = (process.env.BENCH_WORKSPACE_DIMS ?? '240,240,155').split(',').map(Number) as [number, number, number];
const dir = join(tmpdir(), `bench-workspace-${N}x${dims.join('x')}`);
const weights = join(tmpdir(), 'bench-probe.safetensors');

const t0 = performance.now();
for (let i = 0; i < N; i++) {
  const folder = join(dir, `synthetic-${100 + i}`);
  if (existsSync(folder) && readdirSync(folder).length >= 5) continue;
  mkdirSync(folder, { recursive: true });
  for (const f of syntheticCaseFiles(generateSyntheticCase({ seed: 100 + i, dims }))) writeFileSync(join(folder, f.name), f.bytes);
}
if (!existsSync(weights)) writeFileSync(weights, randomCheckpoint('probe', { seed: 1, naming: 'hf' }));
const folderBytes = readdirSync(dir).reduce((a, c) => a + readdirSync(join(dir, c)).reduce((b, f) => b + readFileSync(join(dir, c, f)).byteLength, 0), 0);
console.error(`${N} cases of ${dims.join('x')} in ${dir} (${(folderBytes / 1e6).toFixed(0)} MB of .nii.gz), ready in ${((performance.now() - t0) / 1000).toFixed(0)} s`);

// The built app, as users get it (the dev server also reloads the page when it optimises a dependency).
if (!existsSync(join(ROOT, 'dist', 'index.html'))) execFileSync('npm', ['run', 'build'], { cwd: ROOT, stdio: 'inherit' });
const server = await preview({ root: ROOT, configFile: join(ROOT, 'vite.config.ts'), logLevel: 'error', preview: { port: 0, host: '127.0.0.1' } });
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
  // Eager: the measurement answers at once instead of at the next garbage collection (up to 20 s).
  args: ['--no-sandbox', '--use-angle=swiftshader', '--enable-unsafe-swiftshader', '--enable-blink-features=ForceEagerMeasureMemory'],
});

/** Resident bytes of the largest renderer process (the one tab: its page and dedicated workers). */
function rendererRss(): number {
  let most = 0;
  for (const pid of readdirSync('/proc').filter((p) => /^\d+$/.test(p))) {
    try {
      const cmd = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
      if (!cmd.includes('chromium') || !cmd.includes('--type=renderer')) continue;
      const rss = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
      if (rss) most = Math.max(most, Number(rss[1]) * 1024);
    } catch {
      // the process ended while being read
    }
  }
  return most;
}

const pageBytes = (page: Page) => page.evaluate(async () => ((await (performance as unknown as { measureUserAgentSpecificMemory: () => Promise<{ bytes: number }> }).measureUserAgentSpecificMemory()).bytes));
const phases: Record<string, { pageMb: number; rendererRssMb: number; seconds: number }> = {};
const mb = (b: number) => Math.round(b / 1e6);

try {
  const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
  await page.goto(server.resolvedUrls!.local[0]);
  if (!(await page.evaluate(() => crossOriginIsolated))) throw new Error('the page is not cross-origin isolated, so it cannot measure its memory');
  let peak = { page: 0, rss: 0 };
  const sample = async () => {
    const m = { page: await pageBytes(page).catch(() => 0), rss: rendererRss() };
    peak = { page: Math.max(peak.page, m.page), rss: Math.max(peak.rss, m.rss) };
    return m;
  };
  const phase = async (name: string, work: () => Promise<void>) => {
    peak = { page: 0, rss: 0 };
    const start = performance.now();
    let running = true;
    const sampler = (async () => {
      while (running) {
        await sample();
        await new Promise((r) => setTimeout(r, 3000));
      }
    })();
    await work();
    const seconds = Math.round((performance.now() - start) / 1000);
    running = false;
    await sampler;
    await sample();
    phases[name] = { pageMb: mb(peak.page), rendererRssMb: mb(peak.rss), seconds };
    console.error(`  ${name}: ${JSON.stringify(phases[name])}`);
  };
  const step = async (id: string) => {
    const header = page.locator(`#step-header-${id}`);
    if ((await header.getAttribute('aria-expanded')) !== 'true') await header.click();
  };

  await phase('empty page, backbone loaded', async () => {
    await step('model');
    await page.getByTestId('weights-input').setInputFiles(weights);
    await page.getByTestId('backend').filter({ hasText: 'Backend:' }).waitFor({ timeout: 120_000 });
  });
  await phase(`folder of ${N} cases opened`, async () => {
    await step('dataset');
    await page.getByTestId('dataset-input').setInputFiles(dir);
    await page.locator(`[data-testid=workspace-case]`).nth(N - 1).waitFor({ timeout: 120_000 });
    await page.getByLabel('Test fraction').fill('0.2');
    await page.getByRole('button', { name: 'Draw split' }).click();
  });
  await phase('features of every case, two mappings', async () => {
    await page.getByRole('button', { name: 'Extract features for every case' }).click({ timeout: 600_000 });
    await page.getByTestId('queue-progress').waitFor({ state: 'visible' });
    await page.getByTestId('queue-progress').waitFor({ state: 'hidden', timeout: 3_600_000 });
  });
  await phase('train on the training cases, test on the test cases', async () => {
    await page.getByRole('button', { name: /^Train on \d+, test on \d+: compare/ }).click({ timeout: 600_000 });
    await page.getByTestId('comparison-table').waitFor({ timeout: 3_600_000 });
  });
  const estimate = await page.evaluate(async () => (await navigator.storage.estimate()).usage ?? 0);
  console.log(
    JSON.stringify(
      {
        cases: N,
        dims,
        backbone: 'probe checkpoint (a small stand-in; npm run bench measures the ViT)',
        phases,
        peakPageMb: Math.max(...Object.values(phases).map((p) => p.pageMb)),
        peakRendererRssMb: Math.max(...Object.values(phases).map((p) => p.rendererRssMb)),
        indexedDbMbPerCasePerMapping: +(estimate / N / 2 / 1e6).toFixed(1),
        budgetMb: 1500,
      },
      null,
      1,
    ),
  );
} finally {
  await browser.close();
  await server.close();
}
