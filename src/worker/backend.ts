/**
 * Picks the fastest TensorFlow.js backend that works here, not the first that exists: a real GPU's
 * WebGPU, then a real GPU's WebGL, then WebAssembly (SIMD, threads when cross-origin isolated),
 * then plain JS. Software GPUs (SwiftShader, llvmpipe) run DINOv2 15-40x slower than wasm on a
 * 2-core machine, so they are skipped unless asked for.
 */
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-backend-webgl';
import '@tensorflow/tfjs-backend-webgpu';
import { getThreadsCount, setThreadsCount, setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import wasmPlain from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm?url';
import wasmSimd from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-simd.wasm?url';
import wasmThreaded from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-threaded-simd.wasm?url';
import type { BackendChoice, BackendInfo, BackendName } from './protocol.ts';
import type { HelperThread } from '../core/kernels/helperThread.ts';
import { attachSimdKernels } from '../core/kernels/simdKernels.ts';
import { SOFTWARE_RENDERER } from '../core/softwareRenderer.ts';



async function webgpuAdapter(): Promise<{ description: string; software: boolean } | null> {
  const gpu = (navigator as Navigator & { gpu?: { requestAdapter(): Promise<unknown> } }).gpu;
  if (!gpu) return null;
  try {
    const adapter = (await gpu.requestAdapter()) as { isFallbackAdapter?: boolean; info?: Record<string, string | boolean> } | null;
    if (!adapter) return null;
    const info = adapter.info ?? {};
    const description = [info.vendor, info.architecture, info.device, info.description].filter(Boolean).join(' ') || 'unknown adapter';
    return { description, software: !!adapter.isFallbackAdapter || !!info.isFallbackAdapter || SOFTWARE_RENDERER.test(description) };
  } catch {
    return null;
  }
}

function webglRenderer(): { description: string; software: boolean } | null {
  try {
    const gl = new OffscreenCanvas(1, 1).getContext('webgl2');
    if (!gl) return null;
    const ext = gl.getExtension('WEBGL_debug_renderer_info');
    const description = String(gl.getParameter(ext ? ext.UNMASKED_RENDERER_WEBGL : gl.RENDERER));
    gl.getExtension('WEBGL_lose_context')?.loseContext();
    return { description, software: SOFTWARE_RENDERER.test(description) };
  } catch {
    return null;
  }
}

/** The attention kernel's second thread: a nested module worker on the shared wasm heap. */
const attentionThread = () => new Worker(new URL('./attentionHelper.ts', import.meta.url), { type: 'module' }) as unknown as HelperThread;

let wasmConfigured = false;
function configureWasm(): void {
  if (wasmConfigured) return;
  setWasmPaths({ 'tfjs-backend-wasm.wasm': wasmPlain, 'tfjs-backend-wasm-simd.wasm': wasmSimd, 'tfjs-backend-wasm-threaded-simd.wasm': wasmThreaded });
  // tfjs-wasm sizes XNNPACK's thread pool as hardwareConcurrency / 2 (clamped to 1..4) when its
  // module starts, and setThreadsCount does not change that pool: 1 thread on a 2-core machine.
  // The worker owns the machine while it extracts, so it reports twice the cores to get them all.
  const cores = Math.max(1, navigator.hardwareConcurrency || 1);
  setThreadsCount(cores);
  if (crossOriginIsolated) Object.defineProperty(navigator, 'hardwareConcurrency', { value: 2 * cores, configurable: true });
  wasmConfigured = true;
}

async function tryBackend(name: BackendName): Promise<boolean> {
  if (name === 'wasm') {
    configureWasm();
    await import('@tensorflow/tfjs-backend-wasm');
  }
  try {
    return (await tf.setBackend(name)) && (await tf.ready(), tf.getBackend() === name);
  } catch {
    return false;
  }
}

export async function chooseBackend(choice: BackendChoice = 'auto', exclude: BackendName[] = []): Promise<BackendInfo> {
  const [gpu, gl] = [await webgpuAdapter(), webglRenderer()];
  const adapters = {
    webgpu: gpu ? `${gpu.description}${gpu.software ? ' (software)' : ''}` : 'none',
    webgl: gl ? `${gl.description}${gl.software ? ' (software)' : ''}` : 'none',
  };
  const wasmReason = () => {
    const threads = getThreadsCount();
    const isolation = crossOriginIsolated ? '' : ' (threads need cross-origin isolation, which this page lacks)';
    return { threads, text: `WebAssembly with SIMD, ${threads} thread${threads === 1 ? '' : 's'}${isolation}` };
  };
  const candidates: [BackendName, string][] = [];
  if (choice !== 'auto') candidates.push([choice, 'chosen in the settings']);
  else {
    if (gpu && !gpu.software) candidates.push(['webgpu', `WebGPU on ${gpu.description}`]);
    if (gl && !gl.software) candidates.push(['webgl', `WebGL on ${gl.description}`]);
    const skipped = [gpu?.software && 'WebGPU', gl?.software && 'WebGL'].filter(Boolean);
    candidates.push(['wasm', skipped.length ? `${skipped.join(' and ')} run on a software renderer here, far slower than WebAssembly` : gpu || gl ? 'no faster GPU backend started' : 'no GPU available']);
    candidates.push(['cpu', 'WebAssembly could not start']);
  }
  for (const [name, why] of candidates) {
    if (exclude.includes(name)) continue;
    if (await tryBackend(name)) {
      if (name === 'wasm') {
        const w = wasmReason();
        const simd = await attachSimdKernels({ helperThread: attentionThread });
        const kernels = simd.attached ? `, ${simd.reason}` : ` (tfjs's own kernels: ${simd.reason})`;
        return { name, reason: `${w.text}${kernels}: ${why}`, threads: w.threads, adapters };
      }
      return { name, reason: why, adapters };
    }
  }
  if (await tryBackend('cpu')) return { name: 'cpu', reason: 'every faster backend failed to start', adapters };
  throw new Error('no TensorFlow.js backend could start in this browser');
}
