/**
 * Fitting a head to scribble samples: Adam on the class-weighted cross-entropy, the
 * studio's one segmentation loss with the Dice term off (Dice over a few scribbled pixels says
 * nothing about the region). Synchronous steps, so a caller can stop after any of them, e.g. to
 * show a first prediction within a time budget and go on refining.
 */
import { adam } from '../heads/adam.ts';
import type { LinearHead } from '../heads/linearHead.ts';
import { segmentationLoss } from '../heads/loss.ts';
import type { TaskSpec } from '../heads/tasks.ts';
import { mulberry32 } from '../synthetic/random.ts';
import type { ScribbleSamples } from './samples.ts';

export interface FitOptions {
  steps: number;
  learningRate: number;
  /** Samples a step, drawn at random (seeded); all of them when there are fewer. */
  batchSize?: number;
  seed?: number;
}

export function* fitScribbles(head: LinearHead, samples: ScribbleSamples, spec: TaskSpec, o: FitOptions): Generator<{ step: number; loss: number }> {
  if (samples.dim !== head.dim) throw new Error(`the head expects ${head.dim} features a patch; the samples have ${samples.dim}`);
  const optimizer = adam(o.learningRate);
  const { dim, features, targets } = samples;
  const C = head.channels;
  const N = samples.classes.length;
  // Mini-batches: a step over thousands of samples costs tens of ms in JavaScript, and a round
  // needs hundreds of steps.
  const B = Math.min(N, o.batchSize ?? 512);
  const batchFeatures = B < N ? new Float32Array(B * dim) : features;
  const batchTargets = B < N ? new Float32Array(B * C) : targets;
  const rand = mulberry32(o.seed ?? 0);
  for (let step = 1; step <= o.steps; step++) {
    if (B < N) {
      for (let b = 0; b < B; b++) {
        const n = Math.floor(rand() * N);
        batchFeatures.set(features.subarray(n * dim, (n + 1) * dim), b * dim);
        batchTargets.set(targets.subarray(n * C, (n + 1) * C), b * C);
      }
    }
    const logits = head.logits(batchFeatures);
    // Targets carry the class weights, so the mean cross-entropy is the weighted one.
    const { loss, gradient } = segmentationLoss(spec, logits, batchTargets, null, { crossEntropy: 1, dice: 0 });
    const gradWeights = new Float32Array(head.weights.length);
    const gradBias = new Float32Array(head.bias.length);
    head.backward(batchFeatures, gradient, gradWeights, gradBias);
    optimizer.step([head.weights, head.bias], [gradWeights, gradBias]);
    yield { step, loss };
  }
}
