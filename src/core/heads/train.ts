/**
 * Training a head on cached patch features: Adam on mini-batches of slices, seeded, so the same
 * settings give the same numbers. Yields after each step so callers can report, pause or stop.
 * Logits on the patch grid are upsampled bilinearly to the input's pixels before the loss.
 */
import { diceScore } from '../metrics/dice.ts';
import { mulberry32 } from '../synthetic/random.ts';
import { adam } from './adam.ts';
import type { LinearHead } from './linearHead.ts';
import { DEFAULT_LOSS, type LossWeights, segmentationLoss } from './loss.ts';
import { downsampleGradient, upsampleBilinear } from './resize.ts';
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

/** Logits of one slice at the input's pixels [S*S*C]. */
export function pixelLogits(head: LinearHead, features: Float32Array, grid: number, size: number, out?: Float32Array): Float32Array {
  return upsampleBilinear(head.logits(features), grid, size, head.channels, out);
}

/** Batch buffers kept from step to step: fresh multi-megabyte arrays each step cost GC time. */
export class Workspace {
  private buffers = new Map<string, Float32Array>();
  get(name: string, length: number): Float32Array {
    let b = this.buffers.get(name);
    if (!b || b.length < length) this.buffers.set(name, (b = new Float32Array(length)));
    return b.subarray(0, length);
  }
}

/**
 * One step's loss and parameter gradients over a batch; Dice sums run over the whole batch. With
 * `featureGradients` [batch * grid * grid * D] it also gives d loss / d features, for a backbone
 * trained through the head (adapters/).
 */
export function batchGradients(head: LinearHead, batch: TrainingSlice[], o: Pick<TrainOptions, 'spec' | 'grid' | 'size' | 'loss'>, work = new Workspace(), featureGradients?: Float32Array) {
  const C = head.channels;
  const px = o.size * o.size;
  const logits = work.get('logits', batch.length * px * C);
  const targets = work.get('targets', batch.length * px * C);
  const padded = batch.some((s) => s.weights.includes(0));
  const weights = padded ? work.get('weights', batch.length * px) : null;
  batch.forEach((s, i) => {
    pixelLogits(head, s.features, o.grid, o.size, logits.subarray(i * px * C, (i + 1) * px * C));
    targets.set(s.targets, i * px * C);
    weights?.set(s.weights, i * px);
  });
  const { loss, gradient } = segmentationLoss(o.spec, logits, targets, weights, o.loss ?? DEFAULT_LOSS);
  const gradWeights = new Float32Array(head.weights.length);
  const gradBias = new Float32Array(head.bias.length);
  batch.forEach((s, i) => {
    const onGrid = downsampleGradient(gradient.subarray(i * px * C, (i + 1) * px * C), o.grid, o.size, C);
    head.backward(s.features, onGrid, gradWeights, gradBias);
    if (featureGradients) featureGradient(head, onGrid, featureGradients.subarray(i * s.features.length, (i + 1) * s.features.length));
  });
  return { loss, gradWeights, gradBias };
}

/** d loss / d features [P, D] = d loss / d logits [P, C] times the head's weights [D, C] transposed. */
function featureGradient(head: LinearHead, gradLogits: Float32Array, out: Float32Array): void {
  const { dim: D, channels: C, weights: w } = head;
  const P = gradLogits.length / C;
  for (let p = 0; p < P; p++) {
    for (let d = 0; d < D; d++) {
      let s = 0;
      for (let c = 0; c < C; c++) s += gradLogits[p * C + c] * w[d * C + c];
      out[p * D + d] = s;
    }
  }
}

/** A seeded Fisher-Yates shuffle of 0..n-1: every trainer draws its epochs this way, so a seed means the same order everywhere. */
export function epochOrder(n: number, rand: () => number): number[] {
  const order = Array.from({ length: n }, (_, i) => i);
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(rand() * (i + 1));
    [order[i], order[j]] = [order[j], order[i]];
  }
  return order;
}

export async function* trainHead(head: LinearHead, data: TrainingSlice[], o: TrainOptions): AsyncGenerator<TrainStep> {
  const optimizer = adam(o.learningRate);
  const work = new Workspace();
  const rand = mulberry32(o.seed);
  let step = 0;
  for (let epoch = 0; epoch < o.epochs; epoch++) {
    const order = epochOrder(data.length, rand);
    for (let b = 0; b < order.length; b += o.batchSize) {
      const batch = order.slice(b, b + o.batchSize).map((i) => data[i]);
      const { loss, gradWeights, gradBias } = batchGradients(head, batch, o, work);
      optimizer.step([head.weights, head.bias], [gradWeights, gradBias]);
      yield { step: ++step, epoch, loss };
    }
  }
}

/** Per-pixel predictions [S*S*C] in 0/1 for one slice: sigmoid > 0.5, or softmax arg-max. */
export function predictSlice(head: LinearHead, spec: TaskSpec, features: Float32Array, grid: number, size: number): Uint8Array {
  const logits = pixelLogits(head, features, grid, size);
  const C = spec.channels.length;
  const out = new Uint8Array(logits.length);
  for (let i = 0; i < size * size; i++) {
    if (spec.activation === 'sigmoid') {
      for (let c = 0; c < C; c++) out[i * C + c] = logits[i * C + c] > 0 ? 1 : 0;
    } else {
      let best = 0;
      for (let c = 1; c < C; c++) if (logits[i * C + c] > logits[i * C + best]) best = c;
      out[i * C + best] = 1;
    }
  }
  return out;
}

/** Dice per output channel over the validation slices (in-slice pixels only), with the studio's one diceScore. */
export function validationDice(head: LinearHead, data: TrainingSlice[], o: Pick<TrainOptions, 'spec' | 'grid' | 'size'>): (number | null)[] {
  const C = o.spec.channels.length;
  const px = o.size * o.size;
  const inSlice = data.reduce((n, s) => n + s.weights.reduce((a, w) => a + (w ? 1 : 0), 0), 0);
  const preds = Array.from({ length: C }, () => new Uint8Array(inSlice));
  const truth = Array.from({ length: C }, () => new Uint8Array(inSlice));
  let n = 0;
  for (const s of data) {
    const p = predictSlice(head, o.spec, s.features, o.grid, o.size);
    for (let i = 0; i < px; i++) {
      if (!s.weights[i]) continue;
      for (let c = 0; c < C; c++) {
        preds[c][n] = p[i * C + c];
        truth[c][n] = s.targets[i * C + c];
      }
      n++;
    }
  }
  return preds.map((p, c) => diceScore(p, truth[c]));
}
