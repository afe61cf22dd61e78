import { expect, it } from 'vitest';
import { defaultTask, regionsLabel, targets, taskSpec } from './tasks.ts';

it('defaults to the regions for a BraTS label map and to a lesion for a one-label mask', () => {
  expect(defaultTask([0, 1, 2, 4])).toBe('regions');
  expect(defaultTask([0, 2, 4])).toBe('regions');
  expect(defaultTask([0, 1])).toBe('binary');
  expect(defaultTask([0, 4])).toBe('binary');
  expect(defaultTask([0])).toBe('regions');
});

it('builds nested region targets, lesion targets and one-hot labels', () => {
  // labels NCR, ED, ET, background
  expect(Array.from(targets(taskSpec('regions'), [1, 2, 4, 0]))).toEqual([1, 1, 0, 1, 0, 0, 1, 1, 1, 0, 0, 0]);
  expect(Array.from(targets(taskSpec('binary'), [1, 2, 4, 0]))).toEqual([1, 1, 1, 0]);
  expect(Array.from(targets(taskSpec('labels'), [4, 0]))).toEqual([0, 0, 0, 1, 1, 0, 0, 0]);
});

it('one rule makes labels from region outputs for every head: the hierarchy nests ET in TC in WT', () => {
  // (wt, tc, et) -> label, by hand: NCR 1, ED 2, ET 4.
  const cases: [boolean, boolean, boolean, number, number][] = [
    // wt     tc     et    hierarchy  without
    [false, false, false, 0, 0],
    [true, false, false, 2, 2],
    [true, true, false, 1, 1],
    [true, true, true, 4, 4],
    [false, false, true, 0, 4], // ET outside the whole tumour: dropped by the hierarchy
    [true, false, true, 2, 4], // ET outside the core: oedema by the hierarchy
    [false, true, false, 0, 1],
  ];
  for (const [wt, tc, et, nested, flat] of cases) {
    expect(regionsLabel(wt, tc, et, true)).toBe(nested);
    expect(regionsLabel(wt, tc, et, false)).toBe(flat);
  }
  expect(taskSpec('regions', { hierarchy: true }).hierarchy).toBe(true);
  expect(taskSpec('regions').hierarchy).toBeUndefined();
});
