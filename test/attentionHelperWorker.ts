// The attention helper under Node's worker_threads, for helperThread.test.ts (the app uses src/worker/attentionHelper.ts).
import { parentPort } from 'node:worker_threads';
import { serveHelper } from '../src/core/kernels/helperThread.ts';

parentPort!.once('message', (init) => void serveHelper((m) => parentPort!.postMessage(m), init));
