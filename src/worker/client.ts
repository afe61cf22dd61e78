/** The UI's handle on the compute worker: one promise per request, progress through a callback. */
import type { Progress, RequestMap, RequestType, ResultMap, WorkerRequest, WorkerResponse, WorkerUpdate } from './protocol.ts';

export class CancelledError extends Error {}

/** The worker is gone (the browser ended it, out of memory, or it crashed): what it held is lost. */
export class WorkerLostError extends Error {
  constructor() {
    super('the compute worker stopped (the browser ends a worker that runs out of memory; it restarts by itself)');
    this.name = 'WorkerLostError';
  }
}

export interface RequestOptions {
  onProgress?: (p: Progress) => void;
  onUpdate?: (u: WorkerUpdate) => void;
  transfer?: Transferable[];
  /** Aborting it asks the worker to cancel the request. */
  signal?: AbortSignal;
}

export interface ComputeClient {
  request<K extends RequestType>(type: K, payload: RequestMap[K], options?: RequestOptions): Promise<ResultMap[K]>;
  /** Messages from the worker that are not tied to a result (e.g. a backend fallback). */
  onNotice: (text: string) => void;
  /** Called once when the worker is gone without dispose(); every request in flight has been rejected with WorkerLostError. */
  onLost: () => void;
  dispose(): void;
}

/**
 * `ended` resolves when the worker no longer exists: nothing else tells a page that its worker
 * was terminated or killed (no error event fires), and a request in flight would wait forever.
 */
export function createComputeClient(worker: Worker, ended?: Promise<void>): ComputeClient {
  let nextId = 1;
  let lost = false;
  let disposed = false;
  const pending = new Map<number, { resolve: (r: never) => void; reject: (e: Error) => void; onProgress?: (p: Progress) => void; onUpdate?: (u: WorkerUpdate) => void }>();
  const client: ComputeClient = {
    onNotice: () => undefined,
    onLost: () => undefined,
    request(type, payload, options = {}) {
      const id = nextId++;
      return new Promise((resolve, reject) => {
        if (lost) return reject(new WorkerLostError());
        pending.set(id, { resolve: resolve as (r: never) => void, reject, onProgress: options.onProgress, onUpdate: options.onUpdate });
        options.signal?.addEventListener('abort', () => worker.postMessage({ id: nextId++, type: 'cancel', target: id } satisfies WorkerRequest));
        worker.postMessage({ id, type, payload } as WorkerRequest, options.transfer ?? []);
      });
    },
    dispose() {
      disposed = true;
      worker.terminate();
    },
  };
  worker.onmessage = (event: MessageEvent<WorkerResponse>) => {
    const msg = event.data;
    if (msg.type === 'notice') return client.onNotice(msg.text);
    if (msg.type === 'alive') return;
    const entry = pending.get(msg.id);
    if (!entry) return;
    if (msg.type === 'progress') entry.onProgress?.(msg.progress);
    else if (msg.type === 'update') entry.onUpdate?.(msg.update);
    else {
      pending.delete(msg.id);
      if (msg.type === 'result') entry.resolve(msg.result as never);
      else entry.reject(msg.cancelled ? new CancelledError(msg.message) : new Error(msg.message));
    }
  };
  worker.onerror = (event) => {
    for (const entry of pending.values()) entry.reject(new Error(`the compute worker failed: ${event.message}`));
    pending.clear();
  };
  void ended?.then(() => {
    if (disposed) return;
    lost = true;
    for (const entry of pending.values()) entry.reject(new WorkerLostError());
    pending.clear();
    client.onLost();
  });
  return client;
}

/**
 * Resolves when the named worker has ended. The worker holds a Web Lock of its own name for its
 * whole life and says 'alive' once it does; the browser releases a lock whose holder is gone, so
 * the page's request for it is granted exactly then.
 */
export function workerEnded(name: string, alive: Promise<void>): Promise<void> | undefined {
  if (typeof navigator === 'undefined' || !navigator.locks) return undefined;
  return alive.then(() => navigator.locks.request(name, () => undefined)).then(() => undefined);
}

let shared: ComputeClient | undefined;
let sharedWorker: Worker | undefined;
const noticeListeners = new Set<(text: string) => void>();
const lostListeners = new Set<() => void>();

/** Worker notices, from this worker and any that replaces it. */
export function onComputeNotice(listener: (text: string) => void): void {
  noticeListeners.add(listener);
}

/** Called after the worker was lost; the next computeClient() starts a fresh one. */
export function onComputeLost(listener: () => void): void {
  lostListeners.add(listener);
}

/** The app's single compute worker, created on first use, and again after one is lost. */
export function computeClient(): ComputeClient {
  if (shared) return shared;
  const name = `studio-compute-${crypto.randomUUID()}`;
  const worker = new Worker(new URL('./compute.worker.ts', import.meta.url), { type: 'module', name });
  let markAlive!: () => void;
  const alive = new Promise<void>((r) => (markAlive = r));
  worker.addEventListener('message', (e: MessageEvent<WorkerResponse>) => {
    if (e.data.type === 'alive') markAlive();
  });
  const client = createComputeClient(worker, workerEnded(name, alive));
  client.onNotice = (text) => noticeListeners.forEach((l) => l(text));
  client.onLost = () => {
    if (shared === client) [shared, sharedWorker] = [undefined, undefined];
    lostListeners.forEach((l) => l());
  };
  [shared, sharedWorker] = [client, worker];
  return client;
}

/** For the browser tests (?debug=1): end the worker as the browser would, without dispose(). */
export function simulateWorkerCrash(): void {
  sharedWorker?.terminate();
}
