import { expect, it } from 'vitest';
import { defaultTask, targets, taskSpec } from './tasks.ts';

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
