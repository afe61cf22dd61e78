/**
 * One feature-store file: the slices of one feature key as F16 safetensors, the key and what made
 * them in the metadata. Written by the CLI's `extract`, read back by `experiment --features`, and
 * imported and exported by the app, so a dataset extracted on a cluster opens in the browser.
 */
import { fromF16Array } from '../weights/f16.ts';
import { type ChannelMapping, mappingKey } from './channels.ts';
import type { SliceGeometry } from './slices.ts';
import { parseSafetensors, WeightsError, writeSafetensors } from '../weights/safetensors.ts';

export const FEATURE_FILE_FORMAT = 'dino-seg-studio/features@1';

export interface FeatureFile {
  key: string;
  metadata: Record<string, string>;
  slices: Map<number, Uint16Array>;
}

/** What a file says about the features it holds, beside the key: the same from the CLI and the app. */
export function featureFileMetadata(o: { caseId: string; mapping: ChannelMapping; model: string; modelHash: string; geometry: SliceGeometry; layers: number; dim: number }): Record<string, string> {
  return {
    case: o.caseId,
    mapping: mappingKey(o.mapping),
    model: o.model,
    modelHash: o.modelHash,
    size: String(o.geometry.size),
    plane: o.geometry.plane,
    layers: String(o.layers),
    dim: String(o.dim),
    geometry: JSON.stringify(o.geometry),
    preprocessing: 'each mapped modality z-scored within the brain, clipped, resampled to the input size (normaliseCase, sliceInput)',
  };
}

export function encodeFeatureFile(key: string, slices: Map<number, Uint16Array>, metadata: Record<string, string>): Uint8Array {
  const sorted = [...slices].sort((a, b) => a[0] - b[0]);
  return writeSafetensors(
    sorted.map(([k, v]) => ({ name: `slice_${String(k).padStart(4, '0')}`, shape: [v.length], values: fromF16Array(v) })),
    'F16',
    { ...metadata, format: FEATURE_FILE_FORMAT, key, slices: JSON.stringify(sorted.map(([k]) => k)) },
  );
}

export function decodeFeatureFile(bytes: Uint8Array): FeatureFile {
  const file = parseSafetensors(bytes);
  if (file.metadata.format !== FEATURE_FILE_FORMAT || !file.metadata.key) {
    throw new WeightsError(`not a feature-store file (${FEATURE_FILE_FORMAT}): write one with the CLI's extract or the app's Export features`);
  }
  const slices = new Map<number, Uint16Array>();
  for (const [name, t] of file.tensors) {
    const k = Number(name.replace('slice_', ''));
    if (t.dtype !== 'F16' || !Number.isInteger(k)) throw new WeightsError(`feature file: tensor ${name} is not an F16 slice`);
    const bits = new Uint16Array(t.bytes.byteLength / 2);
    new Uint8Array(bits.buffer).set(t.bytes);
    slices.set(k, bits);
  }
  return { key: file.metadata.key, metadata: file.metadata, slices };
}
