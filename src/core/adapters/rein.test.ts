import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, expect, it } from 'vitest';
import { useNodeBackend } from '../../cli/tfNode.ts';
import { expectGradientsMatchFiniteDifferences } from '../../../test/finiteDifferences.ts';
import { readDinoV2 } from '../models/dinov2/load.ts';
import { createDinoV2, type DinoV2 } from '../models/dinov2/model.ts';
import { randomCheckpoint } from '../models/dinov2/random.ts';
import { parseSafetensors } from '../weights/safetensors.ts';
import { adapterFiles, readAdapterFiles } from './files.ts';
import { createRein, type ReinAdapter } from './rein.ts';

const { config } = readDinoV2([randomCheckpoint('tiny', { seed: 3 })]);
let model: DinoV2;
beforeAll(async () => {
  await useNodeBackend('cpu');
  model = createDinoV2(readDinoV2([randomCheckpoint('tiny', { seed: 3 })]).weights, config);
});
const S = 28;
const pixels = () => tf.tensor4d(Float32Array.from({ length: 3 * S * S }, (_, i) => Math.sin(i * 0.37)), [1, 3, S, S]);
const maxDiff = (a: tf.Tensor, b: tf.Tensor) => tf.tidy(() => tf.max(tf.abs(tf.sub(a, b))).dataSync()[0]);
const settings = { tokens: 5, rank: 2, blocks: 2, seed: 1, learningRate: 1e-3 };

/** W_f moved off zero, so the layer does something. */
function perturb(r: ReinAdapter): void {
  r.deltaFeature.w.assign(tf.tidy(() => tf.mul(tf.randomNormal(r.deltaFeature.w.shape, 0, 1, 'float32', 4), 0.05)) as tf.Tensor2D);
}

it('starts as the frozen backbone exactly (W_f and b_f zero), to 1e-6', () => {
  const rein = createRein(config, settings);
  const x = pixels();
  expect(maxDiff(model.forward(x).patches, model.forward(x, { adapter: rein }).patches)).toBeLessThan(1e-6);
  rein.dispose();
});

it('refines the patch tokens and passes the class token through each adapted block unchanged', () => {
  const rein = createRein(config, { ...settings, blocks: 1 });
  perturb(rein);
  const x = tf.tidy(() => model.blocks(model.tokens(pixels()), 0, rein.first));
  const plain = model.blocks(x, rein.first, config.depth);
  const refined = tf.tidy(() => rein.refine!(rein.first, plain));
  expect(maxDiff(tf.slice(refined, [0, 0, 0], [1, 1, config.dim]), tf.slice(plain, [0, 0, 0], [1, 1, config.dim]))).toBe(0);
  expect(maxDiff(refined, plain)).toBeGreaterThan(1e-3);
  rein.dispose();
});

it("gives every parameter's gradient as central finite differences do", () => {
  const rein = createRein(config, { ...settings, blocks: 1 });
  perturb(rein);
  const x = pixels();
  const probe = tf.tensor4d(Float32Array.from({ length: 4 * config.dim }, (_, i) => Math.cos(i * 0.11)), [1, 2, 2, config.dim]);
  const loss = () => tf.sum(tf.mul(model.forward(x, { adapter: rein }).patches, probe)) as tf.Scalar;
  expect(expectGradientsMatchFiniteDifferences(loss, rein.variables())).toBe(rein.variables().length * 3);
  rein.dispose();
});

it("is saved under the authors' LoRAReins names in torch layouts and read back to the same output", () => {
  const rein = createRein(config, settings);
  perturb(rein);
  const files = adapterFiles(rein, config, 'facebook/dinov2-small');
  const D = config.dim;
  const { tensors } = parseSafetensors(files['rein_model.safetensors']);
  expect(Object.fromEntries([...tensors].map(([n, t]) => [n, t.shape]))).toEqual({
    'reins.learnable_tokens_a': [2, 5, 2],
    'reins.learnable_tokens_b': [2, 2, D],
    'reins.mlp_token2feat.weight': [D, D],
    'reins.mlp_token2feat.bias': [D],
    'reins.mlp_delta_f.weight': [D, D],
    'reins.mlp_delta_f.bias': [D],
  });
  expect(JSON.parse(new TextDecoder().decode(files['rein_config.json']))).toMatchObject({ adapter: 'rein', layers: [0, 1], token_length: 5, lora_dim: 2, zero_mlp_delta_f: true });
  const back = readAdapterFiles(files, config);
  const x = pixels();
  expect(maxDiff(model.forward(x, { adapter: rein }).patches, model.forward(x, { adapter: back }).patches)).toBe(0);
  expect(() => readAdapterFiles(files, { ...config, depth: 4 })).toThrow(/not the last blocks of this 4-block backbone/);
  rein.dispose();
  back.dispose();
});
