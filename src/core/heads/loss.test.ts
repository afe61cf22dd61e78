import { expect, it } from 'vitest';
import { mulberry32 } from '../synthetic/random.ts';
import { segmentationLoss } from './loss.ts';
import { taskSpec, type Task } from './tasks.ts';

it('BCE + soft Dice match a hand computation, and padding pixels do not count', () => {
  // Two pixels, one channel: an in-slice pixel with logit 0 and target 1, a padding pixel (weight 0, target 0) with logit 5.
  const logits = Float32Array.of(0, 5);
  const targets = Float32Array.of(1, 0);
  const weights = Float32Array.of(1, 0);
  // BCE = log 2; p = 0.5, soft Dice = (2 * 0.5 + 1) / (0.5 + 1 + 1) = 0.8, so Dice loss = 0.2
  expect(segmentationLoss(taskSpec('binary'), logits, targets, weights).loss).toBeCloseTo(Math.log(2) + 0.2, 6);
  expect(segmentationLoss(taskSpec('binary'), logits, targets, weights, { crossEntropy: 0, dice: 1 }).loss).toBeCloseTo(0.2, 6);
  // d BCE / dx = p - t = -0.5; d Dice loss / dp = -(2t D - N) / D^2 = -(2 * 2.5 - 2) / 6.25 = -0.48, times p(1 - p) = 0.25
  const { gradient } = segmentationLoss(taskSpec('binary'), logits, targets, weights);
  expect(gradient[0]).toBeCloseTo(-0.5 - 0.12, 6);
  expect(gradient[1]).toBe(0); // padding
});

it('softmax cross-entropy over labels', () => {
  // One pixel, 4 classes, logits [0, 0, 0, ln 3]: p(ET) = 3/6 = 0.5; target ET.
  const r = segmentationLoss(taskSpec('labels'), Float32Array.of(0, 0, 0, Math.log(3)), Float32Array.of(0, 0, 0, 1), null, { crossEntropy: 1, dice: 0 });
  expect(r.loss).toBeCloseTo(Math.log(2), 6);
  // d CE / dx = p - t
  [1 / 6, 1 / 6, 1 / 6, -0.5].forEach((g, i) => expect(r.gradient[i]).toBeCloseTo(g, 6));
});

it.each<Task>(['regions', 'labels'])('the %s gradient matches central finite differences', (task) => {
  const spec = taskSpec(task);
  const C = spec.channels.length;
  const N = 40;
  const rand = mulberry32(5);
  const logits = Float32Array.from({ length: N * C }, () => (rand() - 0.5) * 6);
  const weights = Float32Array.from({ length: N }, (_, n) => (n % 7 === 6 ? 0 : 1));
  const targets = new Float32Array(N * C);
  for (let n = 0; n < N; n++) {
    if (!weights[n]) continue;
    if (spec.activation === 'softmax') targets[n * C + Math.floor(rand() * C)] = 1;
    else for (let c = 0; c < C; c++) targets[n * C + c] = rand() < 0.4 ? 1 : 0;
  }
  const w = { crossEntropy: 0.7, dice: 1.3 };
  const { gradient } = segmentationLoss(spec, logits, targets, weights, w);
  const h = 1e-2;
  for (let i = 0; i < logits.length; i++) {
    const at = (d: number) => {
      const x = Float32Array.from(logits);
      x[i] += d;
      return segmentationLoss(spec, x, targets, weights, w).loss;
    };
    expect(gradient[i]).toBeCloseTo((at(h) - at(-h)) / (2 * h), 4);
  }
});
