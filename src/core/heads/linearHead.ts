/**
 * The seed's baseline head: a 1x1 convolution over the patch grid, i.e. one linear map per patch.
 * Plain arrays, not tensors: with C <= 4 outputs it is a few hundred thousand multiply-adds a
 * slice, cheaper in JavaScript than a round trip to any TensorFlow.js backend, and it leaves the
 * accelerator to the backbone.
 */
import { gaussian, mulberry32 } from '../synthetic/random.ts';

export interface LinearHeadJSON {
  dim: number;
  channels: number;
  weights: number[];
  bias: number[];
}

export interface LinearHead {
  dim: number;
  channels: number;
  /** [D, C], row-major */
  weights: Float32Array;
  /** [C] */
  bias: Float32Array;
  /** features [P, D] for P patches -> logits [P, C] */
  logits(features: Float32Array): Float32Array;
  /** Accumulate d loss / d parameters for d loss / d logits [P, C] of these features. */
  backward(features: Float32Array, gradLogits: Float32Array, gradWeights: Float32Array, gradBias: Float32Array): void;
  toJSON(): LinearHeadJSON;
}

export function createLinearHead(dim: number, channels: number, seed: number, init?: Pick<LinearHeadJSON, 'weights' | 'bias'>): LinearHead {
  if (init && (init.weights.length !== dim * channels || init.bias.length !== channels)) {
    throw new Error(`a head of ${dim} features x ${channels} outputs needs ${dim * channels} weights and ${channels} biases; got ${init.weights.length} and ${init.bias.length}`);
  }
  const randn = gaussian(mulberry32(seed));
  const weights = init ? Float32Array.from(init.weights) : Float32Array.from({ length: dim * channels }, () => randn() * 0.01);
  const bias = init ? Float32Array.from(init.bias) : new Float32Array(channels);
  const C = channels;
  return {
    dim,
    channels,
    weights,
    bias,
    logits(features) {
      const P = features.length / dim;
      const out = new Float32Array(P * C);
      for (let p = 0; p < P; p++) {
        const f = p * dim;
        for (let c = 0; c < C; c++) {
          let s = bias[c];
          for (let d = 0; d < dim; d++) s += features[f + d] * weights[d * C + c];
          out[p * C + c] = s;
        }
      }
      return out;
    },
    backward(features, gradLogits, gradWeights, gradBias) {
      const P = features.length / dim;
      for (let p = 0; p < P; p++) {
        const f = p * dim;
        for (let c = 0; c < C; c++) {
          const g = gradLogits[p * C + c];
          if (g === 0) continue;
          gradBias[c] += g;
          for (let d = 0; d < dim; d++) gradWeights[d * C + c] += features[f + d] * g;
        }
      }
    },
    toJSON() {
      return { dim, channels, weights: Array.from(weights), bias: Array.from(bias) };
    },
  };
}
