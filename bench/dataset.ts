/**
 * npm run bench:dataset: what a dataset workspace costs. N synthetic BraTS-sized cases (240 x 240
 * x 155 by default) go through the core's path the worker runs: features of one mapping into a
 * feature store (a stand-in backbone returns ViT-S-sized, 384-d patch grids in a few ms, so the
 * numbers are the workspace's own costs, not the backbone's: see npm run bench for that), then one
 * head trained at today's default settings on N - 1 cases and tested on the last. Cases are files
 * on disk decoded when a step needs them, as the worker decodes a dataset's files.
 * Prints: the store's bytes per case per mapping, seconds for preparation (reading, filter bank,
 * features) and for training, and the process's peak memory, sampled every 100 ms.
 *   BENCH_DATASET_CASES=16  BENCH_DATASET_DIMS=240,240,155
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { assembleCase, caseVolumes, type LazyCase } from '../src/core/case/case.ts';
import { readCaseFiles } from '../src/core/case/load.ts';
import { DEFAULT_SETTINGS, runExperiment } from '../src/core/experiments/experiment.ts';
import { memoryFeatureStore } from '../src/core/features/store.ts';
import { generateSyntheticCase } from '../src/core/synthetic/brats.ts';
import { syntheticCaseFiles } from '../src/core/synthetic/files.ts';

const cases = Number(process.env.BENCH_DATASET_CASES ?? 16) + 1;
const dims = (process.env.BENCH_DATASET_DIMS ?? '240,240,155').split(',').map(Number) as [number, number, number];
const DIM = 384;

let peak = 0;
const sample = () => (peak = Math.max(peak, process.memoryUsage().rss));
const timer = setInterval(sample, 100);

// Cases as the app holds them: files, decoded by the run when a step needs them (LazyCase).
const dir = join(tmpdir(), `bench-dataset-${dims.join('x')}`);
const t0 = performance.now();
const lazyCases: LazyCase[] = [...Array(cases).keys()].map((i) => {
  const id = `synthetic-${100 + i}`;
  const folder = join(dir, id);
  if (!existsSync(folder)) {
    mkdirSync(folder, { recursive: true });
    for (const f of syntheticCaseFiles(generateSyntheticCase({ seed: 100 + i, dims }))) writeFileSync(join(folder, f.name), f.bytes);
  }
  const load = async () => {
    const named = readdirSync(folder).map((name) => ({ name, bytes: new Uint8Array(readFileSync(join(folder, name))) }));
    return caseVolumes(assembleCase(readCaseFiles(named).loaded, { id }));
  };
  return { id, modalities: ['flair', 't1', 't1ce', 't2'], hasLabels: true, load };
});
const generateSeconds = (performance.now() - t0) / 1000;
const oneCase = await lazyCases[0].load();
const caseMb = (Object.values(oneCase.volumes).reduce((a, v) => a + v!.byteLength, 0) + (oneCase.labels?.byteLength ?? 0)) / 1e6;
const store = memoryFeatureStore();
const backbone = {
  dim: DIM,
  modelHash: 'stand-in',
  embed: async (_: Float32Array, size: number) => {
    const g = size / 14;
    return Float32Array.from({ length: g * g * DIM }, (_, i) => Math.sin(i * 0.013));
  },
};
const marks: { text: string; at: number }[] = [];
const t1 = performance.now();
const { cases: tested } = await runExperiment({
  train: lazyCases.slice(0, -1),
  test: lazyCases.slice(-1),
  settings: { ...DEFAULT_SETTINGS, mapping: ['flair', 't1ce', 't2'], head: 'fine' },
  backbone,
  store,
  onProgress: (text) => marks.push({ text, at: performance.now() }),
});
const total = (performance.now() - t1) / 1000;
const firstStep = marks.find((m) => m.text.startsWith('training'))?.at ?? t1;
const lastStep = [...marks].reverse().find((m) => m.text.startsWith('training'))?.at ?? t1;
clearInterval(timer);
sample();
const usage = await store.usage();
console.log(
  JSON.stringify(
    {
      cases: { train: cases - 1, test: 1, dims },
      writeSecondsFirstRun: +generateSeconds.toFixed(1),
      decodedCaseMb: +caseMb.toFixed(0),
      allCasesDecodedWouldBeMb: Math.round(caseMb * cases),
      featureStoreMbPerCasePerMapping: +(usage.bytes / cases / 1e6).toFixed(1),
      seconds: { prepareTrainingCases: +((firstStep - t1) / 1000).toFixed(1), training: +((lastStep - firstStep) / 1000).toFixed(1), total: +total.toFixed(1) },
      peakRssMb: Math.round(peak / 1e6),
      testDice: tested[0].scores.map((s) => `${s.region} ${s.dice?.toFixed(3)}`).join(', '),
    },
    null,
    1,
  ),
);
