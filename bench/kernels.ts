/**
 * Where a ViT-S/14 forward pass spends its time, per kernel, on the wasm backend in Node (the
 * CLI's engine; the page's wasm backend runs the same kernels): tf.profile over warm runs, kernel
 * time summed by kernel name, with tfjs's own kernels and with the fused SIMD kernels
 * (kernels/simd.c), profiled alternately in one run.
 *   npx tsx bench/kernels.ts [--runs 5] [--size 224]
 */
import * as tf from '@tensorflow/tfjs-core';
import { parseArgs } from '../src/cli/args.ts';
import { useNodeBackend } from '../src/cli/tfNode.ts';
import { attachSimdKernels, setSimdKernels } from '../src/core/kernels/simdKernels.ts';
import { loadDinoV2 } from '../src/core/models/dinov2/load.ts';
import { randomCheckpoint } from '../src/core/models/dinov2/random.ts';
import { summary } from './stats.ts';

const args = parseArgs(process.argv.slice(2));
const runs = Number(args.flags.get('runs')?.[0] ?? 5);
const size = Number(args.flags.get('size')?.[0] ?? 224);
const backend = await useNodeBackend('wasm');
const attached = await attachSimdKernels();
const model = loadDinoV2([randomCheckpoint('vits14', { seed: 1 })]);
const input = tf.randomNormal([1, 3, size, size]);
const forward = () => tf.tidy(() => model.forward(input as tf.Tensor4D).patches.dataSync());

const arms = { tfjs: false, fused: true };
type Tally = { byKernel: Map<string, { ms: number; calls: number }>; walls: number[] };
const tallies = Object.fromEntries(Object.keys(arms).map((k) => [k, { byKernel: new Map(), walls: [] } as Tally]));
for (const fused of Object.values(arms)) (setSimdKernels(fused), forward()); // warm-up: compile, allocate
for (let r = 0; r < runs; r++) {
  for (const [arm, fused] of Object.entries(arms)) {
    setSimdKernels(fused);
    const { byKernel, walls } = tallies[arm];
    const start = performance.now();
    const profile = await tf.profile(forward);
    walls.push(performance.now() - start);
    // Ops that wrap a kernel (fusedMatMul__op around _FusedMatMul) are listed too: count kernels once.
    for (const k of profile.kernels.filter((k) => !k.name.endsWith('__op'))) {
      const ms = typeof k.kernelTimeMs === 'number' ? k.kernelTimeMs : 0;
      const e = byKernel.get(k.name) ?? { ms: 0, calls: 0 };
      byKernel.set(k.name, { ms: e.ms + ms / runs, calls: e.calls + 1 / runs });
    }
  }
}
const report = ({ byKernel, walls }: Tally) => {
  const total = [...byKernel.values()].reduce((a, e) => a + e.ms, 0);
  return {
    wallMs: summary(walls),
    kernelMsPerForward: +total.toFixed(0),
    kernels: [...byKernel]
      .sort((a, b) => b[1].ms - a[1].ms)
      .map(([name, e]) => ({ name, ms: +e.ms.toFixed(1), share: +((100 * e.ms) / total).toFixed(1), calls: Math.round(e.calls) })),
  };
};
console.log(JSON.stringify({ backend, simd: attached.reason, size, runs, tfjsKernels: report(tallies.tfjs), fusedKernels: report(tallies.fused) }, null, 1));
