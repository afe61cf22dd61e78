/**
 * The seed's baseline head: a 1x1 convolution over the patch grid, i.e. one linear map per patch.
 * Written as a matMul because tfjs-wasm has no Conv2DBackpropFilter kernel.
 */
import * as tf from '@tensorflow/tfjs-core';
import { gaussian, mulberry32 } from '../synthetic/random.ts';

export interface LinearHead {
  dim: number;
  channels: number;
  weights: tf.Variable<tf.Rank.R2>; // [D, C]
  bias: tf.Variable<tf.Rank.R1>; // [C]
  /** features [B, g, g, D] -> logits [B, g, g, C] */
  logits(features: tf.Tensor4D): tf.Tensor4D;
  toJSON(): { dim: number; channels: number; weights: number[]; bias: number[] };
  dispose(): void;
}

export function createLinearHead(dim: number, channels: number, seed: number, init?: { weights: number[]; bias: number[] }): LinearHead {
  const randn = gaussian(mulberry32(seed));
  const w = init ? Float32Array.from(init.weights) : Float32Array.from({ length: dim * channels }, () => randn() * 0.01);
  const weights = tf.variable(tf.tensor2d(w, [dim, channels]));
  const bias = tf.variable(tf.tensor1d(init ? init.bias : new Array(channels).fill(0)));
  return {
    dim,
    channels,
    weights,
    bias,
    logits(features) {
      return tf.tidy(() => {
        const [B, g1, g2] = features.shape;
        const flat = tf.reshape(features, [B * g1 * g2, dim]) as tf.Tensor2D;
        return tf.reshape(tf.add(tf.matMul(flat, weights), bias), [B, g1, g2, channels]) as tf.Tensor4D;
      });
    },
    toJSON() {
      return { dim, channels, weights: Array.from(weights.dataSync()), bias: Array.from(bias.dataSync()) };
    },
    dispose() {
      weights.dispose();
      bias.dispose();
    },
  };
}
