import { existsSync, readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { chooseNodeBackend } from './tfNode.ts';

const gpuDevice = existsSync('/dev/nvidia0') || (existsSync('/dev/dri') && readdirSync('/dev/dri').some((f) => f.startsWith('renderD')));

describe('the CLI backend choice', () => {
  it.skipIf(gpuDevice)('without a GPU: auto is wasm with the fused kernels, and the reason says there is no GPU device', async () => {
    const r = await chooseNodeBackend('auto');
    expect(r.name).toBe('wasm');
    expect(r.reason).toBe('WebAssembly SIMD with the fused SIMD kernels: no GPU backend: no GPU device here (/dev/nvidia0, /dev/dri/renderD*)');
  });

  it.skipIf(gpuDevice)('without a GPU: --backend webgpu is refused with the same reason, not silently replaced', async () => {
    await expect(chooseNodeBackend('webgpu')).rejects.toThrow('--backend webgpu: no GPU device here');
  });

  it('--backend wasm is wasm, and says it was chosen', async () => {
    const r = await chooseNodeBackend('wasm');
    expect(r).toEqual({ name: 'wasm', reason: 'WebAssembly SIMD with the fused SIMD kernels, chosen with --backend' });
  });
});
