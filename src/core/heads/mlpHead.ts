/**
 * A small per-voxel network: standardised inputs -> dense layers with ReLU -> C logits. With no
 * hidden layer it is a linear (logistic) model of the same inputs. Plain arrays, like the linear
 * head: a few thousand weights, cheaper in JavaScript than a round trip to an accelerator.
 */
import { gaussian, mulberry32 } from '../synthetic/random.ts';

export interface Dense {
  /** [in, out], row-major */
  w: Float32Array;
  /** [out] */
  b: Float32Array;
  in: number;
  out: number;
}

export interface MlpHeadJSON {
  inputs: number;
  hidden: number[];
  channels: number;
  mean: number[];
  scale: number[];
  layers: { w: number[]; b: number[] }[];
}

export interface MlpHead {
  inputs: number;
  hidden: number[];
  channels: number;
  /** Input standardisation: x' = (x - mean) * scale, fitted on the training samples. */
  mean: Float32Array;
  scale: Float32Array;
  layers: Dense[];
}

export function createMlpHead(inputs: number, hidden: number[], channels: number, seed: number): MlpHead {
  const randn = gaussian(mulberry32(seed));
  const sizes = [inputs, ...hidden, channels];
  const layers = sizes.slice(1).map((out, i): Dense => {
    const fanIn = sizes[i];
    // He initialisation for ReLU layers; the output layer starts small so the first logits are ~0.
    const sd = i === sizes.length - 2 ? 0.01 : Math.sqrt(2 / fanIn);
    return { in: fanIn, out, w: Float32Array.from({ length: fanIn * out }, () => randn() * sd), b: new Float32Array(out) };
  });
  return { inputs, hidden, channels, mean: new Float32Array(inputs), scale: new Float32Array(inputs).fill(1), layers };
}

/** Mean and 1/sd per input column of rows [N, F], so every input starts on the same footing. */
export function fitStandardisation(head: MlpHead, rows: Float32Array, n: number): void {
  const F = head.inputs;
  const sum = new Float64Array(F);
  const sum2 = new Float64Array(F);
  for (let i = 0; i < n; i++) {
    for (let f = 0; f < F; f++) {
      const v = rows[i * F + f];
      sum[f] += v;
      sum2[f] += v * v;
    }
  }
  for (let f = 0; f < F; f++) {
    const m = sum[f] / Math.max(n, 1);
    const sd = Math.sqrt(Math.max(sum2[f] / Math.max(n, 1) - m * m, 0));
    head.mean[f] = m;
    head.scale[f] = sd > 1e-8 ? 1 / sd : 0;
  }
}

/** What backward needs of a forward pass: each layer's input (standardised inputs first). */
export interface Activations {
  n: number;
  inputs: Float32Array[];
  logits: Float32Array;
}

// Rows go four at a time, so each weight is read once for four voxels, with float64 sums: ~2x the
// speed of one row at a time in V8 (the head trains in plain JavaScript in the worker).
function dense(x: Float32Array, n: number, l: Dense, relu: boolean): Float32Array {
  const { w, b, in: I, out: O } = l;
  const out = new Float32Array(n * O);
  const acc = [0, 1, 2, 3].map(() => new Float64Array(O));
  const [a0, a1, a2, a3] = acc;
  for (let i = 0; i < n; i += 4) {
    const rows = Math.min(4, n - i);
    for (let j = 0; j < O; j++) a0[j] = a1[j] = a2[j] = a3[j] = b[j];
    const x0 = i * I;
    for (let k = 0; k < I; k++) {
      // Past the last row the missing ones count as 0.
      const v0 = x[x0 + k];
      const v1 = rows > 1 ? x[x0 + I + k] : 0;
      const v2 = rows > 2 ? x[x0 + 2 * I + k] : 0;
      const v3 = rows > 3 ? x[x0 + 3 * I + k] : 0;
      if (v0 === 0 && v1 === 0 && v2 === 0 && v3 === 0) continue;
      const wk = k * O;
      for (let j = 0; j < O; j++) {
        const wj = w[wk + j];
        a0[j] += v0 * wj;
        a1[j] += v1 * wj;
        a2[j] += v2 * wj;
        a3[j] += v3 * wj;
      }
    }
    for (let r = 0; r < rows; r++) {
      const a = acc[r];
      const o = (i + r) * O;
      for (let j = 0; j < O; j++) out[o + j] = relu && a[j] < 0 ? 0 : a[j];
    }
  }
  return out;
}

/** rows [n, inputs] (raw) -> logits [n, channels], keeping what backward needs. */
export function mlpForward(head: MlpHead, rows: Float32Array, n: number): Activations {
  const F = head.inputs;
  const x = new Float32Array(n * F);
  for (let i = 0; i < n * F; i++) {
    const f = i % F;
    x[i] = (rows[i] - head.mean[f]) * head.scale[f];
  }
  const inputs: Float32Array[] = [x];
  let h: Float32Array = x;
  head.layers.forEach((l, i) => {
    h = dense(h, n, l, i < head.layers.length - 1);
    if (i < head.layers.length - 1) inputs.push(h);
  });
  return { n, inputs, logits: h };
}

/** Gradients of every layer for d loss / d logits [n, channels]; ReLU's gate is read off its output. */
export function mlpBackward(head: MlpHead, a: Activations, gradLogits: Float32Array): Dense[] {
  const grads = head.layers.map((l) => ({ ...l, w: new Float32Array(l.w.length), b: new Float32Array(l.b.length) }));
  let g = gradLogits;
  for (let li = head.layers.length - 1; li >= 0; li--) {
    const { w, in: I, out: O } = head.layers[li];
    const x = a.inputs[li];
    const gw = grads[li].w;
    const gb = grads[li].b;
    // The first layer passes no gradient down, so only its weights' gradient is computed there.
    const below = li > 0 ? new Float32Array(a.n * I) : null;
    for (let i = 0; i < a.n; i++) for (let j = 0; j < O; j++) gb[j] += g[i * O + j];
    // Four rows at a time, as in dense(); missing rows past the end count as 0.
    for (let i = 0; i < a.n; i += 4) {
      const rows = Math.min(4, a.n - i);
      const [g0, g1, g2, g3] = [0, 1, 2, 3].map((r) => (r < rows ? (i + r) * O : -1));
      const xo = i * I;
      for (let k = 0; k < I; k++) {
        const v0 = x[xo + k];
        const v1 = rows > 1 ? x[xo + I + k] : 0;
        const v2 = rows > 2 ? x[xo + 2 * I + k] : 0;
        const v3 = rows > 3 ? x[xo + 3 * I + k] : 0;
        // Below the top layer x is a ReLU output: where it is 0, nothing flows through it.
        if (v0 === 0 && v1 === 0 && v2 === 0 && v3 === 0) continue;
        const wk = k * O;
        let s0 = 0, s1 = 0, s2 = 0, s3 = 0;
        for (let j = 0; j < O; j++) {
          const q0 = g[g0 + j];
          const q1 = g1 < 0 ? 0 : g[g1 + j];
          const q2 = g2 < 0 ? 0 : g[g2 + j];
          const q3 = g3 < 0 ? 0 : g[g3 + j];
          gw[wk + j] += v0 * q0 + v1 * q1 + v2 * q2 + v3 * q3;
          if (below) {
            const wj = w[wk + j];
            s0 += wj * q0;
            s1 += wj * q1;
            s2 += wj * q2;
            s3 += wj * q3;
          }
        }
        if (below) {
          if (v0 > 0) below[xo + k] = s0;
          if (v1 > 0) below[xo + I + k] = s1;
          if (v2 > 0) below[xo + 2 * I + k] = s2;
          if (v3 > 0) below[xo + 3 * I + k] = s3;
        }
      }
    }
    if (below) g = below;
  }
  return grads;
}

export function mlpToJSON(h: MlpHead): MlpHeadJSON {
  return { inputs: h.inputs, hidden: h.hidden, channels: h.channels, mean: Array.from(h.mean), scale: Array.from(h.scale), layers: h.layers.map((l) => ({ w: Array.from(l.w), b: Array.from(l.b) })) };
}

export function mlpFromJSON(j: MlpHeadJSON): MlpHead {
  const h = createMlpHead(j.inputs, j.hidden, j.channels, 0);
  if (j.layers.length !== h.layers.length || j.mean.length !== j.inputs) throw new Error('the saved head does not match its own sizes');
  h.mean.set(j.mean);
  h.scale.set(j.scale);
  h.layers.forEach((l, i) => {
    if (j.layers[i].w.length !== l.w.length || j.layers[i].b.length !== l.b.length) throw new Error(`layer ${i + 1} of the saved head has the wrong number of weights`);
    l.w.set(j.layers[i].w);
    l.b.set(j.layers[i].b);
  });
  return h;
}
