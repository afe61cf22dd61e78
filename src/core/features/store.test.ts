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
    async drop() {
      store.calls++;
      throw quota();
    },
  };
  return store;
}

/** A persistent store that works, over a Map keyed "key#slice" as IndexedDB's is; onGet sees each read. */
function shelfStore(onGet: () => void = () => undefined): { shelf: Map<string, Uint16Array>; persistent: FeatureStore } {
  const shelf = new Map<string, Uint16Array>();
  const persistent: FeatureStore = {
    get: async (k, s) => (onGet(), shelf.get(`${k}#${s}`)),
    put: async (k, s, v) => void shelf.set(`${k}#${s}`, v),
    usage: async () => ({ bytes: 0, keys: [] }),
    clear: async () => shelf.clear(),
    drop: async (keys) => keys.forEach((k) => [...shelf.keys()].filter((x) => x.startsWith(`${k}#`)).forEach((x) => shelf.delete(x))),
  };
  return { shelf, persistent };
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
    const { persistent } = shelfStore();
    await memoryFeatureStore(persistent).put('k', 3, Uint16Array.from([9]));
    expect([...(await memoryFeatureStore(persistent).get('k', 3))!]).toEqual([9]);
  });

  it('with a byte cap, memory holds the most recently used keys and reads the rest back from the persistent store', async () => {
    let reads = 0;
    const { persistent } = shelfStore(() => reads++);
    // Each slice 8 bytes (4 values); cap 20 bytes: two slices of one key, or one each of two.
    const store = memoryFeatureStore(persistent, undefined, { maxBytes: 20 });
    const v = (x: number) => Uint16Array.from([x, x, x, x]);
    await store.put('a', 0, v(1));
    await store.put('a', 1, v(2));
    await store.put('b', 0, v(3)); // 24 bytes: a, the oldest key, goes
    expect((await store.get('b', 0))![0]).toBe(3);
    expect(reads).toBe(0);
    expect((await store.get('a', 1))![0]).toBe(2); // read back from the persistent store
    expect(reads).toBe(1);
  });

  it('without a working persistent store, the cap never drops the only copy', async () => {
    const store = memoryFeatureStore(undefined, undefined, { maxBytes: 4 });
    await store.put('a', 0, Uint16Array.from([1, 2, 3, 4]));
    await store.put('b', 0, Uint16Array.from([5, 6, 7, 8]));
    expect((await store.get('a', 0))![0]).toBe(1);
  });

  it('drop forgets one key in memory and behind it, and keeps the others', async () => {
    const { shelf, persistent } = shelfStore();
    const store = memoryFeatureStore(persistent);
    await store.put('case1', 0, Uint16Array.from([1]));
    await store.put('case2', 0, Uint16Array.from([2]));
    await store.drop(['case1']);
    expect(await store.get('case1', 0)).toBeUndefined();
    expect([...(await store.get('case2', 0))!]).toEqual([2]);
    expect([...shelf.keys()]).toEqual(['case2#0']);
  });
});
