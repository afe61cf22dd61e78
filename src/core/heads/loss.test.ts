import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, expect, it } from 'vitest';
import { useNodeBackend } from '../../cli/tfNode.ts';
import { segmentationLoss } from './loss.ts';
import { taskSpec } from './tasks.ts';

beforeAll(() => useNodeBackend('wasm'));

it('BCE + soft Dice match a hand computation, and padding pixels do not count', () => {
  // Two pixels, one channel: an in-slice pixel with logit 0 and target 1, a padding pixel (weight 0, target 0) with logit 5.
  const logits = tf.tensor4d([0, 5], [1, 1, 2, 1]);
  const targets = tf.tensor4d([1, 0], [1, 1, 2, 1]);
  const weights = tf.tensor4d([1, 0], [1, 1, 2, 1]);
  const loss = segmentationLoss(taskSpec('binary'), logits, targets, weights).dataSync()[0];
  // BCE = log 2; p = 0.5, soft Dice = (2 * 0.5 + 1) / (0.5 + 1 + 1) = 0.8, so Dice loss = 0.2
  expect(loss).toBeCloseTo(Math.log(2) + 0.2, 5);
  const onlyDice = segmentationLoss(taskSpec('binary'), logits, targets, weights, { crossEntropy: 0, dice: 1 }).dataSync()[0];
  expect(onlyDice).toBeCloseTo(0.2, 5);
});

it('softmax cross-entropy over labels', () => {
  // One pixel, 4 classes, logits [0, 0, 0, ln 3]: p(ET) = 3/6 = 0.5; target ET.
  const logits = tf.tensor4d([0, 0, 0, Math.log(3)], [1, 1, 1, 4]);
  const targets = tf.tensor4d([0, 0, 0, 1], [1, 1, 1, 4]);
  const weights = tf.tensor4d([1, 1, 1, 1], [1, 1, 1, 4]);
  const ce = segmentationLoss(taskSpec('labels'), logits, targets, weights, { crossEntropy: 1, dice: 0 }).dataSync()[0];
  expect(ce).toBeCloseTo(Math.log(2), 5);
});
