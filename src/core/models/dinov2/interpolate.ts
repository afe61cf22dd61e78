/**
 * Position-embedding interpolation, computed once per input size in float64 (TensorFlow.js has
 * no bicubic resize). Three rules, as ../shared/dinov2-reference/README.md documents them:
 * - 'authors': facebookresearch/dinov2, bicubic (Keys, a = -0.75) called with
 *   scale_factor = (n + 0.1) / M, so samples sit at s = (i + 0.5) * M / (n + 0.1) - 0.5;
 *   taps clamped to the grid, weights not renormalised (torch's upsample_bicubic2d).
 * - 'hf': Hugging Face Dinov2Model, the same kernel called with size = n (no 0.1 offset).
 * - 'antialias': the register models (authors' and Dinov2WithRegistersModel): PIL-style
 *   antialiased cubic, a = -0.5, weights normalised.
 */
export type PosInterpolation = 'authors' | 'hf' | 'antialias';

function keys(x: number, a: number): number {
  const t = Math.abs(x);
  if (t <= 1) return ((a + 2) * t - (a + 3)) * t * t + 1;
  if (t < 2) return ((a * t - 5 * a) * t + 8 * a) * t - 4 * a;
  return 0;
}

/** weights[i * M + j]: how much source position j contributes to output position i. */
export function axisWeights(M: number, n: number, rule: PosInterpolation): Float64Array {
  const w = new Float64Array(n * M);
  for (let i = 0; i < n; i++) {
    if (rule === 'antialias') {
      const scale = M / n;
      const support = 2 * Math.max(scale, 1);
      const stretch = Math.max(scale, 1);
      const c = scale * (i + 0.5);
      const lo = Math.max(Math.trunc(c - support + 0.5), 0);
      const hi = Math.min(Math.trunc(c + support + 0.5), M);
      let sum = 0;
      for (let j = lo; j < hi; j++) sum += w[i * M + j] = keys((j - c + 0.5) / stretch, -0.5);
      for (let j = lo; j < hi; j++) w[i * M + j] /= sum;
    } else {
      const s = ((i + 0.5) * M) / (n + (rule === 'authors' ? 0.1 : 0)) - 0.5;
      const f = Math.floor(s);
      const t = s - f;
      for (let k = -1; k <= 2; k++) {
        const j = Math.min(Math.max(f + k, 0), M - 1);
        w[i * M + j] += keys(k - t, -0.75);
      }
    }
  }
  return w;
}

/**
 * pos: [1 + M*M, D] (cls first, then the M x M grid row-major, rows along the image height).
 * Returns [1 + rows*cols, D]. Skipped, as in both reference codes, only when the grid already
 * matches and the image is square.
 */
export function interpolatePosEmbed(
  pos: Float32Array,
  dim: number,
  rows: number,
  cols: number,
  rule: PosInterpolation,
  squareImage: boolean,
): Float32Array {
  const M = Math.round(Math.sqrt(pos.length / dim - 1));
  if (rows * cols === M * M && squareImage) return pos;
  const wr = axisWeights(M, rows, rule);
  const wc = axisWeights(M, cols, rule);
  // Separable: along columns first ([M, cols, D]), then along rows.
  const tmp = new Float64Array(M * cols * dim);
  for (let a = 0; a < M; a++) {
    for (let j = 0; j < cols; j++) {
      const o = (a * cols + j) * dim;
      for (let b = 0; b < M; b++) {
        const wt = wc[j * M + b];
        if (wt === 0) continue;
        const src = 1 + a * M + b;
        for (let d = 0; d < dim; d++) tmp[o + d] += wt * pos[src * dim + d];
      }
    }
  }
  const out = new Float32Array((1 + rows * cols) * dim);
  out.set(pos.subarray(0, dim));
  const acc = new Float64Array(dim);
  for (let i = 0; i < rows; i++) {
    for (let j = 0; j < cols; j++) {
      acc.fill(0);
      for (let a = 0; a < M; a++) {
        const wt = wr[i * M + a];
        if (wt === 0) continue;
        const o = (a * cols + j) * dim;
        for (let d = 0; d < dim; d++) acc[d] += wt * tmp[o + d];
      }
      out.set(acc, (1 + i * cols + j) * dim);
    }
  }
  return out;
}
