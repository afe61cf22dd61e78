import { describe, expect, it } from 'vitest';
import { type FeatureStore, memoryFeatureStore } from './store.ts';

/** A persistent store whose every call fails as a full browser quota does. */
function fullStore(): FeatureStore & { calls: number } {
  const quota = () => Object.assign(new Error('The quota has been exceeded.'), { name: 'QuotaExceededError' });
  const store = {
    calls: 0,
    async get() {
      store.calls++;
      throw quota();
    },
    async put() {
      store.calls++;
      throw quota();
    },
    async usage() {
      store.calls++;
      throw quota();
    },
    async clear() {
      store.calls++;
      throw quota();
    },
  };
  return store;
}

describe('memoryFeatureStore over storage that fails', () => {
  it('keeps features in memory, drops the failing store for the session, and says so once', async () => {
    const behind = fullStore();
    const failures: Error[] = [];
    const store = memoryFeatureStore(behind, (e) => failures.push(e));
    const a = Uint16Array.from([1, 2, 3]);
    await store.put('k', 0, a);
    await store.put('k', 1, Uint16Array.from([4, 5]));
    expect(await store.get('k', 0)).toBe(a);
    expect(await store.get('k', 7)).toBeUndefined();
    expect(await store.usage()).toEqual({ bytes: 10, keys: [{ key: 'k', slices: 2, bytes: 10 }] });
    expect(failures.map((e) => e.name)).toEqual(['QuotaExceededError']);
    expect(behind.calls).toBe(1); // never asked again after it failed
  });

  it('a store that works is written through and read back after the memory is gone', async () => {
    const shelf = new Map<string, Uint16Array>();
    const persistent: FeatureStore = {
      get: async (k, s) => shelf.get(`${k}#${s}`),
      put: async (k, s, v) => void shelf.set(`${k}#${s}`, v),
      usage: async () => ({ bytes: 0, keys: [] }),
      clear: async () => shelf.clear(),
    };
    await memoryFeatureStore(persistent).put('k', 3, Uint16Array.from([9]));
    expect([...(await memoryFeatureStore(persistent).get('k', 3))!]).toEqual([9]);
  });
});
