/** TensorFlow.js backends in Node: wasm (XNNPACK, about 20x the pure-JS cpu backend) or cpu. */
import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import { attachSimdKernels } from '../core/kernels/simdKernels.ts';

export type NodeBackend = 'wasm' | 'cpu';

let pathsSet = false;
let simd: { attached: boolean; reason: string } = { attached: false, reason: 'not wasm' };

/** Whether the fused SIMD kernels run with the wasm backend, and why not: for the CLI's backend line. */
export const simdKernelStatus = () => simd;

export async function useNodeBackend(name: NodeBackend = 'wasm'): Promise<string> {
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
