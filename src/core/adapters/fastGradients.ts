/**
 * Matrix-product gradients for training through the backbone on TensorFlow.js's wasm backend.
 * tfjs-core's own gradient of a product takes transposed products (matMul(dy, b, false, true)),
 * which tfjs-wasm runs outside XNNPACK's fast path (model.ts measured ~10x slower for attention);
 * here the operand is transposed explicitly first, a cheap copy, and the product is a plain one.
 * The same four cases as tfjs-core's BatchMatMul_grad, the same results.
 */
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-core/dist/register_all_gradients';

/** The last two axes swapped. */
export function swapLast(t: tf.Tensor): tf.Tensor {
  const perm = t.shape.map((_, i) => i);
  [perm[t.rank - 2], perm[t.rank - 1]] = [perm[t.rank - 1], perm[t.rank - 2]];
  return tf.transpose(t, perm);
}

/** matMul(a, b, transposeA, transposeB) as a plain product of explicitly transposed operands. */
export function plainMatMul(a: tf.Tensor, b: tf.Tensor, transposeA = false, transposeB = false): tf.Tensor {
  return tf.matMul(transposeA ? swapLast(a) : a, transposeB ? swapLast(b) : b);
}

tf.registerGradient({
  kernelName: tf.BatchMatMul,
  inputsToSave: ['a', 'b'],
  gradFunc: (dy, saved, attrs) => {
    const [a, b] = saved;
    const { transposeA, transposeB } = attrs as unknown as { transposeA: boolean; transposeB: boolean };
    const g = dy as tf.Tensor;
    if (!transposeA && !transposeB) return { a: () => plainMatMul(g, b, false, true), b: () => plainMatMul(a, g, true, false) };
    if (!transposeA && transposeB) return { a: () => plainMatMul(g, b), b: () => plainMatMul(g, a, true, false) };
    if (transposeA && !transposeB) return { a: () => plainMatMul(b, g, false, true), b: () => plainMatMul(a, g) };
    return { a: () => plainMatMul(b, g, true, true), b: () => plainMatMul(g, a, true, true) };
  },
});
