/**
 * npm run bench: numbers, not pass/fail. Serves bench pages with Vite (cross-origin isolated) and
 * drives Debian's Chromium headless.
 *   BENCH_BACKENDS=wasm,webgl,webgpu  (default: all three; cpu takes ~18 s a slice)
 *   BENCH_RUNS=5                       runs after one warm-up
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { chromium } from '@playwright/test';
import { createServer } from 'vite';

const ROOT = join(import.meta.dirname, '..');
const ONNX = join(ROOT, '..', 'shared', 'dinov2-reference', 'onnx');

async function main() {
  const server = await createServer({
    root: ROOT,
    configFile: join(ROOT, 'vite.config.ts'),
    logLevel: 'error',
    server: { port: 0, host: '127.0.0.1' },
    plugins: [
      {
        name: 'bench-data',
        configureServer(s) {
          s.middlewares.use('/bench-data', (req, res) => {
            res.setHeader('Cross-Origin-Resource-Policy', 'same-origin');
            res.end(readFileSync(join(ONNX, (req.url ?? '').replace(/^\//, ''))));
          });
        },
      },
    ],
  });
  await server.listen();
  const url = server.resolvedUrls!.local[0];
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: ['--enable-unsafe-webgpu', '--enable-features=Vulkan', '--use-angle=swiftshader', '--enable-unsafe-swiftshader', '--no-sandbox', '--js-flags=--expose-gc', '--enable-experimental-web-platform-features'],
  });
  try {
    const page = await browser.newPage();
    page.on('console', (m) => m.type() === 'log' && console.error(`  page: ${m.text()}`));
    await page.goto(`${url}bench/backbone.html`);
    await page.waitForFunction(() => 'runBench' in window, undefined, { timeout: 120_000 });
    const options = {
      backends: (process.env.BENCH_BACKENDS ?? 'wasm,webgl,webgpu').split(','),
      runs: Number(process.env.BENCH_RUNS ?? 5),
      ort: process.env.BENCH_ORT !== '0',
      threads: Number(process.env.BENCH_THREADS ?? 2),
    };
    console.error(`backbone: ViT-S/14 (random weights), 224x224, ${options.runs} runs after a warm-up, backends ${options.backends.join(', ')}`);
    const result = await page.evaluate((o) => (window as unknown as { runBench: (o: unknown) => Promise<unknown> }).runBench(o), options);
    const r = result as { results: { engine: string; backend: string; medianMs?: number }[]; comparison: Record<string, number> };
    const best = (engine: string) => Math.min(...r.results.filter((x) => x.engine === engine && x.medianMs).map((x) => x.medianMs!));
    const ratio = best('tfjs') / best('onnxruntime-web');
    console.log(JSON.stringify({ bench: 'backbone', ...result as object, ratioTfjsOverOrt: Number.isFinite(ratio) ? +ratio.toFixed(2) : null }, null, 1));
  } finally {
    await browser.close();
    await server.close();
  }
}

await main();
