/**
 * npm run bench: numbers, not pass/fail. Serves bench pages with Vite (cross-origin isolated) and
 * drives Debian's Chromium headless.
 *   BENCH_BACKENDS=wasm,webgl,webgpu  (default: all three; cpu takes ~18 s a slice)
 *   BENCH_RUNS=15                      runs after one warm-up, arms interleaved (a third above 224)
 *   BENCH_SIZES=224,448,518            input sizes (onnxruntime-web's graph is 224 only)
 *   BENCH_PROFILE_RUNS=3               tf.profile runs for the per-kernel breakdown at 224
 *   BENCH_EXTRACT_BACKENDS=wasm,webgl  whole-case extraction (webgl extrapolated from 5 slices)
 *   BENCH_GPU_BATCH=8                  on a GPU backend, slices per call beside one a call
 *   BENCH_GPU=real                     Chromium on the machine's GPU (bench/gpu.sh), not SwiftShader
 *   BENCH_EXTRACT_FUSED=0              the whole-case extraction with tfjs's own kernels (the before)
 *   BENCH_THREADS=2                    WebAssembly threads
 *   BENCH_HEAD=0 / BENCH_BROWSER=0     skip the head (Node) or the browser benchmarks
 *   BENCH_SCRIBBLES=0                  skip the scribble loop (Node)
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { chromium } from '@playwright/test';
import { createServer } from 'vite';
import { benchScribbles } from './scribbles.ts';
import { benchTraining } from './training.ts';
import { benchVoxelHeads } from './voxelHeads.ts';

const ROOT = join(import.meta.dirname, '..');
const ONNX = join(ROOT, '..', 'shared', 'dinov2-reference', 'onnx');

const PAGE_TIMEOUT_MS = Number(process.env.BENCH_PAGE_TIMEOUT_S ?? 600) * 1000;

/** A page that stops answering (a software GPU can hang) is reported, not waited on forever. */
function withTimeout<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  return Promise.race([p, new Promise<T>((_, reject) => setTimeout(() => reject(new Error(`${what}: no answer in ${ms / 1000} s`)), ms))]);
}

async function main() {
  if (process.env.BENCH_HEAD !== '0') console.log(JSON.stringify(await benchTraining(), null, 1));
  if (process.env.BENCH_HEAD !== '0') console.log(JSON.stringify(await benchVoxelHeads(), null, 1));
  if (process.env.BENCH_SCRIBBLES !== '0') console.log(JSON.stringify(await benchScribbles(), null, 1));
  if (process.env.BENCH_BROWSER === '0') return;
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
    // BENCH_GPU=real: WebGPU and WebGL on the machine's GPU (bench/gpu.sh); else SwiftShader, the software adapter.
    args: [
      ...(process.env.BENCH_GPU === 'real' ? ['--enable-unsafe-webgpu', '--enable-features=Vulkan', '--use-angle=vulkan', '--ignore-gpu-blocklist', '--disable-vulkan-surface'] : ['--enable-unsafe-webgpu', '--enable-features=Vulkan', '--use-angle=swiftshader', '--enable-unsafe-swiftshader']),
      '--no-sandbox',
      '--js-flags=--expose-gc',
      '--enable-experimental-web-platform-features',
    ],
  });
  const backends = (process.env.BENCH_BACKENDS ?? 'wasm,webgl,webgpu').split(',').filter(Boolean);
  const runs = Number(process.env.BENCH_RUNS ?? 15);
  const sizes = (process.env.BENCH_SIZES ?? '224,448,518').split(',').map(Number);
  const profileRuns = Number(process.env.BENCH_PROFILE_RUNS ?? 3);
  const threads = Number(process.env.BENCH_THREADS ?? 2);
  console.error(`backbone: ViT-S/14 (random weights), sizes ${sizes.join(', ')}, ${runs} interleaved runs after a warm-up (a third as many above 224), backends ${backends.join(', ')}`);
  type Timing = { engine: string; backend: string; size?: number; kernels?: string; ms?: { median: number; min: number; max: number }; note?: string };
  type Result = { results: Timing[]; comparison: Record<string, number>; breakdown: Record<string, unknown> };
  const all: Result['results'] = [];
  const comparison: Record<string, number> = {};
  const breakdown: Record<string, unknown> = {};
  let context: Record<string, unknown> = {};
  try {
    // One page per backend: a software GPU can crash its page, and that must not lose the rest.
    for (const backend of backends) {
      const page = await browser.newPage();
      page.on('console', (m) => m.type() === 'log' && console.error(`  page: ${m.text()}`));
      try {
        await page.goto(`${url}bench/backbone.html`);
        await page.waitForFunction(() => 'runBench' in window, undefined, { timeout: 120_000 });
        const options = { backends: [backend], runs, ort: process.env.BENCH_ORT !== '0', threads, sizes, profileRuns, gpuBatch: Number(process.env.BENCH_GPU_BATCH ?? 8) };
        const r = (await withTimeout(
          page.evaluate((o) => (window as unknown as { runBench: (o: unknown) => Promise<unknown> }).runBench(o), options),
          PAGE_TIMEOUT_MS,
          backend,
        )) as Result & Record<string, unknown>;
        all.push(...r.results);
        Object.assign(comparison, r.comparison);
        Object.assign(breakdown, r.breakdown);
        const { results: _r, comparison: _c, breakdown: _b, ...rest } = r;
        context = { ...context, ...rest };
      } catch (e) {
        all.push({ engine: 'tfjs', backend, note: `failed: ${(e as Error).message.split('\n')[0]}` });
      } finally {
        await page.close().catch(() => undefined);
      }
    }
    // Extraction of a whole case (issue: features), one page per backend as above.
    const extraction: unknown[] = [];
    for (const backend of (process.env.BENCH_EXTRACT_BACKENDS ?? 'wasm,webgl').split(',').filter(Boolean)) {
      const page = await browser.newPage();
      try {
        await page.goto(`${url}bench/extraction.html`);
        await page.waitForFunction(() => 'runExtractionBench' in window, undefined, { timeout: 120_000 });
        // Software WebGL takes ~9 s a slice here: time 5 slices and extrapolate, marked as an estimate.
        const maxSlices = backend === 'wasm' ? 1000 : 5;
        const r = await withTimeout(
          page.evaluate((o) => (window as unknown as { runExtractionBench: (o: unknown) => Promise<unknown> }).runExtractionBench(o), { backend, maxSlices, threads, fused: process.env.BENCH_EXTRACT_FUSED !== '0' }),
          PAGE_TIMEOUT_MS,
          backend,
        );
        extraction.push(r);
        console.error(`  extraction: ${JSON.stringify(r)}`);
      } catch (e) {
        extraction.push({ backend, note: `failed: ${(e as Error).message.split('\n')[0]}` });
      } finally {
        await page.close().catch(() => undefined);
      }
    }
    context = { ...context, extraction };
    // The studio's best tfjs arm over onnxruntime-web's, per engine, at 224 (medians of the same interleaved run).
    const ratios: Record<string, number> = {};
    for (const ep of ['wasm', 'webgpu']) {
      const median = (engine: string) => Math.min(...all.filter((x) => x.engine === engine && x.backend === ep && x.size === 224 && x.ms).map((x) => x.ms!.median));
      const ratio = median('tfjs') / median('onnxruntime-web');
      if (Number.isFinite(ratio)) ratios[ep] = +ratio.toFixed(2);
    }
    console.log(JSON.stringify({ bench: 'backbone', results: all, comparison, breakdown, ...context, ratioTfjsOverOrt: ratios }, null, 1));
  } finally {
    await browser.close();
    await server.close();
  }
}

await main();
