/**
 * merge: the JSON of several `experiment` jobs (shards of one test dataset, the same training)
 * as one table: every case once, the means over all of them, and a CSV of per-case scores.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { type CaseResult, summarise } from '../../core/experiments/experiment.ts';
import type { Region } from '../../core/metrics/regions.ts';
import { type ParsedArgs, UsageError } from '../args.ts';

export const mergeHelp = 'merge SHARD.json... [--csv scores.csv]';

interface ShardOutput {
  model: unknown;
  settings: Record<string, unknown> & { test: string[] };
  cases: { case: string; regions: Record<string, { dice: number | null; hd95: number | null }> }[];
}

/** Settings the shards must share: all of them but which cases each tested. */
const sameRun = (o: ShardOutput) => JSON.stringify({ model: o.model, settings: { ...o.settings, test: undefined } });

export function merge(args: ParsedArgs): unknown {
  const paths = args.positionals;
  if (paths.length < 1) throw new UsageError('give the JSON outputs of the experiment jobs to merge');
  const outputs = paths.map((p) => {
    try {
      return JSON.parse(readFileSync(p, 'utf8')) as ShardOutput;
    } catch (e) {
      throw new Error(`${p}: not an experiment's JSON output (${(e as Error).message})`);
    }
  });
  outputs.forEach((o, i) => {
    if (!Array.isArray(o?.cases) || !o.settings) throw new Error(`${paths[i]}: not an experiment's JSON output (no cases and settings)`);
    if (sameRun(o) !== sameRun(outputs[0])) throw new Error(`${paths[i]} was not run with the same model and settings as ${paths[0]}: only shards of one run merge`);
  });
  const seen = new Map<string, string>();
  for (const [i, o] of outputs.entries()) {
    for (const c of o.cases) {
      if (seen.has(c.case)) throw new Error(`case ${c.case} is in both ${seen.get(c.case)} and ${paths[i]}`);
      seen.set(c.case, paths[i]);
    }
  }
  const cases = outputs.flatMap((o) => o.cases).sort((a, b) => (a.case < b.case ? -1 : 1));
  // The experiment wrote HD95 null where it is not finite (one mask empty): Infinity again, left out of the means.
  const results = cases.map((c): Pick<CaseResult, 'scores'> => ({
    scores: Object.entries(c.regions).map(([region, s]) => ({ region: region as Region, dice: s.dice, hd95: s.hd95 ?? Infinity })),
  }));
  const csv = args.flags.get('csv')?.[0];
  if (csv) {
    const rows = cases.flatMap((c) => Object.entries(c.regions).map(([region, s]) => [c.case, region, s.dice ?? '', s.hd95 ?? ''].join(',')));
    writeFileSync(csv, ['case,region,dice,hd95_mm', ...rows, ''].join('\n'));
  }
  return { model: outputs[0].model, settings: { ...outputs[0].settings, test: cases.map((c) => c.case) }, shards: paths.length, cases, mean: summarise(results), csv: csv ?? null };
}
