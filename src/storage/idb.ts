/** The few IndexedDB steps the studio's stores share, in the page and in the worker: open a database with its object stores, await a request, await a write's commit. */
const opened = new Map<string, Promise<IDBDatabase>>();

export function openDb(name: string, stores: { name: string; keyPath?: string }[]): Promise<IDBDatabase> {
  let db = opened.get(name);
  if (!db) {
    db = new Promise((resolve, reject) => {
      const req = indexedDB.open(name, 1);
      req.onupgradeneeded = () => {
        for (const s of stores) req.result.createObjectStore(s.name, s.keyPath ? { keyPath: s.keyPath } : undefined);
      };
      req.onsuccess = () => resolve(req.result);
      req.onerror = () => reject(req.error);
    });
    opened.set(name, db);
  }
  return db;
}

export function done<T>(r: IDBRequest<T>): Promise<T> {
  return new Promise((resolve, reject) => {
    r.onsuccess = () => resolve(r.result);
    r.onerror = () => reject(r.error);
  });
}

/**
 * A write is only kept once its transaction commits: a full quota aborts the transaction after
 * the request itself has succeeded, so awaiting the request alone would report a loss as saved.
 */
export function written(r: IDBRequest): Promise<void> {
  const tx = r.transaction!;
  return new Promise((resolve, reject) => {
    tx.oncomplete = () => resolve();
    tx.onabort = () => reject(tx.error ?? r.error ?? new DOMException('the write was aborted', 'AbortError'));
  });
}
