/**
 * Runs in headless Chromium: the full-size ViT-S/14 at 224x224 with the studio's random weights
 * on each TensorFlow.js backend, and the same network and weights in onnxruntime-web.
 */
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-backend-webgl';
import '@tensorflow/tfjs-backend-webgpu';
import { getThreadsCount, setThreadsCount, setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import * as ort from 'onnxruntime-web';
import { interpolatePosEmbed } from '../src/core/models/dinov2/interpolate.ts';
import { loadDinoV2 } from '../src/core/models/dinov2/load.ts';
import { randomConfig, randomTensors } from '../src/core/models/dinov2/random.ts';
import { writeSafetensors } from '../src/core/weights/safetensors.ts';
import type { HelperThread } from '../src/core/kernels/helperThread.ts';
import { attachSimdKernels, setSimdKernels } from '../src/core/kernels/simdKernels.ts';
import type { DinoV2 } from '../src/core/models/dinov2/model.ts';
import { forwardFlops } from './flops.ts';
import { summary } from './stats.ts';

interface Timing {
  engine: string;
  backend: string;
  /** tfjs's own kernels, or the fused SIMD ones (kernels/simd.c). */
  kernels?: string;
  size: number;
  /** Slices per forward call; ms are per slice. */
  batch?: number;
  ms?: ReturnType<typeof summary>;
  slicesPerSecond?: number;
  gflops?: number;
  runsMs?: number[];
  threads?: number;
  memoryBytes?: number;
  note?: string;
}

const CORES = navigator.hardwareConcurrency;

function input(size: number): Float32Array {
  return Float32Array.from({ length: 3 * size * size }, (_, i) => Math.sin(i * 0.37) * 1.5);
}

async function pageMemory(): Promise<number | undefined> {
  const measure = (performance as Performance & { measureUserAgentSpecificMemory?: () => Promise<{ bytes: number }> }).measureUserAgentSpecificMemory;
  if (!measure || !crossOriginIsolated) return undefined;
  const timeout = new Promise<undefined>((r) => setTimeout(() => r(undefined), 30_000));
  return Promise.race([measure.call(performance).then((m) => m.bytes), timeout]);
}

/** One way to run a forward pass, timed one run at a time so that arms interleave. */
interface Arm {
  timing: Omit<Timing, 'ms' | 'runsMs'>;
  run(): Promise<Float32Array>;
  dispose(): Promise<void>;
}

function tfjsArm(model: DinoV2, backend: string, size: number, fused: boolean | null, flops: number, batch = 1): Arm {
  const one = input(size);
  const x = tf.tensor4d(Float32Array.from({ length: batch * one.length }, (_, i) => one[i % one.length]), [batch, 3, size, size]);
  return {
    timing: { engine: 'tfjs', backend, size, batch, kernels: fused === null ? undefined : fused ? 'fused SIMD' : 'tfjs', threads: backend === 'wasm' ? getThreadsCount() : undefined, gflops: flops },
    async run() {
      if (fused !== null) setSimdKernels(fused);
      const out = model.forward(x);
      const data = (await out.patches.data()) as Float32Array;
      tf.dispose([out.cls, out.patches, out.prenorm, out.registers]);
      return data.subarray(0, data.length / batch);
    },
    async dispose() {
      x.dispose();
    },
  };
}

/** Runs arms interleaved (a, b, c, a, b, c, ...) after one warm-up each: the machine's drift hits all alike. */
async function interleaved(arms: Arm[], runs: number): Promise<{ timings: Timing[]; outputs: Float32Array[] }> {
  const outputs = [];
  for (const arm of arms) outputs.push(await arm.run());
  const times: number[][] = arms.map(() => []);
  for (let r = 0; r < runs; r++) {
    for (const [i, arm] of arms.entries()) {
      const start = performance.now();
      await arm.run();
      times[i].push((performance.now() - start) / (arm.timing.batch ?? 1));
    }
  }
  const timings = arms.map((arm, i) => {
    const ms = summary(times[i]);
    return { ...arm.timing, ms, slicesPerSecond: +(1000 / ms.median).toFixed(2), runsMs: times[i].map(Math.round), gflops: +(arm.timing.gflops! / 1e6 / ms.median).toFixed(1) };
  });
  return { timings, outputs };
}

/** Kernel time per forward pass by kernel name (tf.profile), over a few runs. */
async function kernelBreakdown(arm: Arm, runs: number) {
  const byKernel = new Map<string, { ms: number; calls: number }>();
  let peakBytes = 0;
  for (let r = 0; r < runs; r++) {
    const profile = await tf.profile(() => arm.run());
    peakBytes = Math.max(peakBytes, profile.peakBytes);
    for (const k of profile.kernels.filter((k) => !k.name.endsWith('__op'))) {
      const e = byKernel.get(k.name) ?? { ms: 0, calls: 0 };
      byKernel.set(k.name, { ms: e.ms + (typeof k.kernelTimeMs === 'number' ? k.kernelTimeMs : 0) / runs, calls: e.calls + 1 / runs });
    }
  }
  const total = [...byKernel.values()].reduce((a, e) => a + e.ms, 0);
  return {
    kernelMsPerForward: +total.toFixed(0),
    /** Tensor bytes alive at once during a forward pass (tf.profile). */
    peakTensorMB: +(peakBytes / 2 ** 20).toFixed(1),
    kernels: [...byKernel]
      .sort((a, b) => b[1].ms - a[1].ms)
      .slice(0, 12)
      .map(([name, e]) => ({ name, ms: +e.ms.toFixed(1), share: +((100 * e.ms) / total).toFixed(1), calls: Math.round(e.calls) })),
  };
}

/** The ONNX graph's external weights, written from our tensors at the offsets its JSON lists. */
function externalWeights(layout: { initializers: { name: string; offset: number; length: number }[]; external_data_bytes: number }, byName: Map<string, Float32Array>): Uint8Array {
  const out = new Uint8Array(layout.external_data_bytes);
  for (const init of layout.initializers) {
    const values = byName.get(init.name);
    if (!values || values.byteLength !== init.length) throw new Error(`no tensor of ${init.length} bytes for ${init.name}`);
    out.set(new Uint8Array(values.buffer, values.byteOffset, values.byteLength), init.offset);
  }
  return out;
}

async function ortArm(ep: string, graph: Uint8Array, weights: Uint8Array, flops: number): Promise<Arm> {
  ort.env.wasm.numThreads = CORES;
  ort.env.wasm.wasmPaths = '/node_modules/onnxruntime-web/dist/';
  const session = await ort.InferenceSession.create(graph, { executionProviders: [ep], externalData: [{ path: 'vits14.weights.bin', data: weights }] });
  const feeds = { pixel_values: new ort.Tensor('float32', input(224), [1, 3, 224, 224]) };
  return {
    timing: { engine: 'onnxruntime-web', backend: ep, size: 224, threads: ep === 'wasm' ? ort.env.wasm.numThreads : undefined, gflops: flops },
    run: async () => (await session.run(feeds)).x_norm_patchtokens.data as Float32Array,
    dispose: () => session.release(),
  };
}

const maxAbsDiff = (a: Float32Array, b: Float32Array) => a.reduce((m, v, i) => Math.max(m, Math.abs(v - b[i])), 0);

/** Resolves to `fallback` when a browser call never answers (seen with software WebGPU adapters). */
function within<T>(ms: number, promise: Promise<T>, fallback: T): Promise<T> {
  return Promise.race([promise, new Promise<T>((r) => setTimeout(() => r(fallback), ms))]);
}

function gpuAdapter(): Promise<string> {
  return within(10_000, adapterDescription(), 'no answer from requestAdapter');
}

async function adapterDescription(): Promise<string> {
  const gpu = (navigator as unknown as { gpu?: { requestAdapter(): Promise<{ info?: { description?: string; vendor?: string; architecture?: string } } | null> } }).gpu;
  const adapter = await gpu?.requestAdapter();
  return adapter ? [adapter.info?.vendor, adapter.info?.architecture, adapter.info?.description].filter(Boolean).join(' ') || 'unknown' : 'none';
}

/** tfjs-wasm sizes its thread pool from hardwareConcurrency / 2 when its module starts. */
function useAllCores(threads: number): void {
  Object.defineProperty(navigator, 'hardwareConcurrency', { value: 2 * threads, configurable: true });
}

/**
 * One backend's numbers: at 224 its arms interleaved (on wasm: tfjs's kernels, the fused SIMD
 * kernels, and onnxruntime-web's wasm with the same graph and weights), then the larger sizes.
 */
export async function runBench(options: { backends: string[]; runs: number; ort: boolean; threads: number; sizes: number[]; profileRuns: number; gpuBatch: number }) {
  setWasmPaths('/node_modules/@tensorflow/tfjs-backend-wasm/dist/');
  setThreadsCount(options.threads);
  if (options.threads > 0) useAllCores(options.threads);
  await import('@tensorflow/tfjs-backend-wasm');
  const config = randomConfig('vits14');
  const tensors = randomTensors(config, 2024);
  const files = [writeSafetensors(tensors, 'F32', { random: 'true' })];
  const results: Timing[] = [];
  const comparison: Record<string, number> = {};
  const breakdown: Record<string, unknown> = {};
  let simd = '';
  const adapter = await gpuAdapter();
  for (const backend of options.backends) {
    if (!(await tf.setBackend(backend).catch(() => false))) {
      results.push({ engine: 'tfjs', backend, size: 224, note: 'backend did not start' });
      continue;
    }
    await tf.ready();
    const helperThread = () => new Worker(new URL('../src/worker/attentionHelper.ts', import.meta.url), { type: 'module' }) as unknown as HelperThread;
    const attached = backend === 'wasm' ? await attachSimdKernels({ helperThread }) : null;
    simd = attached?.reason ?? simd;
    const model = loadDinoV2(files);
    for (const size of options.sizes) {
      const flops = forwardFlops(config, size, size);
      // wasm: tfjs's kernels against the fused ones. GPUs: one slice a call against several (batching
      // did not pay on the CPU: see the closing note of issue 16).
      const arms = attached?.attached
        ? [tfjsArm(model, backend, size, false, flops), tfjsArm(model, backend, size, true, flops)]
        : [tfjsArm(model, backend, size, null, flops), ...(options.gpuBatch > 1 ? [tfjsArm(model, backend, size, null, flops, options.gpuBatch)] : [])];
      // onnxruntime-web beside tfjs on the same engine: wasm here, webgpu on a real GPU.
      const ortEp = backend === 'wasm' ? 'wasm' : backend === 'webgpu' && !/swiftshader|none|no answer/i.test(adapter) ? 'webgpu' : null;
      if (size === 224 && options.ort && ortEp) {
        const layout = await (await fetch('/bench-data/vits14-224.external-data.json')).json();
        const graph = new Uint8Array(await (await fetch('/bench-data/vits14-224.onnx')).arrayBuffer());
        const byName = new Map(tensors.map((t) => [t.name, t.values]));
        byName.set('pos_embed_interp', interpolatePosEmbed(byName.get('pos_embed')!, config.dim, 16, 16, 'authors', true));
        arms.push(await ortArm(ortEp, graph, externalWeights(layout, byName), flops));
      }
      const { timings, outputs } = await interleaved(arms, size === 224 ? options.runs : Math.max(5, Math.round(options.runs / 3)));
      for (const t of timings) console.log(JSON.stringify({ ...t, runsMs: undefined }));
      results.push(...timings);
      for (let i = 1; i < arms.length; i++) comparison[`maxAbsDiff ${size}: ${label(arms[0].timing)} vs ${label(arms[i].timing)}`] = maxAbsDiff(outputs[0], outputs[i]);
      if (options.profileRuns > 0 && (size === 224 || backend === 'wasm')) {
        for (const arm of arms.filter((a) => a.timing.engine === 'tfjs')) breakdown[`${label(arm.timing)} ${size}`] = await kernelBreakdown(arm, size === 224 ? options.profileRuns : 1);
      }
      for (const arm of arms) await arm.dispose();
    }
    if (backend === 'wasm') results.filter((r) => r.backend === 'wasm' && r.engine === 'tfjs').forEach((r) => (r.memoryBytes = (tf.backend() as unknown as { wasm: { HEAPU8: Uint8Array } }).wasm.HEAPU8.buffer.byteLength));
    model.dispose();
  }
  return { results, comparison, breakdown, simd, memoryBytes: await pageMemory(), crossOriginIsolated, hardwareConcurrency: CORES, adapter };
}

const label = (t: Arm['timing']) => `${t.engine} ${t.backend}${t.kernels ? ` (${t.kernels} kernels)` : ''}${(t.batch ?? 1) > 1 ? `, ${t.batch} a call` : ''}`;

Object.assign(window, { runBench });
