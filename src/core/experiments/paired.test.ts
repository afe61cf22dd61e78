import { describe, expect, it } from 'vitest';
import { bootstrapMeanCi, normalCdf, pairedDifference, wilcoxonSignedRank } from './paired.ts';

// p-values from scipy 1.10.1: scipy.stats.wilcoxon(d) (exact below 51 pairs without ties or zeros)
// and scipy.stats.wilcoxon(d, mode='approx') where ties or zeros make the exact table wrong.
describe('Wilcoxon signed-rank', () => {
  it('five positive differences: the smallest two-sided exact p, 2/2^5', () => {
    expect(wilcoxonSignedRank([0.1, 0.2, 0.3, 0.4, 0.5])).toMatchObject({ p: 0.0625, method: 'exact', statistic: 0 });
  });

  it('n = 6 with one negative rank 3: by hand, sign patterns with rank sum <= 3 are {}, {1}, {2}, {3}, {1,2}: p = 2 * 5/64', () => {
    expect(wilcoxonSignedRank([1, 2, -3, 4, 5, 6]).p).toBeCloseTo(10 / 64, 15);
  });

  it('matches scipy on twelve Dice differences (exact)', () => {
    const r = wilcoxonSignedRank([0.031, -0.012, 0.054, 0.022, 0.007, -0.004, 0.061, 0.018, 0.009, -0.027, 0.044, 0.013]);
    expect(r.statistic).toBe(13);
    expect(r.p).toBeCloseTo(0.04248046875, 12);
  });

  it('ties use the normal approximation with the tie correction, as scipy mode=approx', () => {
    const r = wilcoxonSignedRank([0.1, 0.1, -0.1, 0.2, 0.3, 0.3, 0.3, -0.05]);
    expect(r.method).toBe('normal');
    expect(r.p).toBeCloseTo(0.04771488023735121, 10);
  });

  it('zero differences are dropped and the normal approximation is used, as scipy', () => {
    expect(wilcoxonSignedRank([0, 0.2, 0.1, -0.3, 0.4, 0.5, 0.6, 0.7]).p).toBeCloseTo(0.06297905121445523, 10);
  });

  it('above 50 pairs: the normal approximation (scipy on -20.5..38.5)', () => {
    const r = wilcoxonSignedRank(Array.from({ length: 60 }, (_, i) => i - 20.5));
    expect(r.method).toBe('normal');
    expect(r.p).toBeCloseTo(0.0006440637415276869, 12);
  });

  it('all differences zero: nothing to test', () => {
    expect(wilcoxonSignedRank([0, 0, 0]).p).toBeNull();
  });

  it('the normal CDF matches scipy.special.ndtr', () => {
    const ref: [number, number][] = [[-6, 9.865876450376946e-10], [-3, 0.0013498980316300933], [-1.5, 0.06680720126885807], [0, 0.5], [0.7, 0.758036347776927], [2.5, 0.9937903346742238]];
    for (const [z, p] of ref) expect(Math.abs(normalCdf(z) - p) / p).toBeLessThan(1e-12);
  });
});

describe('bootstrap interval of the mean difference', () => {
  it('two cases 0 and 1: resampled means are 0, 0.5, 1 with chances 1/4, 1/2, 1/4, so the 95 % interval is [0, 1]', () => {
    expect(bootstrapMeanCi([0, 1], 3, 4000)).toEqual([0, 1]);
  });

  it('a constant difference has a zero-width interval', () => {
    const [lo, hi] = bootstrapMeanCi([0.2, 0.2, 0.2], 1, 1000);
    expect(lo).toBeCloseTo(0.2, 15);
    expect(hi).toBe(lo);
  });

  it('is reproducible by seed and narrows with more cases', () => {
    const d = Array.from({ length: 40 }, (_, i) => ((i * 37) % 11) / 100 - 0.03);
    expect(bootstrapMeanCi(d, 5, 2000)).toEqual(bootstrapMeanCi(d, 5, 2000));
    const [lo, hi] = bootstrapMeanCi(d, 5, 2000);
    const [lo4, hi4] = bootstrapMeanCi(d.slice(0, 4), 5, 2000);
    expect(hi - lo).toBeLessThan(hi4 - lo4);
    const m = d.reduce((s, x) => s + x) / d.length;
    expect(lo).toBeLessThan(m);
    expect(hi).toBeGreaterThan(m);
  });
});

describe('paired difference of two methods', () => {
  it('pairs by case, b minus a, and leaves out a case either method did not score', () => {
    const r = pairedDifference([0.5, 0.6, null, 0.7], [0.6, 0.8, 0.9, 0.6]);
    expect(r.n).toBe(3);
    expect(r.mean).toBeCloseTo((0.1 + 0.2 - 0.1) / 3, 12);
    expect(r.median).toBeCloseTo(0.1, 12);
  });

  it('refuses lists of different cases', () => {
    expect(() => pairedDifference([1, 2], [1])).toThrow(/same cases/);
  });
});
