/**
 * Cross-entropy (binary for sigmoid outputs) + soft Dice, on logits upsampled bilinearly from the
 * patch grid to the input's pixels (half-pixel centres: patch p's centre sits at pixel 14p + 7).
 * Pixels of the padding carry weight 0.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { TaskSpec } from './tasks.ts';

export interface LossWeights {
  crossEntropy: number;
  dice: number;
}

export const DEFAULT_LOSS: LossWeights = { crossEntropy: 1, dice: 1 };

export function upsample(logits: tf.Tensor4D, size: number): tf.Tensor4D {
  return tf.image.resizeBilinear(logits, [size, size], false, true);
}

/** Probabilities [.., C] from logits. */
export function activate(spec: TaskSpec, logits: tf.Tensor): tf.Tensor {
  return spec.activation === 'sigmoid' ? tf.sigmoid(logits) : tf.softmax(logits);
}

/**
 * logits, targets, weights: [B, S, S, C]; weights are 0 in the padding, where targets are 0 too
 * (sliceTargets), and repeated per channel. A scalar. Written for few full-size elementwise passes
 * of equal shapes: those, not the matMul, are what a step costs on WebAssembly, and a broadcast
 * multiply there is ~3x slower than a same-shape one.
 */
export function segmentationLoss(spec: TaskSpec, logits: tf.Tensor4D, targets: tf.Tensor4D, weights: tf.Tensor4D | null, w: LossWeights = DEFAULT_LOSS): tf.Scalar {
  return tf.tidy(() => {
    const C = spec.channels.length;
    // null weights: no padding in these slices, so no masking passes at all.
    const mask = (t: tf.Tensor) => (weights ? tf.mul(t, weights) : t);
    const total = weights ? tf.maximum(tf.div(tf.sum(weights), C), 1) : tf.scalar(logits.size / C); // in-slice pixels
    let ce: tf.Tensor;
    if (spec.activation === 'sigmoid') {
      // BCE with logits: softplus(x) - x t (tfjs's softplus is the stable form), over channels and in-slice pixels.
      const perPixel = tf.sub(tf.softplus(logits), tf.mul(logits, targets));
      ce = tf.div(tf.sum(mask(perPixel)), tf.mul(total, C));
    } else {
      ce = tf.div(tf.neg(tf.sum(tf.mul(targets, tf.logSoftmax(logits)))), total);
    }
    const p = mask(activate(spec, logits));
    const axes = [0, 1, 2];
    const inter = tf.sum(tf.mul(p, targets), axes);
    const dice = tf.div(tf.add(tf.mul(inter, 2), 1), tf.add(tf.add(tf.sum(p, axes), tf.sum(targets, axes)), 1));
    const diceLoss = tf.sub(1, tf.mean(dice));
    return tf.add(tf.mul(ce, w.crossEntropy), tf.mul(diceLoss, w.dice)) as tf.Scalar;
  });
}
