/**
 * An experiment as the studio keeps it: what was run (cases, mapping, model, input, task, head
 * and training settings, split, seed) and what came of it, as plain JSON for IndexedDB, export
 * and import. Predictions are kept beside it, not in it: they are volumes.
 */
import * as v from 'valibot';
import type { Plane } from '../features/slices.ts';
import type { RegionScore } from '../heads/predict.ts';
import type { Region } from '../metrics/regions.ts';
import type { SliceCurve } from '../metrics/perSlice.ts';
import type { ScribbleClass } from '../scribbles/classes.ts';
import type { HeldOutSettings } from './heldOut.ts';
import type { HeadSettings } from '../heads/headSettings.ts';

import type { CaseSplit } from '../dataset/split.ts';
import type { AdapterSettings } from '../adapters/create.ts';
import type { RunInputs } from './inputs.ts';
import { rounded } from '../metrics/readout.ts';

export const EXPERIMENT_FORMAT = 'dino-seg-studio/experiment@1';

export interface ModelDescription {
  name: string;
  randomWeights: boolean;
  dim: number;
}

export interface CaseOutcome {
  id: string;
  /** How it was evaluated: the held-out block of its own slices, or as an unseen test case. */
  evaluation:
    | { kind: 'held-out slices'; trainSlices: number[]; heldOut: number[] }
    | { kind: 'test case'; trainCases: string[] }
    /** Trained on scribbles, scored against the whole label map (never trained on). */
    | { kind: 'scribbles'; strokes: number; scribbled: number[] };
  /** dice null: the region is in neither the prediction nor the truth (absent, not scored). */
  scores: { region: Region; dice: number | null; hd95: number | null }[];
  perSlice: SliceCurve;
  /** A test case's region volumes, predicted and in its label map (mL); absent for held-out slices, where part of the volume was trained on. */
  volumes?: RegionVolume[];
}

export interface RegionVolume {
  region: Region;
  predictedMl: number;
  truthMl: number | null;
}

/** Volumes as the CLI's JSON gives them: per region, predicted and true mL to 3 decimals. */
export const volumesJson = (volumes: RegionVolume[]) => Object.fromEntries(volumes.map((v) => [v.region, { predictedMl: rounded(v.predictedMl, 3), truthMl: v.truthMl === null ? null : rounded(v.truthMl, 3) }]));

export interface ExperimentRecord {
  format: typeof EXPERIMENT_FORMAT;
  id: string;
  name: string;
  createdAt: string;
  /** e.g. "flair,t1ce,t2" (none for an empty channel) */
  mapping: string;
  model: ModelDescription;
  input: { plane: Plane; size: number };
  /** Head settings are absent in records made before heads had any: those ran the seed's linear probe. */
  settings: Omit<HeldOutSettings, 'loss'> & Partial<HeadSettings> & { loss: { crossEntropy: number; dice: number }; adapter?: AdapterSettings };
  /** What the run read (absent in records made before runs named their inputs). */
  inputs?: RunInputs;
  cases: CaseOutcome[];
  /** Cases split by case (a dataset run): which trained, validated and tested, so a run can be repeated. */
  split?: CaseSplit;
  /** A scribble experiment keeps its scribbles (gzipped NIfTI-free voxels, base64) and its Dice-against-strokes curve. */
  scribbles?: ScribbleTrace;
}

export interface ScribbleTrace {
  classes: ScribbleClass[];
  strokes: number;
  /** Dice after each stroke count, when the case had a label map. */
  curve: { strokes: number; scores: { name: string; dice: number | null }[] }[];
  /** The scribble volume on the canonical grid (class i = value i + 1), gzipped, base64. */
  volume: string;
}

/** HD95 is Infinity when exactly one mask is empty; JSON has no Infinity, so it is stored as null. */
export function scoreRecords(scores: RegionScore[]): CaseOutcome['scores'] {
  return scores.map((s) => ({ region: s.region, dice: s.dice, hd95: Number.isFinite(s.hd95) ? s.hd95 : null }));
}

/** What an imported experiment must hold for the studio to list, compare and report it (other keys pass through). */
const score = v.nullable(v.number());
const experimentFile = v.looseObject({
  id: v.string(),
  name: v.string(),
  mapping: v.string(),
  model: v.looseObject({ name: v.string(), randomWeights: v.boolean(), dim: v.number() }),
  input: v.looseObject({ plane: v.picklist(['axial', 'coronal', 'sagittal']), size: v.number() }),
  settings: v.looseObject({}),
  cases: v.array(
    v.looseObject({
      id: v.string(),
      evaluation: v.looseObject({ kind: v.picklist(['held-out slices', 'test case', 'scribbles']) }),
      scores: v.array(v.looseObject({ region: v.string(), dice: score, hd95: score })),
      perSlice: v.looseObject({ slices: v.array(v.number()), dice: v.record(v.string(), v.array(score)) }),
    }),
  ),
});

/** Checks a parsed JSON document (an import) and names what is wrong. */
export function parseExperiments(json: unknown): ExperimentRecord[] {
  const list = Array.isArray(json) ? json : (json as { experiments?: unknown })?.experiments;
  if (!Array.isArray(list)) throw new Error('not an experiments file: expected a list of experiments');
  return list.map((e, i) => {
    const r = e as Partial<ExperimentRecord>;
    if (r?.format !== EXPERIMENT_FORMAT) {
      const version = /^dino-seg-studio\/experiment@(\d+)$/.exec(String(r?.format))?.[1];
      if (version && Number(version) > 1) throw new Error(`experiment ${i + 1} was written by a newer version of the studio (experiment@${version}); this one reads experiment@1: open it in the newer studio, or update this one`);
      throw new Error(`experiment ${i + 1} is not in the studio's format (${EXPERIMENT_FORMAT})`);
    }
    const checked = v.safeParse(experimentFile, r);
    if (!checked.success) {
      const issue = checked.issues[0];
      const path = v.getDotPath(issue) ?? 'document';
      const what = issue.input === undefined ? `lacks "${path}"` : `has a "${path}" that is not what an experiment holds (${issue.message})`;
      throw new Error(`experiment ${i + 1} (${r.name ?? r.id ?? '?'}) ${what}`);
    }
    return r as ExperimentRecord;
  });
}
