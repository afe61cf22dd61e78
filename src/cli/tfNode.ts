/** TensorFlow.js backends in Node: wasm (XNNPACK, about 20x the pure-JS cpu backend) or cpu. */
import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';

export type NodeBackend = 'wasm' | 'cpu';

let pathsSet = false;

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
  } finally {
    console.warn = warn;
  }
  return tf.getBackend();
}
