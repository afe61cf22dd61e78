/**
 * Two or more experiments side by side: per region, mean +- sd over cases of each, and of the
 * paired difference of each against the first (same cases, so the pairing removes case
 * difficulty from the spread).
 */
import { REGIONS, type Region } from '../metrics/regions.ts';

/** The regions the experiments were scored on, in the order first met: the BraTS regions, or the lesion. */
export function scoredRegions(experiments: ExperimentRecord[]): Region[] {
  const found = [...new Set(experiments.flatMap((e) => e.cases.flatMap((c) => c.scores.map((s) => s.region))))];
  return found.length ? found : REGIONS.map((r) => r.id);
}
import { type PairedDifference, pairedDifference } from './paired.ts';
import type { ExperimentRecord } from './record.ts';
import { type MeanSd, meanSd, median, scoredMeanSd } from './stats.ts';

export interface ComparisonRow {
  experiment: ExperimentRecord;
  dice: Record<Region, MeanSd>;
  /** Median Dice over the scored cases (NaN when none): robust to the one case a method misses. */
  diceMedian: Record<Region, number>;
  /** Over cases where both masks were non-empty (HD95 is undefined otherwise). */
  hd95: Record<Region, MeanSd>;
}

export interface ComparisonTable {
  regions: Region[];
  cases: string[];
  rows: ComparisonRow[];
  /** Each experiment after the first minus the first, over the cases both have. */
  differences: { experiment: ExperimentRecord; versus: ExperimentRecord; dice: Record<Region, MeanSd>; paired: Record<Region, PairedDifference> }[];
}


function score(e: ExperimentRecord, caseId: string, region: Region) {
  return e.cases.find((c) => c.id === caseId)?.scores.find((s) => s.region === region);
}

export function compareExperiments(experiments: ExperimentRecord[]): ComparisonTable {
  if (experiments.length < 2) throw new Error('choose two or more experiments to compare');
  const cases = [...new Set(experiments.flatMap((e) => e.cases.map((c) => c.id)))];
  const regions = scoredRegions(experiments);
  const byRegion = <T>(f: (r: Region) => T) => Object.fromEntries(regions.map((id) => [id, f(id)])) as Record<Region, T>;
  const rows = experiments.map((e) => ({
    experiment: e,
    // A case may lack a region's score (a scribble run without a label map): it is left out, not counted as 0.
    dice: byRegion((r) => scoredMeanSd(e.cases.flatMap((c) => { const s = score(e, c.id, r); return s ? [s.dice] : []; }))),
    diceMedian: byRegion((r) => median(e.cases.flatMap((c) => { const d = score(e, c.id, r)?.dice; return typeof d === 'number' ? [d] : []; }))),
    hd95: byRegion((r) => meanSd(e.cases.flatMap((c) => score(e, c.id, r)?.hd95 ?? []))),
  }));
  const [first, ...rest] = experiments;
  const differences = rest.map((e) => ({
    experiment: e,
    versus: first,
    dice: byRegion((r) => {
      // A difference needs a score on both sides: a region absent from one run's case is not paired.
      const paired = cases.filter((id) => typeof score(e, id, r)?.dice === 'number' && typeof score(first, id, r)?.dice === 'number');
      return meanSd(paired.map((id) => score(e, id, r)!.dice! - score(first, id, r)!.dice!));
    }),
    paired: byRegion((r) => pairedDifference(cases.map((id) => score(first, id, r)?.dice ?? null), cases.map((id) => score(e, id, r)?.dice ?? null))),
  }));
  return { regions, cases, rows, differences };
}

