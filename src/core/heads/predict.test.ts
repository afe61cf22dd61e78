import { expect, it } from 'vitest';
import { sliceGeometry } from '../features/slices.ts';
import { createLinearHead } from './linearHead.ts';
import { predictSliceLabels, uncertaintyOf, uncertaintyOfProbabilities } from './predict.ts';
import { taskSpec } from './tasks.ts';

it("the linear probe makes its labels through the hierarchy when its settings say so, as the voxel heads do", () => {
  // One feature, always 1; biases alone set the logits: WT -1, TC -1, ET +1 (enhancing outside the tumour).
  const head = createLinearHead(1, 3, 0, { weights: [0, 0, 0], bias: [-1, -1, 1] });
  const g = sliceGeometry([28, 28, 2], [1, 1, 1], 'axial', 28);
  const features = new Float32Array(g.grid * g.grid).fill(1);
  const flat = predictSliceLabels(head, taskSpec('regions'), g, features);
  const nested = predictSliceLabels(head, taskSpec('regions', { hierarchy: true }), g, features);
  expect(new Set(flat)).toEqual(new Set([4]));
  expect(new Set(nested)).toEqual(new Set([0]));
});

it('one uncertainty rule: on logits (linear probe) and on probabilities (voxel heads) it gives the same, hand-checked values', () => {
  const regions = taskSpec('regions');
  const labels = taskSpec('labels');
  // Sigmoid: a logit of 0 is p = 0.5, a coin toss (1 bit); the worst channel counts.
  expect(uncertaintyOf(regions, Float32Array.of(5, 0, -5), 0)).toBeCloseTo(1, 10);
  expect(uncertaintyOfProbabilities(regions, [0.99, 0.5, 0.01], 0)).toBeCloseTo(1, 10);
  // p = 1/(1 + e^-2) = 0.8808: H = 0.8808 x 0.1831 + 0.1192 x 3.0686 = 0.5271 bits, by hand.
  expect(uncertaintyOf(regions, Float32Array.of(2, 20, -20), 0)).toBeCloseTo(0.5271, 4);
  // Softmax: four equal logits are uniform, entropy log 4 over log 4 = 1; one sure class is 0.
  expect(uncertaintyOf(labels, Float32Array.of(3, 3, 3, 3), 0)).toBeCloseTo(1, 10);
  expect(uncertaintyOfProbabilities(labels, [1, 0, 0, 0], 0)).toBe(0);
  // (0.5, 0.5, 0, 0): ln 2 / ln 4 = 0.5.
  expect(uncertaintyOfProbabilities(labels, [0.5, 0.5, 0, 0], 0)).toBeCloseTo(0.5, 10);
  expect(uncertaintyOf(labels, Float32Array.of(0, 0, -200, -200), 0)).toBeCloseTo(0.5, 10);
});
