/**
 * TensorFlow.js backends in Node: WebGPU on a real GPU through Dawn (the optional `webgpu`
 * package), else wasm (XNNPACK with the fused SIMD kernels, about 20x the pure-JS cpu backend),
 * else cpu. The choice and its reason are printed, as the page shows them.
 */
import { existsSync, readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import { attachSimdKernels } from '../core/kernels/simdKernels.ts';
import { SOFTWARE_RENDERER } from '../core/softwareRenderer.ts';

export type NodeBackend = 'wasm' | 'cpu' | 'webgpu';
export type NodeBackendChoice = 'auto' | NodeBackend;
export const BACKEND_FLAG = '[--backend auto|webgpu|wasm|cpu]';

let pathsSet = false;
let simd: { attached: boolean; reason: string } = { attached: false, reason: 'not wasm' };

export async function useNodeBackend(name: NodeBackend = 'wasm'): Promise<string> {
  if (name === 'webgpu') {
    const gpu = await dawnGpu();
    if (!gpu.ok) throw new Error(`the webgpu backend cannot start: ${gpu.why}`);
  }
  if (name === 'wasm' && !pathsSet) {
    const require = createRequire(import.meta.url);
    setWasmPaths(`${dirname(require.resolve('@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm'))}/`);
    pathsSet = true;
  }
  // tfjs prints a hint to install tfjs-node (native binaries, not available here) on first use.
  const warn = console.warn;
  console.warn = () => {};
  try {
    if (!(await tf.setBackend(name))) throw new Error(`the ${name} backend could not start`);
    await tf.ready();
    if (name === 'wasm') simd = await attachSimdKernels();
  } finally {
    console.warn = warn;
  }
  return tf.getBackend();
}

/** A GPU's device node: without one there is no adapter to find, and Dawn is not even loaded (it prints driver noise). */
function gpuDeviceNode(): string | null {
  if (process.platform !== 'linux') return 'not linux: asking Dawn';
  const nvidia = existsSync('/dev/nvidia0') ? '/dev/nvidia0' : null;
  const render = existsSync('/dev/dri') ? readdirSync('/dev/dri').find((f) => f.startsWith('renderD')) : undefined;
  return nvidia ?? (render ? `/dev/dri/${render}` : null);
}

let dawn: Promise<{ ok: true; adapter: string } | { ok: false; why: string }> | undefined;

/** Dawn's first real adapter, installed as navigator.gpu for tfjs-backend-webgpu; or why there is none. */
function dawnGpu() {
  dawn ??= (async () => {
    if (!gpuDeviceNode()) return { ok: false as const, why: 'no GPU device here (/dev/nvidia0, /dev/dri/renderD*)' };
    let webgpu: { create(flags: string[]): GPU; globals: Record<string, unknown> };
    try {
      webgpu = (await import('webgpu')) as unknown as typeof webgpu;
    } catch (e) {
      return { ok: false as const, why: `Dawn for Node (the optional webgpu package) did not load: ${(e as Error).message.split('\n')[0]}` };
    }
    const gpu = webgpu.create([]);
    const adapter = await gpu.requestAdapter({ powerPreference: 'high-performance' }).catch(() => null);
    if (!adapter) return { ok: false as const, why: 'Dawn found no GPU adapter (no Vulkan driver for the GPU?)' };
    const info = adapter.info;
    const name = [info.vendor, info.architecture, info.device, info.description].filter(Boolean).join(' ') || 'unknown adapter';
    if (adapter.isFallbackAdapter || SOFTWARE_RENDERER.test(name)) return { ok: false as const, why: `Dawn's adapter is a software renderer (${name}), slower than WebAssembly` };
    // tfjs-backend-webgpu registers itself only if navigator.gpu exists when it is imported, and reads GPUBufferUsage & co. as globals.
    Object.assign(globalThis, webgpu.globals);
    if (!('navigator' in globalThis)) Object.defineProperty(globalThis, 'navigator', { value: {}, configurable: true });
    Object.defineProperty(globalThis.navigator, 'gpu', { value: gpu, configurable: true });
    await import('@tensorflow/tfjs-backend-webgpu');
    return { ok: true as const, adapter: name };
  })();
  return dawn;
}

/**
 * `--backend auto` (the default): WebGPU on a real GPU when Dawn finds one and a forward op runs
 * on it, else wasm; the reason says which and why, for the CLI to print.
 */
export async function chooseNodeBackend(choice: NodeBackendChoice = 'auto'): Promise<{ name: string; reason: string }> {
  let noGpu = '';
  if (choice === 'auto' || choice === 'webgpu') {
    const gpu = await dawnGpu();
    if (gpu.ok) {
      try {
        await useNodeBackend('webgpu');
        await tf.tidy(() => tf.matMul(tf.ones([2, 2]), tf.ones([2, 2]))).data(); // the device really computes
        return { name: 'webgpu', reason: `WebGPU on ${gpu.adapter} (Dawn)${choice === 'webgpu' ? ', chosen with --backend' : ''}` };
      } catch (e) {
        noGpu = `WebGPU on ${gpu.adapter} failed: ${(e as Error).message.split('\n')[0]}`;
      }
    } else noGpu = gpu.why;
    if (choice === 'webgpu') throw new Error(`--backend webgpu: ${noGpu}`);
  }
  const name = choice === 'auto' ? 'wasm' : choice;
  await useNodeBackend(name);
  const kernels = name === 'wasm' ? (simd.attached ? ' with the fused SIMD kernels' : ` (tfjs's own kernels: ${simd.reason})`) : '';
  const why = choice === 'auto' ? `: no GPU backend: ${noGpu}` : ', chosen with --backend';
  return { name, reason: `${name === 'wasm' ? 'WebAssembly SIMD' : name}${kernels}${why}` };
}
