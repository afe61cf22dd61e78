/**
 * The backbone inside the worker: created lazily, once per checkpoint, on the fastest backend;
 * a failing GPU backend (lost device, out of memory) is dropped for the next one and the model
 * rebuilt from the bytes kept here, so no work is lost.
 */
import * as tf from '@tensorflow/tfjs-core';
import { CATALOG } from '../core/models/dinov2/catalog.ts';
import type { PosInterpolation } from '../core/models/dinov2/interpolate.ts';
import { backboneHash, loadDinoV2 } from '../core/models/dinov2/load.ts';
import type { DinoV2, DinoV2Output } from '../core/models/dinov2/model.ts';
import type { Adapter } from '../core/adapters/adapter.ts';
import { type AdaptedModel, adaptModel } from '../core/adapters/backbone.ts';
import { readAdapterFiles } from '../core/adapters/files.ts';
import { randomCheckpoint } from '../core/models/dinov2/random.ts';
import { cachedDownload } from '../core/weights/cache.ts';
import { download, DownloadError } from '../core/weights/download.ts';
import { refusedHere } from '../security/pageOrigins.ts';
import { storageRefused } from './notices.ts';
import { chooseBackend } from './backend.ts';
import type { BackendChoice, BackendInfo, BackendName, ModelInfo, ModelSource, Progress } from './protocol.ts';
import { cacheStorageWeights } from './weightCache.ts';

interface Loaded {
  files: Uint8Array[];
  configJson?: { num_attention_heads?: number };
  interpolation?: PosInterpolation;
  label: string;
  fromCache: boolean;
}

let loaded: Loaded | null = null;
let loadedHash: Promise<string> | null = null;
let model: DinoV2 | null = null;
let backend: BackendInfo | null = null;
let backendChoice: BackendChoice = 'auto';
const failedBackends: BackendName[] = [];
let failNext = false;
/**
 * A trained adapter applied to the backbone: every extraction runs through it (LoRA merged). Its
 * files are kept so that a backend lost with its tensors rebuilds it on the next one.
 */
let applied: { files: Record<string, Uint8Array>; id: string; adapter: Adapter; adapted: AdaptedModel } | null = null;

function releaseApplied(): void {
  try {
    applied?.adapted.dispose();
    applied?.adapter.dispose();
  } catch {
    // a lost device's tensors may refuse to go; they go with it
  }
}

/**
 * Local checkpoints are kept in the weight cache like downloads, so a reload finds the model its
 * cached features were made with; the key is a same-origin path that nothing serves.
 */
const KEPT = '/__kept-weights/';
const keptUrl = (name: string) => new URL(`${KEPT}${encodeURIComponent(name)}`, self.location.origin).href;
const keptName = (url: string) => (new URL(url).pathname.startsWith(KEPT) ? decodeURIComponent(new URL(url).pathname.slice(KEPT.length)) : undefined);

async function fetchSource(source: ModelSource, progress: (p: Progress) => void, signal: AbortSignal): Promise<Loaded> {
  if (source.kind === 'kept') {
    const bytes = await cacheStorageWeights()?.get(keptUrl(source.name));
    if (!bytes) throw new Error(`${source.name} is no longer kept in this browser; choose the file again (Use a local file…)`);
    return { files: [bytes], label: source.name, fromCache: true, interpolation: source.interpolation };
  }
  if (source.kind === 'file') return { files: [source.bytes], label: source.name, fromCache: false, interpolation: source.interpolation };
  if (source.kind === 'random') {
    progress({ status: 'initiate', task: `Generating random ${source.preset} weights` });
    return { files: [randomCheckpoint(source.preset)], label: `random ${source.preset}`, fromCache: false };
  }
  const entry = source.kind === 'catalog' ? CATALOG.find((c) => c.id === source.id) : undefined;
  if (source.kind === 'catalog' && !entry) throw new Error(`unknown model ${source.id}`);
  if (entry?.randomPreset) return fetchSource({ kind: 'random', preset: entry.randomPreset }, progress, signal);
  const urls = entry?.weights ?? [(source as { url: string }).url];
  const label = entry?.name ?? urls[0];
  const cache = cacheStorageWeights();
  const files: Uint8Array[] = [];
  let fromCache = true;
  for (const url of urls) {
    const got = await cachedDownload(url, cache, () =>
      guardedDownload(url, {
        signal,
        onProgress: (p) =>
          progress({ status: 'progress', task: `Downloading ${label}`, done: p.loaded, total: p.total ?? 0, unit: 'bytes', rate: p.bytesPerSecond }),
      }),
      storageRefused('downloaded weights', 'The model is loaded; the next visit downloads it again.'),
    );
    files.push(got.bytes);
    fromCache &&= got.fromCache;
  }
  let configJson: Loaded['configJson'];
  if (entry?.config) {
    const got = await cachedDownload(entry.config, cache, () => guardedDownload(entry.config!, { signal })).catch(() => undefined);
    if (got) configJson = JSON.parse(new TextDecoder().decode(got.bytes));
  }
  return { files, configJson, label, fromCache, interpolation: source.interpolation };
}

/** Cached weights stay usable; a fetch the page's policy would block is refused with a message saying what to do. */
function guardedDownload(url: string, options: Parameters<typeof download>[1]): Promise<Uint8Array> {
  const refusal = refusedHere(url);
  return refusal ? Promise.reject(new DownloadError(refusal)) : download(url, options);
}

function build(): void {
  releaseApplied();
  model?.dispose();
  model = loadDinoV2(loaded!.files, { configJson: loaded!.configJson, interpolation: loaded!.interpolation });
  if (applied) {
    applied.adapter = readAdapterFiles(applied.files, model.config);
    applied.adapted = adaptModel(model, applied.adapter);
  }
}

/**
 * Extraction from now on goes through the adapter in these files (adapters/files.ts), or through
 * the frozen backbone again (null). The frozen model stays as it was: fine-tuning and the trunk's
 * cached tokens always start from it.
 */
export function applyAdapter(files: Record<string, Uint8Array> | null, id?: string): void {
  releaseApplied();
  applied = null;
  if (files) {
    if (!model) throw new Error('load a backbone first');
    const adapter = readAdapterFiles(files, model.config);
    applied = { files, id: id!, adapter, adapted: adaptModel(model, adapter) };
  }
}

/** The applied adapter as feature keys name it, or null. */
export const appliedAdapter = (): string | null => applied?.id ?? null;

function info(): ModelInfo {
  const c = model!.config;
  return {
    label: applied ? `${loaded!.label} + ${applied.id}` : loaded!.label,
    adapter: applied ? { id: applied.id, merged: applied.adapted.merged } : null,
    dim: c.dim,
    depth: c.depth,
    heads: c.heads,
    registers: c.registers,
    params: model!.parameters,
    interpolation: c.interpolation,
    randomWeights: c.randomWeights,
    fromCache: loaded!.fromCache,
    bytes: loaded!.files.reduce((a, f) => a + f.byteLength, 0),
    backend: backend!,
  };
}

export async function loadModel(source: ModelSource, choice: BackendChoice, progress: (p: Progress) => void, signal: AbortSignal): Promise<ModelInfo> {
  const next = await fetchSource(source, progress, signal);
  if (signal.aborted) throw new Error('cancelled');
  progress({ status: 'initiate', task: 'Starting the backbone' });
  if (!backend || choice !== backendChoice) {
    backendChoice = choice;
    failedBackends.length = 0;
    backend = await chooseBackend(choice);
  }
  const previous = loaded;
  const previousAdapter = applied && { files: applied.files, id: applied.id };
  applyAdapter(null); // an adapter belongs to the weights it was trained on
  loaded = next;
  loadedHash = null;
  try {
    build();
  } catch (e) {
    loaded = previous; // a bad checkpoint leaves the model the user had, adapter and all
    if (previous) {
      build();
      if (previousAdapter) applyAdapter(previousAdapter.files, previousAdapter.id);
    } else model = null;
    throw e;
  }
  // Kept only once it has built: a broken file is never offered again.
  if (source.kind === 'file') {
    await cacheStorageWeights()
      ?.put(keptUrl(source.name), source.bytes)
      .catch(storageRefused(`copy of ${source.name}`, 'The model is loaded; after a reload, choose the file again.'));
  }
  return info();
}

/** Identifies the weights in feature-cache keys: the same file gives the same features. */
export function modelHash(): Promise<string> {
  if (!loaded) throw new Error('no backbone loaded');
  loadedHash ??= backboneHash(loaded.files, loaded.interpolation ?? model!.config.interpolation);
  return loadedHash;
}

export function currentModel(): { model: DinoV2; info: ModelInfo } | null {
  return model ? { model, info: info() } : null;
}

/** Runs the backbone; on a backend failure, moves to the next backend and runs again. */
export async function forward(pixels: Float32Array, shape: [number, number, number, number], onFallback: (message: string) => void, options?: { intermediateLayers?: number }): Promise<DinoV2Output> {
  if (!model) throw new Error('no backbone loaded: choose a model first');
  for (;;) {
    try {
      if (failNext) {
        failNext = false;
        throw new Error('simulated device loss');
      }
      const input = tf.tensor4d(pixels, shape);
      try {
        const out = applied ? applied.adapted.model.forward(input, { ...options, adapter: applied.adapted.adapter }) : model.forward(input, options);
        await out.patches.data(); // surfaces asynchronous GPU errors here, inside the try
        return out;
      } finally {
        input.dispose();
      }
    } catch (e) {
      const lost = backend!.name;
      if (lost === 'cpu') throw e;
      failedBackends.push(lost);
      backend = await chooseBackend('auto', failedBackends);
      build();
      onFallback(`The ${lost} backend failed (${(e as Error).message}); continuing on ${backend.name}.`);
    }
  }
}

/** For tests: the next forward fails as a lost GPU device would. */
export function simulateBackendFailure(): void {
  failNext = true;
}

export async function measureSpeed(size: number, runs: number, notice: (text: string) => void): Promise<{ medianMs: number; backend: string }> {
  const pixels = new Float32Array(3 * size * size).map((_, i) => Math.sin(i));
  const times: number[] = [];
  for (let i = 0; i <= runs; i++) {
    const start = performance.now();
    const out = await forward(pixels, [1, 3, size, size], notice);
    tf.dispose([out.cls, out.patches, out.prenorm, out.registers]);
    if (i > 0) times.push(performance.now() - start); // the first run warms up kernels
  }
  times.sort((a, b) => a - b);
  return { medianMs: times[Math.floor(times.length / 2)], backend: backend!.name };
}

export async function weightCacheEntries(): Promise<{ url: string; bytes: number; kept?: string }[]> {
  return ((await cacheStorageWeights()?.list()) ?? []).map((e) => ({ ...e, kept: keptName(e.url) }));
}

export async function forgetWeights(url: string): Promise<void> {
  await cacheStorageWeights()?.delete(url);
}

export async function clearWeightCache(): Promise<void> {
  const cache = cacheStorageWeights();
  for (const e of (await cache?.list()) ?? []) await cache!.delete(e.url);
}
