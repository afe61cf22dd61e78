/**
 * Checks a tape's gradients against central finite differences, at the first, middle and last
 * entry of every variable: an independent truth for any adapter's backward pass.
 */
import * as tf from '@tensorflow/tfjs-core';
import { expect } from 'vitest';

export function expectGradientsMatchFiniteDifferences(loss: () => tf.Scalar, variables: tf.Variable[], eps = 1e-2): number {
  const { grads } = tf.variableGrads(loss, variables);
  let checked = 0;
  for (const v of variables) {
    const g = grads[v.name].dataSync();
    const values = v.dataSync().slice();
    for (const i of [0, Math.floor(values.length / 2), values.length - 1]) {
      const at = (d: number) => {
        const moved = values.slice();
        moved[i] += d;
        v.assign(tf.tensor(moved, v.shape));
        return tf.tidy(() => loss().dataSync()[0]);
      };
      const numeric = (at(eps) - at(-eps)) / (2 * eps);
      v.assign(tf.tensor(values, v.shape));
      expect(Math.abs(g[i] - numeric), `${v.name}[${i}]: ${g[i]} vs ${numeric}`).toBeLessThan(2e-3 + 2e-2 * Math.abs(numeric));
      checked++;
    }
  }
  tf.dispose(Object.values(grads));
  return checked;
}
