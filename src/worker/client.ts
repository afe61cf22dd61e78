/** The UI's handle on the compute worker: one promise per request, progress through a callback. */
import type { Progress, RequestMap, RequestType, ResultMap, WorkerRequest, WorkerResponse } from './protocol.ts';

export interface ComputeClient {
  request<K extends RequestType>(type: K, payload: RequestMap[K], onProgress?: (p: Progress) => void, transfer?: Transferable[]): Promise<ResultMap[K]>;
  dispose(): void;
}

export function createComputeClient(worker: Worker): ComputeClient {
  let nextId = 1;
  const pending = new Map<number, { resolve: (r: never) => void; reject: (e: Error) => void; onProgress?: (p: Progress) => void }>();
  worker.onmessage = (event: MessageEvent<WorkerResponse>) => {
    const msg = event.data;
    const entry = pending.get(msg.id);
    if (!entry) return;
    if (msg.type === 'progress') entry.onProgress?.(msg.progress);
    else {
      pending.delete(msg.id);
      if (msg.type === 'result') entry.resolve(msg.result as never);
      else entry.reject(new Error(msg.message));
    }
  };
  worker.onerror = (event) => {
    for (const entry of pending.values()) entry.reject(new Error(`the compute worker failed: ${event.message}`));
    pending.clear();
  };
  return {
    request(type, payload, onProgress, transfer = []) {
      const id = nextId++;
      return new Promise((resolve, reject) => {
        pending.set(id, { resolve: resolve as (r: never) => void, reject, onProgress });
        worker.postMessage({ id, type, payload } as WorkerRequest, transfer);
      });
    },
    dispose() {
      worker.terminate();
    },
  };
}

let shared: ComputeClient | undefined;

/** The app's single compute worker, created on first use. */
export function computeClient(): ComputeClient {
  shared ??= createComputeClient(new Worker(new URL('./compute.worker.ts', import.meta.url), { type: 'module' }));
  return shared;
}
