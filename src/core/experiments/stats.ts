/** Mean and sample standard deviation (n - 1; 0 for a single value). */
export interface MeanSd {
  mean: number;
  sd: number;
  n: number;
}

export function meanSd(xs: number[]): MeanSd {
  const n = xs.length;
  if (n === 0) return { mean: NaN, sd: NaN, n };
  const mean = xs.reduce((a, b) => a + b, 0) / n;
  return { mean, sd: n > 1 ? Math.sqrt(xs.reduce((a, b) => a + (b - mean) ** 2, 0) / (n - 1)) : 0, n };
}
