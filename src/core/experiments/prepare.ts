/**
 * What every run on cases shares, whichever head it trains: its settings, the backbone as an
 * embed function, a case prepared with its features, and what a test case reports.
 */
import { type CaseInput, type CaseVolumes, modalitiesOf } from '../case/case.ts';
import { MODALITIES, type Modality } from '../case/roles.ts';
import { type ChannelMapping, checkMapping } from '../features/channels.ts';
import { caseContentHash, type Embed, type ExtractionProgress, extractFeatures, normaliseCase } from '../features/extract.ts';
import { sliceGeometry, type Plane, type SliceGeometry } from '../features/slices.ts';
import type { FeatureStore } from '../features/store.ts';
import type { HeadSettings } from '../heads/headSettings.ts';
import { type RegionScore, scoreVolume } from '../heads/predict.ts';
import type { SamplingOptions } from '../heads/split.ts';
import { type Task, taskRegions } from '../heads/tasks.ts';
import { perSliceDice, type SliceCurve } from '../metrics/perSlice.ts';
import { volumeMl } from '../metrics/readout.ts';
import { regionMask } from '../metrics/regions.ts';
import type { RegionVolume } from './record.ts';

export interface ExperimentSettings extends SamplingOptions, Partial<HeadSettings> {
  mapping: ChannelMapping;
  /** The modalities the run may read (inputs.ts); absent: every modality its training cases share. */
  modalities?: Modality[];
  /** Voxel inputs from these instead: a comparison holding them fixed across its arms. */
  voxelModalities?: Modality[];
  plane: Plane;
  size: number;
  task: Task;
  epochs: number;
  batchSize: number;
  learningRate: number;
  seed: number;
}

export interface CaseResult {
  id: string;
  scores: RegionScore[];
  prediction: Uint8Array;
  /** Slices predicted (those with features), on this geometry. */
  slices: number[];
  geometry: SliceGeometry;
  /** Dice per predicted slice, when the case has a label map. */
  perSlice?: SliceCurve;
  /** Each region's volume, predicted and true (mL). */
  volumes: RegionVolume[];
}

export interface Backbone {
  embed: Embed;
  dim: number;
  modelHash: string;
  /** Tokens each slice gives beyond its patch grid (a frozen trunk's class and register tokens). */
  extraTokens?: number;
  /** What embed returns, as feature keys name it, when not the final patch tokens (a frozen trunk's tokens). */
  outputs?: string;
  /** The adapter it runs with, as feature keys name it. */
  adapter?: string;
}

export interface PreparedCase {
  c: CaseVolumes;
  g: SliceGeometry;
  key: string;
  slices: number[];
}

/** Checks the mapping against the case and extracts (or finds cached) features for it. */
export async function prepareCase(c: CaseVolumes, s: Pick<ExperimentSettings, 'mapping' | 'plane' | 'size' | 'layers'>, backbone: Backbone, store: FeatureStore, onProgress?: (text: string, p?: ExtractionProgress) => void, signal?: AbortSignal): Promise<PreparedCase & { fromCache: number; computed: number }> {
  try {
    checkMapping(s.mapping, MODALITIES.filter((m) => c.volumes[m]));
  } catch (e) {
    throw new Error(`case ${c.id}: ${(e as Error).message}`);
  }
  const g = sliceGeometry(c.dims, c.spacing, s.plane, s.size);
  const result = await extractFeatures({
    norm: normaliseCase(c.volumes, s.mapping, c.brainmask),
    mapping: s.mapping,
    geometry: g,
    caseHash: await caseContentHash(c.volumes, c.brainmask),
    modelHash: backbone.modelHash,
    dim: backbone.dim,
    embed: backbone.embed,
    layers: s.layers ?? 1,
    extraTokens: backbone.extraTokens,
    outputs: backbone.outputs,
    adapter: backbone.adapter,
    store,
    onProgress: (p) => onProgress?.(`${c.id}: features ${p.done}/${p.total}`, p),
    signal,
  });
  return { c, g, key: result.key, slices: result.slices, fromCache: result.fromCache, computed: result.computed };
}

/** What a run reports of a test case: its prediction scored, and per slice. */
export function testResult(c: CaseVolumes, prediction: Uint8Array, slices: number[], geometry: SliceGeometry, task: Task): CaseResult {
  const regions = taskRegions(task);
  return {
    id: c.id,
    prediction,
    slices,
    geometry,
    scores: c.labels ? scoreVolume(prediction, c.labels, c.dims, c.spacing, regions) : [],
    volumes: regions.map((r) => ({ region: r.id, predictedMl: volumeMl(regionMask(prediction, r.id), c.spacing), truthMl: c.labels ? volumeMl(regionMask(c.labels, r.id), c.spacing) : null })),
    ...(c.labels ? { perSlice: perSliceDice(prediction, c.labels, geometry, slices, regions) } : {}),
  };
}

/** The modalities every one of these cases has. */
export const sharedModalities = (cases: CaseInput[]): Modality[] => MODALITIES.filter((m) => cases.every((c) => modalitiesOf(c).includes(m)));
