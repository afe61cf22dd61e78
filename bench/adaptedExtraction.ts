/**
 * npm run bench:adapted: what extracting a slice through a fine-tuned adapter costs, against the
 * frozen backbone, on ViT-S/14 at 224 (random weights, the real shape), TensorFlow.js wasm in
 * Node. Four ways, interleaved run by run so the machine's noise falls on all alike: the frozen
 * model; LoRA merged into the weights (what *Use the adapted backbone* runs); the same LoRA as a
 * side branch; Rein. Prints the median, min and max ms a slice.   BENCH_ADAPTED_RUNS=15
 */
import * as tf from '@tensorflow/tfjs-core';
import { useNodeBackend } from '../src/cli/tfNode.ts';
import { adaptModel } from '../src/core/adapters/backbone.ts';
import { createAdapter, DEFAULT_ADAPTERS } from '../src/core/adapters/create.ts';
import type { LoraAdapter } from '../src/core/adapters/lora.ts';
import { loadDinoV2 } from '../src/core/models/dinov2/load.ts';
import { randomCheckpoint } from '../src/core/models/dinov2/random.ts';

const runs = Number(process.env.BENCH_ADAPTED_RUNS ?? 15);
const backend = await useNodeBackend('wasm');
const model = loadDinoV2([randomCheckpoint('vits14', { seed: 0 })]);
const lora = createAdapter(model.config, DEFAULT_ADAPTERS.lora) as LoraAdapter;
for (const p of lora.pairs) p.b.assign(tf.randomNormal(p.b.shape, 0, 0.01, 'float32', 1) as tf.Tensor2D); // as if trained
const rein = createAdapter(model.config, DEFAULT_ADAPTERS.rein);
const merged = adaptModel(model, lora);
const input = tf.randomNormal([1, 3, 224, 224], 0, 1, 'float32', 2) as tf.Tensor4D;
const ways = {
  frozen: () => model.forward(input),
  'LoRA merged': () => merged.model.forward(input),
  'LoRA unmerged': () => model.forward(input, { adapter: lora }),
  Rein: () => model.forward(input, { adapter: rein }),
};
const ms: Record<string, number[]> = Object.fromEntries(Object.keys(ways).map((k) => [k, []]));
for (let r = -1; r < runs; r++) {
  for (const [name, f] of Object.entries(ways)) {
    const start = performance.now();
    tf.tidy(() => f().patches.dataSync());
    if (r >= 0) ms[name].push(performance.now() - start); // run -1 warms every way up
  }
}
const stats = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return { medianMs: Math.round(s[Math.floor(s.length / 2)]), minMs: Math.round(s[0]), maxMs: Math.round(s.at(-1)!), runs: s.length };
};
const frozen = stats(ms.frozen).medianMs;
console.log(JSON.stringify({ backend, model: 'ViT-S/14 random weights', size: 224, adapters: 'defaults: LoRA rank 8 on qkv, proj of the last 2 blocks; Rein 100 tokens, last 2 blocks', perSlice: Object.fromEntries(Object.entries(ms).map(([k, v]) => [k, { ...stats(v), vsFrozen: +(stats(v).medianMs / frozen).toFixed(2) }])) }, null, 1));
