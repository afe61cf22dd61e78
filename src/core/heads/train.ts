/**
 * Training a head on cached patch features: Adam on mini-batches of slices, seeded, so the same
 * settings give the same numbers. Yields after each step so callers can report, pause or stop.
 */
import * as tf from '@tensorflow/tfjs-core';
// tfjs-core registers no gradients on its own; training needs them.
import '@tensorflow/tfjs-core/dist/register_all_gradients';
import { diceScore } from '../metrics/dice.ts';
import { mulberry32 } from '../synthetic/random.ts';
import type { LinearHead } from './linearHead.ts';
import { DEFAULT_LOSS, type LossWeights, segmentationLoss, upsample } from './loss.ts';
import type { TaskSpec } from './tasks.ts';

/** One slice: patch features [g*g*D], targets [S*S*C] and pixel weights [S*S] in input space. */
export interface TrainingSlice {
  slice: number;
  features: Float32Array;
  targets: Float32Array;
  weights: Float32Array;
}

export interface TrainOptions {
  spec: TaskSpec;
  grid: number;
  size: number;
  epochs: number;
  batchSize: number;
  learningRate: number;
  seed: number;
  loss?: LossWeights;
}

export interface TrainStep {
  step: number;
  epoch: number;
  loss: number;
}

function batchTensors(slices: TrainingSlice[], o: TrainOptions, dim: number) {
  const B = slices.length;
  const C = o.spec.channels.length;
  const S = o.size;
  const f = new Float32Array(B * o.grid * o.grid * dim);
  const t = new Float32Array(B * S * S * C);
  const w = new Float32Array(B * S * S * C);
  slices.forEach((s, i) => {
    f.set(s.features, i * o.grid * o.grid * dim);
    t.set(s.targets, i * S * S * C);
    // Pixel weights repeated per channel: the loss then multiplies equal shapes only.
    for (let p = 0; p < S * S; p++) w.fill(s.weights[p], (i * S * S + p) * C, (i * S * S + p + 1) * C);
  });
  return {
    features: tf.tensor4d(f, [B, o.grid, o.grid, dim]),
    targets: tf.tensor4d(t, [B, S, S, C]),
    weights: tf.tensor4d(w, [B, S, S, C]),
  };
}

export async function* trainHead(head: LinearHead, data: TrainingSlice[], o: TrainOptions): AsyncGenerator<TrainStep> {
  const optimizer = tf.train.adam(o.learningRate);
  // Slices that fill the input (an axial BraTS slice) have no padding: the loss then masks nothing.
  const padded = data.some((s) => s.weights.some((v) => v === 0));
  const rand = mulberry32(o.seed);
  let step = 0;
  try {
    for (let epoch = 0; epoch < o.epochs; epoch++) {
      const order = data.map((_, i) => i);
      for (let i = order.length - 1; i > 0; i--) {
        const j = Math.floor(rand() * (i + 1));
        [order[i], order[j]] = [order[j], order[i]];
      }
      for (let b = 0; b < order.length; b += o.batchSize) {
        const batch = batchTensors(order.slice(b, b + o.batchSize).map((i) => data[i]), o, head.dim);
        const cost = optimizer.minimize(
          () => segmentationLoss(o.spec, upsample(head.logits(batch.features), o.size), batch.targets, padded ? batch.weights : null, o.loss ?? DEFAULT_LOSS),
          true,
          [head.weights, head.bias],
        )!;
        const loss = (await cost.data())[0];
        tf.dispose([cost, batch.features, batch.targets, batch.weights]);
        yield { step: ++step, epoch, loss };
      }
    }
  } finally {
    optimizer.dispose();
  }
}

/** Per-pixel predictions [S*S*C] in 0/1 for one slice: sigmoid > 0.5, or softmax arg-max. */
export function predictSlice(head: LinearHead, spec: TaskSpec, features: Float32Array, grid: number, size: number): Uint8Array {
  return tf.tidy(() => {
    const logits = upsample(head.logits(tf.tensor4d(features, [1, grid, grid, head.dim])), size);
    const C = spec.channels.length;
    if (spec.activation === 'sigmoid') return Uint8Array.from(tf.greater(logits, 0).dataSync());
    const arg = tf.argMax(logits, -1).dataSync();
    const out = new Uint8Array(arg.length * C);
    arg.forEach((c, i) => (out[i * C + c] = 1));
    return out;
  });
}

/** Dice per output channel over the validation slices (in-slice pixels only), with the studio's one diceScore. */
export function validationDice(head: LinearHead, data: TrainingSlice[], o: Pick<TrainOptions, 'spec' | 'grid' | 'size'>): number[] {
  const C = o.spec.channels.length;
  const preds: number[][] = Array.from({ length: C }, () => []);
  const truth: number[][] = Array.from({ length: C }, () => []);
  for (const s of data) {
    const p = predictSlice(head, o.spec, s.features, o.grid, o.size);
    for (let i = 0; i < o.size * o.size; i++) {
      if (!s.weights[i]) continue;
      for (let c = 0; c < C; c++) {
        preds[c].push(p[i * C + c]);
        truth[c].push(s.targets[i * C + c]);
      }
    }
  }
  return preds.map((p, c) => diceScore(p, truth[c]));
}

