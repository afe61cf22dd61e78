/**
 * Which cases train, validate and test: by case, never by slice, since slices of one tumour look
 * alike and a held-out slice flatters every method. Seeded, so the app and the CLI make the same
 * split from the same cases; stored as JSON so a split made in one can be used in the other.
 */
import * as v from 'valibot';
import { mulberry32 } from '../synthetic/random.ts';

export const SPLIT_FORMAT = 'dino-seg-studio/split@1';
export const SPLIT_PARTS = ['train', 'validation', 'test'] as const;
export type SplitPart = (typeof SPLIT_PARTS)[number];

export interface CaseSplit {
  train: string[];
  validation: string[];
  test: string[];
  /** How it was made, when it was drawn rather than edited by hand. */
  seed?: number;
  testFraction?: number;
  validationFraction?: number;
}

export interface SplitOptions {
  seed: number;
  testFraction: number;
  validationFraction?: number;
}

/** A case's place in a seed's order: a hash of seed and id, so adding a case moves no other. */
function draw(seed: number, id: string): number {
  let h = 0x811c9dc5 ^ seed;
  for (let i = 0; i < id.length; i++) h = Math.imul(h ^ id.charCodeAt(i), 0x01000193);
  return mulberry32(h)();
}

/**
 * Test and validation cases are the first of the seed's order; both get at least one case when
 * their fraction is above zero and a training case is left, since an empty test set answers nothing.
 */
export function makeSplit(ids: string[], o: SplitOptions): CaseSplit {
  for (const [name, f] of [['test', o.testFraction], ['validation', o.validationFraction ?? 0]] as const) {
    if (!(f >= 0 && f < 1)) throw new Error(`the ${name} fraction must be at least 0 and below 1, not ${f}`);
  }
  const unique = [...new Set(ids)];
  const order = unique.map((id) => ({ id, r: draw(o.seed, id) })).sort((a, b) => a.r - b.r || (a.id < b.id ? -1 : 1));
  const count = (f: number, left: number) => (f > 0 && left > 1 ? Math.min(left - 1, Math.max(1, Math.round(unique.length * f))) : 0);
  const nTest = count(o.testFraction, unique.length);
  const nValidation = count(o.validationFraction ?? 0, unique.length - nTest);
  const pick = (from: number, to: number) => order.slice(from, to).map((c) => c.id).sort();
  return {
    train: pick(nTest + nValidation, order.length),
    validation: pick(nTest, nTest + nValidation),
    test: pick(0, nTest),
    seed: o.seed,
    testFraction: o.testFraction,
    validationFraction: o.validationFraction ?? 0,
  };
}

/** Moves one case to another part, as a hand edit: the split no longer claims a seed. */
export function moveCase(split: CaseSplit, id: string, to: SplitPart): CaseSplit {
  const out: CaseSplit = { train: [], validation: [], test: [] };
  for (const part of SPLIT_PARTS) out[part] = split[part].filter((c) => c !== id);
  out[to] = [...out[to], id].sort();
  return out;
}

export function partOf(split: CaseSplit, id: string): SplitPart | undefined {
  return SPLIT_PARTS.find((p) => split[p].includes(id));
}

export function splitJson(split: CaseSplit): string {
  return `${JSON.stringify({ format: SPLIT_FORMAT, ...split }, null, 2)}\n`;
}

const caseIds = v.optional(v.array(v.string()), []);
const splitFile = v.object({
  format: v.optional(v.string()),
  train: caseIds,
  validation: caseIds,
  test: caseIds,
  seed: v.optional(v.number()),
  testFraction: v.optional(v.number()),
  validationFraction: v.optional(v.number()),
});

/** Reads a split file: {"train": [...], "validation": [...], "test": [...]}, validation optional; checked by schema (valibot), the field named. */
export function parseSplit(json: unknown): CaseSplit {
  if (typeof json !== 'object' || json === null || Array.isArray(json)) throw new Error('a split file is a JSON object with "train", "validation" and "test" lists of case ids');
  const r = v.safeParse(splitFile, json);
  if (!r.success) {
    const path = v.getDotPath(r.issues[0]) ?? 'document';
    const part = SPLIT_PARTS.find((p) => path === p || path.startsWith(`${p}.`));
    throw new Error(part ? `"${part}" in the split file must be a list of case ids (strings)` : `the split file's "${path}" is not what a split holds: ${r.issues[0].message}`);
  }
  const o = r.output;
  if (o.format !== undefined && o.format !== SPLIT_FORMAT) throw new Error(`this split file is ${o.format}; the studio reads ${SPLIT_FORMAT}`);
  const owner = new Map<string, SplitPart>();
  for (const part of SPLIT_PARTS) {
    for (const id of o[part]) {
      const before = owner.get(id);
      if (before) throw new Error(`case ${id} is in both "${before}" and "${part}" of the split file`);
      owner.set(id, part);
    }
  }
  if (!o.train.length) throw new Error('the split file has no training case');
  const split: CaseSplit = { train: [...o.train], validation: [...o.validation], test: [...o.test] };
  for (const k of ['seed', 'testFraction', 'validationFraction'] as const) if (o[k] !== undefined) split[k] = o[k];
  return split;
}

/** The split's cases that the dataset lacks, named, so a split of another dataset is refused whole. */
export function checkSplitCases(split: CaseSplit, ids: string[]): void {
  const have = new Set(ids);
  const missing = SPLIT_PARTS.flatMap((p) => split[p]).filter((id) => !have.has(id));
  if (missing.length) throw new Error(`the split names ${missing.length} case${missing.length === 1 ? '' : 's'} the dataset does not have: ${missing.slice(0, 5).join(', ')}${missing.length > 5 ? ', …' : ''}`);
}
