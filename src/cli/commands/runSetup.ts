/** What `experiment` and `compare` share: cases from folders, training flags, the backbone. */
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { assembleCase, type BratsCase } from '../../core/case/case.ts';
import { readCaseFiles } from '../../core/case/load.ts';
import { DEFAULT_SETTINGS } from '../../core/experiments/experiment.ts';
import type { Backbone } from '../../core/experiments/experiment.ts';
import type { Task } from '../../core/heads/tasks.ts';
import { contentHash } from '../../core/hash.ts';
import { loadDinoV2 } from '../../core/models/dinov2/load.ts';
import { flag, intFlag, type ParsedArgs, UsageError } from '../args.ts';
import { caseIdOfInputs, readCaseInputs } from '../files.ts';
import { HEAD_FLAGS, headFlags } from '../headFlags.ts';
import { useNodeBackend } from '../tfNode.ts';

export const TRAINING_FLAGS = `--weights W.safetensors --epochs N --seed S [--size 224] [--lr 0.01] [--batch 8] [--task regions|binary|labels] ${HEAD_FLAGS}`;

export function loadCase(dir: string): BratsCase {
  const { loaded, failed } = readCaseFiles(readCaseInputs([dir]));
  if (failed.length) throw new Error(failed.map((f) => `${f.name}: ${f.error}`).join('\n'));
  return assembleCase(loaded, { id: caseIdOfInputs([dir]) ?? basename(dir) });
}

export function caseFolders(args: ParsedArgs, testRequired: boolean): { train: BratsCase[]; test: BratsCase[] } {
  const trainDirs = args.flags.get('train') ?? [];
  const testDirs = args.flags.get('test') ?? [];
  if (!trainDirs.length || (testRequired && !testDirs.length)) throw new UsageError(testRequired ? 'give --train and --test folders' : 'give --train folders (and --test folders, or none to hold out slices)');
  return { train: trainDirs.map(loadCase), test: testDirs.map(loadCase) };
}

export function trainingFlags(args: ParsedArgs) {
  const task = flag(args, 'task', 'regions') as Task;
  if (!['regions', 'binary', 'labels'].includes(task)) throw new UsageError('--task must be regions, binary or labels');
  return {
    ...DEFAULT_SETTINGS,
    size: intFlag(args, 'size', DEFAULT_SETTINGS.size),
    epochs: intFlag(args, 'epochs', DEFAULT_SETTINGS.epochs),
    batchSize: intFlag(args, 'batch', DEFAULT_SETTINGS.batchSize),
    seed: intFlag(args, 'seed', DEFAULT_SETTINGS.seed),
    learningRate: Number(flag(args, 'lr', String(DEFAULT_SETTINGS.learningRate))),
    task,
    ...headFlags(args),
  };
}

export async function loadBackbone(args: ParsedArgs) {
  const weightPaths = args.flags.get('weights') ?? [];
  if (!weightPaths.length) throw new UsageError('missing --weights');
  const backendName = await useNodeBackend('wasm');
  const files = weightPaths.map((p) => new Uint8Array(readFileSync(p)));
  const model = loadDinoV2(files);
  const backbone: Backbone = {
    dim: model.config.dim,
    modelHash: await contentHash(files),
    embed: async (input, s) => tf.tidy(() => model.forward(tf.tensor4d(input, [1, 3, s, s])).patches.dataSync() as Float32Array),
  };
  const description = { weights: weightPaths.map((p) => basename(p)), randomWeights: model.config.randomWeights, dim: model.config.dim, depth: model.config.depth, backend: backendName };
  return { backbone, description };
}

export const progressLine = (text: string) => process.stderr.write(`\r${text.slice(0, 100).padEnd(100)}`);
