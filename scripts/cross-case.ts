/**
 * Train on one real case, score the others: the honest check of a head setting on patients it
 * never saw, over the cases in ../shared/real-cases (never copied here). Not a test (minutes a
 * split); it prints the mean 3-D Dice of each split and, with --detail, every pair.
 *
 *   npx tsx scripts/cross-case.ts [--splits A,X,B] [--seeds 1,2,3] [--epochs 20] [--detail]
 *                                 [--variants "jitter=0.15" "post=none" ...]
 *
 * Splits (FLAIR + T1c is all brats2015-pat0005 has):
 *   A  train brats2015-pat0005, test the four BraTS 2018 cases, FLAIR + T1c
 *   X  train each BraTS 2018 case, test the other four cases, FLAIR + T1c
 *   B  train each BraTS 2018 case, test the other three, all four modalities
 *   L  leave one out: train three BraTS 2018 cases, test the fourth, all four modalities (what a
 *      run-wide setting such as samples= does when several cases train one head)
 * Each variant runs the command's defaults with its `key=value` settings (as `compare --variants`).
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { caseVolumes, type CaseVolumes } from '../src/core/case/case.ts';
import type { Modality } from '../src/core/case/roles.ts';
import { DEFAULT_SETTINGS, type ExperimentSettings, runExperiment } from '../src/core/experiments/experiment.ts';
import { memoryFeatureStore } from '../src/core/features/store.ts';
import { DEFAULT_HEAD } from '../src/core/heads/headSettings.ts';
import { parseArgs } from '../src/cli/args.ts';
import { loadCase } from '../src/cli/commands/runSetup.ts';
import { parseVariant } from '../src/cli/headFlags.ts';

const REAL = join(import.meta.dirname, '..', '..', 'shared', 'real-cases');
const BRATS15 = 'brats2015-pat0005';
const BRATS18 = ['brats2018-cbica-abm', 'brats2018-tcia01-201', 'brats2018-tcia03-265', 'brats2018-tcia13-623'];
const FLAIR_T1CE: Modality[] = ['flair', 't1ce'];

const SPLITS: Record<string, { train: string | string[]; test: string[]; modalities?: Modality[] }[]> = {
  A: [{ train: BRATS15, test: BRATS18, modalities: FLAIR_T1CE }],
  X: BRATS18.map((t) => ({ train: t, test: [BRATS15, ...BRATS18].filter((c) => c !== t), modalities: FLAIR_T1CE })),
  B: BRATS18.map((t) => ({ train: t, test: BRATS18.filter((c) => c !== t) })),
  L: BRATS18.map((t) => ({ train: BRATS18.filter((c) => c !== t), test: [t] })),
};

const args = parseArgs(process.argv.slice(2));
const splits = (args.flags.get('splits')?.[0] ?? 'A,X').split(',');
const seeds = (args.flags.get('seeds')?.[0] ?? '1').split(',').map(Number);
const epochs = Number(args.flags.get('epochs')?.[0] ?? 20);
const detail = args.flags.has('detail');
const base = { mapping: ['flair', 't1ce', 'flair'] as ExperimentSettings['mapping'], head: DEFAULT_HEAD };
const variants = (args.flags.get('variants') ?? ['']).map((v) => ({ ...parseVariant(v, base), name: v || 'defaults' }));

if (!existsSync(join(REAL, BRATS15))) throw new Error(`no real cases at ${REAL}`);
const cases = new Map<string, CaseVolumes>();
const load = (id: string, modalities?: Modality[]): CaseVolumes => {
  if (!cases.has(id)) cases.set(id, { ...caseVolumes(loadCase(join(REAL, id))), id });
  const c = cases.get(id)!;
  // A training case on fewer modalities hides the others, as a case that lacks them would: the
  // head then reads only those, on every test case.
  return modalities ? { ...c, volumes: Object.fromEntries(modalities.filter((m) => c.volumes[m]).map((m) => [m, c.volumes[m]])) } : c;
};

const noBackbone = { dim: 1, modelHash: 'none', embed: async () => { throw new Error('these runs read no backbone: use a voxel-inputs head'); } };
const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
for (const v of variants) {
  const line = [v.name.padEnd(24)];
  for (const split of splits) {
    const rows: number[][] = [];
    for (const seed of seeds) {
      for (const f of SPLITS[split]) {
        const settings: ExperimentSettings = { ...DEFAULT_SETTINGS, ...v.head, mapping: v.mapping, task: 'regions', epochs, seed };
        const { cases: results } = await runExperiment({ train: [f.train].flat().map((id) => load(id, f.modalities)), test: f.test.map((t) => load(t)), settings, backbone: noBackbone, store: memoryFeatureStore() });
        for (const r of results) {
          const dice = ['WT', 'TC', 'ET'].map((region) => r.scores.find((s) => s.region === region)?.dice ?? NaN);
          rows.push(dice);
          if (detail) console.log(`  ${split} seed ${seed} ${f.train} -> ${r.id}: ${dice.map((d) => d.toFixed(3)).join(' / ')}`);
        }
      }
    }
    line.push(`${split}: ${[0, 1, 2].map((i) => mean(rows.map((r) => r[i]).filter(Number.isFinite)).toFixed(3)).join(' / ')}`);
  }
  console.log(`${line.join('   ')}   (WT / TC / ET mean Dice, seeds ${seeds.join(',')})`);
}
