import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-core/dist/register_all_gradients';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { useNodeBackend } from '../../cli/tfNode.ts';
import { mulberry32 } from '../synthetic/random.ts';
import { ATTENTION, attachSimdKernels, GELU, LAYER_NORM, PATCHIFY, SCALED_ADD, setSimdKernels, simdKernelsOn } from './simdKernels.ts';

beforeAll(async () => {
  await useNodeBackend('wasm');
  expect((await attachSimdKernels()).attached).toBe(true);
});
afterAll(() => setSimdKernels(true));

const run = (kernel: string, inputs: Record<string, tf.Tensor>, attrs: Record<string, number> = {}) =>
  tf.engine().runKernel(kernel, inputs as unknown as tf.NamedTensorMap, attrs) as tf.Tensor;

function randoms(n: number, seed: number, scale = 1): Float32Array {
  const rand = mulberry32(seed);
  return Float32Array.from({ length: n }, () => (rand() * 2 - 1) * scale);
}

/** erf in double: its Maclaurin series (exact to ~1e-11 on [-4, 4]), and ±1 past it (erfc(4) = 1.5e-8). */
function erf(x: number): number {
  if (Math.abs(x) > 4) return Math.sign(x);
  let term = x;
  let sum = x;
  for (let n = 1; n < 80; n++) {
    term *= (-x * x) / n;
    sum += term / (2 * n + 1);
  }
  return (2 / Math.sqrt(Math.PI)) * sum;
}

describe('fused SIMD kernels on the wasm backend, against double-precision maths', () => {
  it('GELU matches x (1 + erf(x / √2)) / 2, a tail of 3 elements included', () => {
    const xs = Float32Array.from({ length: 1003 }, (_, i) => -9 + (18 * i) / 1002);
    const y = run(GELU, { x: tf.tensor1d(xs) }).dataSync();
    let worst = 0;
    xs.forEach((x, i) => (worst = Math.max(worst, Math.abs(y[i] - 0.5 * x * (1 + erf(x / Math.SQRT2))) / Math.max(1, Math.abs(x)))));
    expect(worst).toBeLessThan(1e-6);
    expect(erf(1)).toBeCloseTo(0.8427007929497149, 12); // the reference itself, against a table value
  });

  it.each([384, 22])('layer norm over rows of %i (mean 0, variance 1, then scale and shift)', (dim) => {
    const rows = 5;
    const x = randoms(rows * dim, 1, 3);
    const w = randoms(dim, 2);
    const b = randoms(dim, 3);
    const eps = 1e-6;
    const y = run(LAYER_NORM, { x: tf.tensor2d(x, [rows, dim]), weight: tf.tensor1d(w), bias: tf.tensor1d(b) }, { eps }).dataSync();
    for (let r = 0; r < rows; r++) {
      const row = Array.from(x.subarray(r * dim, (r + 1) * dim));
      const mean = row.reduce((a, v) => a + v, 0) / dim;
      const variance = row.reduce((a, v) => a + (v - mean) ** 2, 0) / dim;
      row.forEach((v, i) => expect(y[r * dim + i]).toBeCloseTo(((v - mean) / Math.sqrt(variance + eps)) * w[i] + b[i], 5));
    }
  });

  // Token counts that are not multiples of the 4-row and 8-column blocks; head sizes with and without a 4-wide tail.
  it.each([
    { batch: 2, tokens: 19, heads: 3, headDim: 12 },
    { batch: 1, tokens: 37, heads: 2, headDim: 16 },
    { batch: 1, tokens: 5, heads: 1, headDim: 4 },
  ])('attention of every head from qkv rows: $batch x $tokens tokens, $heads heads of $headDim', ({ batch, tokens, heads, headDim }) => {
    const D = heads * headDim;
    const qkv = randoms(batch * tokens * 3 * D, 7, 2);
    const y = run(ATTENTION, { qkv: tf.tensor2d(qkv, [batch * tokens, 3 * D]) }, { batch, heads }).dataSync();
    expect(y.length).toBe(batch * tokens * D);
    const at = (b: number, t: number, part: number, h: number, d: number) => qkv[(b * tokens + t) * 3 * D + part * D + h * headDim + d];
    let worst = 0;
    for (let b = 0; b < batch; b++)
      for (let h = 0; h < heads; h++)
        for (let i = 0; i < tokens; i++) {
          const scores = Array.from({ length: tokens }, (_, j) => {
            let s = 0;
            for (let d = 0; d < headDim; d++) s += at(b, i, 0, h, d) * at(b, j, 1, h, d);
            return s / Math.sqrt(headDim);
          });
          const max = Math.max(...scores);
          const e = scores.map((s) => Math.exp(s - max));
          const total = e.reduce((a, v) => a + v, 0);
          for (let d = 0; d < headDim; d++) {
            const want = e.reduce((a, p, j) => a + (p / total) * at(b, j, 2, h, d), 0);
            worst = Math.max(worst, Math.abs(y[(b * tokens + i) * D + h * headDim + d] - want));
          }
        }
    expect(worst).toBeLessThan(1e-5);
  });

  it('scaled add is x + y * gamma, row by row, a tail of 2 included', () => {
    const [rows, dim] = [3, 10];
    const [x, y, g] = [randoms(rows * dim, 11), randoms(rows * dim, 12), randoms(dim, 13)];
    const out = run(SCALED_ADD, { x: tf.tensor2d(x, [rows, dim]), y: tf.tensor2d(y, [rows, dim]), gamma: tf.tensor1d(g) }).dataSync();
    out.forEach((v, i) => expect(v).toBeCloseTo(x[i] + y[i] * g[i % dim], 6));
  });

  it('patchify gives the rows the generic 6-D transpose gives', () => {
    const [B, H, W, p] = [2, 28, 42, 14];
    const pixels = tf.tensor4d(randoms(B * 3 * H * W, 9), [B, 3, H, W]);
    const want = tf.reshape(tf.transpose(tf.reshape(pixels, [B, 3, H / p, p, W / p, p]), [0, 2, 4, 1, 3, 5]), [(B * H * W) / (p * p), 3 * p * p]);
    const got = run(PATCHIFY, { pixels }, { patchSize: p });
    expect(got.shape).toEqual(want.shape);
    expect(Array.from(got.dataSync())).toEqual(Array.from(want.dataSync()));
  });

  it('are off under a gradient tape (they have no gradients) and when turned off', () => {
    expect(simdKernelsOn()).toBe(true);
    let inside = true;
    tf.grad((x: tf.Tensor) => ((inside = simdKernelsOn()), tf.sum(tf.square(x))))(tf.scalar(2));
    expect(inside).toBe(false);
    setSimdKernels(false);
    expect(simdKernelsOn()).toBe(false);
    setSimdKernels(true);
  });
});
