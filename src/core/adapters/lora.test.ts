import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { useNodeBackend } from '../../cli/tfNode.ts';
import { expectGradientsMatchFiniteDifferences } from '../../../test/finiteDifferences.ts';
import { readDinoV2 } from '../models/dinov2/load.ts';
import { createDinoV2 } from '../models/dinov2/model.ts';
import { randomCheckpoint } from '../models/dinov2/random.ts';
import { gaussian, mulberry32 } from '../synthetic/random.ts';
import { parseSafetensors } from '../weights/safetensors.ts';
import { createLora, mergedModel, mergeLora } from './lora.ts';
import { loraFromPeft, loraToPeft } from './peft.ts';

const { weights, config } = readDinoV2([randomCheckpoint('tiny', { seed: 3 })]);
let model: ReturnType<typeof createDinoV2>;
beforeAll(async () => {
  await useNodeBackend('cpu');
  model = createDinoV2(weights, config);
});
const S = 28; // 2 x 2 patches: small enough for finite differences
const pixels = () => tf.tensor4d(Float32Array.from({ length: 3 * S * S }, (_, i) => Math.sin(i * 0.37)), [1, 3, S, S]);
const maxDiff = (a: tf.Tensor, b: tf.Tensor) => tf.tidy(() => tf.max(tf.abs(tf.sub(a, b))).dataSync()[0]);

/** B set to small random values, so the adapter changes the output. */
function perturb(adapter: ReturnType<typeof createLora>, seed: number): void {
  const randn = gaussian(mulberry32(seed));
  for (const p of adapter.pairs) p.b.assign(tf.tensor2d(Float32Array.from({ length: p.b.size }, () => 0.05 * randn()), p.b.shape));
}

describe('LoRA on the tiny checkpoint', () => {
  it('with B = 0 gives the frozen backbone output exactly (to 1e-6)', () => {
    const adapter = createLora(config, { rank: 4, alpha: 8, blocks: 2, targets: ['qkv', 'proj', 'fc1', 'fc2'], seed: 1, learningRate: 1e-3 });
    const x = pixels();
    const frozen = model.forward(x).patches;
    const adapted = model.forward(x, { adapter }).patches;
    expect(maxDiff(frozen, adapted)).toBeLessThan(1e-6);
    adapter.dispose();
  });

  it('adapts only the last k blocks: running the frozen blocks once and the adapted ones from there equals the full adapted forward', () => {
    const adapter = createLora(config, { rank: 2, alpha: 4, blocks: 1, targets: ['qkv', 'fc2'], seed: 2, learningRate: 1e-3 });
    perturb(adapter, 5);
    expect(adapter.first).toBe(config.depth - 1);
    const x = pixels();
    const full = model.forward(x, { adapter });
    const cached = tf.tidy(() => model.blocks(model.tokens(x), 0, adapter.first));
    const resumed = tf.tidy(() => model.normed(model.blocks(cached, adapter.first, config.depth, adapter), 2, 2).patches);
    expect(maxDiff(full.patches, resumed)).toBeLessThan(1e-6);
    // and it does change the output, so the check above is not vacuous
    expect(maxDiff(full.patches, model.forward(x).patches)).toBeGreaterThan(1e-3);
    adapter.dispose();
  });

  it('merged into the weights gives the unmerged adapter output (to 1e-5)', () => {
    const adapter = createLora(config, { rank: 4, alpha: 16, blocks: 2, targets: ['qkv', 'proj', 'fc1', 'fc2'], seed: 3, learningRate: 1e-3 });
    perturb(adapter, 7);
    const merged = createDinoV2(mergeLora(weights, adapter, config), config);
    const x = pixels();
    expect(maxDiff(model.forward(x, { adapter }).patches, merged.forward(x).patches)).toBeLessThan(1e-5);
    // the frozen weights are untouched by the merge
    expect(maxDiff(model.forward(x).patches, createDinoV2(weights, config).forward(x).patches)).toBe(0);
    merged.dispose();
    adapter.dispose();
  });

  it('merged into the loaded model (sharing its frozen tensors) gives the adapter output, and leaves the frozen model as it was', () => {
    const adapter = createLora(config, { rank: 4, alpha: 16, blocks: 2, targets: ['qkv', 'proj', 'fc1', 'fc2'], seed: 6, learningRate: 1e-3 });
    perturb(adapter, 11);
    const x = pixels();
    const frozenBefore = model.forward(x).patches;
    const viaWeights = createDinoV2(mergeLora(weights, adapter, config), config);
    const viaWeightsOut = viaWeights.forward(x).patches;
    const before = tf.memory().numTensors;
    const merged = mergedModel(model, adapter);
    // one new weight per adapted layer (qkv's three parts make one), nothing else copied
    expect(tf.memory().numTensors - before).toBe(2 * 4);
    expect(tf.tidy(() => maxDiff(model.forward(x, { adapter }).patches, merged.forward(x).patches))).toBeLessThan(1e-5);
    expect(tf.tidy(() => maxDiff(viaWeightsOut, merged.forward(x).patches))).toBeLessThan(1e-5);
    merged.dispose();
    expect(tf.memory().numTensors).toBe(before);
    expect(tf.tidy(() => maxDiff(frozenBefore, model.forward(x).patches))).toBe(0);
    viaWeights.dispose();
    adapter.dispose();
  });

  it("gives A's and B's gradients that match central finite differences", () => {
    const adapter = createLora(config, { rank: 2, alpha: 2, blocks: 1, targets: ['qkv', 'proj', 'fc1'], seed: 4, learningRate: 1e-3 });
    perturb(adapter, 9);
    const x = pixels();
    const probe = tf.tensor4d(Float32Array.from({ length: 4 * config.dim }, (_, i) => Math.cos(i * 0.11)), [1, 2, 2, config.dim]);
    const loss = () => tf.sum(tf.mul(model.forward(x, { adapter }).patches, probe)) as tf.Scalar;
    expect(expectGradientsMatchFiniteDifferences(loss, adapter.variables())).toBe(adapter.variables().length * 3);
    adapter.dispose();
  });
});

describe('LoRA in PEFT files', () => {
  it("names and shapes its tensors as PEFT does for Dinov2Model, and reads them back to the same predictions", () => {
    const r = 3;
    const adapter = createLora(config, { rank: r, alpha: 6, blocks: 1, targets: ['qkv', 'proj', 'fc1', 'fc2'], seed: 6, learningRate: 1e-3 });
    perturb(adapter, 11);
    const files = loraToPeft(adapter, config, 'facebook/dinov2-small');
    // PEFT's rule, written out: base_model.model.<module path in Dinov2Model>.lora_{A,B}.weight,
    // lora_A [r, in_features], lora_B [out_features, r]; the tiny model is 64 wide with a 256-wide MLP.
    const D = 64;
    const H = 256;
    const expected: Record<string, number[]> = {};
    for (const [module, inW, outW] of [
      ['encoder.layer.1.attention.attention.query', D, D],
      ['encoder.layer.1.attention.attention.key', D, D],
      ['encoder.layer.1.attention.attention.value', D, D],
      ['encoder.layer.1.attention.output.dense', D, D],
      ['encoder.layer.1.mlp.fc1', D, H],
      ['encoder.layer.1.mlp.fc2', H, D],
    ] as const) {
      expected[`base_model.model.${module}.lora_A.weight`] = [r, inW];
      expected[`base_model.model.${module}.lora_B.weight`] = [outW, r];
    }
    const { tensors } = parseSafetensors(files['adapter_model.safetensors']);
    expect(Object.fromEntries([...tensors].map(([n, t]) => [n, t.shape]))).toEqual(expected);
    const peftConfig = JSON.parse(files['adapter_config.json']);
    expect(peftConfig).toMatchObject({ peft_type: 'LORA', r, lora_alpha: 6, base_model_name_or_path: 'facebook/dinov2-small', layers_to_transform: [1], layers_pattern: 'layer' });
    expect(peftConfig.target_modules).toEqual(['dense', 'fc1', 'fc2', 'key', 'query', 'value']);

    const back = loraFromPeft(files, config);
    const x = pixels();
    expect(maxDiff(model.forward(x, { adapter }).patches, model.forward(x, { adapter: back }).patches)).toBe(0);
    expect(back.first).toBe(1);
    adapter.dispose();
    back.dispose();
  });

  it('refuses an adapter made for another model size, saying which module', () => {
    const adapter = createLora(config, { rank: 2, alpha: 2, blocks: 1, targets: ['proj'], seed: 1, learningRate: 1e-3 });
    const files = loraToPeft(adapter, config, 'x');
    const wider = { ...config, dim: 128 };
    expect(() => loraFromPeft(files, wider)).toThrow(/encoder\.layer\.1\.attention\.output\.dense: lora_A is \[2,64\]/);
    adapter.dispose();
  });
});
