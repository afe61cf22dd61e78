import { describe, expect, it } from 'vitest';
import { createComputeClient, WorkerLostError } from './client.ts';
import type { WorkerRequest, WorkerResponse } from './protocol.ts';

/** Enough of a Worker for the client: it records what is posted and answers when told to. */
function fakeWorker() {
  const posted: WorkerRequest[] = [];
  const worker = {
    posted,
    terminated: false,
    onmessage: null as ((e: MessageEvent<WorkerResponse>) => void) | null,
    onerror: null as ((e: ErrorEvent) => void) | null,
    postMessage(message: WorkerRequest) {
      posted.push(message);
    },
    terminate() {
      this.terminated = true;
    },
    answer(message: WorkerResponse) {
      this.onmessage?.({ data: message } as MessageEvent<WorkerResponse>);
    },
  };
  return worker;
}

function deferred(): { promise: Promise<void>; resolve: () => void } {
  let resolve!: () => void;
  return { promise: new Promise<void>((r) => (resolve = r)), resolve };
}

describe('compute client', () => {
  it('answers each request with its own result', async () => {
    const worker = fakeWorker();
    const client = createComputeClient(worker as unknown as Worker);
    const a = client.request('featureCache', {});
    const b = client.request('weightCache', {});
    const [ida, idb] = worker.posted.map((m) => m.id);
    worker.answer({ id: idb, type: 'result', result: { entries: [] } });
    worker.answer({ id: ida, type: 'result', result: { bytes: 7, keys: [] } });
    expect(await a).toEqual({ bytes: 7, keys: [] });
    expect(await b).toEqual({ entries: [] });
  });

  it('a lost worker fails what was in flight and what comes after, and says so once', async () => {
    const worker = fakeWorker();
    const ended = deferred();
    const client = createComputeClient(worker as unknown as Worker, ended.promise);
    let lost = 0;
    client.onLost = () => lost++;
    const inFlight = client.request('featureCache', {});
    ended.resolve();
    await expect(inFlight).rejects.toBeInstanceOf(WorkerLostError);
    await expect(client.request('weightCache', {})).rejects.toThrow('the compute worker stopped');
    expect(lost).toBe(1);
    expect(worker.posted).toHaveLength(1); // nothing is sent to a worker that is gone
  });

  it('a worker ended on purpose (dispose) is not a loss', async () => {
    const worker = fakeWorker();
    const ended = deferred();
    const client = createComputeClient(worker as unknown as Worker, ended.promise);
    let lost = 0;
    client.onLost = () => lost++;
    client.dispose();
    ended.resolve();
    await ended.promise;
    await Promise.resolve();
    expect(worker.terminated).toBe(true);
    expect(lost).toBe(0);
  });
});
