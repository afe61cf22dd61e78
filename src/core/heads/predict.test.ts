import { expect, it } from 'vitest';
import { sliceGeometry } from '../features/slices.ts';
import { createLinearHead } from './linearHead.ts';
import { predictSliceLabels } from './predict.ts';
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
