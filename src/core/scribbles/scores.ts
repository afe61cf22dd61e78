/**
 * How close a scribble-trained prediction is to a reference label map: the BraTS regions when the
 * classes are BraTS's, else one Dice per named class. The reference is only ever scored against.
 */
import { diceScore } from '../metrics/dice.ts';
import { REGIONS, regionMask } from '../metrics/regions.ts';
import type { ScribbleClass } from './classes.ts';

export interface ClassScore {
  name: string;
  dice: number | null;
}

export function scribbleScores(prediction: Uint8Array, truth: Uint8Array, classes: ScribbleClass[]): ClassScore[] {
  const named = classes.slice(1);
  const brats = named.length === 3 && [1, 2, 4].every((l) => named.some((c) => c.label === l));
  if (brats) return REGIONS.map((r) => ({ name: r.id, dice: diceScore(regionMask(prediction, r.id), regionMask(truth, r.id)) }));
  return named.map((c) => ({ name: c.name, dice: diceScore(equalTo(prediction, c.label), equalTo(truth, c.label)) }));
}

function equalTo(labels: Uint8Array, value: number): Uint8Array {
  const out = new Uint8Array(labels.length);
  for (let i = 0; i < labels.length; i++) out[i] = labels[i] === value ? 1 : 0;
  return out;
}
