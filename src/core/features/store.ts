/**
 * Cached patch features, one entry per (case content, mapping, model, input size, plane, layers)
 * and slice, stored as F16. Changing any part of the key is a different entry: never mixed.
 */
import { type ChannelMapping, mappingKey } from './channels.ts';
import type { Plane } from './slices.ts';

export interface FeatureKeyParts {
  caseHash: string;
  mapping: ChannelMapping;
  modelHash: string;
  size: number;
  plane: Plane;
  /** Which backbone outputs: 'last' is the final normed patch tokens. */
  layers: string;
}

export function featureKey(p: FeatureKeyParts): string {
  return [p.caseHash.slice(0, 16), mappingKey(p.mapping), p.modelHash.slice(0, 16), p.size, p.plane, p.layers].join('|');
}

export interface FeatureStore {
  get(key: string, slice: number): Promise<Uint16Array | undefined>;
  put(key: string, slice: number, values: Uint16Array): Promise<void>;
  /** Total bytes held, and entries (key, slices). */
  usage(): Promise<{ bytes: number; keys: { key: string; slices: number; bytes: number }[] }>;
  clear(): Promise<void>;
}

/** In memory, in front of an optional persistent store (IndexedDB in the worker). */
export function memoryFeatureStore(behind?: FeatureStore): FeatureStore {
  const mem = new Map<string, Map<number, Uint16Array>>();
  return {
    async get(key, slice) {
      const hit = mem.get(key)?.get(slice);
      if (hit) return hit;
      const stored = await behind?.get(key, slice);
      if (stored) mem.set(key, (mem.get(key) ?? new Map()).set(slice, stored));
      return stored;
    },
    async put(key, slice, values) {
      mem.set(key, (mem.get(key) ?? new Map()).set(slice, values));
      await behind?.put(key, slice, values);
    },
    async usage() {
      if (behind) return behind.usage();
      const keys = [...mem].map(([key, slices]) => ({ key, slices: slices.size, bytes: [...slices.values()].reduce((a, v) => a + v.byteLength, 0) }));
      return { bytes: keys.reduce((a, k) => a + k.bytes, 0), keys };
    },
    async clear() {
      mem.clear();
      await behind?.clear();
    },
  };
}
