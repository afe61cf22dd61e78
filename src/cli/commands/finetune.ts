/**
 * `finetune`: the frozen linear probe against the same probe with a LoRA or Rein adapter trained
 * through the backbone's last blocks, on the same split, seed and head settings. With test cases
 * it trains on the training cases and scores the test cases; without, it holds out slices of each
 * training case as the app's Train step does. Writes the adapter's files to --out-dir.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Adapter } from '../../core/adapters/adapter.ts';
import { type AdapterSettings, DEFAULT_ADAPTERS, describeAdapter } from '../../core/adapters/create.ts';
import { heldOutAdapterRun, runAdapterExperiment } from '../../core/adapters/experiment.ts';
import { adapterFiles } from '../../core/adapters/files.ts';
import { peftBaseModel } from '../../core/adapters/peft.ts';
import type { BlockLinear } from '../../core/models/dinov2/model.ts';
import { type ExperimentSettings, prepareCase, runExperiment } from '../../core/experiments/experiment.ts';
import { heldOutRun } from '../../core/experiments/heldOut.ts';
import { mappingKey, parseMapping } from '../../core/features/channels.ts';
import type { RegionScore } from '../../core/heads/predict.ts';
import { fromF16Array } from '../../core/weights/f16.ts';
import { flag, intFlag, type ParsedArgs, UsageError } from '../args.ts';
import { caseFolders, chosenTask, cliProgress, DATASET_FLAGS, loadBackbone, ROLE_FLAG, runFeatureStore, TEST_SHARD_FLAGS, trainingFlags } from './runSetup.ts';
import { BACKEND_FLAG } from '../tfNode.ts';

export const finetuneHelp = `finetune (--train DIR... [--test DIR...] | ${DATASET_FLAGS}) ${TEST_SHARD_FLAGS} --mapping flair,t1ce,t2 ${ROLE_FLAG} ${BACKEND_FLAG} --weights W.safetensors [--features STORE] [--size 224] [--lr 0.01] [--batch 8] [--task regions|binary|labels] --adapter lora|rein [--rank 8] [--alpha 16] [--blocks 2] [--targets qkv,proj] [--tokens 100] [--adapter-lr 0.001] [--epochs 10] [--seed 0] [--out-dir DIR] [--base-model NAME (default: facebook/dinov2-* by the backbone's width)]`;

export function adapterFlags(args: ParsedArgs, seed: number): AdapterSettings {
  const kind = flag(args, 'adapter', 'lora');
  if (kind !== 'lora' && kind !== 'rein') throw new UsageError('--adapter must be lora or rein');
  const base = DEFAULT_ADAPTERS[kind];
  const learningRate = Number(flag(args, 'adapter-lr', String(base.learningRate)));
  if (!(learningRate >= 0)) throw new UsageError('--adapter-lr is a learning rate, 0 or more');
  const common = { blocks: intFlag(args, 'blocks', base.blocks), rank: intFlag(args, 'rank', base.rank), seed, learningRate };
  if (kind === 'rein') return { ...(base as Extract<AdapterSettings, { kind: 'rein' }>), ...common, tokens: intFlag(args, 'tokens', (base as Extract<AdapterSettings, { kind: 'rein' }>).tokens) };
  const lora = base as Extract<AdapterSettings, { kind: 'lora' }>;
  const targets = flag(args, 'targets', lora.targets.join(',')).split(',') as BlockLinear[];
  for (const t of targets) if (!['qkv', 'proj', 'fc1', 'fc2'].includes(t)) throw new UsageError(`--targets takes qkv, proj, fc1, fc2; got "${t}"`);
  return { ...lora, ...common, alpha: Number(flag(args, 'alpha', String(lora.alpha))), targets };
}

const dice = (scores: RegionScore[]) => Object.fromEntries(scores.map((s) => [s.region, s.dice === null ? null : +s.dice.toFixed(4)]));

export async function finetune(args: ParsedArgs): Promise<unknown> {
  const settings: ExperimentSettings = { ...trainingFlags(args), head: 'linear', hidden: [], mapping: parseMapping(flag(args, 'mapping', 'flair,t1ce,t2')) };
  const adapterSettings = adapterFlags(args, settings.seed);
  const { train, test, split } = caseFolders(args, false, [settings.mapping]);
  settings.task = await chosenTask(args, train);
  const { backbone, description, model } = await loadBackbone(args, { gpu: false });
  const [trainCases, testCases] = [train, test];
  const { store } = await runFeatureStore(args, [...trainCases, ...testCases]);
  const progress = cliProgress();
  const start = performance.now();
  const plan = { steps: 0, secondsPerStep: 0 };
  const options = {
    model,
    modelHash: backbone.modelHash,
    store,
    adapter: adapterSettings,
    onProgress: progress.update,
    onPlan: (p: typeof plan) => {
      Object.assign(plan, p);
      process.stderr.write(`${adapterSettings.kind}: ${p.steps} training steps at ${p.secondsPerStep.toFixed(2)} s a step: about ${Math.ceil((p.steps * p.secondsPerStep) / 60)} min\n`);
    },
    onStep: (s: { step: number; loss: number }) => progress.update(`${adapterSettings.kind}: step ${s.step}/${plan.steps}, loss ${s.loss.toFixed(3)}`),
  };
  let adapter: Adapter;
  let cases: { case: string; heldOutSlices?: number; frozen: Record<string, number | null>; adapted: Record<string, number | null> }[];
  if (testCases.length) {
    const frozen = await runExperiment({ train: trainCases, test: testCases, settings, backbone, store, onProgress: progress.update });
    const adapted = await runAdapterExperiment(trainCases, testCases, settings, options);
    adapter = adapted.adapter;
    cases = frozen.cases.map((f, i) => ({ case: f.id, frozen: dice(f.scores), adapted: dice(adapted.cases[i].scores) }));
  } else {
    if (trainCases.length !== 1) throw new UsageError('without --test, give one --train case: its slices are split into training and held-out ones (or give --test cases)');
    const c = await trainCases[0].load();
    const held = { ...settings, validation: 0.2 };
    const p = await prepareCase(c, settings, backbone, store, progress.update);
    const frozen = await heldOutRun({ id: c.id, labels: c.labels!, geometry: p.g, spacing: c.spacing, slices: p.slices, dim: backbone.dim, features: async (k) => fromF16Array((await store.get(p.key, k))!) }, held);
    const adapted = await heldOutAdapterRun(c, held, options);
    adapter = adapted.adapter;
    cases = [{ case: c.id, heldOutSlices: frozen.heldOut.length, frozen: dice(frozen.scores), adapted: dice(adapted.scores) }];
  }
  progress.finish();
  const outDir = args.flags.get('out-dir')?.[0];
  const written: string[] = [];
  if (outDir) {
    mkdirSync(outDir, { recursive: true });
    for (const [name, bytes] of Object.entries(adapterFiles(adapter, model.config, flag(args, 'base-model', peftBaseModel(model.config))))) {
      writeFileSync(join(outDir, name), bytes);
      written.push(join(outDir, name));
    }
  }
  return {
    model: description,
    settings: { ...settings, mapping: mappingKey(settings.mapping), train: train.map((c) => c.id), test: test.map((c) => c.id) },
    adapter: { ...adapterSettings, description: describeAdapter(adapterSettings), parameters: adapter.variables().reduce((a, v) => a + v.size, 0) },
    split: split ?? null,
    evaluation: testCases.length ? 'trained on the training cases, scored on the test cases' : 'held-out slices of the training case (the app\'s Train step split)',
    cases,
    training: { steps: plan.steps, secondsPerStep: +plan.secondsPerStep.toFixed(3) },
    diceConvention: 'null when the region is in neither the prediction nor the truth',
    seconds: Math.round((performance.now() - start) / 100) / 10,
    files: written,
  };
}
