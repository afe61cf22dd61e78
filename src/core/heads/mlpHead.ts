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

function dense(x: Float32Array, n: number, l: Dense, relu: boolean): Float32Array {
  const out = new Float32Array(n * l.out);
  const { w, b } = l;
  for (let i = 0; i < n; i++) {
    const o = i * l.out;
    for (let j = 0; j < l.out; j++) out[o + j] = b[j];
    for (let k = 0; k < l.in; k++) {
      const v = x[i * l.in + k];
      if (v === 0) continue;
      const wk = k * l.out;
      for (let j = 0; j < l.out; j++) out[o + j] += v * w[wk + j];
    }
    if (relu) for (let j = 0; j < l.out; j++) if (out[o + j] < 0) out[o + j] = 0;
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
    const l = head.layers[li];
    const x = a.inputs[li];
    const gw = grads[li].w;
    const gb = grads[li].b;
    const below = li > 0 ? new Float32Array(a.n * l.in) : null;
    for (let i = 0; i < a.n; i++) {
      const go = i * l.out;
      const xo = i * l.in;
      for (let j = 0; j < l.out; j++) gb[j] += g[go + j];
      for (let k = 0; k < l.in; k++) {
        const v = x[xo + k];
        const wk = k * l.out;
        let s = 0;
        for (let j = 0; j < l.out; j++) {
          const gj = g[go + j];
          gw[wk + j] += v * gj;
          s += l.w[wk + j] * gj;
        }
        // x is the ReLU output of the layer below: its gradient passes only where it was positive.
        if (below) below[xo + k] = v > 0 ? s : 0;
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
