/**
 * compare: several channel mappings on the same cases, split, seed and settings. Prints the
 * table as JSON; writes the CSV (and the HTML report beside it).
 */
import { volumesJson } from '../../core/experiments/record.ts';
import { writeFileSync } from 'node:fs';
import { compareExperiments } from '../../core/experiments/comparison.ts';
import { compareVariants, mappingName } from '../../core/experiments/compare.ts';
import { headOf } from '../../core/experiments/experiment.ts';
import { ablationVariants, modalitiesFlag } from '../headFlags.ts';
import { comparisonCsv, comparisonHtml } from '../../core/experiments/report.ts';
import { parseMapping } from '../../core/features/channels.ts';
import { flag, type ParsedArgs, UsageError } from '../args.ts';
import { describeHead } from '../../core/heads/headSettings.ts';
import { announceExtraction, backboneMappings, caseFolders, chosenTask, extractionWork, featureCacheUsage, loadBackbone, cliProgress, DATASET_FLAGS, runFeatureStore, TEST_SHARD_FLAGS, TRAINING_FLAGS, trainingFlags } from './runSetup.ts';

export const compareHelp = `compare (--train DIR... [--test DIR...] | ${DATASET_FLAGS}) ${TEST_SHARD_FLAGS} (--mappings flair,t1ce,t2 flair,flair,flair ... | --mapping flair,t1ce,t2 --variants "head=linear" "head=fine;context=1" ...) ${TRAINING_FLAGS} [--voxel-inputs flair,t1,t1ce,t2] [--validation 0.2] [--csv comparison.csv] [--html report.html]`;

const round = (v: number, d = 4) => (Number.isFinite(v) ? +v.toFixed(d) : null);

export async function compare(args: ParsedArgs): Promise<unknown> {
  const mappingTexts = args.flags.get('mappings') ?? [];
  const variantTexts = args.flags.get('variants') ?? [];
  if (mappingTexts.length < 2 && !variantTexts.length) throw new UsageError('give two or more --mappings (e.g. --mappings flair,t1ce,t2 flair,flair,flair) or --variants (e.g. --variants head=linear head=fine)');
  if (mappingTexts.length && variantTexts.length) throw new UsageError('give --mappings or --variants, not both (a variant can set its own mapping=...)');
  const settings = { ...trainingFlags(args), validation: 0 };
  // Each arm reads the modalities its mapping names; --voxel-inputs holds the voxel inputs fixed across arms instead, and the records say so.
  const voxelModalities = args.flags.has('voxel-inputs') ? modalitiesFlag(args, 'voxel-inputs') : undefined;
  // Mappings differ only in what the backbone sees: their default head reads the backbone.
  if (mappingTexts.length && !args.flags.has('head')) Object.assign(settings, { head: 'fine' });
  const base = { mapping: parseMapping(flag(args, 'mapping', 'flair,t1ce,t2')), head: headOf(settings) };
  const variants = variantTexts.length ? ablationVariants(variantTexts, base) : mappingTexts.map(parseMapping).map((mapping) => ({ name: mappingName(mapping), mapping, head: base.head }));
  const { train, test, split } = caseFolders(args, false, backboneMappings(variants));
  settings.task = await chosenTask(args, train);
  const validation = Number(flag(args, 'validation', '0.2'));
  if (!(validation > 0 && validation < 1)) throw new UsageError('--validation is a fraction between 0 and 1');
  const { backbone, description } = await loadBackbone(args);
  const cases = { train, test };
  const extractionEstimate = await announceExtraction([...cases.train, ...cases.test], backbone, settings.size, extractionWork(variants, settings.plane));
  const start = performance.now();
  const { store, explain } = await runFeatureStore(args, [...cases.train, ...cases.test]);
  const progress = cliProgress();
  const runs = await compareVariants({
    ...cases,
    variants,
    settings: { ...settings, validation, voxelModalities },
    backbone,
    model: { name: description.weights.join(' + '), randomWeights: description.randomWeights, dim: description.dim },
    store,
    onProgress: progress.update,
    split,
  }).catch(async (e) => {
    throw await explain(e);
  });
  progress.finish();
  const experiments = runs.map((r) => r.record);
  const csvPath = flag(args, 'csv', 'comparison.csv');
  writeFileSync(csvPath, comparisonCsv(experiments));
  const htmlPath = args.flags.get('html')?.[0];
  if (htmlPath) writeFileSync(htmlPath, comparisonHtml(experiments));
  const t = compareExperiments(experiments);
  const stat = (s: { mean: number; sd: number; n: number }, d = 4) => ({ mean: round(s.mean, d), sd: round(s.sd, d), n: s.n });
  return {
    model: description,
    settings: experiments[0].settings,
    evaluation: test.length ? { kind: 'test cases', train: train.map((c) => c.id), test: test.map((c) => c.id) } : { kind: 'held-out slices', cases: train.map((c) => c.id), validation },
    experiments: t.rows.map((r) => ({
      name: r.experiment.name,
      mapping: r.experiment.mapping,
      modalities: r.experiment.inputs?.modalities,
      ...(r.experiment.inputs?.voxelColumns ? { voxelColumns: r.experiment.inputs.voxelColumns } : {}),
      ...(r.experiment.inputs?.voxelInputsFixed ? { voxelInputsFixed: true } : {}),
      head: describeHead(headOf(r.experiment.settings)),
      dice: Object.fromEntries(t.regions.map((g) => [g, stat(r.dice[g])])),
      hd95: Object.fromEntries(t.regions.map((g) => [g, stat(r.hd95[g], 2)])),
      cases: r.experiment.cases.map((c) => ({ case: c.id, ...Object.fromEntries(c.scores.map((s) => [s.region, { dice: s.dice === null ? null : round(s.dice), hd95: s.hd95 === null ? null : round(s.hd95, 2) }])), ...(c.volumes ? { volumes: volumesJson(c.volumes) } : {}) })),
    })),
    differences: t.differences.map((d) => ({
      experiment: d.experiment.name,
      versus: d.versus.name,
      dice: Object.fromEntries(t.regions.map((g) => [g, stat(d.dice[g])])),
      paired: Object.fromEntries(t.regions.map((g) => [g, { n: d.paired[g].n, mean: round(d.paired[g].mean), ci95: d.paired[g].ci95.map((v) => round(v)), median: round(d.paired[g].median), wilcoxonP: d.paired[g].wilcoxonP, method: d.paired[g].method }])),
    })),
    split: split ?? null,
    extractionEstimate,
    featureCache: await featureCacheUsage(store),
    csv: csvPath,
    html: htmlPath ?? null,
    seconds: Math.round((performance.now() - start) / 100) / 10,
  };
}
