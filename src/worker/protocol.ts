/**
 * Every message between the UI and the compute worker, in one place. Requests carry an id; the
 * worker answers each with exactly one result or error, and any number of progress messages.
 */
import type { CaseFile } from '../core/case/case.ts';
import type { FileFailure } from '../core/case/load.ts';
import type { Dims3 } from '../core/geometry/orientation.ts';
import type { NamedBytes } from '../core/synthetic/files.ts';

/** One progress type from the worker to the stores, after transformers.js's progress callback. */
export type Progress =
  | { status: 'initiate'; task: string }
  | { status: 'progress'; task: string; done: number; total: number; unit: string }
  | { status: 'done'; task: string };

export interface RequestMap {
  readFiles: { files: NamedBytes[] };
  synthesize: { seed: number; dims?: Dims3 };
}

export interface ResultMap {
  readFiles: { loaded: CaseFile[]; failed: FileFailure[] };
  synthesize: { files: NamedBytes[] };
}

export type RequestType = keyof RequestMap;

export type WorkerRequest = {
  [K in RequestType]: { id: number; type: K; payload: RequestMap[K] };
}[RequestType] | { id: number; type: 'cancel' };

export type WorkerResponse =
  | { id: number; type: 'progress'; progress: Progress }
  | { id: number; type: 'result'; result: ResultMap[RequestType] }
  | { id: number; type: 'error'; message: string; cancelled?: boolean };
