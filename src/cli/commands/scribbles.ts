/**
 * Scribbles in batch: each case's saved scribbles (.nii.gz, as the studio exports them) train a
 * head through the same round as the app; the prediction is written and, where the case has a
 * label map, scored against it. For collecting many users' scribbles and comparing them.
 */
import { BACKEND_FLAG } from '../tfNode.ts';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { caseVolumes, referenceVolume } from '../../core/case/case.ts';
import { prepareCase } from '../../core/experiments/experiment.ts';
import { parseMapping } from '../../core/features/channels.ts';
import { memoryFeatureStore } from '../../core/features/store.ts';
import { predictVolume } from '../../core/heads/predict.ts';
import { SCRIBBLE_PRESETS, scribbleTask } from '../../core/scribbles/classes.ts';
import { ROUND_DEFAULTS, scribbleRound } from '../../core/scribbles/round.ts';
import { scribbleScores } from '../../core/scribbles/scores.ts';
import { fromF16Array } from '../../core/weights/f16.ts';
import { compareGrids, exportLikeSource, loadVolume } from '../../core/volume.ts';
import { flag, intFlag, type ParsedArgs, UsageError } from '../args.ts';
import { readoutJson, regionReadout } from '../../core/metrics/readout.ts';
import { loadBackbone, loadCase, cliProgress, readOptions, ROLE_FLAG, roleOverrides } from './runSetup.ts';

export const scribblesHelp = `scribbles --case DIR... --scribbles FILE... --weights W.safetensors [--mapping flair,t1ce,t2] [--classes brats|lesion] [--size 224] [--steps 300] [--out-dir DIR] ${ROLE_FLAG} ${BACKEND_FLAG}`;

export async function scribbles(args: ParsedArgs): Promise<unknown> {
  const dirs = args.flags.get('case') ?? [];
  const files = args.flags.get('scribbles') ?? [];
  if (!dirs.length || dirs.length !== files.length) throw new UsageError('give one --scribbles file per --case folder, in the same order');
  const preset = flag(args, 'classes', 'brats');
  if (!(preset in SCRIBBLE_PRESETS)) throw new UsageError(`--classes must be one of ${Object.keys(SCRIBBLE_PRESETS).join(', ')}`);
  const classes = SCRIBBLE_PRESETS[preset as keyof typeof SCRIBBLE_PRESETS].classes;
  const mapping = parseMapping(flag(args, 'mapping', 'flair,t1ce,t2'));
  const size = intFlag(args, 'size', 224);
  const steps = intFlag(args, 'steps', ROUND_DEFAULTS.steps);
  const overrides = roleOverrides(args);
  // Every file is read and checked before the backbone loads: a wrong grid should not wait for it.
  const inputs = dirs.map((dir, i) => {
    const c = loadCase(dir, overrides, readOptions(args));
    const s = loadVolume(new Uint8Array(readFileSync(files[i])), files[i]);
    const mismatch = compareGrids(referenceVolume(c), s);
    if (mismatch) throw new Error(`${files[i]} is not on the grid of case ${c.id}: ${mismatch.detail}`);
    return { c, scribbles: Uint8Array.from(s.data) };
  });
  const { backbone, description } = await loadBackbone(args);
  const store = memoryFeatureStore();
  const outDir = args.flags.get('out-dir')?.[0];
  if (outDir) mkdirSync(outDir, { recursive: true });
  const results = [];
  const progress = cliProgress();
  for (const { c, scribbles } of inputs) {
    const p = await prepareCase(caseVolumes(c), { mapping, plane: 'axial', size }, backbone, store, progress.update);
    const features = async (k: number) => fromF16Array((await store.get(p.key, k))!);
    const round = await scribbleRound({ head: null, classes, scribbles, g: p.g, featureSlices: p.slices, features, viewSlice: null, steps, learningRate: ROUND_DEFAULTS.learningRate, refreshMs: Infinity, seed: 0, onSlice: () => undefined, pause: async () => false });
    const prediction = await predictVolume(round.head, scribbleTask(classes), p.g, p.slices, features);
    if (outDir) {
      writeFileSync(join(outDir, `${c.id}.nii.gz`), exportLikeSource(referenceVolume(c), Float32Array.from(prediction), { datatype: 2, descrip: 'dino-seg-studio prediction from scribbles' }));
    }
    results.push({
      case: c.id,
      scribbled: Object.fromEntries(classes.map((cls, i) => [cls.name, round.samples.counts[i]])),
      ignoredVoxels: round.samples.ignored,
      loss: +round.loss.toFixed(4),
      dice: c.labels ? Object.fromEntries(scribbleScores(prediction, c.labels.data, classes).map((s) => [s.name, s.dice === null ? null : +s.dice.toFixed(4)])) : null,
      readout: readoutJson(regionReadout(prediction, referenceVolume(c).dims, referenceVolume(c).spacing)),
    });
  }
  progress.finish();
  return { model: description, classes: classes.map((c) => c.name), mapping: mapping.join(','), steps, cases: results, outDir: outDir ?? null };
}
