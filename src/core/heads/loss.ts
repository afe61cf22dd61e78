/**
 * Cross-entropy (binary for sigmoid outputs) + soft Dice on pixel logits, with its gradient.
 *
 * Written by hand rather than with TensorFlow.js autodiff: the loss is a dozen elementwise passes
 * over B x 224 x 224 x C values, which on WebAssembly cost ~85 ms a step as separate kernels and
 * far less as the fused loops below; the head itself is too small to need an accelerator.
 */
import type { TaskSpec } from './tasks.ts';

export interface LossWeights {
  crossEntropy: number;
  dice: number;
}

export const DEFAULT_LOSS: LossWeights = { crossEntropy: 1, dice: 1 };

export interface LossAndGradient {
  loss: number;
  /** d loss / d logits, same layout as the logits. */
  gradient: Float32Array;
}

/** What the forward pass leaves for the loss and the backward pass. */
interface Forward {
  /** probabilities, unmasked, laid out as the logits */
  p: Float32Array;
  /** summed cross-entropy of in-slice pixels (over channels too, for BCE) */
  ce: number;
  /** per channel, over in-slice pixels: sum p t, sum p; and sum t */
  inter: Float64Array;
  predSum: Float64Array;
  truthSum: Float64Array;
}

/**
 * logits, targets: [N, C] for N pixels (any number of slices end to end); weights: [N], 1 in the
 * slice and 0 in the padding (where targets are 0 too, see sliceTargets), or null for none.
 * Cross-entropy is averaged over in-slice pixels (and channels, for BCE); soft Dice
 * (2 I + 1) / (P + T + 1) is per channel over all N pixels, averaged over channels.
 */
export function segmentationLoss(spec: TaskSpec, logits: Float32Array, targets: Float32Array, weights: Float32Array | null, w: LossWeights = DEFAULT_LOSS): LossAndGradient {
  const C = spec.channels.length;
  const sigmoid = spec.activation === 'sigmoid';
  const f = (sigmoid ? sigmoidForward : softmaxForward)(logits, targets, weights, C);
  let pixels = logits.length / C;
  if (weights) pixels = weights.reduce((s, m) => s + m, 0);
  const ceScale = w.crossEntropy / (Math.max(pixels, 1) * (sigmoid ? C : 1));
  // d(mean Dice loss) / d(masked p) = -(1/C) (2 t D - Nm) / D^2 = a_c t + b_c
  let dice = 0;
  const a = new Float64Array(C);
  const b = new Float64Array(C);
  for (let c = 0; c < C; c++) {
    const num = 2 * f.inter[c] + 1;
    const den = f.predSum[c] + f.truthSum[c] + 1;
    dice += num / den;
    a[c] = (-w.dice / C) * (2 / den);
    b[c] = (w.dice / C) * (num / (den * den));
  }
  const loss = f.ce * ceScale + w.dice * (1 - dice / C);
  const gradient = (sigmoid ? sigmoidBackward : softmaxBackward)(f.p, targets, weights, C, ceScale, a, b);
  return { loss, gradient };
}

/**
 * Channel-major with scalar accumulators, and log1p(e^-|x|) summed as the log of a running
 * product (each factor is in (1, 2], so 512 of them stay finite): one logarithm per 512 values
 * instead of one each.
 */
function sigmoidForward(logits: Float32Array, targets: Float32Array, weights: Float32Array | null, C: number): Forward {
  const N = logits.length / C;
  const f: Forward = { p: new Float32Array(logits.length), ce: 0, inter: new Float64Array(C), predSum: new Float64Array(C), truthSum: new Float64Array(C) };
  // Locals and no branches on the mask in the loops: V8 compiles these ~3x faster than with a
  // nullable mask tested per pixel or properties read per element.
  const p = f.p;
  const m = weights ?? ones(N);
  for (let c = 0; c < C; c++) {
    let inter = 0, predSum = 0, truthSum = 0, linear = 0, product = 1, count = 0;
    for (let n = 0, k = c; n < N; n++, k += C) {
      const x = logits[k];
      const t = targets[k];
      const w = m[n];
      const e = Math.exp(-Math.abs(x));
      const q = x >= 0 ? 1 / (1 + e) : e / (1 + e);
      p[k] = q;
      truthSum += t;
      inter += w * q * t;
      predSum += w * q;
      // softplus(x) - x t = max(x, 0) - x t + log1p(e^-|x|); padding pixels add 0 and multiply by 1
      linear += w * ((x > 0 ? x : 0) - x * t);
      product *= 1 + w * e;
      if (++count === 512) {
        f.ce += Math.log(product);
        product = 1;
        count = 0;
      }
    }
    f.ce += linear + Math.log(product);
    f.inter[c] = inter;
    f.predSum[c] = predSum;
    f.truthSum[c] = truthSum;
  }
  return f;
}

/** Overwrites p with the gradient: p is not needed after, and a fresh 5 MB array a step costs GC time. */
function sigmoidBackward(p: Float32Array, targets: Float32Array, weights: Float32Array | null, C: number, ceScale: number, a: Float64Array, b: Float64Array): Float32Array {
  const N = p.length / C;
  const g = p;
  const m = weights ?? ones(N);
  for (let c = 0; c < C; c++) {
    const ac = a[c];
    const bc = b[c];
    for (let n = 0, k = c; n < N; n++, k += C) {
      const q = p[k];
      const t = targets[k];
      g[k] = m[n] * (ceScale * (q - t) + (ac * t + bc) * q * (1 - q));
    }
  }
  return g;
}

let onesCache = new Float32Array(0);
function ones(n: number): Float32Array {
  if (onesCache.length < n) onesCache = new Float32Array(n).fill(1);
  return onesCache.subarray(0, n);
}

function softmaxForward(logits: Float32Array, targets: Float32Array, weights: Float32Array | null, C: number): Forward {
  const N = logits.length / C;
  const f: Forward = { p: new Float32Array(logits.length), ce: 0, inter: new Float64Array(C), predSum: new Float64Array(C), truthSum: new Float64Array(C) };
  for (let n = 0; n < N; n++) {
    const m = weights ? weights[n] : 1;
    const o = n * C;
    let max = -Infinity;
    for (let c = 0; c < C; c++) max = Math.max(max, logits[o + c]);
    let z = 0;
    for (let c = 0; c < C; c++) z += Math.exp(logits[o + c] - max);
    const logZ = Math.log(z) + max;
    for (let c = 0; c < C; c++) {
      const t = targets[o + c];
      const q = Math.exp(logits[o + c] - logZ);
      f.p[o + c] = q;
      if (t) f.ce -= t * (logits[o + c] - logZ); // t is 0 in the padding
      f.inter[c] += m * q * t;
      f.predSum[c] += m * q;
      f.truthSum[c] += t;
    }
  }
  return f;
}

/** Through the softmax Jacobian: dx_k = q_k (gp_k - sum_c gp_c q_c). */
function softmaxBackward(p: Float32Array, targets: Float32Array, weights: Float32Array | null, C: number, ceScale: number, a: Float64Array, b: Float64Array): Float32Array {
  const N = p.length / C;
  const g = new Float32Array(p.length);
  for (let n = 0; n < N; n++) {
    const m = weights ? weights[n] : 1;
    const o = n * C;
    let s = 0;
    let tSum = 0;
    for (let c = 0; c < C; c++) {
      s += m * (a[c] * targets[o + c] + b[c]) * p[o + c];
      tSum += targets[o + c];
    }
    for (let c = 0; c < C; c++) {
      const q = p[o + c];
      g[o + c] = ceScale * (tSum * q - targets[o + c]) + q * (m * (a[c] * targets[o + c] + b[c]) - s);
    }
  }
  return g;
}

/**
 * The same loss over weighted samples (voxels drawn at different rates, each weighted by the
 * inverse of its rate): cross-entropy is the weighted mean and the Dice sums are weighted, so both
 * estimate the loss over every voxel of the volumes sampled. logits, targets [N, C], weights [N].
 */
export function weightedSegmentationLoss(spec: TaskSpec, logits: Float32Array, targets: Float32Array, weights: Float32Array, w: LossWeights = DEFAULT_LOSS): LossAndGradient {
  const C = spec.channels.length;
  const N = weights.length;
  const sigmoid = spec.activation === 'sigmoid';
  const p = new Float32Array(logits.length);
  let ce = 0;
  let total = 0;
  const inter = new Float64Array(C);
  const predSum = new Float64Array(C);
  const truthSum = new Float64Array(C);
  for (let n = 0; n < N; n++) {
    const m = weights[n];
    total += m;
    const o = n * C;
    if (sigmoid) {
      for (let c = 0; c < C; c++) {
        const x = logits[o + c];
        const t = targets[o + c];
        const e = Math.exp(-Math.abs(x));
        p[o + c] = x >= 0 ? 1 / (1 + e) : e / (1 + e);
        ce += m * ((x > 0 ? x : 0) - x * t + Math.log1p(e));
      }
    } else {
      let max = -Infinity;
      for (let c = 0; c < C; c++) max = Math.max(max, logits[o + c]);
      let z = 0;
      for (let c = 0; c < C; c++) z += Math.exp(logits[o + c] - max);
      const logZ = Math.log(z) + max;
      for (let c = 0; c < C; c++) {
        p[o + c] = Math.exp(logits[o + c] - logZ);
        ce -= m * targets[o + c] * (logits[o + c] - logZ);
      }
    }
    for (let c = 0; c < C; c++) {
      inter[c] += m * p[o + c] * targets[o + c];
      predSum[c] += m * p[o + c];
      truthSum[c] += m * targets[o + c];
    }
  }
  const ceScale = w.crossEntropy / (Math.max(total, 1e-12) * (sigmoid ? C : 1));
  let dice = 0;
  const a = new Float64Array(C);
  const b = new Float64Array(C);
  for (let c = 0; c < C; c++) {
    const num = 2 * inter[c] + 1;
    const den = predSum[c] + truthSum[c] + 1;
    dice += num / den;
    a[c] = (-w.dice / C) * (2 / den);
    b[c] = (w.dice / C) * (num / (den * den));
  }
  const loss = ce * ceScale + w.dice * (1 - dice / C);
  const g = new Float32Array(logits.length);
  for (let n = 0; n < N; n++) {
    const m = weights[n];
    const o = n * C;
    if (sigmoid) {
      for (let c = 0; c < C; c++) {
        const q = p[o + c];
        const t = targets[o + c];
        g[o + c] = m * (ceScale * (q - t) + (a[c] * t + b[c]) * q * (1 - q));
      }
    } else {
      let s = 0;
      let tSum = 0;
      for (let c = 0; c < C; c++) {
        s += (a[c] * targets[o + c] + b[c]) * p[o + c];
        tSum += targets[o + c];
      }
      for (let c = 0; c < C; c++) {
        const q = p[o + c];
        g[o + c] = m * (ceScale * (tSum * q - targets[o + c]) + q * (a[c] * targets[o + c] + b[c] - s));
      }
    }
  }
  return { loss, gradient: g };
}
