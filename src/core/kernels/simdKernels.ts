/**
 * The fused ViT kernels of simd.c, registered as TensorFlow.js kernels of the wasm backend. The
 * module runs in tfjs-wasm's own heap (it imports that WebAssembly.Memory), so a kernel reads its
 * inputs and writes its output where tfjs keeps them: no copies in or out.
 *
 * They have no gradients: the backbone uses them for inference only (model.ts asks `simdKernelsOn`).
 */
import * as tf from '@tensorflow/tfjs-core';
import { fromBase64 } from '../base64.ts';
import { type AttentionHelper, CONTROL_WORDS, type HelperThread, startHelper } from './helperThread.ts';
import { SIMD_PLAIN, SIMD_SHARED } from './simdBinary.ts';

interface SimdExports {
  gelu(x: number, y: number, n: number): void;
  layer_norm(x: number, w: number, b: number, y: number, rows: number, dim: number, eps: number): void;
  scaled_add(x: number, y: number, gamma: number, out: number, rows: number, dim: number): void;
  patchify(pixels: number, out: number, batch: number, channels: number, height: number, width: number, patch: number): void;
  attention(qkv: number, out: number, scratch: number, batch: number, tokens: number, heads: number, headDim: number, scale: number, h0: number, h1: number): void;
}

/** The slice of tfjs-wasm's backend these kernels use (BackendWasm's public members). */
interface WasmBackend {
  wasm: { wasmMemory?: WebAssembly.Memory; asm?: Record<string, unknown>; _malloc(bytes: number): number };
  dataIdMap: { get(dataId: object): { memoryOffset: number } | undefined };
  makeOutput(shape: number[], dtype: tf.DataType): tf.TensorInfo;
  disposeData(dataId: object, force?: boolean): boolean;
}

export const GELU = 'StudioGelu';
export const LAYER_NORM = 'StudioLayerNorm';
export const ATTENTION = 'StudioAttention';
export const PATCHIFY = 'StudioPatchify';
export const SCALED_ADD = 'StudioScaledAdd';

const modules = new WeakMap<object, SimdExports>();
const helpers = new WeakMap<object, AttentionHelper>();
const reasons = new WeakMap<object, string>();
let disabled = false;

function heapOf(backend: WasmBackend): WebAssembly.Memory | undefined {
  const w = backend.wasm;
  if (w.wasmMemory instanceof WebAssembly.Memory) return w.wasmMemory; // threaded build
  return Object.values(w.asm ?? {}).find((v): v is WebAssembly.Memory => v instanceof WebAssembly.Memory);
}

function exportsFor(backend: unknown): SimdExports {
  const e = modules.get(backend as object);
  if (!e) throw new Error('the SIMD kernels were not attached to this wasm backend');
  return e;
}

const offset = (backend: WasmBackend, t: tf.TensorInfo) => backend.dataIdMap.get(t.dataId)!.memoryOffset;

function register(): void {
  if (tf.getKernel(GELU, 'wasm')) return;
  tf.registerKernel({
    kernelName: GELU,
    backendName: 'wasm',
    kernelFunc: ({ inputs, backend }) => {
      const b = backend as unknown as WasmBackend;
      const x = inputs.x as tf.TensorInfo;
      const y = b.makeOutput(x.shape, 'float32');
      exportsFor(b).gelu(offset(b, x), offset(b, y), tf.util.sizeFromShape(x.shape));
      return y;
    },
  });
  tf.registerKernel({
    kernelName: LAYER_NORM,
    backendName: 'wasm',
    kernelFunc: ({ inputs, backend, attrs }) => {
      const b = backend as unknown as WasmBackend;
      const { x, weight, bias } = inputs as Record<string, tf.TensorInfo>;
      const dim = x.shape[x.shape.length - 1];
      const y = b.makeOutput(x.shape, 'float32');
      exportsFor(b).layer_norm(offset(b, x), offset(b, weight), offset(b, bias), offset(b, y), tf.util.sizeFromShape(x.shape) / dim, dim, attrs!.eps as number);
      return y;
    },
  });
  tf.registerKernel({
    kernelName: SCALED_ADD,
    backendName: 'wasm',
    kernelFunc: ({ inputs, backend }) => {
      const b = backend as unknown as WasmBackend;
      const { x, y, gamma } = inputs as Record<string, tf.TensorInfo>;
      const dim = gamma.shape[0];
      const out = b.makeOutput(x.shape, 'float32');
      exportsFor(b).scaled_add(offset(b, x), offset(b, y), offset(b, gamma), offset(b, out), tf.util.sizeFromShape(x.shape) / dim, dim);
      return out;
    },
  });
  tf.registerKernel({
    kernelName: PATCHIFY,
    backendName: 'wasm',
    kernelFunc: ({ inputs, backend, attrs }) => {
      const b = backend as unknown as WasmBackend;
      const pixels = inputs.pixels as tf.TensorInfo;
      const [batch, channels, height, width] = pixels.shape;
      const p = attrs!.patchSize as number;
      const y = b.makeOutput([(batch * height * width) / (p * p), channels * p * p], 'float32');
      exportsFor(b).patchify(offset(b, pixels), offset(b, y), batch, channels, height, width, p);
      return y;
    },
  });
  tf.registerKernel({
    kernelName: ATTENTION,
    backendName: 'wasm',
    kernelFunc: ({ inputs, backend, attrs }) => {
      const b = backend as unknown as WasmBackend;
      const qkv = inputs.qkv as tf.TensorInfo;
      const { batch, heads } = attrs as { batch: number; heads: number };
      const tokens = qkv.shape[0] / batch;
      const dim = qkv.shape[1] / 3;
      const headDim = dim / heads;
      const y = b.makeOutput([qkv.shape[0], dim], 'float32');
      const perThread = (headDim + 4) * Math.ceil(tokens / 8) * 8;
      const helper = heads > 1 ? helpers.get(b) : undefined;
      const scratch = b.makeOutput([perThread * (helper ? 2 : 1)], 'float32');
      const args = [offset(b, qkv), offset(b, y), offset(b, scratch), batch, tokens, heads, headDim, 1 / Math.sqrt(headDim)] as const;
      try {
        if (helper) {
          // The other core takes the second half of the heads while this thread does the first.
          const half = heads >> 1;
          const done = helper.start([args[0], args[1], args[2] + 4 * perThread, batch, tokens, heads, headDim, args[7], half, heads]);
          exportsFor(b).attention(...args, 0, half);
          helper.wait(done);
        } else exportsFor(b).attention(...args, 0, heads);
      } finally {
        b.disposeData(scratch.dataId, true);
      }
      return y;
    },
  });
}

/**
 * Compiles the module into the current wasm backend's heap. Resolves to why not when it cannot
 * (another backend, no heap found, no WebAssembly SIMD), and the backbone keeps tfjs's own kernels.
 */
export async function attachSimdKernels(options: { helperThread?: () => HelperThread } = {}): Promise<{ attached: boolean; reason: string }> {
  if (tf.getBackend() !== 'wasm') return { attached: false, reason: `the backend is ${tf.getBackend()}` };
  const backend = tf.backend() as unknown as WasmBackend;
  if (modules.has(backend)) return { attached: true, reason: reasons.get(backend)! };
  const memory = heapOf(backend);
  if (!memory) return { attached: false, reason: 'the wasm backend does not expose its heap' };
  const shared = typeof SharedArrayBuffer !== 'undefined' && memory.buffer instanceof SharedArrayBuffer;
  try {
    const module = await WebAssembly.compile(fromBase64(shared ? SIMD_SHARED : SIMD_PLAIN));
    const instance = await WebAssembly.instantiate(module, { env: { memory } });
    modules.set(backend, instance.exports as unknown as SimdExports);
    register();
    // A second thread for attention needs the heap shared with it (tfjs-wasm's threaded build).
    let threads = 'one thread';
    if (shared && options.helperThread) {
      const helper = await startHelper(options.helperThread, memory, module, backend.wasm._malloc(4 * CONTROL_WORDS) >>> 0).catch((e: Error) => e);
      if (helper instanceof Error) threads = `one thread (the helper thread did not start: ${helper.message})`;
      else (helpers.set(backend, helper), (threads = 'attention on two threads'));
    }
    reasons.set(backend, `fused SIMD kernels (${shared ? 'shared' : 'plain'} heap, ${threads})`);
    return { attached: true, reason: reasons.get(backend)! };
  } catch (e) {
    return { attached: false, reason: `the SIMD kernels did not compile: ${(e as Error).message}` };
  }
}

/** Turns the fused kernels off and on (benchmarks compare both in one run; tests check parity). */
export function setSimdKernels(enabled: boolean): void {
  disabled = !enabled;
}

/** Whether a forward pass now may use the fused kernels: wasm with them attached, and no gradient tape. */
export function simdKernelsOn(): boolean {
  if (disabled || tf.getBackend() !== 'wasm' || !modules.has(tf.backend())) return false;
  return !(tf.engine() as unknown as { isTapeOn(): boolean }).isTapeOn();
}
