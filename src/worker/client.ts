/** The UI's handle on the compute worker: one promise per request, progress through a callback. */
import type { Progress, RequestMap, RequestType, ResultMap, WorkerRequest, WorkerResponse, WorkerUpdate } from './protocol.ts';

export class CancelledError extends Error {}

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
  dispose(): void;
}

export function createComputeClient(worker: Worker): ComputeClient {
  let nextId = 1;
  const pending = new Map<number, { resolve: (r: never) => void; reject: (e: Error) => void; onProgress?: (p: Progress) => void; onUpdate?: (u: WorkerUpdate) => void }>();
  const client: ComputeClient = {
    onNotice: () => undefined,
    request(type, payload, options = {}) {
      const id = nextId++;
      return new Promise((resolve, reject) => {
        pending.set(id, { resolve: resolve as (r: never) => void, reject, onProgress: options.onProgress, onUpdate: options.onUpdate });
        options.signal?.addEventListener('abort', () => worker.postMessage({ id: nextId++, type: 'cancel', target: id } satisfies WorkerRequest));
        worker.postMessage({ id, type, payload } as WorkerRequest, options.transfer ?? []);
      });
    },
    dispose() {
      worker.terminate();
    },
  };
  worker.onmessage = (event: MessageEvent<WorkerResponse>) => {
    const msg = event.data;
    if (msg.type === 'notice') return client.onNotice(msg.text);
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
  return client;
}

let shared: ComputeClient | undefined;

/** The app's single compute worker, created on first use. */
export function computeClient(): ComputeClient {
  shared ??= createComputeClient(new Worker(new URL('./compute.worker.ts', import.meta.url), { type: 'module' }));
  return shared;
}
