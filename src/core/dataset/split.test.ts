import { describe, expect, it } from 'vitest';
import { checkSplitCases, makeSplit, moveCase, parseSplit, partOf, splitJson } from './split.ts';

const ids = Array.from({ length: 20 }, (_, i) => `BraTS2021_${String(i).padStart(5, '0')}`);

describe('splits by case', () => {
  it('the counts follow the fractions and every case is in exactly one part', () => {
    const s = makeSplit(ids, { seed: 1, testFraction: 0.25, validationFraction: 0.1 });
    expect([s.train.length, s.validation.length, s.test.length]).toEqual([13, 2, 5]);
    expect([...s.train, ...s.validation, ...s.test].sort()).toEqual(ids);
  });

  it('the same seed gives the same split whatever the order of the cases; another seed another split', () => {
    const a = makeSplit(ids, { seed: 7, testFraction: 0.3 });
    expect(makeSplit([...ids].reverse(), { seed: 7, testFraction: 0.3 })).toEqual(a);
    expect(makeSplit(ids, { seed: 8, testFraction: 0.3 }).test).not.toEqual(a.test);
  });

  it('adding a case moves no other case', () => {
    const a = makeSplit(ids, { seed: 3, testFraction: 0.5 });
    const b = makeSplit([...ids, 'BraTS2021_09999'], { seed: 3, testFraction: 0.5 });
    const moved = ids.filter((id) => partOf(a, id) !== partOf(b, id));
    // With 21 cases the test part takes round(10.5) = 11: at most the one new test slot shifts a case.
    expect(moved.length).toBeLessThanOrEqual(1);
  });

  it('small datasets keep a training and a test case', () => {
    expect(makeSplit(['a', 'b'], { seed: 0, testFraction: 0.1 })).toMatchObject({ train: [expect.any(String)], test: [expect.any(String)] });
    expect(makeSplit(['a'], { seed: 0, testFraction: 0.5 })).toMatchObject({ train: ['a'], test: [] });
    expect(() => makeSplit(ids, { seed: 0, testFraction: 1 })).toThrow(/below 1/);
  });

  it('a hand edit moves one case and drops the seed the split no longer follows', () => {
    const s = makeSplit(ids, { seed: 1, testFraction: 0.25 });
    const moved = moveCase(s, s.test[0], 'train');
    expect(partOf(moved, s.test[0])).toBe('train');
    expect(moved.test).toHaveLength(4);
    expect(moved.seed).toBeUndefined();
  });

  it('round-trips through JSON', () => {
    const s = makeSplit(ids, { seed: 4, testFraction: 0.2, validationFraction: 0.2 });
    expect(parseSplit(JSON.parse(splitJson(s)))).toEqual(s);
  });

  it('reads the minimal file the CLI documents, and refuses a bad one by what is wrong', () => {
    expect(parseSplit({ train: ['a', 'b'], test: ['c'] })).toEqual({ train: ['a', 'b'], validation: [], test: ['c'] });
    expect(() => parseSplit({ train: ['a'], test: ['a'] })).toThrow(/case a is in both "train" and "test"/);
    expect(() => parseSplit({ train: 'a' })).toThrow(/"train" .* must be a list/);
    expect(() => parseSplit({ test: ['a'] })).toThrow(/no training case/);
    expect(() => parseSplit([])).toThrow(/JSON object/);
    expect(() => parseSplit({ train: ['a'], seed: 'five' })).toThrow('the split file\'s "seed" is not what a split holds');
    expect(() => parseSplit({ train: ['a', 3] })).toThrow('"train" in the split file must be a list of case ids (strings)');
  });

  it('a split naming cases the dataset lacks is refused with their names', () => {
    expect(() => checkSplitCases({ train: ['a', 'x'], validation: [], test: ['y'] }, ['a', 'b'])).toThrow(/2 cases the dataset does not have: x, y/);
  });
});
