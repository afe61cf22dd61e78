/**
 * The first principal components of patch features: the well-known DINOv2 picture, where parts
 * the backbone tells apart get different colours.
 */
export interface Pca {
  mean: Float32Array;
  /** k components of length dim, orthonormal, by decreasing variance. */
  components: Float32Array[];
  variances: number[];
}

/** features: n rows of dim values. Power iteration with deflation on the dim x dim covariance. */
export function pca(features: Float32Array, n: number, dim: number, k = 3, iterations = 60): Pca {
  const sums = new Float64Array(dim);
  for (let i = 0; i < n; i++) for (let d = 0; d < dim; d++) sums[d] += features[i * dim + d];
  const mean = Float32Array.from(sums, (s) => s / n);
  const cov = new Float64Array(dim * dim);
  const row = new Float64Array(dim);
  for (let i = 0; i < n; i++) {
    for (let d = 0; d < dim; d++) row[d] = features[i * dim + d] - mean[d];
    for (let a = 0; a < dim; a++) {
      const ra = row[a];
      if (ra === 0) continue;
      for (let b = a; b < dim; b++) cov[a * dim + b] += ra * row[b];
    }
  }
  for (let a = 0; a < dim; a++) for (let b = a; b < dim; b++) cov[b * dim + a] = cov[a * dim + b] /= Math.max(n - 1, 1);
  const components: Float32Array[] = [];
  const variances: number[] = [];
  for (let c = 0; c < k; c++) {
    let v = Float64Array.from({ length: dim }, (_, i) => Math.sin(i * 12.9898 + c * 78.233) + 0.1);
    let lambda = 0;
    for (let it = 0; it < iterations; it++) {
      const w = new Float64Array(dim);
      for (let a = 0; a < dim; a++) {
        let s = 0;
        for (let b = 0; b < dim; b++) s += cov[a * dim + b] * v[b];
        w[a] = s;
      }
      const norm = Math.hypot(...w);
      if (norm === 0) break;
      lambda = norm;
      v = w.map((x) => x / norm);
    }
    components.push(Float32Array.from(v));
    variances.push(lambda);
    for (let a = 0; a < dim; a++) for (let b = 0; b < dim; b++) cov[a * dim + b] -= lambda * v[a] * v[b];
  }
  return { mean, components, variances };
}

/** Each row projected on the components and scaled to 0..255 by the 1st-99th percentile of each. */
export function pcaColours(features: Float32Array, n: number, dim: number, p: Pca): Uint8Array {
  const k = p.components.length;
  const proj = new Float32Array(n * k);
  for (let i = 0; i < n; i++) {
    for (let c = 0; c < k; c++) {
      let s = 0;
      for (let d = 0; d < dim; d++) s += (features[i * dim + d] - p.mean[d]) * p.components[c][d];
      proj[i * k + c] = s;
    }
  }
  const out = new Uint8Array(n * 3);
  for (let c = 0; c < Math.min(k, 3); c++) {
    const col = Float32Array.from({ length: n }, (_, i) => proj[i * k + c]).sort();
    const lo = col[Math.floor(0.01 * (n - 1))];
    const hi = col[Math.ceil(0.99 * (n - 1))];
    for (let i = 0; i < n; i++) out[i * 3 + c] = Math.round(255 * Math.min(1, Math.max(0, (proj[i * k + c] - lo) / (hi - lo || 1))));
  }
  return out;
}
