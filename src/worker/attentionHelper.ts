/** The attention kernel's second thread (core/kernels/helperThread.ts): started by the compute worker. */
import { serveHelper } from '../core/kernels/helperThread.ts';

self.addEventListener('message', (e: MessageEvent) => void serveHelper((m) => self.postMessage(m), e.data), { once: true });
