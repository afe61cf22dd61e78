/** Adam (Kingma & Ba), with TensorFlow.js's defaults, over the head's flat parameter arrays. */
export interface Adam {
  /** One update; `rate` scales the learning rate for this step (a schedule). */
  step(params: Float32Array[], gradients: Float32Array[], rate?: number): void;
}

export function adam(learningRate: number, beta1 = 0.9, beta2 = 0.999, epsilon = 1e-7): Adam {
  const m = new Map<Float32Array, Float64Array>();
  const v = new Map<Float32Array, Float64Array>();
  let t = 0;
  return {
    step(params, gradients, rate = 1) {
      t++;
      const lr = learningRate * rate;
      const [c1, c2] = [1 - beta1 ** t, 1 - beta2 ** t];
      params.forEach((p, j) => {
        const g = gradients[j];
        if (!m.has(p)) {
          m.set(p, new Float64Array(p.length));
          v.set(p, new Float64Array(p.length));
        }
        const mp = m.get(p)!;
        const vp = v.get(p)!;
        for (let i = 0; i < p.length; i++) {
          mp[i] = beta1 * mp[i] + (1 - beta1) * g[i];
          vp[i] = beta2 * vp[i] + (1 - beta2) * g[i] * g[i];
          // epsilon on the bias-corrected root, as in the paper, PyTorch and TensorFlow.js
          p[i] -= (lr * (mp[i] / c1)) / (Math.sqrt(vp[i] / c2) + epsilon);
        }
      });
    },
  };
}
