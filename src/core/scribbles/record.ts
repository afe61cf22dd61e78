/**
 * A scribble session as an experiment: the head trained on the scribbles, scored against the label
 * map when there is one, with the scribbles themselves and the Dice-against-strokes curve inside,
 * so it is listed, compared, exported and restored like any other run.
 */
import { gunzipSync, gzipSync } from 'fflate';
import { fromBase64, toBase64 } from '../base64.ts';
import type { ChannelMapping } from '../features/channels.ts';
import { mappingKey } from '../features/channels.ts';
import type { Plane } from '../features/slices.ts';
import type { RegionScore } from '../heads/predict.ts';
import type { SliceCurve } from '../metrics/perSlice.ts';
import { mappingName } from '../experiments/compare.ts';
import { EXPERIMENT_FORMAT, type ExperimentRecord, type ModelDescription, type ScribbleTrace, scoreRecords } from '../experiments/record.ts';
import type { ScribbleClass } from './classes.ts';
import { ROUND_DEFAULTS } from './round.ts';

export function scribbleRecord(o: {
  caseId: string;
  mapping: ChannelMapping;
  model: ModelDescription;
  input: { plane: Plane; size: number };
  classes: ScribbleClass[];
  strokes: number;
  scribbled: number[];
  curve: ScribbleTrace['curve'];
  scribbles: Uint8Array;
  scores: RegionScore[];
  perSlice: SliceCurve;
  seed: number;
}): ExperimentRecord {
  return {
    format: EXPERIMENT_FORMAT,
    id: `${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}`,
    name: `Scribbles, ${o.strokes} strokes (${mappingName(o.mapping)})`,
    createdAt: new Date().toISOString(),
    mapping: mappingKey(o.mapping),
    model: o.model,
    input: o.input,
    // A round is ROUND_DEFAULTS.steps mini-batch steps after each stroke, weighted cross-entropy only.
    settings: { task: 'labels', epochs: 0, batchSize: 512, learningRate: ROUND_DEFAULTS.learningRate, seed: o.seed, validation: 0, oversampleTumour: 1, healthyEvery: 1, loss: { crossEntropy: 1, dice: 0 } },
    cases: [{ id: o.caseId, evaluation: { kind: 'scribbles', strokes: o.strokes, scribbled: o.scribbled }, scores: scoreRecords(o.scores), perSlice: o.perSlice }],
    scribbles: { classes: o.classes, strokes: o.strokes, curve: o.curve, volume: toBase64(gzipSync(o.scribbles, { level: 6 })) },
  };
}

/** The scribble volume an experiment kept. */
export function scribblesOf(r: ExperimentRecord): Uint8Array | null {
  return r.scribbles ? gunzipSync(fromBase64(r.scribbles.volume)) : null;
}
