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

interface Timing {
  engine: string;
  backend: string;
  medianMs?: number;
  runsMs?: number[];
  threads?: number;
  memoryBytes?: number;
  note?: string;
}

const SIZE = 224;
const CORES = navigator.hardwareConcurrency;
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

function input(): Float32Array {
  return Float32Array.from({ length: 3 * SIZE * SIZE }, (_, i) => Math.sin(i * 0.37) * 1.5);
}

async function pageMemory(): Promise<number | undefined> {
  const measure = (performance as Performance & { measureUserAgentSpecificMemory?: () => Promise<{ bytes: number }> }).measureUserAgentSpecificMemory;
  if (!measure || !crossOriginIsolated) return undefined;
  const timeout = new Promise<undefined>((r) => setTimeout(() => r(undefined), 30_000));
  return Promise.race([measure.call(performance).then((m) => m.bytes), timeout]);
}

async function runTfjs(backend: string, runs: number, files: Uint8Array[], pixels: Float32Array): Promise<{ timing: Timing; tokens?: Float32Array }> {
  if (!(await tf.setBackend(backend).catch(() => false))) return { timing: { engine: 'tfjs', backend, note: 'backend did not start' } };
  await tf.ready();
  const model = loadDinoV2(files);
  const x = tf.tensor4d(pixels, [1, 3, SIZE, SIZE]);
  const times: number[] = [];
  let tokens: Float32Array | undefined;
  let peak = 0;
  for (let i = 0; i <= runs; i++) {
    const start = performance.now();
    const out = model.forward(x);
    const data = (await out.patches.data()) as Float32Array;
    const ms = performance.now() - start;
    peak = Math.max(peak, tf.memory().numBytes);
    if (i === 0) tokens = data;
    else times.push(ms);
    tf.dispose([out.cls, out.patches, out.prenorm, out.registers]);
  }
  const wasmHeap = backend === 'wasm' ? (tf.backend() as unknown as { wasm: { HEAPU8: Uint8Array } }).wasm.HEAPU8.buffer.byteLength : undefined;
  x.dispose();
  model.dispose();
  return {
    timing: {
      engine: 'tfjs',
      backend,
      medianMs: median(times),
      runsMs: times.map(Math.round),
      threads: backend === 'wasm' ? getThreadsCount() : undefined,
      note: backend === 'wasm' ? `multithread support: ${await tf.env().getAsync('WASM_HAS_MULTITHREAD_SUPPORT')}, simd: ${await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT')}` : undefined,
      memoryBytes: wasmHeap ?? peak,
    },
    tokens,
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

async function runOrt(ep: string, runs: number, graph: Uint8Array, weights: Uint8Array, pixels: Float32Array): Promise<{ timing: Timing; tokens?: Float32Array }> {
  ort.env.wasm.numThreads = CORES;
  ort.env.wasm.wasmPaths = '/node_modules/onnxruntime-web/dist/';
  const session = await ort.InferenceSession.create(graph, { executionProviders: [ep], externalData: [{ path: 'vits14.weights.bin', data: weights }] });
  const feeds = { pixel_values: new ort.Tensor('float32', pixels, [1, 3, SIZE, SIZE]) };
  const times: number[] = [];
  let tokens: Float32Array | undefined;
  for (let i = 0; i <= runs; i++) {
    const start = performance.now();
    const out = await session.run(feeds);
    const ms = performance.now() - start;
    if (i === 0) tokens = out.x_norm_patchtokens.data as Float32Array;
    else times.push(ms);
  }
  await session.release();
  return { timing: { engine: 'onnxruntime-web', backend: ep, medianMs: median(times), runsMs: times.map(Math.round), threads: ep === 'wasm' ? ort.env.wasm.numThreads : undefined }, tokens };
}

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

export async function runBench(options: { backends: string[]; runs: number; ort: boolean; threads: number }) {
  setWasmPaths('/node_modules/@tensorflow/tfjs-backend-wasm/dist/');
  setThreadsCount(options.threads);
  if (options.threads > 0) useAllCores(options.threads);
  await import('@tensorflow/tfjs-backend-wasm');
  const config = randomConfig('vits14');
  const tensors = randomTensors(config, 2024);
  const files = [writeSafetensors(tensors, 'F32', { random: 'true' })];
  const pixels = input();
  const results: Timing[] = [];
  let reference: Float32Array | undefined;
  for (const backend of options.backends) {
    const r = await runTfjs(backend, options.runs, files, pixels);
    results.push(r.timing);
    reference ??= r.tokens;
    console.log(JSON.stringify(r.timing));
  }
  const comparison: Record<string, number> = {};
  if (options.ort) {
    const layout = await (await fetch('/bench-data/vits14-224.external-data.json')).json();
    const graph = new Uint8Array(await (await fetch('/bench-data/vits14-224.onnx')).arrayBuffer());
    const byName = new Map(tensors.map((t) => [t.name, t.values]));
    byName.set('pos_embed_interp', interpolatePosEmbed(byName.get('pos_embed')!, config.dim, 16, 16, 'authors', true));
    const weights = externalWeights(layout, byName);
    const adapter = await gpuAdapter();
    const eps = ['wasm', ...(adapter !== 'none' && !/swiftshader/i.test(adapter) ? ['webgpu'] : [])];
    for (const ep of eps) {
      const r = await runOrt(ep, options.runs, graph, weights, pixels);
      results.push(r.timing);
      console.log(JSON.stringify(r.timing));
      if (reference && r.tokens) {
        let m = 0;
        for (let i = 0; i < reference.length; i++) m = Math.max(m, Math.abs(reference[i] - r.tokens[i]));
        comparison[`maxAbsDiff tfjs(${options.backends[0]}) vs ort(${ep})`] = m;
      }
    }
    if (!eps.includes('webgpu')) results.push({ engine: 'onnxruntime-web', backend: 'webgpu', note: `skipped: adapter is ${adapter}` });
  }
  const adapter = await gpuAdapter();
  return { results, comparison, memoryBytes: await pageMemory(), crossOriginIsolated, hardwareConcurrency: CORES, adapter };
}

Object.assign(window, { runBench });
