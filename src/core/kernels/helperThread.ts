/**
 * A second thread for the attention kernel. tfjs-wasm's threaded build shares its heap, so a
 * helper (a Web Worker running src/worker/attentionHelper.ts) instantiates the same kernel module
 * on that heap and runs some heads while the calling thread runs the others. They meet through a
 * few words of the heap: the caller writes the arguments and bumps `seq`; the helper runs them and
 * stores `seq` into `done`. The caller spins on `done` (the page's main thread may not block), and
 * gives up after a while rather than hang the page.
 */
export const CONTROL_WORDS = 16;
const SEQ = 0;
const DONE = 1;
const ARGS = 2; // ten words: qkv, out, scratch, batch, tokens, heads, headDim, scale (f32 bits), h0, h1
const STOP = -1;

/** What the helper's worker looks like from here (a Worker, or a test's stand-in). */
export interface HelperThread {
  postMessage(message: unknown): void;
  addEventListener(type: 'message' | 'error', listener: (e: { data?: unknown; message?: string }) => void): void;
  terminate(): void;
}

export interface AttentionHelper {
  /** Starts attention with these ten arguments on the helper; resolves nothing, returns the ticket to wait on. */
  start(args: readonly number[]): number;
  wait(ticket: number): void;
  stop(): void;
}

export async function startHelper(spawn: () => HelperThread, memory: WebAssembly.Memory, module: WebAssembly.Module, control: number): Promise<AttentionHelper> {
  const thread = spawn();
  const words = () => new Int32Array(memory.buffer, control, CONTROL_WORDS); // the heap may have grown
  words().fill(0);
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('no answer in 10 s')), 10_000);
    thread.addEventListener('message', (e) => (e.data === 'ready' ? (clearTimeout(timer), resolve()) : undefined));
    thread.addEventListener('error', (e) => (clearTimeout(timer), reject(new Error(e.message ?? 'error'))));
    thread.postMessage({ memory, module, control });
  }).catch((e) => {
    thread.terminate();
    throw e;
  });
  let seq = 0;
  let alive = true;
  return {
    start(args) {
      if (!alive) throw new Error('the attention helper thread has stopped');
      const w = words();
      args.forEach((v, i) => (i === 7 ? new Float32Array(w.buffer, w.byteOffset + 4 * (ARGS + i), 1).fill(v) : (w[ARGS + i] = v)));
      seq = (seq + 1) | 0 || 1;
      Atomics.store(w, SEQ, seq);
      Atomics.notify(w, SEQ);
      return seq;
    },
    wait(ticket) {
      const w = words();
      const deadline = performance.now() + 60_000;
      while (Atomics.load(w, DONE) !== ticket) {
        if (performance.now() > deadline) {
          alive = false;
          thread.terminate();
          throw new Error('the attention helper thread did not finish in 60 s');
        }
      }
    },
    stop() {
      alive = false;
      const w = words();
      Atomics.store(w, SEQ, STOP);
      Atomics.notify(w, SEQ);
      thread.terminate();
    },
  };
}

/** The helper's side: waits for work on the control words, runs it, says done. Runs in a worker. */
export async function serveHelper(post: (m: unknown) => void, init: { memory: WebAssembly.Memory; module: WebAssembly.Module; control: number }): Promise<void> {
  const { memory, module, control } = init;
  const instance = await WebAssembly.instantiate(module, { env: { memory } });
  const attention = instance.exports.attention as (...args: number[]) => void;
  post('ready');
  let seen = 0;
  for (;;) {
    let w = new Int32Array(memory.buffer, control, CONTROL_WORDS);
    Atomics.wait(w, SEQ, seen);
    seen = Atomics.load(w, SEQ);
    if (seen === STOP) return;
    w = new Int32Array(memory.buffer, control, CONTROL_WORDS);
    const args = Array.from(w.subarray(ARGS, ARGS + 10));
    args[7] = new Float32Array(w.buffer, w.byteOffset + 4 * (ARGS + 7), 1)[0];
    attention(...args);
    Atomics.store(w, DONE, seen);
  }
}
