import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, expect, it } from 'vitest';
import { useNodeBackend } from '../../cli/tfNode.ts';
import { mulberry32 } from '../synthetic/random.ts';
import { downsampleGradient, upsampleBilinear } from './resize.ts';

beforeAll(() => useNodeBackend('cpu'));

it('upsampling matches tf.image.resizeBilinear with half-pixel centres', () => {
  const [g, S, C] = [16, 224, 3];
  const rand = mulberry32(2);
  const grid = Float32Array.from({ length: g * g * C }, () => rand() * 2 - 1);
  const ours = upsampleBilinear(grid, g, S, C);
  const theirs = tf.image.resizeBilinear(tf.tensor4d(grid, [1, g, g, C]), [S, S], false, true).dataSync();
  let worst = 0;
  for (let i = 0; i < ours.length; i++) worst = Math.max(worst, Math.abs(ours[i] - theirs[i]));
  expect(worst).toBeLessThan(1e-6);
});

it('a constant grid upsamples to the same constant, edges included', () => {
  const up = upsampleBilinear(new Float32Array(4 * 4).fill(2.5), 4, 56, 1);
  expect(up.every((v) => Math.abs(v - 2.5) < 1e-6)).toBe(true);
});

it('the gradient pass is the transpose of upsampling: <U x, y> = <x, Ut y>', () => {
  const [g, S, C] = [5, 70, 2];
  const rand = mulberry32(9);
  const x = Float32Array.from({ length: g * g * C }, () => rand() - 0.5);
  const y = Float32Array.from({ length: S * S * C }, () => rand() - 0.5);
  const ux = upsampleBilinear(x, g, S, C);
  const uty = downsampleGradient(y, g, S, C);
  const dot = (a: Float32Array, b: Float32Array) => a.reduce((s, v, i) => s + v * b[i], 0);
  expect(dot(ux, y)).toBeCloseTo(dot(x, uty), 3);
});
