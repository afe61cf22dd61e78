/**
 * Fitting a head to scribble samples: full-batch Adam on the class-weighted cross-entropy, the
 * studio's one segmentation loss with the Dice term off (Dice over a few scribbled pixels says
 * nothing about the region). Synchronous steps, so a caller can stop after any of them, e.g. to
 * show a first prediction within a time budget and go on refining.
 */
import { adam } from '../heads/adam.ts';
import type { LinearHead } from '../heads/linearHead.ts';
import { segmentationLoss } from '../heads/loss.ts';
import type { TaskSpec } from '../heads/tasks.ts';
import type { ScribbleSamples } from './samples.ts';

export interface FitOptions {
  steps: number;
  learningRate: number;
}

export function* fitScribbles(head: LinearHead, samples: ScribbleSamples, spec: TaskSpec, o: FitOptions): Generator<{ step: number; loss: number }> {
  if (samples.dim !== head.dim) throw new Error(`the head expects ${head.dim} features a patch; the samples have ${samples.dim}`);
  const optimizer = adam(o.learningRate);
  for (let step = 1; step <= o.steps; step++) {
    const logits = head.logits(samples.features);
    // Targets carry the class weights, so the mean cross-entropy is the weighted one.
    const { loss, gradient } = segmentationLoss(spec, logits, samples.targets, null, { crossEntropy: 1, dice: 0 });
    const gradWeights = new Float32Array(head.weights.length);
    const gradBias = new Float32Array(head.bias.length);
    head.backward(samples.features, gradient, gradWeights, gradBias);
    optimizer.step([head.weights, head.bias], [gradWeights, gradBias]);
    yield { step, loss };
  }
}
