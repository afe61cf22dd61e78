/**
 * Cached patch features, one entry per (case content, mapping, model, input size, plane, layers)
 * and slice, stored as F16. Changing any part of the key is a different entry: never mixed.
 */
import { type ChannelMapping, mappingKey, parseMapping } from './channels.ts';
import type { Plane } from './slices.ts';

export interface FeatureKeyParts {
  caseHash: string;
  mapping: ChannelMapping;
  modelHash: string;
  size: number;
  plane: Plane;
  /** Which backbone outputs: 'last' is the final normed patch tokens. */
  layers: string;
  /** The adapter the backbone ran with (kind and a hash of its weights), absent for the frozen backbone. */
  adapter?: string;
}

export function featureKey(p: FeatureKeyParts): string {
  const parts = [p.caseHash.slice(0, 16), mappingKey(p.mapping), p.modelHash.slice(0, 16), p.size, p.plane, p.layers];
  return (p.adapter ? [...parts, p.adapter] : parts).join('|');
}

/** The parts of a key (the hashes as the key holds them: their first 16 characters). */
export function parseFeatureKey(key: string): FeatureKeyParts {
  const [caseHash, mapping, modelHash, size, plane, layers, adapter] = key.split('|');
  return { caseHash, mapping: parseMapping(mapping), modelHash, size: Number(size), plane: plane as Plane, layers, ...(adapter ? { adapter } : {}) };
}

export interface FeatureStore {
  get(key: string, slice: number): Promise<Uint16Array | undefined>;
  put(key: string, slice: number, values: Uint16Array): Promise<void>;
  /** Total bytes held, and entries (key, slices). */
  usage(): Promise<{ bytes: number; keys: { key: string; slices: number; bytes: number }[] }>;
  clear(): Promise<void>;
  /** Forgets these keys' slices (one case's features), leaving every other key. */
  drop(keys: string[]): Promise<void>;
}

/**
 * In memory, in front of an optional persistent store (IndexedDB in the worker). A persistent
 * store that fails (quota exceeded, storage blocked, private mode) is dropped for the session,
 * once, with `onStorageFailure`: features stay in memory and the work goes on.
 */
export function memoryFeatureStore(persistent?: FeatureStore, onStorageFailure?: (error: Error) => void, options: { maxBytes?: number } = {}): FeatureStore {
  const mem = new Map<string, Map<number, Uint16Array>>();
  let held = 0;
  // With a working persistent store, memory is only a cache: a dataset's many cases would
  // otherwise pile up in the worker. The oldest key goes first; without one, memory is the only copy.
  const evict = () => {
    if (!options.maxBytes || !behind) return;
    for (const [key, slices] of mem) {
      if (held <= options.maxBytes || mem.size <= 1) break;
      for (const v of slices.values()) held -= v.byteLength;
      mem.delete(key);
    }
  };
  const hold = (key: string, slice: number, values: Uint16Array) => {
    const slices = mem.get(key) ?? new Map<number, Uint16Array>();
    held += values.byteLength - (slices.get(slice)?.byteLength ?? 0);
    // Re-inserted keys move to the end: the order is oldest use first.
    mem.delete(key);
    mem.set(key, slices.set(slice, values));
    evict();
  };
  let behind = persistent;
  async function guarded<T>(call: (store: FeatureStore) => Promise<T>): Promise<T | undefined> {
    if (!behind) return undefined;
    try {
      return await call(behind);
    } catch (e) {
      behind = undefined;
      onStorageFailure?.(e instanceof Error ? e : new Error(String(e)));
      return undefined;
    }
  }
  const memoryUsage = () => {
    const keys = [...mem].map(([key, slices]) => ({ key, slices: slices.size, bytes: [...slices.values()].reduce((a, v) => a + v.byteLength, 0) }));
    return { bytes: keys.reduce((a, k) => a + k.bytes, 0), keys };
  };
  return {
    async get(key, slice) {
      const hit = mem.get(key)?.get(slice);
      if (hit) return hit;
      const stored = await guarded((b) => b.get(key, slice));
      if (stored) hold(key, slice, stored);
      return stored;
    },
    async put(key, slice, values) {
      hold(key, slice, values);
      await guarded((b) => b.put(key, slice, values));
    },
    async usage() {
      return (await guarded((b) => b.usage())) ?? memoryUsage();
    },
    async clear() {
      mem.clear();
      held = 0;
      await guarded((b) => b.clear());
    },
    async drop(keys) {
      for (const key of keys) {
        for (const v of mem.get(key)?.values() ?? []) held -= v.byteLength;
        mem.delete(key);
      }
      await guarded((b) => b.drop(keys));
    },
  };
}
