/** Channel mapping, extraction and the PCA view: the UI's side of the feature worker. */
import { create } from 'zustand';
import { type BratsCase, caseVolumes } from '../core/case/case.ts';
import { MODALITIES, type Modality } from '../core/case/roles.ts';
import { type ChannelMapping, checkMapping, MAPPING_PRESETS, mappingKey } from '../core/features/channels.ts';
import type { ExtractionResult } from '../core/features/extract.ts';
import type { Plane } from '../core/features/slices.ts';
import { CancelledError, computeClient } from '../worker/client.ts';
import type { Progress } from '../worker/protocol.ts';
import { useCase } from './case.ts';
import { report } from './messages.ts';

interface FeaturesState {
  preset: string;
  mapping: ChannelMapping;
  plane: Plane;
  size: number;
  /** Backbone blocks whose normed patch tokens are concatenated: 1 (the last) or 4 (DINOv2's multi-layer evaluation). */
  layers: number;
  progress: Progress | null;
  busy: boolean;
  result: ExtractionResult | null;
  preview: { rgb: Uint8Array; size: number } | null;
  mappingError: string | null;
  pca: { scope: 'slice' | 'volume'; rgba: Uint8Array; dims: [number, number, number] } | null;
  cacheBytes: number;
}

export const useFeatures = create<FeaturesState>(() => ({
  preset: 'three-modalities',
  mapping: ['flair', 't1ce', 't2'],
  plane: 'axial',
  size: 224,
  layers: 1,
  progress: null,
  busy: false,
  result: null,
  preview: null,
  mappingError: null,
  pca: null,
  cacheBytes: 0,
}));

let sentCase: BratsCase | null = null;
let controller: AbortController | null = null;

export async function sendCase(): Promise<BratsCase> {
  const c = useCase.getState().current;
  if (!c) throw new Error('load a case first');
  if (c !== sentCase) {
    // By the worker's handles on the files it read when it still has them: copying ~140 MB of
    // voxels to it held the page's thread for over a second.
    const { files, convention, reference } = useCase.getState();
    const used = files.filter((f) => f.role !== 'ignore');
    const handles = used.every((f) => f.kept) ? { id: c.id, convention, reference, files: used.map((f) => ({ kept: f.kept!, name: f.name, role: f.role, alignment: f.alignment })) } : null;
    if (!handles || !(await computeClient().request('setKeptCase', handles)).set) await computeClient().request('setCase', caseVolumes(c));
    sentCase = c;
  }
  return c;
}

function validate(mapping: ChannelMapping): string | null {
  const c = useCase.getState().current;
  if (!c) return null;
  try {
    checkMapping(mapping, MODALITIES.filter((m) => c.modalities[m]));
    return null;
  } catch (e) {
    return (e as Error).message;
  }
}

export function setMapping(mapping: ChannelMapping, preset = 'custom'): void {
  useFeatures.setState({ mapping, preset, mappingError: validate(mapping), result: null, pca: null });
}

export function choosePreset(id: string): void {
  const p = MAPPING_PRESETS.find((x) => x.id === id);
  if (p) setMapping([...p.mapping] as ChannelMapping, id);
}

export function setChannel(channel: number, modality: Modality | null): void {
  const mapping = [...useFeatures.getState().mapping] as ChannelMapping;
  mapping[channel] = modality;
  setMapping(mapping);
}

export const setPlane = (plane: Plane) => useFeatures.setState({ plane, result: null, pca: null });
export const setSize = (size: number) => useFeatures.setState({ size, result: null, pca: null });
export const setLayers = (layers: number) => useFeatures.setState({ layers, result: null, pca: null });

/** A new case: pick the seed's mapping when it can, else FLAIR alone, else what there is. */
useCase.subscribe((s, prev) => {
  if (s.current === prev.current || !s.current) return;
  const have = MODALITIES.filter((m) => s.current!.modalities[m]);
  const preset = MAPPING_PRESETS.find((p) => p.mapping.every((m) => !m || have.includes(m)));
  if (preset) setMapping([...preset.mapping] as ChannelMapping, preset.id);
  else setMapping([have[0], have[0], have[0]]);
  useFeatures.setState({ preview: null });
});

export async function extractFeatures(): Promise<void> {
  const { mapping, plane, size, layers, mappingError } = useFeatures.getState();
  if (mappingError) return report('error', mappingError);
  controller = new AbortController();
  useFeatures.setState({ busy: true, progress: { status: 'initiate', task: 'Preparing the case' }, pca: null });
  try {
    await sendCase();
    const result = await computeClient().request('extractFeatures', { mapping, plane, size, layers }, { onProgress: (progress) => useFeatures.setState({ progress }), signal: controller.signal });
    useFeatures.setState({ result });
  } catch (e) {
    report(e instanceof CancelledError ? 'info' : 'error', (e as Error).message);
  } finally {
    useFeatures.setState({ busy: false, progress: null });
    await refreshFeatureCache();
  }
}

/**
 * A fresh worker holds no case and no features: send the case again and bring the features the
 * page shows back from the feature cache (IndexedDB), leaving the page's result as it is.
 */
export async function restoreFeatures(): Promise<number | null> {
  sentCase = null;
  if (!useCase.getState().current) return null;
  await sendCase();
  const { result, mapping, plane, size, layers } = useFeatures.getState();
  if (!result) return null;
  const again = await computeClient().request('extractFeatures', { mapping, plane, size, layers }, { onProgress: (progress) => useFeatures.setState({ progress }) });
  useFeatures.setState({ progress: null });
  return again.slices.length;
}

/**
 * A feature-store file (from the CLI's `extract` on a cluster, or an export) into the cache; its
 * settings become the panel's, so Extract features reads the slices instead of computing them.
 */
export async function importFeatures(file: { name: string; bytes: Uint8Array }): Promise<void> {
  try {
    await sendCase();
    const r = await computeClient().request('importFeatures', { bytes: file.bytes });
    const { mapping, plane, size, layers } = r.settings;
    setMapping(mapping, MAPPING_PRESETS.find((p) => mappingKey(p.mapping) === mappingKey(mapping))?.id ?? 'custom');
    useFeatures.setState({ plane, size, layers });
    report('info', `${file.name}: ${r.slices} slices of features (${r.madeFor}; ${mappingKey(mapping)} at ${size}, ${plane}) are in this browser's cache; Extract features reads them instead of computing them.`);
  } catch (e) {
    report('error', `${file.name}: ${(e as Error).message}. What was loaded is kept.`);
  } finally {
    await refreshFeatureCache();
  }
}

/** The features of the last extraction as a feature-store file, the CLI's format. */
export async function exportFeatures(): Promise<{ name: string; bytes: Uint8Array } | null> {
  try {
    const { bytes } = await computeClient().request('exportFeatures', {});
    const { mapping, plane, size } = useFeatures.getState();
    return { name: `${useCase.getState().current?.id ?? 'case'}_features_${mappingKey(mapping).replaceAll(',', '-')}_${size}_${plane}.safetensors`, bytes };
  } catch (e) {
    report('error', `The features could not be exported: ${(e as Error).message}`);
    return null;
  }
}

export function cancelExtraction(): void {
  controller?.abort();
}

let previewToken = 0;
export async function refreshPreview(slice: number): Promise<void> {
  const { mapping, plane, size, mappingError } = useFeatures.getState();
  if (mappingError || !useCase.getState().current) return;
  const token = ++previewToken;
  try {
    await sendCase();
    const preview = await computeClient().request('previewSlice', { mapping, plane, size, slice });
    if (token === previewToken) useFeatures.setState({ preview });
  } catch (e) {
    report('error', `Preview failed: ${(e as Error).message}`);
  }
}

export async function showPca(scope: 'slice' | 'volume' | null, slice: number): Promise<void> {
  if (!scope) return useFeatures.setState({ pca: null });
  try {
    const { rgba, dims } = await computeClient().request('pcaOverlay', { scope, slice });
    useFeatures.setState({ pca: { scope, rgba, dims } });
  } catch (e) {
    report('error', `PCA failed: ${(e as Error).message}`);
  }
}

export async function refreshFeatureCache(): Promise<void> {
  const usage = await computeClient().request('featureCache', {});
  useFeatures.setState({ cacheBytes: usage.bytes });
}

export async function clearFeatureCache(): Promise<void> {
  await computeClient().request('clearFeatureCache', {});
  useFeatures.setState({ result: null, pca: null });
  await refreshFeatureCache();
}
