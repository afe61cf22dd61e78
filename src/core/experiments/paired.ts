/**
 * Two methods scored on the same cases: is the difference real? Per region, the paired differences
 * (b - a) with their mean, a percentile bootstrap 95 % interval of that mean, and a Wilcoxon
 * signed-rank p-value. Paired, because cases differ far more from each other than methods do.
 * Conventions follow scipy.stats.wilcoxon's defaults (zeros dropped, two-sided, no continuity
 * correction; exact distribution up to 50 pairs without ties or zeros, else the normal
 * approximation with the tie correction), so a user can check a number in Python.
 */
import { mulberry32 } from '../synthetic/random.ts';
import { meanSd, median } from './stats.ts';

export interface PairedDifference {
  /** Cases scored by both (a region absent from one is left out, as means leave it out). */
  n: number;
  mean: number;
  median: number;
  ci95: [number, number];
  /** null when every difference is zero or there are no pairs: nothing to test. */
  wilcoxonP: number | null;
  method: 'exact' | 'normal' | null;
}

export function pairedDifference(a: (number | null)[], b: (number | null)[], o: { seed?: number; resamples?: number } = {}): PairedDifference {
  if (a.length !== b.length) throw new Error(`paired values need the same cases: ${a.length} against ${b.length}`);
  const d: number[] = [];
  for (let i = 0; i < a.length; i++) if (a[i] !== null && b[i] !== null && Number.isFinite(a[i]) && Number.isFinite(b[i])) d.push(b[i]! - a[i]!);
  if (!d.length) return { n: 0, mean: NaN, median: NaN, ci95: [NaN, NaN], wilcoxonP: null, method: null };
  const { p, method } = wilcoxonSignedRank(d);
  return { n: d.length, mean: meanSd(d).mean, median: median(d), ci95: bootstrapMeanCi(d, o.seed ?? 0, o.resamples ?? 10_000), wilcoxonP: p, method };
}


/** Percentile bootstrap of the mean: resample the cases with replacement. */
export function bootstrapMeanCi(d: number[], seed: number, resamples: number): [number, number] {
  const rand = mulberry32(seed);
  const means = new Float64Array(resamples);
  for (let r = 0; r < resamples; r++) {
    let s = 0;
    for (let i = 0; i < d.length; i++) s += d[Math.floor(rand() * d.length)];
    means[r] = s / d.length;
  }
  means.sort();
  return [means[Math.floor(0.025 * resamples)], means[Math.ceil(0.975 * resamples) - 1]];
}

/** Two-sided Wilcoxon signed-rank test of differences against zero. */
export function wilcoxonSignedRank(differences: number[]): { p: number | null; method: 'exact' | 'normal' | null; statistic: number } {
  const d = differences.filter((x) => x !== 0);
  const n = d.length;
  if (!n) return { p: null, method: null, statistic: 0 };
  const ranks = averageRanks(d.map(Math.abs));
  const rPlus = d.reduce((s, x, i) => s + (x > 0 ? ranks[i] : 0), 0);
  const rMinus = (n * (n + 1)) / 2 - rPlus;
  const statistic = Math.min(rPlus, rMinus);
  const ties = tieCounts(d.map(Math.abs));
  const hasTies = ties.some((t) => t > 1);
  const zeros = differences.length > n;
  if (n <= 50 && !hasTies && !zeros) {
    const counts = signedRankCounts(n);
    const total = 2 ** n;
    let below = 0;
    for (let k = 0; k <= statistic; k++) below += counts[k];
    return { p: Math.min(1, (2 * below) / total), method: 'exact', statistic };
  }
  const mn = (n * (n + 1)) / 4;
  const variance = (n * (n + 1) * (2 * n + 1)) / 24 - ties.reduce((s, t) => s + t ** 3 - t, 0) / 48;
  const z = (statistic - mn) / Math.sqrt(variance);
  return { p: Math.min(1, 2 * normalCdf(-Math.abs(z))), method: 'normal', statistic };
}

/** counts[k]: how many of the 2^n sign patterns give a positive rank sum k (ranks 1..n, no ties). */
function signedRankCounts(n: number): Float64Array {
  const max = (n * (n + 1)) / 2;
  const counts = new Float64Array(max + 1);
  counts[0] = 1;
  for (let r = 1; r <= n; r++) for (let k = max; k >= r; k--) counts[k] += counts[k - r];
  return counts;
}

/** Ranks 1..n of the values, ties sharing the mean of the ranks they span. */
function averageRanks(xs: number[]): number[] {
  const order = xs.map((x, i) => [x, i] as const).sort((p, q) => p[0] - q[0]);
  const ranks = new Array<number>(xs.length);
  for (let i = 0; i < order.length; ) {
    let j = i;
    while (j + 1 < order.length && order[j + 1][0] === order[i][0]) j++;
    for (let k = i; k <= j; k++) ranks[order[k][1]] = (i + j) / 2 + 1;
    i = j + 1;
  }
  return ranks;
}

function tieCounts(xs: number[]): number[] {
  const m = new Map<number, number>();
  for (const x of xs) m.set(x, (m.get(x) ?? 0) + 1);
  return [...m.values()];
}

/** Standard normal CDF through the complementary error function. */
export function normalCdf(z: number): number {
  return 0.5 * erfc(-z / Math.SQRT2);
}

/** erfc from Numerical Recipes' Chebyshev fit (erfccheb), relative error below 1.2e-16 over the real line. */
function erfc(x: number): number {
  if (x < 0) return 2 - erfc(-x);
  const t = 2 / (2 + x);
  const ty = 4 * t - 2;
  let d = 0;
  let dd = 0;
  for (let j = ERFC_COF.length - 1; j > 0; j--) {
    const tmp = d;
    d = ty * d - dd + ERFC_COF[j];
    dd = tmp;
  }
  return t * Math.exp(-x * x + 0.5 * (ERFC_COF[0] + ty * d) - dd);
}

const ERFC_COF = [
  -1.3026537197817094, 6.4196979235649026e-1, 1.9476473204185836e-2, -9.561514786808631e-3, -9.46595344482036e-4, 3.66839497852761e-4, 4.2523324806907e-5, -2.0278578112534e-5, -1.624290004647e-6, 1.30365583558e-6, 1.5626441722e-8, -8.5238095915e-8, 6.529054439e-9, 5.059343495e-9, -9.91364156e-10, -2.27365122e-10, 9.6467911e-11, 2.394038e-12, -6.886027e-12, 8.94487e-13, 3.13092e-13, -1.12708e-13, 3.81e-16, 7.106e-15, -1.523e-15, -9.4e-17, 1.21e-16, -2.8e-17,
];
