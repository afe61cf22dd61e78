import { expect, it } from 'vitest';
import { adam } from './adam.ts';

it('takes the steps of Kingma & Ba, computed by hand', () => {
  // f(x) = x^2 from x = 1, lr 0.05.
  const x = Float32Array.of(1);
  const a = adam(0.05);
  a.step([x], [Float32Array.of(2 * x[0])]);
  // m = 0.2, v = 0.004; bias-corrected 2 and 4: the first step is exactly lr.
  expect(x[0]).toBeCloseTo(0.95, 6);
  a.step([x], [Float32Array.of(2 * x[0])]);
  // g = 1.9: m = 0.37, v = 0.007606; m^ = 0.37 / 0.19 = 1.947368, sqrt(v^) = sqrt(0.007606 / 0.001999) = 1.950616
  expect(x[0]).toBeCloseTo(0.95 - (0.05 * 1.947368) / 1.950616, 6);
});

it('keeps separate moments per parameter array', () => {
  const [p, q] = [Float32Array.of(1), Float32Array.of(-3)];
  const a = adam(0.1);
  a.step([p, q], [Float32Array.of(5), Float32Array.of(-0.001)]);
  // Each first step is lr in the gradient's direction, whatever its size.
  expect(p[0]).toBeCloseTo(0.9, 5);
  expect(q[0]).toBeCloseTo(-2.9, 4);
});

it('scales one step by the schedule rate it is given, keeping the moments as they would be', () => {
  const [x, y] = [Float32Array.of(1), Float32Array.of(1)];
  const [a, b] = [adam(0.05), adam(0.05)];
  a.step([x], [Float32Array.of(2)]);
  b.step([y], [Float32Array.of(2)], 0.5);
  // first step: lr x rate in the gradient's direction
  expect(x[0]).toBeCloseTo(0.95, 6);
  expect(y[0]).toBeCloseTo(0.975, 6);
  // second step with the same gradient 1.9 on both: moments are the same, so are the steps at rate 1
  a.step([x], [Float32Array.of(1.9)]);
  b.step([y], [Float32Array.of(1.9)]);
  expect(0.95 - x[0]).toBeCloseTo(0.975 - y[0], 6);
  b.step([y], [Float32Array.of(0)], 0);
  expect(y[0]).toBeCloseTo(0.975 - (0.95 - x[0]), 6);
});
