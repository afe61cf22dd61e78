/**
 * Training an adapter end to end: slices' tokens at the first adapted block (the frozen trunk's
 * output, computed once and cached like features) go through the adapted blocks and the final
 * norm to patch features; the linear head and the segmentation loss the probe uses (heads/train.ts,
 * in plain arrays) give d loss / d features, and TensorFlow.js's gradient tape carries that back to
 * the adapter. Both take Adam steps; one seeded shuffle, as the probe's.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { Backbone } from '../experiments/experiment.ts';
import { adam } from '../heads/adam.ts';
import type { LinearHead } from '../heads/linearHead.ts';
import { batchGradients, epochOrder, type TrainingSlice, type TrainOptions, type TrainStep, Workspace } from '../heads/train.ts';
import type { DinoV2 } from '../models/dinov2/model.ts';
import { mulberry32 } from '../synthetic/random.ts';
import type { Adapter } from './adapter.ts';

/**
 * The frozen blocks below the adapter as a Backbone: a slice's tokens [1 + R + P, D] at block
 * `first`, cached in the feature store under a key that names the trunk, not the full model.
 */
export function frozenTrunk(model: DinoV2, modelHash: string, first: number): Backbone {
  const { dim, registers } = model.config;
  return {
    dim,
    modelHash,
    outputs: `trunk-below-block-${first}`,
    extraTokens: 1 + registers,
    embed: async (input, size) => tf.tidy(() => model.blocks(model.tokens(tf.tensor4d(input, [1, 3, size, size])), 0, first).dataSync() as Float32Array),
  };
}

/** Patch features [B * grid * grid * D] of slices' trunk tokens [B, N, D] through the adapted blocks. */
function adaptedPatches(model: DinoV2, adapter: Adapter, tokens: tf.Tensor3D, grid: number): tf.Tensor4D {
  return model.normed(model.blocks(tokens, adapter.first, model.config.depth, adapter), grid, grid).patches;
}

/** One slice's patch features with the adapter, from its cached trunk tokens. */
export function adaptedFeatures(model: DinoV2, adapter: Adapter, tokens: Float32Array, grid: number): Float32Array {
  const D = model.config.dim;
  return tf.tidy(() => adaptedPatches(model, adapter, tf.tensor3d(tokens, [1, tokens.length / D, D]), grid).dataSync() as Float32Array);
}

/**
 * Seconds one training step takes here (a forward and backward pass of a batch through the
 * adapted blocks, nothing updated), measured on the second of two passes so set-up is not counted.
 */
export function measureAdapterStep(model: DinoV2, adapter: Adapter, batchSize: number, grid: number): number {
  const D = model.config.dim;
  const N = 1 + model.config.registers + grid * grid;
  const tokens = tf.randomNormal([batchSize, N, D]) as tf.Tensor3D;
  let seconds = 0;
  for (let i = 0; i < 2; i++) {
    const start = performance.now();
    const { value, grads } = tf.variableGrads(() => tf.sum(adaptedPatches(model, adapter, tokens, grid)) as tf.Scalar, adapter.variables());
    Object.values(grads).forEach((g) => g.dataSync());
    tf.dispose([value, ...Object.values(grads)]);
    seconds = (performance.now() - start) / 1000;
  }
  tokens.dispose();
  return seconds;
}

/** Slices whose `features` are trunk tokens; yields after each step. */
export async function* trainAdapter(model: DinoV2, adapter: Adapter, head: LinearHead, data: TrainingSlice[], o: TrainOptions): AsyncGenerator<TrainStep> {
  const D = model.config.dim;
  const P = o.grid * o.grid;
  const headAdam = adam(o.learningRate);
  const adapterAdam = adam(adapter.settings.learningRate);
  const params = adapter.variables();
  const values = params.map((v) => Float32Array.from(v.dataSync() as Float32Array));
  const work = new Workspace();
  const rand = mulberry32(o.seed);
  let step = 0;
  for (let epoch = 0; epoch < o.epochs; epoch++) {
    const order = epochOrder(data.length, rand);
    for (let b = 0; b < order.length; b += o.batchSize) {
      const batch = order.slice(b, b + o.batchSize).map((i) => data[i]);
      const N = batch[0].features.length / D;
      const stacked = new Float32Array(batch.length * N * D);
      batch.forEach((s, i) => stacked.set(s.features, i * N * D));
      const tokens = tf.tensor3d(stacked, [batch.length, N, D]);
      let step_: ReturnType<typeof batchGradients> | undefined;
      const { value, grads } = tf.variableGrads(() => {
        const patches = adaptedPatches(model, adapter, tokens, o.grid);
        const features = patches.dataSync() as Float32Array;
        const live = batch.map((s, i) => ({ ...s, features: features.subarray(i * P * D, (i + 1) * P * D) }));
        const dFeatures = new Float32Array(features.length);
        step_ = batchGradients(head, live, o, work, dFeatures);
        // Its gradient with respect to the adapter is the loss's, since dFeatures is a constant.
        return tf.sum(tf.mul(patches, tf.tensor(dFeatures, patches.shape)));
      }, params);
      headAdam.step([head.weights, head.bias], [step_!.gradWeights, step_!.gradBias]);
      adapterAdam.step(values, params.map((v) => grads[v.name].dataSync() as Float32Array));
      params.forEach((v, i) => tf.tidy(() => v.assign(tf.tensor(values[i], v.shape))));
      tf.dispose([tokens, value, ...Object.values(grads)]);
      yield { step: ++step, epoch, loss: step_!.loss };
    }
  }
}
