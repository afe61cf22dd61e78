/// <reference lib="webworker" />
/** The compute worker: file parsing and generation now; the backbone and training join it later. */
import { readCaseFiles } from '../core/case/load.ts';
import { generateSyntheticCase } from '../core/synthetic/brats.ts';
import { syntheticCaseFiles } from '../core/synthetic/files.ts';
import type { Progress, RequestMap, ResultMap, WorkerRequest, WorkerResponse } from './protocol.ts';

const scope = self as unknown as DedicatedWorkerGlobalScope;

function post(message: WorkerResponse, transfer: Transferable[] = []): void {
  scope.postMessage(message, transfer);
}

function buffersOf(arrays: ArrayBufferView[]): Transferable[] {
  return [...new Set(arrays.map((a) => a.buffer as ArrayBuffer))];
}

const handlers: { [K in keyof RequestMap]: (p: RequestMap[K], progress: (p: Progress) => void) => [ResultMap[K], Transferable[]] } = {
  readFiles({ files }, progress) {
    progress({ status: 'progress', task: 'Reading files', done: 0, total: files.length, unit: 'files' });
    const loaded = [];
    const failed = [];
    for (let i = 0; i < files.length; i++) {
      const r = readCaseFiles([files[i]]);
      loaded.push(...r.loaded);
      failed.push(...r.failed);
      progress({ status: 'progress', task: 'Reading files', done: i + 1, total: files.length, unit: 'files' });
    }
    return [{ loaded, failed }, buffersOf(loaded.map((f) => f.volume.data))];
  },
  synthesize({ seed, dims }, progress) {
    progress({ status: 'initiate', task: 'Generating a synthetic case' });
    const files = syntheticCaseFiles(generateSyntheticCase({ seed, dims }));
    return [{ files }, buffersOf(files.map((f) => f.bytes))];
  },
};

scope.onmessage = (event: MessageEvent<WorkerRequest>) => {
  const req = event.data;
  if (req.type === 'cancel') return; // nothing cancellable runs long yet
  const progress = (p: Progress) => post({ id: req.id, type: 'progress', progress: p });
  try {
    const handler = handlers[req.type] as (p: unknown, pr: typeof progress) => [ResultMap[keyof ResultMap], Transferable[]];
    const [result, transfer] = handler(req.payload, progress);
    post({ id: req.id, type: 'result', result }, transfer);
  } catch (e) {
    post({ id: req.id, type: 'error', message: (e as Error).message });
  }
};
