/**
 * Extraction of one synthetic 240x240x155 case at 224 with the full-size ViT-S/14 (random weights),
 * through the same core loop and preprocessing the worker uses, in headless Chromium.
 */
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-backend-webgl';
import { setThreadsCount, setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import { caseContentHash, extractFeatures, normaliseCase } from '../src/core/features/extract.ts';
import { sliceGeometry } from '../src/core/features/slices.ts';
import { sliceHasHead } from '../src/core/features/input.ts';
import { memoryFeatureStore } from '../src/core/features/store.ts';
import { loadDinoV2 } from '../src/core/models/dinov2/load.ts';
import { randomCheckpoint } from '../src/core/models/dinov2/random.ts';
import { generateSyntheticCase } from '../src/core/synthetic/brats.ts';
import type { HelperThread } from '../src/core/kernels/helperThread.ts';
import { attachSimdKernels, setSimdKernels } from '../src/core/kernels/simdKernels.ts';

export async function runExtractionBench(options: { backend: string; maxSlices: number; threads: number; fused?: boolean }) {
  setWasmPaths('/node_modules/@tensorflow/tfjs-backend-wasm/dist/');
  setThreadsCount(options.threads);
  Object.defineProperty(navigator, 'hardwareConcurrency', { value: 2 * options.threads, configurable: true });
  await import('@tensorflow/tfjs-backend-wasm');
  if (!(await tf.setBackend(options.backend))) return { backend: options.backend, note: 'did not start' };
  await tf.ready();
  const helperThread = () => new Worker(new URL('../src/worker/attentionHelper.ts', import.meta.url), { type: 'module' }) as unknown as HelperThread;
  let kernels = options.backend === 'wasm' ? (await attachSimdKernels({ helperThread })).reason : undefined; // as the worker does
  if (kernels && options.fused === false) (setSimdKernels(false), (kernels = "tfjs's own kernels"));
  const c = generateSyntheticCase({ seed: 1 });
  const model = loadDinoV2([randomCheckpoint('vits14')]);
  const mapping: ['flair', 'flair', 'flair'] = ['flair', 'flair', 'flair'];
  const t0 = performance.now();
  const norm = normaliseCase(c.modalities, mapping);
  const normaliseSeconds = (performance.now() - t0) / 1000;
  const g = sliceGeometry(c.dims, [1, 1, 1], 'axial', 224);
  const withHead = [...Array(g.count).keys()].filter((k) => sliceHasHead(norm, mapping, g, k)).length;
  const store = memoryFeatureStore();
  const controller = new AbortController();
  let embedded = 0;
  const caseHash = await caseContentHash(c.modalities);
  const run = () =>
    extractFeatures({
      norm,
      mapping,
      geometry: g,
      caseHash,
      modelHash: 'vits14-random',
      dim: 384,
      store,
      signal: controller.signal,
      embed: async (input, s) => {
        if (++embedded > options.maxSlices) controller.abort();
        const out = model.forward(tf.tensor4d(input, [1, 3, s, s]));
        const tokens = (await out.patches.data()) as Float32Array;
        tf.dispose([out.cls, out.patches, out.prenorm, out.registers]);
        return tokens;
      },
    });
  const t1 = performance.now();
  let complete = true;
  try {
    await run();
  } catch {
    complete = false;
  }
  const seconds = (performance.now() - t1) / 1000;
  const usage = await store.usage();
  const done = usage.keys[0]?.slices ?? 0;
  const t2 = performance.now();
  const second = complete ? await run() : undefined;
  return {
    kernels,
    backend: options.backend,
    slices: g.count,
    withHead,
    skipped: g.count - withHead,
    embedded: done,
    complete,
    normaliseSeconds: +normaliseSeconds.toFixed(2),
    extractionSeconds: +seconds.toFixed(1),
    secondsPerSlice: +(seconds / Math.max(done, 1)).toFixed(3),
    estimatedCaseSeconds: complete ? undefined : +((seconds / Math.max(done, 1)) * withHead).toFixed(0),
    cacheBytesPerCase: complete ? usage.bytes : undefined,
    cacheMegabytesPerCase: complete ? +(usage.bytes / 2 ** 20).toFixed(1) : undefined,
    secondRunSeconds: second ? +((performance.now() - t2) / 1000).toFixed(2) : undefined,
    secondRunFromCache: second?.fromCache,
  };
}

Object.assign(window, { runExtractionBench });
