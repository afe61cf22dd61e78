import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { assembleCase, type BratsCase } from '../../core/case/case.ts';
import { readCaseFiles } from '../../core/case/load.ts';
import { MODALITIES } from '../../core/case/roles.ts';
import { DEFAULT_SETTINGS, type ExperimentSettings, runExperiment, summarise } from '../../core/experiments/experiment.ts';
import { parseMapping } from '../../core/features/channels.ts';
import { memoryFeatureStore } from '../../core/features/store.ts';
import type { Task } from '../../core/heads/tasks.ts';
import { contentHash } from '../../core/hash.ts';
import { loadDinoV2 } from '../../core/models/dinov2/load.ts';
import { exportLikeSource } from '../../core/volume.ts';
import { flag, intFlag, type ParsedArgs, UsageError } from '../args.ts';
import { caseIdOfInputs, readCaseInputs } from '../files.ts';
import { useNodeBackend } from '../tfNode.ts';

export const experimentHelp =
  'experiment --train DIR... --test DIR... --mapping flair,t1ce,t2 --weights W.safetensors --epochs N --seed S [--size 224] [--lr 0.01] [--batch 8] [--task regions|binary|labels] [--out-dir DIR]';

function loadCase(dir: string): BratsCase {
  const { loaded, failed } = readCaseFiles(readCaseInputs([dir]));
  if (failed.length) throw new Error(failed.map((f) => `${f.name}: ${f.error}`).join('\n'));
  return assembleCase(loaded, { id: caseIdOfInputs([dir]) ?? basename(dir) });
}

export async function experiment(args: ParsedArgs): Promise<unknown> {
  const trainDirs = args.flags.get('train') ?? [];
  const testDirs = args.flags.get('test') ?? [];
  if (!trainDirs.length || !testDirs.length) throw new UsageError('give --train and --test folders');
  const task = flag(args, 'task', 'regions') as Task;
  if (!['regions', 'binary', 'labels'].includes(task)) throw new UsageError('--task must be regions, binary or labels');
  const settings: ExperimentSettings = {
    ...DEFAULT_SETTINGS,
    mapping: parseMapping(flag(args, 'mapping', 'flair,t1ce,t2')),
    size: intFlag(args, 'size', DEFAULT_SETTINGS.size),
    epochs: intFlag(args, 'epochs', DEFAULT_SETTINGS.epochs),
    batchSize: intFlag(args, 'batch', DEFAULT_SETTINGS.batchSize),
    seed: intFlag(args, 'seed', DEFAULT_SETTINGS.seed),
    learningRate: Number(flag(args, 'lr', String(DEFAULT_SETTINGS.learningRate))),
    task,
  };
  const weightPaths = args.flags.get('weights') ?? [];
  if (!weightPaths.length) throw new UsageError('missing --weights');
  const backendName = await useNodeBackend('wasm');
  const files = weightPaths.map((p) => new Uint8Array(readFileSync(p)));
  const model = loadDinoV2(files);
  const [train, test] = [trainDirs.map(loadCase), testDirs.map(loadCase)];
  const start = performance.now();
  const { cases } = await runExperiment({
    train,
    test,
    settings,
    store: memoryFeatureStore(),
    backbone: {
      dim: model.config.dim,
      modelHash: await contentHash(files),
      embed: async (input, s) => tf.tidy(() => model.forward(tf.tensor4d(input, [1, 3, s, s])).patches.dataSync() as Float32Array),
    },
    onProgress: (text) => process.stderr.write(`\r${text.padEnd(60)}`),
  });
  process.stderr.write('\n');
  const outDir = args.flags.get('out-dir')?.[0];
  if (outDir) {
    mkdirSync(outDir, { recursive: true });
    for (const [i, r] of cases.entries()) {
      const like = MODALITIES.map((m) => test[i].modalities[m]).find(Boolean)!;
      writeFileSync(join(outDir, `${r.id}.nii.gz`), exportLikeSource(like, Float32Array.from(r.prediction), { datatype: 2, descrip: 'dino-seg-studio prediction' }));
    }
  }
  const hd = (v: number) => (Number.isFinite(v) ? +v.toFixed(2) : null);
  return {
    model: { weights: weightPaths.map((p) => basename(p)), randomWeights: model.config.randomWeights, dim: model.config.dim, depth: model.config.depth, backend: backendName },
    settings: { ...settings, mapping: settings.mapping.map((m) => m ?? 'none').join(','), train: train.map((c) => c.id), test: test.map((c) => c.id) },
    cases: cases.map((r) => ({ case: r.id, regions: Object.fromEntries(r.scores.map((s) => [s.region, { dice: +s.dice.toFixed(4), hd95: hd(s.hd95) }])) })),
    mean: summarise(cases),
    hd95Convention: 'null when exactly one of prediction and truth is empty; 0 when both are',
    seconds: Math.round((performance.now() - start) / 100) / 10,
    outDir: outDir ?? null,
  };
}
