/// <reference lib="webworker" />
/**
 * One rigid registration per worker: elastix runs as a single synchronous call, so the only way to
 * cancel it is to end its thread. The page starts this worker for an alignment and terminates it
 * on Cancel; the compute worker (training, extraction) is never blocked by it.
 */
import { registerRigid } from '../core/registration/rigid.ts';
import { workerElastix } from './elastix.ts';
import type { RegistrationRequest, RegistrationResponse } from './protocol.ts';

self.onmessage = async (e: MessageEvent<RegistrationRequest>) => {
  const { fixed, moving, affine } = e.data;
  const started = performance.now();
  let answer: RegistrationResponse;
  try {
    answer = { transform: await registerRigid(fixed, moving, affine, workerElastix), seconds: (performance.now() - started) / 1000 };
  } catch (err) {
    answer = { error: (err as Error).message ?? String(err) };
  }
  self.postMessage(answer);
};
