/** Feature extraction, previews and PCA inside the worker, over the core's one preprocessing path. */
import { forwardOptions, layersOfKey, patchTokens } from '../core/models/dinov2/layers.ts';
import * as tf from '@tensorflow/tfjs-core';
import type { Modality } from '../core/case/roles.ts';
import type { CaseVolumes } from '../core/case/case.ts';
import { checkMapping, type ChannelMapping } from '../core/features/channels.ts';
import { caseContentHash, type Embed, type ExtractionResult, extractFeatures, normaliseCase } from '../core/features/extract.ts';
import type { Backbone } from '../core/experiments/experiment.ts';
import type { FeatureStore } from '../core/features/store.ts';
import type { NormalisedCase } from '../core/features/input.ts';
import { sliceInput } from '../core/features/input.ts';
import { IMAGENET_MEAN, IMAGENET_STD } from '../core/models/dinov2/constants.ts';
import { pca, pcaColours } from '../core/features/pca.ts';
import { extractSlice, patchOfVoxel, type Plane, type SliceGeometry, sliceGeometry, voxelIndex } from '../core/features/slices.ts';
import { memoryFeatureStore, parseFeatureKey } from '../core/features/store.ts';
import type { Dims3 } from '../core/geometry/orientation.ts';
import { fromF16Array } from '../core/weights/f16.ts';
import { appliedAdapter, currentModel, forward, modelHash } from './backbone.ts';
import { decodeFeatureFile, encodeFeatureFile, featureFileMetadata } from '../core/features/storeFile.ts';
import { indexedDbFeatureStore } from './featureDb.ts';
import { storageRefused } from './notices.ts';
import type { ModelInfo, Progress } from './protocol.ts';


// 128 MB held in memory at most while IndexedDB works (four case-mappings of ViT-S features at
// 224): a dataset's cases would otherwise all stay in the worker; npm run bench:workspace measured
// 1.55 GB of page memory training on 16 cases with 512 MB here.
const store = memoryFeatureStore(
  indexedDbFeatureStore(),
  storageRefused('patch features', 'They are kept in memory for this session; after a reload they are extracted again.'),
  { maxBytes: 128 << 20 },
);
let prepared: { hash: string; mappingKey: string; norm: NormalisedCase } | null = null;
let last: { result: ExtractionResult; geometry: SliceGeometry; norm: NormalisedCase; mapping: ChannelMapping } | null = null;

export interface PlaneFeatures {
  result: ExtractionResult;
  geometry: SliceGeometry;
  get: (k: number) => Promise<Uint16Array>;
}

async function prepare(c: CaseVolumes, mapping: ChannelMapping): Promise<{ hash: string; norm: NormalisedCase }> {
  checkMapping(mapping, Object.keys(c.volumes) as Modality[]);
  const hash = await caseContentHash(c.volumes, c.brainmask);
  const key = mapping.join(',');
  if (!prepared || prepared.hash !== hash || prepared.mappingKey !== key) prepared = { hash, mappingKey: key, norm: normaliseCase(c.volumes, mapping, c.brainmask) };
  return prepared;
}

/** Patch tokens of one input through the worker's backbone (with its backend fallback). */
function embedWith(notice: (text: string) => void): Embed {
  return async (input, s, layers = 1) => {
    const out = await forward(input, [1, 3, s, s], notice, forwardOptions(layers));
    const joined = patchTokens(out, layers);
    const tokens = (await joined.data()) as Float32Array;
    tf.dispose([joined, out.cls, out.patches, out.prenorm, out.registers, ...out.intermediates.flatMap((l) => [l.cls, l.patches])]);
    return tokens;
  };
}

/** The loaded backbone as the core's experiments take it, and the feature cache they share with extraction. */
export async function workerBackbone(notice: (text: string) => void): Promise<{ backbone: Backbone; info: ModelInfo; store: FeatureStore }> {
  const loaded = currentModel();
  if (!loaded) throw new Error('load a backbone first');
  return { backbone: { dim: loaded.info.dim, modelHash: await modelHash(), adapter: appliedAdapter() ?? undefined, embed: embedWith(notice) }, info: loaded.info, store };
}

/** Features of one plane into the shared cache (what is cached already is read, not recomputed). */
async function extractPlane(
  c: CaseVolumes,
  mapping: ChannelMapping,
  { plane, size, layers }: { plane: Plane; size: number; layers: number },
  progress: (p: Progress) => void,
  notice: (text: string) => void,
  signal?: AbortSignal,
  task = 'Extracting features',
): Promise<{ result: ExtractionResult; geometry: SliceGeometry; norm: NormalisedCase }> {
  const { backbone } = await workerBackbone(notice);
  const { hash, norm } = await prepare(c, mapping);
  const geometry = sliceGeometry(c.dims, c.spacing, plane, size);
  const result = await extractFeatures({
    norm,
    mapping,
    geometry,
    caseHash: hash,
    modelHash: backbone.modelHash,
    dim: backbone.dim,
    layers,
    store,
    signal,
    embed: backbone.embed,
    adapter: backbone.adapter,
    onProgress: (p) => progress({ status: 'progress', task, done: p.done, total: p.total, unit: 'slices', rate: p.slicesPerSecond }),
  });
  return { result, geometry, norm };
}

export async function extract(
  c: CaseVolumes,
  mapping: ChannelMapping,
  options: { plane: Plane; size: number; layers: number },
  progress: (p: Progress) => void,
  notice: (text: string) => void,
  signal: AbortSignal,
): Promise<ExtractionResult> {
  const done = await extractPlane(c, mapping, options, progress, notice, signal);
  last = { ...done, mapping };
  return done.result;
}

const reader = (result: ExtractionResult) => async (k: number) => {
  const v = await store.get(result.key, k);
  if (!v) throw new Error(`features of slice ${k} are missing from the cache`);
  return v;
};

/**
 * The features of the last extraction's mapping, size and blocks in another plane, extracted
 * now where the cache lacks them (tri-planar heads); the last extraction stays what it is.
 */
export async function planeFeatures(c: CaseVolumes, plane: Plane, progress: (p: Progress) => void, notice: (text: string) => void, signal?: AbortSignal): Promise<PlaneFeatures> {
  const base = extractedFeatures();
  if (base.geometry.plane === plane) return base;
  const { result, geometry } = await extractPlane(c, last!.mapping, { plane, size: base.geometry.size, layers: base.result.layers }, progress, notice, signal, `Extracting ${plane} features for the tri-planar head`);
  return { result, geometry, get: reader(result) };
}

/** The pseudo-RGB slice as the backbone sees it, back in 0..255 display values. */
export async function preview(c: CaseVolumes, mapping: ChannelMapping, plane: Plane, size: number, k: number): Promise<{ rgb: Uint8Array; size: number }> {
  const { norm } = await prepare(c, mapping);
  const g = sliceGeometry(c.dims, c.spacing, plane, size);
  const x = sliceInput(norm, mapping, g, Math.min(Math.max(k, 0), g.count - 1));
  const S = size * size;
  const rgb = new Uint8Array(S * 3);
  for (let i = 0; i < S; i++) {
    for (let ch = 0; ch < 3; ch++) {
      const pixel = x[ch * S + i] * IMAGENET_STD[ch] + IMAGENET_MEAN[ch];
      rgb[i * 3 + ch] = Math.round(255 * Math.min(1, Math.max(0, pixel)));
    }
  }
  return { rgb, size };
}

/**
 * First three principal components of the patch features as an RGBA volume on the canonical grid:
 * of one slice, or of every extracted slice with one PCA over a sample of the whole volume.
 */
export async function pcaOverlay(scope: 'slice' | 'volume', k: number): Promise<{ rgba: Uint8Array; dims: Dims3 }> {
  if (!last) throw new Error('extract features first');
  const { result, geometry: g, norm } = last;
  const dim = result.dim;
  const P = g.grid * g.grid;
  const nearest = result.slices.reduce((a, b) => (Math.abs(b - k) < Math.abs(a - k) ? b : a), result.slices[0]);
  const chosen = scope === 'slice' ? [nearest] : result.slices;
  const features = new Map<number, Float32Array>();
  for (const s of chosen) features.set(s, fromF16Array((await store.get(result.key, s))!));
  // Fit on at most ~4,000 patches: enough for three components, quick in plain JS.
  const step = Math.max(1, Math.ceil((chosen.length * P) / 4000));
  const sample: Float32Array[] = [];
  let idx = 0;
  for (const f of features.values()) for (let p = 0; p < P; p++, idx++) if (idx % step === 0) sample.push(f.subarray(p * dim, (p + 1) * dim));
  const flat = new Float32Array(sample.length * dim);
  sample.forEach((row, i) => flat.set(row, i * dim));
  const fit = pca(flat, sample.length, dim);
  const [nx, ny, nz] = g.dims;
  const rgba = new Uint8Array(nx * ny * nz * 4);
  const brain = Object.values(norm)[0]!.brain;
  for (const [s, f] of features) {
    const colours = pcaColours(f, P, dim, fit);
    const inBrain = extractSlice(brain, g, s);
    for (let r = 0; r < g.rows; r++) {
      for (let c = 0; c < g.cols; c++) {
        if (!inBrain[r * g.cols + c]) continue;
        const [pr, pc] = patchOfVoxel(g, r, c);
        const patch = pr * g.grid + pc;
        const o = voxelIndex(g, s, r, c) * 4;
        rgba.set([colours[patch * 3], colours[patch * 3 + 1], colours[patch * 3 + 2], 255], o);
      }
    }
  }
  return { rgba, dims: g.dims };
}

/** Whether features of the case have been extracted (heads on the backbone can train). */
export const featuresExtracted = (): boolean => last !== null;

/** The last extraction's slices, geometry and a reader of their features, for training. */
export function extractedFeatures(): PlaneFeatures & { mapping: ChannelMapping } {
  if (!last) throw new Error('extract features first');
  const { result, geometry, mapping } = last;
  return { result, geometry, mapping, get: reader(result) };
}

export async function featureCacheUsage() {
  return store.usage();
}

/** One case's features (its keys), dropped from memory and IndexedDB. */
export async function dropFeatures(keys: string[]) {
  await store.drop(keys);
  if (last && keys.includes(last.result.key)) last = null;
}

export async function clearFeatureCache() {
  await store.clear();
  last = null;
}

/**
 * A feature-store file (the CLI's `extract`, or an export) into this browser's feature cache, so
 * extracting with its settings reads instead of computing. Refused unless it was made from this
 * case with this model: the key says so.
 */
export async function importFeatureFile(c: CaseVolumes, bytes: Uint8Array): Promise<{ slices: number; settings: { mapping: ChannelMapping; size: number; plane: Plane; layers: number }; madeFor: string }> {
  const file = decodeFeatureFile(bytes);
  const key = parseFeatureKey(file.key);
  const made = file.metadata.case ? `case ${file.metadata.case}` : 'another case';
  if (key.caseHash !== (await caseContentHash(c.volumes, c.brainmask)).slice(0, 16)) throw new Error(`these features are of ${made}, not of ${c.id} as loaded (its voxels differ)`);
  const { backbone } = await workerBackbone(() => undefined);
  if (key.modelHash !== backbone.modelHash.slice(0, 16)) throw new Error(`these features were made with other weights (${file.metadata.model ?? 'unnamed'}); load those weights first`);
  for (const [k, values] of file.slices) await store.put(file.key, k, values);
  return { slices: file.slices.size, settings: { mapping: key.mapping, size: key.size, plane: key.plane, layers: layersOfKey(key.layers) }, madeFor: made };
}

/** The last extraction's features as a feature-store file, as the CLI's `extract` writes them. */
export async function exportFeatureFile(c: CaseVolumes): Promise<Uint8Array> {
  if (!last) throw new Error('extract features first');
  const { result, geometry, mapping } = last;
  const slices = new Map<number, Uint16Array>();
  for (const k of result.slices) slices.set(k, await reader(result)(k));
  const metadata = featureFileMetadata({ caseId: c.id, mapping, model: currentModel()!.info.label, modelHash: await modelHash(), geometry, layers: result.layers, dim: result.dim });
  return encodeFeatureFile(result.key, slices, metadata);
}
