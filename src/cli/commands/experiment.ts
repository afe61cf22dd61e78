import { volumesJson } from '../../core/experiments/record.ts';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { referenceVolume } from '../../core/case/case.ts';
import { type ExperimentSettings, headOf, runExperiment, summarise } from '../../core/experiments/experiment.ts';
import { mappingKey, parseMapping } from '../../core/features/channels.ts';
import { exportLikeSource } from '../../core/volume.ts';
import { flag, type ParsedArgs } from '../args.ts';
import { modalitiesFlag } from '../headFlags.ts';
import { announceExtraction, backboneMappings, caseFolders, chosenTask, extractionWork, featureCacheUsage, loadBackbone, cliProgress, DATASET_FLAGS, runFeatureStore, TEST_SHARD_FLAGS, TRAINING_FLAGS, trainingFlags } from './runSetup.ts';

export const experimentHelp = `experiment (--train DIR... --test DIR... | ${DATASET_FLAGS}) ${TEST_SHARD_FLAGS} --mapping flair,t1ce,t2 [--modalities flair,t1,t1ce,t2] ${TRAINING_FLAGS} [--out-dir DIR]`;

export async function experiment(args: ParsedArgs): Promise<unknown> {
  const settings: ExperimentSettings = { ...trainingFlags(args), mapping: parseMapping(flag(args, 'mapping', 'flair,t1ce,t2')) };
  // What the run may read; by default every modality the training cases share.
  if (args.flags.has('modalities')) settings.modalities = modalitiesFlag(args, 'modalities');
  const { train, test, split } = caseFolders(args, true, backboneMappings([{ mapping: settings.mapping, head: headOf(settings) }]));
  settings.task = await chosenTask(args, train);
  const { backbone, description } = await loadBackbone(args);
  const extractionEstimate = await announceExtraction([...train, ...test], backbone, settings.size, extractionWork([{ mapping: settings.mapping, head: headOf(settings) }], settings.plane));
  const start = performance.now();
  const { store, explain } = await runFeatureStore(args, [...train, ...test]);
  const progress = cliProgress();
  const { cases, inputs } = await runExperiment({ train, test, settings, store, backbone, onProgress: progress.update }).catch(async (e) => {
    throw await explain(e);
  });
  progress.finish();
  const outDir = args.flags.get('out-dir')?.[0];
  if (outDir) {
    mkdirSync(outDir, { recursive: true });
    for (const [i, r] of cases.entries()) {
      writeFileSync(join(outDir, `${r.id}.nii.gz`), exportLikeSource(referenceVolume(test[i].read()), Float32Array.from(r.prediction), { datatype: 2, descrip: 'dino-seg-studio prediction' }));
    }
  }
  const hd = (v: number) => (Number.isFinite(v) ? +v.toFixed(2) : null);
  return {
    model: description,
    settings: { ...settings, mapping: mappingKey(settings.mapping), train: train.map((c) => c.id), test: test.map((c) => c.id) },
    split: split ?? null,
    inputs,
    cases: cases.map((r) => ({ case: r.id, regions: Object.fromEntries(r.scores.map((s) => [s.region, { dice: s.dice === null ? null : +s.dice.toFixed(4), hd95: hd(s.hd95) }])), volumes: volumesJson(r.volumes) })),
    mean: summarise(cases),
    extractionEstimate,
    featureCache: await featureCacheUsage(store),
    diceConvention: 'null when the region is in neither the prediction nor the truth (absent, not scored); means leave it out and count it as absent',
    hd95Convention: 'null when exactly one of prediction and truth is empty; 0 when both are',
    seconds: Math.round((performance.now() - start) / 100) / 10,
    outDir: outDir ?? null,
  };
}
