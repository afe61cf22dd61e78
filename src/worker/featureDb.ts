/** Patch features in IndexedDB, so a reload reuses what was extracted. */
import type { FeatureStore } from '../core/features/store.ts';

const DB = 'dino-seg-studio-features';
const STORE = 'slices';

function open(): Promise<IDBDatabase> {
  return new Promise((resolve, reject) => {
    const req = indexedDB.open(DB, 1);
    req.onupgradeneeded = () => req.result.createObjectStore(STORE);
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(req.error);
  });
}

function request<T>(r: IDBRequest<T>): Promise<T> {
  return new Promise((resolve, reject) => {
    r.onsuccess = () => resolve(r.result);
    r.onerror = () => reject(r.error);
  });
}

export function indexedDbFeatureStore(): FeatureStore | undefined {
  if (typeof indexedDB === 'undefined') return undefined;
  const db = open();
  const tx = async (mode: IDBTransactionMode) => (await db).transaction(STORE, mode).objectStore(STORE);
  return {
    async get(key, slice) {
      const v = await request((await tx('readonly')).get(`${key}#${slice}`));
      return v ? new Uint16Array(v as ArrayBuffer) : undefined;
    },
    async put(key, slice, values) {
      // Awaits the commit, not the request: a full quota aborts the transaction after the request succeeded.
      const store = await tx('readwrite');
      const committed = new Promise<void>((resolve, reject) => {
        store.transaction.oncomplete = () => resolve();
        store.transaction.onabort = () => reject(store.transaction.error ?? new DOMException('the write was aborted', 'AbortError'));
      });
      store.put(values.slice().buffer, `${key}#${slice}`);
      await committed;
    },
    async usage() {
      const store = await tx('readonly');
      const [keys, values] = await Promise.all([request(store.getAllKeys()), request(store.getAll())]);
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
      await request((await tx('readwrite')).clear());
    },
  };
}
