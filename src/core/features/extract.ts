/**
 * Patch features of every slice of a case, through the one preprocessing path, cached per slice.
 * The backbone comes in as a function, so the same loop runs in the worker, the CLI and tests.
 */
import { layersKey } from '../models/dinov2/layers.ts';
import type { Modality } from '../case/roles.ts';
import { contentHash } from '../hash.ts';
import { toF16Array } from '../weights/f16.ts';
import type { ChannelMapping } from './channels.ts';
import { type NormalisedCase, sliceHasHead, sliceInput } from './input.ts';
import { normaliseIntensity } from './normalise.ts';
import type { SliceGeometry } from './slices.ts';
import { featureKey, type FeatureStore } from './store.ts';

/** [grid * grid * dim] patch tokens of one [3, S, S] input. */
/** Patch tokens [grid * grid, dim * layers] of one [3, size, size] input (layers: last n blocks, concatenated). */
export type Embed = (input: Float32Array, size: number, layers?: number) => Promise<Float32Array>;

export interface ExtractionProgress {
  done: number;
  total: number;
  skipped: number;
  fromCache: number;
  slicesPerSecond: number;
}

export interface ExtractionResult {
  key: string;
  /** Slices with features, in order. */
  slices: number[];
  /** Slices without head, not embedded. */
  skipped: number[];
  fromCache: number;
  computed: number;
  dim: number;
  /** Backbone blocks whose patch tokens each feature concatenates (dim is the backbone's times this). */
  layers: number;
  seconds: number;
}

export class ExtractionCancelled extends Error {}

export async function caseContentHash(volumes: Partial<Record<Modality, Float32Array>>, brainmask?: Uint8Array): Promise<string> {
  const parts: (ArrayBufferView | string)[] = [];
  for (const m of Object.keys(volumes).sort() as Modality[]) parts.push(m, volumes[m]!);
  if (brainmask) parts.push('brainmask', brainmask);
  return contentHash(parts);
}

export function normaliseCase(volumes: Partial<Record<Modality, Float32Array>>, mapping: ChannelMapping, brainmask?: Uint8Array): NormalisedCase {
  const out: NormalisedCase = {};
  for (const m of new Set(mapping)) if (m) out[m] = normaliseIntensity(volumes[m]!, brainmask);
  return out;
}

export async function extractFeatures(options: {
  norm: NormalisedCase;
  mapping: ChannelMapping;
  geometry: SliceGeometry;
  caseHash: string;
  modelHash: string;
  dim: number;
  embed: Embed;
  /** The last n blocks' tokens, concatenated (1: the last block's). */
  layers?: number;
  /** Tokens a slice carries beyond its patch grid (class and registers, in a frozen trunk's outputs). */
  extraTokens?: number;
  /** The key's name for what embed returns when it is not patch tokens (a frozen trunk's: adapters/). */
  outputs?: string;
  /** The adapter embed runs with, named in the key (adapters/backbone.ts). */
  adapter?: string;
  store: FeatureStore;
  onProgress?: (p: ExtractionProgress) => void;
  signal?: AbortSignal;
}): Promise<ExtractionResult> {
  const { norm, mapping, geometry: g, store } = options;
  const layers = options.layers ?? 1;
  const key = featureKey({ caseHash: options.caseHash, mapping, modelHash: options.modelHash, size: g.size, plane: g.plane, layers: options.outputs ?? layersKey(layers), adapter: options.adapter });
  const start = performance.now();
  const slices: number[] = [];
  const skipped: number[] = [];
  let fromCache = 0;
  let computed = 0;
  const report = (done: number) =>
    options.onProgress?.({ done, total: g.count, skipped: skipped.length, fromCache, slicesPerSecond: computed / Math.max((performance.now() - start) / 1000, 1e-3) });
  for (let k = 0; k < g.count; k++) {
    if (options.signal?.aborted) throw new ExtractionCancelled(`extraction cancelled after ${k} of ${g.count} slices; the slices done are kept`);
    if (!sliceHasHead(norm, mapping, g, k)) skipped.push(k);
    else if (await store.get(key, k)) {
      fromCache++;
      slices.push(k);
    } else {
      const tokens = await options.embed(sliceInput(norm, mapping, g, k), g.size, layers);
      const expected = (g.grid * g.grid + (options.extraTokens ?? 0)) * options.dim * layers;
      if (tokens.length !== expected) throw new Error(`backbone returned ${tokens.length} values, expected ${options.extraTokens ? `(${g.grid}x${g.grid} + ${options.extraTokens}) tokens x ` : `${g.grid}x${g.grid}x`}${options.dim * layers}`);
      await store.put(key, k, toF16Array(tokens));
      computed++;
      slices.push(k);
    }
    report(k + 1);
  }
  return { key, slices, skipped, fromCache, computed, dim: options.dim * layers, layers, seconds: (performance.now() - start) / 1000 };
}
