/** Patch features in IndexedDB, so a reload reuses what was extracted. */
import type { FeatureStore } from '../core/features/store.ts';
import { done, openDb, written } from '../storage/idb.ts';

const DB = 'dino-seg-studio-features';
const STORE = 'slices';

export function indexedDbFeatureStore(): FeatureStore | undefined {
  if (typeof indexedDB === 'undefined') return undefined;
  const tx = async (mode: IDBTransactionMode) => (await openDb(DB, [{ name: STORE }])).transaction(STORE, mode).objectStore(STORE);
  return {
    async get(key, slice) {
      const v = await done((await tx('readonly')).get(`${key}#${slice}`));
      return v ? new Uint16Array(v as ArrayBuffer) : undefined;
    },
    async put(key, slice, values) {
      await written((await tx('readwrite')).put(values.slice().buffer, `${key}#${slice}`));
    },
    async usage() {
      const store = await tx('readonly');
      const [keys, values] = await Promise.all([done(store.getAllKeys()), done(store.getAll())]);
      const byKey = new Map<string, { slices: number; bytes: number }>();
      keys.forEach((k, i) => {
        const key = String(k).split('#')[0];
        const e = byKey.get(key) ?? { slices: 0, bytes: 0 };
        e.slices++;
        e.bytes += (values[i] as ArrayBuffer).byteLength;
        byKey.set(key, e);
      });
      const list = [...byKey].map(([key, e]) => ({ key, ...e }));
      return { bytes: list.reduce((a, e) => a + e.bytes, 0), keys: list };
    },
    async clear() {
      await done((await tx('readwrite')).clear());
    },
    async drop(keys) {
      const store = await tx('readwrite');
      // Slices are stored as "key#slice": one key's are the range from "key#" to "key#\uffff".
      await Promise.all(keys.map((k) => done(store.delete(IDBKeyRange.bound(`${k}#`, `${k}#\uffff`)))));
    },
  };
}
