import { Worker } from 'node:worker_threads';
import { describe, expect, it } from 'vitest';
import { fromBase64 } from '../base64.ts';
import { mulberry32 } from '../synthetic/random.ts';
import { CONTROL_WORDS, type HelperThread, startHelper } from './helperThread.ts';
import { SIMD_SHARED } from './simdBinary.ts';

const spawn = (): HelperThread => {
  const w = new Worker(new URL('../../../test/attentionHelperWorker.mjs', import.meta.url));
  return {
    postMessage: (m) => w.postMessage(m),
    addEventListener: (type, listener) => (type === 'message' ? w.on('message', (data) => listener({ data })) : w.on('error', (e) => listener({ message: e.message }))),
    terminate: () => void w.terminate(),
  };
};

describe('attention on two threads over a shared heap', () => {
  it('gives bit for bit what one thread gives, call after call', async () => {
    const memory = new WebAssembly.Memory({ initial: 128, maximum: 65536, shared: true });
    const module = await WebAssembly.compile(fromBase64(SIMD_SHARED));
    const { exports } = await WebAssembly.instantiate(module, { env: { memory } });
    const attention = exports.attention as (...args: number[]) => void;
    const [batch, tokens, heads, headDim] = [2, 37, 6, 16];
    const D = heads * headDim;
    const perThread = (headDim + 4) * Math.ceil(tokens / 8) * 8;
    const [control, qkv, one, two, scratch] = [1 << 16, 1 << 17, 1 << 20, 1 << 21, 1 << 22];
    const rand = mulberry32(5);
    const f32 = new Float32Array(memory.buffer);
    for (let i = 0; i < batch * tokens * 3 * D; i++) f32[qkv / 4 + i] = rand() * 4 - 2;
    const scale = 1 / Math.sqrt(headDim);
    attention(qkv, one, scratch, batch, tokens, heads, headDim, scale, 0, heads);

    const helper = await startHelper(spawn, memory, module, control);
    try {
      for (let call = 0; call < 3; call++) {
        new Float32Array(memory.buffer, two, batch * tokens * D).fill(NaN);
        const ticket = helper.start([qkv, two, scratch + 4 * perThread, batch, tokens, heads, headDim, scale, 3, heads]);
        attention(qkv, two, scratch, batch, tokens, heads, headDim, scale, 0, 3);
        helper.wait(ticket);
        expect(Array.from(new Float32Array(memory.buffer, two, batch * tokens * D))).toEqual(Array.from(new Float32Array(memory.buffer, one, batch * tokens * D)));
      }
    } finally {
      helper.stop();
    }
    expect(CONTROL_WORDS * 4).toBeLessThan(qkv - control);
  });
});
