/** Mean and sample standard deviation (n - 1; 0 for a single value). */
export interface MeanSd {
  mean: number;
  sd: number;
  n: number;
  /** Values left out because the region was in neither mask (absent, not scored). */
  absent?: number;
}

/** Mean and sd over the scored values; absent ones (null) are counted, not averaged in. */
export function scoredMeanSd(xs: (number | null)[]): MeanSd {
  const scored = xs.filter((x): x is number => x !== null);
  const absent = xs.length - scored.length;
  return absent ? { ...meanSd(scored), absent } : meanSd(scored);
}

export function meanSd(xs: number[]): MeanSd {
  const n = xs.length;
  if (n === 0) return { mean: NaN, sd: NaN, n };
  const mean = xs.reduce((a, b) => a + b, 0) / n;
  return { mean, sd: n > 1 ? Math.sqrt(xs.reduce((a, b) => a + (b - mean) ** 2, 0) / (n - 1)) : 0, n };
}

/** The middle value (the mean of the middle two), NaN for none. */
export function median(xs: number[]): number {
  if (!xs.length) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}
