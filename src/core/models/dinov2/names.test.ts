import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REFERENCE } from '../../../../test/dinov2Reference.ts';
import { hfToOrig, origToHf } from './names.ts';

interface Entry {
  orig: string;
  hf: string | string[];
}

const cases = (JSON.parse(readFileSync(join(REFERENCE, 'name-map.json'), 'utf8')) as { cases: Record<string, Entry[]> }).cases;

describe.each(Object.keys(cases))('names of %s, both ways, as name-map.json lists them', (name) => {
  it('authors -> Hugging Face -> authors', () => {
    for (const e of cases[name]) {
      const hf = Array.isArray(e.hf) ? e.hf : [e.hf];
      expect(origToHf(e.orig)).toEqual(hf);
      for (const h of hf) expect(hfToOrig(h)?.name).toBe(e.orig);
    }
  });
});

it('leaves unknown names alone', () => {
  expect(origToHf('head.weight')).toBeNull();
  expect(hfToOrig('classifier.weight')).toBeNull();
});
